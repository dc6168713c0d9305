import { OWNER_TAG_KEYS } from "./ownership";
import { trafficSteps, type Mode, type RolloutSettings, type Strategy, type TrafficStep } from "./rollout-plan";

/**
 * The rollout record: what the last rollout on an endpoint set out to do and how far it got, kept
 * in the endpoint's tags so that any later command, from any shell or CodeBuild job, can see it
 * and finish it (reconcile). Every engine writes one, once it has taken the endpoint: the target
 * and previous configs, the engine, the phase, and what it made that must go when it ends.
 *
 * Tag values allow only letters, digits, spaces and `_ . : / = + - @`, 256 characters each: lists
 * are spelt with those, and alarm names (any characters) go base64url-encoded, split over several
 * tags whose count is recorded (so stale pieces of an earlier record are never read).
 */

/** create: CreateEndpoint. rollback: one UpdateEndpoint back. The others: see Mode. */
export type RolloutEngine = Mode | "create" | "rollback";

export type RolloutPhase =
  // in progress
  | "updating"
  | "preparing"
  | "shifting"
  | "baking"
  | "paused"
  | "finalizing"
  | "rolling-back"
  // ended
  | "done"
  | "rolled-back"
  | "interrupted"
  | "failed"
  | "superseded";

export type RolloutCommand = "promote" | "promote-full" | "abort";

export interface RolloutState {
  id: string;
  mode: RolloutEngine;
  strategy: Strategy;
  phase: RolloutPhase;
  /** The ending's bookkeeping is done: the way back moved, the losing side removed. */
  finished: boolean;
  /** What the steps are made from; kept instead of the steps, which could outgrow a tag. */
  plan: Pick<RolloutSettings, "canaryPercent" | "linearStep" | "bake" | "finalBake">;
  steps: TrafficStep[];
  /** Index of the step reached (-1 before the first). */
  step: number;
  /** Percent of traffic on the new version now. */
  weight: number;
  /** The config that served when the rollout began ("" for a new endpoint). */
  oldConfig: string;
  /** The config that serves once the rollout is done. */
  newConfig: string;
  /** The registered model version the new config serves, when it came from the Model Registry. */
  modelPackage?: string;
  /** The old variants plus the new one at weight 0 (traffic mode). */
  mixConfig?: string;
  /** The new version's variant during the shift (traffic mode). */
  newVariant?: string;
  oldVariants: Array<{ name: string; weight: number }>;
  /** The alarms watched. */
  alarms: string[];
  /** The alarms this rollout created: removed when it ends. */
  ownedAlarms: string[];
  pollSeconds: number;
  keepOld: boolean;
  pause: boolean;
  /** Epoch ms. */
  startedAt: number;
  phaseSince: number;
  /**
   * When it ended (epoch ms), written with its booked ending: when SageMaker last changed the
   * endpoint, if that was after the last phase began, else when the ending was booked.
   */
  endedAt?: number;
  /** When the driving process last said it is alive (epoch ms): on phase changes and every HEARTBEAT_SECONDS. */
  heartbeat: number;
  /** Token of the process driving a traffic rollout; none when nobody does (paused, --no-wait, ended). */
  driver?: string;
  command?: RolloutCommand;
  /** Who left the command (a nonce), and the ids of the last commands a driver took (newest last). */
  commandId?: string;
  takenCommandIds: string[];
}

export const ROLLOUT_TAG_PREFIX = "mlops:rollout:";
/** The way back: the config that served before `PREVIOUS_OF_TAG`, which serves now. */
export const PREVIOUS_CONFIG_TAG = "mlops:previous-config";
export const PREVIOUS_OF_TAG = "mlops:previous-config-of";
const ENDED: readonly RolloutPhase[] = ["done", "rolled-back", "interrupted", "failed", "superseded"];
const CHUNK = 256;
/** SageMaker allows 50 tags on a resource. */
export const MAX_TAGS = 50;
/** A driver writes its heartbeat at most this often (and on every phase change), in seconds. */
export const HEARTBEAT_SECONDS = 300;
/**
 * How long a heartbeat vouches for its driver, in seconds: one heartbeat interval, plus the
 * longest back-off of a throttled driver (2 min), plus a minute's margin.
 */
export const DRIVER_LIVENESS_SECONDS = HEARTBEAT_SECONDS + 120 + 60;

/** The steps a rollout runs, from its strategy, plan and alarms: one step watched for every bake on serverless. */
export function rolloutSteps(mode: RolloutEngine, strategy: Strategy, plan: RolloutState["plan"], alarms: readonly string[]): TrafficStep[] {
  const steps = trafficSteps({ strategy, ...plan, alarms: [...alarms] });
  return mode === "serverless" ? [{ weight: 100, bake: steps.reduce((total, s) => total + s.bake, 0) }] : steps;
}

