import { describe, expect, it } from "vitest";
import { endingPhase, finishPlan, judge, type Ending, type EndpointView, type Verdict } from "../../src/core/reconcile";
import { DRIVER_LIVENESS_SECONDS } from "../../src/core/rollout-state";
import { RECORD_NOW as NOW, rolloutRecord as record } from "../helpers/rollout-record";

/**
 * How reconcile judges a rollout from its record and what DescribeEndpoint says, and what booking
 * its ending removes: the decisions that let a later command finish what an earlier one started.
 */

const live = { driver: "d00d", heartbeat: NOW - 1_000 };
const dead = { driver: "d00d", heartbeat: NOW - (DRIVER_LIVENESS_SECONDS + 1) * 1000 };
const traffic = (over = {}) => record({ mode: "traffic", mixConfig: "churn-mix", phase: "shifting", weight: 10, ...over });
const at = (status: string, serving?: string, pending?: string): EndpointView => ({ status, serving, pending });

describe("judge: a traffic rollout whose driver still beats", () => {
  it.each<[string, Parameters<typeof record>[0], EndpointView, Verdict]>([
    // The last update landed the new config: the rollout is over even though the driver has not booked it yet.
    ["finalizing, InService on the new config, nothing pending: deployed", { phase: "finalizing" }, at("InService", "churn-new"), { kind: "ended", outcome: "deployed", why: "churn-new serves" }],
    ["finalizing while the final update still runs: the driver's", { phase: "finalizing" }, at("Updating", "churn-mix", "churn-new"), { kind: "running", by: "driver" }],
    ["finalizing, Updating with nothing pending yet: the driver's", { phase: "finalizing" }, at("Updating", "churn-new"), { kind: "running", by: "driver" }],
    ["finalizing, InService but the new config still pending: the driver's", { phase: "finalizing" }, at("InService", "churn-mix", "churn-new"), { kind: "running", by: "driver" }],
    ["finalizing, InService but still on the old config: the driver's", { phase: "finalizing" }, at("InService", "churn-old"), { kind: "running", by: "driver" }],
    ["shifting with the new config serving (not finalizing): the driver's", { phase: "shifting" }, at("InService", "churn-new"), { kind: "running", by: "driver" }],
    // An ended phase whose booking is still to do: the driver's heartbeat does not hold it.
    ["rolled back, not yet booked: ended", { phase: "rolled-back" }, at("InService", "churn-old"), { kind: "ended", outcome: "rolled-back", why: "churn-old, the old version, serves" }],
  ])("%s", (_, over, endpoint, verdict) => {
    expect(judge(traffic({ ...live, ...over }), endpoint, NOW)).toEqual(verdict);
  });

  it("a guardrail rollout is SageMaker's, whatever driver token its record carries", () => {
    expect(judge(record({ ...live }), at("Updating", "churn-old", "churn-new"), NOW)).toEqual({ kind: "running", by: "sagemaker" });
    expect(judge(record({ ...live }), at("InService", "churn-new"), NOW)).toEqual({ kind: "ended", outcome: "deployed", why: "churn-new serves" });
  });
});

