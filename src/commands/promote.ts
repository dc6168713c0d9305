import { randomBytes } from "node:crypto";
import { alarmStates, putMetric } from "../aws/alarms";
import type { Context } from "../context";
import { ABORT_METRIC } from "../core/alarms";
import { info, warning } from "../core/notes";
import { resolvePollSeconds } from "../core/deploy-settings";
import type { RolloutCommand, RolloutState } from "../core/rollout-state";
import { MlopsError, RolledBackError, UsageError } from "../errors";
import { bookEnding } from "../rollout/execute";
import { watchGuardrails } from "../rollout/guardrails";
import { MAX_BACKOFF_SECONDS, pollUntil, Timeout } from "../rollout/poll";
import { observe, reconcile, type Booked, type Observation } from "../rollout/reconcile";
import { saveRecordFields } from "../rollout/record";
import { elapsedSeconds, endingExitCode, newReport, renderReport, reportFields, timedOut, type DeployReport } from "../rollout/report";
import { ExitCode } from "../exit-codes";
import { TakenOverError, TrafficDriver } from "../rollout/traffic";
import type { RolloutEnv, RolloutResult } from "../rollout/types";
import { RolloutView } from "../rollout/view";
import type { CommandModule } from "../run-command";
import type { CommandAccepted } from "../schemas/rollout";
import { commandPace, resolveEndpointName } from "./status";

interface PromoteOptions {
  endpoint?: string;
  full?: boolean;
  poll?: string;
}

const GUARDRAILS_PROMOTE =
  "SageMaker's deployment guardrails have no way to skip a bake or move to the next step: the deployment runs to its end, " +
  "or rolls back on its alarms. `mlops abort` stops it; for rollouts you can promote by hand, deploy with --engine traffic (and --pause).";

async function act(command: RolloutCommand, options: PromoteOptions, ctx: Context): Promise<void> {
  const endpoint = await resolveEndpointName(options, ctx);
  const pollSeconds = resolvePollSeconds(options.poll, ctx.env, ctx.config.values);
  const started = ctx.clock.now().getTime();
  const { observation: o, booked } = await reconcile({ aws: ctx.aws, io: ctx.io, clock: ctx.clock, pace: commandPace(ctx, pollSeconds) }, endpoint);
  const env: RolloutEnv = {
    aws: ctx.aws,
    io: ctx.io,
    view: new RolloutView(ctx.io, endpoint),
    endpoint,
    clock: ctx.clock,
    signal: ctx.signal,
    pollSeconds,
    deadline: started + 7 * 86_400_000,
  };
  try {
    if (o.deployment) {
      if (command !== "abort") throw new UsageError(`${endpoint} is in a SageMaker-driven update, which cannot be promoted`, { hint: GUARDRAILS_PROMOTE });
      return await abortGuardrails(ctx, env, o, started);
    }
    const driven = o.rollout && (o.rollout.mode === "traffic" || o.rollout.mode === "serverless");
    if (!o.rolloutActive || !driven) {
      const last = booked ? ` (rollout ${booked.rolloutId} ${booked.outcome === "deployed" ? "was deployed" : booked.outcome}; it ended while nobody watched)` : "";
      throw new MlopsError(`no rollout is in progress on ${endpoint}${last}`, { hint: `see \`mlops status --endpoint ${endpoint}\`` });
    }
    return await commandTraffic(ctx, env, o, command, started);
  } catch (error) {
    if (error instanceof Timeout) throw timedOut(endpoint, "the rollout is still going");
    throw error;
  }
}

/**
 * The one lever AWS gives over a guardrail deployment: one of its alarms in ALARM makes SageMaker
 * roll back. mlops's deploy gives each deployment an alarm of its own for this, on a metric only
 * abort sends.
 */
