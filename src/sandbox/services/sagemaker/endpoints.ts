import { ProductionVariantAcceleratorType, ProductionVariantInferenceAmiVersion } from "@aws-sdk/client-sagemaker";
import { paginate } from "../../paginate";
import { record } from "../../records";
import type { Operation, OperationContext } from "../../service";
import { bool, int, list, map, num, required, str, struct, type Spec } from "../../validate";
import { DEFAULT_PAGE_SIZE, errors, INSTANCE_TYPES, listByName, MODEL_NAME_PATTERN, NAME_PATTERN, nameAndTimeFilters, nameFrom, ROLE_ARN, sortSpec, TAG_CHARS, tagList, VERSIONED_NAME_OR_ARN, type NameAndTimeFilter } from "./common";
import { executionLimit, instancesFor, phaseAt, planUpdate, totalSeconds, type DeploymentConfig, type Phase } from "./deployment";
import type { RegistryState } from "./registry";

/**
 * Models, endpoint configs and endpoints. Endpoints follow SageMaker's status machine on the
 * sandbox clock: Creating → InService; Updating through guardrail phases (Creating,
 * ActivatingTraffic, Baking) with a PendingDeploymentSummary; back to InService on the old
 * config with a FailureReason when a rollback alarm is in ALARM.
 */

interface Container {
  Image?: string;
  ModelDataUrl?: string;
  Environment?: Record<string, string>;
  ModelPackageName?: string;
}

interface ModelRecord {
  name: string;
  arn: string;
  created: number;
  executionRoleArn?: string;
  containers: Container[];
  /** The container environment in effect: the model package's, overridden by the model's own. */
  environment: Record<string, string>;
  image?: string;
  enableNetworkIsolation?: boolean;
}

interface ServerlessConfig {
  MemorySizeInMB: number;
  MaxConcurrency: number;
  ProvisionedConcurrency?: number;
}

interface VariantSpec {
  VariantName: string;
  ModelName: string;
  InitialInstanceCount?: number;
  InstanceType?: string;
  InitialVariantWeight?: number;
  ServerlessConfig?: ServerlessConfig;
}

interface EndpointConfigRecord {
  name: string;
  arn: string;
  created: number;
  variants: VariantSpec[];
  shadowVariants?: VariantSpec[];
  asyncInferenceConfig?: unknown;
  dataCaptureConfig?: unknown;
}

/** A variant as it serves on an endpoint. */
export interface LiveVariant {
  name: string;
  modelName: string;
  configName: string;
  instanceType?: string;
  instances: number;
  weight: number;
  desiredWeight: number;
  /** Set while an UpdateEndpointWeightsAndCapacities runs: SageMaker shows the desired values from its start. */
  desiredInstances?: number;
  serverless?: ServerlessConfig;
  desiredServerless?: ServerlessConfig;
}

interface Update {
  kind: "create" | "update";
  targetConfig: string;
  /** Epoch ms, sandbox time. */
  started: number;
  phases: Phase[];
  alarms: string[];
  limitSeconds: number;
  deploymentConfig?: DeploymentConfig;
  /** False when the new model fails its health checks (MLOPS_SANDBOX_HEALTH=fail). */
  healthy: boolean;
  /** RetainAllVariantProperties: what same-named variants keep of the serving fleet, by variant name. */
  retained?: Record<string, { instances?: number; weight?: number }>;
  rollback?: { started: number; reason: string };
}

/** EndpointStatus, the enum of the SageMaker model. */
const ENDPOINT_STATUSES = ["OutOfService", "Creating", "Updating", "SystemUpdating", "RollingBack", "InService", "Deleting", "Failed", "UpdateRollbackFailed"] as const;

export interface EndpointRecord {
  name: string;
  arn: string;
  created: number;
  modified: number;
  status: (typeof ENDPOINT_STATUSES)[number];
  failureReason?: string;
  /** The config serving now; undefined until the first creation succeeds. */
  configName?: string;
  variants: LiveVariant[];
  deploymentConfig?: DeploymentConfig;
  lastDeploymentConfig?: DeploymentConfig;
  update?: Update;
  weights?: { started: number; desired: Array<{ VariantName: string; DesiredWeight?: number; DesiredInstanceCount?: number; ServerlessUpdateConfig?: Partial<ServerlessConfig> }> };
  deleting?: number;
  /** The serving config's AsyncInferenceConfig, kept by the endpoint (it outlives a deleted config). */
  asyncInferenceConfig?: unknown;
}

export interface EndpointsState {
  models: Record<string, ModelRecord>;
  endpointConfigs: Record<string, EndpointConfigRecord>;
  endpoints: Record<string, EndpointRecord>;
  /** Tags by resource ARN. */
  tags: Record<string, Record<string, string>>;
}

export const initialEndpointsState = (): EndpointsState => ({ models: {}, endpointConfigs: {}, endpoints: {}, tags: {} });

/** How long things take, in sandbox seconds. */
export interface EndpointTiming {
  launch: number;
  activate: number;
  weights: number;
  rollback: number;
  delete: number;
}

export const DEFAULT_TIMING: EndpointTiming = { launch: 120, activate: 10, weights: 10, rollback: 30, delete: 10 };

type State = RegistryState & EndpointsState;
type Ctx = OperationContext<State>;

/** Which alarms are in ALARM now: CloudWatch's state, read across services. */
export type AlarmStates = (names: readonly string[]) => { inAlarm: string[]; missing: string[] };

