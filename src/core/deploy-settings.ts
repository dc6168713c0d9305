import type { MlopsConfig } from "../config/schema";
import { UsageError } from "../errors";
import type { Env } from "../io/terminal";
import { ENDPOINT_TYPES, ENGINES, isOneOf, STRATEGIES } from "./choices";
import { checkEnvironment, checkImageUri, checkInstanceType, checkResourceName, parsePairs, parseS3Prefix, parseS3Uri, type S3Uri } from "./aws-names";
import type { EndpointCapacity } from "./deploy-specs";
import { parseDuration } from "./duration";
import { parseInteger, parseNumber } from "./flags";
import { parseModelRef, type ModelRef } from "./model-ref";
import { resolveSetting, type RawValue, type SettingSources } from "./sources";
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
  /** --output-env FILE: ENDPOINT_NAME, ENDPOINT_CONFIG, DEPLOY_OUTCOME for later build phases. */
  outputEnv?: string;
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
  given: { instanceType: boolean; instanceCount: boolean; memoryMb: boolean; maxConcurrency: boolean; asyncOutput: boolean; asyncConcurrency: boolean; strategy: boolean };
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

/** A boolean where a number belongs is refused as its text ("true"). */
function numeric(value: RawValue): string | number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: parseInteger/parseNumber read a boolean, or a number's String(), exactly as this does; the conversion only satisfies the types
  return typeof value === "boolean" ? String(value) : value;
}

/** A duration: "5m", "1h30m" or seconds, from a flag, a variable or mlops.yaml (a number of seconds). */
function durationOf(source: string, value: RawValue): number {
  return typeof value === "number" ? parseInteger(source, value, { min: 0 }) : parseDuration(source, String(value));
}

/** One of `choices` (core/choices.ts), compared as given: never an inherited property. */
function oneOf<T extends string>(choices: readonly T[]) {
  return (source: string, value: RawValue): T => {
    // A number or boolean (from mlops.yaml) reads as its text, which is never one of the words.
    const text = String(value);
    if (!isOneOf(choices, text)) throw new UsageError(`${source} "${text}" must be one of: ${choices.join(", ")}`);
    return text;
  };
}

function booleanOf(source: string, value: RawValue): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") throw new UsageError(`${source} ${value} must be true or false`);
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new UsageError(`${source} "${value}" must be true or false`);
}

/** Ranges shared by the flags, MLOPS_* variables and mlops.yaml (config/schema.ts): one rule for all three. */
export const DEPLOY_LIMITS = {
  /** Percent of traffic; 100 would be all at once. */
  canaryPercent: { exclusiveMin: 0, max: 99 },
  linearStep: { exclusiveMin: 0, max: 100 },
  /** A fraction of requests, 0–1. */
  maxErrorRate: { min: 0, max: 1 },
  /** Milliseconds; the longest an invocation can take is an asynchronous one's hour. */
  maxLatencyMs: { exclusiveMin: 0, max: 3_600_000 },
  /** Seconds between status checks: under 1 s only hammers DescribeEndpoint (and AWS throttles it). */
  pollSeconds: { min: 1, max: 3600 },
  /** Seconds of waiting: a week, as long as a paused rollout is watched. */
  timeoutSeconds: { min: 1, max: 7 * 86_400 },
  /** Seconds; a bake longer than a day is a typo. */
  bakeSeconds: { min: 0, max: 86_400 },
} as const;

/**
 * Every deploy setting, checked: flags win over MLOPS_* variables, which win over mlops.yaml,
 * which wins over the defaults. The same rule applies to each source, and each failure names
 * the source (flag, variable or mlops.yaml key) and the rule. Throws UsageError.
 */
