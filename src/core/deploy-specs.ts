import type { S3Uri } from "./aws-names";
import { derivedName, type EndpointType, type Mode } from "./rollout-plan";

/**
 * What a deploy creates, pure: the model, the endpoint config, and for the traffic engine the
 * config that holds the old variants with the new one at weight 0. Model and config names come
 * from a hash of the endpoint and the content, so deploying the same thing twice names the same
 * config (a no-op) and nothing is created twice.
 *
 * The endpoint keeps its variant name: the config that serves at the end names the new version as
 * the serving variant was named (AllTraffic by default), so alarms, autoscaling and dashboards
 * keyed on it keep working. Only during a traffic-engine shift does the new version run beside the
 * old under a temporary name of its own, `mlops-<rollout id>`.
 */

/** How big the endpoint is: what settings resolve and the specs are built from. */
export interface EndpointCapacity {
  instanceType: string;
  instanceCount: number;
  memoryMb: number;
  maxConcurrency: number;
  asyncOutput?: S3Uri;
  /** Asynchronous: requests one instance works on at once (SageMaker picks when unset). */
  asyncConcurrency?: number;
}

export interface Container {
  Image?: string;
  ModelDataUrl?: string;
  ModelPackageName?: string;
  Environment?: Record<string, string>;
}

export interface VariantSpec {
  VariantName: string;
  ModelName: string;
  InstanceType?: string;
  InitialInstanceCount?: number;
  InitialVariantWeight?: number;
  ServerlessConfig?: { MemorySizeInMB: number; MaxConcurrency: number };
}

export interface ConfigSpec {
  EndpointConfigName: string;
  ProductionVariants: VariantSpec[];
  AsyncInferenceConfig?: { OutputConfig: { S3OutputPath: string }; ClientConfig?: { MaxConcurrentInvocationsPerInstance: number } };
}

export interface ModelSpec {
  ModelName: string;
  PrimaryContainer: Container;
  ExecutionRoleArn?: string;
}

export interface DeploySpecs {
  model: ModelSpec;
  /** The variant name the new version serves under once the rollout is done: the endpoint's own. */
  variantName: string;
  /** Where the new version runs during the rollout: a temporary name on the traffic engine, else variantName. */
  newVariant: string;
  /** The config that serves when the rollout is done. */
  config: ConfigSpec;
  /** Traffic engine only: the old variants as they serve now, plus the new one at weight 0. */
  mix?: ConfigSpec;
}

export interface CurrentEndpoint {
  configName: string;
  variants: VariantSpec[];
  asyncInferenceConfig?: ConfigSpec["AsyncInferenceConfig"];
  /** Live weights by variant name. */
  weights: Record<string, number>;
}

export const DEFAULT_VARIANT = "AllTraffic";

/** The temporary variant name of the new version during a traffic-engine shift. */
export function shiftVariantName(rolloutId: string): string {
  return `mlops-${rolloutId}`;
}

export function deploySpecs(
  input: EndpointCapacity & {
    endpoint: string;
    mode: Mode | "create";
    type: EndpointType;
    container: Container;
    roleArn?: string;
    current?: CurrentEndpoint;
    /** Names the temporary variant of a traffic-engine shift. */
    rolloutId: string;
  },
): DeploySpecs {
  const { endpoint } = input;
  const model: ModelSpec = { ModelName: derivedName(endpoint, { container: input.container, role: input.roleArn }), PrimaryContainer: input.container, ExecutionRoleArn: input.roleArn };
  const capacity =
    input.type === "serverless"
      ? { ServerlessConfig: { MemorySizeInMB: input.memoryMb, MaxConcurrency: input.maxConcurrency } }
      : { InstanceType: input.instanceType, InitialInstanceCount: input.instanceCount };
  const variantName = input.current?.variants[0]?.VariantName ?? DEFAULT_VARIANT;
  const variant: VariantSpec = { VariantName: variantName, ModelName: model.ModelName, ...capacity, InitialVariantWeight: 1 };
  const asyncConfig =
    input.type === "async" && input.asyncOutput
      ? {
          OutputConfig: { S3OutputPath: `s3://${input.asyncOutput.bucket}/${input.asyncOutput.key}` },
          ...(input.asyncConcurrency !== undefined ? { ClientConfig: { MaxConcurrentInvocationsPerInstance: input.asyncConcurrency } } : {}),
        }
      : undefined;
  const config: ConfigSpec = { EndpointConfigName: derivedName(endpoint, { variant, async: asyncConfig }), ProductionVariants: [variant], AsyncInferenceConfig: asyncConfig };
  if (input.mode !== "traffic" || !input.current) return { model, variantName, newVariant: variantName, config };
  const current = input.current;
  const newVariant = shiftVariantName(input.rolloutId);
  const oldVariants = current.variants.map((v) => ({ ...v, InitialVariantWeight: current.weights[v.VariantName] ?? v.InitialVariantWeight ?? 1 }));
  const mixVariants = [...oldVariants, { ...variant, VariantName: newVariant, InitialVariantWeight: 0 }];
  const mix: ConfigSpec = {
    EndpointConfigName: derivedName(endpoint, { from: current.configName, variants: mixVariants }, "mix"),
    ProductionVariants: mixVariants,
    AsyncInferenceConfig: current.asyncInferenceConfig ?? asyncConfig,
  };
  return { model, variantName, newVariant, config, mix };
}

/** The endpoint type a config stands for. */
export function configType(config: { ProductionVariants?: Array<{ ServerlessConfig?: unknown }>; AsyncInferenceConfig?: unknown } | undefined): EndpointType | undefined {
  if (!config) return undefined;
  if (config.AsyncInferenceConfig) return "async";
  if (config.ProductionVariants?.some((v) => v.ServerlessConfig)) return "serverless";
  return "realtime";
}

/**
 * Whether the endpoint already serves exactly this: one variant running this model with this
 * capacity (and this async output). Names aside: a deploy of what serves is a no-op whatever
 * engine created the serving config.
 */
export function alreadyServes(current: { variants: VariantSpec[]; asyncInferenceConfig?: ConfigSpec["AsyncInferenceConfig"] } | undefined, wanted: ConfigSpec): boolean {
  const [serving, extra] = current?.variants ?? [];
  const [target] = wanted.ProductionVariants;
  if (!serving || extra || !target) return false;
  const capacity = (v: VariantSpec) => JSON.stringify([v.ModelName, v.InstanceType ?? null, v.InitialInstanceCount ?? null, v.ServerlessConfig?.MemorySizeInMB ?? null, v.ServerlessConfig?.MaxConcurrency ?? null]);
  const output = (c: ConfigSpec["AsyncInferenceConfig"]) =>
    JSON.stringify([
      // Stryker disable next-line OptionalChaining: OutputConfig is required in AsyncInferenceConfig (botocore sagemaker), so an async config always has one
      c?.OutputConfig?.S3OutputPath ?? null,
      c?.ClientConfig?.MaxConcurrentInvocationsPerInstance ?? null,
    ]);
  return capacity(serving) === capacity(target) && output(current!.asyncInferenceConfig) === output(wanted.AsyncInferenceConfig);
}