/** A long value as base64url pieces of at most 256 characters: key = count, key:0, key:1, … */
function chunked(key: string, value: unknown): Record<string, string> {
  const text = Buffer.from(JSON.stringify(value)).toString("base64url");
  const tags: Record<string, string> = {};
  let i = 0;
  for (; i * CHUNK < text.length; i++) tags[`${key}:${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  tags[key] = String(i);
  return tags;
}

function unchunked<T>(get: (key: string) => string | undefined, key: string, fallback: T): T {
  const count = Number(get(key));
  // A negative count reads no piece, hence the fallback: no test of its own is needed.
  if (!Number.isInteger(count) || count > MAX_TAGS) return fallback;
  let text = "";
  for (let i = 0; i < count; i++) text += get(`${key}:${i}`) ?? "";
  try {
    return text ? (JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** Whether a rollout is still under way (not done, rolled back, interrupted, failed or superseded). */
export function isActive(state: RolloutState | undefined): boolean {
  return !!state && !ENDED.includes(state.phase);
}

/** Whether a rollout ended but its bookkeeping (way back, cleanup) is still to do. */
export function needsFinishing(state: RolloutState | undefined): boolean {
  return !!state && ENDED.includes(state.phase) && !state.finished;
}

/**
 * A driver is alive if it has a token and beat within DRIVER_LIVENESS_SECONDS: a driver that is
 * throttled backs off for up to 2 minutes, and must not look dead meanwhile.
 */
export function hasLiveDriver(state: RolloutState, now: number): boolean {
  return !!state.driver && now - state.heartbeat <= DRIVER_LIVENESS_SECONDS * 1000;
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
    ...(state.ownedAlarms.length > 0 ? chunked("owned-alarms", state.ownedAlarms) : {}),
  };
  if (state.mixConfig) tags["mix-config"] = state.mixConfig;
  if (state.modelPackage) tags["model-package"] = state.modelPackage;
  if (state.newVariant) tags["new-variant"] = state.newVariant;
  if (state.driver) tags.driver = state.driver;
  if (state.command) tags.command = state.command;
  if (state.finished) tags.ending = endingTag(state.id, state.phase);
  if (state.commandId) tags["command-id"] = state.commandId;
  if (state.takenCommandIds.length > 0) tags["taken-commands"] = state.takenCommandIds.join(" ");
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [ROLLOUT_TAG_PREFIX + k, v]));
}

export function decodeRollout(tags: Readonly<Record<string, string>>): RolloutState | undefined {
  const get = (key: string) => tags[ROLLOUT_TAG_PREFIX + key];
  if (!get("id") || !get("phase")) return undefined;
  // A missing key reads as NaN (not finite), an empty one as 0 (hence its own test): both fall back.
  const num = (key: string, fallback = 0) => (get(key) !== "" && Number.isFinite(Number(get(key))) ? Number(get(key)) : fallback);
  const mode = (get("mode") ?? "traffic") as RolloutEngine;
  const strategy = (get("strategy") ?? "canary") as Strategy;
  const plan = { canaryPercent: num("canary", 10), linearStep: num("linear-step", 20), bake: num("bake"), finalBake: num("final-bake") };
  const alarms = unchunked<string[]>(get, "alarms", []);
  const id = get("id")!;
  // The booked ending names its rollout: one written late, over a newer record, is ignored.
  const ending = get("ending")?.startsWith(`${id}:`) ? (get("ending")!.slice(id.length + 1) as RolloutPhase) : undefined;
  return {
    id,
    mode,
    strategy,
    phase: ending ?? (get("phase") as RolloutPhase),
    finished: ending !== undefined,
    plan,
    steps: rolloutSteps(mode, strategy, plan, alarms),
    step: num("step", -1),
    weight: num("weight"),
    oldConfig: get("old-config") ?? "",
    newConfig: get("new-config") ?? "",
    mixConfig: get("mix-config"),
    modelPackage: get("model-package"),
    newVariant: get("new-variant"),
    oldVariants: unchunked(get, "old-variants", []),
    alarms,
    ownedAlarms: unchunked(get, "owned-alarms", []),
    pollSeconds: num("poll", 15),
    keepOld: get("keep-old") === "true",
    pause: get("pause") === "true",
    startedAt: num("started"),
    phaseSince: num("phase-since"),
    heartbeat: num("heartbeat"),
    endedAt: ending !== undefined && get("ended") !== undefined ? num("ended") : undefined,
    driver: get("driver"),
    command: get("command") as RolloutCommand | undefined,
    commandId: get("command-id"),
    takenCommandIds: (get("taken-commands") ?? "").split(" ").filter(Boolean),
  };
}

/** The tag value that books rollout `id`'s ending: `<id>:<phase>`. */
export function endingTag(id: string, phase: RolloutPhase): string {
  return `${id}:${phase}`;
}

/** Every rollout tag key present, to remove them when a new record replaces the last one. */
export function rolloutTagKeys(tags: Readonly<Record<string, string>>): string[] {
  return Object.keys(tags).filter((k) => k.startsWith(ROLLOUT_TAG_PREFIX));
}

/** A new rollout id: time, then randomness, so that two deploys in the same millisecond differ. */
export function newRolloutId(now: number, random: () => number = Math.random): string {
  const salt = Math.floor(random() * 36 ** 3)
    .toString(36)
    .padStart(3, "0");
  return `r${now.toString(36)}${salt}`;
}

/**
 * The config to go back to from the one that serves: the endpoint's way-back tags when they were
 * written for the serving config; else what the serving config itself recorded when mlops made
 * it for a rollout (a rollout killed before it wrote its record leaves only that). The caller
 * passes the serving config's tags only when this endpoint owns it.
 */
export function wayBack(endpointTags: Readonly<Record<string, string>>, serving: string | undefined, servingConfigTags?: Readonly<Record<string, string>>): string | undefined {
  if (!serving) return undefined;
  if (endpointTags[PREVIOUS_OF_TAG] === serving) return endpointTags[PREVIOUS_CONFIG_TAG] || undefined;
  return servingConfigTags?.[OWNER_TAG_KEYS.previousConfig] || undefined;
}