const KMS_KEY_ID = /[a-zA-Z0-9:\/_-]*/;
const SAGEMAKER_ARN = /arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+/;
/** S3Uri of async inference outputs, as the model has it (one character of bucket suffices). */
const S3_OR_HTTPS_PATH = /(https|s3):\/\/([^/])\/?(.*)/;
const container: Spec = struct({
  Image: str({ max: 255, pattern: /[\S]+/ }),
  ModelDataUrl: str({ max: 1024, pattern: /^(https|s3):\/\/([^/]+)\/?(.*)$/ }),
  Environment: map(str({ max: 1024 }), { max: 100, key: str({ max: 1024, pattern: /[a-zA-Z_][a-zA-Z0-9_]*/ }) }),
  ModelPackageName: str({ min: 1, max: 176, pattern: VERSIONED_NAME_OR_ARN }),
  ContainerHostname: str({ max: 63, pattern: NAME_PATTERN }),
  Mode: str({ enum: ["SingleModel", "MultiModel"] }),
  InferenceSpecificationName: str({ min: 1, max: 63, pattern: NAME_PATTERN }),
});
const variantSpec: Spec = struct({
  VariantName: required(str({ max: 63, pattern: NAME_PATTERN })),
  ModelName: str({ max: 63, pattern: MODEL_NAME_PATTERN }),
  InitialInstanceCount: int({ min: 1 }),
  InstanceType: str({ enum: INSTANCE_TYPES }),
  InitialVariantWeight: num({ min: 0 }),
  VolumeSizeInGB: int({ min: 1, max: 512 }),
  ModelDataDownloadTimeoutInSeconds: int({ min: 60, max: 3600 }),
  ContainerStartupHealthCheckTimeoutInSeconds: int({ min: 60, max: 3600 }),
  VariantInstanceProvisionTimeoutInSeconds: int({ min: 300, max: 3600 }),
  AcceleratorType: str({ enum: Object.values(ProductionVariantAcceleratorType) }),
  InferenceAmiVersion: str({ enum: Object.values(ProductionVariantInferenceAmiVersion) }),
  EnableSSMAccess: bool(),
  ServerlessConfig: struct({ MemorySizeInMB: required(int({ min: 1024, max: 6144 })), MaxConcurrency: required(int({ min: 1, max: 200 })), ProvisionedConcurrency: int({ min: 1, max: 200 }) }),
});
const capacity = struct({ Type: required(str({ enum: ["INSTANCE_COUNT", "CAPACITY_PERCENT"] })), Value: required(int({ min: 1 })) });
const deploymentConfigSpec: Spec = struct({
  BlueGreenUpdatePolicy: struct({
    TrafficRoutingConfiguration: required(
      struct({ Type: required(str({ enum: ["ALL_AT_ONCE", "CANARY", "LINEAR"] })), WaitIntervalInSeconds: required(int({ min: 0, max: 3600 })), CanarySize: capacity, LinearStepSize: capacity }),
    ),
    TerminationWaitInSeconds: int({ min: 0, max: 3600 }),
    MaximumExecutionTimeoutInSeconds: int({ min: 600, max: 28800 }),
  }),
  RollingUpdatePolicy: struct({
    MaximumBatchSize: required(capacity),
    WaitIntervalInSeconds: required(int({ min: 0, max: 3600 })),
    MaximumExecutionTimeoutInSeconds: int({ min: 600, max: 28800 }),
    RollbackMaximumBatchSize: capacity,
  }),
  AutoRollbackConfiguration: struct({ Alarms: list(struct({ AlarmName: str({ min: 1, max: 255, pattern: /(?!\s*$).+/ }) }), { min: 1, max: 10 }) }),
});

/** The kinds of resource this module keeps: what SageMaker calls them in messages, and their ARN type. */
const KINDS = {
  model: { what: "model", arnType: "model" },
  endpointConfig: { what: "endpoint configuration", arnType: "endpoint-config" },
  endpoint: { what: "endpoint", arnType: "endpoint" },
} as const;
type Kind = (typeof KINDS)[keyof typeof KINDS];

/** `arn:…:<type>/<name>`: SageMaker lower-cases names in ARNs. */
const arnOf = (ctx: Ctx, kind: Kind, name: string) => ctx.arn(`${kind.arnType}/${name.toLowerCase()}`);

/**
 * SageMaker's not-found answer names the resource's ARN, e.g. `Could not find endpoint
 * "arn:aws:sagemaker:us-west-2:…:endpoint/name".` (ValidationException; seen in
 * aws/amazon-sagemaker-examples#2402 for endpoints and aws/sagemaker-python-sdk#2112 for models).
 */
const notFound = (ctx: Ctx, kind: Kind, name: string) => errors.validation(`Could not find ${kind.what} "${arnOf(ctx, kind, nameFrom(name))}".`);

/** A record by name or ARN; names match without regard to case, as in SageMaker. */
function lookup<T>(records: Record<string, T>, name: string): T | undefined {
  const wanted = nameFrom(name);
  // Own keys only (Object.entries): names such as "constructor" must not find Object.prototype's members.
  return Object.entries(records).find(([k]) => k.toLowerCase() === wanted.toLowerCase())?.[1];
}

function find<T>(ctx: Ctx, records: Record<string, T>, name: string, kind: Kind): T {
  const record = lookup(records, name);
  if (!record) throw notFound(ctx, kind, name);
  return record;
}

function packageEnvironment(state: State, packageName: string): { environment: Record<string, string>; image?: string } {
  const match = /model-package\/([^/]+)\/(\d+)$/.exec(packageName);
  const group = match ? Object.values(state.modelPackageGroups).find((g) => g.name.toLowerCase() === match[1]!.toLowerCase()) : undefined;
  const pkg = group?.packages[match![2]!];
  if (!pkg) throw errors.validation(`Model package ${packageName} does not exist.`);
  if (pkg.approval !== "Approved") throw errors.validation(`Model package ${packageName} has approval status ${pkg.approval}; only Approved versioned model packages can be deployed.`);
  const first = (pkg.inferenceSpecification as { Containers?: Container[] } | undefined)?.Containers?.[0];
  return { environment: { ...first?.Environment }, image: first?.Image };
}

function isServerless(config: EndpointConfigRecord): boolean {
  // Stryker disable next-line MethodExpression: a serverless config has exactly one variant (CreateEndpointConfig refuses more), so some and every agree
  return config.variants.some((v) => v.ServerlessConfig);
}

function liveVariants(config: EndpointConfigRecord): LiveVariant[] {
  return config.variants.map((v) => ({
    name: v.VariantName,
    modelName: v.ModelName,
    configName: config.name,
    instanceType: v.InstanceType,
    instances: v.ServerlessConfig ? 0 : (v.InitialInstanceCount ?? 1),
    weight: v.InitialVariantWeight ?? 1,
    desiredWeight: v.InitialVariantWeight ?? 1,
    serverless: v.ServerlessConfig,
  }));
}

/** The variants an update brings: the target config's, with what RetainAllVariantProperties kept. */
function targetVariants(config: EndpointConfigRecord | undefined, u: Update): LiveVariant[] {
  return (config ? liveVariants(config) : []).map((v) => {
    const kept = u.retained?.[v.name];
    return kept ? { ...v, instances: kept.instances ?? v.instances, weight: kept.weight ?? v.weight, desiredWeight: kept.weight ?? v.desiredWeight } : v;
  });
}

/**
 * UpdateEndpoint's RetainAllVariantProperties: variants of the new config named like serving ones
 * keep their current instance count and weight, except the properties listed in
 * ExcludeRetainedVariantProperties (DataCaptureConfig: "not currently supported", the model says).
 */
