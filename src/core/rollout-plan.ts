import { createHash } from "node:crypto";
import { UsageError } from "../errors";
import type { EndpointType, Strategy } from "./choices";

export { STRATEGIES, type EndpointType, type Strategy } from "./choices";

/**
 * Rollout planning, pure: which engine runs a deploy, whether SageMaker's guardrails allow the
 * strategy, the DeploymentConfig that asks for it, the traffic steps mlops shifts itself, names
 * of what a deploy creates, and how long it should take.
 */

/** guardrails: SageMaker moves traffic. traffic: mlops moves variant weights. serverless: mlops replaces the config and watches. */
export type Mode = "guardrails" | "traffic" | "serverless";

export interface RolloutSettings {
  strategy: Strategy;
  canaryPercent: number;
  /** Linear step, or the batch size of a rolling update, in percent. */
  linearStep: number;
  bake: number;
  finalBake: number;
  alarms: string[];
}

export interface EngineChoice {
  mode: Mode;
  /** What the user sees as the engine: guardrails or traffic (the serverless mode is the traffic engine's). */
  engine: "guardrails" | "traffic";
  /** Why, when mlops chose for the user. */
  note?: string;
}

/** How many instances a percentage of `total` stands for, as SageMaker rounds it (up, at least one). */
export function instancesFor(percent: number, total: number): number {
  return Math.max(1, Math.min(total, Math.ceil((total * percent) / 100)));
}

/** Why SageMaker's guardrails cannot run this strategy on this fleet, or undefined when they can. */
export function guardrailProblem(settings: RolloutSettings, instanceCount: number): string | undefined {
  // SageMaker's CapacitySize.Value is a whole number.
  if (settings.strategy === "canary" && !Number.isInteger(settings.canaryPercent)) return `--canary-percent ${settings.canaryPercent}: SageMaker sizes a canary in whole percents`;
  if ((settings.strategy === "linear" || settings.strategy === "rolling") && !Number.isInteger(settings.linearStep)) return `--linear-step ${settings.linearStep}: SageMaker sizes steps in whole percents`;
  if (settings.strategy === "canary") {
    if (settings.canaryPercent > 50) return `--canary-percent ${settings.canaryPercent}: SageMaker's canary is at most 50 % of the fleet`;
    if (instancesFor(settings.canaryPercent, instanceCount) > instanceCount / 2) {
      return `a ${settings.canaryPercent} % canary of ${instanceCount} instance(s) is ${instancesFor(settings.canaryPercent, instanceCount)} instance(s), more than half the fleet; SageMaker needs at least 2 instances for a canary`;
    }
  }
  if (settings.strategy === "linear") {
    if (settings.linearStep < 10 || settings.linearStep > 50) return `--linear-step ${settings.linearStep}: SageMaker's linear steps are 10–50 % of the fleet`;
    const step = instancesFor(settings.linearStep, instanceCount);
    // No "too small" check: a step of at least 10 % rounds up to at least a tenth of the fleet.
    if (step > instanceCount / 2) return `a ${settings.linearStep} % step of ${instanceCount} instance(s) is ${step} instance(s), outside 10–50 % of the fleet; use more instances`;
  }
  if (settings.strategy === "rolling" && (settings.linearStep < 5 || settings.linearStep > 50)) return `--linear-step ${settings.linearStep}: a rolling batch is 5–50 % of the fleet`;
  if (settings.bake > 3600) return `--bake ${settings.bake}: SageMaker waits at most 3600 s between steps`;
  if (settings.finalBake > 3600) return `--final-bake ${settings.finalBake}: SageMaker waits at most 3600 s before terminating the old fleet`;
  return undefined;
}

/**
 * Guardrails where SageMaker allows them (real-time and asynchronous, one variant); mlops's own
 * traffic engine for serverless, multi-variant endpoints, --pause, or a fleet too small for the
 * canary; the user's --engine wins when it is possible at all.
 */
