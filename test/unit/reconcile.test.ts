import { describe, expect, it } from "vitest";
import { userAlarm } from "../helpers/user-alarm";
import { alarmScope, retargetedAlarm, type ExistingAlarm } from "../../src/core/alarm-scope";
import { copyAlarmName } from "../../src/core/alarms";
import { finishPlan, judge, type EndpointView } from "../../src/core/reconcile";
import { DRIVER_LIVENESS_SECONDS, type RolloutState } from "../../src/core/rollout-state";
import { rolloutRecord } from "../helpers/rollout-record";

const NOW = 1_700_000_000_000;

/** The shared record fixture, around this file's NOW. */
const record = (over: Partial<RolloutState> = {}): RolloutState => rolloutRecord(over, NOW);

const inService = (serving: string): EndpointView => ({ status: "InService", serving });

describe("judging a rollout from its record and the endpoint", () => {
  it("nothing to do without a record or once its ending is booked", () => {
    expect(judge(undefined, inService("a"), NOW)).toEqual({ kind: "idle" });
    expect(judge(record({ phase: "done", finished: true }), inService("churn-new"), NOW)).toEqual({ kind: "idle" });
  });

  it("guardrails: running while SageMaker updates; then deployed, rolled back or superseded by what serves", () => {
    expect(judge(record(), { status: "Updating", serving: "churn-old", pending: "churn-new" }, NOW)).toEqual({ kind: "running", by: "sagemaker" });
    expect(judge(record(), inService("churn-new"), NOW)).toMatchObject({ kind: "ended", outcome: "deployed" });
    expect(judge(record(), inService("churn-old"), NOW)).toMatchObject({ kind: "ended", outcome: "rolled-back" });
    expect(judge(record(), inService("someone-elses"), NOW)).toMatchObject({ kind: "ended", outcome: "superseded" });
    expect(judge(record(), { status: "UpdateRollbackFailed", serving: "churn-old" }, NOW)).toMatchObject({ kind: "ended", outcome: "failed" });
    expect(judge(record({ mode: "create", oldConfig: "" }), inService("churn-new"), NOW)).toMatchObject({ kind: "ended", outcome: "created" });
    expect(judge(record({ mode: "rollback" }), inService("churn-new"), NOW)).toMatchObject({ kind: "ended", outcome: "deployed" });
  });

  it("traffic: a live driver is left alone; a dead one leaves a rollout stalled or ended by what serves", () => {
    const traffic = (over: Partial<RolloutState>) => record({ mode: "traffic", mixConfig: "churn-mix", newVariant: "mlops-r1", phase: "baking", weight: 10, driver: "abcd", ...over });
    expect(judge(traffic({ heartbeat: NOW - 10_000 }), inService("churn-mix"), NOW)).toEqual({ kind: "running", by: "driver" });
    const dead = NOW - DRIVER_LIVENESS_SECONDS * 1000 - 1;
    expect(judge(traffic({ heartbeat: dead }), inService("churn-mix"), NOW)).toMatchObject({ kind: "stalled", why: expect.stringContaining("10% of the traffic") });
    expect(judge(traffic({ driver: undefined, phase: "paused", weight: 0 }), inService("churn-mix"), NOW)).toMatchObject({ kind: "stalled" });
    // Once the last update landed, the rollout is over even while its driver lives.
    expect(judge(traffic({ heartbeat: NOW - 10_000, phase: "finalizing" }), inService("churn-new"), NOW)).toMatchObject({ kind: "ended", outcome: "deployed" });
    expect(judge(traffic({ heartbeat: NOW - 10_000, phase: "finalizing" }), { status: "Updating", serving: "churn-mix", pending: "churn-new" }, NOW)).toEqual({ kind: "running", by: "driver" });
    // Killed after it sent the last update, or before it booked its ending.
    expect(judge(traffic({ driver: undefined, phase: "finalizing" }), inService("churn-new"), NOW)).toMatchObject({ kind: "ended", outcome: "deployed" });
    expect(judge(traffic({ driver: undefined, phase: "done" }), inService("churn-new"), NOW)).toMatchObject({ kind: "ended", outcome: "deployed" });
    // Ctrl-C put the traffic back and sent the update to the old config: once it is there, it ended.
    expect(judge(traffic({ driver: undefined, phase: "interrupted" }), { status: "Updating", serving: "churn-mix", pending: "churn-old" }, NOW)).toEqual({ kind: "running", by: "sagemaker" });
    expect(judge(traffic({ driver: undefined, phase: "interrupted" }), inService("churn-old"), NOW)).toMatchObject({ kind: "ended", outcome: "interrupted" });
    expect(judge(traffic({ driver: undefined, phase: "rolling-back" }), inService("churn-old"), NOW)).toMatchObject({ kind: "ended", outcome: "rolled-back" });
    // The serverless replacement serves the new config while it watches: not deployed until the watch ends.
    expect(judge(record({ mode: "serverless", phase: "baking", driver: undefined }), inService("churn-new"), NOW)).toMatchObject({ kind: "stalled" });
  });
});