// Stryker disable next-line ArrayDeclaration: whatever the default holds, it names no variant property, so nothing is excluded either way
function retainedProperties(ep: EndpointRecord, target: EndpointConfigRecord, exclude: ReadonlyArray<{ VariantPropertyType?: string }> = []): Update["retained"] {
  const excluded = new Set(exclude.map((p) => p.VariantPropertyType));
  const retained: NonNullable<Update["retained"]> = record();
  for (const v of target.variants) {
    const live = ep.variants.find((x) => x.name === v.VariantName);
    if (!live) continue;
    retained[v.VariantName] = {
      instances: excluded.has("DesiredInstanceCount") || live.serverless || v.ServerlessConfig ? undefined : live.instances,
      weight: excluded.has("DesiredWeight") ? undefined : live.weight,
    };
  }
  return retained;
}

function healthy(state: State, config: EndpointConfigRecord): boolean {
  return config.variants.every((v) => state.models[v.ModelName]?.environment.MLOPS_SANDBOX_HEALTH !== "fail");
}

/**
 * Bring an endpoint up to `now`: finish launches, weight changes, updates and rollbacks that are
 * due, and start a rollback when a watched alarm is in ALARM. A deleted endpoint leaves `state.endpoints`.
 */
export function settleEndpoint(state: State, ep: EndpointRecord, now: number, alarms: AlarmStates, timing: EndpointTiming): void {
  if (ep.deleting !== undefined) {
    if (now - ep.deleting >= timing.delete * 1000) delete state.endpoints[ep.name];
    return;
  }
  if (ep.weights && now - ep.weights.started >= timing.weights * 1000) {
    for (const d of ep.weights.desired) {
      const v = ep.variants.find((x) => x.name === d.VariantName);
      // Stryker disable next-line ConditionalExpression: defensive; UpdateEndpointWeightsAndCapacities refuses variants the endpoint lacks, and its variants cannot change until the weights apply
      if (!v) continue;
      if (d.DesiredWeight !== undefined) v.weight = v.desiredWeight = d.DesiredWeight;
      if (d.DesiredInstanceCount !== undefined) v.instances = d.DesiredInstanceCount;
      if (d.ServerlessUpdateConfig && v.serverless) v.serverless = { ...v.serverless, ...d.ServerlessUpdateConfig } as ServerlessConfig;
      v.desiredInstances = undefined;
      v.desiredServerless = undefined;
    }
    ep.modified = ep.weights.started + timing.weights * 1000;
    ep.weights = undefined;
    ep.status = "InService";
  }
  const u = ep.update;
  if (!u) return;
  if (u.rollback) {
    const done = u.rollback.started + timing.rollback * 1000;
    if (now >= done) {
      // Only updates roll back: a creation watches no alarms, has no time limit, and fails outright on a failed health check.
      ep.status = "InService";
      ep.failureReason = u.rollback.reason;
      ep.modified = done;
      ep.update = undefined;
    }
    return;
  }
  const elapsed = (now - u.started) / 1000;
  // Every plan starts with its launch (planUpdate; CreateEndpoint's single phase).
  const launchEnd = u.phases[0]!.duration;
  if (!u.healthy && elapsed >= launchEnd) {
    const variant = state.endpointConfigs[u.targetConfig]?.variants[0]!.VariantName ?? "AllTraffic";
    const reason = `The primary container for production variant ${variant} did not pass the ping health check. Please check CloudWatch logs for this endpoint.`;
    if (u.kind === "create") {
      ep.status = "Failed";
      ep.failureReason = reason;
      ep.modified = u.started + launchEnd * 1000;
      ep.update = undefined;
    } else {
      u.rollback = { started: u.started + launchEnd * 1000, reason: `Update failed and was rolled back: ${reason}` };
      settleEndpoint(state, ep, now, alarms, timing);
    }
    return;
  }
  // elapsed ≥ 0 and every plan starts at 0: there is always a phase.
  const phase = phaseAt(u.phases, elapsed)!;
  if (phase.monitored && elapsed < totalSeconds(u.phases)) {
    const { inAlarm } = alarms(u.alarms);
    if (inAlarm.length > 0) {
      u.rollback = { started: now, reason: `Rolled back because CloudWatch alarm(s) ${inAlarm.join(", ")} went into ALARM state during the deployment.` };
      ep.status = "Updating";
      return;
    }
  }
  if (elapsed > u.limitSeconds) {
    u.rollback = { started: u.started + u.limitSeconds * 1000, reason: `Rolled back because the deployment did not finish within MaximumExecutionTimeoutInSeconds (${u.limitSeconds}).` };
    settleEndpoint(state, ep, now, alarms, timing);
    return;
  }
  if (elapsed >= totalSeconds(u.phases)) {
    const config = state.endpointConfigs[u.targetConfig];
    ep.configName = u.targetConfig;
    ep.variants = config ? targetVariants(config, u) : ep.variants;
    ep.asyncInferenceConfig = config?.asyncInferenceConfig;
    ep.status = "InService";
    ep.failureReason = undefined;
    ep.modified = u.started + totalSeconds(u.phases) * 1000;
    ep.update = undefined;
    return;
  }
  ep.status = u.kind === "create" ? "Creating" : "Updating";
}

/** Where traffic goes right now: each serving variant with its share (0–1), for the traffic simulator. */
export function trafficSplit(state: State, ep: EndpointRecord, now: number): Array<{ variant: LiveVariant; share: number }> {
  if (ep.status === "Creating" || ep.status === "Failed" || ep.status === "Deleting" || ep.deleting !== undefined) return [];
  const u = ep.update;
  let green = 0;
  // Stryker disable next-line ArrayDeclaration: with no update the new fleet's share is 0, and the filter below drops every 0 share
  let newVariants: LiveVariant[] = [];
  // Stryker disable next-line ConditionalExpression: a creation's update exists only while Creating, which returned [] above
  if (u && !u.rollback && u.kind === "update") {
    green = phaseAt(u.phases, (now - u.started) / 1000)?.share ?? 0;
    const config = state.endpointConfigs[u.targetConfig];
    newVariants = targetVariants(config, u);
  }
  const split = (variants: LiveVariant[], share: number) => {
    const total = variants.reduce((sum, v) => sum + v.weight, 0);
    // A fleet of total weight 0 gets 0 / 0 = NaN shares, which the filter below drops with the 0 shares.
    return variants.map((variant) => ({ variant, share: (share * variant.weight) / total }));
  };
  return [...split(ep.variants, 1 - green), ...split(newVariants, green)].filter((s) => s.share > 0);
}

