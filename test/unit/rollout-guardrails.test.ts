import { describe, expect, it } from "vitest";
import { watchGuardrails } from "../../src/rollout/guardrails";
import { Timeout } from "../../src/rollout/poll";
import { endingExitCode } from "../../src/rollout/report";
import { ExitCode } from "../../src/exit-codes";
import { MlopsError } from "../../src/errors";
import { awsError, FakeClock, ScriptedAws, scriptedEnv, type EndpointState } from "../helpers/scripted-aws";

/**
 * watchGuardrails decides how a SageMaker guardrail deployment ended, from DescribeEndpoint and
 * DescribeAlarms alone. Each test plays a sequence of describes (one per poll, the last repeated),
 * including states the sandbox never produces.
 */

const OLD = "churn-old";
const NEW = "churn-new";
const ALARMS = ["churn-5xx", "churn-latency"];

const inService = (config: string, extra: Partial<EndpointState> = {}): EndpointState => ({ EndpointName: "churn", EndpointStatus: "InService", EndpointConfigName: config, ...extra });
const updating = (extra: Partial<EndpointState> = {}): EndpointState => ({ EndpointName: "churn", EndpointStatus: "Updating", EndpointConfigName: OLD, ...extra });
const baking = (extra: Partial<EndpointState> = {}): EndpointState =>
  updating({
    PendingDeploymentSummary: {
      EndpointConfigName: NEW,
      ProductionVariants: [{ VariantName: "AllTraffic", DesiredInstanceCount: 2, VariantStatus: [{ Status: "Baking", StatusMessage: "Baking for 300 seconds on canary capacity of 1 instance(s)." }] }],
    },
    ...extra,
  });

/** A guardrail watch over `describes` (one per poll; the last one repeats); `each(n)` runs before describe n (0-based). */
function watch(describes: EndpointState[], options: { each?: (n: number, aws: ScriptedAws, clock: FakeClock) => void; alarms?: string[]; deadlineSeconds?: number } = {}) {
  const clock = new FakeClock();
  let n = 0;
  const aws: ScriptedAws = new ScriptedAws(clock, {
    DescribeEndpoint: () => {
      options.each?.(n, aws, clock);
      const state = describes[Math.min(n, describes.length - 1)]!;
      n++;
      if (state instanceof Error) throw state;
      return state;
    },
  });
  const alarms = options.alarms ?? ALARMS;
  for (const a of alarms) aws.setAlarm(a, "OK", clock.t - 60_000);
  const env = scriptedEnv(aws, clock, { pollSeconds: 10, deadlineSeconds: options.deadlineSeconds });
  return { run: () => watchGuardrails(env, NEW, alarms), aws, clock, env, describes: () => n };
}

