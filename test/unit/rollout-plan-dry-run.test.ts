import { describe, expect, it } from "vitest";
import { encodeRollout, rolloutSteps, type RolloutState } from "../../src/core/rollout-state";
import { MlopsError } from "../../src/errors";
import { dryRunCalls, newRecord, planDeploy } from "../../src/rollout/plan";
import { FakeClock } from "../helpers/scripted-aws";
import { asyncWorld, deployFlags, emptyWorldWithPackage, info, plan, planContext, planPace, ROLE, serverlessWorld, servingWorld, userAlarm, V3, worldAws } from "../helpers/plan-world";

/**
 * What a planned deploy says before it runs (src/rollout/plan.ts): `--dry-run`'s calls in order,
 * the rollout record it starts with, and the rollouts already on the endpoint it refuses or books.
 */

describe("--dry-run: the calls a deploy would make, in order", () => {
  const RECORD = { operation: "sagemaker:AddTags", detail: "mlops:rollout:* on churn: the rollout's record (target, previous, engine, phase), for status/rollback/promote/abort" };
  const PREVIOUS = { operation: "sagemaker:AddTags", detail: "mlops:previous-config=churn-old once deployed: `mlops rollback` goes back to it" };

  it("a new endpoint: the model, its config, the endpoint, and the record; nothing to clean up", async () => {
    const p = await plan({ world: emptyWorldWithPackage(), flags: { roleArn: ROLE } });
    const { model, config } = p.specs;
    expect(dryRunCalls(p)).toEqual([
      { operation: "sagemaker:CreateModel", detail: `ModelName=${model.ModelName} ModelPackageName=${V3}` },
      { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${config.EndpointConfigName} VariantName=AllTraffic ml.m5.large×1` },
      { operation: "sagemaker:CreateEndpoint", detail: `EndpointName=churn EndpointConfigName=${config.EndpointConfigName}` },
      RECORD,
    ]);
  });

  it("guardrails: the alarms, the update with its deployment config and alarms, then the way back and what is removed", async () => {
    const p = await plan({ flags: { autoAlarms: true, env: ["A=1", "B=2"] } });
    const { model, config } = p.specs;
    const [err, lat, abort] = p.createAlarms.map((a) => a.AlarmName);
    expect(dryRunCalls(p)).toEqual([
      { operation: "sagemaker:CreateModel", detail: `ModelName=${model.ModelName} ModelPackageName=${V3} Environment=A,B` },
      { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${config.EndpointConfigName} VariantName=AllTraffic ml.m5.xlarge×2` },
      { operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${err} Invocation5XXErrors > 0.01` },
      // ModelLatency is in microseconds: 1000 ms.
      { operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${lat} ModelLatency > 1000000` },
      { operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${abort} AbortRequested > 0.5` },
      { operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=churn EndpointConfigName=${config.EndpointConfigName} DeploymentConfig=CANARY alarms=[${err},${lat},${abort}]` },
      RECORD,
      PREVIOUS,
      { operation: "sagemaker:DeleteEndpointConfig", detail: `${config.EndpointConfigName} if rolled back, and the new model` },
      { operation: "cloudwatch:DeleteAlarms", detail: `${err}, ${lat}, ${abort} when the rollout ends` },
    ]);
  });

  it("guardrails rolling: RollingUpdatePolicy; --keep-old removes nothing; an earlier way back is removed once deployed", async () => {
    const w = servingWorld();
    w.configs.set("churn-older", { EndpointConfigName: "churn-older", ProductionVariants: [] });
    const clock = new FakeClock();
    const aws = worldAws(clock, w);
    aws.tags = { "mlops:previous-config-of": "churn-old", "mlops:previous-config": "churn-older" };
    const ctx = planContext(aws, clock);
    const rolling = await planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3, strategy: "rolling", instanceCount: "5", alarm: [] }), ctx, planPace(clock));
    const calls = dryRunCalls(rolling);
    const abort = rolling.createAlarms[0]!.AlarmName;
    expect(calls.slice(3)).toEqual([
      { operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=churn EndpointConfigName=${rolling.specs.config.EndpointConfigName} DeploymentConfig=RollingUpdatePolicy alarms=[${abort}]` },
      RECORD,
      PREVIOUS,
      { operation: "sagemaker:DeleteEndpointConfig", detail: "churn-older once deployed, and their models (only what mlops made for churn)" },
      { operation: "sagemaker:DeleteEndpointConfig", detail: `${rolling.specs.config.EndpointConfigName} if rolled back, and the new model` },
      { operation: "cloudwatch:DeleteAlarms", detail: `${abort} when the rollout ends` },
    ]);
    const kept = await planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3, strategy: "all-at-once", keepOld: true, alarm: [] }), ctx, planPace(clock));
    expect(dryRunCalls(kept).slice(-3)).toEqual([RECORD, PREVIOUS, { operation: "cloudwatch:DeleteAlarms", detail: `${kept.createAlarms[0]!.AlarmName} when the rollout ends` }]);
  });

  it("ten alarms of the user's: no alarm is created, none is deleted", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `u${i}`);
    const p = await plan({ flags: { alarm: names, strategy: "all-at-once" }, alarms: names.map((n) => userAlarm(n)) });
    const calls = dryRunCalls(p);
    expect(calls.map((c) => c.operation)).toEqual(["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:UpdateEndpoint", "sagemaker:AddTags", "sagemaker:AddTags", "sagemaker:DeleteEndpointConfig"]);
  });

  it("traffic: the mix config, the alarms, the update to the mix, each weight step with its watch, the new version alone, then clean-up of the mix", async () => {
    const p = await plan({ flags: { engine: "traffic", autoAlarms: true } });
    const { model, config, mix, newVariant } = p.specs;
    const [err, lat] = p.createAlarms.map((a) => a.AlarmName);
    expect(dryRunCalls(p)).toEqual([
      { operation: "sagemaker:CreateModel", detail: `ModelName=${model.ModelName} ModelPackageName=${V3}` },
      { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${config.EndpointConfigName} VariantName=AllTraffic ml.m5.xlarge×2` },
      { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${mix!.EndpointConfigName} (old variants + ${newVariant} at weight 0)` },
      { operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${err} Invocation5XXErrors > 0.01` },
      { operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${lat} ModelLatency > 1000000` },
      { operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=churn EndpointConfigName=${mix!.EndpointConfigName}` },
      RECORD,
      { operation: "sagemaker:UpdateEndpointWeightsAndCapacities", detail: `${newVariant}=10%, then watch alarms for 5m` },
      { operation: "sagemaker:UpdateEndpointWeightsAndCapacities", detail: `${newVariant}=100%, then watch alarms for 5m` },
      { operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=churn EndpointConfigName=${config.EndpointConfigName} (the new version alone, as AllTraffic)` },
      PREVIOUS,
      { operation: "sagemaker:DeleteEndpointConfig", detail: `${mix!.EndpointConfigName} once deployed, and their models (only what mlops made for churn)` },
      { operation: "sagemaker:DeleteEndpointConfig", detail: `${config.EndpointConfigName}, ${mix!.EndpointConfigName} if rolled back, and the new model` },
      { operation: "cloudwatch:DeleteAlarms", detail: `${err}, ${lat} when the rollout ends` },
    ]);
  });

  it("serverless: the capacity as memory and concurrency, one update all at once, then the whole watch", async () => {
    const w = serverlessWorld();
    w.objects.add("s3://models/m.tar.gz");
    const p = await plan({ world: w, flags: { autoAlarms: true, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", modelData: "s3://models/m.tar.gz", modelPackage: undefined }, alarms: [] });
    const { model, config } = p.specs;
    expect(dryRunCalls(p).slice(0, 2)).toEqual([
      { operation: "sagemaker:CreateModel", detail: `ModelName=${model.ModelName} Image=123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1 ModelDataUrl=s3://models/m.tar.gz` },
      { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${config.EndpointConfigName} VariantName=AllTraffic ServerlessConfig=4096MB/5` },
    ]);
    expect(dryRunCalls(p).slice(4, 6)).toEqual([
      { operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=churn EndpointConfigName=${config.EndpointConfigName} (all at once), then watch alarms for 10m` },
      RECORD,
    ]);
  });

  it("asynchronous: the config names its output and, when set, the concurrency", async () => {
    const p = await plan({ world: asyncWorld(), flags: { autoAlarms: true } });
    expect(dryRunCalls(p)[1]).toEqual({ operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${p.specs.config.EndpointConfigName} VariantName=AllTraffic ml.m5.xlarge×2 AsyncInferenceConfig=s3://out/churn/ MaxConcurrentInvocationsPerInstance=3` });
    const w = asyncWorld();
    const cfg = w.configs.get("churn-old")!;
    w.configs.set("churn-old", { ...cfg, AsyncInferenceConfig: { OutputConfig: { S3OutputPath: "s3://out/churn/" } } });
    w.endpoints.set("churn", { ...w.endpoints.get("churn")!, AsyncInferenceConfig: { OutputConfig: { S3OutputPath: "s3://out/churn/" } } });
    const bare = await plan({ world: w, flags: { autoAlarms: true } });
    expect(dryRunCalls(bare)[1]).toEqual({ operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${bare.specs.config.EndpointConfigName} VariantName=AllTraffic ml.m5.xlarge×2 AsyncInferenceConfig=s3://out/churn/` });
  });
});

describe("the rollout record a deploy starts with", () => {
  it("guardrails: updating, the old and new configs, the watched and owned alarms, nothing of the traffic engine's", async () => {
    const p = await plan({ flags: { autoAlarms: true, keepOld: true, poll: "20" } });
    const started = 1_800_000_000_000;
    expect(newRecord(p, started)).toEqual({
      id: p.rolloutId,
      mode: "guardrails",
      strategy: "canary",
      phase: "updating",
      finished: false,
      plan: { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 300 },
      steps: rolloutSteps("guardrails", "canary", { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 300 }, p.alarmNames),
      step: -1,
      weight: 0,
      oldConfig: "churn-old",
      newConfig: p.specs.config.EndpointConfigName,
      modelPackage: V3,
      mixConfig: undefined,
      newVariant: undefined,
      oldVariants: [{ name: "AllTraffic", weight: 1 }],
      takenCommandIds: [],
      alarms: p.alarmNames,
      ownedAlarms: p.createAlarms.map((a) => a.AlarmName),
      pollSeconds: 20,
      keepOld: true,
      pause: false,
      startedAt: started,
      phaseSince: started,
      heartbeat: started,
    });
  });

  it("traffic: preparing, with the mix config and the new variant; serverless: preparing; create: no old config", async () => {
    const w = servingWorld();
    delete w.endpoints.get("churn")!.ProductionVariants![0]!.CurrentWeight;
    const t = await plan({ world: w, flags: { engine: "traffic", autoAlarms: true, pause: true, strategy: "linear" } });
    const r = newRecord(t, 5);
    expect([r.mode, r.phase, r.strategy, r.mixConfig, r.newVariant, r.pause, r.oldVariants]).toEqual(["traffic", "preparing", "linear", t.specs.mix!.EndpointConfigName, t.specs.newVariant, true, [{ name: "AllTraffic", weight: 1 }]]);
    expect(r.steps).toEqual(rolloutSteps("traffic", "linear", { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 300 }, t.alarmNames));
    const s = newRecord(await plan({ world: serverlessWorld(), flags: { autoAlarms: true } }), 5);
    expect([s.mode, s.phase, s.strategy, s.mixConfig, s.newVariant]).toEqual(["serverless", "preparing", "all-at-once", undefined, undefined]);
    const c = newRecord(await plan({ world: emptyWorldWithPackage(), flags: { roleArn: ROLE } }), 5);
    expect([c.mode, c.phase, c.oldConfig, c.oldVariants, c.alarms, c.ownedAlarms]).toEqual(["create", "updating", "", [], [], []]);
  });
});

describe("an endpoint with a rollout under way or ended", () => {
  const NOW = 1_800_000_000_000;
  function rolloutRecord(over: Partial<RolloutState>): RolloutState {
    return {
      id: "r1",
      mode: "traffic",
      strategy: "canary",
      phase: "baking",
      finished: false,
      plan: { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 300 },
      steps: [],
      step: 0,
      weight: 10,
      oldConfig: "churn-older",
      newConfig: "churn-next",
      mixConfig: "churn-old",
      newVariant: "mlops-r1",
      oldVariants: [{ name: "AllTraffic", weight: 1 }],
      alarms: [],
      ownedAlarms: [],
      takenCommandIds: [],
      pollSeconds: 15,
      keepOld: true,
      pause: false,
      driver: "abcd",
      startedAt: NOW - 60_000,
      phaseSince: NOW - 60_000,
      heartbeat: NOW - 5_000,
      ...over,
    };
  }
  async function refusedWith(record: RolloutState, dryRun = false) {
    const w = servingWorld();
    const clock = new FakeClock(NOW);
    const aws = worldAws(clock, w);
    aws.tags = encodeRollout(record);
    try {
      await planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3, dryRun }), planContext(aws, clock), planPace(clock));
    } catch (error) {
      return error as MlopsError;
    }
    throw new Error("not refused");
  }

  it("a live driver shifting traffic: refused, pointing at promote or abort", async () => {
    for (const dryRun of [false, true]) {
      const e = await refusedWith(rolloutRecord({}), dryRun);
      expect(e).toBeInstanceOf(MlopsError);
      expect(e.message).toBe("rollout r1 (canary on the traffic engine) on churn is baking; this deploy is refused");
      expect(e.hint).toBe("finish it with `mlops promote --endpoint churn` or `mlops abort --endpoint churn`");
    }
  });

  it("a live driver finalizing: refused, pointing at status --watch", async () => {
    const e = await refusedWith(rolloutRecord({ phase: "finalizing" }));
    expect(e.hint).toBe("it is making the new version the only one and ends by itself: `mlops status --endpoint churn --watch`");
  });

  it("a rollout nobody drives: refused, saying why", async () => {
    const e = await refusedWith(rolloutRecord({ driver: undefined, phase: "paused" }), true);
    expect(e.message).toMatch(/^rollout r1 \(canary on the traffic engine\) on churn is paused with nobody driving it: .+; this deploy is refused$/);
  });

  it("a guardrail rollout that ended while nobody watched: a dry run says a real deploy books it first; a real deploy books it", async () => {
    const ended = rolloutRecord({ mode: "guardrails", phase: "updating", oldConfig: "churn-older", newConfig: "churn-old", mixConfig: undefined, newVariant: undefined, driver: undefined });
    const w = servingWorld();
    const clock = new FakeClock(NOW);
    const aws = worldAws(clock, w);
    aws.tags = encodeRollout(ended);
    const dry = await planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3, dryRun: true, autoAlarms: true }), planContext(aws, clock), planPace(clock));
    expect(dry.notes[0]).toEqual(info(`rollout r1 ended while nobody watched (${(dry.current!.observation.verdict as { why: string }).why}); a real deploy books its ending first`));
    expect(dry.booked).toBeUndefined();
    expect(aws.callsOf("AddTags")).toEqual([]);
    const real = await planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3, autoAlarms: true }), planContext(aws, clock), planPace(clock));
    expect(real.booked).toMatchObject({ rolloutId: "r1", outcome: "deployed" });
    expect(real.notes.map((n) => n.message)).not.toContainEqual(expect.stringContaining("ended while nobody watched"));
  });
});