function describeVariant(state: State, v: LiveVariant) {
  const model = state.models[v.modelName];
  return {
    VariantName: v.name,
    DeployedImages: model?.image ? [{ SpecifiedImage: model.image, ResolvedImage: model.image, ResolutionTime: new Date(model.created) }] : [],
    CurrentWeight: v.weight,
    DesiredWeight: v.desiredWeight,
    CurrentInstanceCount: v.serverless ? undefined : v.instances,
    DesiredInstanceCount: v.serverless ? undefined : (v.desiredInstances ?? v.instances),
    CurrentServerlessConfig: v.serverless,
    DesiredServerlessConfig: v.desiredServerless ?? v.serverless,
  };
}

/**
 * DescribeEndpoint's DataCaptureConfig is a DataCaptureConfigSummary, not the config's
 * DataCaptureConfig (model: DescribeEndpointOutput.DataCaptureConfig): EnableCapture (the config's,
 * default true: "defaults to enabled"), CaptureStatus Started or Stopped, CurrentSamplingPercentage
 * (the initial one: nothing changes it here), DestinationS3Uri and KmsKeyId.
 */
function dataCaptureSummary(config: EndpointConfigRecord | undefined) {
  const capture = config?.dataCaptureConfig as { EnableCapture?: boolean; InitialSamplingPercentage?: number; DestinationS3Uri?: string; KmsKeyId?: string } | undefined;
  if (!capture) return undefined;
  const enabled = capture.EnableCapture ?? true;
  return { EnableCapture: enabled, CaptureStatus: enabled ? "Started" : "Stopped", CurrentSamplingPercentage: capture.InitialSamplingPercentage, DestinationS3Uri: capture.DestinationS3Uri, KmsKeyId: capture.KmsKeyId };
}

function describeEndpoint(state: State, ep: EndpointRecord, now: number) {
  const u = ep.update;
  let pending;
  if (u && u.kind === "update") {
    const config = state.endpointConfigs[u.targetConfig];
    const elapsed = (now - u.started) / 1000;
    const phase = phaseAt(u.phases, elapsed);
    const status = u.rollback
      ? { Status: "Deleting", StatusMessage: `Rolling back: traffic is back on the previous fleet; terminating the new instances. ${u.rollback.reason}`, StartTime: new Date(u.rollback.started) }
      : phase && { Status: phase.status, StatusMessage: phase.message, StartTime: new Date(u.started + phase.start * 1000) };
    pending = {
      EndpointConfigName: u.targetConfig,
      StartTime: new Date(u.started),
      ProductionVariants: targetVariants(config, u).map((v) => ({
        ...describeVariant(state, v),
        // Stryker disable next-line OptionalChaining: describeEndpoint runs after settleEndpoint at the same or a later time, so elapsed ≥ 0 and every plan has a phase at 0
        CurrentInstanceCount: v.serverless ? undefined : u.rollback ? 0 : Math.min(v.instances, phase?.instances ?? 0),
        // Stryker disable next-line ArrayDeclaration: status is set whenever describeEndpoint runs (a rollback, or a phase as elapsed ≥ 0)
        VariantStatus: status ? [status] : [],
      })),
    };
  }
  const config = ep.configName ? state.endpointConfigs[ep.configName] : undefined;
  return {
    EndpointName: ep.name,
    EndpointArn: ep.arn,
    EndpointConfigName: ep.configName ?? u?.targetConfig,
    ProductionVariants: ep.variants.map((v) => describeVariant(state, v)),
    EndpointStatus: ep.status,
    FailureReason: ep.failureReason,
    CreationTime: new Date(ep.created),
    LastModifiedTime: new Date(ep.modified),
    LastDeploymentConfig: ep.lastDeploymentConfig,
    AsyncInferenceConfig: ep.asyncInferenceConfig ?? config?.asyncInferenceConfig,
    DataCaptureConfig: dataCaptureSummary(config),
    PendingDeploymentSummary: pending,
  };
}

/**
 * An endpoint's type is fixed at creation (ValidationException otherwise):
 * - asynchronous ↔ real-time: AsyncInferenceConfig can be neither removed nor added by UpdateEndpoint
 *   ("The AsyncInferenceConfig parameter cannot be removed from this endpoint <name>. …", seen in
 *   aws/sagemaker-python-sdk#3124); a new endpoint is the way;
 * - instance-based → serverless is not supported; serverless → instance-based is
 *   (https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints-update.html).
 */
function checkEndpointType(ep: EndpointRecord, current: EndpointConfigRecord | undefined, target: EndpointConfigRecord): void {
  const asyncNow = (ep.asyncInferenceConfig ?? current?.asyncInferenceConfig) !== undefined;
  const asyncNext = target.asyncInferenceConfig !== undefined;
  if (asyncNow && !asyncNext) throw errors.validation(`The AsyncInferenceConfig parameter cannot be removed from this endpoint ${ep.name}. To change the endpoint type, create a new endpoint.`);
  if (!asyncNow && asyncNext) throw errors.validation(`The AsyncInferenceConfig parameter cannot be added to this endpoint ${ep.name}. To change the endpoint type, create a new endpoint.`);
  if (current && isServerless(target) && !isServerless(current)) throw errors.validation("Cannot update an endpoint with instance-based variants to a serverless endpoint config.");
}

/**
 * Endpoints that cannot use deployment guardrails and fall back to blue/green all at once with no
 * final bake: those on Inf1 instances (Marketplace containers too; the sandbox has none).
 * https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html
 */
function guardrailsExcluded(...configs: Array<EndpointConfigRecord | undefined>): boolean {
  return configs.some((c) => c?.variants.some((v) => v.InstanceType?.startsWith("ml.inf1.")));
}

