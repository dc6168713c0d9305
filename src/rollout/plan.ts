import { ProductionVariantInstanceType, type DeploymentConfig } from "@aws-sdk/client-sagemaker";
import { alarmStates, type AlarmState } from "../aws/alarms";
import { describeEndpoint, describeEndpointConfig, describeModel, type Endpoint, type EndpointConfig } from "../aws/endpoints";
import { resolveModelRef, type ModelPackage } from "../aws/registry";
import { objectExists } from "../aws/s3";
import type { Context } from "../context";
import { alarmScope, retargetedAlarm } from "../core/alarm-scope";
import { abortAlarm, autoAlarms, copyAlarmName, type AlarmDefinition } from "../core/alarms";
import { checkResourceName, parseS3Prefix } from "../core/aws-names";
import { resolveDeploySettings, type DeployFlags, type DeploySettings } from "../core/deploy-settings";
import { alreadyServes, configType, deploySpecs, type ConfigSpec, type Container, type CurrentEndpoint, type DeploySpecs, type EndpointCapacity } from "../core/deploy-specs";
import { formatDuration } from "../core/duration";
import { info, warning, type Note } from "../core/notes";
import { chooseEngine, deploymentConfig, effectiveStrategy, expectedSeconds, guardrailSteps, instancesFor, shortBakeWarning, STRATEGY_WORDS, trafficSteps, type EndpointType, type Mode, type Strategy } from "../core/rollout-plan";
import { newRolloutId, PREVIOUS_CONFIG_TAG, rolloutSteps, ROLLOUT_TAG_PREFIX, type RolloutState } from "../core/rollout-state";
import type { ModelRef } from "../core/model-ref";
import { AwsError, CredentialsError, GateError, MlopsError, UsageError } from "../errors";
import { validator } from "../io/prompt";
import { checkTagBudget } from "./record";
import { observe, reconcile, type Booked, type Observation } from "./reconcile";
import type { Pace } from "./poll";

/**
 * Planning a deploy: every input checked and everything read before the first change. Nothing
 * here changes anything in AWS, except booking the ending of an earlier rollout that ended while
 * nobody watched (reconcile), which a dry run only reports.
 */

const INSTANCE_TYPES = Object.values(ProductionVariantInstanceType);

export interface DeployPlan {
  endpoint: string;
  rolloutId: string;
  settings: DeploySettings;
  mode: Mode | "create";
  engine: "guardrails" | "traffic";
  /** The strategy that runs (serverless: all at once, whatever was asked). */
  strategy: Strategy;
  type: EndpointType;
  specs: DeploySpecs;
  /** The endpoint as it is; `config` is missing when the serving config was deleted outside mlops. */
  current?: { observation: Observation; endpoint: Endpoint; config?: EndpointConfig };
  deploymentConfig?: DeploymentConfig;
  /** Alarms this rollout creates (auto alarms, the abort alarm, retargeted copies): all its own. */
  createAlarms: AlarmDefinition[];
  /** Every alarm the rollout watches. */
  alarmNames: string[];
  timeoutSeconds: number;
  expectedSeconds: number;
  /** What the plan says beside itself: printed on stderr before the rollout, and in the report. */
  notes: Note[];
  modelPackageArn?: string;
  /** The endpoint already runs this model with this capacity: nothing to do. */
  alreadyServing: boolean;
  /** An earlier rollout's ending that reconcile booked first. */
  booked?: Booked;
}

type Current = NonNullable<Awaited<ReturnType<typeof readCurrent>>>;

