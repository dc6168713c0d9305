import { describe, expect, it } from "vitest";
import { autoAlarms } from "../../src/core/alarms";
import { resolveDeploySettings, type DeployFlags } from "../../src/core/deploy-settings";
import { alreadyServes, deploySpecs } from "../../src/core/deploy-specs";
import { formatDuration, parseDuration } from "../../src/core/duration";
import { guardrailPhase } from "../../src/core/endpoint-phase";
import { chooseEngine, deploymentConfig, derivedName, effectiveStrategy, expectedSeconds, guardrailProblem, guardrailSteps, strategyOf, trafficSteps, type RolloutSettings } from "../../src/core/rollout-plan";
import { checkTagBudget } from "../../src/rollout/record";
import { decodeRollout, DRIVER_LIVENESS_SECONDS, encodeRollout, MAX_TAGS, hasLiveDriver, isActive, needsFinishing, newRolloutId, PREVIOUS_CONFIG_TAG, PREVIOUS_OF_TAG, wayBack, type RolloutState } from "../../src/core/rollout-state";

const base: RolloutSettings = { strategy: "canary", canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 120, alarms: [] };

describe("durations", () => {
  it.each([
    ["300", 300],
    ["90s", 90],
    ["15m", 900],
    ["1h30m", 5400],
    ["2d", 172_800],
  ])("%s is %i s", (text, seconds) => {
    expect(parseDuration("--bake", text)).toBe(seconds);
  });

  it.each(["soon", "5 minutes", "1.5h", "m5", ""])("rejects %j naming the flag", (text) => {
    expect(() => parseDuration("--timeout", text)).toThrow(/^--timeout ".*" is not a duration/);
  });

  it("formats", () => {
    expect([0, 59, 300, 3725].map(formatDuration)).toEqual(["0s", "59s", "5m", "1h 2m 5s"]);
  });
});

