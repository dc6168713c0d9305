import { ProductionVariantInstanceType, type DeploymentConfig } from "@aws-sdk/client-sagemaker";
import { alarmStates, putAlarm, setAlarmState } from "../aws/alarms";
import { createEndpoint, createEndpointConfig, createModel, describeEndpoint, describeEndpointConfig, describeModel, listTags, type Endpoint, type EndpointConfig } from "../aws/endpoints";
import { parseS3Prefix } from "../core/aws-names";
import { resolveModelRef } from "../aws/registry";
import { objectExists } from "../aws/s3";
import type { Context } from "../context";
import { validator } from "../io/prompt";
import { abortAlarm, autoAlarms, type AlarmDefinition } from "../core/alarms";
import { checkResourceName } from "../core/aws-names";
import { resolveDeploySettings, type DeployFlags, type DeploySettings } from "../core/deploy-settings";
import { alreadyServes, configType, deploySpecs, type ConfigSpec, type Container, type DeploySpecs, type EndpointCapacity } from "../core/deploy-specs";
import { formatDuration } from "../core/duration";
import { chooseEngine, deploymentConfig, expectedSeconds, instancesFor, shortBakeWarning, STRATEGY_WORDS, trafficSteps, type EndpointType, type Mode } from "../core/rollout-plan";
import { decodeRollout, encodeRollout, hasLiveDriver, isActive, MAX_TAGS, PREVIOUS_CONFIG_TAG, rolloutSteps, ROLLOUT_TAG_PREFIX, type RolloutState } from "../core/rollout-state";
import { GateError, InterruptedError, MissingInputError, MlopsError, RolledBackError, SettledInterruptError, UsageError, WaitTimeoutError } from "../errors";
import { CREATED_BY_TAG } from "../rollout/cleanup";
import { finishRollout } from "../rollout/finish";
import { runGuardrails } from "../rollout/guardrails";
import { pollUntil, Timeout } from "../rollout/poll";
import { TrafficDriver } from "../rollout/traffic";
import type { RolloutEnv, RolloutResult } from "../rollout/types";
import { RolloutView } from "../rollout/view";
import { elapsedSeconds, newReport, renderReport } from "../rollout/report";

/**
 * deploy watches Ctrl-C itself: the traffic engine puts the traffic back before it exits, and a
 * guardrails rollout is left to SageMaker, which says so.
 */
export const handlesInterrupt = true;

const INSTANCE_TYPES = Object.values(ProductionVariantInstanceType);

/** Everything checked and read before the first change. */
interface DeployPlan {
  endpoint: string;
  settings: DeploySettings;
  mode: Mode | "create";
  engine: "guardrails" | "traffic";
  type: EndpointType;
  specs: DeploySpecs;
  current?: { endpoint: Endpoint; config: EndpointConfig; tags: Record<string, string> };
  deploymentConfig?: DeploymentConfig;
  alarms: AlarmDefinition[];
  alarmNames: string[];
  timeoutSeconds: number;
  notes: string[];
  modelPackageArn?: string;
  /** The endpoint already runs this model with this capacity: nothing to do. */
  alreadyServing: boolean;
}

