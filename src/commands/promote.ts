import { setAlarmState } from "../aws/alarms";
import { addTags } from "../aws/endpoints";
import type { Context } from "../context";
import { ROLLOUT_TAG_PREFIX, type RolloutCommand } from "../core/rollout-state";
import { MlopsError, RolledBackError, WaitTimeoutError } from "../errors";
import { watchGuardrails } from "../rollout/guardrails";
import { observe } from "../rollout/observe";
import { pollUntil, Timeout } from "../rollout/poll";
import { renderReport, type DeployReport } from "../rollout/report";
import { TrafficDriver } from "../rollout/traffic";
import type { RolloutEnv, RolloutResult } from "../rollout/types";
import { RolloutView } from "../rollout/view";
import { pollSeconds, resolveEndpointName } from "./status";
import type { CommandModule } from "../run-command";

interface PromoteOptions {
  endpoint?: string;
  full?: boolean;
  poll?: string;
}

/** promote and abort carry the rollout on themselves when nobody drives it, so they watch Ctrl-C like deploy. */
export const handlesInterrupt = true;

const GUARDRAILS_PROMOTE =
  "SageMaker's deployment guardrails have no way to skip a bake or move to the next step: the deployment runs to its end, " +
  "or rolls back on its alarms. Use `mlops abort` to stop it; for rollouts you can promote by hand, deploy with --engine traffic (and --pause).";

async function act(command: RolloutCommand, options: PromoteOptions, ctx: Context): Promise<void> {
  const endpoint = await resolveEndpointName(options, ctx);
  const started = ctx.clock.now().getTime();
  const o = await observe(ctx.aws, endpoint, ctx.clock.now());
  const env: RolloutEnv = {
    aws: ctx.aws,
    io: ctx.io,
    view: new RolloutView(ctx.io, endpoint),
    endpoint,
    clock: ctx.clock,
    signal: ctx.signal,
    pollSeconds: pollSeconds(options.poll, ctx),
    deadline: started + 7 * 86_400_000,
  };

  if (o.deployment) {
    if (command !== "abort") throw new MlopsError(`${endpoint} is in a SageMaker guardrail deployment, which cannot be promoted`, { hint: GUARDRAILS_PROMOTE });
    // The one lever AWS gives: a rollback alarm in ALARM makes SageMaker roll back at once.
    const alarm = o.deployment.alarms[0];
    if (!alarm) {
      throw new MlopsError(`the deployment on ${endpoint} has no rollback alarms, so SageMaker offers no way to stop it`, { hint: `wait for it (\`mlops status --endpoint ${endpoint} --watch\`), then \`mlops rollback --endpoint ${endpoint}\`` });
    }
    await setAlarmState(ctx.aws, alarm, "ALARM", "mlops abort: stop the deployment and roll back");
    ctx.io.info(`set ${alarm} to ALARM: SageMaker rolls the deployment back`);
    const result = await watch(() => watchGuardrails(env, o.deployment!.config, o.deployment!.alarms), endpoint);
    return report(ctx, env, result, started, "guardrails", o.rollout?.strategy ?? "canary", command);
  }

  if (!o.rolloutActive || !o.rollout) throw new MlopsError(`no rollout is in progress on ${endpoint}`, { hint: `see \`mlops status --endpoint ${endpoint}\`` });
  const state = o.rollout;
  if (command !== "abort" && state.phase === "rolling-back") throw new MlopsError(`the rollout on ${endpoint} is already rolling back`);

  if (o.driverLive) {
    // Another process drives the rollout: leave it the command, and wait until it takes it.
    await addTags(ctx.aws, o.endpoint.EndpointArn!, { [`${ROLLOUT_TAG_PREFIX}command`]: command });
    await watch(
      () =>
        pollUntil({ ...env, deadline: started + Math.max(60, 6 * state.pollSeconds) * 1000 }, async () => {
          const now = await observe(ctx.aws, endpoint, ctx.clock.now());
          return now.rollout?.command === undefined ? true : undefined;
        }),
      endpoint,
    );
    ctx.io.emit({ endpoint, command, acceptedBy: "the process driving the rollout" }, () => `${command}: the process driving the rollout on ${endpoint} took it; follow it with \`mlops status --endpoint ${endpoint} --watch\``);
    return;
  }

  // Nobody drives it (the deploy ended, --no-wait, a CodeBuild job finished): carry it on here.
  ctx.io.info(`nobody drives the rollout on ${endpoint}: carrying it on here`);
  state.command = command;
  const result = await watch(() => new TrafficDriver(env, o.endpoint.EndpointArn!, state).drive({ stopAtFirstStep: false }), endpoint);
  return report(ctx, env, result, started, "traffic", state.strategy, command);
}

async function watch<T>(work: () => Promise<T>, endpoint: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Timeout) throw new WaitTimeoutError(`timed out waiting for ${endpoint}`, { hint: `follow it with \`mlops status --endpoint ${endpoint} --watch\`` });
    throw error;
  }
}

function report(ctx: Context, env: RolloutEnv, result: RolloutResult, started: number, engine: "guardrails" | "traffic", strategy: DeployReport["strategy"], command: RolloutCommand): void {
  env.view.done();
  const doc: DeployReport = {
    endpoint: env.endpoint,
    outcome: result.outcome,
    strategy,
    engine,
    endpointConfig: result.endpointConfig,
    previousEndpointConfig: null,
    alarms: result.alarms,
    failureReason: result.failureReason,
    rollbackReactionSeconds: result.rollbackReactionSeconds,
    durationSeconds: Math.round((ctx.clock.now().getTime() - started) / 100) / 10,
    firedAlarm: result.firedAlarm,
    modelPackageArn: null,
    notes: [],
  };
  ctx.io.emit(doc, renderReport);
  // An abort that rolled back did what was asked; a promote that rolled back (an alarm fired) did not.
  if (result.outcome === "rolled-back" && command !== "abort") throw new RolledBackError(`${env.endpoint} was rolled back: ${result.failureReason}`);
  if (result.outcome === "failed") throw new MlopsError(`the rollout on ${env.endpoint} failed: ${result.failureReason}`);
}

export const promote: CommandModule<PromoteOptions>["run"] = (options, ctx) => act(options.full ? "promote-full" : "promote", options, ctx);
export const abort: CommandModule<PromoteOptions>["run"] = (options, ctx) => act("abort", options, ctx);
