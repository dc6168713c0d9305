import type { RolloutState } from "../../src/core/rollout-state";

/** Clock time the record fixtures are built around (epoch ms). */
export const RECORD_NOW = 1_800_000_000_000;

/**
 * A rollout record as the engines write it: guardrails from churn-old to churn-new, one minute
 * old, nothing made of its own; `over` changes what a test needs.
 */
export function rolloutRecord(over: Partial<RolloutState> = {}, now = RECORD_NOW): RolloutState {
  return {
    id: "r1",
    mode: "guardrails",
    strategy: "canary",
    phase: "updating",
    finished: false,
    plan: { canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 300 },
    steps: [],
    step: -1,
    weight: 0,
    oldConfig: "churn-old",
    newConfig: "churn-new",
    oldVariants: [{ name: "AllTraffic", weight: 1 }],
    alarms: [],
    ownedAlarms: [],
    takenCommandIds: [],
    pollSeconds: 15,
    keepOld: false,
    pause: false,
    startedAt: now - 60_000,
    phaseSince: now - 60_000,
    heartbeat: now - 60_000,
    ...over,
  };
}