export async function run(flags: DeployFlags, ctx: Context): Promise<void> {
  const started = ctx.clock.now().getTime();
  const plan = await prepare(flags, ctx);
  const report = newReport({
    endpoint: plan.endpoint,
    strategy: plan.settings.strategy,
    engine: plan.mode === "create" ? null : plan.engine,
    endpointConfig: plan.specs.config.EndpointConfigName,
    previousEndpointConfig: plan.current?.endpoint.EndpointConfigName ?? null,
    alarms: plan.alarmNames.map((name) => ({ name, state: "unknown" })),
    modelPackageArn: plan.modelPackageArn ?? null,
    notes: plan.notes,
  });
  for (const note of plan.notes) ctx.io.info(note);

  if (plan.alreadyServing) {
    report.endpointConfig = plan.current!.endpoint.EndpointConfigName!;
    report.previousEndpointConfig = null;
    ctx.io.emit(report, renderReport);
    return;
  }
  if (plan.settings.dryRun) {
    const calls = dryRunCalls(plan);
    ctx.io.emit({ ...report, outcome: "dry-run", plan: calls, expectedSeconds: expectedSeconds(plan.mode, plan.settings) }, (r, style) =>
      [
        `Dry run: nothing was changed. mlops would call, in order:`,
        ...calls.map((c, i) => `  ${String(i + 1).padStart(2)}. ${c.operation}  ${style.dim(c.detail)}`),
        `Expected to take about ${formatDuration(r.expectedSeconds)} on AWS (${plan.mode === "create" ? "creating the endpoint" : `${STRATEGY_WORDS[plan.settings.strategy]} on the ${plan.engine} engine`}).`,
      ].join("\n"),
    );
    return;
  }

  const view = new RolloutView(ctx.io, plan.endpoint);
  const env: RolloutEnv = {
    aws: ctx.aws,
    io: ctx.io,
    view,
    endpoint: plan.endpoint,
    clock: ctx.clock,
    signal: ctx.signal,
    pollSeconds: plan.settings.pollSeconds,
    deadline: started + plan.timeoutSeconds * 1000,
  };

  let result: RolloutResult;
  try {
    await createResources(ctx, plan);
    result = plan.mode === "create" ? await createEndpointAndWait(env, plan) : await rollout(env, plan, started);
  } catch (error) {
    view.done();
    if (error instanceof Timeout) {
      report.outcome = "timed-out";
      report.durationSeconds = elapsedSeconds(ctx.clock, started);
      const note = (error as Timeout & { note?: string }).note;
      if (note) report.notes.push(note);
      ctx.io.emit(report, renderReport);
      throw new WaitTimeoutError(`timed out after ${formatDuration(plan.timeoutSeconds)} waiting for ${plan.endpoint}; ${note ?? `the ${plan.mode === "create" ? "creation" : "update"} may still be running`}`, {
        hint: `follow it with \`mlops status --endpoint ${plan.endpoint} --watch\``,
      });
    }
    // An interrupt the traffic engine settled speaks for itself; any other (a sleep or an AWS call cut short) gets ours.
    if (ctx.signal.aborted && !(error instanceof SettledInterruptError)) throw interruptedMessage(ctx, plan);
    throw error;
  }
  view.done();

  Object.assign(report, {
    outcome: result.outcome,
    endpointConfig: result.endpointConfig,
    alarms: result.alarms.length > 0 ? result.alarms : report.alarms,
    failureReason: result.failureReason,
    firedAlarm: result.firedAlarm,
    rollbackReactionSeconds: result.rollbackReactionSeconds === null ? null : Math.round(result.rollbackReactionSeconds * 10) / 10,
  });
  if (plan.current) {
    report.notes.push(
      ...(await finishRollout(ctx.aws, ctx.io, {
        arn: plan.current.endpoint.EndpointArn!,
        outcome: result.outcome,
        oldConfig: plan.current.endpoint.EndpointConfigName!,
        newConfig: plan.specs.config.EndpointConfigName,
        mixConfig: plan.specs.mix?.EndpointConfigName,
        previousTarget: plan.current.tags[PREVIOUS_CONFIG_TAG],
        keepOld: plan.settings.keepOld,
      })),
    );
  }
  report.durationSeconds = elapsedSeconds(ctx.clock, started);
  ctx.io.emit(report, renderReport);

  if (result.outcome === "rolled-back") {
    throw new RolledBackError(`${plan.endpoint} was rolled back${result.firedAlarm ? ` because ${result.firedAlarm} went into ALARM` : ""}; ${result.endpointConfig} still serves`);
  }
  if (result.outcome === "failed") {
    throw new MlopsError(`the deployment to ${plan.endpoint} failed: ${result.failureReason}`, {
      hint: `inspect it with \`mlops status --endpoint ${plan.endpoint}\`; if it serves a mix of versions, \`mlops rollback --endpoint ${plan.endpoint} --to ${plan.current?.endpoint.EndpointConfigName ?? "<config>"}\``,
    });
  }
}


