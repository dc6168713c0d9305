import { beforeEach, describe, expect, it } from "vitest";
import { bookEnding, executeDeploy } from "../../src/rollout/execute";
import type { DeployPlan } from "../../src/rollout/plan";
import { decodeRollout, encodeRollout, type RolloutState } from "../../src/core/rollout-state";
import { ownerTags } from "../../src/core/ownership";
import { MlopsError, SettledInterruptError } from "../../src/errors";
import { awsError, FakeClock, ScriptedAws, scriptResources, scriptedEnv, type EndpointState, type ScriptedResources } from "../helpers/scripted-aws";
import { rolloutRecord } from "../helpers/rollout-record";

/**
 * Carrying out a planned deploy: make what is private to the rollout (tagged as its own), take the
 * endpoint, then write the record; when taking fails, remove what was made and say so; when the
 * call may have reached SageMaker anyway, write the record so a later command can finish it.
 */

const ARN = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn";
const ALARM = "churn-r2-5xx";
const mine = ownerTags("churn", "r2");
let clock: FakeClock;
let aws: ScriptedAws;
let store: ScriptedResources;
/** What DescribeEndpoint answers, one per call; the last one repeats. */
let describes: Array<EndpointState | undefined>;
/** What the endpoint goes through once this deploy takes it (CreateEndpoint/UpdateEndpoint); an Error refuses the call. */
let onTake: Array<EndpointState | undefined> | Error;

const serving = (config: string, extra: Partial<EndpointState> = {}): EndpointState => ({ EndpointName: "churn", EndpointArn: ARN, EndpointStatus: "InService", EndpointConfigName: config, ...extra });
const updatingTo = (config: string, from = "churn-c1"): EndpointState => ({ ...serving(from), EndpointStatus: "Updating", PendingDeploymentSummary: { EndpointConfigName: config } });

beforeEach(() => {
  clock = new FakeClock();
  describes = [serving("churn-c1")];
  onTake = [serving("churn-c2")];
  const take = (input: { Tags?: Array<{ Key: string; Value: string }> }) => {
    if (onTake instanceof Error) throw onTake;
    for (const t of input.Tags ?? []) aws.tags[t.Key] = t.Value;
    describes = onTake;
    return {};
  };
  aws = new ScriptedAws(clock, {
    DescribeEndpoint: () => {
      const state = describes.length > 1 ? describes.shift() : describes[0];
      if (!state) throw awsError("ValidationException", "Could not find endpoint");
      return state;
    },
    CreateEndpoint: take,
    UpdateEndpoint: take,
  });
  store = scriptResources(aws, ARN, clock);
  // The endpoint's current config and model, made by an earlier rollout.
  store.configs.set("churn-c1", { models: ["churn-m1"], tags: ownerTags("churn", "r1"), created: clock.t - 86_400_000 });
  store.models.set("churn-m1", { tags: ownerTags("churn", "r1") });
  // The endpoint carries the earlier rollout's booked record, as planned.
  aws.tags = encodeRollout(previous);
});

const previous: RolloutState = rolloutRecord({ id: "r1", phase: "done", finished: true, oldConfig: "churn-c0", newConfig: "churn-c1" });

