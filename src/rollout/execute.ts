import { statusWords } from "../core/endpoint-phase";
import { randomBytes } from "node:crypto";
import { deleteOwnedAlarms, putAlarm } from "../aws/alarms";
import type { AwsClients } from "../aws/clients";
import { createEndpoint, createEndpointConfig, createModel, deleteEndpointConfig, deleteModel, describeEndpoint, describeEndpointConfig, describeModel, listTags, listTagsIfExists, updateEndpoint } from "../aws/endpoints";
import { OWNER_TAG_KEYS, ownerTags, tagList } from "../core/ownership";
import { decodeRollout } from "../core/rollout-state";
import { appendToMessage, MlopsError, SettledInterruptError } from "../errors";
import { watchGuardrails } from "./guardrails";
import type { DeployPlan } from "./plan";
import { newRecord } from "./plan";
import { isTransient, pollUntil, retrying, Timeout, type Pace } from "./poll";
import { finishRollout, observe, type Booked } from "./reconcile";
import { writeNewRecord } from "./record";
import { TakenOverError, TrafficDriver } from "./traffic";
import type { RolloutEnv, RolloutResult } from "./types";

/**
 * Running a planned deploy, in the order that keeps concurrent commands from fooling each other:
 *   1. create what is private to this rollout (model, configs, its own alarms), tagged as its own;
 *   2. take the endpoint (CreateEndpoint or UpdateEndpoint): SageMaker refuses an update while
 *      another runs, which is the lock; if taking fails, remove what step 1 made and say so;
 *   3. only then touch what is shared: the rollout record on the endpoint;
 *   4. run the engine, and book the ending (way back, cleanup) as reconcile would.
 */

export interface Executed {
  result: RolloutResult;
  /** The ending, booked; none when the rollout goes on without us (--no-wait, paused). */
  booked?: Booked;
}

export async function executeDeploy(env: RolloutEnv, plan: DeployPlan): Promise<Executed> {
  const started = env.clock.now().getTime();
  const record = newRecord(plan, started);
  const token = randomBytes(4).toString("hex");
  if (plan.mode === "traffic" || plan.mode === "serverless") record.driver = plan.settings.wait ? token : undefined;

  try {
    await createPrivate(env.aws, plan);
    if (plan.current) await retrying(env, () => recheck(env.aws, plan));
    await take(env.aws, plan);
  } catch (error) {
    // A call cut short (Ctrl-C, a dropped connection) may still have reached SageMaker.
    const detached = env.aws.detached();
    if (!(await tookEndpoint(detached, plan))) {
      const removed = await undo(detached, plan);
      const note = removed.length > 0 ? `; removed what this deploy had made: ${removed.join(", ")}` : "";
      if (env.signal.aborted) throw new SettledInterruptError(`interrupted before ${plan.endpoint} was changed${note || "; nothing was made"}`);
      throw appendToMessage(error, `${note}; ${plan.endpoint} was not changed`);
    }
    record.driver = undefined;
    await writeRecord(detached, env, plan, record);
    const what = `the ${plan.mode === "create" ? "creation" : "update"} of ${plan.endpoint} was sent and goes on`;
    const Stop = env.signal.aborted ? SettledInterruptError : MlopsError;
    throw new Stop(env.signal.aborted ? `interrupted while taking the endpoint: ${what}` : `${(error as Error).message}; yet ${what}`, {
      hint: plan.mode === "traffic" ? `the new version takes no traffic yet: \`mlops abort --endpoint ${plan.endpoint}\` goes back, \`mlops promote --endpoint ${plan.endpoint}\` carries on` : `follow it with \`mlops status --endpoint ${plan.endpoint} --watch\``,
      cause: error,
    });
  }
  // The record is written even if Ctrl-C came meanwhile: without it nobody could finish the rollout.
  const arn = await writeRecord(env.aws.detached(), env, plan, record);

  let result: RolloutResult;
  try {
    if (plan.mode === "create") result = await waitCreated(env, plan);
    else if (plan.mode === "guardrails") result = plan.settings.wait ? await watchGuardrails(env, plan.specs.config.EndpointConfigName, plan.alarmNames) : startedResult(plan);
    else if (!plan.settings.wait && plan.mode === "serverless") {
      env.io.warn(`--no-wait: the endpoint is updated all at once, and nothing watches its alarms until \`mlops promote --endpoint ${plan.endpoint}\` carries the rollout on (or \`mlops abort\` takes it back)`);
      result = startedResult(plan);
    } else result = await new TrafficDriver(env, arn, record, token).drive({ stopBeforeTraffic: !plan.settings.wait, justTook: true });
  } catch (error) {
    // Another update took the endpoint from under this rollout: what it made and nothing uses goes.
    if (error instanceof TakenOverError) {
      const removed = await undo(env.aws.detached(), plan);
      throw appendToMessage(error, removed.length > 0 ? `; removed what this deploy had made: ${removed.join(", ")}` : "");
    }
    throw error;
  }
  return { result, booked: await bookEnding(env, plan.endpoint) };
}

