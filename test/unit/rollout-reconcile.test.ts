import { beforeEach, describe, expect, it } from "vitest";
import { describeBooked, finishRollout, observe, reconcile, type Booked } from "../../src/rollout/reconcile";
import { decodeRollout, DRIVER_LIVENESS_SECONDS, encodeRollout, PREVIOUS_CONFIG_TAG, PREVIOUS_OF_TAG, type RolloutState } from "../../src/core/rollout-state";
import { ownerTags } from "../../src/core/ownership";
import type { Ending } from "../../src/core/reconcile";
import type { Endpoint } from "../../src/aws/endpoints";
import { MlopsError } from "../../src/errors";
import { awsError, FakeClock, ScriptedAws, scriptResources, scriptedEnv, type EndpointState, type ScriptedResources } from "../helpers/scripted-aws";
import { rolloutRecord } from "../helpers/rollout-record";

/**
 * Reconcile from what AWS reports: any later command finishes what an earlier one started
 * (--no-wait, a timeout, Ctrl-C, a killed CI job), books the ending once, and deletes nothing
 * mlops does not own.
 */

const ARN = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn";
const mine = ownerTags("churn", "r1");
let clock: FakeClock;
let aws: ScriptedAws;
let store: ScriptedResources;
let endpoint: EndpointState | undefined;

beforeEach(() => {
  clock = new FakeClock();
  endpoint = { EndpointName: "churn", EndpointArn: ARN, EndpointStatus: "InService", EndpointConfigName: "churn-new" };
  aws = new ScriptedAws(clock, {
    DescribeEndpoint: () => {
      if (!endpoint) throw awsError("ValidationException", "Could not find endpoint");
      return endpoint;
    },
  });
  store = scriptResources(aws, ARN, clock);
});

/** A record started a minute ago on the fake clock. */
const record = (over: Partial<RolloutState> = {}) => rolloutRecord(over, clock.t);
const put = (state: RolloutState, extra: Record<string, string> = {}) => (aws.tags = { ...encodeRollout(state), ...extra });
/** A config serving its own model `<name>-model`, both with `tags`. */
const config = (name: string, tags: Record<string, string> = mine, created = clock.t - 3_600_000) => {
  store.configs.set(name, { models: [`${name}-model`], tags, created });
  store.models.set(`${name}-model`, { tags });
};
const alarm = (name: string, tags: Record<string, string> = mine) => {
  aws.setAlarm(name, "OK");
  store.alarmTags.set(name, tags);
};
/** What the caller observed before booking: the endpoint as it was then. */
const seen = () => ({ endpoint: endpoint as Endpoint, arn: ARN });
const env = (deadlineSeconds?: number) => {
  const e = scriptedEnv(aws, clock, { deadlineSeconds });
  return { ...e, pace: e };
};