/** Check an update against what SageMaker's guardrails allow. */
function checkUpdate(current: EndpointConfigRecord | undefined, target: EndpointConfigRecord, config: DeploymentConfig | undefined): void {
  if (!current) return;
  const routing = config?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
  const guarded = !!config?.RollingUpdatePolicy || (routing && routing.Type !== "ALL_AT_ONCE");
  if (guarded && (isServerless(target) || isServerless(current))) throw errors.validation("Deployment guardrails (canary, linear, rolling) are not supported for serverless endpoints.");
  if (config?.BlueGreenUpdatePolicy && config.RollingUpdatePolicy) throw errors.validation("Only one of BlueGreenUpdatePolicy and RollingUpdatePolicy can be specified.");
  if (config?.RollingUpdatePolicy || config?.BlueGreenUpdatePolicy) {
    const names = (c: EndpointConfigRecord) => c.variants.map((v) => v.VariantName).sort().join(",");
    if (names(current) !== names(target)) throw errors.validation("A deployment with a DeploymentConfig requires the new endpoint config to have the same variant names as the current one.");
  }
  if (config?.RollingUpdatePolicy && target.variants.length > 1) throw errors.validation("Rolling deployments are not supported for endpoints with more than one production variant.");
  const total = target.variants[0]?.InitialInstanceCount ?? 1;
  if (routing?.Type === "CANARY") {
    if (!routing.CanarySize) throw errors.validation("CanarySize is required for CANARY traffic routing.");
    if (instancesFor(routing.CanarySize, total) > total / 2) throw errors.validation(`CanarySize must be at most 50% of the variant's instance count (${total}).`);
  }
  if (routing?.Type === "LINEAR") {
    if (!routing.LinearStepSize) throw errors.validation("LinearStepSize is required for LINEAR traffic routing.");
    const step = instancesFor(routing.LinearStepSize, total);
    if (step > total / 2 || step < total / 10) throw errors.validation(`LinearStepSize must be between 10% and 50% of the variant's instance count (${total}).`);
  }
  const batch = config?.RollingUpdatePolicy?.MaximumBatchSize;
  if (batch && batch.Type === "CAPACITY_PERCENT" && ((batch.Value ?? 0) < 5 || (batch.Value ?? 0) > 50)) throw errors.validation("MaximumBatchSize must be between 5% and 50% of the variant's instance count.");
}

/** A resource's tags; reading never adds an entry. */
function tagsOf(state: State, arn: string): Record<string, string> {
  return Object.hasOwn(state.tags, arn) ? state.tags[arn]! : record();
}

function arnExists(state: State, arn: string): boolean {
  return (
    Object.values(state.endpoints).some((e) => e.arn === arn) ||
    Object.values(state.endpointConfigs).some((c) => c.arn === arn) ||
    Object.values(state.models).some((m) => m.arn === arn) ||
    Object.values(state.modelPackageGroups).some((g) => g.arn === arn)
  );
}

/** A resource may carry at most 50 tags (AWS tagging quotas; AddTags' TagList max 50). */
const MAX_TAGS = 50;

/**
 * The tags `arn` would have once `tags` are added (a tag with an existing key replaces it).
 * Nothing is stored: callers check first and store with {@link storeTags} once every check passed.
 * Raises ValidationException past 50 tags.
 */
function withTags(state: State, arn: string, tags: ReadonlyArray<{ Key: string; Value?: string }> | undefined): Record<string, string> {
  const merged = Object.assign(record<string>(), tagsOf(state, arn));
  for (const t of tags ?? []) merged[t.Key] = t.Value ?? "";
  if (Object.keys(merged).length > MAX_TAGS) throw errors.validation(`A resource can have at most ${MAX_TAGS} tags.`);
  return merged;
}

function storeTags(state: State, arn: string, tags: Record<string, string>): void {
  if (Object.keys(tags).length > 0) state.tags[arn] = tags;
  else delete state.tags[arn];
}

/** Alarm states as seen from a call's own account and region (through `ctx.peer`). */
export type AlarmStatesIn = (peer: Ctx["peer"]) => AlarmStates;