/** Check every input and read the current state. */
export async function planDeploy(flags: DeployFlags, ctx: Context, pace: Pace): Promise<DeployPlan> {
  const settings = resolveDeploySettings(flags, ctx.env, ctx.config.values, INSTANCE_TYPES);
  ctx.prompt.requireAll([
    ["--endpoint", settings.endpoint !== undefined],
    ["--model-package (or --image and --model-data)", settings.source !== undefined],
  ]);
  const endpointName = settings.endpoint ?? (await ctx.prompt.text({ flag: "--endpoint", message: "Endpoint name", validate: validator((v) => checkResourceName("--endpoint", v)) }));
  checkResourceName("--endpoint", endpointName);
  if (!settings.source) {
    const ref = await ctx.prompt.text({
      flag: "--model-package",
      message: "Model version to deploy (GROUP@latest-approved, GROUP/VERSION or ARN)",
      // As the flag is checked, and the version must exist and be approved: a typo is asked again.
      validate: validator(async (v) => {
        const source = resolveDeploySettings({ ...flags, modelPackage: v }, ctx.env, ctx.config.values, INSTANCE_TYPES).source;
        // Stryker disable next-line ConditionalExpression,OptionalChaining: with --model-package set, the source is always a package (or resolving throws): the check only narrows the type
        if (source?.kind === "package") await answerError(() => approvedPackage(ctx, source.ref));
      }),
    });
    settings.source = resolveDeploySettings({ ...flags, modelPackage: ref }, ctx.env, ctx.config.values, INSTANCE_TYPES).source;
  }
  const notes: Note[] = [];
  const started = ctx.clock.now().getTime();
  const rolloutId = newRolloutId(started);

  const current = await readCurrent(ctx, pace, endpointName, settings.dryRun, notes);
  // A redeploy keeps the endpoint's size, serverless settings and async output unless told otherwise.
  const missing: string[] = current ? inheritCapacity(settings, current.endpoint, current.config, notes) : [];
  const type = resolveType(settings, flags, current, notes, endpointName);
  const { container, modelPackageArn } = await modelContainer(ctx, settings, notes);
  const roleArn = await resolveRole(ctx, flags, settings, current, missing, endpointName);
  const userAlarms = await checkUserAlarms(ctx, settings.alarms);
  const { mode, engine } = chooseMode(settings, type, current, notes, endpointName);

  const currentSpec = current && currentEndpointSpec(current.endpoint, current.config);
  const specs = deploySpecs({ endpoint: endpointName, mode, type, container, roleArn, ...pickCapacity(settings), current: currentSpec, rolloutId });
  if (currentSpec?.variants.some((v) => v.VariantName === specs.newVariant) && mode === "traffic") {
    throw new MlopsError(`the endpoint already has a variant named ${specs.newVariant}; try again (the next rollout id differs)`);
  }
  const { createAlarms, watched } = planAlarms({ endpoint: endpointName, rolloutId, settings, type, mode, specs, current }, userAlarms, notes);
  const rolloutSettings = { ...settings, alarms: watched };
  // A new endpoint watches no alarms, so it is never warned of a short bake (nothing to fire late).
  const short = shortBakeWarning({ ...rolloutSettings, alarms: watched.filter((a) => !a.endsWith("-abort")) });
  if (short) notes.push(warning(short));
  const dc = mode === "guardrails" ? (deploymentConfig(rolloutSettings) as DeploymentConfig) : undefined;
  const expected = expectedSeconds(mode, rolloutSettings, settings.instanceCount);

  const plan: DeployPlan = {
    endpoint: endpointName,
    rolloutId,
    settings: rolloutSettings,
    mode,
    engine,
    strategy: effectiveStrategy(mode, settings.strategy),
    type,
    specs,
    current: current && { observation: current.observation, endpoint: current.endpoint, config: current.config },
    deploymentConfig: dc,
    createAlarms,
    alarmNames: watched,
    timeoutSeconds: timeoutFor(settings, mode, dc, expected, notes),
    expectedSeconds: expected,
    notes,
    modelPackageArn,
    // No current endpoint, or its config deleted (variants with ModelName ""), never matches the new spec.
    alreadyServing: alreadyServes(currentSpec, specs.config),
    booked: current?.booked,
  };
  if (current && !plan.alreadyServing) checkTagBudget(endpointName, current.observation.tags, newRecord(plan, started));
  return plan;
}

/** The endpoint type: given, or the endpoint's, or real-time; and what SageMaker allows between types. */
function resolveType(settings: DeploySettings, flags: DeployFlags, current: Current | undefined, notes: Note[], endpoint: string): EndpointType {
  const currentType = current ? (configType(current.config) ?? endpointType(current.endpoint)) : undefined;
  const type = settings.type ?? currentType ?? "realtime";
  if (currentType && currentType !== "serverless" && type === "serverless") {
    throw new UsageError(`--type serverless: SageMaker cannot turn an endpoint with instances (${currentType}) into a serverless one`, { hint: "deploy to a new endpoint name" });
  }
  // SageMaker refuses an UpdateEndpoint that adds or removes AsyncInferenceConfig (the endpoint
  // type is fixed once created; sagemaker-python-sdk#3124): say so before anything is created.
  if (currentType && currentType !== "serverless" && (currentType === "async") !== (type === "async")) {
    throw new UsageError(`--type ${type}: ${endpoint} is ${currentType === "async" ? "an asynchronous" : "a real-time"} endpoint, and SageMaker cannot ${type === "async" ? "add AsyncInferenceConfig to" : "remove AsyncInferenceConfig from"} an endpoint on update`, {
      hint: `deploy to a new endpoint name (--endpoint ${endpoint}-${type}) and move its callers over; leave out --type (and endpoint.type in mlops.yaml) to keep ${endpoint}'s type`,
    });
  }
  if (type === "async" && !settings.asyncOutput) throw new UsageError("--async-output is required for an asynchronous endpoint: the s3:// prefix where results are written");
  if (currentType === "serverless" && type !== "serverless") notes.push(info(`${endpoint} moves from serverless to ${type}; SageMaker allows this one way only`));
  if (type === "serverless" && flags.instanceType !== undefined) throw new UsageError("--instance-type does not apply to a serverless endpoint: use --memory-mb and --max-concurrency");
  return type;
}