describe("watchGuardrails", () => {
  it("reports deployed once the endpoint is InService on the new config, not on the old state a describe shows right after UpdateEndpoint", async () => {
    const w = watch([inService(OLD), baking(), inService(NEW)]);
    const result = await w.run();
    expect(result).toEqual({ outcome: "deployed", endpointConfig: NEW, alarms: ALARMS.map((name) => ({ name, state: "OK" })), failureReason: null, firedAlarm: null, rollbackReactionSeconds: null });
    expect(w.describes()).toBe(3);
  });

  it("keeps watching while InService comes with a pending deployment (SageMaker is still baking)", async () => {
    const pendingInService = { ...baking(), EndpointStatus: "InService" as const };
    const w = watch([inService(OLD), pendingInService, pendingInService, inService(NEW)]);
    expect((await w.run()).outcome).toBe("deployed");
    expect(w.describes()).toBe(4);
  });

  it("an update seen only as a pending deployment still counts as seen: InService on the old config after it is a rollback", async () => {
    const pendingInService = { ...baking(), EndpointStatus: "InService" as const };
    const w = watch([pendingInService, inService(OLD)]);
    const result = await w.run();
    expect(result.outcome).toBe("rolled-back");
    expect(result.endpointConfig).toBe(OLD);
  });

  it("reports rolled-back with the alarm that fired first (by when it entered ALARM), its time, and the reaction in seconds", async () => {
    const w = watch([baking(), baking(), baking(), inService(OLD)], {
      each: (n, aws, clock) => {
        // The latency alarm is seen first but entered ALARM later than the 5xx alarm.
        if (n === 1) aws.setAlarm("churn-latency", "ALARM", clock.t - 5_000);
        if (n === 2) aws.setAlarm("churn-5xx", "ALARM", clock.t - 30_000);
      },
    });
    const start = w.clock.t;
    const result = await w.run();
    // Describes at start, +10 s, +20 s, +30 s: the 5xx alarm entered ALARM at +20 s − 30 s = −10 s.
    const fired5xx = start + 20_000 - 30_000;
    expect(result).toMatchObject({ outcome: "rolled-back", endpointConfig: OLD, firedAlarm: "churn-5xx", firedAt: fired5xx });
    expect(result.rollbackReactionSeconds).toBe((start + 30_000 - fired5xx) / 1000);
    expect(result.alarms).toEqual([
      { name: "churn-5xx", state: "ALARM" },
      { name: "churn-latency", state: "ALARM" },
    ]);
  });

  it("keeps the FailureReason from the moment it appears, though a later describe drops it", async () => {
    const w = watch([baking(), baking({ FailureReason: "Alarm churn-latency went into ALARM" }), inService(OLD)]);
    const result = await w.run();
    expect(result.failureReason).toBe("Alarm churn-latency went into ALARM");
    // No alarm was seen in ALARM: the one named in the reason is the one that fired.
    expect(result.firedAlarm).toBe("churn-latency");
    expect(result.rollbackReactionSeconds).toBeNull();
    expect(result.firedAt).toBeNull();
  });

  it("ignores a FailureReason left by an earlier update (shown before this update is seen)", async () => {
    const w = watch([inService(OLD, { FailureReason: "stale: last week's update" }), baking(), inService(OLD)]);
    const result = await w.run();
    expect(result.outcome).toBe("rolled-back");
    expect(result.failureReason).toBe("SageMaker rolled the update back without a reason");
    expect(result.firedAlarm).toBeNull();
  });

  it("takes a reason given only at the end of the rollback", async () => {
    const w = watch([baking(), inService(OLD, { FailureReason: "the new fleet failed its health check" })]);
    expect((await w.run()).failureReason).toBe("the new fleet failed its health check");
  });

  it.each(["Failed", "UpdateRollbackFailed"] as const)("an update ending %s is a failure (exit 1), not a rollback (exit 3)", async (status) => {
    const w = watch([baking(), { ...updating(), EndpointStatus: status, FailureReason: "capacity error" }]);
    const result = await w.run();
    expect(result).toMatchObject({ outcome: "failed", endpointConfig: OLD, failureReason: `${status}: capacity error`, firedAlarm: null, rollbackReactionSeconds: null });
    expect(endingExitCode(result.outcome)).toBe(ExitCode.Failed);
  });

  it("a Failed endpoint without a reason says so", async () => {
    const w = watch([{ ...updating(), EndpointStatus: "Failed" }]);
    expect((await w.run()).failureReason).toBe("Failed: no reason given");
  });

  it("keeps waiting on an endpoint that never shows the update, until the deadline (Timeout)", async () => {
    const w = watch([inService(OLD)], { deadlineSeconds: 120 });
    await expect(w.run()).rejects.toBeInstanceOf(Timeout);
    // One describe per 10-second poll over 120 seconds, and the one at the deadline.
    expect(w.describes()).toBe(13);
  });

  it("an endpoint that disappears ends the watch with an error", async () => {
    const w = watch([baking(), awsError("ValidationException", "Could not find endpoint churn") as unknown as EndpointState]);
    await expect(w.run()).rejects.toThrow(new MlopsError("endpoint churn disappeared during the deployment"));
  });

  it("throttled reads back off and never end the watch", async () => {
    const w = watch([baking(), awsError("ThrottlingException") as unknown as EndpointState, awsError("ThrottlingException") as unknown as EndpointState, inService(NEW)]);
    const start = w.clock.t;
    const result = await w.run();
    expect(result.outcome).toBe("deployed");
    const at = w.aws.callsOf("DescribeEndpoint").map((c) => (c.at - start) / 1000);
    // 10 s polls, doubling after each throttled read: 10, 20, 40.
    expect(at).toEqual([0, 10, 30, 70]);
  });

  it("watches no alarms when there are none, and reads none", async () => {
    const w = watch([baking(), inService(NEW)], { alarms: [] });
    expect((await w.run()).alarms).toEqual([]);
    expect(w.aws.callsOf("DescribeAlarms")).toEqual([]);
  });

  it("shows the deployment's phase as it goes, with each alarm's state", async () => {
    const w = watch([updating(), baking(), inService(NEW)]);
    await w.run();
    const log = w.env.stderr();
    expect(log).toMatch(/ updating · alarms: churn-5xx OK, churn-latency OK\n/);
    expect(log).toMatch(/ baking · 50% on the new version · alarms: churn-5xx OK, churn-latency OK\n/);
  });

  it("an update seen only as Updating (no pending deployment shown) counts as seen", async () => {
    const w = watch([updating(), inService(OLD)]);
    expect((await w.run()).outcome).toBe("rolled-back");
  });

  it("a pending deployment whose variants are not listed yet shows as updating", async () => {
    const w = watch([updating({ PendingDeploymentSummary: { EndpointConfigName: NEW } }), inService(NEW)]);
    expect((await w.run()).outcome).toBe("deployed");
    expect(w.env.stderr()).toMatch(/ updating · alarms/);
  });

  it("a pending variant without a status yet shows as updating", async () => {
    const w = watch([updating({ PendingDeploymentSummary: { EndpointConfigName: NEW, ProductionVariants: [{ VariantName: "AllTraffic", DesiredInstanceCount: 2 }] } }), inService(NEW)]);
    expect((await w.run()).outcome).toBe("deployed");
    expect(w.env.stderr()).toMatch(/ updating · alarms/);
  });

  it("a Failed update reports the reason seen first, not a later one", async () => {
    const w = watch([baking({ FailureReason: "the canary failed its health check" }), { ...updating(), EndpointStatus: "Failed", FailureReason: "a later reason" }]);
    expect((await w.run()).failureReason).toBe("Failed: the canary failed its health check");
  });
});

describe("endingExitCode", () => {
  it.each([
    ["deployed", undefined, ExitCode.Ok],
    ["created", undefined, ExitCode.Ok],
    ["no-change", undefined, ExitCode.Ok],
    ["paused", undefined, ExitCode.Ok],
    ["started", undefined, ExitCode.Ok],
    ["done", undefined, ExitCode.Ok],
    ["rolled-back", undefined, ExitCode.RolledBack],
    ["interrupted", undefined, ExitCode.RolledBack],
    ["failed", undefined, ExitCode.Failed],
    ["failed", "InService", ExitCode.Failed],
    ["done", "Failed", ExitCode.Failed],
    ["rolled-back", "UpdateRollbackFailed", ExitCode.Failed],
    [undefined, "Failed", ExitCode.Failed],
    [undefined, "InService", ExitCode.Ok],
    [undefined, undefined, ExitCode.Ok],
  ] as const)("%s with the endpoint %s exits %s", (ending, status, code) => {
    expect(endingExitCode(ending, status)).toBe(code);
  });
});