/** A guardrail update of churn from churn-c1 to churn-c2 (model churn-m2) that creates one alarm; `over` changes the rest. */
function plan(over: Partial<DeployPlan> & { wait?: boolean } = {}): DeployPlan {
  const { wait = true, ...rest } = over;
  const current = serving("churn-c1", { ProductionVariants: [{ VariantName: "AllTraffic", CurrentWeight: 1 }] });
  return {
    endpoint: "churn",
    rolloutId: "r2",
    settings: { strategy: "canary", canaryPercent: 10, linearStep: 20, bake: 60, finalBake: 60, wait, keepOld: false, pause: false, pollSeconds: 10 },
    mode: "guardrails",
    engine: "guardrails",
    strategy: "canary",
    type: "real-time",
    specs: {
      model: { ModelName: "churn-m2", ExecutionRoleArn: "arn:aws:iam::111122223333:role/sm", PrimaryContainer: { Image: "img" } },
      variantName: "AllTraffic",
      newVariant: "AllTraffic",
      config: { EndpointConfigName: "churn-c2", ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "churn-m2", InstanceType: "ml.m5.large", InitialInstanceCount: 1 }] },
    },
    current: { observation: { endpoint: current, rollout: previous }, endpoint: current },
    deploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 } } },
    createAlarms: [{ AlarmName: ALARM, Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors" }],
    alarmNames: [ALARM],
    timeoutSeconds: 3600,
    expectedSeconds: 600,
    notes: [],
    alreadyServing: false,
    ...rest,
  } as unknown as DeployPlan;
}

/** A create of churn with churn-c2. */
const createPlan = (over: Partial<DeployPlan> & { wait?: boolean } = {}) => plan({ mode: "create", current: undefined, deploymentConfig: undefined, ...over });
/** The traffic engine: churn-mix (old variant plus the new one at 0) first. */
const trafficPlan = (over: Partial<DeployPlan> & { wait?: boolean } = {}) => {
  const p = plan({ mode: "traffic", engine: "traffic", deploymentConfig: undefined, ...over });
  p.specs.newVariant = "v-r2";
  p.specs.mix = { EndpointConfigName: "churn-mix", ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "churn-m1" }, { VariantName: "v-r2", ModelName: "churn-m2" }] } as never;
  return p;
};

const env = (options: { signal?: AbortSignal } = {}) => scriptedEnv(aws, clock, { signal: options.signal });
const ops = () => aws.calls.map((c) => c.op);
const record = () => decodeRollout(aws.tags);