/**
 * The role: given, from mlops.yaml, or the one the serving model uses; asked for on a terminal.
 * Every value mlops cannot find for itself (`missing` so far, and the role) is named in one error.
 */
async function resolveRole(ctx: Context, flags: DeployFlags, settings: DeploySettings, current: Current | undefined, missing: string[], endpoint: string): Promise<string> {
  let roleArn = settings.roleArn;
  const servingModel = current?.config?.ProductionVariants?.[0]?.ModelName;
  if (!roleArn && servingModel) roleArn = (await describeModel(ctx.aws, servingModel))?.ExecutionRoleArn;
  if (!roleArn && !ctx.prompt.interactive) missing.push("--role-arn");
  if (missing.length > 0) {
    const why = current && !current.config ? `: the serving config ${current.endpoint.EndpointConfigName} of ${endpoint} no longer exists, so mlops cannot take ${missing.length > 1 ? "them" : "it"} from there` : " when not running interactively";
    throw new UsageError(`${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} required${why}`);
  }
  if (roleArn) return roleArn;
  const answer = await ctx.prompt.text({
    flag: "--role-arn",
    message: "IAM role SageMaker uses to pull the image and model (arn:aws:iam::…:role/…)",
    validate: validator((v) => resolveDeploySettings({ ...flags, roleArn: v }, ctx.env, ctx.config.values, INSTANCE_TYPES)),
  });
  return resolveDeploySettings({ ...flags, roleArn: answer }, ctx.env, ctx.config.values, INSTANCE_TYPES).roleArn!;
}

/** Create, or which engine runs the rollout; with the notes that say why. */
function chooseMode(settings: DeploySettings, type: EndpointType, current: Current | undefined, notes: Note[], endpoint: string): { mode: Mode | "create"; engine: "guardrails" | "traffic" } {
  if (!current) {
    // Said only to someone who asked for a strategy: without one, nothing they asked for is put off.
    notes.push(info(`${endpoint} does not exist yet: it is created with this version${settings.given.strategy ? "; --strategy applies from the next deploy" : ""}`));
    return { mode: "create", engine: settings.engine ?? "guardrails" };
  }
  const choice = chooseEngine({ type, requested: settings.engine, pause: settings.pause, variantCount: current.endpoint.ProductionVariants?.length ?? 1, instanceCount: settings.instanceCount, instanceType: settings.instanceType, settings });
  if (choice.note) notes.push(info(choice.note));
  if (!current.config) {
    if (choice.mode === "traffic") {
      throw new UsageError(`the serving config ${current.endpoint.EndpointConfigName} no longer exists, and the traffic engine needs it to run the new version beside the old`, {
        hint: "use SageMaker's guardrails, which roll back to the running fleet: --strategy all-at-once or blue-green, or a canary or linear rollout on 2 instances or more",
      });
    }
    notes.push(warning(`the serving config ${current.endpoint.EndpointConfigName} no longer exists (deleted outside mlops): ${choice.mode === "guardrails" ? "SageMaker can still roll back to the running fleet, but `mlops rollback` will have nowhere to go" : "if an alarm fires there is no config to go back to"}`));
  }
  if (choice.mode === "guardrails") notes.push(...guardrailNotes(settings));
  if (choice.mode === "serverless" && settings.strategy !== "all-at-once") {
    const watch = trafficSteps(settings).reduce((total, s) => total + s.bake, 0);
    notes.push(info(`a serverless endpoint holds one variant, so --strategy ${settings.strategy} runs as all at once, then a watch of the alarms for ${formatDuration(watch)}`));
  }
  return { mode: choice.mode, engine: choice.engine };
}