function startedResult(plan: DeployPlan): RolloutResult {
  return { outcome: "started", endpointConfig: plan.specs.config.EndpointConfigName, alarms: [], failureReason: null, firedAlarm: null, rollbackReactionSeconds: null };
}

/**
 * Book the ending now if the rollout has ended (else a later command's reconcile will). The
 * outcome is already known: booking it has 5 minutes of its own, and if AWS keeps refusing
 * (throttling), it is left to the next command rather than turned into a failure.
 */
export async function bookEnding(env: RolloutEnv, name: string): Promise<Booked | undefined> {
  const pace: Pace = { clock: env.clock, signal: env.signal, pollSeconds: env.pollSeconds, deadline: env.clock.now().getTime() + BOOKING_SECONDS * 1000 };
  try {
    const o = await retrying(pace, () => observe(env.aws, name, env.clock.now()));
    if (o.verdict.kind !== "ended") return undefined;
    const booked = await finishRollout(env.aws, pace, o, o.verdict.outcome, o.verdict.why);
    for (const line of booked.deleted) env.io.info(`removed ${line}`);
    return booked.skipped ? undefined : booked;
  } catch (error) {
    if (!(error instanceof Timeout || isTransient(error))) throw error;
    env.io.warn(`booking the ending failed for now (${(error as Error).message}); the next mlops command on ${name} books it`);
    return undefined;
  }
}

/** How long booking an ending may take, in seconds, when AWS throttles it. */
const BOOKING_SECONDS = 300;

/** Write the new record on the endpoint (with calls Ctrl-C does not cut short); returns the endpoint's ARN. */
async function writeRecord(aws: AwsClients, env: RolloutEnv, plan: DeployPlan, record: ReturnType<typeof newRecord>): Promise<string> {
  const pace = { ...env, signal: new AbortController().signal, deadline: env.clock.now().getTime() + 300_000 };
  const described = await retrying(pace, () => describeEndpoint(aws, plan.endpoint));
  const arn = described!.EndpointArn!;
  await writeNewRecord(aws, pace, arn, record);
  return arn;
}

/** Whether the endpoint is being created with, updated to, or serving this rollout's config. */
async function tookEndpoint(aws: AwsClients, plan: DeployPlan): Promise<boolean> {
  // An endpoint that cannot be described now is not known to be taken.
  const endpoint = await describeEndpoint(aws, plan.endpoint).catch(() => undefined);
  const ours = [plan.specs.config.EndpointConfigName, plan.specs.mix?.EndpointConfigName];
  const before = plan.current?.endpoint.EndpointConfigName;
  return !!endpoint && [endpoint.PendingDeploymentSummary?.EndpointConfigName, endpoint.EndpointConfigName].some((c) => !!c && c !== before && ours.includes(c));
}

/** The model and configs (unless an earlier deploy made the same), and this rollout's alarms. */
async function createPrivate(aws: AwsClients, plan: DeployPlan): Promise<void> {
  const { specs } = plan;
  const configTags = ownerTags(plan.endpoint, plan.rolloutId, plan.current ? { [OWNER_TAG_KEYS.previousConfig]: plan.current.endpoint.EndpointConfigName! } : {});
  if (!(await describeModel(aws, specs.model.ModelName))) await createModel(aws, { ...specs.model, Tags: tagList(ownerTags(plan.endpoint, plan.rolloutId)) });
  for (const config of [specs.config, specs.mix]) {
    if (config && !(await describeEndpointConfig(aws, config.EndpointConfigName))) {
      await createEndpointConfig(aws, { ...config, ProductionVariants: config.ProductionVariants as never, Tags: tagList(configTags) });
    }
  }
  for (const alarm of plan.createAlarms) await putAlarm(aws, alarm as never, ownerTags(plan.endpoint, plan.rolloutId));
}