function interruptedMessage(ctx: Context, plan: DeployPlan): InterruptedError {
  const touched = ctx.aws.journal.called("sagemaker:UpdateEndpoint") || ctx.aws.journal.called("sagemaker:CreateEndpoint");
  if (!touched) return new InterruptedError("interrupted before the endpoint was changed");
  const what = plan.mode === "create" ? "SageMaker goes on creating the endpoint" : "SageMaker goes on with the deployment (and still rolls back on its alarms)";
  return new InterruptedError(`interrupted: ${what}`, { hint: `watch it with \`mlops status --endpoint ${plan.endpoint} --watch\`${plan.mode === "guardrails" ? `; stop it with \`mlops abort --endpoint ${plan.endpoint}\`` : ""}` });
}

/** Check every input and read the current state. Nothing here changes anything. */
async function prepare(flags: DeployFlags, ctx: Context): Promise<DeployPlan> {
  const settings = resolveDeploySettings(flags, ctx.env, ctx.config.values, INSTANCE_TYPES);
  const endpointName = settings.endpoint ?? (await ctx.prompt.text({ flag: "--endpoint", message: "Endpoint name", validate: validator((v) => checkResourceName("--endpoint", v)) }));
  checkResourceName("--endpoint", endpointName);
  if (!settings.source) {
    if (!ctx.prompt.interactive) throw new MissingInputError("--model-package (or --image and --model-data)");
    const ref = await ctx.prompt.text({ flag: "--model-package", message: "Model version to deploy (GROUP@latest-approved, GROUP/VERSION or ARN)" });
    settings.source = resolveDeploySettings({ ...flags, modelPackage: ref }, ctx.env, ctx.config.values, INSTANCE_TYPES).source;
  }
  const notes: string[] = [];

  const endpoint = await describeEndpoint(ctx.aws, endpointName);
  let current: DeployPlan["current"];
  if (endpoint) {
    if (endpoint.EndpointStatus === "Failed") {
      throw new MlopsError(`endpoint ${endpointName} is in the Failed state: SageMaker allows only deleting it`, { hint: `delete it (aws sagemaker delete-endpoint --endpoint-name ${endpointName}) and deploy again` });
    }
    if (endpoint.EndpointStatus !== "InService") {
      throw new MlopsError(`endpoint ${endpointName} is ${endpoint.EndpointStatus}: another update is in progress, so this deploy is refused`, { hint: `watch it with \`mlops status --endpoint ${endpointName} --watch\`` });
    }
    const config = await describeEndpointConfig(ctx.aws, endpoint.EndpointConfigName!);
    if (!config) throw new MlopsError(`the endpoint config ${endpoint.EndpointConfigName} serving ${endpointName} no longer exists`, { hint: "mlops needs it to build the next config; roll out with the AWS console or recreate it" });
    const tags = await listTags(ctx.aws, endpoint.EndpointArn!);
    const rollout = decodeRollout(tags);
    if (rollout && isActive(rollout)) {
      const live = hasLiveDriver(rollout, ctx.clock.now().getTime());
      throw new MlopsError(`a ${rollout.strategy} rollout (${rollout.id}) on ${endpointName} is ${rollout.phase}${live ? "" : " with nobody driving it"}: this deploy is refused`, {
        hint: `finish it with \`mlops promote --endpoint ${endpointName}\` or \`mlops abort --endpoint ${endpointName}\``,
      });
    }
    current = { endpoint, config, tags };
  }

  // A redeploy keeps the endpoint's size, serverless settings and async output unless told otherwise.
  if (current) inheritCapacity(settings, current.endpoint, current.config);
  const currentType = configType(current?.config);
  const type = settings.type ?? currentType ?? "realtime";
  if (type === "async" && !settings.asyncOutput) throw new UsageError("--async-output is required for an asynchronous endpoint: the s3:// prefix where results are written");
  if (currentType && currentType !== "serverless" && type === "serverless") {
    throw new UsageError(`--type serverless: SageMaker cannot turn an endpoint with instances (${currentType}) into a serverless one`, { hint: "deploy to a new endpoint name" });
  }
  if (currentType === "serverless" && type !== "serverless") notes.push(`note: ${endpointName} moves from serverless to ${type}; SageMaker allows this one way only`);
  if (type === "serverless" && flags.instanceType !== undefined) throw new UsageError("--instance-type does not apply to a serverless endpoint: use --memory-mb and --max-concurrency");

  // The model: a registered, approved version, or an image and artifact.
  let container: Container;
  let modelPackageArn: string | undefined;
  const source = settings.source!;
  if (source.kind === "package") {
    const pkg = await resolveModelRef(ctx.aws, source.ref);
    modelPackageArn = pkg.ModelPackageArn;
    if (pkg.ModelApprovalStatus !== "Approved") {
      throw new GateError(`${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion} is ${pkg.ModelApprovalStatus}: only approved versions can be deployed`, {
        hint: `approve it with \`mlops models approve ${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion}\`, or deploy ${pkg.ModelPackageGroupName}@latest-approved`,
      });
    }
    container = { ModelPackageName: pkg.ModelPackageArn, Environment: nonEmpty(settings.environment) };
  } else {
    if ((await objectExists(ctx.aws, source.modelData)) === "no") throw new UsageError(`--model-data: s3://${source.modelData.bucket}/${source.modelData.key} does not exist`);
    container = { Image: source.image, ModelDataUrl: `s3://${source.modelData.bucket}/${source.modelData.key}`, Environment: nonEmpty(settings.environment) };
  }

  // The role: given, from mlops.yaml, or the one the serving model uses.
  let roleArn = settings.roleArn;
  if (!roleArn && current) roleArn = (await describeModel(ctx.aws, current.config.ProductionVariants?.[0]?.ModelName ?? ""))?.ExecutionRoleArn;
  if (!roleArn) {
    roleArn = await ctx.prompt.text({ flag: "--role-arn", message: "IAM role SageMaker uses to pull the image and model (arn:aws:iam::…:role/…)" });
    roleArn = resolveDeploySettings({ ...flags, roleArn }, ctx.env, ctx.config.values, INSTANCE_TYPES).roleArn;
  }

  // Existing alarms must exist, and must not already be in ALARM (that would roll back at once).
  if (settings.alarms.length > 0) {
    const states = await alarmStates(ctx.aws, settings.alarms);
    const missing = settings.alarms.filter((n) => !states.some((s) => s.name === n));
    if (missing.length > 0) throw new UsageError(`--alarm: no CloudWatch alarm named ${missing.join(", ")}`, { hint: "create it first, or use --auto-alarms" });
    const firing = states.filter((s) => s.state === "ALARM");
    if (firing.length > 0) {
      throw new UsageError(`--alarm: ${firing.map((s) => s.name).join(", ")} is in ALARM now, so the deployment would roll back at once`, {
        hint: "fix what it watches, or use --auto-alarms, which watch only the new version",
      });
    }
  }

  let mode: Mode | "create" = "create";
  let engine: "guardrails" | "traffic" = settings.engine ?? "guardrails";
  if (current) {
    const choice = chooseEngine({
      type,
      requested: settings.engine,
      pause: settings.pause,
      variantCount: current.config.ProductionVariants?.length ?? 1,
      instanceCount: settings.instanceCount,
      settings,
    });
    mode = choice.mode;
    engine = choice.engine;
    if (choice.note) notes.push(`note: ${choice.note}`);
    if (mode === "guardrails" && settings.strategy === "canary") {
      const canary = instancesFor(settings.canaryPercent, settings.instanceCount);
      const share = Math.round((100 * canary) / settings.instanceCount);
      if (share !== Math.round(settings.canaryPercent)) {
        notes.push(`note: SageMaker sizes a canary in instances: ${settings.canaryPercent} % of ${settings.instanceCount} instance(s) is ${canary}, which takes ${share} % of the traffic; --engine traffic gives exactly ${settings.canaryPercent} %`);
      }
    }
  } else {
    notes.push(`note: ${endpointName} does not exist yet: it is created with this version; --strategy applies from the next deploy`);
  }

  const currentSpec = current && {
    configName: current.config.EndpointConfigName!,
    variants: (current.config.ProductionVariants ?? []).map((v) => ({
      VariantName: v.VariantName!,
      ModelName: v.ModelName!,
      InstanceType: v.InstanceType,
      InitialInstanceCount: v.InitialInstanceCount,
      InitialVariantWeight: v.InitialVariantWeight,
      ServerlessConfig: v.ServerlessConfig as ConfigSpec["ProductionVariants"][number]["ServerlessConfig"],
    })),
    asyncInferenceConfig: current.config.AsyncInferenceConfig as ConfigSpec["AsyncInferenceConfig"],
    weights: Object.fromEntries((current.endpoint.ProductionVariants ?? []).map((v) => [v.VariantName!, v.CurrentWeight ?? 1])),
  };
  const specs = deploySpecs({
    endpoint: endpointName,
    mode,
    type,
    container,
    roleArn,
    ...pickCapacity(settings),
    current: currentSpec,
  });

  // Metrics carry EndpointConfigName only during and after guardrail deployments: elsewhere the
  // new version is told apart by its variant.
  const alarms =
    settings.autoAlarms && mode !== "create"
      ? autoAlarms(
          { endpoint: endpointName, variant: specs.variantName, config: mode === "guardrails" ? specs.config.EndpointConfigName : undefined },
          type,
          { maxErrorRate: settings.maxErrorRate, maxLatencyMs: settings.maxLatencyMs },
        )
      : [];
  if (settings.autoAlarms && mode === "create") notes.push("note: --auto-alarms apply from the next deploy: a new endpoint has no previous version to go back to");
  const watching = [...settings.alarms, ...alarms.map((a) => a.AlarmName)];
  if (watching.length > 10) throw new UsageError(`--alarm and --auto-alarms make ${watching.length} alarms; a deployment takes at most 10`);
  if (mode !== "create" && watching.length === 0) notes.push("warning: no alarms (--alarm or --auto-alarms): nothing will roll this deployment back by itself");
  // SageMaker offers no call to stop a guardrail deployment; an alarm of its own lets `mlops abort` do it.
  if (mode === "guardrails") {
    if (watching.length < 10) alarms.push(abortAlarm(endpointName, specs.config.EndpointConfigName));
    else notes.push("note: 10 alarms leave no room for mlops's abort alarm: `mlops abort` cannot stop this deployment");
  }
  const alarmNames = [...settings.alarms, ...alarms.map((a) => a.AlarmName)];
  const rolloutSettings = { ...settings, alarms: alarmNames };
  if (mode !== "create") {
    const warning = shortBakeWarning({ ...rolloutSettings, alarms: watching });
    if (warning) notes.push(warning);
  }
  const dc = mode === "guardrails" ? (deploymentConfig(rolloutSettings) as DeploymentConfig) : undefined;

  const limit = dc?.BlueGreenUpdatePolicy?.MaximumExecutionTimeoutInSeconds ?? dc?.RollingUpdatePolicy?.MaximumExecutionTimeoutInSeconds;
  const timeoutSeconds =
    settings.timeoutSeconds ??
    (mode === "create" ? 3600 : settings.pause ? 7 * 86_400 : limit !== undefined ? limit + 600 : expectedSeconds(mode, rolloutSettings) * 2 + 1800);

  const plan: DeployPlan = {
    endpoint: endpointName,
    settings: rolloutSettings,
    mode,
    engine,
    type,
    specs,
    current,
    deploymentConfig: dc,
    alarms,
    alarmNames,
    timeoutSeconds,
    notes,
    modelPackageArn,
    alreadyServing: alreadyServes(currentSpec, specs.config),
  };
  // The rollout's state must fit in the endpoint's tags: at most 50 in all.
  if (current && (mode === "traffic" || mode === "serverless")) {
    const others = Object.keys(current.tags).filter((k) => !k.startsWith(ROLLOUT_TAG_PREFIX) && k !== PREVIOUS_CONFIG_TAG).length;
    const needed = Object.keys(encodeRollout(newRolloutState(plan, ctx.clock.now().getTime()))).length + 1;
    if (others + needed > MAX_TAGS) {
      throw new UsageError(`${endpointName} has ${others} tags of its own; the traffic engine needs ${needed} more and SageMaker allows ${MAX_TAGS}`, { hint: "remove some tags, or use --engine guardrails" });
    }
  }
  return plan;
}