describe("a deploy that takes the endpoint", () => {
  it("guardrails: makes its model, config and alarm tagged as its own, updates with the deployment config, records the rollout, and books the ending", async () => {
    aws.tags = encodeRollout(previous);
    const e = env();
    const executed = await executeDeploy(e, plan());
    expect(executed.result).toEqual({ outcome: "deployed", endpointConfig: "churn-c2", alarms: [{ name: ALARM, state: "INSUFFICIENT_DATA" }], failureReason: null, firedAlarm: null, rollbackReactionSeconds: null });
    expect(store.models.get("churn-m2")!.tags).toEqual(mine);
    expect(store.configs.get("churn-c2")).toEqual({ models: ["churn-m2"], tags: { ...mine, "mlops:previous-config": "churn-c1" }, created: expect.any(Number) });
    expect(aws.callsOf("PutMetricAlarm")[0]!.input).toEqual({ AlarmName: ALARM, Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors", Tags: Object.entries(mine).map(([Key, Value]) => ({ Key, Value })) });
    expect(aws.callsOf("UpdateEndpoint")[0]!.input).toEqual({ EndpointName: "churn", EndpointConfigName: "churn-c2", DeploymentConfig: plan().deploymentConfig });
    // Booked: the way back is churn-c1, its own alarm is gone, nothing else removed.
    expect(executed.booked).toEqual({ rolloutId: "r2", outcome: "deployed", why: "churn-c2 serves", wayBack: { of: "churn-c2", previous: "churn-c1" }, deleted: [`alarm ${ALARM}`], kept: [] });
    expect(record()).toMatchObject({ id: "r2", mode: "guardrails", phase: "done", finished: true, oldConfig: "churn-c1", newConfig: "churn-c2", driver: undefined });
    expect(e.stderr()).toContain(`removed alarm ${ALARM}`);
  });

  it("does not make again a model or config an earlier deploy made", async () => {
    store.models.set("churn-m2", { tags: ownerTags("churn", "r0") });
    store.configs.set("churn-c2", { models: ["churn-m2"], tags: ownerTags("churn", "r0"), created: 0 });
    await executeDeploy(env(), plan());
    expect(ops().filter((o) => o.startsWith("Create"))).toEqual([]);
  });

  it("guardrails --no-wait: started, the record written, nothing booked", async () => {
    onTake = [updatingTo("churn-c2")];
    const executed = await executeDeploy(env(), plan({ wait: false }));
    expect(executed).toEqual({ result: { outcome: "started", endpointConfig: "churn-c2", alarms: [], failureReason: null, firedAlarm: null, rollbackReactionSeconds: null }, booked: undefined });
    expect(record()).toMatchObject({ id: "r2", phase: "updating", finished: false });
  });

  it("serverless --no-wait: updated all at once, with a warning that nothing watches its alarms; no driver recorded", async () => {
    onTake = [updatingTo("churn-c2")];
    const e = env();
    const executed = await executeDeploy(e, plan({ mode: "serverless", deploymentConfig: undefined, wait: false }));
    expect(executed.result.outcome).toBe("started");
    expect(aws.callsOf("UpdateEndpoint")[0]!.input).toEqual({ EndpointName: "churn", EndpointConfigName: "churn-c2" });
    expect(e.stderr()).toContain("--no-wait: the endpoint is updated all at once, and nothing watches its alarms until `mlops promote --endpoint churn` carries the rollout on (or `mlops abort` takes it back)");
    expect(record()).toMatchObject({ mode: "serverless", phase: "preparing", driver: undefined });
  });

  it("traffic --no-wait: the mixed config is taken, the driver stops before any traffic moves (paused)", async () => {
    onTake = [updatingTo("churn-mix"), serving("churn-mix")];
    const executed = await executeDeploy(env(), trafficPlan({ wait: false }));
    expect(executed.result.outcome).toBe("paused");
    expect(aws.callsOf("UpdateEndpoint")[0]!.input).toEqual({ EndpointName: "churn", EndpointConfigName: "churn-mix" });
    expect(store.configs.get("churn-mix")!.tags).toEqual({ ...mine, "mlops:previous-config": "churn-c1" });
    expect(record()).toMatchObject({ mode: "traffic", phase: "paused", mixConfig: "churn-mix", driver: undefined });
  });

  it("traffic, waited: the record names this process as the driver from its first write", async () => {
    onTake = [updatingTo("churn-mix"), serving("churn-other")];
    await executeDeploy(env(), trafficPlan()).catch(() => undefined);
    const first = aws.callsOf("AddTags").find((c) => c.input.Tags.some((t: { Key: string }) => t.Key === "mlops:rollout:id"))!;
    expect(first.input.Tags.find((t: { Key: string }) => t.Key === "mlops:rollout:driver")?.Value).toMatch(/^[0-9a-f]{8}$/);
  });

  it("another update takes the endpoint from the traffic driver: what this deploy made and nothing uses goes, and it says so", async () => {
    onTake = [updatingTo("churn-mix"), serving("churn-other")];
    const error = await executeDeploy(env(), trafficPlan()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MlopsError);
    expect((error as Error).message).toMatch(/another update took the endpoint; removed what this deploy had made: alarm churn-r2-5xx, endpoint config churn-mix, endpoint config churn-c2, model churn-m2$/);
    expect([...store.configs.keys()]).toEqual(["churn-c1"]);
    expect([...store.models.keys()]).toEqual(["churn-m1"]);
  });
});

describe("creating an endpoint", () => {
  it("waits for InService: created; the endpoint carries the owner tags", async () => {
    describes = [undefined];
    onTake = [{ ...serving("churn-c2"), EndpointStatus: "Creating" }, serving("churn-c2")];
    const executed = await executeDeploy(env(), createPlan());
    expect(executed.result).toEqual({ outcome: "created", endpointConfig: "churn-c2", alarms: [], failureReason: null, firedAlarm: null, rollbackReactionSeconds: null });
    expect(aws.callsOf("CreateEndpoint")[0]!.input).toEqual({ EndpointName: "churn", EndpointConfigName: "churn-c2", Tags: Object.entries(mine).map(([Key, Value]) => ({ Key, Value })) });
    expect(store.configs.get("churn-c2")!.tags).toEqual(mine);
    expect(executed.booked).toMatchObject({ outcome: "created", wayBack: undefined });
  });

  it.each([
    ["with SageMaker's reason", "image not found", "image not found"],
    ["without one", undefined, "no reason given"],
  ])("Failed %s: failed", async (_, reason, said) => {
    describes = [undefined];
    onTake = [{ ...serving("churn-c2"), EndpointStatus: "Failed", FailureReason: reason }];
    const executed = await executeDeploy(env(), createPlan());
    expect(executed.result).toEqual({ outcome: "failed", endpointConfig: "churn-c2", alarms: [], failureReason: said, firedAlarm: null, rollbackReactionSeconds: null });
  });

  it("refused (the endpoint does not exist after all): what it made goes, the error says nothing changed", async () => {
    describes = [undefined];
    onTake = awsError("ResourceLimitExceeded", "account-level service limit");
    const error = (await executeDeploy(env(), createPlan({ createAlarms: [], alarmNames: [] })).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/account-level service limit; removed what this deploy had made: endpoint config churn-c2, model churn-m2; churn was not changed$/);
    expect([...store.configs.keys(), ...store.models.keys()]).toEqual(["churn-c1", "churn-m1"]);
  });

  it("--no-wait: started without a describe after the record", async () => {
    describes = [undefined];
    onTake = [{ ...serving("churn-c2"), EndpointStatus: "Creating" }];
    const executed = await executeDeploy(env(), createPlan({ wait: false }));
    expect(executed.result.outcome).toBe("started");
    expect(executed.booked).toBeUndefined();
  });
});

describe("just before taking the endpoint", () => {
  it.each<[string, Array<EndpointState | undefined>, Record<string, string>, string]>([
    ["another config serves", [serving("churn-c9")], encodeRollout(previous), "another update took churn while this deploy prepared (it is InService)"],
    ["it is updating", [updatingTo("churn-c9")], encodeRollout(previous), "another update took churn while this deploy prepared (it is Updating)"],
    ["a newer rollout is recorded", [serving("churn-c1")], encodeRollout(rolloutRecord({ id: "r9", phase: "done", finished: true })), "another update took churn while this deploy prepared (it is InService, rollout r9)"],
    ["it is gone", [undefined], {}, "another update took churn while this deploy prepared (it is gone)"],
  ])("%s: refused, what it made removed, the endpoint unchanged", async (_, now, tags, words) => {
    aws.tags = tags;
    describes = now;
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as MlopsError;
    expect(error.message).toBe(`${words}; removed what this deploy had made: alarm churn-r2-5xx, endpoint config churn-c2, model churn-m2; churn was not changed`);
    expect(error.hint).toBe("see `mlops status --endpoint churn`, then deploy again");
    expect(aws.callsOf("UpdateEndpoint")).toEqual([]);
    expect(store.configs.has("churn-c2") || store.models.has("churn-m2") || aws.alarms.has(ALARM)).toBe(false);
  });

  it("the same endpoint and record as planned: it goes ahead", async () => {
    aws.tags = encodeRollout(previous);
    expect((await executeDeploy(env(), plan())).result.outcome).toBe("deployed");
  });
});

describe("when taking the endpoint fails", () => {
  it("refused: what this deploy made goes, unless in use or not its own, and the error says so", async () => {
    onTake = awsError("ValidationException", "Cannot update in-progress endpoint");
    // An earlier deploy made the same model and config: not this rollout's, so they stay.
    store.models.set("churn-m2", { tags: ownerTags("churn", "r0") });
    store.configs.set("churn-c2", { models: ["churn-m2"], tags: ownerTags("churn", "r0"), created: 0 });
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/Cannot update in-progress endpoint; removed what this deploy had made: alarm churn-r2-5xx; churn was not changed$/);
    expect(store.configs.has("churn-c2") && store.models.has("churn-m2")).toBe(true);
    expect(aws.tags).toEqual(encodeRollout(previous));
  });

  it("a model a serving config uses stays", async () => {
    onTake = awsError("ValidationException", "Cannot update in-progress endpoint");
    store.configs.get("churn-c1")!.models.push("churn-m2");
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/removed what this deploy had made: alarm churn-r2-5xx, endpoint config churn-c2; churn was not changed$/);
    expect(store.models.has("churn-m2")).toBe(true);
  });

  it("nothing was made: no note", async () => {
    onTake = awsError("ValidationException", "Cannot update in-progress endpoint");
    store.models.set("churn-m2", { tags: ownerTags("churn", "r0") });
    store.configs.set("churn-c2", { models: ["churn-m2"], tags: ownerTags("churn", "r0"), created: 0 });
    const error = (await executeDeploy(env(), plan({ createAlarms: [], alarmNames: [] })).catch((e: Error) => e)) as Error;
    expect(error.message).toBe("sagemaker:UpdateEndpoint failed: ValidationException: Cannot update in-progress endpoint; churn was not changed");
  });

  it("removing fails half-way: what was removed and the failure are both said", async () => {
    onTake = awsError("ValidationException", "Cannot update in-progress endpoint");
    aws.handlers.DeleteModel = () => {
      throw awsError("AccessDeniedException", "not allowed");
    };
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/removed what this deploy had made: alarm churn-r2-5xx, endpoint config churn-c2, \(then removing the rest failed: .*not allowed\); churn was not changed$/);
  });

  it("Ctrl-C before the endpoint changed: an interrupt that names what was removed", async () => {
    const abort = new AbortController();
    aws.handlers.UpdateEndpoint = () => {
      abort.abort();
      throw awsError("AbortError", "aborted");
    };
    const error = await executeDeploy(env({ signal: abort.signal }), plan()).catch((e: Error) => e);
    expect(error).toEqual(new SettledInterruptError("interrupted before churn was changed; removed what this deploy had made: alarm churn-r2-5xx, endpoint config churn-c2, model churn-m2"));
  });

  it("Ctrl-C before anything was made: nothing was made", async () => {
    const abort = new AbortController();
    aws.handlers.CreateModel = () => {
      abort.abort();
      throw awsError("AbortError", "aborted");
    };
    const error = await executeDeploy(env({ signal: abort.signal }), plan({ createAlarms: [], alarmNames: [] })).catch((e: Error) => e);
    expect(error).toEqual(new SettledInterruptError("interrupted before churn was changed; nothing was made"));
  });

  it("the call failed but reached SageMaker (the update shows pending): the record is written without a driver, and the error says it goes on", async () => {
    aws.tags = encodeRollout(previous);
    const take = aws.handlers.UpdateEndpoint!;
    aws.handlers.UpdateEndpoint = (input) => {
      take(input);
      throw awsError("ServiceUnavailable", "connection reset");
    };
    onTake = [updatingTo("churn-mix")];
    const error = (await executeDeploy(env(), trafficPlan()).catch((e: Error) => e)) as MlopsError;
    expect(error).toBeInstanceOf(MlopsError);
    expect(error).not.toBeInstanceOf(SettledInterruptError);
    expect(error.message).toMatch(/connection reset; yet the update of churn was sent and goes on$/);
    expect(error.hint).toBe("the new version takes no traffic yet: `mlops abort --endpoint churn` goes back, `mlops promote --endpoint churn` carries on");
    expect(record()).toMatchObject({ id: "r2", mode: "traffic", driver: undefined, phase: "preparing" });
    expect(store.configs.has("churn-mix")).toBe(true);
  });

  /** A new endpoint's CreateEndpoint reaches SageMaker, then Ctrl-C cuts the call short. */
  function ctrlCWhileCreating(): AbortController {
    describes = [undefined];
    const abort = new AbortController();
    const take = aws.handlers.CreateEndpoint!;
    aws.handlers.CreateEndpoint = (input) => {
      onTake = [{ ...serving("churn-c2"), EndpointStatus: "Creating" }];
      take(input);
      abort.abort();
      throw awsError("AbortError", "aborted");
    };
    return abort;
  }

  it("Ctrl-C while creating: the creation goes on, say so and how to follow it", async () => {
    const abort = ctrlCWhileCreating();
    const error = (await executeDeploy(env({ signal: abort.signal }), createPlan()).catch((e: Error) => e)) as MlopsError;
    expect(error).toBeInstanceOf(SettledInterruptError);
    expect(error.message).toBe("interrupted while taking the endpoint: the creation of churn was sent and goes on");
    expect(error.hint).toBe("follow it with `mlops status --endpoint churn --watch`");
    expect(record()).toMatchObject({ id: "r2", mode: "create" });
  });

  it("after Ctrl-C the record is still written, through throttling (without it nobody could finish the rollout)", async () => {
    const abort = ctrlCWhileCreating();
    const add = aws.handlers.AddTags!;
    let refusals = 3;
    aws.handlers.AddTags = (input) => {
      if (refusals-- > 0) throw awsError("ThrottlingException", "Rate exceeded");
      return add(input);
    };
    const error = await executeDeploy(env({ signal: abort.signal }), createPlan()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SettledInterruptError);
    expect(record()).toMatchObject({ id: "r2", mode: "create", phase: "updating" });
  });

  it.each<[string, EndpointState]>([
    ["serving the old config still", serving("churn-c1")],
    ["updating to a config of someone else's", updatingTo("churn-c9")],
  ])("a describe %s after the failure: not taken", async (_, after) => {
    aws.handlers.UpdateEndpoint = () => {
      describes = [after];
      throw awsError("ServiceUnavailable", "connection reset");
    };
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/; churn was not changed$/);
    expect(aws.tags).toEqual(encodeRollout(previous));
  });

  it("a redeploy of the serving config's own name: the serving config is not taken as this deploy's", async () => {
    const p = plan();
    p.specs.config.EndpointConfigName = "churn-c1";
    aws.handlers.UpdateEndpoint = () => {
      throw awsError("ServiceUnavailable", "connection reset");
    };
    const error = (await executeDeploy(env(), p).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/; churn was not changed$/);
  });

  it("a describe that fails after the failure: not taken", async () => {
    aws.handlers.UpdateEndpoint = () => {
      aws.handlers.DescribeEndpoint = () => {
        throw awsError("AccessDeniedException", "no");
      };
      throw awsError("ServiceUnavailable", "connection reset");
    };
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/connection reset; removed what this deploy had made: \(then removing the rest failed: .*\); churn was not changed$/);
  });
});