async function abortGuardrails(ctx: Context, env: RolloutEnv, o: Observation, started: number): Promise<void> {
  const deployment = o.deployment!;
  const alarms = deployment.alarms.length > 0 ? await alarmStates(ctx.aws, deployment.alarms) : [];
  const alarm = alarms.find((a) => a.metric?.namespace === ABORT_METRIC.namespace && a.metric.name === ABORT_METRIC.name && a.metric.dimensions.some((d) => d.Name === "EndpointConfigName" && d.Value === deployment.config));
  if (!alarm?.metric) {
    throw new MlopsError(`the deployment on ${env.endpoint} has no mlops abort alarm (it was not started by mlops deploy), so SageMaker offers no way to stop it`, {
      hint: `wait for it (\`mlops status --endpoint ${env.endpoint} --watch\`), then \`mlops rollback --endpoint ${env.endpoint}\``,
    });
  }
  await putMetric(ctx.aws, alarm.metric, 1);
  ctx.io.info(`sent the abort signal: ${alarm.name} goes into ALARM within a minute or two (as its metric arrives), and SageMaker rolls back`);
  const result = await watchGuardrails(env, deployment.config, deployment.alarms);
  const booked = await bookEnding(env, env.endpoint);
  // The deployment's own record (when mlops deploy started it) names the version it deploys.
  const record = o.rollout?.newConfig === deployment.config ? o.rollout : undefined;
  report(ctx, env, result, started, { engine: "guardrails", strategy: deployment.strategy, previous: o.endpoint.EndpointConfigName ?? null, modelPackage: record?.modelPackage, id: record?.id ?? booked?.rolloutId }, "abort", booked);
}

/**
 * A rollout making the new version the only one (finalizing) has passed every bake: an abort now
 * would undo a finished deploy, and a promote has nothing left to skip.
 */
function refuseLate(endpoint: string, state: RolloutState, command: RolloutCommand): void {
  if (state.phase === "finalizing") {
    throw new MlopsError(`rollout ${state.id} on ${endpoint} is making the new version the only one (finalizing): too late to ${command === "abort" ? "abort" : "promote"}`, {
      hint: command === "abort" ? `once it is done, \`mlops rollback --endpoint ${endpoint}\` goes back` : `it ends by itself: \`mlops status --endpoint ${endpoint} --watch\``,
    });
  }
  if (command !== "abort" && state.phase === "rolling-back") throw new UsageError(`the rollout on ${endpoint} is already rolling back`);
}