function pickCapacity({ instanceType, instanceCount, memoryMb, maxConcurrency, asyncOutput, asyncConcurrency }: DeploySettings): EndpointCapacity {
  return { instanceType, instanceCount, memoryMb, maxConcurrency, asyncOutput, asyncConcurrency };
}

function nonEmpty(env: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(env).length > 0 ? env : undefined;
}


/** The calls a deploy makes, in order, with their key parameters: `--dry-run`'s answer. */
function dryRunCalls(plan: DeployPlan): Array<{ operation: string; detail: string }> {
  const { specs } = plan;
  const variant = specs.config.ProductionVariants[0]!;
  const capacity = variant.ServerlessConfig ? `ServerlessConfig=${variant.ServerlessConfig.MemorySizeInMB}MB/${variant.ServerlessConfig.MaxConcurrency}` : `${variant.InstanceType}×${variant.InitialInstanceCount}`;
  const container = specs.model.PrimaryContainer;
  const calls = [
    { operation: "sagemaker:CreateModel", detail: `ModelName=${specs.model.ModelName} ${container.ModelPackageName ? `ModelPackageName=${container.ModelPackageName}` : `Image=${container.Image} ModelDataUrl=${container.ModelDataUrl}`}` },
    { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${specs.config.EndpointConfigName} VariantName=${variant.VariantName} ${capacity}${asyncDetail(specs.config.AsyncInferenceConfig)}` },
  ];
  if (plan.mode === "create") return [...calls, { operation: "sagemaker:CreateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName}` }];
  if (specs.mix) calls.push({ operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${specs.mix.EndpointConfigName} (old variants + ${variant.VariantName} at weight 0)` });
  for (const alarm of plan.alarms) calls.push({ operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${alarm.AlarmName} ${alarm.MetricName ?? "metric math"} > ${alarm.Threshold}` });
  const steps = trafficSteps(plan.settings);
  if (plan.mode === "guardrails") {
    const routing = plan.deploymentConfig?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
    calls.push({
      operation: "sagemaker:UpdateEndpoint",
      detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName} DeploymentConfig=${routing ? routing.Type : "RollingUpdatePolicy"} alarms=[${plan.alarmNames.join(",")}]`,
    });
  } else if (plan.mode === "traffic") {
    calls.push({ operation: "sagemaker:AddTags", detail: `${ROLLOUT_TAG_PREFIX}* on ${plan.endpoint}: the rollout's state, updated at every step, for status/promote/abort` });
    calls.push({ operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.mix!.EndpointConfigName}` });
    for (const step of steps) calls.push({ operation: "sagemaker:UpdateEndpointWeightsAndCapacities", detail: `${variant.VariantName}=${step.weight}%, then watch alarms for ${formatDuration(step.bake)}` });
    calls.push({ operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName}` });
  } else {
    const watch = steps.reduce((total, s) => total + s.bake, 0);
    calls.push({ operation: "sagemaker:AddTags", detail: `${ROLLOUT_TAG_PREFIX}* on ${plan.endpoint}: the rollout's state, for status/abort` });
    calls.push({ operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName}, then watch alarms for ${formatDuration(watch)}` });
  }
  return [...calls, ...finishCalls(plan)];
}

function asyncDetail(config: DeploySpecs["config"]["AsyncInferenceConfig"]): string {
  if (!config) return "";
  const concurrency = config.ClientConfig?.MaxConcurrentInvocationsPerInstance;
  return ` AsyncInferenceConfig=${config.OutputConfig.S3OutputPath}${concurrency ? ` MaxConcurrentInvocationsPerInstance=${concurrency}` : ""}`;
}

/** What finishRollout does after the outcome, for the dry run. */
function finishCalls(plan: DeployPlan): Array<{ operation: string; detail: string }> {
  const old = plan.current!.endpoint.EndpointConfigName!;
  const previous = plan.current!.tags[PREVIOUS_CONFIG_TAG];
  const calls = [{ operation: "sagemaker:AddTags", detail: `${PREVIOUS_CONFIG_TAG}=${old} once deployed: \`mlops rollback\` goes back to it` }];
  if (plan.settings.keepOld) return calls;
  const losers = [plan.specs.mix?.EndpointConfigName, previous !== old ? previous : undefined].filter((c): c is string => !!c);
  if (losers.length > 0) calls.push({ operation: "sagemaker:DeleteEndpointConfig", detail: `${losers.join(", ")} once deployed, and their models (only what mlops created)` });
  calls.push({ operation: "sagemaker:DeleteEndpointConfig", detail: `${[plan.specs.config.EndpointConfigName, plan.specs.mix?.EndpointConfigName].filter(Boolean).join(", ")} if rolled back, and the new model` });
  return calls;
}