/**
 * The alarms a rollout watches: the user's (checked against what the endpoint will have, retargeted
 * on the traffic engine), its auto alarms, and on the guardrails engine the abort alarm. The ones
 * it creates are its own.
 */
function planAlarms(
  r: { endpoint: string; rolloutId: string; settings: DeploySettings; type: EndpointType; mode: Mode | "create"; specs: DeploySpecs; current?: Current },
  userAlarms: readonly AlarmState[],
  notes: Note[],
): { createAlarms: AlarmDefinition[]; watched: string[] } {
  const { endpoint, rolloutId, settings, mode, specs } = r;
  const createAlarms: AlarmDefinition[] = [];
  const watched: string[] = [];
  if (mode === "create") {
    if (settings.autoAlarms) notes.push(info("--auto-alarms apply from the next deploy: a new endpoint has no previous version to go back to"));
    return { createAlarms, watched };
  }
  // Past a creation there is a current endpoint (planDeploy plans a creation only when there is none).
  const current = r.current!.endpoint;
  for (const alarm of userAlarms) {
    const scope = alarmScope(alarm.definition, {
      endpoint,
      mode,
      variants: (current.ProductionVariants ?? []).map((v) => v.VariantName!),
      servingVariant: specs.variantName,
      newVariant: specs.newVariant,
      newConfig: specs.config.EndpointConfigName,
      currentConfig: current.EndpointConfigName,
    });
    if (scope.problem) throw new UsageError(scope.problem, { hint: "name an alarm on the endpoint's serving variant, or use --auto-alarms, which watch the new version only" });
    if (scope.note) notes.push(info(scope.note));
    if (scope.retarget) {
      const copy = retargetedAlarm(alarm.definition, copyAlarmName(endpoint, rolloutId, alarm.name), scope.retarget.from, scope.retarget.to) as AlarmDefinition;
      createAlarms.push(copy);
      watched.push(copy.AlarmName);
    } else watched.push(alarm.name);
  }
  if (settings.autoAlarms) {
    // Metrics carry EndpointConfigName only during and after guardrail deployments: elsewhere the
    // new version is told apart by its variant.
    const auto = autoAlarms({ endpoint, rolloutId, variant: specs.newVariant, config: mode === "guardrails" ? specs.config.EndpointConfigName : undefined }, r.type, { maxErrorRate: settings.maxErrorRate, maxLatencyMs: settings.maxLatencyMs });
    createAlarms.push(...auto);
    watched.push(...auto.map((a) => a.AlarmName));
  }
  if (watched.length > 10) throw new UsageError(`--alarm and --auto-alarms make ${watched.length} alarms; a deployment takes at most 10`);
  if (watched.length === 0) notes.push(warning("no alarms (--alarm or --auto-alarms): nothing will roll this deployment back by itself"));
  // SageMaker offers no call to stop a guardrail deployment; an alarm of its own lets `mlops abort` do it.
  if (mode === "guardrails") {
    if (watched.length < 10) {
      const abort = abortAlarm(endpoint, specs.config.EndpointConfigName, rolloutId);
      createAlarms.push(abort);
      watched.push(abort.AlarmName);
    } else notes.push(info("10 alarms leave no room for mlops's abort alarm: `mlops abort` cannot stop this deployment"));
  }
  return { createAlarms, watched };
}

/** How long deploy waits, in seconds: --timeout, else what the plan needs; warns when --timeout is shorter than the plan. */
function timeoutFor(settings: DeploySettings, mode: Mode | "create", dc: DeploymentConfig | undefined, expected: number, notes: Note[]): number {
  const limit = dc?.BlueGreenUpdatePolicy?.MaximumExecutionTimeoutInSeconds ?? dc?.RollingUpdatePolicy?.MaximumExecutionTimeoutInSeconds;
  if (settings.timeoutSeconds === undefined) return mode === "create" ? 3600 : settings.pause ? 7 * 86_400 : limit !== undefined ? limit + 600 : expected * 2 + 1800;
  if (settings.wait && !settings.pause && settings.timeoutSeconds < expected) {
    notes.push(warning(`--timeout ${formatDuration(settings.timeoutSeconds)} is shorter than this rollout is expected to take on AWS (about ${formatDuration(expected)}): mlops will stop waiting before the end (exit 5)`));
  }
  return settings.timeoutSeconds;
}

