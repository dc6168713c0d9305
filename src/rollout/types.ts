import type { AwsClients } from "../aws/clients";
import type { Io } from "../io/io";
import type { AlarmStateValue } from "../schemas/common";
import type { Pace } from "./poll";
import type { RolloutView } from "./view";

export type Outcome = "created" | "deployed" | "rolled-back" | "no-change" | "timed-out" | "failed" | "started" | "paused";

/** How a rollout ended, as the engines report it. */
export interface RolloutResult {
  outcome: Outcome;
  /** The endpoint config serving at the end. */
  endpointConfig: string;
  alarms: Array<{ name: string; state: AlarmStateValue }>;
  failureReason: string | null;
  /** The alarm that caused a rollback, when one did. */
  firedAlarm: string | null;
  /** When that alarm entered ALARM (epoch ms). */
  firedAt?: number | null;
  /** Seconds from the alarm entering ALARM to traffic being safe on the old version. */
  rollbackReactionSeconds: number | null;
}

/** Everything an engine works with. */
export interface RolloutEnv extends Pace {
  aws: AwsClients;
  io: Io;
  view: RolloutView;
  endpoint: string;
}
