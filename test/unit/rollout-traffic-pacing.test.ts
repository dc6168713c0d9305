import { describe, expect, it } from "vitest";
import { encodeRollout, ROLLOUT_TAG_PREFIX as P } from "../../src/core/rollout-state";
import { AwsError } from "../../src/errors";
import { Timeout } from "../../src/rollout/poll";
import { TakenOverError } from "../../src/rollout/traffic";
import type { RolloutView, ViewSnapshot } from "../../src/rollout/view";
import { awsError } from "../helpers/scripted-aws";
import { ALARM, MIX, NEW, NEW_VARIANT, OLD, TOKEN, trafficWorld, type WorldOptions } from "../helpers/traffic-world";

/**
 * The traffic engine's pacing and its record, pinned to the clock: when it reads the alarms
 * (every 3 s, whatever the poll), when it reads the record (every poll), how it backs off while
 * AWS throttles, when a bake ends (at the first read at or after its end), what it shows while it
 * bakes or holds, the record phases it writes, and how a driver carries on a record left by
 * another process (phases, commands left before it started, another rollout or driver taking over).
 *
 * Every time below is in seconds from the start of the drive, on a fake clock that moves only
 * when the engine sleeps; expected times are worked out from those rules in the comments.
 */

/** `driver`: who drove the record before (default: this process; given as undefined: nobody). */
type Options = Pick<WorldOptions, "mode" | "strategy" | "phase" | "step" | "weight" | "pause" | "bake" | "finalBake" | "alarms" | "pollSeconds" | "deadlineSeconds" | "driver">;

/**
 * A rollout record on an endpoint that takes weight changes at once and a config update one
 * describe later (Updating, then InService on it); `describes` answers the next describes instead.
 * The endpoint has an owner tag; a mixed one at `weight` % serves it as AllTraffic 100 - weight.
 */