describe("observe", () => {
  it("an endpoint that does not exist is an error naming it", async () => {
    endpoint = undefined;
    await expect(observe(aws, "churn", clock.now())).rejects.toThrow(new MlopsError("there is no endpoint named churn", { hint: "check the name and region (`mlops doctor` shows the region)" }));
  });

  it("a guardrail update in progress: SageMaker's deployment, its phase, the rollout's alarms", async () => {
    put(record({ alarms: ["churn-5xx"] }));
    alarm("churn-5xx");
    config("churn-old");
    endpoint = {
      ...endpoint,
      EndpointStatus: "Updating",
      EndpointConfigName: "churn-old",
      LastDeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", WaitIntervalInSeconds: 300 } }, AutoRollbackConfiguration: { Alarms: [{ AlarmName: "churn-5xx" }, { AlarmName: "churn-latency" }] } },
      PendingDeploymentSummary: { EndpointConfigName: "churn-new", ProductionVariants: [{ VariantName: "AllTraffic", DesiredInstanceCount: 4, VariantStatus: [{ Status: "ActivatingTraffic", StatusMessage: "on 1 instance(s)" }] }] },
    };
    const o = await observe(aws, "churn", clock.now());
    // 1 of 4 instances: a quarter of the traffic.
    expect(o.deployment).toEqual({ config: "churn-new", alarms: ["churn-5xx", "churn-latency"], strategy: "canary", phase: { phase: "shifting", share: 25 } });
    expect(o.view).toEqual({ status: "Updating", serving: "churn-old", pending: "churn-new" });
    expect(o.verdict).toEqual({ kind: "running", by: "sagemaker" });
    expect([o.rolloutActive, o.driverLive, o.alarms.map((a) => a.name), o.unreadAlarms, o.wayBack, o.wayBackMissing]).toEqual([true, false, ["churn-5xx"], [], undefined, false]);
  });

  it("a pending update with no variant status is just updating, on one instance", async () => {
    endpoint = { ...endpoint, EndpointStatus: "Updating", PendingDeploymentSummary: { EndpointConfigName: "churn-next" } };
    expect((await observe(aws, "churn", clock.now())).deployment).toEqual({ config: "churn-next", alarms: [], strategy: "all-at-once", phase: { phase: "updating" } });
  });

  it("a blue/green deployment without auto-rollback alarms, its variant not reporting a status yet: no alarms, just updating", async () => {
    endpoint = {
      ...endpoint,
      EndpointStatus: "Updating",
      LastDeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", WaitIntervalInSeconds: 300 } } },
      PendingDeploymentSummary: { EndpointConfigName: "churn-next", ProductionVariants: [{ VariantName: "AllTraffic", DesiredInstanceCount: 2 }] },
    };
    const o = await observe(aws, "churn", clock.now());
    expect(o.deployment).toEqual({ config: "churn-next", alarms: [], strategy: "canary", phase: { phase: "updating" } });
    expect(aws.callsOf("DescribeAlarms")).toEqual([]);
  });

  it("a pending variant that does not say its instance count counts as one instance", async () => {
    endpoint = { ...endpoint, EndpointStatus: "Updating", PendingDeploymentSummary: { EndpointConfigName: "churn-next", ProductionVariants: [{ VariantName: "AllTraffic", VariantStatus: [{ Status: "ActivatingTraffic", StatusMessage: "on 1 instance(s)" }] }] } };
    expect((await observe(aws, "churn", clock.now())).deployment?.phase).toEqual({ phase: "shifting", share: 100 });
  });

  it("a traffic rollout's own update is not SageMaker's deployment; its live driver is", async () => {
    put(record({ mode: "traffic", phase: "shifting", mixConfig: "churn-mix", driver: "d", heartbeat: clock.t }));
    endpoint = { ...endpoint, EndpointStatus: "Updating", EndpointConfigName: "churn-old", PendingDeploymentSummary: { EndpointConfigName: "churn-mix" } };
    const o = await observe(aws, "churn", clock.now());
    expect([o.deployment, o.driverLive, o.verdict]).toEqual([undefined, true, { kind: "running", by: "driver" }]);
  });

  it("a serverless rollout's own update is not SageMaker's deployment either", async () => {
    put(record({ mode: "serverless", phase: "preparing", driver: "d", heartbeat: clock.t }));
    endpoint = { ...endpoint, EndpointStatus: "Updating", EndpointConfigName: "churn-old", PendingDeploymentSummary: { EndpointConfigName: "churn-new" } };
    expect((await observe(aws, "churn", clock.now())).deployment).toBeUndefined();
  });

  it("an endpoint serving no config yet (being created) has no way back, and no config is asked, whatever its tags say", async () => {
    endpoint = { EndpointName: "churn", EndpointArn: ARN, EndpointStatus: "Creating" };
    aws.tags = { [PREVIOUS_OF_TAG]: "churn-earlier", [PREVIOUS_CONFIG_TAG]: "churn-before" };
    const o = await observe(aws, "churn", clock.now());
    expect([o.wayBack, o.wayBackMissing]).toEqual([undefined, false]);
    expect(aws.callsOf("DescribeEndpointConfig")).toEqual([]);
  });

  it("a driver silent for longer than its liveness is not live; a finished rollout has none", async () => {
    put(record({ mode: "traffic", phase: "shifting", mixConfig: "churn-mix", driver: "d", heartbeat: clock.t - (DRIVER_LIVENESS_SECONDS + 1) * 1000 }));
    expect((await observe(aws, "churn", clock.now())).driverLive).toBe(false);
    put(record({ mode: "traffic", phase: "done", finished: true, driver: "d", heartbeat: clock.t }));
    expect((await observe(aws, "churn", clock.now())).driverLive).toBe(false);
  });

  it.each<[string, Partial<RolloutState> | undefined, boolean, string[]]>([
    ["an active rollout: its alarms", { alarms: ["rollout-alarm"] }, true, ["rollout-alarm"]],
    ["no record, a deployment pending: the deployment's", undefined, true, ["deployment-alarm"]],
    ["a finished rollout, nothing pending: the rollout's", { alarms: ["rollout-alarm"], phase: "done", finished: true }, false, ["rollout-alarm"]],
    ["a finished rollout, a deployment pending: the deployment's", { alarms: ["rollout-alarm"], phase: "done", finished: true }, true, ["deployment-alarm"]],
    ["no record, nothing pending: the last deployment's", undefined, false, ["deployment-alarm"]],
  ])("alarms shown for %s", async (_, over, pending, shown) => {
    if (over) put(record(over));
    alarm("rollout-alarm");
    alarm("deployment-alarm");
    endpoint = { ...endpoint, LastDeploymentConfig: { AutoRollbackConfiguration: { Alarms: [{ AlarmName: "deployment-alarm" }] } }, ...(pending ? { EndpointStatus: "Updating", PendingDeploymentSummary: { EndpointConfigName: "churn-next" } } : {}) };
    expect((await observe(aws, "churn", clock.now())).alarms.map((a) => a.name)).toEqual(shown);
  });

  it("no alarms: CloudWatch is not asked", async () => {
    put(record());
    await observe(aws, "churn", clock.now());
    expect(aws.callsOf("DescribeAlarms")).toEqual([]);
  });

  it("alarms AWS throttles are shown unread; any other error stops", async () => {
    put(record({ alarms: ["a", "b"] }));
    aws.handlers.DescribeAlarms = () => {
      throw awsError("ThrottlingException", "Rate exceeded");
    };
    const o = await observe(aws, "churn", clock.now());
    expect([o.alarms, o.unreadAlarms]).toEqual([[], ["a", "b"]]);
    aws.handlers.DescribeAlarms = () => {
      throw awsError("AccessDeniedException", "no");
    };
    await expect(observe(aws, "churn", clock.now())).rejects.toThrow(/no/);
  });

  it("the way back from the endpoint's tags, written for the serving config; missing once that config is gone", async () => {
    aws.tags = { [PREVIOUS_OF_TAG]: "churn-new", [PREVIOUS_CONFIG_TAG]: "churn-old" };
    config("churn-old");
    let o = await observe(aws, "churn", clock.now());
    expect([o.wayBack, o.wayBackMissing]).toEqual(["churn-old", false]);
    store.configs.delete("churn-old");
    o = await observe(aws, "churn", clock.now());
    expect([o.wayBack, o.wayBackMissing]).toEqual(["churn-old", true]);
  });

  it("the way back from the serving config's own tags, only when this endpoint owns it", async () => {
    config("churn-old");
    config("churn-new", ownerTags("churn", "r1", { [PREVIOUS_CONFIG_TAG]: "churn-old" }));
    expect((await observe(aws, "churn", clock.now())).wayBack).toBe("churn-old");
    config("churn-new", ownerTags("churn-2", "r1", { [PREVIOUS_CONFIG_TAG]: "churn-old" }));
    expect((await observe(aws, "churn", clock.now())).wayBack).toBeUndefined();
  });

  it("tags written for the serving config with no way back mean none: the config is not asked", async () => {
    aws.tags = { [PREVIOUS_OF_TAG]: "churn-new", [PREVIOUS_CONFIG_TAG]: "" };
    const o = await observe(aws, "churn", clock.now());
    expect([o.wayBack, o.wayBackMissing]).toEqual([undefined, false]);
    expect(aws.callsOf("DescribeEndpointConfig")).toEqual([]);
  });

  it("a serving config that is gone gives no way back", async () => {
    expect((await observe(aws, "churn", clock.now())).wayBack).toBeUndefined();
  });
});

