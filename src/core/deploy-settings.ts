import type { MlopsConfig } from "../config/schema";
import { UsageError } from "../errors";
import type { Env } from "../io/terminal";
import { ENDPOINT_TYPES, ENGINES, isOneOf, STRATEGIES } from "./choices";
import { checkEnvironment, checkImageUri, checkInstanceType, checkResourceName, parsePairs, parseS3Prefix, parseS3Uri, type S3Uri } from "./aws-names";
import type { EndpointCapacity } from "./deploy-specs";
import { parseDuration } from "./duration";
import { parseInteger, parseNumber } from "./flags";
import { parseModelRef, type ModelRef } from "./model-ref";
import type { EndpointType, RolloutSettings, Strategy } from "./rollout-plan";

/** `mlops deploy`'s flags as commander hands them over. */
export interface DeployFlags {
  endpoint?: string;
  modelPackage?: string;
  image?: string;
  modelData?: string;
  env: string[];
  roleArn?: string;
  type?: string;
  instanceType?: string;
  instanceCount?: string;
  memoryMb?: string;
  maxConcurrency?: string;
  asyncOutput?: string;
  asyncConcurrency?: string;
  strategy?: string;
  canaryPercent?: string;
  linearStep?: string;
  bake?: string;
  finalBake?: string;
  alarm: string[];
  autoAlarms?: boolean;
  maxErrorRate?: string;
  maxLatencyMs?: string;
  engine?: string;
  pause?: boolean;
  timeout?: string;
  wait?: boolean;
  dryRun?: boolean;
  keepOld?: boolean;
  poll?: string;
}

export type ModelSource = { kind: "package"; ref: ModelRef; text: string } | { kind: "image"; image: string; modelData: S3Uri };

export interface DeploySettings extends RolloutSettings, EndpointCapacity {
  endpoint?: string;
  source?: ModelSource;
  environment: Record<string, string>;
  roleArn?: string;
  /** Undefined: the endpoint's current type, or real-time for a new one. */
  type?: EndpointType;
  engine?: "guardrails" | "traffic";
  autoAlarms: boolean;
  maxErrorRate: number;
  maxLatencyMs: number;
  pause: boolean;
  /** Undefined: derived from the plan. */
  timeoutSeconds?: number;
  wait: boolean;
  dryRun: boolean;
  keepOld: boolean;
  pollSeconds: number;
  /**
   * Which capacity settings the user gave (flag or mlops.yaml). The others are defaults, which a
   * redeploy replaces with what the endpoint serves now, so that it keeps its size and type.
   */
  given: { instanceType: boolean; instanceCount: boolean; memoryMb: boolean; maxConcurrency: boolean; asyncOutput: boolean; asyncConcurrency: boolean };
}

export const DEPLOY_DEFAULTS = {
  strategy: "canary" as Strategy,
  canaryPercent: 10,
  linearStep: 20,
  bake: 300,
  finalBake: 300,
  instanceType: "ml.m5.large",
  instanceCount: 1,
  memoryMb: 2048,
  maxConcurrency: 10,
  maxErrorRate: 0.01,
  maxLatencyMs: 1000,
  pollSeconds: 15,
};

function pick<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined);
}

