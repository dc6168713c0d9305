import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { abortAlarm, copyAlarmName } from "../../src/core/alarms";
import { guardrailPhase } from "../../src/core/endpoint-phase";

/** CloudWatch alarm names are at most 255 characters (botocore cloudwatch AlarmName max 255). */
describe("copyAlarmName: a rollout's copy of a user's alarm, within 255 characters", () => {
  // "mlops-e-r-copy-" is 15 characters: an original of 240 makes exactly 255.
  const prefix = "mlops-e-r-copy-";

  it("a name of exactly 255 characters is kept as it is", () => {
    const original = "a".repeat(240);
    expect(copyAlarmName("e", "r", original)).toBe(prefix + original);
  });

  it("one character more: cut to 246, then '-' and the 8-hex sha256 of the original's JSON", () => {
    const original = "a".repeat(241);
    const hash = createHash("sha256").update(JSON.stringify(original)).digest("hex").slice(0, 8);
    const name = copyAlarmName("e", "r", original);
    expect(name).toBe(`${(prefix + original).slice(0, 246)}-${hash}`);
    expect(name).toHaveLength(255);
  });
});

describe("abortAlarm: what `mlops abort` sets off", () => {
  it("is pinned whole: the abort metric, scoped to the new endpoint config, one breaching minute, no actions", () => {
    expect(abortAlarm("churn", "churn-bbbb", "r7")).toEqual({
      AlarmName: "mlops-churn-r7-abort",
      AlarmDescription: "mlops: `mlops abort --endpoint churn` sets this off to roll back the deployment of churn-bbbb",
      Namespace: "mlops/rollouts",
      MetricName: "AbortRequested",
      Statistic: "Average",
      Dimensions: [
        { Name: "EndpointName", Value: "churn" },
        { Name: "EndpointConfigName", Value: "churn-bbbb" },
      ],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 0.5,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      ActionsEnabled: false,
    });
  });
});

describe("guardrailPhase: the share of traffic read off SageMaker's message", () => {
  const now = new Date(0);
  it.each([
    // 100 × instances on the new fleet / total instances
    ["ActivatingTraffic", "Shifting traffic to canary capacity of 1 instance(s)", 4, { phase: "shifting", share: 25 }],
    ["ActivatingTraffic", "Shifting traffic to canary capacity of 10 instance(s)", 20, { phase: "shifting", share: 50 }],
    ["ActivatingTraffic", "Shifting traffic on 3 instance(s)", 2, { phase: "shifting", share: 100 }],
    ["ActivatingTraffic", "Shifting traffic to canary capacity of 1 instance(s)", 0, { phase: "shifting", share: undefined }],
    ["Deleting", "Deleting the new fleet", 4, { phase: "rolling back", share: 0 }],
    ["SomethingNew", "Shifting traffic to full capacity", 4, { phase: "something new", share: 100 }],
  ])("%s %j of %d instances → %j", (Status, StatusMessage, total, expected) => {
    expect(guardrailPhase({ Status, StatusMessage }, total, now)).toEqual(expected);
  });
});
