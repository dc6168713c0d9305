import { afterEach, describe, expect, it, vi } from "vitest";
import { autoAlarms } from "../../src/core/alarms";
import { encodeRollout, type RolloutState } from "../../src/core/rollout-state";
import { AwsError, CredentialsError, MlopsError, UsageError } from "../../src/errors";
import { dryRunCalls, planDeploy } from "../../src/rollout/plan";
import { awsError, FakeClock } from "../helpers/scripted-aws";
import { asyncWorld, deployFlags, info, PACKAGE_ARN, plan, planContext, planPace, refusal, ROLE, scriptedAsker, serverlessWorld, servingWorld, userAlarm, V3, worldAws } from "../helpers/plan-world";

/**
 * Planning a deploy against endpoints in less common shapes (src/rollout/plan.ts): several
 * variants, a config or model gone, weights not 1, alarms on configs, a full tag budget, and
 * prompts whose answers fail for reasons other than the answer.
 */

afterEach(() => vi.restoreAllMocks());

describe("what the plan takes from the endpoint as it is", () => {
  it("a given instance type or role wins over the serving config's", async () => {
    const other = "arn:aws:iam::123456789012:role/other";
    const p = await plan({ flags: { instanceType: "ml.c5.large", roleArn: other, autoAlarms: true, strategy: "all-at-once" } });
    expect(p.specs.config.ProductionVariants[0]).toMatchObject({ InstanceType: "ml.c5.large", InitialInstanceCount: 2 });
    expect(p.specs.model.ExecutionRoleArn).toBe(other);
    expect(p.aws.callsOf("DescribeModel")).toEqual([]);
  });

  it("the config's initial count when DescribeEndpoint tells no live count", async () => {
    const w = servingWorld();
    delete w.endpoints.get("churn")!.ProductionVariants![0]!.CurrentInstanceCount;
    w.configs.get("churn-old")!.ProductionVariants![0]!.InitialInstanceCount = 3;
    const p = await plan({ world: w, flags: { autoAlarms: true, strategy: "all-at-once" } });
    expect(p.settings.instanceCount).toBe(3);
  });

  it("the serving model deleted: its role cannot be read, so --role-arn is required", async () => {
    const w = servingWorld();
    w.models.clear();
    const e = await refusal({ world: w });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--role-arn is required when not running interactively");
  });

  it("without --alarm, CloudWatch is not asked about alarms", async () => {
    const p = await plan({ flags: { autoAlarms: true } });
    expect(p.aws.callsOf("DescribeAlarms")).toEqual([]);
  });

  it("the serving config deleted: the new variant keeps the live variant's name, and an asynchronous endpoint keeps its type and output from DescribeEndpoint", async () => {
    const w = asyncWorld();
    w.configs.clear();
    w.endpoints.get("churn")!.ProductionVariants![0]!.VariantName = "Blue";
    const p = await plan({ world: w, flags: { roleArn: ROLE, instanceType: "ml.m5.xlarge", autoAlarms: true, strategy: "all-at-once" } });
    expect(p.type).toBe("async");
    expect(p.specs.variantName).toBe("Blue");
    expect(p.specs.config.AsyncInferenceConfig).toEqual({ OutputConfig: { S3OutputPath: "s3://out/churn/" }, ClientConfig: { MaxConcurrentInvocationsPerInstance: 3 } });
  });

  it("an asynchronous endpoint's auto alarms are the asynchronous ones", async () => {
    const p = await plan({ world: asyncWorld(), flags: { autoAlarms: true, maxErrorRate: "0.05", maxLatencyMs: "2000" } });
    const auto = autoAlarms({ endpoint: "churn", rolloutId: p.rolloutId, variant: "AllTraffic", config: p.specs.config.EndpointConfigName }, "async", { maxErrorRate: 0.05, maxLatencyMs: 2000 });
    expect(p.createAlarms.slice(0, -1)).toEqual(auto);
  });

  it("the traffic engine keeps the old variants' live weights in the mix", async () => {
    const w = servingWorld();
    w.endpoints.get("churn")!.ProductionVariants![0]!.CurrentWeight = 3;
    const p = await plan({ world: w, flags: { engine: "traffic", autoAlarms: true } });
    expect(p.specs.mix!.ProductionVariants.map((v) => [v.VariantName, v.InitialVariantWeight])).toEqual([["AllTraffic", 3], [p.specs.newVariant, 0]]);
  });
});

