import { alarmStates, deleteOwnedAlarms, type AlarmState } from "../aws/alarms";
import type { AwsClients } from "../aws/clients";
import { describeEndpoint, describeEndpointConfig, listEndpointConfigs, listTags, listTagsIfExists, type Endpoint } from "../aws/endpoints";
import type { Clock } from "../core/clock";
import { guardrailPhase, type GuardrailPhase } from "../core/endpoint-phase";
import { isOwnedBy } from "../core/ownership";
import { endingPhase, finishPlan, judge, type Ending, type EndpointView, type Verdict, type WayBack } from "../core/reconcile";
import { derivedPrefix, strategyOf, type DeploymentConfigShape, type Strategy } from "../core/rollout-plan";
import { decodeRollout, endingTag, hasLiveDriver, isActive, PREVIOUS_CONFIG_TAG, PREVIOUS_OF_TAG, wayBack, type RolloutState } from "../core/rollout-state";
import { MlopsError } from "../errors";
import type { Io } from "../io/io";
import { removeConfigs } from "./cleanup";
import { isTransient, retrying, Timeout, type Pace } from "./poll";
import { saveRecordFields, writeWayBack } from "./record";

/**
 * Reconcile: every endpoint command (deploy, status, rollback, promote, abort) starts here. It
 * reads the rollout record and what SageMaker reports, and books the ending of a rollout that
 * ended while nobody watched (outcome, way back, cleanup), exactly as its own process would have.
 * The processes that watch a rollout to its end book it through the same finishRollout.
 */

/** Everything mlops knows about an endpoint, from AWS alone (no local state). */
export interface Observation {
  endpoint: Endpoint;
  arn: string;
  tags: Record<string, string>;
  view: EndpointView;
  /** The last rollout recorded on the endpoint. */
  rollout?: RolloutState;
  verdict: Verdict;
  /** An update SageMaker drives (guardrails, a rollback, a creation), in progress. */
  deployment?: { config: string; alarms: string[]; strategy: Strategy; phase: GuardrailPhase };
  rolloutActive: boolean;
  driverLive: boolean;
  alarms: AlarmState[];
  /** Alarms whose state AWS would not tell this time (throttling): shown as unread, not left out. */
  unreadAlarms: string[];
  /** The config `mlops rollback` goes back to, and whether it still exists. */
  wayBack?: string;
  wayBackMissing: boolean;
}

/** What booking an ending did. */
export interface Booked {
  rolloutId: string;
  outcome: Ending;
  why: string;
  wayBack?: WayBack;
  deleted: string[];
  kept: string[];
  /** Another command booked it first, or a new rollout began: nothing was done. */
  skipped?: boolean;
}

export async function observe(aws: AwsClients, name: string, now: Date): Promise<Observation> {
  const endpoint = await describeEndpoint(aws, name);
  if (!endpoint) throw new MlopsError(`there is no endpoint named ${name}`, { hint: "check the name and region (`mlops doctor` shows the region)" });
  const arn = endpoint.EndpointArn!;
  const tags = await listTags(aws, arn);
  const rollout = decodeRollout(tags);
  const pending = endpoint.PendingDeploymentSummary;
  const view: EndpointView = { status: endpoint.EndpointStatus ?? "Unknown", serving: endpoint.EndpointConfigName, pending: pending?.EndpointConfigName };
  const rolloutActive = isActive(rollout);
  const driven = rolloutActive && (rollout!.mode === "traffic" || rollout!.mode === "serverless");
  const deploymentAlarms = (endpoint.LastDeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName!);
  const deployment =
    pending && !driven
      ? {
          config: pending.EndpointConfigName!,
          alarms: deploymentAlarms,
          strategy: strategyOf(endpoint.LastDeploymentConfig as DeploymentConfigShape | undefined),
          phase: guardrailPhase(pending.ProductionVariants?.[0]?.VariantStatus?.[0], pending.ProductionVariants?.[0]?.DesiredInstanceCount ?? 1, now),
        }
      : undefined;
  const names = rollout && rolloutActive ? rollout.alarms : deployment ? deployment.alarms : (rollout?.alarms ?? deploymentAlarms);
  // The alarms are shown, not acted on here: AWS throttling them must not stop a status or an abort.
  let unreadAlarms: string[] = [];
  // No names: CloudWatch is not asked (alarmStates sends nothing for an empty list).
  const alarms = await alarmStates(aws, names).catch((error: unknown) => {
    if (!isTransient(error)) throw error;
    unreadAlarms = names;
    return [];
  });

  // The way back: the endpoint's own record of it, else what the serving config says (if ours).
  let back = wayBack(tags, view.serving);
  // A way back read from the endpoint's tags implies they were written for the serving config.
  if (view.serving && tags[PREVIOUS_OF_TAG] !== view.serving) {
    const config = await describeEndpointConfig(aws, view.serving);
    const configTags = (config?.EndpointConfigArn && (await listTagsIfExists(aws, config.EndpointConfigArn))) || {};
    if (isOwnedBy(configTags, name)) back = wayBack(tags, view.serving, configTags);
  }
  const wayBackMissing = !!back && !(await describeEndpointConfig(aws, back));
  return {
    endpoint,
    arn,
    tags,
    view,
    rollout,
    verdict: judge(rollout, view, now.getTime()),
    deployment,
    rolloutActive,
    driverLive: !!rollout && rolloutActive && hasLiveDriver(rollout, now.getTime()),
    alarms,
    unreadAlarms,
    wayBack: back,
    wayBackMissing,
  };
}

/**
 * Observe, book a rollout that ended unwatched, and observe again if it did. `watched`: the
 * caller watched it end (`status --watch`), so the ending is not news from while nobody looked.
 */
