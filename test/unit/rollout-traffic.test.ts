import { describe, expect, it } from "vitest";
import { decodeRollout, encodeRollout, ROLLOUT_TAG_PREFIX } from "../../src/core/rollout-state";
import { SettledInterruptError } from "../../src/errors";
import { Timeout } from "../../src/rollout/poll";
import { TakenOverError } from "../../src/rollout/traffic";
import { endingExitCode } from "../../src/rollout/report";
import { ExitCode } from "../../src/exit-codes";
import { awsError } from "../helpers/scripted-aws";
import { ALARM, ARN, CONFIG_WEIGHTS, MIX, NEW, NEW_VARIANT, OLD, TOKEN, trafficWorld, type WorldOptions } from "../helpers/traffic-world";

/**
 * mlops's own traffic engine, driven against a scripted endpoint: the weights it sends, the
 * configs it moves to, the record it keeps, and how each rollout ends. The endpoint here applies
 * an update one describe later (Updating, then InService), unless a test scripts otherwise.
 */

type Setup = Pick<WorldOptions, "strategy" | "mode" | "phase" | "step" | "weight" | "serving" | "pause" | "bake" | "finalBake" | "linearStep" | "deadlineSeconds" | "alarms" | "signal">;

/**
 * A fresh rollout (canary 10 %, bakes of 60 s then 30 s, linear steps of 25 %) on an endpoint
 * with an owner tag; a mixed endpoint at `weight` % serves it as AllTraffic (100 - weight) / 100.
 */
function rollout(setup: Setup = {}) {
  const mixed = setup.weight && (setup.mode ?? "traffic") === "traffic" ? { AllTraffic: (100 - setup.weight) / 100, [NEW_VARIANT]: setup.weight } : undefined;
  const { clock, aws, endpoint: model, env, state, drive } = trafficWorld({ ...setup, weights: mixed, tags: { owner: "team-a" }, justTook: true });
  model.arn = ARN;
  return {
    clock,
    aws,
    model,
    env,
    state,
    drive,
    /** The new variant's weight in each UpdateEndpointWeightsAndCapacities, in order. */
    shifts: () => aws.callsOf("UpdateEndpointWeightsAndCapacities").map((c) => c.input.DesiredWeightsAndCapacities.find((w: { VariantName: string }) => w.VariantName === NEW_VARIANT).DesiredWeight),
    updates: () => aws.callsOf("UpdateEndpoint").map((c) => c.input.EndpointConfigName as string),
    record: () => decodeRollout(aws.tags)!,
    /** Another shell leaves a command in the record at clock time +`seconds`. */
    command: (seconds: number, command: "promote" | "promote-full" | "abort", id = "c-1") =>
      clock.at({ in: seconds * 1000 }, () => Object.assign(aws.tags, { [`${ROLLOUT_TAG_PREFIX}command`]: command, [`${ROLLOUT_TAG_PREFIX}command-id`]: id })),
  };
}