describe("finishRollout", () => {
  it("deployed: the way back moves, the one before and the mixed config go, owned alarms go, others are kept; the ending is booked", async () => {
    const r = record({ mode: "traffic", phase: "finalizing", mixConfig: "churn-mix", ownedAlarms: ["churn-r1-5xx", "team-alarm"] });
    put(r, { [PREVIOUS_OF_TAG]: "churn-old", [PREVIOUS_CONFIG_TAG]: "churn-older" });
    for (const c of ["churn-older", "churn-old", "churn-new"]) config(c);
    config("churn-mix", mine, clock.t);
    alarm("churn-r1-5xx");
    alarm("team-alarm", { team: "ml" });
    endpoint = { ...endpoint, LastModifiedTime: new Date(clock.t - 10_000) };
    const booked = await finishRollout(aws, env(), seen(), "deployed", "churn-new serves");
    expect(booked).toEqual({
      rolloutId: "r1",
      outcome: "deployed",
      why: "churn-new serves",
      wayBack: { of: "churn-new", previous: "churn-old" },
      deleted: ["endpoint config churn-mix", "endpoint config churn-older", "model churn-mix-model", "model churn-older-model", "alarm churn-r1-5xx"],
      kept: ["alarm team-alarm (not created by mlops for churn)"],
    });
    expect([...store.configs.keys()].sort()).toEqual(["churn-new", "churn-old"]);
    // SageMaker's last change came after the phase began: that is when it ended.
    expect(aws.tags).toMatchObject({ [PREVIOUS_OF_TAG]: "churn-new", [PREVIOUS_CONFIG_TAG]: "churn-old", "mlops:rollout:ending": "r1:done", "mlops:rollout:ended": String(clock.t - 10_000) });
    expect(decodeRollout(aws.tags)).toMatchObject({ phase: "done", finished: true, endedAt: clock.t - 10_000 });
  });

  it.each([
    ["before the phase began", -120_000],
    ["in the future (clock skew)", 60_000],
    ["unknown", undefined],
  ])("an endpoint last changed %s: the ending is dated now", async (_, offset) => {
    put(record());
    endpoint = { ...endpoint, LastModifiedTime: offset === undefined ? undefined : new Date(clock.t + offset) };
    await finishRollout(aws, env(), seen(), "deployed", "churn-new serves");
    expect(aws.tags["mlops:rollout:ended"]).toBe(String(clock.t));
  });

  it("a change exactly when the phase began, or exactly now, dates the ending", async () => {
    const r = record();
    put(r);
    endpoint = { ...endpoint, LastModifiedTime: new Date(r.phaseSince) };
    await finishRollout(aws, env(), seen(), "deployed", "x");
    expect(aws.tags["mlops:rollout:ended"]).toBe(String(r.phaseSince));
    put(r);
    endpoint = { ...endpoint, LastModifiedTime: new Date(clock.t) };
    await finishRollout(aws, env(), seen(), "deployed", "x");
    expect(aws.tags["mlops:rollout:ended"]).toBe(String(clock.t));
  });

  it("updates the caller's record in place", async () => {
    const r = record();
    put(r);
    await finishRollout(aws, env(), seen(), "rolled-back", "SageMaker kept churn-old", r);
    expect([r.phase, r.finished, r.endedAt]).toEqual(["rolled-back", true, clock.t]);
  });

  it.each<[string, () => void]>([
    ["the ending is already booked", () => put(record({ phase: "done", finished: true }))],
    ["a newer rollout's record is there", () => put(record({ id: "r2" }))],
    ["there is no record", () => (aws.tags = {})],
    ["the endpoint is gone", () => ((endpoint = undefined), put(record()))],
  ])("skips, changing nothing, when %s", async (_, setup) => {
    setup();
    const before = { ...aws.tags };
    const booked = await finishRollout(aws, env(), { endpoint: { EndpointName: "churn" } as Endpoint, arn: ARN }, "deployed", "why", record());
    expect(booked).toEqual({ rolloutId: "r1", outcome: "deployed", why: "why", deleted: [], kept: [], skipped: true });
    expect(aws.tags).toEqual(before);
    expect(aws.callsOf("AddTags")).toEqual([]);
  });

  it("a skip without any record names no rollout", async () => {
    aws.tags = {};
    expect((await finishRollout(aws, env(), seen(), "failed", "why")).rolloutId).toBe("");
  });

  it("stray mixed configs: this endpoint's own, older than the rollout and unused, go; others stay", async () => {
    const r = record({ mode: "traffic", phase: "shifting", mixConfig: "churn-mix-r1" });
    put(r);
    config("churn-mix-r0", mine, r.startedAt - 1);
    config("churn-mix-r1", mine, r.startedAt - 1);
    config("churn-mix-team", { team: "ml" }, r.startedAt - 1);
    config("churn-mix-later", mine, r.startedAt);
    config("churn-mix-serving", mine, r.startedAt - 1);
    endpoint = { ...endpoint, EndpointConfigName: "churn-mix-serving" };
    aws.handlers.ListEndpointConfigs = () => ({ EndpointConfigs: [...store.configs].map(([n, c]) => ({ EndpointConfigName: n, CreationTime: new Date(c.created) })) });
    const booked = await finishRollout(aws, env(), seen(), "superseded", "x");
    // The rollout's own mix and new config go as the plan says; of the strays only churn-mix-r0.
    expect(booked.deleted).toEqual(["endpoint config churn-mix-r1", "endpoint config churn-mix-r0", "model churn-mix-r1-model", "model churn-mix-r0-model"]);
    expect(aws.callsOf("ListEndpointConfigs")[0]!.input.NameContains).toBe("churn-mix-");
    // Another team's mixed config is not taken for a stray at all (not even tried and kept).
    expect(booked.kept).toEqual([]);
  });

  it("a stray listed but gone by the time it is described is skipped; only the listed, kept and planned configs are asked about", async () => {
    const r = record({ mode: "traffic", phase: "shifting", mixConfig: "churn-mix-r1" });
    put(r);
    config("churn-mix-r1", mine, r.startedAt);
    endpoint = { ...endpoint, EndpointConfigName: "churn-other" };
    aws.handlers.ListEndpointConfigs = () => ({ EndpointConfigs: [{ EndpointConfigName: "churn-mix-r0", CreationTime: new Date(r.startedAt - 1) }] });
    const booked = await finishRollout(aws, env(), seen(), "superseded", "x");
    expect([booked.deleted, booked.kept]).toEqual([["endpoint config churn-mix-r1", "model churn-mix-r1-model"], []]);
    // The stray candidate, then the serving config (kept: its models stay), then the rollout's mixed and new configs.
    expect(aws.callsOf("DescribeEndpointConfig").map((c) => c.input.EndpointConfigName)).toEqual(["churn-mix-r0", "churn-other", "churn-mix-r1", "churn-new"]);
  });

  it("--keep-old: the rollout's own mixed config is never taken for a stray, whenever it was made", async () => {
    const r = record({ mode: "traffic", phase: "shifting", mixConfig: "churn-mix-r1", keepOld: true });
    put(r);
    config("churn-mix-r1", mine, r.startedAt - 1);
    aws.handlers.ListEndpointConfigs = () => ({ EndpointConfigs: [{ EndpointConfigName: "churn-mix-r1", CreationTime: new Date(r.startedAt - 1) }] });
    const booked = await finishRollout(aws, env(), seen(), "superseded", "x");
    expect([booked.deleted, store.configs.has("churn-mix-r1")]).toEqual([[], true]);
  });

  it("a stray described without an ARN is left alone", async () => {
    const r = record({ mode: "traffic", phase: "shifting" });
    put(r);
    config("churn-mix-r0", mine, r.startedAt - 1);
    aws.handlers.ListEndpointConfigs = () => ({ EndpointConfigs: [{ EndpointConfigName: "churn-mix-r0", CreationTime: new Date(r.startedAt - 1) }] });
    aws.handlers.DescribeEndpointConfig = ({ EndpointConfigName }) => ({ EndpointConfigName, ProductionVariants: [] });
    const booked = await finishRollout(aws, env(), seen(), "superseded", "x");
    expect(booked.deleted).toEqual([]);
    expect(store.configs.has("churn-mix-r0")).toBe(true);
  });

  it("every step retries through throttling", async () => {
    put(record({ ownedAlarms: ["a"] }));
    alarm("a");
    config("churn-new");
    endpoint = { ...endpoint, EndpointConfigName: "churn-old" };
    for (const op of ["DescribeEndpoint", "ListTags", "ListEndpointConfigs", "DescribeEndpointConfig", "DescribeAlarms", "AddTags"]) {
      const real = aws.handlers[op]!;
      let once = true;
      aws.handlers[op] = (input) => {
        if (once) {
          once = false;
          throw awsError("ThrottlingException", "Rate exceeded");
        }
        return real(input);
      };
    }
    store.configs.set("churn-mix-r0", { models: [], tags: mine, created: 0 });
    const booked = await finishRollout(aws, env(), seen(), "rolled-back", "x");
    expect(booked.deleted).toEqual(["endpoint config churn-new", "endpoint config churn-mix-r0", "model churn-new-model", "alarm a"]);
    expect(decodeRollout(aws.tags)!.finished).toBe(true);
  });
});