describe("which engine runs a deploy", () => {
  const choose = (over: Partial<Parameters<typeof chooseEngine>[0]> = {}, settings: Partial<RolloutSettings> = {}) =>
    chooseEngine({ type: "realtime", pause: false, variantCount: 1, instanceCount: 4, settings: { ...base, ...settings }, ...over });

  it("uses SageMaker's guardrails when they can do it", () => {
    expect(choose()).toEqual({ mode: "guardrails", engine: "guardrails" });
    expect(choose({ type: "async" }, { strategy: "rolling", linearStep: 25 })).toEqual({ mode: "guardrails", engine: "guardrails" });
  });

  it("uses the traffic engine for --pause, several variants, or a fleet too small for the canary, saying why", () => {
    expect(choose({ pause: true }).mode).toBe("traffic");
    expect(choose({ pause: true }).note).toMatch(/--pause runs on mlops's traffic engine/);
    expect(choose({ pause: true, requested: "traffic" }).note).toBeUndefined();
    expect(choose({ variantCount: 2 })).toMatchObject({ mode: "traffic", note: expect.stringContaining("more than one variant") });
    expect(choose({ instanceCount: 1 })).toMatchObject({ mode: "traffic", note: expect.stringContaining("at least 2 instances") });
  });

  it("uses the traffic engine on Inf1 instances, where SageMaker's guardrails fall back to all at once with no bake", () => {
    expect(choose({ instanceType: "ml.inf1.xlarge" })).toMatchObject({ mode: "traffic", engine: "traffic", note: expect.stringContaining("Inf1") });
    expect(choose({ instanceType: "ml.inf1.xlarge" }, { strategy: "all-at-once" }).mode).toBe("traffic");
    expect(choose({ instanceType: "ml.inf2.xlarge" }).mode).toBe("guardrails");
  });

  it("uses the serverless replacement for serverless endpoints", () => {
    expect(choose({ type: "serverless" })).toEqual({ mode: "serverless", engine: "traffic" });
  });

  it.each([
    [{ type: "serverless" as const, requested: "guardrails" as const }, {}, /do not support serverless endpoints/],
    [{ type: "serverless" as const }, { strategy: "rolling" as const }, /rolling is not possible for serverless/],
    [{ requested: "traffic" as const }, { strategy: "rolling" as const }, /rolling is a SageMaker guardrails strategy/],
    [{ variantCount: 2 }, { strategy: "rolling" as const, linearStep: 25 }, /more than one production variant/],
    [{ requested: "guardrails" as const, pause: true }, {}, /--pause needs the traffic engine/],
    [{ requested: "guardrails" as const, instanceCount: 1 }, {}, /at least 2 instances/],
    [{ requested: "guardrails" as const, instanceType: "ml.inf1.6xlarge" }, {}, /Inf1 instances .* fall back to all at once/],
    [{ instanceType: "ml.inf1.xlarge" }, { strategy: "rolling" as const, linearStep: 25 }, /--strategy rolling: on Inf1/],
  ])("refuses %j %j", (over, settings, message) => {
    expect(() => choose(over, settings)).toThrow(message);
  });
});

describe("what SageMaker's guardrails allow", () => {
  it.each([
    [{ strategy: "canary" as const, canaryPercent: 50 }, 2, undefined],
    [{ strategy: "canary" as const, canaryPercent: 51 }, 4, /at most 50 %/],
    [{ strategy: "canary" as const, canaryPercent: 10 }, 1, /at least 2 instances/],
    [{ strategy: "linear" as const, linearStep: 10 }, 10, undefined],
    [{ strategy: "linear" as const, linearStep: 9 }, 10, /10–50 %/],
    [{ strategy: "linear" as const, linearStep: 20 }, 1, /outside 10–50 % of the fleet/],
    [{ strategy: "linear" as const, linearStep: 20 }, 2, undefined],
    [{ strategy: "rolling" as const, linearStep: 4 }, 10, /a rolling batch is 5–50 %/],
    [{ strategy: "blue-green" as const, bake: 3601 }, 1, /at most 3600 s/],
    [{ strategy: "all-at-once" as const }, 1, undefined],
  ])("%j on %i instance(s)", (settings, instances, problem) => {
    const found = guardrailProblem({ ...base, ...settings }, instances);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe("DeploymentConfig", () => {
  it("canary: CANARY by capacity percent, bake between, final bake before termination, alarms", () => {
    expect(deploymentConfig({ ...base, alarms: ["a", "b"] })).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 }, WaitIntervalInSeconds: 300 },
        TerminationWaitInSeconds: 120,
        MaximumExecutionTimeoutInSeconds: 1200 + 2 * 180 + 300 + 120,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: "a" }, { AlarmName: "b" }] },
    });
  });

  it("linear, blue/green, all at once and rolling", () => {
    expect(deploymentConfig({ ...base, strategy: "linear" }).BlueGreenUpdatePolicy?.TrafficRoutingConfiguration).toEqual({ Type: "LINEAR", LinearStepSize: { Type: "CAPACITY_PERCENT", Value: 20 }, WaitIntervalInSeconds: 300 });
    expect(deploymentConfig({ ...base, strategy: "blue-green" }).BlueGreenUpdatePolicy).toMatchObject({ TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 300 }, TerminationWaitInSeconds: 120 });
    expect(deploymentConfig({ ...base, strategy: "all-at-once" }).BlueGreenUpdatePolicy).toMatchObject({ TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: 0, MaximumExecutionTimeoutInSeconds: 1380 });
    expect(deploymentConfig({ ...base, strategy: "rolling", linearStep: 25 })).toEqual({
      RollingUpdatePolicy: { MaximumBatchSize: { Type: "CAPACITY_PERCENT", Value: 25 }, WaitIntervalInSeconds: 300, MaximumExecutionTimeoutInSeconds: 4 * (1200 + 180 + 300) },
    });
  });

  it.each(["canary", "linear", "blue-green", "all-at-once", "rolling"] as const)("reads the strategy back from the DeploymentConfig (%s)", (strategy) => {
    expect(strategyOf(deploymentConfig({ ...base, strategy }))).toBe(strategy);
  });

  it("refuses waits that add up beyond SageMaker's execution limit", () => {
    expect(() => deploymentConfig({ ...base, strategy: "linear", linearStep: 10, bake: 3600 })).toThrow(/more than SageMaker's limit of 28800 s/);
  });
});

