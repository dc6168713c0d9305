import { describe, expect, it } from "vitest";
import { abortAlarm, autoAlarms, copyAlarmName } from "../../src/core/alarms";
import { deploymentConfig, TYPICAL } from "../../src/core/rollout-plan";
import { GateError, MlopsError, UsageError } from "../../src/errors";
import { asyncWorld, emptyWorldWithPackage, info, PACKAGE_ARN, plan, refusal, ROLE, scriptedAsker, serverlessWorld, servingWorld, userAlarm, V3, warning, type PlanWorld } from "../helpers/plan-world";

/**
 * Planning a deploy (src/rollout/plan.ts): what it decides from the flags and the endpoint as it
 * is, before anything changes: the engine and mode, what the new endpoint keeps from the old one,
 * the alarms it creates and watches, how long it waits, and what it refuses.
 */

describe("planning a redeploy on the guardrails engine", () => {
  it("a canary with auto alarms: keeps the fleet, creates the auto alarms on the new config and the abort alarm, and waits SageMaker's limit plus 10 minutes", async () => {
    const p = await plan({ flags: { autoAlarms: true } });
    const config = p.specs.config.EndpointConfigName;
    const auto = autoAlarms({ endpoint: "churn", rolloutId: p.rolloutId, variant: "AllTraffic", config }, "realtime", { maxErrorRate: 0.01, maxLatencyMs: 1000 });
    const abort = abortAlarm("churn", config, p.rolloutId);
    expect(p.mode).toBe("guardrails");
    expect(p.engine).toBe("guardrails");
    expect(p.strategy).toBe("canary");
    expect(p.type).toBe("realtime");
    // The fleet is what serves now: 2 × ml.m5.xlarge.
    expect(p.specs.config.ProductionVariants).toEqual([{ VariantName: "AllTraffic", ModelName: p.specs.model.ModelName, InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2, InitialVariantWeight: 1 }]);
    expect(p.specs.model).toEqual({ ModelName: p.specs.model.ModelName, PrimaryContainer: { ModelPackageName: V3 }, ExecutionRoleArn: ROLE });
    expect(p.createAlarms).toEqual([...auto, abort]);
    expect(p.alarmNames).toEqual([...auto.map((a) => a.AlarmName), abort.AlarmName]);
    expect(p.settings.alarms).toEqual(p.alarmNames);
    expect(p.deploymentConfig).toEqual(deploymentConfig(p.settings));
    // A canary on 2 instances: launch + one step + canary bake 300 s + final bake 300 s.
    expect(p.expectedSeconds).toBe(TYPICAL.launchSeconds + 2 * TYPICAL.stepSeconds + 600);
    expect(p.timeoutSeconds).toBe(p.deploymentConfig!.BlueGreenUpdatePolicy!.MaximumExecutionTimeoutInSeconds! + 600);
    expect(p.notes).toEqual([info("SageMaker sizes a canary in instances: 10 % of 2 instance(s) is 1, which takes 50 % of the traffic; --engine traffic gives exactly 10 %")]);
    expect(p.modelPackageArn).toBe(V3);
    expect(p.alreadyServing).toBe(false);
    expect(p.booked).toBeUndefined();
    expect(p.current!.endpoint.EndpointConfigName).toBe("churn-old");
    expect(p.current!.config!.EndpointConfigName).toBe("churn-old");
    expect(p.current!.observation.verdict).toEqual({ kind: "idle" });
  });

  it("without alarms: warns that nothing will roll back by itself, yet still watches the abort alarm", async () => {
    const p = await plan({ flags: { strategy: "all-at-once" } });
    const abort = abortAlarm("churn", p.specs.config.EndpointConfigName, p.rolloutId);
    expect(p.createAlarms).toEqual([abort]);
    expect(p.alarmNames).toEqual([abort.AlarmName]);
    expect(p.notes).toEqual([warning("no alarms (--alarm or --auto-alarms): nothing will roll this deployment back by itself")]);
  });

  it("a canary whose instance count gives the exact share says nothing about sizing", async () => {
    const p = await plan({ flags: { instanceCount: "10", autoAlarms: true } });
    expect(p.notes).toEqual([]);
  });

  it.each([
    // 30 % of 10 is exactly 3 instances: 3 of 10 take 30 % of the traffic.
    ["30", "10", []],
    // 25 % of 6 is 1.5 instances, rounded up to 2: 2 of 6 take 33 % (100 × 2 / 6 = 33.3).
    ["25", "6", [info("SageMaker sizes a canary in instances: 25 % of 6 instance(s) is 2, which takes 33 % of the traffic; --engine traffic gives exactly 25 %")]],
  ])("a canary of %s %% on %s instances: the share its instances take (more than one instance)", async (canaryPercent, instanceCount, notes) => {
    const p = await plan({ flags: { canaryPercent, instanceCount, autoAlarms: true } });
    expect(p.notes).toEqual(notes);
  });

  it.each([
    // 20 % of 6 is 1.2 instances, rounded up to 2: three steps of a third instead of five of 20 %.
    ["linear", "6", "SageMaker sizes linear steps in instances: 20 % of 6 instance(s) is 2, so traffic moves in 3 step(s): 33.33 %, 66.67 %, 100 %"],
    ["rolling", "6", "SageMaker sizes rolling batches in instances: 20 % of 6 instance(s) is 2, so traffic moves in 3 step(s): 33.33 %, 66.67 %, 100 %"],
  ])("%s on %s instances: says how SageMaker's whole instances change the steps", async (strategy, count, note) => {
    const p = await plan({ flags: { strategy, instanceCount: count, autoAlarms: true } });
    expect(p.notes).toEqual([info(note)]);
  });

  it("linear on 5 instances: 20 % steps are whole instances, nothing to say", async () => {
    const p = await plan({ flags: { strategy: "linear", instanceCount: "5", autoAlarms: true } });
    expect(p.notes).toEqual([]);
  });

  it("a user alarm on the serving variant is watched as it is, before the abort alarm", async () => {
    const p = await plan({ flags: { alarm: ["churn-5xx"], strategy: "all-at-once" }, alarms: [userAlarm("churn-5xx")] });
    const abort = abortAlarm("churn", p.specs.config.EndpointConfigName, p.rolloutId);
    expect(p.alarmNames).toEqual(["churn-5xx", abort.AlarmName]);
    expect(p.createAlarms).toEqual([abort]);
    expect(p.notes).toEqual([]);
  });

  it("a user alarm on another endpoint is watched, with a note", async () => {
    const other = userAlarm("other-5xx", "OK", [{ Name: "EndpointName", Value: "fraud" }, { Name: "VariantName", Value: "AllTraffic" }]);
    const p = await plan({ flags: { alarm: ["other-5xx"], strategy: "all-at-once" }, alarms: [other] });
    expect(p.alarmNames[0]).toBe("other-5xx");
    expect(p.notes).toEqual([info("--alarm other-5xx watches endpoint fraud, not churn")]);
  });

  it("refuses a user alarm on a variant the endpoint does not have, with a hint", async () => {
    const e = await refusal({ flags: { alarm: ["x"] }, alarms: [userAlarm("x", "OK", [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "Blue" }])] });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--alarm x watches VariantName=Blue, a variant churn does not have (it has: AllTraffic)");
    expect(e.hint).toBe("name an alarm on the endpoint's serving variant, or use --auto-alarms, which watch the new version only");
  });

  it("refuses an alarm CloudWatch does not know, and one in ALARM now", async () => {
    const missing = await refusal({ flags: { alarm: ["churn-5xx", "nope"] }, alarms: [userAlarm("churn-5xx")] });
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toBe("--alarm: no CloudWatch alarm named nope");
    expect(missing.hint).toBe("create it first, or use --auto-alarms");
    const firing = await refusal({ flags: { alarm: ["a", "b", "c"] }, alarms: [userAlarm("a"), userAlarm("b", "ALARM"), userAlarm("c", "ALARM")] });
    expect(firing).toBeInstanceOf(UsageError);
    expect(firing.message).toBe("--alarm: b, c is in ALARM now, so the deployment would roll back at once");
    expect(firing.hint).toBe("fix what it watches, or use --auto-alarms, which watch only the new version");
  });

  it("9 alarms leave room for the abort alarm; 10 do not, and the plan says abort cannot stop it; 11 are refused", async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    const nine = await plan({ flags: { alarm: names(9), strategy: "all-at-once" }, alarms: names(9).map((n) => userAlarm(n)) });
    expect(nine.alarmNames).toEqual([...names(9), abortAlarm("churn", nine.specs.config.EndpointConfigName, nine.rolloutId).AlarmName]);
    expect(nine.notes).toEqual([]);
    const ten = await plan({ flags: { alarm: names(10), strategy: "all-at-once" }, alarms: names(10).map((n) => userAlarm(n)) });
    expect(ten.alarmNames).toEqual(names(10));
    expect(ten.createAlarms).toEqual([]);
    expect(ten.notes).toEqual([info("10 alarms leave no room for mlops's abort alarm: `mlops abort` cannot stop this deployment")]);
    const eleven = await refusal({ flags: { alarm: names(9), autoAlarms: true }, alarms: names(9).map((n) => userAlarm(n)) });
    expect(eleven).toBeInstanceOf(UsageError);
    expect(eleven.message).toBe("--alarm and --auto-alarms make 11 alarms; a deployment takes at most 10");
  });

  it("a short bake warns, counting the user's alarms but not the abort alarm alone", async () => {
    const watched = await plan({ flags: { bake: "60", autoAlarms: true } });
    expect(watched.notes).toContainEqual(warning("a step is watched for less than 4 min (--bake/--final-bake); CloudWatch metrics arrive 1–3 min late, so an alarm may not fire before the step ends"));
    // Only the abort alarm: no metric alarm to be late, so no bake warning (only the no-alarms one).
    const unwatched = await plan({ flags: { bake: "60", strategy: "all-at-once", finalBake: "60" } });
    expect(unwatched.notes).toEqual([warning("no alarms (--alarm or --auto-alarms): nothing will roll this deployment back by itself")]);
  });

  it("--timeout shorter than the rollout is expected to take warns (exit 5 ahead); longer, or --no-wait, or --pause does not", async () => {
    const short = await plan({ flags: { timeout: "10m", autoAlarms: true, instanceCount: "10" } });
    expect(short.timeoutSeconds).toBe(600);
    expect(short.notes).toEqual([warning("--timeout 10m is shorter than this rollout is expected to take on AWS (about 20m): mlops will stop waiting before the end (exit 5)")]);
    const exact = await plan({ flags: { timeout: String(short.expectedSeconds), autoAlarms: true, instanceCount: "10" } });
    expect(exact.timeoutSeconds).toBe(short.expectedSeconds);
    expect(exact.notes).toEqual([]);
    const noWait = await plan({ flags: { timeout: "10m", wait: false, autoAlarms: true, instanceCount: "10" } });
    expect(noWait.notes).toEqual([]);
    const paused = await plan({ flags: { timeout: "10m", pause: true, engine: "traffic", autoAlarms: true, instanceCount: "10" } });
    expect(paused.notes).toEqual([]);
    expect(paused.timeoutSeconds).toBe(600);
  });

  it("the same model and capacity already serving: nothing to do", async () => {
    const first = await plan({ flags: { autoAlarms: true } });
    const w = servingWorld();
    w.configs.set(first.specs.config.EndpointConfigName, { ...first.specs.config, ProductionVariants: first.specs.config.ProductionVariants.map((v) => ({ ...v })) } as PlanWorld["configs"] extends Map<string, infer C> ? C : never);
    w.models.set(first.specs.model.ModelName, { ExecutionRoleArn: ROLE });
    w.endpoints.set("churn", { ...w.endpoints.get("churn")!, EndpointConfigName: first.specs.config.EndpointConfigName });
    const again = await plan({ world: w, flags: { autoAlarms: true } });
    expect(again.specs.config.EndpointConfigName).toBe(first.specs.config.EndpointConfigName);
    expect(again.alreadyServing).toBe(true);
  });
});