/** The endpoint, reconciled; refuses while another update or rollout is under way. */
async function readCurrent(ctx: Context, pace: Pace, name: string, dryRun: boolean, notes: Note[]) {
  if (!(await describeEndpoint(ctx.aws, name))) return undefined;
  let observation: Observation;
  let booked: Booked | undefined;
  if (dryRun) {
    observation = await observe(ctx.aws, name, ctx.clock.now());
    if (observation.verdict.kind === "ended") notes.push(info(`rollout ${observation.rollout!.id} ended while nobody watched (${observation.verdict.why}); a real deploy books its ending first`));
  } else {
    ({ observation, booked } = await reconcile({ aws: ctx.aws, io: ctx.io, clock: ctx.clock, pace }, name));
  }
  const endpoint = observation.endpoint;
  if (endpoint.EndpointStatus === "Failed") {
    throw new MlopsError(`endpoint ${name} is in the Failed state: SageMaker allows only deleting it`, { hint: `delete it (aws sagemaker delete-endpoint --endpoint-name ${name}) and deploy again` });
  }
  const rollout = observation.rollout;
  if (observation.verdict.kind === "stalled" || (observation.verdict.kind === "running" && observation.verdict.by === "driver")) {
    const live = observation.verdict.kind === "running";
    throw new MlopsError(`rollout ${rollout!.id} (${STRATEGY_WORDS[rollout!.strategy]} on the ${rollout!.mode} engine) on ${name} is ${rollout!.phase}${live ? "" : ` with nobody driving it: ${(observation.verdict as { why: string }).why}`}; this deploy is refused`, {
      hint:
        rollout!.phase === "finalizing"
          ? `it is making the new version the only one and ends by itself: \`mlops status --endpoint ${name} --watch\``
          : `finish it with \`mlops promote --endpoint ${name}\` or \`mlops abort --endpoint ${name}\``,
    });
  }
  if (endpoint.EndpointStatus !== "InService") {
    throw new MlopsError(`endpoint ${name} is ${endpoint.EndpointStatus}: another update is in progress, so this deploy is refused`, { hint: `watch it with \`mlops status --endpoint ${name} --watch\`` });
  }
  const config = await describeEndpointConfig(ctx.aws, endpoint.EndpointConfigName!);
  return { observation, endpoint, config, booked };
}

/** The model: a registered, approved version, or an image and artifact that exists. */
async function modelContainer(ctx: Context, settings: DeploySettings, notes: Note[]): Promise<{ container: Container; modelPackageArn?: string }> {
  const source = settings.source!;
  const environment = Object.keys(settings.environment).length > 0 ? settings.environment : undefined;
  if (source.kind === "package") {
    const pkg = await approvedPackage(ctx, source.ref);
    // CreateModel takes an environment beside a package's own (refused by AWS until 2023), but
    // which value a key set in both gets is not documented: say so rather than guess.
    const packaged = new Set((pkg.InferenceSpecification?.Containers ?? []).flatMap((c) => Object.keys(c.Environment ?? {})));
    const both = Object.keys(settings.environment).filter((k) => packaged.has(k));
    if (both.length > 0) notes.push(warning(`--env ${both.join(", ")}: also set in ${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion}'s own environment; AWS does not document which value the container gets`));
    return { container: { ModelPackageName: pkg.ModelPackageArn, Environment: environment }, modelPackageArn: pkg.ModelPackageArn };
  }
  if ((await objectExists(ctx.aws, source.modelData)) === "no") throw new UsageError(`--model-data: s3://${source.modelData.bucket}/${source.modelData.key} does not exist`);
  return { container: { Image: source.image, ModelDataUrl: `s3://${source.modelData.bucket}/${source.modelData.key}`, Environment: environment } };
}

/** The version a ref names, which must exist (else MlopsError) and be approved (else GateError, exit 4). */
async function approvedPackage(ctx: Context, ref: ModelRef): Promise<ModelPackage> {
  const pkg = await resolveModelRef(ctx.aws, ref);
  if (pkg.ModelApprovalStatus !== "Approved") {
    throw new GateError(`${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion} is ${pkg.ModelApprovalStatus}: only approved versions can be deployed`, {
      hint: `approve it with \`mlops models approve ${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion}\`, or deploy ${pkg.ModelPackageGroupName}@latest-approved`,
    });
  }
  return pkg;
}

/**
 * At a prompt, what is wrong with the answer (a version that does not exist or is not approved)
 * is asked again, as a UsageError; what is wrong elsewhere (AWS unreachable, no credentials) is
 * not, and is reported by the command's own check after the prompt.
 */