describe("traffic steps", () => {
  it.each([
    ["canary", {}, [{ weight: 10, bake: 300 }, { weight: 100, bake: 120 }]],
    ["linear", { linearStep: 30 }, [{ weight: 30, bake: 300 }, { weight: 60, bake: 300 }, { weight: 90, bake: 300 }, { weight: 100, bake: 120 }]],
    ["blue-green", {}, [{ weight: 100, bake: 420 }]],
    ["all-at-once", {}, [{ weight: 100, bake: 0 }]],
  ] as const)("%s", (strategy, over, steps) => {
    expect(trafficSteps({ ...base, strategy, ...over })).toEqual(steps);
  });

  it("all at once is watched for the final bake when there are alarms to watch", () => {
    expect(trafficSteps({ ...base, strategy: "all-at-once", alarms: ["a"] })).toEqual([{ weight: 100, bake: 120 }]);
    expect(deploymentConfig({ ...base, strategy: "all-at-once", alarms: ["a"] }).BlueGreenUpdatePolicy).toMatchObject({ TerminationWaitInSeconds: 120, TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 } });
    expect(deploymentConfig({ ...base, strategy: "all-at-once" }).BlueGreenUpdatePolicy?.TerminationWaitInSeconds).toBe(0);
  });

  it("estimates durations per engine", () => {
    expect(expectedSeconds("create", base)).toBe(480);
    expect(expectedSeconds("guardrails", base)).toBe(480 + 2 * 60 + 420);
    expect(expectedSeconds("traffic", base)).toBe(2 * 480 + 2 * 60 + 420);
  });

  it("guardrail steps as SageMaker sizes them, in whole instances", () => {
    const linear = { ...base, strategy: "linear" as const, linearStep: 20 };
    // 20 % of 2 instances is 1 instance: 50 % of the traffic, so 2 steps, not 5.
    expect(guardrailSteps(linear, 2)).toEqual([{ weight: 50, bake: 300 }, { weight: 100, bake: 120 }]);
    expect(guardrailSteps(linear, 10)).toEqual(trafficSteps(linear));
    expect(guardrailSteps({ ...base, canaryPercent: 10 }, 4)).toEqual([{ weight: 25, bake: 300 }, { weight: 100, bake: 120 }]);
    expect(guardrailSteps({ ...base, strategy: "rolling", linearStep: 50 }, 3)).toEqual([{ weight: 66.67, bake: 300 }, { weight: 100, bake: 300 }]);
    // The estimate follows the real steps: 2 bakes of 5 min, not 4 of them plus a final one.
    expect(expectedSeconds("guardrails", linear, 2)).toBe(480 + 2 * 60 + 300 + 120);
    expect(expectedSeconds("guardrails", linear, 2)).toBeLessThan(expectedSeconds("guardrails", linear, 10));
  });

  it("a serverless endpoint runs every strategy as all at once", () => {
    expect(effectiveStrategy("serverless", "canary")).toBe("all-at-once");
    expect(effectiveStrategy("traffic", "canary")).toBe("canary");
  });
});

