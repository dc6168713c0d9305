import { describe, expect, it } from "vitest";
import { userAlarm } from "../helpers/user-alarm";
import { alarmScope, retargetedAlarm, type ExistingAlarm } from "../../src/core/alarm-scope";

/**
 * Which user alarms can guard a rollout: SageMaker publishes endpoint metrics per
 * EndpointName + VariantName (+ EndpointConfigName under guardrails), and per
 * EndpointName + InferenceComponentName for inference components (aws-facts.md §3.1).
 */
const alarm = userAlarm;
const traffic = { endpoint: "churn", mode: "traffic" as const, variants: ["Blue", "Green"], servingVariant: "Blue", newVariant: "mlops-r1", newConfig: "churn-new", currentConfig: "churn-old" };

describe("alarmScope", () => {
  it("an alarm on an inference component of this endpoint says nothing about the rollout: left alone", () => {
    expect(alarmScope(alarm([["EndpointName", "churn"], ["InferenceComponentName", "ic-1"]]), traffic)).toEqual({});
  });

  it("an endpoint config dimension outside guardrails: refused, naming the engine", () => {
    const byConfig = alarm([["EndpointName", "churn"], ["VariantName", "Blue"], ["EndpointConfigName", "churn-new"]]);
    expect(alarmScope(byConfig, traffic).problem).toBe(
      "--alarm team-alarm watches EndpointConfigName=churn-new: SageMaker adds that dimension only during guardrail deployments, so on the traffic engine it watches nothing",
    );
    expect(alarmScope(byConfig, { ...traffic, mode: "serverless", newVariant: "Blue" }).problem).toBe(
      "--alarm team-alarm watches EndpointConfigName=churn-new: SageMaker adds that dimension only during guardrail deployments, so on the serverless replacement it watches nothing",
    );
  });

  it("under guardrails, a config neither new nor serving is one this deploy does not serve", () => {
    const byConfig = alarm([["EndpointName", "churn"], ["VariantName", "Blue"], ["EndpointConfigName", "churn-other"]]);
    expect(alarmScope(byConfig, { ...traffic, mode: "guardrails", newVariant: "Blue" }).problem).toBe(
      "--alarm team-alarm watches EndpointConfigName=churn-other, a config this deploy does not serve; this deploy serves churn-new",
    );
  });

  it("a variant the endpoint has but that goes at the end of the rollout: refused", () => {
    expect(alarmScope(alarm([["EndpointName", "churn"], ["VariantName", "Green"]]), traffic).problem).toBe(
      "--alarm team-alarm watches VariantName=Green, which goes at the end of this rollout: the new version serves as Blue",
    );
  });

  it("on the traffic engine creating the endpoint, the new version runs as the serving variant: no copy needed", () => {
    expect(alarmScope(alarm([["EndpointName", "churn"], ["VariantName", "Blue"]]), { ...traffic, newVariant: "Blue" })).toEqual({});
  });

  it("an alarm on another endpoint: noted, not refused", () => {
    expect(alarmScope(alarm([["EndpointName", "fraud"], ["VariantName", "AllTraffic"]]), traffic)).toEqual({ note: "--alarm team-alarm watches endpoint fraud, not churn" });
  });
});

describe("retargetedAlarm: a copy that watches the new version's variant", () => {
  it("swaps only the VariantName dimension that named the old variant, in every metric; keeps metrics without dimensions", () => {
    const math: ExistingAlarm = {
      AlarmName: "compare",
      AlarmDescription: "theirs",
      EvaluationPeriods: 1,
      Threshold: 2,
      ComparisonOperator: "GreaterThanThreshold",
      Metrics: [
        // An endpoint named like its variant: only the VariantName dimension changes.
        { Id: "a", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "ModelLatency", Dimensions: [{ Name: "EndpointName", Value: "Blue" }, { Name: "VariantName", Value: "Blue" }] }, Period: 60, Stat: "Average" }, ReturnData: false },
        { Id: "b", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "ModelLatency", Dimensions: [{ Name: "EndpointName", Value: "Blue" }, { Name: "VariantName", Value: "Green" }] }, Period: 60, Stat: "Average" }, ReturnData: false },
        { Id: "c", MetricStat: { Metric: { Namespace: "Custom", MetricName: "Load" }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "r", Expression: "a / b", ReturnData: true },
      ],
    };
    expect(retargetedAlarm(math, "copy", "Blue", "mlops-r1")).toEqual({
      AlarmName: "copy",
      AlarmDescription: "mlops: compare retargeted from variant Blue to mlops-r1 for one rollout",
      ActionsEnabled: false,
      EvaluationPeriods: 1,
      Threshold: 2,
      ComparisonOperator: "GreaterThanThreshold",
      Metrics: [
        { Id: "a", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "ModelLatency", Dimensions: [{ Name: "EndpointName", Value: "Blue" }, { Name: "VariantName", Value: "mlops-r1" }] }, Period: 60, Stat: "Average" }, ReturnData: false },
        { Id: "b", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "ModelLatency", Dimensions: [{ Name: "EndpointName", Value: "Blue" }, { Name: "VariantName", Value: "Green" }] }, Period: 60, Stat: "Average" }, ReturnData: false },
        { Id: "c", MetricStat: { Metric: { Namespace: "Custom", MetricName: "Load", Dimensions: undefined }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "r", Expression: "a / b", ReturnData: true },
      ],
    });
  });
});
