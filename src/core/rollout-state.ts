import { trafficSteps, type Mode, type RolloutSettings, type Strategy, type TrafficStep } from "./rollout-plan";

/**
 * A traffic rollout's state, kept in the endpoint's tags so that `mlops status|promote|abort`
 * work from another shell or a later CodeBuild job. Tag values allow only letters, digits,
 * spaces and `_ . : / = + - @`, 256 characters each: lists are spelt with those, and alarm
 * names (any characters) go base64url-encoded, split over several tags.
 */

export type RolloutPhase = "preparing" | "shifting" | "baking" | "paused" | "finalizing" | "rolling-back" | "done" | "rolled-back" | "interrupted" | "failed";
export type RolloutCommand = "promote" | "promote-full" | "abort";

export interface RolloutState {
  id: string;
  mode: Mode;
  strategy: Strategy;
  phase: RolloutPhase;
  /** What the steps are made from; kept instead of the steps, which could outgrow a tag. */
  plan: Pick<RolloutSettings, "canaryPercent" | "linearStep" | "bake" | "finalBake">;
  steps: TrafficStep[];
  /** Index of the step reached (-1 before the first). */
  step: number;
  /** Percent of traffic on the new version now. */
  weight: number;
  oldConfig: string;
  newConfig: string;
  /** The old variants plus the new one at weight 0 (traffic mode). */
  mixConfig?: string;
  newVariant?: string;
  oldVariants: Array<{ name: string; weight: number }>;
  alarms: string[];
  pollSeconds: number;
  keepOld: boolean;
  pause: boolean;
  /** Epoch ms. */
  startedAt: number;
  phaseSince: number;
  /** Updated by the process driving the rollout on every poll; stale means nobody drives it. */
  heartbeat: number;
  command?: RolloutCommand;
}

export const ROLLOUT_TAG_PREFIX = "mlops:rollout:";
export const PREVIOUS_CONFIG_TAG = "mlops:previous-config";
const TERMINAL: readonly RolloutPhase[] = ["done", "rolled-back", "interrupted", "failed"];
const CHUNK = 256;
/** SageMaker allows 50 tags on a resource. */
export const MAX_TAGS = 50;

/** The steps a rollout runs, from its strategy and plan: one step watched for every bake on serverless. */
export function rolloutSteps(mode: Mode, strategy: Strategy, plan: RolloutState["plan"]): TrafficStep[] {
  const steps = trafficSteps({ strategy, ...plan, alarms: [] });
  return mode === "serverless" ? [{ weight: 100, bake: steps.reduce((total, s) => total + s.bake, 0) }] : steps;
}

/** A long value as base64url pieces of at most 256 characters: key:0, key:1, … */
function chunked(key: string, value: unknown): Record<string, string> {
  const text = Buffer.from(JSON.stringify(value)).toString("base64url");
  const tags: Record<string, string> = {};
  for (let i = 0; i * CHUNK < text.length; i++) tags[`${key}:${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return tags;
}

function unchunked<T>(get: (key: string) => string | undefined, key: string, fallback: T): T {
  let text = "";
  for (let i = 0; get(`${key}:${i}`) !== undefined; i++) text += get(`${key}:${i}`);
  try {
    return text ? (JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** Whether a rollout is still under way (not done, rolled back, interrupted or failed). */
export function isActive(state: RolloutState | undefined): boolean {
  return !!state && !TERMINAL.includes(state.phase);
}

/** A driver is alive if it beat within three polls (at least 30 s). */
export function hasLiveDriver(state: RolloutState, now: number): boolean {
  return now - state.heartbeat <= Math.max(30, 3 * state.pollSeconds) * 1000;
}

export function encodeRollout(state: RolloutState): Record<string, string> {
  const tags: Record<string, string> = {
    id: state.id,
    mode: state.mode,
    strategy: state.strategy,
    phase: state.phase,
    canary: String(state.plan.canaryPercent),
    "linear-step": String(state.plan.linearStep),
    bake: String(state.plan.bake),
    "final-bake": String(state.plan.finalBake),
    step: String(state.step),
    weight: String(state.weight),
    "old-config": state.oldConfig,
    "new-config": state.newConfig,
    poll: String(state.pollSeconds),
    "keep-old": String(state.keepOld),
    pause: String(state.pause),
    started: String(state.startedAt),
    "phase-since": String(state.phaseSince),
    heartbeat: String(state.heartbeat),
    ...chunked("old-variants", state.oldVariants),
    ...chunked("alarms", state.alarms),
  };
  if (state.mixConfig) tags["mix-config"] = state.mixConfig;
  if (state.newVariant) tags["new-variant"] = state.newVariant;
  if (state.command) tags.command = state.command;
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [ROLLOUT_TAG_PREFIX + k, v]));
}

export function decodeRollout(tags: Readonly<Record<string, string>>): RolloutState | undefined {
  const get = (key: string) => tags[ROLLOUT_TAG_PREFIX + key];
  if (!get("id") || !get("phase")) return undefined;
  const num = (key: string, fallback = 0) => (get(key) !== undefined && get(key) !== "" && Number.isFinite(Number(get(key))) ? Number(get(key)) : fallback);
  const mode = (get("mode") ?? "traffic") as Mode;
  const strategy = (get("strategy") ?? "canary") as Strategy;
  const plan = { canaryPercent: num("canary", 10), linearStep: num("linear-step", 20), bake: num("bake"), finalBake: num("final-bake") };
  return {
    id: get("id")!,
    mode,
    strategy,
    phase: get("phase") as RolloutPhase,
    plan,
    steps: rolloutSteps(mode, strategy, plan),
    step: num("step", -1),
    weight: num("weight"),
    oldConfig: get("old-config") ?? "",
    newConfig: get("new-config") ?? "",
    mixConfig: get("mix-config"),
    newVariant: get("new-variant"),
    oldVariants: unchunked(get, "old-variants", []),
    alarms: unchunked(get, "alarms", []),
    pollSeconds: num("poll", 15),
    keepOld: get("keep-old") === "true",
    pause: get("pause") === "true",
    startedAt: num("started"),
    phaseSince: num("phase-since"),
    heartbeat: num("heartbeat"),
    command: get("command") as RolloutCommand | undefined,
  };
}

/** Every rollout tag key present, to remove them when a rollout ends. */
export function rolloutTagKeys(tags: Readonly<Record<string, string>>): string[] {
  return Object.keys(tags).filter((k) => k.startsWith(ROLLOUT_TAG_PREFIX));
}