describe("endpoints with more than one variant", () => {
  function twoVariants(second: string) {
    const w = servingWorld();
    w.endpoints.get("churn")!.ProductionVariants!.push({ VariantName: second, CurrentWeight: 1, CurrentInstanceCount: 1 });
    w.configs.get("churn-old")!.ProductionVariants!.push({ VariantName: second, ModelName: "churn-model-old", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 1, InitialVariantWeight: 1 });
    return w;
  }

  it("run on the traffic engine, with a note saying why", async () => {
    const p = await plan({ world: twoVariants("Shadow"), flags: { autoAlarms: true } });
    expect(p.mode).toBe("traffic");
    expect(p.notes).toEqual([info("the endpoint has more than one variant, so mlops shifts traffic itself")]);
  });

  it("an alarm on a variant that goes at the end of the rollout is refused", async () => {
    const e = await refusal({ world: twoVariants("Shadow"), flags: { alarm: ["s"] }, alarms: [userAlarm("s", "OK", [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "Shadow" }])] });
    expect(e.message).toBe("--alarm s watches VariantName=Shadow, which goes at the end of this rollout: the new version serves as AllTraffic");
  });

  it("a variant already named as the new one is refused (the next rollout id differs)", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    // The rollout id is r + the clock's epoch ms in base 36 + a salt of 000 (random 0).
    const id = `r${new FakeClock().t.toString(36)}000`;
    const e = await refusal({ world: twoVariants(`mlops-${id}`), flags: { engine: "traffic" } });
    expect(e).toBeInstanceOf(MlopsError);
    expect(e.message).toBe(`the endpoint already has a variant named mlops-${id}; try again (the next rollout id differs)`);
  });
});