describe("booking an ending", () => {
  const current = { of: "churn-old", previous: "churn-older" };

  it("deployed: the old config becomes the way back; the one before it, the mixed config and the rollout's alarms go", () => {
    const plan = finishPlan(record({ mixConfig: "churn-mix", ownedAlarms: ["mlops-churn-r1-5xx-rate"] }), "deployed", inService("churn-new"), current);
    expect(plan.wayBack).toEqual({ of: "churn-new", previous: "churn-old" });
    expect(plan.removeConfigs.sort()).toEqual(["churn-mix", "churn-older"]);
    expect(plan.removeAlarms).toEqual(["mlops-churn-r1-5xx-rate"]);
    expect(plan.keepConfigs).toEqual(expect.arrayContaining(["churn-new", "churn-old"]));
  });

  it("rolled back: the new config goes, the way back stays; a new config that is also the way back is kept", () => {
    const plan = finishPlan(record({ mixConfig: "churn-mix" }), "rolled-back", inService("churn-old"), current);
    expect(plan.wayBack).toBeUndefined();
    expect(plan.removeConfigs.sort()).toEqual(["churn-mix", "churn-new"]);
    const back = finishPlan(record({ newConfig: "churn-older" }), "rolled-back", inService("churn-old"), current);
    expect(back.removeConfigs).toEqual([]);
  });

  it("a stale way back is not removed; --keep-old keeps every config; failures keep everything but their alarms", () => {
    expect(finishPlan(record(), "deployed", inService("churn-new"), { of: "elsewhere", previous: "churn-x" }).removeConfigs).toEqual([]);
    expect(finishPlan(record({ keepOld: true, mixConfig: "m" }), "deployed", inService("churn-new"), current).removeConfigs).toEqual([]);
    expect(finishPlan(record({ ownedAlarms: ["a"] }), "failed", { status: "Failed" }, current)).toMatchObject({ removeConfigs: [], removeAlarms: ["a"] });
  });

  it("a rollback that went through makes the config it left the way back, and removes nothing", () => {
    const plan = finishPlan(record({ mode: "rollback", oldConfig: "churn-new", newConfig: "churn-old", keepOld: true }), "deployed", inService("churn-old"), { of: "churn-new", previous: "churn-old" });
    expect(plan.wayBack).toEqual({ of: "churn-old", previous: "churn-new" });
    expect(plan.removeConfigs).toEqual([]);
  });
});

