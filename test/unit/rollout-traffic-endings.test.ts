import { describe, expect, it } from "vitest";
import { decodeRollout, ROLLOUT_TAG_PREFIX } from "../../src/core/rollout-state";
import { CredentialsError, MlopsError, SettledInterruptError } from "../../src/errors";
import { TakenOverError } from "../../src/rollout/traffic";
import { awsError } from "../helpers/scripted-aws";
import { ALARM, MIX, NEW, NEW_VARIANT, OLD, ScriptedEndpoint, TOKEN, trafficWorld, type WorldOptions } from "../helpers/traffic-world";

/**
 * How the traffic engine ends a rollout, and the waits on the way: the way back to the old
 * version (from a bake, from a record another driver left, from an error), the final update, what
 * the record says when, and what a person sees. Each test pins the calls to the endpoint with
 * their clock times, so a change in what is sent, or when, shows.
 */

/** `phaseAgo`: seconds before the start the record's phase began; `driver`: the driver named in the record (default TOKEN). */
type Setup = Pick<WorldOptions, "mode" | "phase" | "step" | "weight" | "serving" | "bake" | "deadlineSeconds" | "signal" | "phaseAgo" | "driver">;

/**
 * A rollout on its record, as another process or this one left it: by default baking the canary
 * (step 0, 10 %; 100 % serverless), started 600 s ago; canary 10 %, bakes of `bake` then 30 s.
 * A mixed endpoint serves it as AllTraffic 100 - weight.
 */
function rollout(setup: Setup = {}) {
  const mode = setup.mode ?? "traffic";
  const weight = setup.weight ?? (mode === "traffic" ? 10 : 100);
  const serving = setup.serving ?? (mode === "traffic" ? MIX : NEW);
  const { clock, aws, endpoint, env, state, start, drive, seconds } = trafficWorld({
    ...setup,
    phase: setup.phase ?? "baking",
    step: setup.step ?? 0,
    weight,
    startedAgo: 600,
    phaseAgo: setup.phaseAgo ?? 0,
    driver: setup.driver ?? TOKEN,
    weights: serving === MIX ? { AllTraffic: 100 - weight, [NEW_VARIANT]: weight } : undefined,
    justTook: false,
  });
  return {
    clock,
    aws,
    endpoint,
    env,
    state,
    start,
    drive,
    /**
     * The calls to the endpoint, at seconds from the start: "describe@30", "weights 100/0@30"
     * (old/new variant), "update churn-old@30".
     */
    endpointCalls: () =>
      aws.calls.flatMap((c) => {
        if (c.op === "DescribeEndpoint") return [`describe@${seconds(c.at)}`];
        if (c.op === "UpdateEndpoint") return [`update ${c.input.EndpointConfigName}@${seconds(c.at)}`];
        if (c.op === "UpdateEndpointWeightsAndCapacities") {
          const w = (name: string) => c.input.DesiredWeightsAndCapacities.find((v: { VariantName: string }) => v.VariantName === name).DesiredWeight;
          return [`weights ${w("AllTraffic")}/${w(NEW_VARIANT)}@${seconds(c.at)}`];
        }
        return [];
      }),
    /** Each whole-record write: its phase, at seconds from the start. */
    phasesWritten: () => aws.callsOf("AddTags").flatMap((c) => c.input.Tags.filter((t: { Key: string }) => t.Key === `${ROLLOUT_TAG_PREFIX}phase`).map((t: { Value: string }) => `${t.Value}@${seconds(c.at)}`)),
    /** Writes of the heartbeat alone, at seconds from the start. */
    heartbeats: () => aws.callsOf("AddTags").filter((c) => c.input.Tags.length === 1 && c.input.Tags[0].Key === `${ROLLOUT_TAG_PREFIX}heartbeat`).map((c) => seconds(c.at)),
    /** The view's lines without their timestamps. */
    viewLines: () =>
      env
        .stderr()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replace(/^\S+ /, "")),
    record: () => decodeRollout(aws.tags)!,
    seconds,
  };
}