describe("bookEnding", () => {
  const put = (state: RolloutState) => (aws.tags = encodeRollout(state));

  it("an ended rollout is booked, and what went is said", async () => {
    put(rolloutRecord({ id: "r2", oldConfig: "churn-c1", newConfig: "churn-c2", ownedAlarms: [ALARM] }, clock.t));
    aws.setAlarm(ALARM, "OK");
    store.alarmTags.set(ALARM, mine);
    describes = [serving("churn-c2")];
    const e = env();
    expect(await bookEnding(e, "churn")).toEqual({ rolloutId: "r2", outcome: "deployed", why: "churn-c2 serves", wayBack: { of: "churn-c2", previous: "churn-c1" }, deleted: [`alarm ${ALARM}`], kept: [] });
    expect(e.stderr()).toBe(`removed alarm ${ALARM}\n`);
  });

  it("a running rollout: nothing booked", async () => {
    put(rolloutRecord({ id: "r2", oldConfig: "churn-c1", newConfig: "churn-c2" }, clock.t));
    describes = [updatingTo("churn-c2")];
    expect(await bookEnding(env(), "churn")).toBeUndefined();
    expect(aws.callsOf("AddTags")).toEqual([]);
  });

  it("booked by another command first: nothing to report", async () => {
    put(rolloutRecord({ id: "r2", oldConfig: "churn-c1", newConfig: "churn-c2" }, clock.t));
    let n = 0;
    aws.handlers.DescribeEndpoint = () => {
      if (++n === 2) put(rolloutRecord({ id: "r2", phase: "done", finished: true }, clock.t));
      return serving("churn-c2");
    };
    expect(await bookEnding(env(), "churn")).toBeUndefined();
  });

  it("throttled for its 5 minutes: left to the next command, with a warning", async () => {
    put(rolloutRecord({ id: "r2", oldConfig: "churn-c1", newConfig: "churn-c2" }, clock.t));
    describes = [serving("churn-c2")];
    aws.handlers.AddTags = () => {
      throw awsError("ThrottlingException", "Rate exceeded");
    };
    const start = clock.t;
    const e = env();
    expect(await bookEnding(e, "churn")).toBeUndefined();
    expect(e.stderr()).toMatch(/booking the ending failed for now \(timed out\); the next mlops command on churn books it/);
    // Back-offs of 1, 2, 4 … 64, then 120 s while they fit in 300 s: 127 + 120 = 247 s.
    expect(clock.t - start).toBe(247_000);
  });

  it("a server error that outlasts the booking's time is also left for later", async () => {
    put(rolloutRecord({ id: "r2", oldConfig: "churn-c1", newConfig: "churn-c2" }, clock.t));
    aws.handlers.DescribeEndpoint = () => {
      throw awsError("ServiceUnavailable", "down");
    };
    const e = env();
    expect(await bookEnding(e, "churn")).toBeUndefined();
    expect(e.stderr()).toContain("booking the ending failed for now");
  });

  it("refused for good: the error stops the command", async () => {
    put(rolloutRecord({ id: "r2", oldConfig: "churn-c1", newConfig: "churn-c2" }, clock.t));
    describes = [serving("churn-c2")];
    aws.handlers.AddTags = () => {
      throw awsError("AccessDeniedException", "not allowed to tag");
    };
    await expect(bookEnding(env(), "churn")).rejects.toThrow(/not allowed to tag/);
  });
});