describe("judge: nobody drives", () => {
  it.each<[string, Parameters<typeof record>[0], EndpointView, Verdict]>([
    ["guardrails, Updating with nothing pending: SageMaker's", {}, at("Updating", "churn-old"), { kind: "running", by: "sagemaker" }],
    ["guardrails, Creating: SageMaker's", { mode: "create", oldConfig: "" }, at("Creating"), { kind: "running", by: "sagemaker" }],
    ["guardrails, InService with a deployment pending: SageMaker's", {}, at("InService", "churn-old", "churn-new"), { kind: "running", by: "sagemaker" }],
    ["guardrails, UpdateRollbackFailed: failed", {}, at("UpdateRollbackFailed", "churn-old"), { kind: "ended", outcome: "failed", why: "the endpoint is UpdateRollbackFailed" }],
    ["create, InService on its config: created", { mode: "create", oldConfig: "" }, at("InService", "churn-new"), { kind: "ended", outcome: "created", why: "churn-new serves" }],
    ["guardrails, SageMaker kept the old config: rolled back", {}, at("InService", "churn-old"), { kind: "ended", outcome: "rolled-back", why: "SageMaker kept churn-old" }],
    ["guardrails, another config serves: superseded", {}, at("InService", "churn-other"), { kind: "ended", outcome: "superseded", why: "the endpoint serves churn-other, which this rollout did not set" }],
    ["a new endpoint's record (no old config) serving another config: superseded", { mode: "create", oldConfig: "" }, at("InService", "churn-other"), { kind: "ended", outcome: "superseded", why: "the endpoint serves churn-other, which this rollout did not set" }],
  ])("%s", (_, over, endpoint, verdict) => {
    expect(judge(record(over), endpoint, NOW)).toEqual(verdict);
  });

  it.each<[string, Parameters<typeof record>[0], EndpointView, Verdict]>([
    ["failed phase, back on the old config: failed, not rolled back", { phase: "failed" }, at("InService", "churn-old"), { kind: "ended", outcome: "failed", why: "the rollout failed" }],
    ["interrupted, on the old config: interrupted", { phase: "interrupted" }, at("InService", "churn-old"), { kind: "ended", outcome: "interrupted", why: "churn-old, the old version, serves" }],
    ["shifting, on the old config: rolled back", {}, at("InService", "churn-old"), { kind: "ended", outcome: "rolled-back", why: "churn-old, the old version, serves" }],
    ["finalizing, on the new config: deployed", { phase: "finalizing" }, at("InService", "churn-new"), { kind: "ended", outcome: "deployed", why: "churn-new serves" }],
    ["done, on the new config: deployed", { phase: "done" }, at("InService", "churn-new"), { kind: "ended", outcome: "deployed", why: "churn-new serves" }],
    ["baking, on the new config: stalled", { phase: "baking" }, at("InService", "churn-new"), { kind: "stalled", why: "the new version serves, but its watch (baking) did not finish" }],
    ["shifting, on the mixed config: stalled at its weight", {}, at("InService", "churn-mix"), { kind: "stalled", why: "10% of the traffic is on the new version and nobody drives the rollout" }],
    ["shifting, on a config of nobody's: superseded", {}, at("InService", "churn-other"), { kind: "ended", outcome: "superseded", why: "the endpoint serves churn-other, which this rollout did not set" }],
    ["serverless (no mixed config), on a config of nobody's: superseded", { mode: "serverless", mixConfig: undefined }, at("InService", "churn-other"), { kind: "ended", outcome: "superseded", why: "the endpoint serves churn-other, which this rollout did not set" }],
  ])("traffic, driver gone: %s", (_, over, endpoint, verdict) => {
    expect(judge(traffic({ ...dead, ...over }), endpoint, NOW)).toEqual(verdict);
  });
});

describe("the record's phase for each ending", () => {
  it.each<[Ending, string]>([
    ["deployed", "done"],
    ["created", "done"],
    ["rolled-back", "rolled-back"],
    ["interrupted", "interrupted"],
    ["failed", "failed"],
    ["superseded", "superseded"],
  ])("%s → %s", (outcome, phase) => {
    expect(endingPhase(outcome)).toBe(phase);
  });
});

describe("finishPlan", () => {
  it("keeps only real config names (nothing pending adds no empty entry)", () => {
    const plan = finishPlan(record({ mixConfig: "churn-mix" }), "rolled-back", at("InService", "churn-old"), {});
    expect(plan).toEqual({ wayBack: undefined, removeConfigs: ["churn-mix", "churn-new"], keepConfigs: ["churn-old"], removeAlarms: [] });
  });

  it("created: removes no config, even one the endpoint no longer serves by the time it is booked", () => {
    const plan = finishPlan(record({ mode: "create", oldConfig: "", mixConfig: "churn-mix", ownedAlarms: ["a1"] }), "created", at("InService", "churn-other"), {});
    expect(plan).toEqual({ wayBack: undefined, removeConfigs: [], keepConfigs: ["churn-other"], removeAlarms: ["a1"] });
  });
});