describe("the way back from a bake", () => {
  it("an alarm sends the new variant to 0 without looking first, waits until it is at 0 (0.000001 is not), then updates to the old config", async () => {
    const r = rollout();
    r.clock.at({ in: 30_000 }, () => r.aws.setAlarm(ALARM, "ALARM"));
    // Weights are floats: a variant at 0.000001 still takes a sliver of the traffic.
    r.endpoint.afterWeights = [ScriptedEndpoint.view(MIX, "InService", { current: 0.000001, desired: 0 })];
    const result = await r.drive();
    expect(result).toEqual({
      outcome: "rolled-back",
      endpointConfig: OLD,
      alarms: [{ name: ALARM, state: "ALARM" }],
      failureReason: `alarm ${ALARM} went into ALARM: ${ALARM} is ALARM`,
      firedAlarm: ALARM,
      firedAt: r.start + 30_000,
      // Safe at 31 s: the second brisk (1 s) look found the new variant at 0.
      rollbackReactionSeconds: 1,
    });
    expect(r.endpointCalls()).toEqual([
      // The weights first, with no describe before them: the bake knew the mix was in service.
      "weights 100/0@30",
      "describe@30",
      "describe@31",
      // One look at what serves (in service: no wait), then the update back.
      "describe@31",
      "update churn-old@31",
      // The update shows as Updating, then the old config serves (polled every 10 s).
      "describe@31",
      "describe@41",
    ]);
    expect(r.phasesWritten()).toEqual(["baking@0", "rolling-back@31", "rolling-back@31", "rolled-back@41"]);
  });

  it("throttled weights on the way back: it looks at the endpoint and sends them again, and the rollback goes on", async () => {
    const r = rollout({ deadlineSeconds: 600 });
    r.clock.at({ in: 30_000 }, () => r.aws.setAlarm(ALARM, "ALARM"));
    let throttled = false;
    r.aws.handlers.UpdateEndpointWeightsAndCapacities = (input: { DesiredWeightsAndCapacities: Array<{ VariantName: string; DesiredWeight: number }> }) => {
      if (!throttled) {
        throttled = true;
        throw awsError("ThrottlingException", "Rate exceeded");
      }
      r.endpoint.setWeights(input.DesiredWeightsAndCapacities);
      return {};
    };
    const result = await r.drive();
    expect(result.outcome).toBe("rolled-back");
    expect(result.rollbackReactionSeconds).toBe(0);
    expect(r.endpointCalls()).toEqual(["weights 100/0@30", "describe@30", "weights 100/0@30", "describe@30", "update churn-old@30", "describe@30", "describe@40"]);
  });

  it("weights refused for want of a permission are not tried again in the rollback: the cleanup tries once more and says to run abort", async () => {
    const r = rollout();
    r.clock.at({ in: 30_000 }, () => r.aws.setAlarm(ALARM, "ALARM"));
    r.aws.handlers.UpdateEndpointWeightsAndCapacities = () => {
      throw awsError("AccessDeniedException", "not allowed");
    };
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(r.endpointCalls()).toEqual(["weights 100/0@30", "describe@30", "weights 100/0@30"]);
    expect(r.env.stderr()).toContain(
      "the rollout stopped on an error: returning the traffic to the old version failed too (sagemaker:UpdateEndpointWeightsAndCapacities was refused: AccessDeniedException: not allowed); run `mlops abort --endpoint churn`",
    );
  });
});