describe("what a user's alarm watches", () => {
  const alarm = userAlarm;
  const input = { endpoint: "churn", mode: "traffic" as const, variants: ["AllTraffic"], servingVariant: "AllTraffic", newVariant: "mlops-r1", newConfig: "churn-new", currentConfig: "churn-old" };

  it("on the traffic engine, an alarm on the serving variant is watched as a copy on the new version's variant", () => {
    const scope = alarmScope(alarm([["EndpointName", "churn"], ["VariantName", "AllTraffic"]]), input);
    expect(scope).toMatchObject({ retarget: { from: "AllTraffic", to: "mlops-r1" }, note: expect.stringContaining("VariantName=AllTraffic") });
    const copy = retargetedAlarm(alarm([["EndpointName", "churn"], ["VariantName", "AllTraffic"]]), "copy", "AllTraffic", "mlops-r1");
    expect(copy.Dimensions).toEqual([{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "mlops-r1" }]);
    expect(copy).toMatchObject({ AlarmName: "copy", ActionsEnabled: false, Threshold: 0.1, MetricName: "Invocation5XXErrors" });
    expect(alarmScope(alarm([["EndpointName", "churn"], ["VariantName", "AllTraffic"]]), { ...input, mode: "guardrails", newVariant: "AllTraffic" })).toEqual({});
  });

  it("metric math alarms are retargeted in every metric they read", () => {
    const math: ExistingAlarm = {
      AlarmName: "rate",
      EvaluationPeriods: 1,
      Threshold: 0.1,
      ComparisonOperator: "GreaterThanThreshold",
      Metrics: [
        { Id: "e", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors", Dimensions: [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }] }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "r", Expression: "e / 60", ReturnData: true },
      ],
    };
    expect(alarmScope(math, input).retarget).toEqual({ from: "AllTraffic", to: "mlops-r1" });
    expect(retargetedAlarm(math, "c", "AllTraffic", "mlops-r1").Metrics![0]!.MetricStat!.Metric!.Dimensions).toContainEqual({ Name: "VariantName", Value: "mlops-r1" });
  });

  it("refuses variants and configs the endpoint will not serve, naming the dimension", () => {
    expect(alarmScope(alarm([["EndpointName", "churn"], ["VariantName", "v-1234"]]), input).problem).toMatch(/VariantName=v-1234, a variant churn does not have \(it has: AllTraffic\)/);
    const byConfig = (config: string) => alarm([["EndpointName", "churn"], ["VariantName", "AllTraffic"], ["EndpointConfigName", config]]);
    expect(alarmScope(byConfig("churn-old"), { ...input, mode: "guardrails" }).problem).toMatch(/EndpointConfigName=churn-old, the config serving now/);
    expect(alarmScope(byConfig("churn-new"), { ...input, mode: "guardrails", newVariant: "AllTraffic" })).toEqual({});
    expect(alarmScope(byConfig("churn-new"), input).problem).toMatch(/only during guardrail deployments/);
  });

  it("refuses dimension sets SageMaker never publishes: they see no data", () => {
    expect(alarmScope(alarm([["EndpointName", "churn"]]), input).problem).toBe("--alarm team-alarm reads AWS/SageMaker Invocation5XXErrors by EndpointName, which SageMaker never publishes, so it sees no data");
    expect(alarmScope(alarm([["endpointname", "churn"], ["variantname", "AllTraffic"]]), input).problem).toMatch(/by endpointname\+variantname, which SageMaker never publishes/);
    expect(alarmScope(alarm([["EndpointName", "churn"], ["VariantName", "AllTraffic"], ["Foo", "bar"]]), input).problem).toMatch(/by EndpointName\+Foo\+VariantName/);
    // An asynchronous endpoint's backlog is published per endpoint alone.
    expect(alarmScope({ ...alarm([["EndpointName", "churn"]]), MetricName: "ApproximateBacklogSize" }, input)).toEqual({});
  });

  it("another endpoint's alarm is noted, not refused; other namespaces are the user's business", () => {
    expect(alarmScope(alarm([["EndpointName", "search"], ["VariantName", "AllTraffic"]]), input)).toEqual({ note: expect.stringContaining("watches endpoint search, not churn") });
    expect(alarmScope({ ...alarm([["Service", "api"]]), Namespace: "MyApp" }, input)).toEqual({});
  });

  it("copies are named after the rollout and fit CloudWatch's 255 characters", () => {
    expect(copyAlarmName("churn", "r1", "team-alarm")).toBe("mlops-churn-r1-copy-team-alarm");
    expect(copyAlarmName("churn", "r1", "x".repeat(255)).length).toBe(255);
  });
});