describe("planning the traffic engine", () => {
  it("--engine traffic: a mix config beside the old variant, auto alarms on the new variant (no config dimension), no abort alarm, and twice the expected time plus 30 minutes", async () => {
    const p = await plan({ flags: { engine: "traffic", autoAlarms: true } });
    const auto = autoAlarms({ endpoint: "churn", rolloutId: p.rolloutId, variant: p.specs.newVariant, config: undefined }, "realtime", { maxErrorRate: 0.01, maxLatencyMs: 1000 });
    expect(p.mode).toBe("traffic");
    expect(p.engine).toBe("traffic");
    expect(p.specs.newVariant).not.toBe("AllTraffic");
    expect(p.specs.mix!.ProductionVariants.map((v) => [v.VariantName, v.InitialVariantWeight])).toEqual([["AllTraffic", 1], [p.specs.newVariant, 0]]);
    expect(p.createAlarms).toEqual(auto);
    expect(p.alarmNames).toEqual(auto.map((a) => a.AlarmName));
    expect(p.deploymentConfig).toBeUndefined();
    // Traffic canary: two updates, two weight steps (10 %, 100 %), bakes 300 + 300.
    expect(p.expectedSeconds).toBe(2 * TYPICAL.updateSeconds + 2 * TYPICAL.stepSeconds + 600);
    expect(p.timeoutSeconds).toBe(p.expectedSeconds * 2 + 1800);
    expect(p.notes).toEqual([]);
  });

  it("--pause waits up to a week", async () => {
    const p = await plan({ flags: { engine: "traffic", autoAlarms: true, pause: true } });
    expect(p.timeoutSeconds).toBe(7 * 86_400);
  });

  it("a user alarm on the serving variant is watched through a copy on the new variant, which the rollout owns", async () => {
    const p = await plan({ flags: { engine: "traffic", alarm: ["churn-5xx"] }, alarms: [userAlarm("churn-5xx")] });
    const copyName = copyAlarmName("churn", p.rolloutId, "churn-5xx");
    expect(p.alarmNames).toEqual([copyName]);
    expect(p.createAlarms).toEqual([
      {
        AlarmName: copyName,
        AlarmDescription: `mlops: churn-5xx retargeted from variant AllTraffic to ${p.specs.newVariant} for one rollout`,
        ActionsEnabled: false,
        Namespace: "AWS/SageMaker",
        MetricName: "Invocation5XXErrors",
        Statistic: "Sum",
        Dimensions: [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: p.specs.newVariant }],
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      },
    ]);
    expect(p.notes).toEqual([info(`--alarm churn-5xx watches VariantName=AllTraffic, which carries the old version until the last step: mlops watches a copy on the new version's variant ${p.specs.newVariant} during the shift`)]);
  });
});