describe("the way back from a record left rolling back", () => {
  // The record says rolling-back at weight 0: nothing is sent before the endpoint is looked at.
  it.each([
    { name: "the new variant still to reach 10 %", seen: { current: 0, desired: 10 } as const, weights: true },
    { name: "the new variant at 10 %, going to 0", seen: { current: 10, desired: 0 } as const, weights: true },
    { name: "the new variant at 0", seen: { current: 0, desired: 0 } as const, weights: false },
    { name: "no new variant", seen: "absent" as const, weights: false },
    { name: "no variants shown", seen: "no variants" as const, weights: false },
  ])("on the mix with $name: weights to 0 only if it has or will have traffic, then the old config", async ({ seen, weights }) => {
    const r = rollout({ phase: "rolling-back", weight: 0 });
    r.endpoint.script = [ScriptedEndpoint.view(MIX, "InService", seen)];
    // Right after the update back, a describe still shows the mix in service.
    r.endpoint.afterUpdate = [ScriptedEndpoint.view(MIX, "InService", { current: 0, desired: 0 })];
    const result = await r.drive();
    expect(result).toEqual({ outcome: "rolled-back", endpointConfig: OLD, alarms: [], failureReason: "aborted by `mlops abort`", firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    expect(r.endpointCalls()).toEqual([
      "describe@0",
      ...(weights ? ["weights 100/0@0", "describe@0"] : []),
      "update churn-old@0",
      "describe@0",
      "describe@10",
      "describe@20",
    ]);
    expect(r.phasesWritten()).toEqual(["rolling-back@0", "rolling-back@0", "rolled-back@20"]);
  });

  it("on the new config alone: only the update back to the old config, watched briskly until it serves", async () => {
    const r = rollout({ phase: "rolling-back", weight: 100, serving: NEW });
    // The weights call fails: the new config has no variant of that name.
    r.aws.handlers.UpdateEndpointWeightsAndCapacities = () => {
      throw awsError("ValidationException", "variant v-new not found");
    };
    r.endpoint.afterUpdate = [ScriptedEndpoint.view(NEW, "InService")];
    const result = await r.drive();
    expect(result.outcome).toBe("rolled-back");
    expect(r.endpointCalls()).toEqual(["weights 100/0@0", "describe@0", "update churn-old@0", "describe@0", "describe@1", "describe@2", "describe@2"]);
    expect(r.phasesWritten()).toEqual(["rolling-back@2", "rolled-back@2"]);
    expect(r.viewLines()).toContain("rolling back: the endpoint is going back to the old config · 100% on the new version");
  });

  it("an update back that fails on the mix is an error pointing at status", async () => {
    const r = rollout({ phase: "rolling-back", weight: 0 });
    r.endpoint.onUpdate[OLD] = (e) => {
      e.status = "Failed";
      e.failureReason = "insufficient capacity";
    };
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlopsError);
    expect(error).toMatchObject({ message: "the endpoint did not go back to churn-old: Failed: insufficient capacity", hint: "see `mlops status --endpoint churn`" });
    expect(r.phasesWritten()).toEqual(["rolling-back@0", "rolling-back@0"]);
    expect(r.env.stderr()).toContain("the rollout stopped on an error: returning the traffic to the old version failed too (endpoint churn failed: insufficient capacity); run `mlops abort --endpoint churn`");
  });

  it("an update back from the new config alone that fails is an error before the record says rolling back", async () => {
    const r = rollout({ phase: "rolling-back", weight: 0, serving: NEW });
    r.endpoint.onUpdate[OLD] = (e) => {
      e.status = "Failed";
      e.failureReason = "insufficient capacity";
    };
    const error = (await r.drive().catch((e: unknown) => e)) as MlopsError;
    expect(error).toBeInstanceOf(MlopsError);
    expect(error.message).toBe("the endpoint did not go back to churn-old: Failed: insufficient capacity");
    expect(error.hint).toBeUndefined();
    // The update back failed before the traffic was safe: the record is not told it is going back.
    expect(r.phasesWritten()).toEqual([]);
  });
});

describe("the final update", () => {
  it("a record finalizing whose new config already serves is deployed without another update", async () => {
    const r = rollout({ phase: "finalizing", step: 1, weight: 100, serving: NEW });
    const result = await r.drive();
    expect(result).toEqual({ outcome: "deployed", endpointConfig: NEW, alarms: [], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    expect(r.endpointCalls()).toEqual(["describe@0", "describe@0"]);
  });

  it("says what it does: moving, updating, in service, done", async () => {
    const r = rollout({ phase: "finalizing", step: 1, weight: 100 });
    await r.drive();
    expect(r.endpointCalls()).toEqual(["describe@0", "update churn-new@0", "describe@0", "describe@10"]);
    expect(r.viewLines()).toEqual([
      "moving to the new version alone · 100% on the new version",
      "updating to churn-new · 100% on the new version",
      "in service · 100% on the new version",
      "done · 100% on the new version",
    ]);
  });

  it("an endpoint that stays Failed after the final update is a failed rollout, not a wait", async () => {
    const r = rollout({ phase: "finalizing", step: 1, weight: 100, deadlineSeconds: 600 });
    r.endpoint.onUpdate[NEW] = (e) => {
      e.status = "Failed";
      e.failureReason = "insufficient capacity";
    };
    const result = await r.drive();
    expect(result).toEqual({
      outcome: "failed",
      endpointConfig: MIX,
      alarms: [],
      failureReason: "the final update to churn-new did not happen: Failed: insufficient capacity",
      firedAlarm: null,
      firedAt: null,
      rollbackReactionSeconds: null,
    });
    expect(r.viewLines().at(-1)).toBe("failed · 100% on the new version");
  });

  it("serverless: the bake's end is the ending, with no finalizing phase and no look at the endpoint", async () => {
    const r = rollout({ mode: "serverless", bake: 60 });
    const result = await r.drive();
    expect(result.outcome).toBe("deployed");
    expect(r.endpointCalls()).toEqual([]);
    // One step: the bakes together, 60 s + 30 s.
    expect(r.phasesWritten()).toEqual(["baking@0", "done@90"]);
  });
});

describe("the record and the view", () => {
  it("a driver taking over a bake keeps when the bake began: only what is left of it is baked", async () => {
    const r = rollout({ phaseAgo: 40, driver: "gone" });
    const result = await r.drive();
    expect(result.outcome).toBe("deployed");
    // 60 s bake, 40 s of it already done: the next step 20 s later, then the final 30 s bake.
    expect(r.endpointCalls()).toEqual(["describe@20", "weights 0/100@20", "describe@20", "describe@50", "update churn-new@50", "describe@50", "describe@60"]);
    expect(r.phasesWritten()).toEqual(["baking@0", "baking@0", "shifting@20", "baking@20", "finalizing@50", "done@60"]);
    expect(r.record().phaseSince).toBe(r.start + 60_000);
  });

  it("beats the heartbeat at exactly every 5 minutes while it bakes", async () => {
    const r = rollout({ bake: 700 });
    await r.drive();
    expect(r.heartbeats()).toEqual([300, 600]);
  });

  it("a record another process drives now stops this one at its next phase change, traffic untouched", async () => {
    const r = rollout({ phase: "paused", step: -1, weight: 0 });
    r.aws.tags[`${ROLLOUT_TAG_PREFIX}driver`] = "other";
    const before = { ...r.aws.tags };
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TakenOverError);
    expect((error as Error).message).toBe("another mlops process took over rollout r-1 on churn; it drives the traffic now");
    expect(r.endpointCalls()).toEqual([]);
    expect(r.aws.tags).toEqual(before);
  });

  it("an endpoint back on the old config when traffic should move was taken by another update: no weights sent", async () => {
    const r = rollout({ phase: "paused", step: -1, weight: 0, serving: OLD });
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TakenOverError);
    expect((error as Error).message).toBe("churn serves churn-old, not this rollout's churn-mix: another update took the endpoint");
    expect(r.endpointCalls()).toEqual(["describe@0"]);
  });

  it("a step waits for the endpoint in service, and bakes only once the new variant's current weight is reached", async () => {
    const r = rollout({ phase: "paused", step: -1, weight: 0 });
    r.endpoint.script = [ScriptedEndpoint.view(MIX, "Updating", { current: 0, desired: 0 })];
    r.endpoint.afterWeights = [
      ScriptedEndpoint.view(MIX, "InService", { current: 0, desired: 10 }),
      ScriptedEndpoint.view(MIX, "Updating", "no variants"),
      ScriptedEndpoint.view(MIX, "Updating", { current: 10, desired: 10 }),
    ];
    await r.drive({ stopBeforeTraffic: false });
    expect(r.endpointCalls().slice(0, 7)).toEqual(["describe@0", "describe@10", "weights 90/10@10", "describe@10", "describe@20", "describe@30", "describe@40"]);
    expect(r.phasesWritten().slice(0, 2)).toEqual(["shifting@0", "baking@40"]);
  });

  it("the view's last line says how it ended, with each alarm's name and state", async () => {
    const deployed = rollout();
    await deployed.drive();
    expect(deployed.viewLines().at(-1)).toBe(`done · 100% on the new version · alarms: ${ALARM} OK`);

    const paused = rollout({ phase: "preparing", step: -1, weight: 0 });
    await paused.drive({ stopBeforeTraffic: true, justTook: true });
    expect(paused.viewLines().at(-1)).toBe("paused at weight 0: `mlops promote` moves the traffic · 0% on the new version");

    const rolledBack = rollout();
    rolledBack.clock.at({ in: 30_000 }, () => rolledBack.aws.setAlarm(ALARM, "ALARM"));
    await rolledBack.drive();
    expect(rolledBack.viewLines().at(-1)).toBe(`rolled-back · 0% on the new version · alarms: ${ALARM} ALARM`);
  });
});

describe("Ctrl-C", () => {
  it("the way back has 15 minutes of its own: an endpoint busy for 10 more minutes is still put back", async () => {
    const abort = new AbortController();
    const r = rollout({ signal: abort.signal, deadlineSeconds: 60 });
    // At 21 s: a bake sleeps in 3 s slices (alarm reads), so the signal lands on one.
    r.clock.at({ in: 21_000 }, () => {
      abort.abort(new Error("SIGINT"));
      // Autoscaling, say: the endpoint is Updating for 10 minutes.
      r.endpoint.status = "Updating";
      r.clock.at({ in: 600_000 }, () => (r.endpoint.status = "InService"));
    });
    const error = (await r.drive().catch((e: unknown) => e)) as SettledInterruptError;
    expect(error).toBeInstanceOf(SettledInterruptError);
    expect(error.message).toBe(
      "interrupted: all traffic is back on the old version; the endpoint is going back to churn-old. Once it is there, the next mlops command on churn (e.g. `mlops status --endpoint churn`) removes churn-mix and churn-new, their model and the rollout's alarms",
    );
    expect(error.hint).toBe("follow it with `mlops status --endpoint churn --watch`");
    expect(r.endpointCalls().filter((c) => !c.startsWith("describe"))).toEqual(["weights 100/0@621", "update churn-old@621"]);
    expect(r.record().phase).toBe("interrupted");
  });

  it("serverless: the leftovers named are the new config alone", async () => {
    const abort = new AbortController();
    const r = rollout({ mode: "serverless", signal: abort.signal });
    r.clock.at({ in: 20_000 }, () => abort.abort(new Error("SIGINT")));
    const error = (await r.drive().catch((e: unknown) => e)) as SettledInterruptError;
    expect(error.message).toBe(
      "interrupted: all traffic is back on the old version; the endpoint is going back to churn-old. Once it is there, the next mlops command on churn (e.g. `mlops status --endpoint churn`) removes churn-new, their model and the rollout's alarms",
    );
  });
});