/**
 * Just before taking the endpoint: is it still as planned? Another deploy may have taken it
 * meanwhile, and SageMaker's refusal covers only the time its update runs.
 */
async function recheck(aws: AwsClients, plan: DeployPlan): Promise<void> {
  const now = await describeEndpoint(aws, plan.endpoint);
  const before = plan.current!.observation;
  const record = now ? decodeRollout(await listTags(aws, now.EndpointArn!)) : undefined;
  const changed = !now || now.EndpointStatus !== "InService" || now.EndpointConfigName !== before.endpoint.EndpointConfigName || record?.id !== before.rollout?.id;
  if (changed) {
    throw new MlopsError(`another update took ${plan.endpoint} while this deploy prepared (it is ${now?.EndpointStatus ?? "gone"}${record && record.id !== before.rollout?.id ? `, rollout ${record.id}` : ""})`, {
      hint: `see \`mlops status --endpoint ${plan.endpoint}\`, then deploy again`,
    });
  }
}

async function take(aws: AwsClients, plan: DeployPlan): Promise<void> {
  const { specs } = plan;
  if (plan.mode === "create") {
    await createEndpoint(aws, plan.endpoint, specs.config.EndpointConfigName, ownerTags(plan.endpoint, plan.rolloutId));
  } else if (plan.mode === "traffic") {
    await updateEndpoint(aws, plan.endpoint, specs.mix!.EndpointConfigName);
  } else {
    // Only a guardrail plan has a deployment config (see planDeploy); the others update all at once.
    await updateEndpoint(aws, plan.endpoint, specs.config.EndpointConfigName, plan.deploymentConfig);
  }
}

/**
 * Remove what this rollout made (its rollout id is on it), after it failed to take the endpoint
 * or was interrupted before. A call cut short may have happened: each candidate is looked up.
 * Returns what was removed; what cannot be removed is left, and said.
 */
async function undo(aws: AwsClients, plan: DeployPlan): Promise<string[]> {
  const removed: string[] = [];
  const ours = async (arn: string | undefined) => !!arn && (await listTagsIfExists(aws, arn))?.[OWNER_TAG_KEYS.rollout] === plan.rolloutId;
  try {
    const live = await describeEndpoint(aws, plan.endpoint);
    const inUse = [live?.EndpointConfigName, live?.PendingDeploymentSummary?.EndpointConfigName];
    removed.push(...(await deleteOwnedAlarms(aws, plan.createAlarms.map((a) => a.AlarmName), plan.endpoint)).deleted);
    for (const config of [plan.specs.mix, plan.specs.config]) {
      const found = config && !inUse.includes(config.EndpointConfigName) && (await describeEndpointConfig(aws, config.EndpointConfigName));
      if (found && (await ours(found.EndpointConfigArn))) {
        await deleteEndpointConfig(aws, config.EndpointConfigName);
        removed.push(`endpoint config ${config.EndpointConfigName}`);
      }
    }
    const model = await describeModel(aws, plan.specs.model.ModelName);
    const configsInUse = await Promise.all(inUse.filter((c): c is string => !!c).map((c) => describeEndpointConfig(aws, c)));
    const modelInUse = configsInUse.some((c) => c?.ProductionVariants?.some((v) => v.ModelName === plan.specs.model.ModelName));
    if (model && !modelInUse && (await ours(model.ModelArn))) {
      await deleteModel(aws, plan.specs.model.ModelName);
      removed.push(`model ${plan.specs.model.ModelName}`);
    }
  } catch (error) {
    removed.push(`(then removing the rest failed: ${(error as Error).message})`);
  }
  return removed;
}

async function waitCreated(env: RolloutEnv, plan: DeployPlan): Promise<RolloutResult> {
  const config = plan.specs.config.EndpointConfigName;
  const result = (outcome: RolloutResult["outcome"], failureReason: string | null = null): RolloutResult => ({ outcome, endpointConfig: config, alarms: [], failureReason, firedAlarm: null, rollbackReactionSeconds: null });
  if (!plan.settings.wait) return result("started");
  return pollUntil(env, async () => {
    const endpoint = await describeEndpoint(env.aws, plan.endpoint);
    env.view.update({ phase: statusWords(endpoint?.EndpointStatus, "creating"), alarms: [] });
    if (endpoint?.EndpointStatus === "InService") return result("created");
    if (endpoint?.EndpointStatus === "Failed") return result("failed", endpoint.FailureReason ?? "no reason given");
    return undefined;
  });
}