/** A duration from a flag ("5m") or mlops.yaml (seconds or "5m"). */
function seconds(flag: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === "number" ? value : parseDuration(flag, value);
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Every deploy setting, checked: flags win over MLOPS_* variables, which win over mlops.yaml,
 * which wins over the defaults. Each failure names the flag and the rule.
 */
export function resolveDeploySettings(flags: DeployFlags, env: Env, config: MlopsConfig, knownInstanceTypes?: readonly string[]): DeploySettings {
  const ep = config.endpoint ?? {};
  const dc = config.deploy ?? {};

  const endpoint = pick(flags.endpoint, env.MLOPS_ENDPOINT, ep.name);
  if (endpoint !== undefined) checkResourceName("--endpoint", endpoint);

  let source: ModelSource | undefined;
  if (flags.modelPackage !== undefined) {
    if (flags.image !== undefined || flags.modelData !== undefined) throw new UsageError("--model-package cannot be combined with --image or --model-data: deploy a registered version, or an image and artifact");
    source = { kind: "package", ref: parseModelRef(flags.modelPackage, "--model-package"), text: flags.modelPackage };
  } else if (flags.image !== undefined || flags.modelData !== undefined) {
    if (flags.image === undefined) throw new UsageError("--model-data needs --image");
    if (flags.modelData === undefined) throw new UsageError("--image needs --model-data");
    source = { kind: "image", image: checkImageUri("--image", flags.image), modelData: parseS3Uri("--model-data", flags.modelData) };
  }

  const type = pick(flags.type, ep.type);
  if (type !== undefined && !isOneOf(ENDPOINT_TYPES, type)) throw new UsageError(`--type "${type}" must be one of: ${ENDPOINT_TYPES.join(", ")}`);
  const strategy = pick(flags.strategy, env.MLOPS_STRATEGY, dc.strategy) ?? DEPLOY_DEFAULTS.strategy;
  if (!isOneOf(STRATEGIES, strategy)) throw new UsageError(`--strategy "${strategy}" must be one of: ${STRATEGIES.join(", ")}`);
  const engine = pick(flags.engine, dc.engine);
  if (engine !== undefined && !isOneOf(ENGINES, engine)) throw new UsageError(`--engine "${engine}" must be ${ENGINES.join(" or ")}`);

  const roleArn = pick(flags.roleArn, ep.roleArn);
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) throw new UsageError(`--role-arn "${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);

  const instanceType = pick(flags.instanceType, ep.instanceType) ?? DEPLOY_DEFAULTS.instanceType;
  checkInstanceType("--instance-type", instanceType, knownInstanceTypes);
  const memoryMb = flags.memoryMb !== undefined ? parseInteger("--memory-mb", flags.memoryMb, { min: 1024, max: 6144 }) : (ep.memoryMb ?? DEPLOY_DEFAULTS.memoryMb);
  if (memoryMb % 1024 !== 0) throw new UsageError(`--memory-mb ${memoryMb}: serverless memory comes in 1024 MB steps (1024, 2048, … 6144)`);
  const asyncOutputText = pick(flags.asyncOutput, ep.asyncOutput);
  const asyncOutput = asyncOutputText === undefined ? undefined : parseS3Prefix("--async-output", asyncOutputText);

  const alarms = [...new Set([...flags.alarm, ...(flags.alarm.length === 0 ? (dc.alarms ?? []) : [])])];
  if (alarms.length > 10) throw new UsageError(`--alarm: ${alarms.length} alarms; a deployment takes at most 10`);
  for (const name of alarms) if (name.length > 255) throw new UsageError(`--alarm "${name.slice(0, 20)}…" is longer than 255 characters`);

  const timeout = pick<string | number>(flags.timeout, env.MLOPS_TIMEOUT, dc.timeout);
  const settings: DeploySettings = {
    endpoint,
    source,
    environment: checkEnvironment("--env", parsePairs("--env", flags.env)),
    roleArn,
    type: type as EndpointType | undefined,
    instanceType,
    instanceCount: flags.instanceCount !== undefined ? parseInteger("--instance-count", flags.instanceCount, { min: 1, max: 100 }) : (ep.instanceCount ?? DEPLOY_DEFAULTS.instanceCount),
    memoryMb,
    maxConcurrency: flags.maxConcurrency !== undefined ? parseInteger("--max-concurrency", flags.maxConcurrency, { min: 1, max: 200 }) : (ep.maxConcurrency ?? DEPLOY_DEFAULTS.maxConcurrency),
    asyncOutput,
    asyncConcurrency: flags.asyncConcurrency !== undefined ? parseInteger("--async-concurrency", flags.asyncConcurrency, { min: 1, max: 1000 }) : ep.asyncMaxConcurrentInvocations,
    strategy: strategy as Strategy,
    engine: engine as DeploySettings["engine"],
    canaryPercent: flags.canaryPercent !== undefined ? parseNumber("--canary-percent", flags.canaryPercent, { exclusiveMin: 0, max: 99 }) : (dc.canaryPercent ?? DEPLOY_DEFAULTS.canaryPercent),
    linearStep: flags.linearStep !== undefined ? parseNumber("--linear-step", flags.linearStep, { exclusiveMin: 0, max: 100 }) : (dc.linearStep ?? DEPLOY_DEFAULTS.linearStep),
    bake: seconds("--bake", pick<string | number>(flags.bake, dc.bake)) ?? DEPLOY_DEFAULTS.bake,
    finalBake: seconds("--final-bake", pick<string | number>(flags.finalBake, dc.finalBake)) ?? DEPLOY_DEFAULTS.finalBake,
    alarms,
    autoAlarms: flags.autoAlarms ?? dc.autoAlarms ?? false,
    maxErrorRate: flags.maxErrorRate !== undefined ? parseNumber("--max-error-rate", flags.maxErrorRate, { min: 0, max: 1 }) : (dc.maxErrorRate ?? DEPLOY_DEFAULTS.maxErrorRate),
    maxLatencyMs: flags.maxLatencyMs !== undefined ? parseNumber("--max-latency-ms", flags.maxLatencyMs, { exclusiveMin: 0 }) : (dc.maxLatencyMs ?? DEPLOY_DEFAULTS.maxLatencyMs),
    pause: !!flags.pause,
    timeoutSeconds: timeout === undefined ? undefined : seconds("--timeout", timeout),
    wait: flags.wait !== false,
    dryRun: !!flags.dryRun,
    keepOld: flags.keepOld ?? dc.keepOld ?? false,
    pollSeconds: resolvePollSeconds(flags.poll, env, config),
    given: {
      instanceType: pick(flags.instanceType, ep.instanceType) !== undefined,
      instanceCount: flags.instanceCount !== undefined || ep.instanceCount !== undefined,
      memoryMb: flags.memoryMb !== undefined || ep.memoryMb !== undefined,
      maxConcurrency: flags.maxConcurrency !== undefined || ep.maxConcurrency !== undefined,
      asyncOutput: asyncOutput !== undefined,
      asyncConcurrency: flags.asyncConcurrency !== undefined || ep.asyncMaxConcurrentInvocations !== undefined,
    },
  };
  if (settings.bake > 86_400) throw new UsageError(`--bake ${settings.bake}: at most 86400 s (24 h)`);
  if (settings.finalBake > 86_400) throw new UsageError(`--final-bake ${settings.finalBake}: at most 86400 s (24 h)`);
  if (settings.timeoutSeconds !== undefined && settings.timeoutSeconds < 1) throw new UsageError("--timeout must be at least 1 s");
  if (settings.strategy === "linear" && settings.linearStep >= 100) throw new UsageError("--linear-step must be below 100 for a linear rollout (100 is all at once)");
  return settings;
}

/** Seconds between status checks: --poll, MLOPS_POLL_SECONDS, mlops.yaml deploy.poll, then 15. */
export function resolvePollSeconds(flag: string | undefined, env: Env, config: MlopsConfig): number {
  const text = pick(flag, env.MLOPS_POLL_SECONDS);
  if (text === undefined) return config.deploy?.poll ?? DEPLOY_DEFAULTS.pollSeconds;
  return parseNumber(flag !== undefined ? "--poll" : "MLOPS_POLL_SECONDS", text, { exclusiveMin: 0, max: 3600 });
}
