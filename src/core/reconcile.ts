import { hasLiveDriver, isActive, type RolloutPhase, type RolloutState } from "./rollout-state";

/**
 * Reconcile, pure: compare what the rollout record set out to do with what SageMaker reports, the
 * way a controller converges on observed state. A rollout that ended while nobody watched
 * (--no-wait, a timeout, Ctrl-C, a killed CI job) is judged from the endpoint alone, and finished
 * exactly as its own process would have: the same outcome, the same way back, the same cleanup.
 */

/** What DescribeEndpoint says, as far as reconcile cares. */
export interface EndpointView {
  /** EndpointStatus: InService, Updating, Creating, Failed, UpdateRollbackFailed, … */
  status: string;
  /** EndpointConfigName: the config serving now. */
  serving?: string;
  /** PendingDeploymentSummary.EndpointConfigName: an update under way. */
  pending?: string;
}

export type Ending = "deployed" | "created" | "rolled-back" | "interrupted" | "failed" | "superseded";

export type Verdict =
  /** No record, or its ending is already booked. */
  | { kind: "idle" }
  /** SageMaker is updating the endpoint, or a live process drives the rollout. */
  | { kind: "running"; by: "sagemaker" | "driver" }
  /** A traffic rollout stopped half-way with nobody driving it: only promote or abort move it on. */
  | { kind: "stalled"; why: string }
  /** The rollout is over: its ending is to be booked. */
  | { kind: "ended"; outcome: Ending; why: string };

const BROKEN = ["Failed", "UpdateRollbackFailed"];

/** Where a rollout stands, from its record and the endpoint; `now` in epoch ms. */
export function judge(record: RolloutState | undefined, endpoint: EndpointView, now: number): Verdict {
  if (!record || record.finished) return { kind: "idle" };
  const driven = record.mode === "traffic" || record.mode === "serverless";
  // Once the last update has made the new config serve, the rollout is over, whoever books it.
  const landed = record.phase === "finalizing" && endpoint.status === "InService" && !endpoint.pending && endpoint.serving === record.newConfig;
  if (driven && isActive(record) && hasLiveDriver(record, now) && !landed) return { kind: "running", by: "driver" };
  if (BROKEN.includes(endpoint.status)) return { kind: "ended", outcome: "failed", why: `the endpoint is ${endpoint.status}` };
  if (endpoint.status !== "InService" || endpoint.pending) return { kind: "running", by: "sagemaker" };
  const { serving } = endpoint;
  if (!driven) {
    if (serving === record.newConfig) return { kind: "ended", outcome: record.mode === "create" ? "created" : "deployed", why: `${serving} serves` };
    if (record.oldConfig && serving === record.oldConfig) return { kind: "ended", outcome: "rolled-back", why: `SageMaker kept ${serving}` };
    return { kind: "ended", outcome: "superseded", why: `the endpoint serves ${serving}, which this rollout did not set` };
  }
  // The traffic engine and the serverless replacement: the phase says what the driver was doing.
  if (record.phase === "failed") return { kind: "ended", outcome: "failed", why: "the rollout failed" };
  if (serving === record.newConfig) {
    if (record.phase === "done" || record.phase === "finalizing") return { kind: "ended", outcome: "deployed", why: `${serving} serves` };
    return { kind: "stalled", why: `the new version serves, but its watch (${record.phase}) did not finish` };
  }
  if (serving === record.oldConfig) {
    return { kind: "ended", outcome: record.phase === "interrupted" ? "interrupted" : "rolled-back", why: `${serving}, the old version, serves` };
  }
  if (record.mixConfig && serving === record.mixConfig) {
    return { kind: "stalled", why: `${record.weight}% of the traffic is on the new version and nobody drives the rollout` };
  }
  return { kind: "ended", outcome: "superseded", why: `the endpoint serves ${serving}, which this rollout did not set` };
}

/** The record's phase for an ending. */
export function endingPhase(outcome: Ending): RolloutPhase {
  switch (outcome) {
    case "deployed":
    case "created":
      return "done";
    default:
      return outcome;
  }
}

/** The way back: `previous` is the config to return to from `of`, the config serving. */
export interface WayBack {
  of: string;
  previous: string;
}

export interface FinishPlan {
  /** The way back to write, when it moves. */
  wayBack?: WayBack;
  /** Endpoint configs to remove (and their models), if this endpoint owns them and nothing keeps them. */
  removeConfigs: string[];
  /** Configs that must stay whatever else says: serving, pending, and both ends of the way back. */
  keepConfigs: string[];
  /** Alarms this rollout created. */
  removeAlarms: string[];
}

/**
 * What booking an ending does. Deployed: the old config becomes the way back, and the one that was
 * the way back before goes. Anything else: the new config goes. The traffic engine's mixed config
 * goes either way; --keep-old keeps every config; the rollout's own alarms always go.
 */
export function finishPlan(record: RolloutState, outcome: Ending, endpoint: EndpointView, current: Partial<WayBack>): FinishPlan {
  const wayBack = outcome === "deployed" && record.oldConfig ? { of: record.newConfig, previous: record.oldConfig } : undefined;
  const effective = wayBack ?? current;
  const keep = [endpoint.serving, endpoint.pending, effective.of, effective.previous].filter((c): c is string => !!c);
  let remove: Array<string | undefined> = [];
  if (outcome === "deployed") remove = [record.mixConfig, current.of === record.oldConfig ? current.previous : undefined];
  else if (outcome !== "created" && outcome !== "failed") remove = [record.mixConfig, record.newConfig];
  if (record.keepOld) remove = [];
  const removeConfigs = [...new Set(remove.filter((c): c is string => !!c && !keep.includes(c)))];
  return { wayBack, removeConfigs, keepConfigs: [...new Set(keep)], removeAlarms: [...record.ownedAlarms] };
}