describe("the traffic engine", () => {
  it("a canary moves the canary share, bakes, moves the rest, bakes, then serves the new config alone: deployed", async () => {
    const r = rollout();
    const start = r.clock.t;
    const result = await r.drive();
    expect(result).toEqual({ outcome: "deployed", endpointConfig: NEW, alarms: [{ name: ALARM, state: "OK" }], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    expect(r.shifts()).toEqual([10, 100]);
    // The old variant keeps the rest, in its own share.
    expect(r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[0]!.input.DesiredWeightsAndCapacities).toEqual([
      { VariantName: "AllTraffic", DesiredWeight: 90 },
      { VariantName: NEW_VARIANT, DesiredWeight: 10 },
    ]);
    expect(r.updates()).toEqual([NEW]);
    // Bakes of 60 s and then 30 s (the final bake) passed before the final update.
    const finalAt = r.aws.callsOf("UpdateEndpoint")[0]!.at;
    expect(finalAt - start).toBeGreaterThanOrEqual(90_000);
    expect(finalAt - start).toBeLessThan(90_000 + 60_000);
    const record = r.record();
    expect(record).toMatchObject({ phase: "done", driver: undefined, step: 1, weight: 100 });
    expect(r.aws.tags.owner).toBe("team-a");
    expect(endingExitCode(result.outcome)).toBe(ExitCode.Ok);
  });

  it("a linear rollout goes through every step in order", async () => {
    const r = rollout({ strategy: "linear", linearStep: 25 });
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([25, 50, 75, 100]);
  });

  it("splits the rest among several old variants in their proportions", async () => {
    const r = rollout();
    r.state.oldVariants = [{ name: "AllTraffic", weight: 3 }, { name: "Shadow", weight: 1 }];
    await r.drive();
    expect(r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[0]!.input.DesiredWeightsAndCapacities).toEqual([
      { VariantName: "AllTraffic", DesiredWeight: 67.5 },
      { VariantName: "Shadow", DesiredWeight: 22.5 },
      { VariantName: NEW_VARIANT, DesiredWeight: 10 },
    ]);
  });

  it("waits out the old state a describe shows right after the update it was given, then moves traffic", async () => {
    const r = rollout({ serving: OLD });
    r.model.script = [
      { EndpointName: "churn", EndpointStatus: "InService", EndpointConfigName: OLD, ProductionVariants: [{ VariantName: "AllTraffic", CurrentWeight: 1 }] },
      { EndpointName: "churn", EndpointStatus: "Updating", EndpointConfigName: OLD, PendingDeploymentSummary: { EndpointConfigName: MIX } },
    ];
    r.model.config = MIX;
    r.model.weights = { ...CONFIG_WEIGHTS[MIX] };
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([10, 100]);
  });

  it("when the new version does not come up, SageMaker keeps the old config: rolled back, no traffic moved", async () => {
    const r = rollout();
    r.model.script = [
      { EndpointName: "churn", EndpointStatus: "Updating", EndpointConfigName: OLD, PendingDeploymentSummary: { EndpointConfigName: MIX } },
      { EndpointName: "churn", EndpointStatus: "InService", EndpointConfigName: OLD, FailureReason: "the container did not pass its ping health check" },
    ];
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "rolled-back", endpointConfig: OLD, failureReason: "the new version did not come up, so SageMaker kept the old config: the container did not pass its ping health check" });
    expect(r.shifts()).toEqual([]);
    expect(r.updates()).toEqual([]);
  });

  it("an alarm during a bake sends the new variant to weight 0 at once, then the endpoint back to its old config: rolled back (exit 3)", async () => {
    const r = rollout();
    let firedAt = 0;
    r.clock.at({ in: 35_000 }, () => {
      firedAt = r.clock.t - 2_000;
      r.aws.setAlarm(ALARM, "ALARM", firedAt);
    });
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "rolled-back", endpointConfig: OLD, firedAlarm: ALARM, firedAt });
    expect(result.failureReason).toBe(`alarm ${ALARM} went into ALARM: ${ALARM} is ALARM`);
    expect(r.shifts()).toEqual([10, 0]);
    expect(r.updates()).toEqual([OLD]);
    // The reaction is counted until the traffic was safe (weight 0 seen), not until the old config served.
    const zeroAt = r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[1]!.at;
    expect(result.rollbackReactionSeconds).toBeGreaterThanOrEqual((zeroAt - firedAt) / 1000);
    expect(result.rollbackReactionSeconds).toBeLessThanOrEqual((zeroAt - firedAt) / 1000 + 1);
    // Weight 0 goes out before the record says rolling-back: the traffic first.
    const zeroCall = r.aws.calls.findIndex((c) => c.op === "UpdateEndpointWeightsAndCapacities" && c.input.DesiredWeightsAndCapacities.some((w: { DesiredWeight: number; VariantName: string }) => w.VariantName === NEW_VARIANT && w.DesiredWeight === 0));
    const rollingBack = r.aws.calls.findIndex((c) => c.op === "AddTags" && c.input.Tags.some((t: { Key: string; Value: string }) => t.Key === `${ROLLOUT_TAG_PREFIX}phase` && t.Value === "rolling-back"));
    expect(zeroCall).toBeGreaterThan(-1);
    expect(rollingBack).toBeGreaterThan(zeroCall);
    expect(r.record().phase).toBe("rolled-back");
    expect(endingExitCode(result.outcome)).toBe(ExitCode.RolledBack);
  });

  it("an alarm already in ALARM when the bake starts ends it at the first read", async () => {
    const r = rollout();
    r.aws.setAlarm(ALARM, "ALARM", r.clock.t - 1_000);
    const result = await r.drive();
    expect(result.outcome).toBe("rolled-back");
    expect(r.shifts()).toEqual([10, 0]);
  });

  it("`mlops abort` from another shell rolls back; it is not taken for a promote", async () => {
    const r = rollout({ strategy: "linear" });
    r.command(15, "abort");
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "rolled-back", endpointConfig: OLD, failureReason: "aborted by `mlops abort`", firedAlarm: null, rollbackReactionSeconds: null });
    expect(r.shifts()).toEqual([25, 0]);
    expect(r.updates()).toEqual([OLD]);
    // The command is taken: removed from the record, its id remembered for the shell that gave it.
    expect(r.record().command).toBeUndefined();
    expect(r.record().takenCommandIds).toEqual(["c-1"]);
  });

  it("a plain promote from another shell moves on to the next step only", async () => {
    const r = rollout({ strategy: "linear", bake: 600 });
    r.command(15, "promote");
    const start = r.clock.t;
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([25, 50, 75, 100]);
    // The first bake was cut short; the next ones were baked whole.
    const at = r.aws.callsOf("UpdateEndpointWeightsAndCapacities").map((c) => (c.at - start) / 1000);
    expect(at[1]).toBeLessThan(60);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(600);
  });

  it("`mlops promote --full` to a live driver skips to the last step at once", async () => {
    const r = rollout({ strategy: "linear", bake: 600 });
    r.command(15, "promote-full");
    const start = r.clock.t;
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([25, 100]);
    expect((r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[1]!.at - start) / 1000).toBeLessThan(60);
  });

  it("a promote --full left before the driver started is taken before any traffic moves", async () => {
    const r = rollout({ strategy: "linear", phase: "baking", step: 0, weight: 25, bake: 600 });
    r.state.command = "promote-full";
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([100]);
  });

  it("an abort left in the record before the driver started rolls back without moving traffic up", async () => {
    const r = rollout({ strategy: "linear", phase: "baking", step: 0, weight: 25 });
    r.state.command = "abort";
    const result = await r.drive({ justTook: false });
    expect(result.outcome).toBe("rolled-back");
    expect(r.shifts()).toEqual([0]);
  });

  it("carrying on a bake another process began finishes only what is left of it", async () => {
    const r = rollout({ strategy: "canary", phase: "baking", step: 0, weight: 10, bake: 300 });
    r.state.phaseSince = r.clock.t - 250_000;
    const start = r.clock.t;
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    const at = (r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[0]!.at - start) / 1000;
    expect(at).toBeGreaterThanOrEqual(50);
    expect(at).toBeLessThan(60);
  });

  it("a failed final update is reported failed (exit 1), not deployed", async () => {
    const r = rollout();
    r.model.onUpdate[NEW] = (m) => {
      m.script = [
        { EndpointName: "churn", EndpointStatus: "Updating", EndpointConfigName: MIX, PendingDeploymentSummary: { EndpointConfigName: NEW } },
        { EndpointName: "churn", EndpointStatus: "InService", EndpointConfigName: MIX, ProductionVariants: [{ VariantName: "AllTraffic", CurrentWeight: 0 }, { VariantName: NEW_VARIANT, CurrentWeight: 100 }], FailureReason: "ResourceLimitExceeded" },
      ];
    };
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "failed", endpointConfig: MIX, failureReason: `the final update to ${NEW} did not happen: ResourceLimitExceeded` });
    expect(r.record().phase).toBe("failed");
    expect(endingExitCode(result.outcome)).toBe(ExitCode.Failed);
  });

  it("a final update that ends UpdateRollbackFailed is failed too", async () => {
    const r = rollout();
    r.model.onUpdate[NEW] = (m) => {
      m.script = [{ EndpointName: "churn", EndpointStatus: "UpdateRollbackFailed", EndpointConfigName: MIX, FailureReason: "quota" }];
    };
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "failed", failureReason: `the final update to ${NEW} did not happen: UpdateRollbackFailed: quota` });
  });

  it("a rollout whose first step holds (--pause) waits for a promote, then goes on", async () => {
    const r = rollout({ pause: true });
    r.command(3_600, "promote");
    const start = r.clock.t;
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([10, 100]);
    expect((r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[1]!.at - start) / 1000).toBeGreaterThanOrEqual(3_600);
  });

  it("--no-wait stops before any traffic moves: paused at weight 0, nobody drives", async () => {
    const r = rollout();
    const result = await r.drive({ stopBeforeTraffic: true });
    expect(result).toMatchObject({ outcome: "paused", endpointConfig: MIX });
    expect(r.shifts()).toEqual([]);
    expect(r.record()).toMatchObject({ phase: "paused", driver: undefined });
  });

  it("another update taking the endpoint stops the driver without touching the traffic", async () => {
    const r = rollout();
    r.clock.at({ in: 15_000 }, () => Object.assign(r.aws.tags, encodeRollout({ ...r.state, id: "r-2", driver: "someone" })));
    await expect(r.drive()).rejects.toBeInstanceOf(TakenOverError);
    expect(r.shifts()).toEqual([10]);
    expect(r.updates()).toEqual([]);
  });

  it("another driver taking over this rollout stops this one without touching the traffic", async () => {
    const r = rollout();
    r.clock.at({ in: 15_000 }, () => (r.aws.tags[`${ROLLOUT_TAG_PREFIX}driver`] = "someone"));
    await expect(r.drive()).rejects.toThrow(/another mlops process took over rollout r-1/);
    expect(r.shifts()).toEqual([10]);
  });

  it("an endpoint serving a config this rollout did not set was taken by another update", async () => {
    const r = rollout();
    r.model.onUpdate[NEW] = (m) => {
      m.config = "churn-someone-else";
    };
    await expect(r.drive()).rejects.toThrow(/serves churn-someone-else, which this rollout did not set/);
  });

  it("Ctrl-C during a bake puts the traffic back on the old version and says so (exit 130)", async () => {
    const abort = new AbortController();
    const r = rollout({ signal: abort.signal });
    r.clock.at({ in: 20_000 }, () => abort.abort(new Error("SIGINT")));
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettledInterruptError);
    expect((error as Error).message).toMatch(/^interrupted: all traffic is back on the old version; the endpoint is going back to churn-old/);
    expect(r.shifts()).toEqual([10, 0]);
    expect(r.updates()).toEqual([OLD]);
    expect(r.record()).toMatchObject({ phase: "interrupted", driver: undefined });
    expect(endingExitCode(r.record().phase)).toBe(ExitCode.RolledBack);
  });

  it("a timeout during a bake puts the traffic back and ends with Timeout, saying what it restored", async () => {
    const r = rollout({ bake: 600, deadlineSeconds: 120 });
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Timeout);
    expect((error as Timeout & { note?: string }).note).toMatch(/^all traffic is back on the old version/);
    expect(r.shifts()).toEqual([10, 0]);
    expect(r.record().phase).toBe("rolled-back");
  });

  it("an AWS error (not throttling) puts the traffic back and is warned about, then thrown", async () => {
    const r = rollout();
    let weightCalls = 0;
    r.aws.handlers.UpdateEndpointWeightsAndCapacities = (input: { DesiredWeightsAndCapacities: Array<{ VariantName: string; DesiredWeight: number }> }) => {
      weightCalls++;
      if (weightCalls === 2) throw awsError("ValidationException", "variant capacity");
      for (const w of input.DesiredWeightsAndCapacities) r.model.weights[w.VariantName] = w.DesiredWeight;
      return {};
    };
    await expect(r.drive()).rejects.toThrow(/variant capacity/);
    expect(r.env.stderr()).toMatch(/the rollout stopped on an error: all traffic is back on the old version/);
    expect(r.updates()).toEqual([OLD]);
  });

  it("throttled alarm reads back off, say so once, and the rollout goes on", async () => {
    const r = rollout();
    let reads = 0;
    r.aws.handlers.DescribeAlarms = () => {
      reads++;
      if (reads >= 2 && reads <= 4) throw awsError("ThrottlingException", "Rate exceeded");
      return { MetricAlarms: [{ AlarmName: ALARM, StateValue: "OK", StateReason: "ok", StateUpdatedTimestamp: new Date(r.clock.t - 60_000) }] };
    };
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.env.stderr().match(/AWS is throttling: backing off; the rollout goes on/g)).toHaveLength(1);
  });

  it("a bake ends only after a read of the alarms at or after its end: an alarm at the last moment still rolls back", async () => {
    const r = rollout({ bake: 60 });
    // The alarm enters ALARM exactly when the first bake (60 s after the canary moved) ends.
    r.clock.at({ in: 60_000 }, () => r.aws.setAlarm(ALARM, "ALARM"));
    const result = await r.drive();
    expect(result.outcome).toBe("rolled-back");
    expect(r.shifts()).toEqual([10, 0]);
  });

  it("serverless: the new config served whole is watched for the bake; an alarm sends the endpoint back to the old config", async () => {
    const r = rollout({ mode: "serverless" });
    r.clock.at({ in: 20_000 }, () => r.aws.setAlarm(ALARM, "ALARM"));
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "rolled-back", endpointConfig: OLD, firedAlarm: ALARM });
    expect(r.shifts()).toEqual([]);
    expect(r.updates()).toEqual([OLD]);
  });

  it("serverless without an alarm: deployed after the bake, with no further update", async () => {
    const r = rollout({ mode: "serverless" });
    const result = await r.drive();
    expect(result).toMatchObject({ outcome: "deployed", endpointConfig: NEW });
    expect(r.updates()).toEqual([]);
    expect(r.record().weight).toBe(100);
  });

  it("a record already rolling back (a driver that stopped) is finished by rolling back", async () => {
    const r = rollout({ phase: "rolling-back", step: 0, weight: 10 });
    const result = await r.drive({ justTook: false });
    expect(result.outcome).toBe("rolled-back");
    expect(r.updates()).toEqual([OLD]);
  });

  it("a record finalizing is finished by the final update", async () => {
    const r = rollout({ phase: "finalizing", step: 1, weight: 100 });
    const result = await r.drive({ justTook: false });
    expect(result.outcome).toBe("deployed");
    expect(r.shifts()).toEqual([]);
    expect(r.updates()).toEqual([NEW]);
  });

  it("old variants that all had weight 0 leave the rest at 0 rather than dividing by nothing", async () => {
    const r = rollout();
    r.state.oldVariants = [{ name: "AllTraffic", weight: 0 }];
    await r.drive();
    expect(r.aws.callsOf("UpdateEndpointWeightsAndCapacities")[0]!.input.DesiredWeightsAndCapacities).toEqual([
      { VariantName: "AllTraffic", DesiredWeight: 0 },
      { VariantName: NEW_VARIANT, DesiredWeight: 10 },
    ]);
  });

  it("a driver taking over a record another token drove writes itself in first", async () => {
    const r = rollout({ phase: "baking", step: 0, weight: 10 });
    r.aws.tags[`${ROLLOUT_TAG_PREFIX}driver`] = "gone";
    r.state.driver = "gone";
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    const firstWrite = r.aws.callsOf("AddTags")[0]!.input.Tags as Array<{ Key: string; Value: string }>;
    expect(firstWrite).toContainEqual({ Key: `${ROLLOUT_TAG_PREFIX}driver`, Value: TOKEN });
  });

  it("a command without an id is taken without remembering one", async () => {
    const r = rollout({ strategy: "linear", bake: 600 });
    r.clock.at({ in: 15_000 }, () => (r.aws.tags[`${ROLLOUT_TAG_PREFIX}command`] = "promote"));
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.aws.tags[`${ROLLOUT_TAG_PREFIX}taken-commands`]).toBeUndefined();
    expect(r.shifts()).toEqual([25, 50, 75, 100]);
  });

  it("the taken commands kept are the last five", async () => {
    const r = rollout({ strategy: "linear", bake: 600 });
    r.state.takenCommandIds = ["a", "b", "c", "d", "e"];
    r.aws.tags = { ...r.aws.tags, ...encodeRollout(r.state) };
    r.command(15, "promote", "f");
    await r.drive();
    expect(r.record().takenCommandIds).toEqual(["b", "c", "d", "e", "f"]);
  });

  it("with no alarms to watch, no alarm is read and the rollout bakes on time", async () => {
    const r = rollout({ alarms: [] });
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.aws.callsOf("DescribeAlarms")).toEqual([]);
  });

  it("Ctrl-C when the new variant already has no traffic: no weight call, only the update back", async () => {
    const abort = new AbortController();
    const r = rollout({ signal: abort.signal, phase: "baking", step: 0, weight: 0, pause: true });
    r.model.weights = { AllTraffic: 1, [NEW_VARIANT]: 0 };
    r.state.steps = [{ weight: 0, bake: 600 }, { weight: 100, bake: 30 }];
    r.clock.at({ in: 20_000 }, () => abort.abort(new Error("SIGINT")));
    await expect(r.drive({ justTook: false })).rejects.toBeInstanceOf(SettledInterruptError);
    expect(r.shifts()).toEqual([]);
    expect(r.updates()).toEqual([OLD]);
  });

  it("a record rolling back whose old config already serves is finished with no further call to the endpoint", async () => {
    const r = rollout({ serving: OLD, phase: "rolling-back" });
    const result = await r.drive({ justTook: false });
    expect(result).toMatchObject({ outcome: "rolled-back", endpointConfig: OLD });
    expect(r.shifts()).toEqual([]);
    expect(r.updates()).toEqual([]);
    expect(r.record().phase).toBe("rolled-back");
  });

  it("when even returning the traffic fails, the error says to run mlops abort", async () => {
    const r = rollout();
    r.clock.at({ in: 15_000 }, () => r.aws.setAlarm(ALARM, "ALARM"));
    r.aws.handlers.UpdateEndpoint = () => {
      throw awsError("ValidationException", "config gone");
    };
    await expect(r.drive()).rejects.toThrow(/config gone/);
    expect(r.env.stderr()).toMatch(/returning the traffic to the old version failed too \(.*config gone\); run `mlops abort --endpoint churn`/);
  });

  it("an endpoint that went Failed while the driver waited for it is an error, and the traffic goes back", async () => {
    const r = rollout();
    r.clock.at({ in: 15_000 }, () => {
      r.model.status = "Failed";
      r.model.failureReason = "instance failure";
    });
    await expect(r.drive()).rejects.toThrow("endpoint churn failed: instance failure");
    expect(r.shifts()).toEqual([10]);
  });

  it("an update to a config this rollout did not set, seen while it is pending, is another update", async () => {
    const r = rollout();
    r.model.onUpdate[NEW] = (m) => {
      m.script = [{ EndpointName: "churn", EndpointStatus: "Updating", EndpointConfigName: MIX, PendingDeploymentSummary: { EndpointConfigName: "churn-other" } }];
    };
    await expect(r.drive()).rejects.toThrow(/is being updated to churn-other, which this rollout did not set/);
  });

  it("the endpoint disappearing mid-rollout is an error", async () => {
    const r = rollout();
    r.clock.at({ in: 15_000 }, () => {
      r.aws.handlers.DescribeEndpoint = () => {
        throw awsError("ValidationException", "Could not find endpoint churn");
      };
    });
    await expect(r.drive()).rejects.toThrow(/endpoint churn disappeared during the rollout/);
  });

  it("reports progress: each step's share and phase on the view", async () => {
    const r = rollout();
    await r.drive();
    const log = r.env.stderr();
    expect(log).toMatch(/moving 10% of traffic to the new version · 10% on the new version/);
    expect(log).toMatch(/moving to the new version alone/);
    expect(log).toMatch(/done · 100% on the new version/);
  });

  it("beats the heartbeat at most every 5 minutes while it bakes", async () => {
    const r = rollout({ bake: 1_800 });
    await r.drive();
    const beats = r.aws.callsOf("AddTags").filter((c) => c.input.Tags.length === 1 && c.input.Tags[0].Key === `${ROLLOUT_TAG_PREFIX}heartbeat`);
    // 30 minutes of bake: a beat every 300 s.
    expect(beats.length).toBeGreaterThanOrEqual(5);
    expect(beats.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < beats.length; i++) expect(beats[i]!.at - beats[i - 1]!.at).toBeGreaterThanOrEqual(300_000);
  });
});
