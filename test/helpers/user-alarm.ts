import type { ExistingAlarm } from "../../src/core/alarm-scope";

/** A team's own alarm on SageMaker's 5xx metric, with the given dimensions ([Name, Value] pairs). */
export function userAlarm(dimensions: Array<[string, string]>): ExistingAlarm {
  return {
    AlarmName: "team-alarm",
    Namespace: "AWS/SageMaker",
    MetricName: "Invocation5XXErrors",
    Statistic: "Average",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0.1,
    ComparisonOperator: "GreaterThanThreshold",
    Dimensions: dimensions.map(([Name, Value]) => ({ Name, Value })),
  };
}