describe("the engine's start and its failures", () => {
  it("serverless, waited: the record names this process as the driver from its first write", async () => {
    onTake = [updatingTo("churn-c2"), serving("churn-other")];
    await executeDeploy(env(), plan({ mode: "serverless", engine: "traffic", deploymentConfig: undefined })).catch(() => undefined);
    const first = aws.callsOf("AddTags").find((c) => c.input.Tags.some((t: { Key: string }) => t.Key === "mlops:rollout:id"))!;
    expect(first.input.Tags.find((t: { Key: string }) => t.Key === "mlops:rollout:driver")?.Value).toMatch(/^[0-9a-f]{8}$/);
  });

  it("right after its own update a describe may still show the old config in service: the deploy waits for the update rather than calling it kept", async () => {
    // One describe for the record, then the driver's: the old config still shown twice, then the update.
    onTake = [serving("churn-c1"), serving("churn-c1"), serving("churn-c1"), updatingTo("churn-mix"), serving("churn-mix")];
    const executed = await executeDeploy(env(), trafficPlan({ wait: false }));
    expect(executed.result.outcome).toBe("paused");
  });

  it("an engine failure other than a takeover removes nothing: the endpoint is this rollout's now", async () => {
    let describesLeft = 2;
    const describe = aws.handlers.DescribeEndpoint!;
    aws.handlers.DescribeEndpoint = (input) => {
      // The recheck and the record's describe answer; the engine's first one is refused.
      if (describesLeft-- <= 0) throw awsError("AccessDeniedException", "not allowed to describe");
      return describe(input);
    };
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toBe("sagemaker:DescribeEndpoint was refused: AccessDeniedException: not allowed to describe");
    expect([store.configs.has("churn-c2"), store.models.has("churn-m2"), aws.alarms.has(ALARM)]).toEqual([true, true, true]);
  });

  it("taken over when this deploy made nothing of its own (all made earlier): nothing is said removed", async () => {
    for (const c of ["churn-mix", "churn-c2"]) store.configs.set(c, { models: ["churn-m2"], tags: ownerTags("churn", "r0"), created: 0 });
    store.models.set("churn-m2", { tags: ownerTags("churn", "r0") });
    onTake = [updatingTo("churn-mix"), serving("churn-other")];
    const error = (await executeDeploy(env(), trafficPlan({ createAlarms: [], alarmNames: [] })).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/another update took the endpoint$/);
    expect([...store.configs.keys()]).toEqual(["churn-c1", "churn-mix", "churn-c2"]);
  });
});