function endedBefore(endpoint: string, state: RolloutState, command: RolloutCommand): MlopsError {
  return new MlopsError(`rollout ${state.id} on ${endpoint} ended before the process driving it took the ${command}`, {
    hint: `see how it ended with \`mlops status --endpoint ${endpoint}\`${command === "abort" ? `; \`mlops rollback --endpoint ${endpoint}\` goes back` : ""}`,
  });
}

/** How long a live driver has to take a command before this shell takes the rollout over, in seconds. */
function ackWaitSeconds(pollSeconds: number): number {
  return Math.max(60, 3 * pollSeconds) + MAX_BACKOFF_SECONDS;
}

async function commandTraffic(ctx: Context, env: RolloutEnv, o: Observation, command: RolloutCommand, started: number): Promise<void> {
  let state = o.rollout!;
  refuseLate(env.endpoint, state, command);
  if (o.driverLive) {
    // Another process drives the rollout: leave it the command, and wait until it takes it.
    const commandId = randomBytes(4).toString("hex");
    await saveRecordFields(ctx.aws, env, o.arn, { command, "command-id": commandId });
    const answer = await pollUntil({ ...env, deadline: started + ackWaitSeconds(state.pollSeconds) * 1000 }, async () => {
      const r = (await observe(ctx.aws, env.endpoint, ctx.clock.now())).rollout;
      if (r?.id === state.id && r.takenCommandIds.includes(commandId)) return "taken" as const;
      if (!r || r.id !== state.id || r.finished) return "ended" as const;
      // Overwritten by another shell's command before the driver took this one.
      if (r.commandId !== commandId) return "lost" as const;
      return undefined;
    }).catch((error) => {
      if (error instanceof Timeout) return "unanswered" as const;
      throw error;
    });
    if (answer === "taken") {
      const accepted: CommandAccepted = { endpoint: env.endpoint, command, acceptedBy: "the process driving the rollout" };
      ctx.io.emit(accepted, () => `${command}: the process driving the rollout on ${env.endpoint} took it; follow it with \`mlops status --endpoint ${env.endpoint} --watch\``);
      return;
    }
    if (answer === "ended") throw endedBefore(env.endpoint, state, command);
    if (answer === "lost") {
      throw new MlopsError(`another command was given to the rollout on ${env.endpoint} at the same time, and the process driving it took that one instead of this ${command}`, {
        hint: `see what it does with \`mlops status --endpoint ${env.endpoint} --watch\``,
      });
    }
    // Before taking over, look again: the rollout may have ended meanwhile (a driver busy with a last update).
    const fresh = await observe(ctx.aws, env.endpoint, ctx.clock.now());
    if (!fresh.rollout || fresh.rollout.id !== state.id || !fresh.rolloutActive) throw endedBefore(env.endpoint, state, command);
    state = fresh.rollout;
    refuseLate(env.endpoint, state, command);
    ctx.io.info(`the process driving the rollout on ${env.endpoint} did not take the command within ${ackWaitSeconds(state.pollSeconds)}s: taking the rollout over here`);
  } else {
    // Nobody drives it (the deploy ended, --no-wait, a CodeBuild job finished): carry it on here, to the end.
    ctx.io.info(`nobody drives the rollout on ${env.endpoint}: carrying it on here`);
  }
  state.command = command;
  let result: RolloutResult;
  try {
    result = await new TrafficDriver(env, o.arn, state, randomBytes(4).toString("hex")).drive({ stopBeforeTraffic: false });
  } catch (error) {
    if (error instanceof TakenOverError) throw new MlopsError(error.message, { hint: `follow it with \`mlops status --endpoint ${env.endpoint} --watch\`` });
    throw error;
  }
  const booked = await bookEnding(env, env.endpoint);
  report(ctx, env, result, started, { engine: "traffic", strategy: state.strategy, previous: state.oldConfig || null, modelPackage: state.modelPackage, id: state.id }, command, booked);
}

function report(
  ctx: Context,
  env: RolloutEnv,
  result: RolloutResult,
  started: number,
  rollout: { engine: "guardrails" | "traffic"; strategy: DeployReport["strategy"]; previous: string | null; modelPackage?: string; id?: string },
  command: RolloutCommand,
  booked: Booked | undefined,
): void {
  env.view.done();
  const doc = newReport({
    endpoint: env.endpoint,
    strategy: rollout.strategy,
    engine: rollout.engine,
    previousEndpointConfig: rollout.previous,
    ...reportFields(result),
    endpointConfig: result.endpointConfig,
    durationSeconds: elapsedSeconds(ctx.clock, started),
    modelPackageArn: rollout.modelPackage ?? null,
    rolloutId: rollout.id ?? null,
    notes: booked ? booked.kept.map((k) => info(`kept ${k}`)) : result.outcome === "deployed" || result.outcome === "rolled-back" ? [warning(`the ending is not booked yet; the next mlops command on ${env.endpoint} books it`)] : [],
  });
  ctx.io.emit(doc, renderReport);
  // An abort that rolled back did what was asked; a promote that rolled back (an alarm fired) did not.
  const code = endingExitCode(result.outcome);
  if (code === ExitCode.RolledBack && command !== "abort") throw new RolledBackError(`${env.endpoint} was rolled back: ${result.failureReason}`);
  if (code === ExitCode.Failed) throw new MlopsError(`the rollout on ${env.endpoint} failed: ${result.failureReason}`);
}

export const promote: CommandModule<PromoteOptions>["run"] = (options, ctx) => act(options.full ? "promote-full" : "promote", options, ctx);
export const abort: CommandModule<PromoteOptions>["run"] = (options, ctx) => act("abort", options, ctx);