async function answerError(check: () => Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof MlopsError && !(error instanceof AwsError) && !(error instanceof CredentialsError)) throw new UsageError(error.message, { hint: error.hint });
    throw error;
  }
}

/** Existing alarms must exist, and must not already be in ALARM (that would roll back at once). */
async function checkUserAlarms(ctx: Context, names: readonly string[]): Promise<AlarmState[]> {
  // No names: CloudWatch is not asked (alarmStates sends nothing for an empty list).
  const states = await alarmStates(ctx.aws, names);
  const missing = names.filter((n) => !states.some((s) => s.name === n));
  if (missing.length > 0) throw new UsageError(`--alarm: no CloudWatch alarm named ${missing.join(", ")}`, { hint: "create it first, or use --auto-alarms" });
  const firing = states.filter((s) => s.state === "ALARM");
  if (firing.length > 0) {
    throw new UsageError(`--alarm: ${firing.map((s) => s.name).join(", ")} is in ALARM now, so the deployment would roll back at once`, {
      hint: "fix what it watches, or use --auto-alarms, which watch only the new version",
    });
  }
  return states;
}

/** SageMaker sizes guardrail steps in whole instances: say so when that changes the plan. */
function guardrailNotes(settings: DeploySettings): Note[] {
  const total = settings.instanceCount;
  if (settings.strategy === "canary") {
    const canary = instancesFor(settings.canaryPercent, total);
    const share = Math.round((100 * canary) / total);
    if (share !== Math.round(settings.canaryPercent)) {
      return [info(`SageMaker sizes a canary in instances: ${settings.canaryPercent} % of ${total} instance(s) is ${canary}, which takes ${share} % of the traffic; --engine traffic gives exactly ${settings.canaryPercent} %`)];
    }
  }
  if (settings.strategy === "linear" || settings.strategy === "rolling") {
    const steps = guardrailSteps(settings, total);
    const nominal = trafficSteps(settings);
    if (steps.length !== nominal.length) {
      const step = instancesFor(settings.linearStep, total);
      const what = settings.strategy === "linear" ? "linear steps" : "rolling batches";
      return [info(`SageMaker sizes ${what} in instances: ${settings.linearStep} % of ${total} instance(s) is ${step}, so traffic moves in ${steps.length} step(s): ${steps.map((s) => `${s.weight} %`).join(", ")}`)];
    }
  }
  return [];
}

/** The endpoint's current variants, from its config, or from DescribeEndpoint when the config is gone. */
function currentEndpointSpec(endpoint: Endpoint, config: EndpointConfig | undefined): CurrentEndpoint {
  const weights = Object.fromEntries((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName!, v.CurrentWeight ?? 1]));
  if (!config) {
    return {
      configName: endpoint.EndpointConfigName!,
      variants: (endpoint.ProductionVariants ?? []).map((v) => ({ VariantName: v.VariantName!, ModelName: "", InitialInstanceCount: v.CurrentInstanceCount, InitialVariantWeight: v.CurrentWeight })),
      weights,
    };
  }
  return {
    configName: config.EndpointConfigName!,
    variants: (config.ProductionVariants ?? []).map((v) => ({
      VariantName: v.VariantName!,
      ModelName: v.ModelName!,
      InstanceType: v.InstanceType,
      InitialInstanceCount: v.InitialInstanceCount,
      InitialVariantWeight: v.InitialVariantWeight,
      ServerlessConfig: v.ServerlessConfig as ConfigSpec["ProductionVariants"][number]["ServerlessConfig"],
    })),
    asyncInferenceConfig: config.AsyncInferenceConfig as ConfigSpec["AsyncInferenceConfig"],
    weights,
  };
}

function endpointType(endpoint: Endpoint): EndpointType {
  if (endpoint.AsyncInferenceConfig) return "async";
  return endpoint.ProductionVariants?.some((v) => v.CurrentServerlessConfig) ? "serverless" : "realtime";
}

function pickCapacity({ instanceType, instanceCount, memoryMb, maxConcurrency, asyncOutput, asyncConcurrency }: DeploySettings): EndpointCapacity {
  return { instanceType, instanceCount, memoryMb, maxConcurrency, asyncOutput, asyncConcurrency };
}

/**
 * Capacity the user did not give comes from what serves now, so that a redeploy keeps the
 * endpoint as it is: from the serving config, or, when that was deleted, from what
 * DescribeEndpoint still tells. Returns the flags that must be given: the instance type, which
 * DescribeEndpoint does not tell.
 */