describe("just before taking an endpoint that had no rollout record", () => {
  const unrecorded = () => {
    const p = plan();
    p.current!.observation.rollout = undefined;
    return p;
  };

  it("still none: it goes ahead", async () => {
    aws.tags = {};
    expect((await executeDeploy(env(), unrecorded())).result.outcome).toBe("deployed");
  });

  it("a rollout recorded meanwhile: refused, naming it", async () => {
    aws.tags = encodeRollout(rolloutRecord({ id: "r9", phase: "done", finished: true }));
    const error = (await executeDeploy(env(), unrecorded()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^another update took churn while this deploy prepared \(it is InService, rollout r9\); /);
  });

  it("a record that vanished meanwhile (planned with r1, none now): refused", async () => {
    aws.tags = {};
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^another update took churn while this deploy prepared \(it is InService\); /);
  });
});

describe("removing what a refused deploy made, while others act too", () => {
  beforeEach(() => {
    onTake = awsError("ValidationException", "Cannot update in-progress endpoint");
  });

  it("a config removed by someone else between its describe and its tags is skipped, the rest goes", async () => {
    const describeConfig = aws.handlers.DescribeEndpointConfig!;
    aws.handlers.DescribeEndpointConfig = (input) => {
      const out = describeConfig(input);
      // Before this deploy made churn-c2 the describe finds nothing; the first that finds it is undo's.
      if (input.EndpointConfigName === "churn-c2") store.configs.delete("churn-c2");
      return out;
    };
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/Cannot update in-progress endpoint; removed what this deploy had made: alarm churn-r2-5xx, model churn-m2; churn was not changed$/);
  });

  it("a serving config described without variants holds no model: this deploy's model goes", async () => {
    const describeConfig = aws.handlers.DescribeEndpointConfig!;
    aws.handlers.DescribeEndpointConfig = (input) => {
      const out = describeConfig(input) as { ProductionVariants?: unknown };
      if (input.EndpointConfigName === "churn-c1") delete out.ProductionVariants;
      return out;
    };
    const error = (await executeDeploy(env(), plan()).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/; removed what this deploy had made: alarm churn-r2-5xx, endpoint config churn-c2, model churn-m2; churn was not changed$/);
  });
});

describe("waiting for a creation", () => {
  it("an endpoint not found for a moment, then creating for a while: it waits through both, one line per change, no alarms", async () => {
    describes = [undefined];
    const creating: EndpointState = { ...serving("churn-c2"), EndpointStatus: "Creating" };
    // The first answer is for the record; then the wait sees: not found, creating ×2, in service.
    onTake = [creating, undefined, creating, creating, serving("churn-c2")];
    const e = env();
    const executed = await executeDeploy(e, createPlan());
    expect(executed.result.outcome).toBe("created");
    // Not found reads as still creating, so the unchanged line is not repeated; no alarms are named.
    expect(e.stderr().split("\n").slice(0, 2).map((l) => l.replace(/^\S+ /, ""))).toEqual(["creating", "in service"]);
  });
});