describe("alarms on an endpoint config", () => {
  const onConfig = (config: string) => userAlarm("cfg", "OK", [{ Name: "EndpointConfigName", Value: config }, { Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }]);

  it("on the config serving now: refused, it watches the old version", async () => {
    const e = await refusal({ flags: { alarm: ["cfg"], strategy: "all-at-once" }, alarms: [onConfig("churn-old")] });
    expect(e.message).toMatch(/^--alarm cfg watches EndpointConfigName=churn-old, the config serving now \(the old version\); this deploy serves churn-[0-9a-f]{8}$/);
  });

  it("on the config this deploy makes: watched", async () => {
    const first = await plan({ flags: { autoAlarms: true, strategy: "all-at-once" } });
    const p = await plan({ flags: { alarm: ["cfg"], strategy: "all-at-once" }, alarms: [onConfig(first.specs.config.EndpointConfigName)] });
    expect(p.alarmNames[0]).toBe("cfg");
  });

  it("a metric-math alarm copied for the traffic engine shows as metric math in the dry run", async () => {
    const math = {
      AlarmName: "math",
      StateValue: "OK" as const,
      StateUpdatedTimestamp: new Date(0),
      Metrics: [
        { Id: "e", Expression: "m1 / 100", ReturnData: true },
        { Id: "m1", ReturnData: false, MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors", Dimensions: [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }] }, Period: 60, Stat: "Sum" } },
      ],
      EvaluationPeriods: 1,
      Threshold: 0.02,
      ComparisonOperator: "GreaterThanThreshold" as const,
    };
    const p = await plan({ flags: { alarm: ["math"], engine: "traffic" }, alarms: [math] });
    expect(dryRunCalls(p)).toContainEqual({ operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${p.alarmNames[0]} metric math > 0.02` });
  });
});

describe("limits of the plan", () => {
  it("rolling waits SageMaker's execution limit plus 10 minutes", async () => {
    const p = await plan({ flags: { strategy: "rolling", instanceCount: "5", autoAlarms: true } });
    expect(p.timeoutSeconds).toBe(p.deploymentConfig!.RollingUpdatePolicy!.MaximumExecutionTimeoutInSeconds! + 600);
  });

  it("an endpoint with 49 tags of its own has no room for the rollout record, unless there is nothing to do", async () => {
    const w = servingWorld();
    const clock = new FakeClock();
    const aws = worldAws(clock, w);
    aws.tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`team:${i}`, "x"]));
    const flags = deployFlags({ endpoint: "churn", modelPackage: V3, autoAlarms: true });
    await expect(planDeploy(flags, planContext(aws, clock), planPace(clock))).rejects.toThrow(/^churn has 49 tags of its own; the rollout's record needs \d+ more and SageMaker allows 50$/);
    const first = await plan({ flags: { autoAlarms: true } });
    w.configs.set(first.specs.config.EndpointConfigName, { ...first.specs.config } as never);
    w.models.set(first.specs.model.ModelName, { ExecutionRoleArn: ROLE });
    w.endpoints.get("churn")!.EndpointConfigName = first.specs.config.EndpointConfigName;
    const again = await planDeploy(flags, planContext(aws, clock), planPace(clock));
    expect(again.alreadyServing).toBe(true);
  });
});

describe("a guardrail deployment under way", () => {
  it("is refused as an update in progress (SageMaker drives it, not a driver of mlops's)", async () => {
    const record: RolloutState = {
      id: "r1", mode: "guardrails", strategy: "canary", phase: "updating", finished: false,
      plan: { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 300 }, steps: [], step: -1, weight: 0,
      oldConfig: "churn-old", newConfig: "churn-next", oldVariants: [{ name: "AllTraffic", weight: 1 }], alarms: [], ownedAlarms: [], takenCommandIds: [],
      pollSeconds: 15, keepOld: false, pause: false, startedAt: 0, phaseSince: 0, heartbeat: 0,
    };
    const w = servingWorld();
    w.endpoints.set("churn", { ...w.endpoints.get("churn")!, EndpointStatus: "Updating", PendingDeploymentSummary: { EndpointConfigName: "churn-next", ProductionVariants: [] } });
    const clock = new FakeClock();
    const aws = worldAws(clock, w);
    aws.tags = encodeRollout(record);
    await expect(planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3 }), planContext(aws, clock), planPace(clock))).rejects.toThrow("endpoint churn is Updating: another update is in progress, so this deploy is refused");
  });
});

describe("a version asked for at a prompt", () => {
  it("one that does not exist is asked again; AWS failing is not the answer's fault and ends the prompt", async () => {
    const w = servingWorld();
    const asker = scriptedAsker([PACKAGE_ARN("churn", 9), V3]);
    const p = await plan({ world: w, asker, flags: { modelPackage: undefined, autoAlarms: true } });
    expect(p.modelPackageArn).toBe(V3);
    expect(asker.refused).toHaveLength(1);

  });

  it.each([
    ["AWS failing", "InternalFailure", AwsError],
    ["no permission", "AccessDeniedException", CredentialsError],
  ])("%s is not the answer's fault: the prompt ends with that error instead of asking again", async (_, code, kind) => {
    const clock = new FakeClock();
    const aws = worldAws(clock, servingWorld());
    aws.handlers.DescribeModelPackage = () => {
      throw awsError(code, "sagemaker:DescribeModelPackage failed");
    };
    const asker = scriptedAsker([V3, V3]);
    const error = await planDeploy(deployFlags({ endpoint: "churn", autoAlarms: true }), planContext(aws, clock, { asker }), planPace(clock)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect(asker.refused).toEqual([]);
  });

});

describe("edges the plan guards", () => {
  it("an endpoint name typed at a prompt is checked like the flag: a bad one is asked again", async () => {
    const asker = scriptedAsker(["churn_1!", "churn"]);
    const p = await plan({ asker, flags: { endpoint: undefined, autoAlarms: true } });
    expect(p.endpoint).toBe("churn");
    expect(asker.refused).toHaveLength(1);
  });

  it("a serverless endpoint has no fleet to shrink: a given instance count warns of nothing", async () => {
    const w = serverlessWorld();
    // Even should DescribeEndpoint show a count on a serverless variant.
    w.endpoints.get("churn")!.ProductionVariants![0]!.CurrentInstanceCount = 3;
    const p = await plan({ world: w, flags: { autoAlarms: true, strategy: "all-at-once", instanceCount: "1" } });
    expect(p.notes).toEqual([]);
  });

  it("the dry run never lists the serving config for deletion, even as its own way back", async () => {
    const clock = new FakeClock();
    const aws = worldAws(clock, servingWorld());
    aws.tags = { "mlops:previous-config-of": "churn-old", "mlops:previous-config": "churn-old" };
    const p = await planDeploy(deployFlags({ endpoint: "churn", modelPackage: V3, strategy: "all-at-once", autoAlarms: true }), planContext(aws, clock), planPace(clock));
    expect(dryRunCalls(p).filter((c) => c.operation === "sagemaker:DeleteEndpointConfig")).toEqual([{ operation: "sagemaker:DeleteEndpointConfig", detail: `${p.specs.config.EndpointConfigName} if rolled back, and the new model` }]);
  });

  it("serverless to asynchronous is the one way SageMaker allows: planned, with a note, not refused as adding AsyncInferenceConfig", async () => {
    const p = await plan({ world: serverlessWorld(), flags: { type: "async", asyncOutput: "s3://out/churn/", instanceType: "ml.m5.large", autoAlarms: true, strategy: "all-at-once" } });
    expect(p.type).toBe("async");
    expect(p.notes[0]).toEqual(info("churn moves from serverless to async; SageMaker allows this one way only"));
  });
});