export function endpointOperations(deps: { alarms: AlarmStatesIn; timing: EndpointTiming }): Record<string, Operation<State>> {
  const { timing } = deps;
  const alarms = (ctx: Ctx) => deps.alarms(ctx.peer);
  const settled = (ctx: Ctx, name: string): EndpointRecord => {
    const ep = find(ctx, ctx.state.endpoints, name, KINDS.endpoint);
    settleEndpoint(ctx.state, ep, ctx.clock.now(), alarms(ctx), timing);
    if (!ctx.state.endpoints[ep.name]) throw notFound(ctx, KINDS.endpoint, name);
    return ep;
  };
  return {
    CreateModel: {
      mutates: true,
      input: {
        ModelName: required(str({ max: 63, pattern: MODEL_NAME_PATTERN })),
        PrimaryContainer: container,
        Containers: list(container, { max: 15 }),
        ExecutionRoleArn: str({ min: 20, max: 2048, pattern: ROLE_ARN }),
        EnableNetworkIsolation: bool(),
        Tags: tagList,
      },
      handler: (
        input: { ModelName: string; PrimaryContainer?: Container; Containers?: Container[]; ExecutionRoleArn?: string; EnableNetworkIsolation?: boolean; Tags?: Array<{ Key: string; Value?: string }> },
        ctx: Ctx,
      ) => {
        const arn = arnOf(ctx, KINDS.model, input.ModelName);
        if (lookup(ctx.state.models, input.ModelName)) throw errors.validation(`Cannot create already existing model "${arn}".`);
        const containers = input.PrimaryContainer ? [input.PrimaryContainer] : (input.Containers ?? []);
        if (containers.length === 0) throw errors.validation("Either PrimaryContainer or Containers must be specified.");
        let environment: Record<string, string> = {};
        let image: string | undefined;
        for (const c of containers) {
          if (!c.Image && !c.ModelPackageName) throw errors.validation("A container needs an Image or a ModelPackageName.");
          // An Environment beside a ModelPackageName is accepted and laid over the package's own
          // (SageMaker refused it until early 2023: aws/sagemaker-python-sdk#3301, #3581, #3397).
          if (c.ModelPackageName) ({ environment, image } = packageEnvironment(ctx.state, c.ModelPackageName));
          environment = { ...environment, ...c.Environment };
          image = c.Image ?? image;
        }
        const tags = withTags(ctx.state, arn, input.Tags);
        const model: ModelRecord = {
          name: input.ModelName,
          arn,
          created: ctx.clock.now(),
          executionRoleArn: input.ExecutionRoleArn,
          containers,
          environment,
          image,
          enableNetworkIsolation: input.EnableNetworkIsolation ?? false,
        };
        ctx.state.models[model.name] = model;
        storeTags(ctx.state, arn, tags);
        return { ModelArn: model.arn };
      },
    },
    DescribeModel: {
      mutates: false,
      input: { ModelName: required(str({ max: 63, pattern: MODEL_NAME_PATTERN })) },
      handler: (input: { ModelName: string }, ctx: Ctx) => {
        const m = find(ctx, ctx.state.models, input.ModelName, KINDS.model);
        return {
          ModelName: m.name,
          ModelArn: m.arn,
          CreationTime: new Date(m.created),
          ExecutionRoleArn: m.executionRoleArn,
          PrimaryContainer: m.containers.length === 1 ? m.containers[0] : undefined,
          Containers: m.containers.length > 1 ? m.containers : undefined,
          EnableNetworkIsolation: m.enableNetworkIsolation ?? false,
        };
      },
    },
    ListModels: {
      mutates: false,
      input: { ...nameAndTimeFilters, ...sortSpec },
      handler: (input: NameAndTimeFilter, ctx: Ctx) => {
        const { page, nextToken } = listByName(Object.values(ctx.state.models), input);
        return { Models: page.map((m) => ({ ModelName: m.name, ModelArn: m.arn, CreationTime: new Date(m.created) })), NextToken: nextToken };
      },
    },
    DeleteModel: {
      mutates: true,
      input: { ModelName: required(str({ max: 63, pattern: MODEL_NAME_PATTERN })) },
      handler: (input: { ModelName: string }, ctx: Ctx) => {
        const m = find(ctx, ctx.state.models, input.ModelName, KINDS.model);
        delete ctx.state.models[m.name];
        delete ctx.state.tags[m.arn];
        return {};
      },
    },
    CreateEndpointConfig: {
      mutates: true,
      input: {
        EndpointConfigName: required(str({ max: 63, pattern: NAME_PATTERN })),
        ProductionVariants: required(list(variantSpec, { min: 1, max: 10 })),
        ShadowProductionVariants: list(variantSpec, { min: 1, max: 10 }),
        AsyncInferenceConfig: struct({
          ClientConfig: struct({ MaxConcurrentInvocationsPerInstance: int({ min: 1, max: 1000 }) }),
          OutputConfig: required(struct({ S3OutputPath: str({ max: 512, pattern: S3_OR_HTTPS_PATH }), S3FailurePath: str({ max: 512, pattern: S3_OR_HTTPS_PATH }), KmsKeyId: str({ max: 2048, pattern: KMS_KEY_ID }) })),
        }),
        KmsKeyId: str({ max: 2048, pattern: KMS_KEY_ID }),
        ExecutionRoleArn: str({ min: 20, max: 2048, pattern: ROLE_ARN }),
        EnableNetworkIsolation: bool(),
        Tags: tagList,
      },
      handler: (
        input: { EndpointConfigName: string; ProductionVariants: VariantSpec[]; ShadowProductionVariants?: VariantSpec[]; AsyncInferenceConfig?: unknown; DataCaptureConfig?: unknown; Tags?: Array<{ Key: string; Value?: string }> },
        ctx: Ctx,
      ) => {
        const name = input.EndpointConfigName;
        const arn = arnOf(ctx, KINDS.endpointConfig, name);
        if (lookup(ctx.state.endpointConfigs, name)) throw errors.validation(`Cannot create already existing endpoint configuration "${arn}".`);
        const variants = input.ProductionVariants;
        const serverless = variants.filter((v) => v.ServerlessConfig);
        if (serverless.length > 0 && variants.length > 1) throw errors.validation("Serverless endpoints support exactly one production variant.");
        for (const v of variants) {
          if (!v.ModelName || !lookup(ctx.state.models, v.ModelName)) throw notFound(ctx, KINDS.model, v.ModelName ?? "");
          if (v.ServerlessConfig) {
            if (v.InstanceType || v.InitialInstanceCount) throw errors.validation(`Variant ${v.VariantName}: ServerlessConfig cannot be combined with InstanceType or InitialInstanceCount.`);
            if (v.ServerlessConfig.MemorySizeInMB % 1024 !== 0) throw errors.validation("ServerlessConfig.MemorySizeInMB must be 1024, 2048, 3072, 4096, 5120 or 6144.");
            if ((v.ServerlessConfig.ProvisionedConcurrency ?? 0) > v.ServerlessConfig.MaxConcurrency) throw errors.validation("ProvisionedConcurrency must be less than or equal to MaxConcurrency.");
          } else if (!v.InstanceType || !v.InitialInstanceCount) {
            throw errors.validation(`Variant ${v.VariantName}: InstanceType and InitialInstanceCount are required for an instance-based variant.`);
          }
        }
        if (new Set(variants.map((v) => v.VariantName)).size !== variants.length) throw errors.validation("Variant names must be unique within an endpoint config.");
        if (serverless.length > 0 && input.AsyncInferenceConfig) throw errors.validation("AsyncInferenceConfig is not supported for serverless endpoints.");
        if (input.ShadowProductionVariants && (input.ShadowProductionVariants.length !== 1 || variants.length !== 1)) throw errors.validation("Shadow testing needs exactly one production variant and one shadow variant.");
        const tags = withTags(ctx.state, arn, input.Tags);
        const config: EndpointConfigRecord = {
          name,
          arn,
          created: ctx.clock.now(),
          variants,
          shadowVariants: input.ShadowProductionVariants,
          asyncInferenceConfig: input.AsyncInferenceConfig,
          dataCaptureConfig: input.DataCaptureConfig,
        };
        ctx.state.endpointConfigs[name] = config;
        storeTags(ctx.state, arn, tags);
        return { EndpointConfigArn: config.arn };
      },
    },
    DescribeEndpointConfig: {
      mutates: false,
      input: { EndpointConfigName: required(str({ max: 63, pattern: NAME_PATTERN })) },
      handler: (input: { EndpointConfigName: string }, ctx: Ctx) => {
        const c = find(ctx, ctx.state.endpointConfigs, input.EndpointConfigName, KINDS.endpointConfig);
        return {
          EndpointConfigName: c.name,
          EndpointConfigArn: c.arn,
          ProductionVariants: c.variants,
          ShadowProductionVariants: c.shadowVariants,
          AsyncInferenceConfig: c.asyncInferenceConfig,
          DataCaptureConfig: c.dataCaptureConfig,
          CreationTime: new Date(c.created),
        };
      },
    },
    ListEndpointConfigs: {
      mutates: false,
      input: { ...nameAndTimeFilters, ...sortSpec },
      handler: (input: NameAndTimeFilter, ctx: Ctx) => {
        const { page, nextToken } = listByName(Object.values(ctx.state.endpointConfigs), input);
        return { EndpointConfigs: page.map((c) => ({ EndpointConfigName: c.name, EndpointConfigArn: c.arn, CreationTime: new Date(c.created) })), NextToken: nextToken };
      },
    },
    DeleteEndpointConfig: {
      mutates: true,
      input: { EndpointConfigName: required(str({ max: 63, pattern: NAME_PATTERN })) },
      handler: (input: { EndpointConfigName: string }, ctx: Ctx) => {
        const c = find(ctx, ctx.state.endpointConfigs, input.EndpointConfigName, KINDS.endpointConfig);
        delete ctx.state.endpointConfigs[c.name];
        delete ctx.state.tags[c.arn];
        return {};
      },
    },
    CreateEndpoint: {
      mutates: true,
      input: { EndpointName: required(str({ max: 63, pattern: NAME_PATTERN })), EndpointConfigName: required(str({ max: 63, pattern: NAME_PATTERN })), DeploymentConfig: deploymentConfigSpec, Tags: tagList },
      handler: (input: { EndpointName: string; EndpointConfigName: string; DeploymentConfig?: DeploymentConfig; Tags?: Array<{ Key: string; Value?: string }> }, ctx: Ctx) => {
        const name = input.EndpointName;
        const arn = arnOf(ctx, KINDS.endpoint, name);
        if (lookup(ctx.state.endpoints, name)) throw errors.validation(`Cannot create already existing endpoint "${arn}".`);
        const config = find(ctx, ctx.state.endpointConfigs, input.EndpointConfigName, KINDS.endpointConfig);
        const tags = withTags(ctx.state, arn, input.Tags);
        const now = ctx.clock.now();
        const ep: EndpointRecord = {
          name,
          arn,
          created: now,
          modified: now,
          status: "Creating",
          variants: [],
          // Stored for later updates only: SageMaker runs no deployment at creation.
          deploymentConfig: input.DeploymentConfig,
          update: {
            kind: "create",
            targetConfig: config.name,
            started: now,
            // Stryker disable next-line BooleanLiteral: a creation watches no alarms (alarms: [] below), so whether its launch is monitored cannot matter
            phases: [{ status: "Creating", message: "Launching instances.", start: 0, duration: timing.launch, share: 0, instances: 0, monitored: false }],
            // Stryker disable next-line ArrayDeclaration: the creation's only phase is unmonitored (monitored: false above), so its alarms are never read
            alarms: [],
            limitSeconds: Infinity,
            healthy: healthy(ctx.state, config),
          },
        };
        ctx.state.endpoints[name] = ep;
        storeTags(ctx.state, arn, tags);
        return { EndpointArn: ep.arn };
      },
    },
    DescribeEndpoint: {
      mutates: false,
      input: { EndpointName: required(str({ max: 63, pattern: NAME_PATTERN })) },
      handler: (input: { EndpointName: string }, ctx: Ctx) => describeEndpoint(ctx.state, settled(ctx, input.EndpointName), ctx.clock.now()),
    },
    ListEndpoints: {
      mutates: false,
      input: {
        ...nameAndTimeFilters,
        LastModifiedTimeAfter: { type: "timestamp" as const },
        LastModifiedTimeBefore: { type: "timestamp" as const },
        StatusEquals: str({ enum: ENDPOINT_STATUSES }),
        SortBy: str({ enum: ["Name", "CreationTime", "Status"] }),
        SortOrder: str({ enum: ["Ascending", "Descending"] }),
        MaxResults: int({ min: 1, max: 100 }),
        NextToken: str({ max: 8192 }),
      },
      handler: (input: NameAndTimeFilter & { StatusEquals?: string; LastModifiedTimeAfter?: number; LastModifiedTimeBefore?: number }, ctx: Ctx) => {
        for (const ep of Object.values(ctx.state.endpoints)) settleEndpoint(ctx.state, ep, ctx.clock.now(), alarms(ctx), timing);
        const sign = (input.SortOrder ?? "Descending") === "Descending" ? -1 : 1;
        const key = input.SortBy ?? "CreationTime";
        // Timestamps arrive as epoch seconds. CreationTimeAfter is inclusive, LastModifiedTimeAfter is not (the model's docs).
        const ms = (t: number | undefined, otherwise: number) => (t === undefined ? otherwise : t * 1000);
        const endpoints = Object.values(ctx.state.endpoints)
          .filter((e) => (!input.NameContains || e.name.includes(input.NameContains)) && (!input.StatusEquals || e.status === input.StatusEquals))
          .filter((e) => e.created >= ms(input.CreationTimeAfter, -Infinity) && e.created < ms(input.CreationTimeBefore, Infinity))
          .filter((e) => e.modified > ms(input.LastModifiedTimeAfter, -Infinity) && e.modified < ms(input.LastModifiedTimeBefore, Infinity))
          .sort((a, b) => sign * (key === "Name" ? a.name.localeCompare(b.name) : key === "Status" ? a.status.localeCompare(b.status) : a.created - b.created || a.name.localeCompare(b.name)));
        const { MaxResults, NextToken, ...filters } = input;
        const { page, nextToken } = paginate(endpoints, { maxResults: MaxResults, nextToken: NextToken, ...filters }, { defaultPageSize: DEFAULT_PAGE_SIZE, invalidToken: (m) => errors.validation(m) });
        return {
          Endpoints: page.map((e) => ({ EndpointName: e.name, EndpointArn: e.arn, CreationTime: new Date(e.created), LastModifiedTime: new Date(e.modified), EndpointStatus: e.status })),
          NextToken: nextToken,
        };
      },
    },
    UpdateEndpoint: {
      mutates: true,
      input: {
        EndpointName: required(str({ max: 63, pattern: NAME_PATTERN })),
        EndpointConfigName: required(str({ max: 63, pattern: NAME_PATTERN })),
        RetainAllVariantProperties: bool(),
        ExcludeRetainedVariantProperties: list(struct({ VariantPropertyType: required(str({ enum: ["DesiredInstanceCount", "DesiredWeight", "DataCaptureConfig"] })) }), { max: 3 }),
        DeploymentConfig: deploymentConfigSpec,
        RetainDeploymentConfig: bool(),
      },
      handler: (
        input: {
          EndpointName: string;
          EndpointConfigName: string;
          RetainAllVariantProperties?: boolean;
          ExcludeRetainedVariantProperties?: Array<{ VariantPropertyType?: string }>;
          DeploymentConfig?: DeploymentConfig;
          RetainDeploymentConfig?: boolean;
        },
        ctx: Ctx,
      ) => {
        const ep = settled(ctx, input.EndpointName);
        if (ep.status !== "InService") throw errors.validation(`Cannot update in-progress endpoint "${ep.arn}" (status ${ep.status}).`);
        const target = find(ctx, ctx.state.endpointConfigs, input.EndpointConfigName, KINDS.endpointConfig);
        const current = ep.configName ? ctx.state.endpointConfigs[ep.configName] : undefined;
        const deploymentConfig = input.DeploymentConfig ?? (input.RetainDeploymentConfig ? (ep.lastDeploymentConfig ?? ep.deploymentConfig) : undefined);
        checkEndpointType(ep, current, target);
        checkUpdate(current, target, deploymentConfig);
        const alarmNames = (deploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName!);
        const { missing } = alarms(ctx)(alarmNames);
        if (missing.length > 0) throw errors.validation(`The following alarms do not exist: ${missing.join(", ")}.`);
        const retained = input.RetainAllVariantProperties ? retainedProperties(ep, target, input.ExcludeRetainedVariantProperties) : undefined;
        const total = target.variants.reduce((sum, v) => sum + (v.ServerlessConfig ? 1 : (retained?.[v.VariantName]?.instances ?? v.InitialInstanceCount ?? 1)), 0);
        const now = ctx.clock.now();
        ep.update = {
          retained,
          kind: "update",
          targetConfig: target.name,
          started: now,
          phases: planUpdate(guardrailsExcluded(current, target) ? undefined : deploymentConfig, Math.max(1, total), timing),
          alarms: alarmNames,
          limitSeconds: executionLimit(deploymentConfig),
          deploymentConfig,
          healthy: healthy(ctx.state, target),
        };
        ep.status = "Updating";
        ep.failureReason = undefined;
        ep.lastDeploymentConfig = deploymentConfig;
        ep.modified = now;
        return { EndpointArn: ep.arn };
      },
    },
    UpdateEndpointWeightsAndCapacities: {
      mutates: true,
      input: {
        EndpointName: required(str({ max: 63, pattern: NAME_PATTERN })),
        DesiredWeightsAndCapacities: required(
          list(
            struct({
              VariantName: required(str({ max: 63, pattern: NAME_PATTERN })),
              DesiredWeight: num({ min: 0 }),
              DesiredInstanceCount: int({ min: 0 }),
              ServerlessUpdateConfig: struct({ MaxConcurrency: int({ min: 1, max: 200 }), ProvisionedConcurrency: int({ min: 1, max: 200 }) }),
            }),
            { min: 1 },
          ),
        ),
      },
      handler: (input: { EndpointName: string; DesiredWeightsAndCapacities: NonNullable<EndpointRecord["weights"]>["desired"] }, ctx: Ctx) => {
        const ep = settled(ctx, input.EndpointName);
        if (ep.status !== "InService") throw errors.validation(`Cannot update in-progress endpoint "${ep.arn}" (status ${ep.status}).`);
        const missing = input.DesiredWeightsAndCapacities.filter((d) => !ep.variants.some((v) => v.name === d.VariantName)).map((d) => d.VariantName);
        if (missing.length > 0) throw errors.validation(`The variant(s) "[${missing.join(", ")}]" is/are not present in the endpoint "${ep.name}".`);
        const desiredFor = (v: LiveVariant) => input.DesiredWeightsAndCapacities.find((d) => d.VariantName === v.name);
        if (ep.variants.every((v) => (desiredFor(v)?.DesiredWeight ?? v.desiredWeight) === 0)) throw errors.validation("At least one variant must have a weight greater than 0.");
        // Checks done. The desired values show at once; the current ones follow when the update ends.
        for (const v of ep.variants) {
          const d = desiredFor(v);
          if (!d) continue;
          if (d.DesiredWeight !== undefined) v.desiredWeight = d.DesiredWeight;
          // Stryker disable next-line ConditionalExpression: an unset desiredInstances stays unset, and a serverless variant's is never shown (describeVariant) and is cleared when the weights apply
          if (d.DesiredInstanceCount !== undefined && !v.serverless) v.desiredInstances = d.DesiredInstanceCount;
          if (d.ServerlessUpdateConfig && v.serverless) v.desiredServerless = { ...v.serverless, ...d.ServerlessUpdateConfig } as ServerlessConfig;
        }
        ep.weights = { started: ctx.clock.now(), desired: input.DesiredWeightsAndCapacities };
        ep.status = "Updating";
        return { EndpointArn: ep.arn };
      },
    },
    DeleteEndpoint: {
      mutates: true,
      input: { EndpointName: required(str({ max: 63, pattern: NAME_PATTERN })) },
      handler: (input: { EndpointName: string }, ctx: Ctx) => {
        const ep = settled(ctx, input.EndpointName);
        ep.deleting = ctx.clock.now();
        ep.status = "Deleting";
        delete ctx.state.tags[ep.arn];
        return {};
      },
    },
    AddTags: {
      mutates: true,
      input: { ResourceArn: required(str({ max: 256, pattern: SAGEMAKER_ARN })), Tags: required(tagList) },
      handler: (input: { ResourceArn: string; Tags: Array<{ Key: string; Value?: string }> }, ctx: Ctx) => {
        if (!arnExists(ctx.state, input.ResourceArn)) throw errors.validation(`Resource ${input.ResourceArn} does not exist.`);
        // All or nothing: past the limit the resource keeps the tags it had.
        const tags = withTags(ctx.state, input.ResourceArn, input.Tags);
        storeTags(ctx.state, input.ResourceArn, tags);
        return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
      },
    },
    DeleteTags: {
      mutates: true,
      input: { ResourceArn: required(str({ max: 256, pattern: SAGEMAKER_ARN })), TagKeys: required(list(str({ min: 1, max: 128, pattern: TAG_CHARS }), { min: 1, max: 50 })) },
      handler: (input: { ResourceArn: string; TagKeys: string[] }, ctx: Ctx) => {
        const tags = Object.assign(record<string>(), tagsOf(ctx.state, input.ResourceArn));
        for (const key of input.TagKeys) delete tags[key];
        storeTags(ctx.state, input.ResourceArn, tags);
        return {};
      },
    },
    ListTags: {
      mutates: false,
      input: { ResourceArn: required(str({ max: 256, pattern: SAGEMAKER_ARN })), MaxResults: int({ min: 50 }), NextToken: str({ max: 8192 }) },
      handler: (input: { ResourceArn: string; MaxResults?: number; NextToken?: string }, ctx: Ctx) => {
        if (!arnExists(ctx.state, input.ResourceArn)) throw errors.validation(`Resource ${input.ResourceArn} does not exist.`);
        const all = Object.entries(tagsOf(ctx.state, input.ResourceArn)).map(([Key, Value]) => ({ Key, Value }));
        const { page, nextToken } = paginate(all, { maxResults: input.MaxResults, nextToken: input.NextToken }, { defaultPageSize: 50, invalidToken: (m) => errors.validation(m) });
        return { Tags: page, NextToken: nextToken };
      },
    },
  };
}

/** Models whose container environment drives the traffic simulator. */
export function modelEnvironment(state: State, modelName: string): Record<string, string> {
  return state.models[modelName]?.environment ?? {};
}

/** Whether an endpoint's serving config is asynchronous or serverless, for the metrics it publishes. */
export function endpointKind(state: State, ep: EndpointRecord): "realtime" | "serverless" | "async" {
  const config = ep.configName ? state.endpointConfigs[ep.configName] : undefined;
  if (config?.asyncInferenceConfig) return "async";
  if (config && isServerless(config)) return "serverless";
  return "realtime";
}