/** Create the model and configs (unless a previous attempt did), and the alarms. */
async function createResources(ctx: Context, plan: DeployPlan): Promise<void> {
  const tags = [{ Key: CREATED_BY_TAG.key, Value: CREATED_BY_TAG.value }, { Key: "mlops:endpoint", Value: plan.endpoint }];
  const { specs } = plan;
  if (!(await describeModel(ctx.aws, specs.model.ModelName))) await createModel(ctx.aws, { ...specs.model, Tags: tags });
  for (const config of [specs.config, specs.mix]) {
    if (config && !(await describeEndpointConfig(ctx.aws, config.EndpointConfigName))) {
      await createEndpointConfig(ctx.aws, { ...config, ProductionVariants: config.ProductionVariants as never, Tags: tags });
    }
  }
  for (const alarm of plan.alarms) {
    await putAlarm(ctx.aws, alarm);
    // An alarm kept from an earlier rollout may still be in ALARM on old data: reset it for this one.
    const [state] = await alarmStates(ctx.aws, [alarm.AlarmName]);
    if (state?.state === "ALARM") await setAlarmState(ctx.aws, alarm.AlarmName, "OK", "reset by mlops for a new rollout: it now watches the new version only");
  }
}

async function createEndpointAndWait(env: RolloutEnv, plan: DeployPlan): Promise<RolloutResult> {
  const config = plan.specs.config.EndpointConfigName;
  await createEndpoint(env.aws, plan.endpoint, config, { [CREATED_BY_TAG.key]: CREATED_BY_TAG.value });
  const result = (outcome: RolloutResult["outcome"], failureReason: string | null = null): RolloutResult => ({ outcome, endpointConfig: config, alarms: [], failureReason, firedAlarm: null, rollbackReactionSeconds: null });
  if (!plan.settings.wait) return result("started");
  return pollUntil(env, async () => {
    const endpoint = await describeEndpoint(env.aws, plan.endpoint);
    env.view.update({ phase: endpoint?.EndpointStatus === "Creating" ? "creating" : (endpoint?.EndpointStatus?.toLowerCase() ?? "creating"), alarms: [] });
    if (endpoint?.EndpointStatus === "InService") return result("created");
    if (endpoint?.EndpointStatus === "Failed") return result("failed", endpoint.FailureReason ?? "no reason given");
    return undefined;
  });
}