describe("planning a serverless redeploy", () => {
  it("keeps the memory and concurrency, runs all at once whatever the strategy, says so with the watch time, and creates auto alarms without the abort alarm", async () => {
    const p = await plan({ world: serverlessWorld(), flags: { autoAlarms: true } });
    expect(p.mode).toBe("serverless");
    expect(p.engine).toBe("traffic");
    expect(p.strategy).toBe("all-at-once");
    expect(p.type).toBe("serverless");
    expect(p.specs.config.ProductionVariants[0]!.ServerlessConfig).toEqual({ MemorySizeInMB: 4096, MaxConcurrency: 5 });
    expect(p.settings.memoryMb).toBe(4096);
    expect(p.settings.maxConcurrency).toBe(5);
    expect(p.createAlarms.map((a) => a.AlarmName)).toEqual(autoAlarms({ endpoint: "churn", rolloutId: p.rolloutId, variant: "AllTraffic" }, "serverless", { maxErrorRate: 0.01, maxLatencyMs: 1000 }).map((a) => a.AlarmName));
    // The canary's bakes, 300 + 300 s, become one watch of 10 minutes.
    expect(p.notes).toEqual([info("a serverless endpoint holds one variant, so --strategy canary runs as all at once, then a watch of the alarms for 10m")]);
    expect(p.expectedSeconds).toBe(TYPICAL.updateSeconds + 600);
  });

  it("--strategy all-at-once on serverless needs no note; given memory wins over the endpoint's", async () => {
    const p = await plan({ world: serverlessWorld(), flags: { autoAlarms: true, strategy: "all-at-once", memoryMb: "1024", maxConcurrency: "2" } });
    expect(p.notes).toEqual([]);
    expect(p.specs.config.ProductionVariants[0]!.ServerlessConfig).toEqual({ MemorySizeInMB: 1024, MaxConcurrency: 2 });
  });

  it("serverless to real-time: allowed one way, with a note; the instance type must then be given or defaulted", async () => {
    const p = await plan({ world: serverlessWorld(), flags: { type: "realtime", autoAlarms: true, strategy: "all-at-once", instanceType: "ml.m5.large" } });
    expect(p.type).toBe("realtime");
    expect(p.notes[0]).toEqual(info("churn moves from serverless to realtime; SageMaker allows this one way only"));
  });

  it("refuses --instance-type on a serverless endpoint", async () => {
    const e = await refusal({ world: serverlessWorld(), flags: { instanceType: "ml.m5.large" } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--instance-type does not apply to a serverless endpoint: use --memory-mb and --max-concurrency");
  });
});

describe("endpoint types SageMaker cannot change on update", () => {
  it("refuses turning an instance endpoint serverless", async () => {
    const e = await refusal({ flags: { type: "serverless" } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--type serverless: SageMaker cannot turn an endpoint with instances (realtime) into a serverless one");
    expect(e.hint).toBe("deploy to a new endpoint name");
  });

  it("refuses adding AsyncInferenceConfig to a real-time endpoint", async () => {
    const e = await refusal({ flags: { type: "async", asyncOutput: "s3://out/x/" } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--type async: churn is a real-time endpoint, and SageMaker cannot add AsyncInferenceConfig to an endpoint on update");
    expect(e.hint).toBe("deploy to a new endpoint name (--endpoint churn-async) and move its callers over; leave out --type (and endpoint.type in mlops.yaml) to keep churn's type");
  });

  it("refuses removing AsyncInferenceConfig from an asynchronous endpoint", async () => {
    const e = await refusal({ world: asyncWorld(), flags: { type: "realtime" } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--type realtime: churn is an asynchronous endpoint, and SageMaker cannot remove AsyncInferenceConfig from an endpoint on update");
  });

  it("an asynchronous endpoint keeps its output and concurrency; its type comes from the endpoint when its config is gone", async () => {
    const p = await plan({ world: asyncWorld(), flags: { autoAlarms: true } });
    expect(p.type).toBe("async");
    expect(p.settings.asyncOutput).toEqual({ bucket: "out", key: "churn/" });
    expect(p.settings.asyncConcurrency).toBe(3);
    expect(p.specs.config.AsyncInferenceConfig).toEqual({ OutputConfig: { S3OutputPath: "s3://out/churn/" }, ClientConfig: { MaxConcurrentInvocationsPerInstance: 3 } });
    const given = await plan({ world: asyncWorld(), flags: { autoAlarms: true, asyncOutput: "s3://mine/res/", asyncConcurrency: "7" } });
    expect(given.specs.config.AsyncInferenceConfig).toEqual({ OutputConfig: { S3OutputPath: "s3://mine/res/" }, ClientConfig: { MaxConcurrentInvocationsPerInstance: 7 } });
  });

  it("a new asynchronous endpoint needs --async-output", async () => {
    const e = await refusal({ world: emptyWorldWithPackage(), flags: { type: "async", roleArn: ROLE } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--async-output is required for an asynchronous endpoint: the s3:// prefix where results are written");
  });
});

describe("planning a new endpoint", () => {
  it("creates it with this version: no alarms, an hour's wait, the engine asked for or guardrails", async () => {
    const p = await plan({ world: emptyWorldWithPackage(), flags: { roleArn: ROLE } });
    expect(p.mode).toBe("create");
    expect(p.engine).toBe("guardrails");
    expect(p.strategy).toBe("canary");
    expect(p.type).toBe("realtime");
    expect(p.current).toBeUndefined();
    expect(p.createAlarms).toEqual([]);
    expect(p.alarmNames).toEqual([]);
    expect(p.deploymentConfig).toBeUndefined();
    expect(p.timeoutSeconds).toBe(3600);
    expect(p.expectedSeconds).toBe(TYPICAL.launchSeconds);
    expect(p.alreadyServing).toBe(false);
    expect(p.notes).toEqual([info("churn does not exist yet: it is created with this version")]);
    // Default capacity: 1 × ml.m5.large.
    expect(p.specs.config.ProductionVariants[0]).toEqual({ VariantName: "AllTraffic", ModelName: p.specs.model.ModelName, InstanceType: "ml.m5.large", InitialInstanceCount: 1, InitialVariantWeight: 1 });
    const traffic = await plan({ world: emptyWorldWithPackage(), flags: { roleArn: ROLE, engine: "traffic" } });
    expect(traffic.engine).toBe("traffic");
  });

  it("says a strategy and auto alarms apply from the next deploy; a short bake is not warned about, a short timeout is", async () => {
    const p = await plan({ world: emptyWorldWithPackage(), flags: { roleArn: ROLE, strategy: "linear", autoAlarms: true, bake: "10", timeout: "1m" } });
    expect(p.notes).toEqual([
      info("churn does not exist yet: it is created with this version; --strategy applies from the next deploy"),
      info("--auto-alarms apply from the next deploy: a new endpoint has no previous version to go back to"),
      warning("--timeout 1m is shorter than this rollout is expected to take on AWS (about 8m): mlops will stop waiting before the end (exit 5)"),
    ]);
    expect(p.timeoutSeconds).toBe(60);
  });

  it("without a role and without a terminal: names --role-arn", async () => {
    const e = await refusal({ world: emptyWorldWithPackage() });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--role-arn is required when not running interactively");
  });

  it("on a terminal, asks for the role, refusing what is not a role ARN", async () => {
    const asker = scriptedAsker(["not-a-role", ROLE]);
    const p = await plan({ world: emptyWorldWithPackage(), asker });
    expect(p.specs.model.ExecutionRoleArn).toBe(ROLE);
    expect(asker.asked).toEqual(["IAM role SageMaker uses to pull the image and model (arn:aws:iam::…:role/…)"]);
    expect(asker.refused).toHaveLength(1);
  });
});

describe("the model", () => {
  it("refuses a version that is not approved (exit 4), with how to approve it", async () => {
    const w = servingWorld();
    w.packages.set(V3, { ...w.packages.get(V3)!, ModelApprovalStatus: "PendingManualApproval" });
    const e = await refusal({ world: w });
    expect(e).toBeInstanceOf(GateError);
    expect(e.message).toBe("churn/3 is PendingManualApproval: only approved versions can be deployed");
    expect(e.hint).toBe("approve it with `mlops models approve churn/3`, or deploy churn@latest-approved");
  });

  it("an environment set also in the package's own is warned about; the environment goes with the package", async () => {
    const w = servingWorld();
    w.packages.set(V3, { ...w.packages.get(V3)!, InferenceSpecification: { Containers: [{ Image: "i", Environment: { LOG_LEVEL: "info", A: "1" } }, { Image: "j" }] } });
    const p = await plan({ world: w, flags: { env: ["LOG_LEVEL=debug", "B=2", "A=3"], autoAlarms: true } });
    expect(p.specs.model.PrimaryContainer).toEqual({ ModelPackageName: V3, Environment: { LOG_LEVEL: "debug", B: "2", A: "3" } });
    expect(p.notes).toContainEqual(warning("--env LOG_LEVEL, A: also set in churn/3's own environment; AWS does not document which value the container gets"));
  });

  it("an image and model data that exists: the container names both; no package", async () => {
    const w = servingWorld();
    w.objects.add("s3://models/churn/model.tar.gz");
    const p = await plan({ world: w, flags: { modelPackage: undefined, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", modelData: "s3://models/churn/model.tar.gz", autoAlarms: true } });
    expect(p.specs.model.PrimaryContainer).toEqual({ Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", ModelDataUrl: "s3://models/churn/model.tar.gz" });
    expect(p.modelPackageArn).toBeUndefined();
  });

  it("refuses model data that does not exist", async () => {
    const e = await refusal({ flags: { modelPackage: undefined, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", modelData: "s3://models/none.tar.gz" } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--model-data: s3://models/none.tar.gz does not exist");
  });

  it("on a terminal, asks for the version, and asks again when the answer is not approved", async () => {
    const w = servingWorld();
    const v2 = PACKAGE_ARN("churn", 2);
    w.packages.set(v2, { ModelPackageArn: v2, ModelPackageGroupName: "churn", ModelPackageVersion: 2, ModelApprovalStatus: "Rejected" });
    const asker = scriptedAsker([v2, V3]);
    const p = await plan({ world: w, asker, flags: { modelPackage: undefined, autoAlarms: true } });
    expect(p.modelPackageArn).toBe(V3);
    expect(asker.asked).toEqual(["Model version to deploy (GROUP@latest-approved, GROUP/VERSION or ARN)"]);
    expect(asker.refused).toEqual(["churn/2 is Rejected: only approved versions can be deployed (approve it with `mlops models approve churn/2`, or deploy churn@latest-approved)"]);
  });

  it("on a terminal, asks for the endpoint name when not given", async () => {
    const asker = scriptedAsker(["churn"]);
    const p = await plan({ asker, flags: { endpoint: undefined, autoAlarms: true } });
    expect(p.endpoint).toBe("churn");
    expect(asker.asked).toEqual(["Endpoint name"]);
  });

  it("without a terminal, names every missing input at once", async () => {
    const e = await refusal({ flags: { endpoint: undefined, modelPackage: undefined } });
    expect(e.message).toContain("--endpoint");
    expect(e.message).toContain("--model-package (or --image and --model-data)");
  });
});

describe("what the endpoint keeps", () => {
  it("a given instance count below the live fleet warns that it shrinks", async () => {
    const p = await plan({ flags: { instanceCount: "1", autoAlarms: true, strategy: "all-at-once" } });
    expect(p.settings.instanceCount).toBe(1);
    expect(p.notes).toEqual([warning("churn runs 2 instances now; the settings (--instance-count or mlops.yaml endpoint.instanceCount) ask for 1: the fleet shrinks (2 → 1 instances)")]);
  });

  it("a given instance count equal to the fleet, or larger, says nothing", async () => {
    for (const count of ["2", "3"]) {
      const p = await plan({ flags: { instanceCount: count, autoAlarms: true, strategy: "all-at-once" } });
      expect(p.notes).toEqual([]);
    }
  });

  it("the live count wins over the config's initial count (autoscaling moved it)", async () => {
    const w = servingWorld();
    w.endpoints.get("churn")!.ProductionVariants![0]!.CurrentInstanceCount = 4;
    const p = await plan({ world: w, flags: { autoAlarms: true, strategy: "all-at-once" } });
    expect(p.settings.instanceCount).toBe(4);
  });

  it("the serving config deleted outside mlops: the instance type and role must be given, named in one error", async () => {
    const w = servingWorld();
    w.configs.clear();
    const e = await refusal({ world: w });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("--instance-type and --role-arn are required: the serving config churn-old of churn no longer exists, so mlops cannot take them from there");
    const one = await refusal({ world: w, flags: { roleArn: ROLE } });
    expect(one.message).toBe("--instance-type is required: the serving config churn-old of churn no longer exists, so mlops cannot take it from there");
  });

  it("the serving config deleted: guardrails still run from DescribeEndpoint's fleet, with a warning; the traffic engine is refused", async () => {
    const w = servingWorld();
    w.configs.clear();
    const p = await plan({ world: w, flags: { roleArn: ROLE, instanceType: "ml.m5.xlarge", autoAlarms: true, strategy: "all-at-once" } });
    expect(p.mode).toBe("guardrails");
    expect(p.settings.instanceCount).toBe(2);
    expect(p.current!.config).toBeUndefined();
    expect(p.alreadyServing).toBe(false);
    expect(p.notes).toEqual([warning("the serving config churn-old no longer exists (deleted outside mlops): SageMaker can still roll back to the running fleet, but `mlops rollback` will have nowhere to go")]);
    const e = await refusal({ world: w, flags: { roleArn: ROLE, instanceType: "ml.m5.xlarge", engine: "traffic" } });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe("the serving config churn-old no longer exists, and the traffic engine needs it to run the new version beside the old");
    expect(e.hint).toBe("use SageMaker's guardrails, which roll back to the running fleet: --strategy all-at-once or blue-green, or a canary or linear rollout on 2 instances or more");
  });

  it("the serving config deleted on a serverless endpoint: the memory comes from DescribeEndpoint, with a warning that nothing can go back", async () => {
    const w = serverlessWorld();
    w.configs.clear();
    const p = await plan({ world: w, flags: { roleArn: ROLE, autoAlarms: true, strategy: "all-at-once" } });
    expect(p.type).toBe("serverless");
    expect(p.specs.config.ProductionVariants[0]!.ServerlessConfig).toEqual({ MemorySizeInMB: 4096, MaxConcurrency: 5 });
    expect(p.notes).toEqual([warning("the serving config churn-old no longer exists (deleted outside mlops): if an alarm fires there is no config to go back to")]);
  });
});

describe("an endpoint that cannot take a deploy now", () => {
  it("Failed: only deleting it is possible", async () => {
    const w = servingWorld();
    w.endpoints.get("churn")!.EndpointStatus = "Failed";
    const e = await refusal({ world: w });
    expect(e).toBeInstanceOf(MlopsError);
    expect(e.message).toBe("endpoint churn is in the Failed state: SageMaker allows only deleting it");
    expect(e.hint).toBe("delete it (aws sagemaker delete-endpoint --endpoint-name churn) and deploy again");
  });

  it("Updating (someone else's update): refused, with how to watch it", async () => {
    const w = servingWorld();
    w.endpoints.get("churn")!.EndpointStatus = "Updating";
    const e = await refusal({ world: w });
    expect(e.message).toBe("endpoint churn is Updating: another update is in progress, so this deploy is refused");
    expect(e.hint).toBe("watch it with `mlops status --endpoint churn --watch`");
  });
});