function inheritCapacity(settings: DeploySettings, endpoint: Endpoint, config: EndpointConfig | undefined, notes: Note[]): string[] {
  const live = endpoint.ProductionVariants?.[0];
  const variant = config?.ProductionVariants?.[0];
  const serverless = variant?.ServerlessConfig ?? live?.CurrentServerlessConfig;
  // DescribeEndpoint does not tell the instance type: without the config, only the user can.
  const missing = !config && !serverless && !settings.given.instanceType ? ["--instance-type"] : [];
  if (!settings.given.instanceType && variant?.InstanceType) settings.instanceType = variant.InstanceType;
  const count = endpoint.ProductionVariants?.find((v) => v.VariantName === (variant?.VariantName ?? live?.VariantName))?.CurrentInstanceCount ?? variant?.InitialInstanceCount;
  if (!settings.given.instanceCount && count) settings.instanceCount = count;
  // A count saved in mlops.yaml (or given) that is below the live fleet is easy to miss: say it shrinks.
  else if (settings.given.instanceCount && count && settings.instanceCount < count && !serverless) {
    notes.push(warning(`${endpoint.EndpointName} runs ${count} instances now; the settings (--instance-count or mlops.yaml endpoint.instanceCount) ask for ${settings.instanceCount}: the fleet shrinks (${count} → ${settings.instanceCount} instances)`));
  }
  if (!settings.given.memoryMb && serverless?.MemorySizeInMB) settings.memoryMb = serverless.MemorySizeInMB;
  if (!settings.given.maxConcurrency && serverless?.MaxConcurrency) settings.maxConcurrency = serverless.MaxConcurrency;
  const asyncConfig = config?.AsyncInferenceConfig ?? endpoint.AsyncInferenceConfig;
  const output = asyncConfig?.OutputConfig?.S3OutputPath;
  if (!settings.given.asyncOutput && output) settings.asyncOutput = parseS3Prefix("the serving config's S3OutputPath", output);
  const concurrency = asyncConfig?.ClientConfig?.MaxConcurrentInvocationsPerInstance;
  if (!settings.given.asyncConcurrency && concurrency) settings.asyncConcurrency = concurrency;
  return missing;
}

/** The rollout record at the start of a deploy (every engine). */
export function newRecord(plan: DeployPlan, started: number): RolloutState {
  const mode = plan.mode;
  const { canaryPercent, linearStep, bake, finalBake } = plan.settings;
  const rolloutPlan = { canaryPercent, linearStep, bake, finalBake };
  const traffic = mode === "traffic";
  return {
    id: plan.rolloutId,
    mode,
    strategy: plan.strategy,
    phase: mode === "traffic" || mode === "serverless" ? "preparing" : "updating",
    finished: false,
    plan: rolloutPlan,
    steps: rolloutSteps(mode, plan.settings.strategy, rolloutPlan, plan.alarmNames),
    step: -1,
    weight: 0,
    oldConfig: plan.current?.endpoint.EndpointConfigName ?? "",
    newConfig: plan.specs.config.EndpointConfigName,
    modelPackage: plan.modelPackageArn,
    mixConfig: traffic ? plan.specs.mix!.EndpointConfigName : undefined,
    newVariant: traffic ? plan.specs.newVariant : undefined,
    oldVariants: (plan.current?.endpoint.ProductionVariants ?? []).map((v) => ({ name: v.VariantName!, weight: v.CurrentWeight ?? 1 })),
    takenCommandIds: [],
    alarms: plan.alarmNames,
    ownedAlarms: plan.createAlarms.map((a) => a.AlarmName),
    pollSeconds: plan.settings.pollSeconds,
    keepOld: plan.settings.keepOld,
    pause: plan.settings.pause,
    startedAt: started,
    phaseSince: started,
    heartbeat: started,
  };
}