async function rollout(env: RolloutEnv, plan: DeployPlan, started: number): Promise<RolloutResult> {
  const { specs } = plan;
  if (plan.mode === "guardrails") {
    return runGuardrails(env, { newConfig: specs.config.EndpointConfigName, deploymentConfig: plan.deploymentConfig!, alarms: plan.alarmNames, wait: plan.settings.wait });
  }
  const current = plan.current!;
  const serverless = plan.mode === "serverless";
  const state = newRolloutState(plan, started);
  if (!plan.settings.wait && serverless) env.io.warn("--no-wait: the endpoint is updated, but nothing will watch its alarms or roll it back");
  return new TrafficDriver(env, current.endpoint.EndpointArn!, state).start({ stopBeforeTraffic: !plan.settings.wait });
}

/** The traffic engine's state at the start of a rollout. */
function newRolloutState(plan: DeployPlan, started: number): RolloutState {
  const current = plan.current!;
  const mode = plan.mode as "traffic" | "serverless";
  const { canaryPercent, linearStep, bake, finalBake } = plan.settings;
  const rolloutPlan = { canaryPercent, linearStep, bake, finalBake };
  return {
    id: `r${started.toString(36)}`,
    mode,
    strategy: plan.settings.strategy,
    phase: "preparing",
    plan: rolloutPlan,
    steps: rolloutSteps(mode, plan.settings.strategy, rolloutPlan),
    step: -1,
    weight: 0,
    oldConfig: current.endpoint.EndpointConfigName!,
    newConfig: plan.specs.config.EndpointConfigName,
    mixConfig: plan.specs.mix?.EndpointConfigName,
    newVariant: mode === "serverless" ? undefined : plan.specs.variantName,
    oldVariants: (current.endpoint.ProductionVariants ?? []).map((v) => ({ name: v.VariantName!, weight: v.CurrentWeight ?? 1 })),
    alarms: plan.alarmNames,
    pollSeconds: plan.settings.pollSeconds,
    keepOld: plan.settings.keepOld,
    pause: plan.settings.pause,
    startedAt: started,
    phaseSince: started,
    heartbeat: started,
  };
}