describe("rollout state in tags", () => {
  const state: RolloutState = {
    id: "r1",
    mode: "traffic",
    strategy: "canary",
    phase: "baking",
    finished: false,
    plan: { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 120 },
    steps: [{ weight: 10, bake: 300 }, { weight: 100, bake: 120 }],
    step: 0,
    weight: 10,
    oldConfig: "churn-aaaa",
    newConfig: "churn-bbbb",
    modelPackage: "arn:aws:sagemaker:us-east-1:000000000000:model-package/" + "g".repeat(63) + "/12345",
    mixConfig: "churn-mix-cccc",
    newVariant: "v-dddd",
    oldVariants: [{ name: "AllTraffic", weight: 1 }, { name: "shadow=ish", weight: 0.5 }],
    alarms: ["mlops-churn-5xx-rate", "Team alarm: p99 > 2s (prod) #1", "x".repeat(250)],
    ownedAlarms: ["mlops-churn-r1-5xx-rate"],
    pollSeconds: 15,
    keepOld: false,
    pause: true,
    startedAt: 1_000,
    phaseSince: 2_000,
    heartbeat: 3_000,
    driver: "d00d",
    command: "promote",
    commandId: "c0ffee00",
    takenCommandIds: ["aa", "bb"],
  };

  it("round-trips through tags that AWS accepts", () => {
    const tags = encodeRollout(state);
    for (const [key, value] of Object.entries(tags)) {
      expect(key.length).toBeLessThanOrEqual(128);
      expect(value.length).toBeLessThanOrEqual(256);
      expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    }
    expect(decodeRollout(tags)).toEqual(state);
  });

  it("splits long alarm lists over several tags and rebuilds steps from the plan", () => {
    const many = { ...state, alarms: Array.from({ length: 8 }, (_, i) => `alarm ${i} ` + "y".repeat(200)) };
    const tags = encodeRollout(many);
    expect(Object.keys(tags).filter((k) => k.includes(":alarms:")).length).toBeGreaterThan(4);
    expect(decodeRollout(tags)!.alarms).toEqual(many.alarms);
    expect(decodeRollout(encodeRollout({ ...state, mode: "serverless" }))!.steps).toEqual([{ weight: 100, bake: 420 }]);
  });

  it("carries the registered version deployed in one tag, which the 50-tag budget counts", () => {
    const tags = encodeRollout(state);
    expect(tags["mlops:rollout:model-package"]).toBe(state.modelPackage);
    const without = encodeRollout({ ...state, modelPackage: undefined });
    expect(Object.keys(tags).length - Object.keys(without).length).toBe(1);
    expect(decodeRollout(without)!.modelPackage).toBeUndefined();
    const own = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`team:${i}`, "x"]));
    // Beside the record (this one has a driver and commands already): its ending and end time, and the way back (2).
    const room = MAX_TAGS - Object.keys(without).length - 2 - 2;
    expect(() => checkTagBudget("churn", own(room), { ...state, modelPackage: undefined })).not.toThrow();
    expect(() => checkTagBudget("churn", own(room), state)).toThrow(/needs \d+ more and SageMaker allows 50/);
    // A record written before any driver or command still keeps room for them.
    const bare = { ...state, modelPackage: undefined, driver: undefined, command: undefined, commandId: undefined, takenCommandIds: [] };
    expect(() => checkTagBudget("churn", own(room), bare)).not.toThrow();
    expect(() => checkTagBudget("churn", own(room + 1), bare)).toThrow(/needs \d+ more/);
  });

  it("reads only as many pieces as were written: stale pieces of an earlier record are ignored", () => {
    const tags = encodeRollout({ ...state, alarms: ["a"] });
    const stale = { ...encodeRollout({ ...state, alarms: Array.from({ length: 8 }, (_, i) => `old ${i} ` + "z".repeat(200)) }), ...tags };
    expect(decodeRollout(stale)!.alarms).toEqual(["a"]);
  });

  it("tells active rollouts, endings still to book, and live drivers (with room for a throttled one)", () => {
    expect(isActive(state)).toBe(true);
    expect(isActive({ ...state, phase: "rolled-back" })).toBe(false);
    expect(needsFinishing({ ...state, phase: "rolled-back" })).toBe(true);
    expect(needsFinishing({ ...state, phase: "rolled-back", finished: true })).toBe(false);
    expect(decodeRollout({})).toBeUndefined();
    expect(DRIVER_LIVENESS_SECONDS).toBeGreaterThanOrEqual(300 + 120);
    expect(hasLiveDriver(state, 3_000 + DRIVER_LIVENESS_SECONDS * 1000)).toBe(true);
    expect(hasLiveDriver(state, 3_000 + DRIVER_LIVENESS_SECONDS * 1000 + 1)).toBe(false);
    expect(hasLiveDriver({ ...state, driver: undefined }, 3_000)).toBe(false);
  });

  it("a booked ending names its rollout: one written late over a newer record changes nothing", () => {
    const booked = { ...encodeRollout(state), "mlops:rollout:ending": "r1:rolled-back" };
    expect(decodeRollout(booked)).toMatchObject({ phase: "rolled-back", finished: true });
    const newer = { ...encodeRollout({ ...state, id: "r2" }), "mlops:rollout:ending": "r1:done" };
    expect(decodeRollout(newer)).toMatchObject({ id: "r2", phase: "baking", finished: false });
  });

  it("rollout ids differ within one millisecond, and fit in names", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRolloutId(1_700_000_000_000)));
    expect(ids.size).toBeGreaterThan(45);
    for (const id of ids) expect(id).toMatch(/^r[0-9a-z]{8,14}$/);
  });

  it("the way back holds only for the config it was written for; else what the serving config recorded", () => {
    const tags = { [PREVIOUS_CONFIG_TAG]: "churn-a", [PREVIOUS_OF_TAG]: "churn-b" };
    expect(wayBack(tags, "churn-b")).toBe("churn-a");
    expect(wayBack(tags, "churn-c")).toBeUndefined();
    expect(wayBack(tags, "churn-c", { "mlops:previous-config": "churn-b" })).toBe("churn-b");
  });
});