describe("reconcile", () => {
  it("a running rollout is only observed", async () => {
    put(record());
    endpoint = { ...endpoint, EndpointStatus: "Updating", EndpointConfigName: "churn-old", PendingDeploymentSummary: { EndpointConfigName: "churn-new" } };
    const e = env();
    const r = await reconcile(e, "churn");
    expect([r.booked, r.observation.verdict, e.stderr()]).toEqual([undefined, { kind: "running", by: "sagemaker" }, ""]);
    expect(aws.callsOf("AddTags")).toEqual([]);
  });

  it("a rollout that ended unwatched is booked, said, and observed again", async () => {
    put(record({ ownedAlarms: ["a"] }));
    alarm("a");
    config("churn-old");
    const e = env();
    const r = await reconcile(e, "churn");
    expect(r.booked).toEqual({ rolloutId: "r1", outcome: "deployed", why: "churn-new serves", wayBack: { of: "churn-new", previous: "churn-old" }, deleted: ["alarm a"], kept: [] });
    expect(r.observation.rollout).toMatchObject({ finished: true, phase: "done" });
    expect(r.observation.verdict).toEqual({ kind: "idle" });
    expect(e.stderr()).toBe("rollout r1 on churn was deployed (churn-new serves); it ended while nobody watched: `mlops rollback` now goes back to churn-old\n  removed alarm a\n");
  });

  it("watched: the ending is said to have come during the watch", async () => {
    put(record());
    const e = env();
    await reconcile(e, "churn", true);
    expect(e.stderr()).toContain("it ended during this watch");
  });

  it("booked by another command meanwhile: observed again, nothing said", async () => {
    put(record());
    let describes = 0;
    aws.handlers.DescribeEndpoint = () => {
      // observe, then finishRollout's re-read: by then the other command has booked it.
      if (++describes === 2) put(record({ phase: "done", finished: true }));
      return endpoint;
    };
    const e = env();
    const r = await reconcile(e, "churn");
    expect([r.booked, r.observation.verdict, e.stderr()]).toEqual([undefined, { kind: "idle" }, ""]);
  });

  it("booking throttled past the deadline: left to a later command, with a warning", async () => {
    put(record());
    let tries = 0;
    aws.handlers.AddTags = () => {
      tries++;
      throw awsError("ThrottlingException", "Rate exceeded");
    };
    const e = env(30);
    const r = await reconcile(e, "churn");
    expect(r.booked).toBeUndefined();
    expect(r.observation.verdict).toEqual({ kind: "ended", outcome: "deployed", why: "churn-new serves" });
    // 1 + 2 + 4 + 8 s of back-off fit in the 30 s deadline, the next 16 s do not: 5 tries.
    expect(tries).toBe(5);
    expect(e.stderr()).toMatch(/rollout r1 on churn ended \(churn-new serves\), but booking its ending failed for now \(timed out\); a later mlops command books it/);
  });

  it("booking refused for good: the error stops the command", async () => {
    put(record());
    aws.handlers.AddTags = () => {
      throw awsError("AccessDeniedException", "not allowed to tag");
    };
    await expect(reconcile(env(), "churn")).rejects.toThrow(/not allowed to tag/);
  });

  it("a stalled rollout is left for promote or abort", async () => {
    put(record({ mode: "traffic", phase: "shifting", mixConfig: "churn-mix", weight: 10 }));
    endpoint = { ...endpoint, EndpointConfigName: "churn-mix" };
    const r = await reconcile(env(), "churn");
    expect([r.booked, r.observation.verdict.kind]).toEqual([undefined, "stalled"]);
  });
});

describe("describeBooked", () => {
  const booked = (outcome: Ending, wayBack?: Booked["wayBack"]): Booked => ({ rolloutId: "r1", outcome, why: "because", wayBack, deleted: [], kept: [] });
  it.each<[Ending, string]>([
    ["deployed", "was deployed"],
    ["created", "created the endpoint"],
    ["rolled-back", "was rolled back"],
    ["interrupted", "was interrupted and went back"],
    ["failed", "failed"],
    ["superseded", "was superseded by a change made outside it"],
  ])("%s: %s", (outcome, words) => {
    expect(describeBooked("churn", booked(outcome), "ended meanwhile")).toBe(`rollout r1 on churn ${words} (because); it ended meanwhile`);
  });

  it("names the new way back when it moved", () => {
    expect(describeBooked("churn", booked("deployed", { of: "b", previous: "a" }), "ended")).toBe("rollout r1 on churn was deployed (because); it ended: `mlops rollback` now goes back to a");
  });
});
