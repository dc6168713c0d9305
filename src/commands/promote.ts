import { alarmStates, putMetric } from "../aws/alarms";
import { addTags } from "../aws/endpoints";
import type { Context } from "../context";
import { abortAlarm } from "../core/alarms";
import { resolvePollSeconds } from "../core/deploy-settings";
import { PREVIOUS_CONFIG_TAG, ROLLOUT_TAG_PREFIX, type RolloutCommand } from "../core/rollout-state";
import { MlopsError, RolledBackError, UsageError } from "../errors";
import { finishRollout } from "../rollout/finish";
import { watchGuardrails } from "../rollout/guardrails";
import { observe, type Observation } from "../rollout/observe";
import { pollUntil, Timeout } from "../rollout/poll";
import { elapsedSeconds, newReport, renderReport, timedOut, type DeployReport } from "../rollout/report";
import { TrafficDriver } from "../rollout/traffic";
import type { RolloutEnv, RolloutResult } from "../rollout/types";
import { RolloutView } from "../rollout/view";
import type { CommandModule } from "../run-command";
import { resolveEndpointName } from "./status";

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
  const o = await observe(ctx.aws, endpoint, ctx.clock.now());
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
      if (command !== "abort") throw new UsageError(`${endpoint} is in a SageMaker guardrail deployment, which cannot be promoted`, { hint: GUARDRAILS_PROMOTE });
      return await abortGuardrails(ctx, env, o, started);
    }
    if (!o.rolloutActive || !o.rollout) throw new MlopsError(`no rollout is in progress on ${endpoint}`, { hint: `see \`mlops status --endpoint ${endpoint}\`` });
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
  const name = abortAlarm(env.endpoint, deployment.config).AlarmName;
  const [alarm] = deployment.alarms.includes(name) ? await alarmStates(ctx.aws, [name]) : [];
  if (!alarm?.metric) {
    throw new MlopsError(`the deployment on ${env.endpoint} has no mlops abort alarm (it was not started by mlops deploy), so SageMaker offers no way to stop it`, {
      hint: `wait for it (\`mlops status --endpoint ${env.endpoint} --watch\`), then \`mlops rollback --endpoint ${env.endpoint}\``,
    });
  }
  await putMetric(ctx.aws, alarm.metric, 1);
  ctx.io.info(`sent the abort signal: ${name} goes into ALARM within a minute or two (as its metric arrives), and SageMaker rolls back`);
  const result = await watchGuardrails(env, deployment.config, deployment.alarms);
  const notes = await finishRollout(ctx.aws, ctx.io, {
    arn: o.endpoint.EndpointArn!,
    outcome: result.outcome,
    oldConfig: o.endpoint.EndpointConfigName!,
    newConfig: deployment.config,
    previousTarget: o.tags[PREVIOUS_CONFIG_TAG],
    keepOld: false,
  });
  report(ctx, env, result, started, "guardrails", deployment.strategy, "abort", notes);
}

async function commandTraffic(ctx: Context, env: RolloutEnv, o: Observation, command: RolloutCommand, started: number): Promise<void> {
  const state = o.rollout!;
  if (command !== "abort" && state.phase === "rolling-back") throw new UsageError(`the rollout on ${env.endpoint} is already rolling back`);
  if (o.driverLive) {
    // Another process drives the rollout: leave it the command, and wait until it takes it.
    await addTags(ctx.aws, o.endpoint.EndpointArn!, { [`${ROLLOUT_TAG_PREFIX}command`]: command });
    await pollUntil({ ...env, deadline: started + Math.max(60, 6 * state.pollSeconds) * 1000 }, async () => ((await observe(ctx.aws, env.endpoint, ctx.clock.now())).rollout?.command === undefined ? true : undefined));
    ctx.io.emit({ endpoint: env.endpoint, command, acceptedBy: "the process driving the rollout" }, () => `${command}: the process driving the rollout on ${env.endpoint} took it; follow it with \`mlops status --endpoint ${env.endpoint} --watch\``);
    return;
  }
  // Nobody drives it (the deploy ended, --no-wait, a CodeBuild job finished): carry it on here, to the end.
  ctx.io.info(`nobody drives the rollout on ${env.endpoint}: carrying it on here`);
  state.command = command;
  const result = await new TrafficDriver(env, o.endpoint.EndpointArn!, state).drive({ stopBeforeTraffic: false });
  const notes = await finishRollout(ctx.aws, ctx.io, {
    arn: o.endpoint.EndpointArn!,
    outcome: result.outcome,
    oldConfig: state.oldConfig,
    newConfig: state.newConfig,
    mixConfig: state.mixConfig,
    previousTarget: o.tags[PREVIOUS_CONFIG_TAG],
    keepOld: state.keepOld,
  });
  report(ctx, env, result, started, "traffic", state.strategy, command, notes);
}

function report(ctx: Context, env: RolloutEnv, result: RolloutResult, started: number, engine: "guardrails" | "traffic", strategy: DeployReport["strategy"], command: RolloutCommand, notes: string[]): void {
  env.view.done();
  const doc = newReport({
    endpoint: env.endpoint,
    outcome: result.outcome,
    strategy,
    engine,
    endpointConfig: result.endpointConfig,
    alarms: result.alarms,
    failureReason: result.failureReason,
    rollbackReactionSeconds: result.rollbackReactionSeconds,
    durationSeconds: elapsedSeconds(ctx.clock, started),
    firedAlarm: result.firedAlarm,
    notes,
  });
  ctx.io.emit(doc, renderReport);
  // An abort that rolled back did what was asked; a promote that rolled back (an alarm fired) did not.
  if (result.outcome === "rolled-back" && command !== "abort") throw new RolledBackError(`${env.endpoint} was rolled back: ${result.failureReason}`);
  if (result.outcome === "failed") throw new MlopsError(`the rollout on ${env.endpoint} failed: ${result.failureReason}`);
}

export const promote: CommandModule<PromoteOptions>["run"] = (options, ctx) => act(options.full ? "promote-full" : "promote", options, ctx);
export const abort: CommandModule<PromoteOptions>["run"] = (options, ctx) => act("abort", options, ctx);