describe("auto alarms", () => {
  it("real-time: 5XX rate as the Average of a 0/1 metric, latency in microseconds, scoped to the new config", () => {
    const [errors, latency] = autoAlarms({ endpoint: "churn", rolloutId: "r1", variant: "AllTraffic", config: "churn-bbbb" }, "realtime", { maxErrorRate: 0.02, maxLatencyMs: 250 });
    expect(errors).toMatchObject({ AlarmName: "mlops-churn-r1-5xx-rate", MetricName: "Invocation5XXErrors", Statistic: "Average", Threshold: 0.02, ActionsEnabled: false, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    expect(errors!.Dimensions).toEqual([{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }, { Name: "EndpointConfigName", Value: "churn-bbbb" }]);
    expect(latency).toMatchObject({ AlarmName: "mlops-churn-r1-model-latency", MetricName: "ModelLatency", Threshold: 250_000 });
  });

  it("traffic engine: scoped to the new variant; async: failure rate by metric math and processing time", () => {
    const [errors] = autoAlarms({ endpoint: "churn", rolloutId: "r1", variant: "v-dddd" }, "realtime", { maxErrorRate: 0.01, maxLatencyMs: 1000 });
    expect(errors!.Dimensions).toEqual([{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "v-dddd" }]);
    const [failure, processing] = autoAlarms({ endpoint: "a", rolloutId: "r1", variant: "AllTraffic", config: "c" }, "async", { maxErrorRate: 0.05, maxLatencyMs: 60_000 });
    expect(failure!.Metrics?.map((m) => m.MetricStat?.Metric.MetricName ?? m.Expression)).toEqual(["InvocationFailures", "InvocationsProcesssed", "failed / (failed + processed)"]);
    expect(processing).toMatchObject({ MetricName: "TotalProcessingTime", Threshold: 60_000 });
  });
});

describe("what a deploy creates", () => {
  const input = {
    endpoint: "churn",
    type: "realtime" as const,
    container: { Image: "a.io/churn:2", ModelDataUrl: "s3://m/2.tar.gz" },
    roleArn: "arn:aws:iam::000000000000:role/r",
    instanceType: "ml.m5.large",
    instanceCount: 2,
    memoryMb: 2048,
    maxConcurrency: 10,
    rolloutId: "r1",
  };
  const current = { configName: "churn-old", variants: [{ VariantName: "AllTraffic", ModelName: "churn-m1", InstanceType: "ml.m5.large", InitialInstanceCount: 2 }], weights: { AllTraffic: 1 } };

  it("names things after their content: the same inputs, the same names", () => {
    const a = deploySpecs({ ...input, mode: "guardrails", current });
    const b = deploySpecs({ ...input, mode: "guardrails", current });
    expect(a).toEqual(b);
    expect(a.config.EndpointConfigName).toMatch(/^churn-[0-9a-f]{8}$/);
    expect(a.config.ProductionVariants[0]).toMatchObject({ VariantName: "AllTraffic", ModelName: a.model.ModelName, InstanceType: "ml.m5.large", InitialInstanceCount: 2 });
    expect(deploySpecs({ ...input, container: { ...input.container, Environment: { V: "3" } }, mode: "guardrails", current }).model.ModelName).not.toBe(a.model.ModelName);
  });

  it("traffic engine: a temporary variant during the shift, the endpoint's own variant name at the end", () => {
    const specs = deploySpecs({ ...input, mode: "traffic", current });
    expect(specs.newVariant).toBe("mlops-r1");
    expect(specs.variantName).toBe("AllTraffic");
    expect(specs.config.ProductionVariants.map((v) => v.VariantName)).toEqual(["AllTraffic"]);
    expect(specs.mix?.ProductionVariants.map((v) => [v.VariantName, v.InitialVariantWeight])).toEqual([
      ["AllTraffic", 1],
      ["mlops-r1", 0],
    ]);
    // The config it ends on is the one a guardrails deploy of the same version would make.
    expect(specs.config).toEqual(deploySpecs({ ...input, mode: "guardrails", current }).config);
  });

  it("names are unique per endpoint even when long endpoint names share their first 54 characters", () => {
    const a = "recommendation-ranking-model-eu-central-production-blue-grn-x";
    const b = "recommendation-ranking-model-eu-central-production-blue-varnt-x";
    const specsA = deploySpecs({ ...input, endpoint: a, mode: "create" });
    const specsB = deploySpecs({ ...input, endpoint: b, mode: "create" });
    expect(specsA.config.EndpointConfigName).not.toBe(specsB.config.EndpointConfigName);
    expect(specsA.model.ModelName).not.toBe(specsB.model.ModelName);
    for (const name of [specsA.config.EndpointConfigName, specsA.model.ModelName, specsB.config.EndpointConfigName]) expect(name.length).toBeLessThanOrEqual(63);
  });

  it("serverless capacity, and names that fit in 63 characters", () => {
    const long = "e".repeat(63);
    const specs = deploySpecs({ ...input, endpoint: long, type: "serverless", mode: "serverless" });
    expect(specs.config.ProductionVariants[0]!.ServerlessConfig).toEqual({ MemorySizeInMB: 2048, MaxConcurrency: 10 });
    expect(specs.config.EndpointConfigName.length).toBeLessThanOrEqual(63);
    expect(derivedName("a-".repeat(40), { x: 1 }, "mix")).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*-mix-[0-9a-f]{8}$/);
  });

  it("a deploy of what already serves is recognised whatever the variant is called", () => {
    const created = deploySpecs({ ...input, mode: "create" });
    const serving = { variants: created.config.ProductionVariants };
    expect(alreadyServes({ variants: serving.variants.map((v) => ({ ...v, VariantName: "mlops-r0" })) }, deploySpecs({ ...input, mode: "traffic", current }).config)).toBe(true);
    expect(alreadyServes(serving, deploySpecs({ ...input, instanceCount: 3, mode: "guardrails", current }).config)).toBe(false);
  });
});

describe("reading a guardrail deployment's progress", () => {
  const now = new Date(200_000);
  it.each([
    [{ Status: "Creating", StatusMessage: "Launching 4 instance(s)." }, { phase: "launching the new fleet", share: 0 }],
    [{ Status: "ActivatingTraffic", StatusMessage: "Activating traffic on canary capacity of 1 instance(s)." }, { phase: "shifting", share: 25 }],
    [{ Status: "Baking", StatusMessage: "Baking for 300 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).", StartTime: new Date(100_000) }, { phase: "baking", share: 25, bakeLeft: 200 }],
    [{ Status: "Baking", StatusMessage: "Baking for 60 seconds (TerminationWaitInSeconds) with traffic enabled on full capacity of 4 instance(s)." }, { phase: "final bake", share: 100 }],
    [undefined, { phase: "updating" }],
  ])("%j", (status, expected) => {
    expect(guardrailPhase(status, 4, now)).toMatchObject(expected);
  });
});

describe("deploy settings: flags > MLOPS_* > mlops.yaml > defaults", () => {
  const flags = (over: Partial<DeployFlags> = {}): DeployFlags => ({ env: [], alarm: [], image: "a.io/x:1", modelData: "s3://models/m.tar.gz", ...over });

  it("takes defaults, then mlops.yaml, then the environment, then flags", () => {
    expect(resolveDeploySettings(flags(), {}, {})).toMatchObject({ strategy: "canary", canaryPercent: 10, bake: 300, finalBake: 300, pollSeconds: 15, instanceType: "ml.m5.large", wait: true });
    const file = { deploy: { strategy: "linear" as const, bake: "10m", poll: 30, alarms: ["team-alarm"] }, endpoint: { name: "churn", instanceCount: 3 } };
    expect(resolveDeploySettings(flags(), {}, file)).toMatchObject({ endpoint: "churn", strategy: "linear", bake: 600, pollSeconds: 30, instanceCount: 3, alarms: ["team-alarm"] });
    expect(resolveDeploySettings(flags(), { MLOPS_POLL_SECONDS: "2", MLOPS_STRATEGY: "blue-green" }, file)).toMatchObject({ pollSeconds: 2, strategy: "blue-green" });
    expect(resolveDeploySettings(flags({ poll: "1", strategy: "canary", alarm: ["mine"], bake: "45s" }), { MLOPS_POLL_SECONDS: "2" }, file)).toMatchObject({ pollSeconds: 1, strategy: "canary", alarms: ["mine"], bake: 45 });
  });

  it("names the source of a bad value", () => {
    expect(() => resolveDeploySettings(flags(), { MLOPS_POLL_SECONDS: "0" }, {})).toThrow(/^MLOPS_POLL_SECONDS must be between 1 and 3600/);
    expect(() => resolveDeploySettings(flags({ image: undefined }), {}, {})).toThrow("--model-data needs --image");
  });
});