export function chooseEngine(input: {
  type: EndpointType;
  requested?: "guardrails" | "traffic";
  pause: boolean;
  variantCount: number;
  instanceCount: number;
  /** The new fleet's instance type; undefined for serverless. */
  instanceType?: string;
  settings: RolloutSettings;
}): EngineChoice {
  const { type, requested, pause, variantCount, settings } = input;
  const rolling = settings.strategy === "rolling";
  // Deployment guardrails exclusions: on Inf1 instances SageMaker falls back to all at once with no
  // final bake, so nothing would be watched (docs: deployment-guardrails-exclusions).
  const inf1 = type !== "serverless" && !!input.instanceType?.startsWith("ml.inf1.");
  if (inf1 && (requested === "guardrails" || rolling)) {
    throw new UsageError(`${rolling ? "--strategy rolling" : "--engine guardrails"}: on Inf1 instances (${input.instanceType}) SageMaker's guardrails fall back to all at once with no bake`, {
      hint: "leave out --engine (and use canary, linear or blue-green): mlops's traffic engine shifts and watches the traffic itself",
    });
  }
  if (type === "serverless") {
    if (requested === "guardrails") throw new UsageError("--engine guardrails: SageMaker's deployment guardrails do not support serverless endpoints", { hint: "leave out --engine: mlops updates serverless endpoints all at once and rolls back on alarms during a watch window" });
    if (rolling) throw new UsageError("--strategy rolling is not possible for serverless endpoints");
    if (pause) throw new UsageError("--pause: a serverless endpoint holds one variant, so there is no step to pause at");
    return { mode: "serverless", engine: "traffic" };
  }
  if (rolling) {
    if (requested === "traffic" || pause) throw new UsageError("--strategy rolling is a SageMaker guardrails strategy: it cannot run on the traffic engine or --pause");
    if (variantCount > 1) throw new UsageError("--strategy rolling: SageMaker does not roll endpoints with more than one production variant");
  }
  if (requested === "guardrails") {
    if (pause) throw new UsageError("--pause needs the traffic engine: SageMaker's guardrails cannot stop at a step", { hint: "leave out --engine, or drop --pause" });
    if (variantCount > 1) throw new UsageError("--engine guardrails: the endpoint has more than one production variant; use the traffic engine");
    const problem = guardrailProblem(settings, input.instanceCount);
    if (problem) throw new UsageError(problem, { hint: "adjust the strategy, or use --engine traffic, which shifts weights between variants and works with one instance" });
    return { mode: "guardrails", engine: "guardrails" };
  }
  if (requested === "traffic") return { mode: "traffic", engine: "traffic" };
  if (inf1) return { mode: "traffic", engine: "traffic", note: `on Inf1 instances SageMaker's guardrails fall back to all at once with no bake, so mlops shifts traffic between variants itself` };
  if (pause) return { mode: "traffic", engine: "traffic", note: "--pause runs on mlops's traffic engine (SageMaker's guardrails cannot stop at a step): mlops moves the variant weights itself" };
  if (variantCount > 1) return { mode: "traffic", engine: "traffic", note: "the endpoint has more than one variant, so mlops shifts traffic itself" };
  const problem = guardrailProblem(settings, input.instanceCount);
  if (problem) {
    if (rolling || settings.bake > 3600 || settings.finalBake > 3600) throw new UsageError(problem);
    return { mode: "traffic", engine: "traffic", note: `${problem}; mlops shifts traffic between variants itself instead` };
  }
  return { mode: "guardrails", engine: "guardrails" };
}

/** SageMaker's limits on MaximumExecutionTimeoutInSeconds (both policies: 600–28800). */
const EXECUTION_LIMITS = { blueGreen: [600, 28_800], rolling: [600, 28_800] } as const;
/** Time allowed for SageMaker to launch instances and move traffic, per step. */
const LAUNCH_ALLOWANCE = 1_200;
const STEP_ALLOWANCE = 180;

export interface DeploymentConfigShape {
  BlueGreenUpdatePolicy?: {
    TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE" | "CANARY" | "LINEAR"; WaitIntervalInSeconds: number; CanarySize?: { Type: "CAPACITY_PERCENT"; Value: number }; LinearStepSize?: { Type: "CAPACITY_PERCENT"; Value: number } };
    TerminationWaitInSeconds: number;
    MaximumExecutionTimeoutInSeconds: number;
  };
  RollingUpdatePolicy?: { MaximumBatchSize: { Type: "CAPACITY_PERCENT"; Value: number }; WaitIntervalInSeconds: number; MaximumExecutionTimeoutInSeconds: number };
  AutoRollbackConfiguration?: { Alarms: Array<{ AlarmName: string }> };
}