export async function reconcile(env: { aws: AwsClients; io: Io; clock: Clock; pace: Pace }, name: string, watched = false): Promise<{ observation: Observation; booked?: Booked }> {
  const first = await retrying(env.pace, () => observe(env.aws, name, env.clock.now()));
  if (first.verdict.kind !== "ended" || !first.rollout) return { observation: first };
  let booked: Booked;
  try {
    booked = await finishRollout(env.aws, env.pace, first, first.verdict.outcome, first.verdict.why, first.rollout);
  } catch (error) {
    // The ending stays as it is on the endpoint; a later command books it.
    if (!(error instanceof Timeout || isTransient(error))) throw error;
    env.io.warn(`rollout ${first.rollout.id} on ${name} ended (${first.verdict.why}), but booking its ending failed for now (${(error as Error).message}); a later mlops command books it`);
    return { observation: first };
  }
  if (booked.skipped) return { observation: await observe(env.aws, name, env.clock.now()) };
  env.io.info(describeBooked(name, booked, watched ? "ended during this watch" : "ended while nobody watched"));
  for (const line of booked.deleted) env.io.info(`  removed ${line}`);
  return { observation: await observe(env.aws, name, env.clock.now()), booked };
}

/** One line on a rollout whose ending was booked. */
export function describeBooked(endpoint: string, b: Booked, when: string): string {
  const what: Record<Ending, string> = {
    deployed: "was deployed",
    created: "created the endpoint",
    "rolled-back": "was rolled back",
    interrupted: "was interrupted and went back",
    failed: "failed",
    superseded: "was superseded by a change made outside it",
  };
  return `rollout ${b.rolloutId} on ${endpoint} ${what[b.outcome]} (${b.why}); it ${when}${b.wayBack ? `: \`mlops rollback\` now goes back to ${b.wayBack.previous}` : ""}`;
}

/**
 * Book a rollout's ending: move the way back (deployed), remove the losing side and the rollout's
 * own alarms (only what mlops made for this endpoint, never what is kept), and mark the record
 * finished. Idempotent: two commands booking the same ending do the same thing.
 */
export async function finishRollout(aws: AwsClients, pace: Pace, o: Pick<Observation, "endpoint" | "arn">, outcome: Ending, why: string, record?: RolloutState): Promise<Booked> {
  const name = o.endpoint.EndpointName!;
  // Read again just before changing anything: the ending is booked only while the record is still
  // this rollout's and unbooked, and against what the endpoint serves now (another command may
  // have booked it, or a new rollout begun, since this one looked).
  const endpoint = await retrying(pace, () => describeEndpoint(aws, name));
  const tags = await retrying(pace, () => listTags(aws, o.arn));
  const current = decodeRollout(tags);
  const rollout = record ?? current;
  if (!endpoint || !rollout || !current || current.id !== rollout.id || current.finished) {
    return { rolloutId: rollout?.id ?? "", outcome, why, deleted: [], kept: [], skipped: true };
  }
  // Stryker disable next-line LogicalOperator: finishPlan reads only what serves and what is pending, not the status
  const view: EndpointView = { status: endpoint.EndpointStatus ?? "Unknown", serving: endpoint.EndpointConfigName, pending: endpoint.PendingDeploymentSummary?.EndpointConfigName };
  const plan = finishPlan(rollout, outcome, view, { of: tags[PREVIOUS_OF_TAG], previous: tags[PREVIOUS_CONFIG_TAG] });
  if (plan.wayBack) await writeWayBack(aws, pace, o.arn, plan.wayBack);
  const strays = await strayMixConfigs(aws, pace, name, rollout, plan.keepConfigs);
  // Throttling waits and tries again: every step here may be repeated (what is gone counts as removed).
  const configs = await retrying(pace, () => removeConfigs(aws, name, [...plan.removeConfigs, ...strays], plan.keepConfigs));
  const alarms = await retrying(pace, () => deleteOwnedAlarms(aws, plan.removeAlarms, name));
  // One tag, naming the rollout: written late over a newer rollout's record, it changes nothing.
  const now = pace.clock.now().getTime();
  const lastChange = endpoint.LastModifiedTime?.getTime() ?? now;
  // Stryker disable next-line EqualityOperator: at lastChange === now both branches give now
  rollout.endedAt = lastChange >= rollout.phaseSince && lastChange <= now ? lastChange : now;
  await saveRecordFields(aws, pace, o.arn, { ending: endingTag(rollout.id, endingPhase(outcome)), ended: String(rollout.endedAt) });
  rollout.phase = endingPhase(outcome);
  rollout.finished = true;
  return { rolloutId: rollout.id, outcome, why, wayBack: plan.wayBack, deleted: [...configs.deleted, ...alarms.deleted], kept: [...configs.kept, ...alarms.kept] };
}

/**
 * Mixed configs of rollouts that another update cut short (they have no record left to book
 * them): this endpoint's own, made before the rollout being booked began, and in no use.
 */
async function strayMixConfigs(aws: AwsClients, pace: Pace, endpoint: string, rollout: RolloutState, keep: readonly string[]): Promise<string[]> {
  const candidates = (await retrying(pace, () => listEndpointConfigs(aws, derivedPrefix(endpoint, "mix")))).filter((c) => c.created < rollout.startedAt && c.name !== rollout.mixConfig && !keep.includes(c.name));
  const strays: string[] = [];
  for (const c of candidates) {
    const config = await retrying(pace, () => describeEndpointConfig(aws, c.name));
    const tags = config?.EndpointConfigArn ? await retrying(pace, () => listTagsIfExists(aws, config.EndpointConfigArn!)) : undefined;
    if (tags && isOwnedBy(tags, endpoint)) strays.push(c.name);
  }
  return strays;
}
