import type { Mode, Strategy, TrafficStep } from "./rollout-plan";

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
    steps: state.steps.map((s) => `${s.weight}/${s.bake}`).join(" "),
    step: String(state.step),
    weight: String(state.weight),
    "old-config": state.oldConfig,
    "new-config": state.newConfig,
    "old-variants": state.oldVariants.map((v) => `${v.name}=${v.weight}`).join(" "),
    poll: String(state.pollSeconds),
    "keep-old": String(state.keepOld),
    pause: String(state.pause),
    started: String(state.startedAt),
    "phase-since": String(state.phaseSince),
    heartbeat: String(state.heartbeat),
  };
  if (state.mixConfig) tags["mix-config"] = state.mixConfig;
  if (state.newVariant) tags["new-variant"] = state.newVariant;
  if (state.command) tags.command = state.command;
  const alarms = Buffer.from(JSON.stringify(state.alarms)).toString("base64url");
  for (let i = 0; i * CHUNK < alarms.length; i++) tags[`alarms:${i}`] = alarms.slice(i * CHUNK, (i + 1) * CHUNK);
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [ROLLOUT_TAG_PREFIX + k, v]));
}

export function decodeRollout(tags: Readonly<Record<string, string>>): RolloutState | undefined {
  const get = (key: string) => tags[ROLLOUT_TAG_PREFIX + key];
  if (!get("id") || !get("phase")) return undefined;
  let alarms: string[] = [];
  let chunks = "";
  for (let i = 0; get(`alarms:${i}`) !== undefined; i++) chunks += get(`alarms:${i}`);
  try {
    alarms = chunks ? (JSON.parse(Buffer.from(chunks, "base64url").toString("utf8")) as string[]) : [];
  } catch {
    alarms = [];
  }
  const num = (key: string, fallback = 0) => (Number.isFinite(Number(get(key))) && get(key) !== "" ? Number(get(key)) : fallback);
  return {
    id: get("id")!,
    mode: (get("mode") ?? "traffic") as Mode,
    strategy: (get("strategy") ?? "canary") as Strategy,
    phase: get("phase") as RolloutPhase,
    steps: (get("steps") ?? "")
      .split(" ")
      .filter(Boolean)
      .map((pair) => {
        const [weight, bake] = pair.split("/").map(Number);
        return { weight: weight ?? 100, bake: bake ?? 0 };
      }),
    step: num("step", -1),
    weight: num("weight"),
    oldConfig: get("old-config") ?? "",
    newConfig: get("new-config") ?? "",
    mixConfig: get("mix-config"),
    newVariant: get("new-variant"),
    oldVariants: (get("old-variants") ?? "")
      .split(" ")
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.lastIndexOf("=");
        return { name: pair.slice(0, eq), weight: Number(pair.slice(eq + 1)) };
      }),
    alarms,
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