/** The DeploymentConfig for UpdateEndpoint, with an execution limit that covers every wait. */
export function deploymentConfig(settings: RolloutSettings): DeploymentConfigShape {
  const alarms = settings.alarms.length > 0 ? { AutoRollbackConfiguration: { Alarms: settings.alarms.map((AlarmName) => ({ AlarmName })) } } : {};
  const steps = trafficSteps(settings);
  if (settings.strategy === "rolling") {
    const batches = Math.ceil(100 / settings.linearStep);
    const limit = clampLimit(batches * (LAUNCH_ALLOWANCE + STEP_ALLOWANCE + settings.bake), EXECUTION_LIMITS.rolling);
    return { RollingUpdatePolicy: { MaximumBatchSize: { Type: "CAPACITY_PERCENT", Value: settings.linearStep }, WaitIntervalInSeconds: settings.bake, MaximumExecutionTimeoutInSeconds: limit }, ...alarms };
  }
  const routing =
    settings.strategy === "canary"
      ? { Type: "CANARY" as const, CanarySize: { Type: "CAPACITY_PERCENT" as const, Value: settings.canaryPercent }, WaitIntervalInSeconds: settings.bake }
      : settings.strategy === "linear"
        ? { Type: "LINEAR" as const, LinearStepSize: { Type: "CAPACITY_PERCENT" as const, Value: settings.linearStep }, WaitIntervalInSeconds: settings.bake }
        : { Type: "ALL_AT_ONCE" as const, WaitIntervalInSeconds: settings.strategy === "blue-green" ? settings.bake : 0 };
  const termination = settings.strategy === "all-at-once" && settings.alarms.length === 0 ? 0 : settings.finalBake;
  const waits = steps.reduce((total, s) => total + s.bake, 0);
  const limit = clampLimit(LAUNCH_ALLOWANCE + steps.length * STEP_ALLOWANCE + waits, EXECUTION_LIMITS.blueGreen);
  return { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing, TerminationWaitInSeconds: termination, MaximumExecutionTimeoutInSeconds: limit }, ...alarms };
}

/** The strategy a DeploymentConfig runs (what `deploymentConfig` made, read back from DescribeEndpoint). */
export function strategyOf(dc: Pick<DeploymentConfigShape, "BlueGreenUpdatePolicy" | "RollingUpdatePolicy"> | undefined): Strategy {
  if (dc?.RollingUpdatePolicy) return "rolling";
  const routing = dc?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
  if (routing?.Type === "CANARY") return "canary";
  if (routing?.Type === "LINEAR") return "linear";
  return routing && routing.WaitIntervalInSeconds > 0 ? "blue-green" : "all-at-once";
}

function clampLimit(seconds: number, [min, max]: readonly [number, number]): number {
  if (seconds > max) throw new UsageError(`the rollout's waits add up to ${seconds} s, more than SageMaker's limit of ${max} s for one deployment`, { hint: "shorten --bake/--final-bake or use fewer steps" });
  return Math.max(min, seconds);
}

export interface TrafficStep {
  /** Percent of traffic on the new version once this step is done. */
  weight: number;
  /** Seconds to watch the alarms at this weight before the next step. */
  bake: number;
}

/** The weights mlops (or SageMaker) moves through, and how long each is watched. */
export function trafficSteps(settings: RolloutSettings): TrafficStep[] {
  const last = (bake: number): TrafficStep => ({ weight: 100, bake });
  switch (settings.strategy) {
    case "all-at-once":
      // All at once, then watched for the final bake when there are alarms to watch.
      return [last(settings.alarms.length > 0 ? settings.finalBake : 0)];
    case "blue-green":
      return [last(settings.bake + settings.finalBake)];
    case "canary":
      return [{ weight: settings.canaryPercent, bake: settings.bake }, last(settings.finalBake)];
    case "linear":
    case "rolling": {
      const steps: TrafficStep[] = [];
      for (let w = settings.linearStep; w < 100; w += settings.linearStep) steps.push({ weight: Math.round(w * 100) / 100, bake: settings.bake });
      return [...steps, last(settings.finalBake)];
    }
  }
}

/**
 * The steps SageMaker's guardrails really take on `instanceCount` instances: canaries, linear
 * steps and rolling batches are sized in whole instances, rounded up (CapacitySize), so 20 % of 2
 * instances is 1 instance, which is 50 % of the traffic.
 */