/** Capacity the user did not give comes from what serves now, so that a redeploy keeps the endpoint as it is. */
function inheritCapacity(settings: DeploySettings, endpoint: Endpoint, config: EndpointConfig): void {
  const variant = config.ProductionVariants?.[0];
  const live = endpoint.ProductionVariants?.find((v) => v.VariantName === variant?.VariantName);
  if (!variant) return;
  if (!settings.given.instanceType && variant.InstanceType) settings.instanceType = variant.InstanceType;
  const count = live?.CurrentInstanceCount ?? variant.InitialInstanceCount;
  if (!settings.given.instanceCount && count) settings.instanceCount = count;
  if (!settings.given.memoryMb && variant.ServerlessConfig?.MemorySizeInMB) settings.memoryMb = variant.ServerlessConfig.MemorySizeInMB;
  if (!settings.given.maxConcurrency && variant.ServerlessConfig?.MaxConcurrency) settings.maxConcurrency = variant.ServerlessConfig.MaxConcurrency;
  const output = config.AsyncInferenceConfig?.OutputConfig?.S3OutputPath;
  if (!settings.given.asyncOutput && output) settings.asyncOutput = parseS3Prefix("the serving config's S3OutputPath", output);
  const concurrency = config.AsyncInferenceConfig?.ClientConfig?.MaxConcurrentInvocationsPerInstance;
  if (!settings.given.asyncConcurrency && concurrency) settings.asyncConcurrency = concurrency;
}