export function resolveDeploySettings(flags: DeployFlags, env: Env, config: MlopsConfig, knownInstanceTypes?: readonly string[]): DeploySettings {
  const ep = config.endpoint ?? {};
  const dc = config.deploy ?? {};
  const get = <R>(sources: SettingSources, parse: (source: string, value: RawValue) => R) => resolveSetting(sources, env, parse);
  const count = (range: { min: number; max: number }) => (source: string, value: RawValue) => parseInteger(source, numeric(value), range);
  const number = (range: { min?: number; max?: number; exclusiveMin?: number }) => (source: string, value: RawValue) => parseNumber(source, numeric(value), range);
  const text = (check: (source: string, value: string) => unknown) => (source: string, value: RawValue) => {
    check(source, String(value));
    return String(value);
  };

  const endpoint = get({ flag: ["--endpoint", flags.endpoint], env: "MLOPS_ENDPOINT", file: ["endpoint.name", ep.name] }, text(checkResourceName));

  let source: ModelSource | undefined;
  if (flags.modelPackage !== undefined) {
    if (flags.image !== undefined || flags.modelData !== undefined) throw new UsageError("--model-package cannot be combined with --image or --model-data: deploy a registered version, or an image and artifact");
    source = { kind: "package", ref: parseModelRef(flags.modelPackage, "--model-package"), text: flags.modelPackage };
  } else if (flags.image !== undefined || flags.modelData !== undefined) {
    if (flags.image === undefined) throw new UsageError("--model-data needs --image");
    if (flags.modelData === undefined) throw new UsageError("--image needs --model-data");
    source = { kind: "image", image: checkImageUri("--image", flags.image), modelData: parseS3Uri("--model-data", flags.modelData) };
  }

  const type = get({ flag: ["--type", flags.type], file: ["endpoint.type", ep.type] }, oneOf(ENDPOINT_TYPES));
  const strategyGiven = get({ flag: ["--strategy", flags.strategy], env: "MLOPS_STRATEGY", file: ["deploy.strategy", dc.strategy] }, oneOf(STRATEGIES));
  const strategy = strategyGiven ?? DEPLOY_DEFAULTS.strategy;
  const engine = get({ flag: ["--engine", flags.engine], file: ["deploy.engine", dc.engine] }, oneOf(ENGINES));

  const roleArn = get({ flag: ["--role-arn", flags.roleArn], file: ["endpoint.roleArn", ep.roleArn] }, text((source, v) => {
    // An IAM role ARN; in the function, not a module constant, so that every test run sees a change to it.
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(v)) throw new UsageError(`${source} "${v}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }));

  const instanceTypeGiven = get({ flag: ["--instance-type", flags.instanceType], file: ["endpoint.instanceType", ep.instanceType] }, text((source, v) => checkInstanceType(source, v, knownInstanceTypes)));
  const instanceCount = get({ flag: ["--instance-count", flags.instanceCount], file: ["endpoint.instanceCount", ep.instanceCount] }, count({ min: 1, max: 100 }));
  const memoryMb = get({ flag: ["--memory-mb", flags.memoryMb], file: ["endpoint.memoryMb", ep.memoryMb] }, (source, v) => {
    const mb = parseInteger(source, numeric(v), { min: 1024, max: 6144 });
    if (mb % 1024 !== 0) throw new UsageError(`${source} ${mb}: serverless memory comes in 1024 MB steps (1024, 2048, … 6144)`);
    return mb;
  });
  const maxConcurrency = get({ flag: ["--max-concurrency", flags.maxConcurrency], file: ["endpoint.maxConcurrency", ep.maxConcurrency] }, count({ min: 1, max: 200 }));
  const asyncOutput = get({ flag: ["--async-output", flags.asyncOutput], file: ["endpoint.asyncOutput", ep.asyncOutput] }, (source, v) => parseS3Prefix(source, String(v)));
  const asyncConcurrency = get({ flag: ["--async-concurrency", flags.asyncConcurrency], file: ["endpoint.asyncMaxConcurrentInvocations", ep.asyncMaxConcurrentInvocations] }, count({ min: 1, max: 1000 }));

  const alarms = [...new Set([...flags.alarm, ...(flags.alarm.length === 0 ? (dc.alarms ?? []) : [])])];
  if (alarms.length > 10) throw new UsageError(`--alarm: ${alarms.length} alarms; a deployment takes at most 10`);
  for (const name of alarms) {
    if (name.trim() === "") throw new UsageError("--alarm must name a CloudWatch alarm (got an empty name)");
    if (name.length > 255) throw new UsageError(`--alarm "${name.slice(0, 20)}…" is longer than 255 characters`);
  }

  const bake = (flag: string, value: string | undefined, path: string, file: RawValue | undefined) =>
    get({ flag: [flag, value], file: [path, file] }, (source, v) => {
      const s = durationOf(source, v);
      if (s > DEPLOY_LIMITS.bakeSeconds.max) throw new UsageError(`${source} ${s}: at most ${DEPLOY_LIMITS.bakeSeconds.max} s (24 h)`);
      return s;
    });
  const timeoutSeconds = get({ flag: ["--timeout", flags.timeout], env: "MLOPS_TIMEOUT", file: ["deploy.timeout", dc.timeout] }, (source, v) => {
    const s = durationOf(source, v);
    const { min, max } = DEPLOY_LIMITS.timeoutSeconds;
    if (s < min || s > max) throw new UsageError(`${source} ${s}: must be between ${min} s and ${max} s (7 days)`);
    return s;
  });
  const settings: DeploySettings = {
    endpoint,
    source,
    environment: checkEnvironment("--env", parsePairs("--env", flags.env)),
    roleArn,
    type,
    instanceType: instanceTypeGiven ?? DEPLOY_DEFAULTS.instanceType,
    instanceCount: instanceCount ?? DEPLOY_DEFAULTS.instanceCount,
    memoryMb: memoryMb ?? DEPLOY_DEFAULTS.memoryMb,
    maxConcurrency: maxConcurrency ?? DEPLOY_DEFAULTS.maxConcurrency,
    asyncOutput,
    asyncConcurrency,
    strategy,
    engine,
    canaryPercent: get({ flag: ["--canary-percent", flags.canaryPercent], file: ["deploy.canaryPercent", dc.canaryPercent] }, number(DEPLOY_LIMITS.canaryPercent)) ?? DEPLOY_DEFAULTS.canaryPercent,
    linearStep: get({ flag: ["--linear-step", flags.linearStep], file: ["deploy.linearStep", dc.linearStep] }, number(DEPLOY_LIMITS.linearStep)) ?? DEPLOY_DEFAULTS.linearStep,
    bake: bake("--bake", flags.bake, "deploy.bake", dc.bake) ?? DEPLOY_DEFAULTS.bake,
    finalBake: bake("--final-bake", flags.finalBake, "deploy.finalBake", dc.finalBake) ?? DEPLOY_DEFAULTS.finalBake,
    alarms,
    autoAlarms: get({ flag: ["--auto-alarms", flags.autoAlarms], file: ["deploy.autoAlarms", dc.autoAlarms] }, booleanOf) ?? false,
    maxErrorRate: get({ flag: ["--max-error-rate", flags.maxErrorRate], file: ["deploy.maxErrorRate", dc.maxErrorRate] }, number(DEPLOY_LIMITS.maxErrorRate)) ?? DEPLOY_DEFAULTS.maxErrorRate,
    maxLatencyMs: get({ flag: ["--max-latency-ms", flags.maxLatencyMs], file: ["deploy.maxLatencyMs", dc.maxLatencyMs] }, number(DEPLOY_LIMITS.maxLatencyMs)) ?? DEPLOY_DEFAULTS.maxLatencyMs,
    pause: !!flags.pause,
    timeoutSeconds,
    wait: flags.wait !== false,
    dryRun: !!flags.dryRun,
    keepOld: get({ flag: ["--keep-old", flags.keepOld], file: ["deploy.keepOld", dc.keepOld] }, booleanOf) ?? false,
    pollSeconds: resolvePollSeconds(flags.poll, env, config),
    given: {
      instanceType: instanceTypeGiven !== undefined,
      instanceCount: instanceCount !== undefined,
      memoryMb: memoryMb !== undefined,
      maxConcurrency: maxConcurrency !== undefined,
      asyncOutput: asyncOutput !== undefined,
      asyncConcurrency: asyncConcurrency !== undefined,
      strategy: strategyGiven !== undefined,
    },
  };
  if (settings.strategy === "linear" && settings.linearStep >= 100) throw new UsageError("--linear-step must be below 100 for a linear rollout (100 is all at once)");
  return settings;
}

/** Seconds between status checks: --poll, MLOPS_POLL_SECONDS, mlops.yaml deploy.poll, then 15. Throws UsageError. */
export function resolvePollSeconds(flag: string | undefined, env: Env, config: MlopsConfig): number {
  return (
    resolveSetting({ flag: ["--poll", flag], env: "MLOPS_POLL_SECONDS", file: ["deploy.poll", config.deploy?.poll] }, env, (source, v) =>
      parseNumber(source, numeric(v), DEPLOY_LIMITS.pollSeconds),
    ) ?? DEPLOY_DEFAULTS.pollSeconds
  );
}