/** The calls a deploy makes, in order, with their key parameters: `--dry-run`'s answer. */
export function dryRunCalls(plan: DeployPlan): Array<{ operation: string; detail: string }> {
  const { specs } = plan;
  const variant = specs.config.ProductionVariants[0]!;
  const capacity = variant.ServerlessConfig ? `ServerlessConfig=${variant.ServerlessConfig.MemorySizeInMB}MB/${variant.ServerlessConfig.MaxConcurrency}` : `${variant.InstanceType}×${variant.InitialInstanceCount}`;
  const container = specs.model.PrimaryContainer;
  const calls = [
    { operation: "sagemaker:CreateModel", detail: `ModelName=${specs.model.ModelName} ${container.ModelPackageName ? `ModelPackageName=${container.ModelPackageName}` : `Image=${container.Image} ModelDataUrl=${container.ModelDataUrl}`}${container.Environment ? ` Environment=${Object.keys(container.Environment).join(",")}` : ""}` },
    { operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${specs.config.EndpointConfigName} VariantName=${variant.VariantName} ${capacity}${asyncDetail(specs.config.AsyncInferenceConfig)}` },
  ];
  const record = { operation: "sagemaker:AddTags", detail: `${ROLLOUT_TAG_PREFIX}* on ${plan.endpoint}: the rollout's record (target, previous, engine, phase), for status/rollback/promote/abort` };
  if (plan.mode === "create") return [...calls, { operation: "sagemaker:CreateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName}` }, record];
  if (specs.mix) calls.push({ operation: "sagemaker:CreateEndpointConfig", detail: `EndpointConfigName=${specs.mix.EndpointConfigName} (old variants + ${specs.newVariant} at weight 0)` });
  for (const alarm of plan.createAlarms) calls.push({ operation: "cloudwatch:PutMetricAlarm", detail: `AlarmName=${alarm.AlarmName} ${alarm.MetricName ?? "metric math"} > ${alarm.Threshold}` });
  if (plan.mode === "guardrails") {
    // A guardrail plan always has a deployment config (planDeploy); a rolling one has no BlueGreenUpdatePolicy.
    const routing = plan.deploymentConfig!.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
    calls.push({
      operation: "sagemaker:UpdateEndpoint",
      detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName} DeploymentConfig=${routing ? routing.Type : "RollingUpdatePolicy"} alarms=[${plan.alarmNames.join(",")}]`,
    });
    calls.push(record);
  } else if (plan.mode === "traffic") {
    calls.push({ operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.mix!.EndpointConfigName}` });
    calls.push(record);
    for (const step of trafficSteps(plan.settings)) calls.push({ operation: "sagemaker:UpdateEndpointWeightsAndCapacities", detail: `${specs.newVariant}=${step.weight}%, then watch alarms for ${formatDuration(step.bake)}` });
    calls.push({ operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName} (the new version alone, as ${specs.variantName})` });
  } else {
    const watch = trafficSteps(plan.settings).reduce((total, s) => total + s.bake, 0);
    calls.push({ operation: "sagemaker:UpdateEndpoint", detail: `EndpointName=${plan.endpoint} EndpointConfigName=${specs.config.EndpointConfigName} (all at once), then watch alarms for ${formatDuration(watch)}` });
    calls.push(record);
  }
  return [...calls, ...finishCalls(plan)];
}

function asyncDetail(config: DeploySpecs["config"]["AsyncInferenceConfig"]): string {
  if (!config) return "";
  const concurrency = config.ClientConfig?.MaxConcurrentInvocationsPerInstance;
  return ` AsyncInferenceConfig=${config.OutputConfig.S3OutputPath}${concurrency ? ` MaxConcurrentInvocationsPerInstance=${concurrency}` : ""}`;
}

/** What booking the ending does, for the dry run. */
function finishCalls(plan: DeployPlan): Array<{ operation: string; detail: string }> {
  const old = plan.current!.endpoint.EndpointConfigName!;
  const previous = plan.current!.observation.wayBack;
  const calls = [{ operation: "sagemaker:AddTags", detail: `${PREVIOUS_CONFIG_TAG}=${old} once deployed: \`mlops rollback\` goes back to it` }];
  if (!plan.settings.keepOld) {
    const losers = [plan.specs.mix?.EndpointConfigName, previous !== old ? previous : undefined].filter((c): c is string => !!c);
    if (losers.length > 0) calls.push({ operation: "sagemaker:DeleteEndpointConfig", detail: `${losers.join(", ")} once deployed, and their models (only what mlops made for ${plan.endpoint})` });
    calls.push({ operation: "sagemaker:DeleteEndpointConfig", detail: `${[plan.specs.config.EndpointConfigName, plan.specs.mix?.EndpointConfigName].filter(Boolean).join(", ")} if rolled back, and the new model` });
  }
  if (plan.createAlarms.length > 0) calls.push({ operation: "cloudwatch:DeleteAlarms", detail: `${plan.createAlarms.map((a) => a.AlarmName).join(", ")} when the rollout ends` });
  return calls;
}