export function guardrailSteps(settings: RolloutSettings, instanceCount: number): TrafficStep[] {
  const total = Math.max(1, instanceCount);
  const share = (instances: number) => Math.round((10_000 * instances) / total) / 100;
  const last = (bake: number): TrafficStep => ({ weight: 100, bake });
  switch (settings.strategy) {
    case "canary":
      return [{ weight: share(instancesFor(settings.canaryPercent, total)), bake: settings.bake }, last(settings.finalBake)];
    case "linear":
    case "rolling": {
      const step = instancesFor(settings.linearStep, total);
      const steps: TrafficStep[] = [];
      for (let on = step; on < total; on += step) steps.push({ weight: share(on), bake: settings.bake });
      return [...steps, last(settings.strategy === "rolling" ? settings.bake : settings.finalBake)];
    }
    default:
      return trafficSteps(settings);
  }
}

/** Typical times on AWS, for estimates only. */
export const TYPICAL = { launchSeconds: 480, stepSeconds: 60, updateSeconds: 480 } as const;

/** Roughly how long a deploy takes on AWS, in seconds; guardrail steps as SageMaker sizes them on `instanceCount` instances. */
export function expectedSeconds(mode: Mode | "create", settings: RolloutSettings, instanceCount = 1): number {
  if (mode === "create") return TYPICAL.launchSeconds;
  const steps = mode === "guardrails" ? guardrailSteps(settings, instanceCount) : trafficSteps(settings);
  const bakes = steps.reduce((total, s) => total + s.bake, 0);
  if (mode === "guardrails") {
    const batches = settings.strategy === "rolling" ? steps.length : 1;
    return batches * TYPICAL.launchSeconds + steps.length * TYPICAL.stepSeconds + bakes;
  }
  if (mode === "serverless") return TYPICAL.updateSeconds + bakes;
  // traffic: add the new variant, step the weights, then move to the new config alone.
  return 2 * TYPICAL.updateSeconds + steps.length * TYPICAL.stepSeconds + bakes;
}

/**
 * The strategy that really runs: a serverless endpoint holds one variant, so whatever was asked
 * for, it is replaced all at once and then watched.
 */
export function effectiveStrategy(mode: Mode | "create", strategy: Strategy): Strategy {
  return mode === "serverless" ? "all-at-once" : strategy;
}

/** A short, stable id for a spec: the same inputs give the same names, so a repeat deploy is a no-op. */
export function fingerprint(spec: unknown): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 8);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * `<endpoint>-<hash>`, or `<endpoint>-<kind>-<hash>`, within SageMaker's 63 characters. The hash
 * covers the full endpoint name as well as the spec: two endpoints whose names share their first
 * 54 characters never get the same model or config name, and the same spec on one endpoint always
 * gets the same name (a repeat deploy finds what it made before).
 */
export function derivedName(endpoint: string, spec: unknown, kind?: "mix"): string {
  return `${derivedPrefix(endpoint, kind)}${fingerprint({ endpoint, spec })}`;
}

/** What every derived name of this kind on this endpoint starts with: `<endpoint, cut to fit>-[<kind>-]`. */
export function derivedPrefix(endpoint: string, kind?: "mix"): string {
  const tail = `${kind ? `${kind}-` : ""}`;
  const room = 63 - tail.length - 8 - 1;
  return `${endpoint.slice(0, room).replace(/-+$/, "")}-${tail}`;
}

/**
 * Metrics reach CloudWatch one to three minutes late, and the alarms mlops creates need two
 * one-minute periods: a watch shorter than this may end before an alarm could fire.
 */
export const ALARM_REACTION_SECONDS = 240;

/** Steps watched for less than the alarms need, as a warning's message; none when nothing is watched. */
export function shortBakeWarning(settings: RolloutSettings): string | undefined {
  if (settings.alarms.length === 0) return undefined;
  const short = trafficSteps(settings).filter((s) => s.bake < ALARM_REACTION_SECONDS);
  if (short.length === 0) return undefined;
  return `${short.length === 1 ? "a step is" : `${short.length} steps are`} watched for less than ${ALARM_REACTION_SECONDS / 60} min (--bake/--final-bake); CloudWatch metrics arrive 1–3 min late, so an alarm may not fire before the step ends`;
}

export const STRATEGY_WORDS: Record<Strategy, string> = {
  "all-at-once": "all at once",
  canary: "canary",
  linear: "linear",
  "blue-green": "blue/green",
  rolling: "rolling",
};
