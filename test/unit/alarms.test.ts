import { describe, expect, it } from "vitest";
import { autoAlarms } from "../../src/core/alarms";

/**
 * The auto-alarms decide when a rollout goes back: each definition is pinned whole (namespace,
 * metric, dimensions, statistic, period, threshold and its unit, evaluation), as CloudWatch gets it.
 */
const EVALUATION = { EvaluationPeriods: 2, DatapointsToAlarm: 2, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", ActionsEnabled: false };

describe("auto-alarms, whole", () => {
  it("real-time under guardrails: 5XX rate and model latency (µs) of the new endpoint config's variant", () => {
    const dimensions = [
      { Name: "EndpointName", Value: "churn" },
      { Name: "VariantName", Value: "AllTraffic" },
      { Name: "EndpointConfigName", Value: "churn-bbbb" },
    ];
    expect(autoAlarms({ endpoint: "churn", rolloutId: "r1", variant: "AllTraffic", config: "churn-bbbb" }, "realtime", { maxErrorRate: 0.02, maxLatencyMs: 250 })).toEqual([
      { AlarmName: "mlops-churn-r1-5xx-rate", AlarmDescription: "mlops: 5XX error rate of endpoint config churn-bbbb on churn above 0.02", Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors", Statistic: "Average", Dimensions: dimensions, Period: 60, Threshold: 0.02, ...EVALUATION },
      { AlarmName: "mlops-churn-r1-model-latency", AlarmDescription: "mlops: model latency of endpoint config churn-bbbb on churn above 250 ms", Namespace: "AWS/SageMaker", MetricName: "ModelLatency", Statistic: "Average", Dimensions: dimensions, Period: 60, Threshold: 250_000, ...EVALUATION },
    ]);
  });

  it("real-time on the traffic engine: scoped to the new variant, without an endpoint config dimension", () => {
    const dimensions = [
      { Name: "EndpointName", Value: "churn" },
      { Name: "VariantName", Value: "v-dddd" },
    ];
    expect(autoAlarms({ endpoint: "churn", rolloutId: "r2", variant: "v-dddd" }, "realtime", { maxErrorRate: 0.01, maxLatencyMs: 1000 })).toEqual([
      { AlarmName: "mlops-churn-r2-5xx-rate", AlarmDescription: "mlops: 5XX error rate of variant v-dddd on churn above 0.01", Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors", Statistic: "Average", Dimensions: dimensions, Period: 60, Threshold: 0.01, ...EVALUATION },
      { AlarmName: "mlops-churn-r2-model-latency", AlarmDescription: "mlops: model latency of variant v-dddd on churn above 1000 ms", Namespace: "AWS/SageMaker", MetricName: "ModelLatency", Statistic: "Average", Dimensions: dimensions, Period: 60, Threshold: 1_000_000, ...EVALUATION },
    ]);
  });

  it("asynchronous: failure rate by metric math over per-minute sums, and processing time (ms)", () => {
    const dimensions = [
      { Name: "EndpointName", Value: "a" },
      { Name: "VariantName", Value: "AllTraffic" },
      { Name: "EndpointConfigName", Value: "c" },
    ];
    const sum = (MetricName: string) => ({ Metric: { Namespace: "AWS/SageMaker", MetricName, Dimensions: dimensions }, Period: 60, Stat: "Sum" });
    expect(autoAlarms({ endpoint: "a", rolloutId: "r3", variant: "AllTraffic", config: "c" }, "async", { maxErrorRate: 0.05, maxLatencyMs: 60_000 })).toEqual([
      {
        AlarmName: "mlops-a-r3-failure-rate",
        AlarmDescription: "mlops: failure rate of endpoint config c on a above 0.05",
        Metrics: [
          { Id: "failed", MetricStat: sum("InvocationFailures"), ReturnData: false },
          { Id: "processed", MetricStat: sum("InvocationsProcesssed"), ReturnData: false },
          { Id: "rate", Expression: "failed / (failed + processed)", ReturnData: true, Label: "failure rate" },
        ],
        Threshold: 0.05,
        ...EVALUATION,
      },
      { AlarmName: "mlops-a-r3-processing-time", AlarmDescription: "mlops: processing time of endpoint config c on a above 60000 ms", Namespace: "AWS/SageMaker", MetricName: "TotalProcessingTime", Statistic: "Average", Dimensions: dimensions, Period: 60, Threshold: 60_000, ...EVALUATION },
    ]);
  });
});