function paced(o: Options = {}) {
  const mixed = (o.mode ?? "traffic") === "traffic" && (o.weight ?? 0) > 0 ? { AllTraffic: 100 - o.weight!, [NEW_VARIANT]: o.weight! } : undefined;
  const { clock, aws, endpoint, env, state, drive, seconds: secs } = trafficWorld({ ...o, weights: mixed, tags: { owner: "team-a" }, justTook: true });
  /** What the view was shown, with the clock time (s). */
  const shown: Array<ViewSnapshot & { at: number }> = [];
  env.view = { update: (s: ViewSnapshot) => shown.push({ ...s, at: secs(clock.t) }) } as unknown as RolloutView;
  return {
    clock,
    aws,
    env,
    state,
    describes: endpoint.script,
    drive,
    /** Clock times (s) of one operation's calls. */
    times: (op: string) => aws.callsOf(op).map((c) => secs(c.at)),
    /** [new variant's weight, time (s)] of each weight change. */
    shifts: () =>
      aws.callsOf("UpdateEndpointWeightsAndCapacities").map((c) => [c.input.DesiredWeightsAndCapacities.find((w: { VariantName: string }) => w.VariantName === NEW_VARIANT).DesiredWeight, secs(c.at)]),
    updates: () => aws.callsOf("UpdateEndpoint").map((c) => [c.input.EndpointConfigName, secs(c.at)]),
    /** [phase, weight, time (s)] of each whole-record write. */
    phases: () =>
      aws.callsOf("AddTags").flatMap((c) => {
        const tags = Object.fromEntries(c.input.Tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
        return tags[`${P}phase`] === undefined ? [] : [[tags[`${P}phase`], Number(tags[`${P}weight`]), secs(c.at)]];
      }),
    /** [share, bake left (s), time (s)] of each view update while baking. */
    bakes: () => shown.filter((s) => s.phase === "baking").map((s) => [s.share, s.bakeLeft, s.at]),
    shown,
    /** Another shell leaves a command in the record at +`seconds`. */
    command: (seconds: number, command: "promote" | "promote-full" | "abort", id = "c-1") =>
      clock.at({ in: seconds * 1000 }, () => Object.assign(aws.tags, { [`${P}command`]: command, [`${P}command-id`]: id })),
    /** From +`fromSeconds`, the next `count` calls of `op` are throttled. */
    throttle: (op: string, count: number, fromSeconds = 0) => {
      const answer = aws.handlers[op]!;
      let left = count;
      aws.handlers[op] = (input) => {
        if (secs(clock.t) >= fromSeconds && left > 0) {
          left--;
          throw awsError("ThrottlingException", "Rate exceeded");
        }
        return answer(input);
      };
    },
  };
}

/** 0, 3, 6, … up to `last` (s): the alarm reads of a bake paced at 3 s. */
const every3 = (from: number, last: number) => Array.from({ length: Math.floor((last - from) / 3) + 1 }, (_, k) => from + 3 * k);
const THROTTLED = /AWS is throttling: backing off; the rollout goes on/g;

describe("the traffic engine's pacing", () => {
  it("reads the alarms every 3 s whatever the poll, ends a bake at the read at its end, and shows the bake left at each read", async () => {
    const r = paced({ bake: 10, finalBake: 5, pollSeconds: 10 });
    const result = await r.drive();
    expect(result).toEqual({ outcome: "deployed", endpointConfig: NEW, alarms: [{ name: ALARM, state: "OK" }], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    // Canary bake of 10 s from 0: reads at 0, 3, 6, 9, then the last wait is cut to the 1 s left (10).
    // The final bake of 5 s from 10: reads at 10, 13, then 2 s to its end (15).
    expect(r.times("DescribeAlarms")).toEqual([0, 3, 6, 9, 10, 10, 13, 15]);
    expect(r.shifts()).toEqual([
      [10, 0],
      [100, 10],
    ]);
    // The final update at the end of the last bake, served one poll (10 s) later.
    expect(r.updates()).toEqual([[NEW, 15]]);
    expect(r.bakes()).toEqual([
      [10, 10, 0],
      [10, 7, 3],
      [10, 4, 6],
      [10, 1, 9],
      [10, 0, 10],
      [100, 5, 10],
      [100, 2, 13],
      [100, 0, 15],
    ]);
    // A driver that already drives does not write itself in again: the record is written on
    // each phase change only, with the weight it has then.
    expect(r.phases()).toEqual([
      ["shifting", 0, 0],
      ["baking", 10, 0],
      ["shifting", 10, 10],
      ["baking", 100, 10],
      ["finalizing", 100, 15],
      ["done", 100, 25],
    ]);
    // No command was left: the only field removed is the driver, once it has ended.
    expect(r.aws.callsOf("DeleteTags").map((c) => c.input.TagKeys)).toEqual([[`${P}driver`]]);
  });

  it("reads the record (commands, who drives) every poll during a bake, the first at its start", async () => {
    const r = paced({ bake: 20, finalBake: 0, pollSeconds: 6 });
    await r.drive();
    // Alarms every 3 s (min of poll 6 and 3); the record at 0, 6, 12, 18. The writes at 0 and 20
    // (phase changes) read it too, to check whose it is.
    expect(r.times("ListTags").filter((t) => t > 0 && t < 20)).toEqual([6, 12, 18]);
  });

  it("a throttled record read is tried again at the next alarm read, says it backs off, and the poll restarts from the read that worked", async () => {
    const r = paced({ bake: 30, pollSeconds: 10 });
    r.throttle("ListTags", 1, 10);
    await r.drive();
    // Record reads at 0 and 12 (the first read at or after 0 + 10); 12 is throttled: back off 3 s
    // and read it at 15; the next poll is 15 + 10 = 25, read at 27 (reads every 3 s from 15).
    expect(r.times("ListTags").filter((t) => t > 0 && t < 30)).toEqual([12, 15, 27]);
    expect(r.env.stderr().match(THROTTLED)).toHaveLength(1);
  });

  it("throttled alarm reads back off doubling from 3 s up to 2 minutes, and the bake lasts until a read at its end", async () => {
    const r = paced({ bake: 600, pollSeconds: 10 });
    r.throttle("DescribeAlarms", 8);
    await r.drive();
    // Throttled at 0 (+3), 3 (+6), 9 (+12), 21 (+24), 45 (+48), 93 (+96), 189 (+192 capped to 120),
    // 309 (+120); 429 reads; then every 3 s again.
    expect(r.times("DescribeAlarms").slice(0, 11)).toEqual([0, 3, 9, 21, 45, 93, 189, 309, 429, 432, 435]);
    // No read of the alarms before 429, yet the canary bake still ends at 600.
    expect(r.shifts()).toEqual([
      [10, 0],
      [100, 600],
    ]);
    expect(r.env.stderr().match(THROTTLED)).toHaveLength(1);
  });

  it("a deadline in the middle of a bake stops at the deadline itself: no read at it, the traffic back at once", async () => {
    const r = paced({ bake: 60, deadlineSeconds: 40 });
    await expect(r.drive()).rejects.toBeInstanceOf(Timeout);
    // Reads every 3 s up to 39; the wait after 39 is cut to the 1 s left, and at 40 the driver stops.
    expect(r.times("DescribeAlarms")).toEqual(every3(0, 39));
    expect(r.shifts()).toEqual([
      [10, 0],
      [0, 40],
    ]);
  });

  it("a hold for `mlops promote` shows no bake left, and ends at the first record read after the promote", async () => {
    const r = paced({ pause: true, bake: 60, finalBake: 30, pollSeconds: 10 });
    r.command(15, "promote");
    expect((await r.drive()).outcome).toBe("deployed");
    const held = r.shown.filter((s) => s.phase === "paused: waiting for `mlops promote`");
    // Alarm reads at 0, 3, …, 24; record reads at 0, 12, 24: the promote (left at 15) is taken at 24.
    expect(held.map((s) => [s.share, s.bakeLeft, s.at])).toEqual(every3(0, 24).map((t) => [10, undefined, t]));
    expect(r.shifts()).toEqual([
      [10, 0],
      [100, 24],
    ]);
    expect(r.phases().map(([phase]) => phase)).toEqual(["shifting", "paused", "shifting", "baking", "finalizing", "done"]);
  });

  it("--pause holds the first step only: after one promote every later step bakes on its own", async () => {
    const r = paced({ strategy: "linear", pause: true, bake: 20, finalBake: 20, deadlineSeconds: 3_600 });
    r.command(5, "promote");
    expect((await r.drive()).outcome).toBe("deployed");
    // Promote taken at the record read at 12 (reads at 0, 12); then 20 s bakes.
    expect(r.shifts()).toEqual([
      [25, 0],
      [50, 12],
      [75, 32],
      [100, 52],
    ]);
  });

  it.each([
    // serverless: one bake of 60 + 30 s, nothing to update after.
    ["serverless", { mode: "serverless" as const }, [], [["baking", 100, 0], ["done", 100, 90]]],
    // all at once: the final bake of 30 s, then the final update, served one poll later.
    ["all at once", { strategy: "all-at-once" as const }, [[100, 0]], [["shifting", 0, 0], ["baking", 100, 0], ["finalizing", 100, 30], ["done", 100, 40]]],
  ])("--pause does not hold a rollout of a single step (%s): it bakes and is deployed", async (_name, options, shifts, phases) => {
    const r = paced({ ...options, pause: true, deadlineSeconds: 3_600 });
    expect((await r.drive()).outcome).toBe("deployed");
    expect(r.shifts()).toEqual(shifts);
    expect(r.phases()).toEqual(phases);
  });

  it("serverless does not stop before traffic: its config already serves whole, so it bakes and is deployed", async () => {
    const r = paced({ mode: "serverless" });
    const result = await r.drive({ stopBeforeTraffic: true });
    expect(result).toEqual({ outcome: "deployed", endpointConfig: NEW, alarms: [{ name: ALARM, state: "OK" }], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    expect(r.phases()).toEqual([
      ["baking", 100, 0],
      ["done", 100, 90],
    ]);
  });

  it("--no-wait stops before traffic with the record at weight 0", async () => {
    const r = paced({ pause: true });
    const result = await r.drive({ stopBeforeTraffic: true });
    expect(result).toEqual({ outcome: "paused", endpointConfig: MIX, alarms: [], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    expect(r.phases()).toEqual([
      ["paused", 0, 0],
      ["paused", 0, 0],
    ]);
    expect(r.shifts()).toEqual([]);
  });
});

describe("carrying on a rollout from its record", () => {
  it("a command left before the driver started is booked after the last 5 taken ones, the oldest dropped", async () => {
    const r = paced({ strategy: "linear", phase: "paused", pause: true, bake: 20, finalBake: 20, driver: undefined, deadlineSeconds: 3_600 });
    Object.assign(r.state, { command: "promote", commandId: "c-6", takenCommandIds: ["c-1", "c-2", "c-3", "c-4", "c-5"] });
    r.aws.tags = { ...r.aws.tags, ...encodeRollout(r.state) };
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    expect(r.aws.tags[`${P}taken-commands`]).toBe("c-2 c-3 c-4 c-5 c-6");
  });

  it("a rollout paused before any traffic (--no-wait), promoted from another shell: takes over, removes the command, moves the first step at once without holding", async () => {
    const r = paced({ strategy: "linear", phase: "paused", pause: true, bake: 20, finalBake: 20, driver: undefined, deadlineSeconds: 3_600 });
    r.state.command = "promote";
    r.state.commandId = "c-1";
    r.aws.tags = { ...r.aws.tags, ...encodeRollout(r.state) };
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    // Written in as driver (at the phase it found), then straight to the first shift: no bake before it.
    expect(r.phases().slice(0, 3)).toEqual([
      ["paused", 0, 0],
      ["shifting", 0, 0],
      ["baking", 25, 0],
    ]);
    expect(r.aws.callsOf("AddTags")[0]!.input.Tags).toContainEqual({ Key: `${P}driver`, Value: TOKEN });
    // The command is removed before anything else moves, and is not taken a second time: each step bakes whole.
    expect(r.aws.callsOf("DeleteTags")[0]!.input.TagKeys).toEqual([`${P}command`, `${P}command-id`]);
    // Booked as taken, and its id not written back by a later save.
    expect(r.aws.tags[`${P}taken-commands`]).toBe("c-1");
    expect(r.aws.tags[`${P}command-id`]).toBeUndefined();
    expect(r.aws.callsOf("AddTags").flatMap((c) => c.input.Tags as Array<{ Key: string }>).filter((t) => t.Key === `${P}command-id`)).toEqual([]);
    expect(r.shifts()).toEqual([
      [25, 0],
      [50, 20],
      [75, 40],
      [100, 60],
    ]);
  });

  it.each(["rolling-back", "interrupted", "rolled-back"] as const)("a record %s is finished by rolling back: the traffic goes back, no step moves up", async (phase) => {
    const r = paced({ phase, step: 0, weight: 10 });
    const result = await r.drive({ justTook: false });
    expect(result).toEqual({ outcome: "rolled-back", endpointConfig: OLD, alarms: [], failureReason: "aborted by `mlops abort`", firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
    expect(r.shifts()).toEqual([[0, 0]]);
    expect(r.updates()).toEqual([[OLD, 0]]);
    expect(r.times("DescribeAlarms")).toEqual([]);
  });

  it("a record finalizing goes straight to the final update: no bake, no alarm read", async () => {
    const r = paced({ phase: "finalizing", step: 1, weight: 100 });
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    expect(r.phases()).toEqual([
      ["finalizing", 100, 0],
      ["done", 100, 10],
    ]);
    expect(r.times("DescribeAlarms")).toEqual([]);
  });

  it("a bake another process began is finished from the record, without waiting on the endpoint first", async () => {
    const r = paced({ phase: "baking", step: 0, weight: 10, bake: 300 });
    r.state.phaseSince = r.clock.t - 250_000;
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    // 300 s bake begun 250 s ago: 50 s left, then the next step. The endpoint is first described for that step.
    expect(r.times("DescribeEndpoint")[0]).toBe(50);
    expect(r.shifts()).toEqual([[100, 50]]);
    expect(r.bakes()[0]).toEqual([10, 50, 0]);
  });

  it("a promote --full left before the driver started skips the rest of the bake: the last step at once", async () => {
    const r = paced({ strategy: "linear", phase: "baking", step: 0, weight: 25, bake: 600 });
    r.state.command = "promote-full";
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    expect(r.shifts()).toEqual([[100, 0]]);
  });

  it("a record stopped while shifting to the next step does not bake again: one alarm read, then the step", async () => {
    const r = paced({ strategy: "linear", phase: "shifting", step: 0, weight: 25, bake: 60 });
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    expect(r.times("DescribeAlarms").slice(0, 2)).toEqual([0, 0]);
    expect(r.shifts()[0]).toEqual([50, 0]);
  });

  it("an alarm in ALARM while finishing another process's bake rolls back, and no step moves after", async () => {
    const r = paced({ phase: "baking", step: 0, weight: 10 });
    const start = r.clock.t;
    r.aws.setAlarm(ALARM, "ALARM", start - 5_000);
    const result = await r.drive({ justTook: false });
    // The traffic was safe (weight 0 sent and seen) at 0, 5 s after the alarm fired.
    expect(result).toEqual({
      outcome: "rolled-back",
      endpointConfig: OLD,
      alarms: [{ name: ALARM, state: "ALARM" }],
      failureReason: `alarm ${ALARM} went into ALARM: ${ALARM} is ALARM`,
      firedAlarm: ALARM,
      firedAt: start - 5_000,
      rollbackReactionSeconds: 5,
    });
    expect(r.shifts()).toEqual([[0, 0]]);
    expect(r.updates()).toEqual([[OLD, 0]]);
  });

  it("a promote --full given while finishing another process's bake skips to the last step", async () => {
    const r = paced({ strategy: "linear", phase: "baking", step: 0, weight: 25, bake: 600 });
    r.command(15, "promote-full");
    expect((await r.drive({ justTook: false })).outcome).toBe("deployed");
    // Record reads at 0, 12, 24: taken at 24.
    expect(r.shifts()).toEqual([[100, 24]]);
  });
});

describe("the record and its commands", () => {
  it("a rollout that ends before any alarm read reports no alarms", async () => {
    const r = paced();
    r.describes.push(
      { EndpointName: "churn", EndpointStatus: "Updating", EndpointConfigName: OLD, PendingDeploymentSummary: { EndpointConfigName: MIX } },
      { EndpointName: "churn", EndpointStatus: "InService", EndpointConfigName: OLD, FailureReason: "the container did not pass its ping health check" },
    );
    expect(await r.drive()).toEqual({
      outcome: "rolled-back",
      endpointConfig: OLD,
      alarms: [],
      failureReason: "the new version did not come up, so SageMaker kept the old config: the container did not pass its ping health check",
      firedAlarm: null,
      firedAt: null,
      rollbackReactionSeconds: null,
    });
  });

  it("with no alarms to watch, the result lists none", async () => {
    const r = paced({ alarms: [] });
    expect(await r.drive()).toEqual({ outcome: "deployed", endpointConfig: NEW, alarms: [], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: null });
  });

  it("an alarm read refused (not throttling) stops the rollout with that error, and the traffic goes back", async () => {
    const r = paced({ deadlineSeconds: 600 });
    r.clock.at({ in: 5_000 }, () => {
      r.aws.handlers.DescribeAlarms = () => {
        throw awsError("ValidationException", "AlarmNames has too many members");
      };
    });
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).code).toBe("ValidationException");
    // Refused at the read at 6; the traffic goes back then.
    expect(r.shifts()).toEqual([
      [10, 0],
      [0, 6],
    ]);
  });

  it("another driver taking over is noticed at the next record read, and the traffic is left to it", async () => {
    const r = paced({ bake: 60 });
    r.clock.at({ in: 15_000 }, () => (r.aws.tags[`${P}driver`] = "other"));
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TakenOverError);
    expect((error as Error).message).toBe("another mlops process took over rollout r-1 on churn; it drives the traffic now");
    // Record reads at 0, 12, 24: the last call of all is the read at 24.
    expect(r.aws.calls.at(-1)).toMatchObject({ op: "ListTags", at: r.clock.t });
    expect((r.clock.t - r.state.startedAt) / 1000).toBe(24);
    expect(r.shifts()).toEqual([[10, 0]]);
  });

  it.each([
    ["replaced by another rollout's", (tags: Record<string, string>) => Object.assign(tags, { [`${P}id`]: "r-2" })],
    ["removed", (tags: Record<string, string>) => Object.keys(tags).filter((k) => k.startsWith(P)).forEach((k) => delete tags[k])],
  ])("a record %s during a bake means another update took the endpoint: the driver stops, the traffic left alone", async (_name, change) => {
    const r = paced({ bake: 60 });
    r.clock.at({ in: 15_000 }, () => change(r.aws.tags));
    const error = await r.drive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TakenOverError);
    expect((error as Error).message).toBe("the rollout record on churn is no longer r-1: another update took the endpoint");
    expect((r.clock.t - r.state.startedAt) / 1000).toBe(24);
    expect(r.shifts()).toEqual([[10, 0]]);
  });

  it("a rollout whose ending is booked is not taken over: the driver stops without a write or a move", async () => {
    const r = paced({ phase: "rolled-back", step: 0, weight: 0, driver: "gone" });
    r.aws.tags = { ...r.aws.tags, ...encodeRollout({ ...r.state, finished: true }) };
    const error = await r.drive({ justTook: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TakenOverError);
    expect((error as Error).message).toBe("rollout r-1 on churn has ended (rolled-back)");
    expect(r.aws.calls.map((c) => c.op)).toEqual(["ListTags"]);
  });

  it("a command taken is booked as taken before it is removed, so the shell that gave it never sees it vanish unanswered", async () => {
    const r = paced({ strategy: "linear", bake: 60 });
    r.command(15, "promote", "c-7");
    await r.drive();
    const removal = r.aws.calls.findIndex((c) => c.op === "DeleteTags" && c.input.TagKeys.includes(`${P}command`));
    expect(r.aws.calls[removal - 1]).toMatchObject({ op: "AddTags", input: { Tags: [{ Key: `${P}taken-commands`, Value: "c-7" }] } });
  });
});
