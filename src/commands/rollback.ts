import { describeEndpointConfig, describeModel, updateEndpoint, type EndpointConfig } from "../aws/endpoints";
import type { Context } from "../context";
import { checkResourceName } from "../core/aws-names";
import { resolvePollSeconds } from "../core/deploy-settings";
import { info } from "../core/notes";
import { newRolloutId, type RolloutState } from "../core/rollout-state";
import { DeclinedError, MlopsError, SettledInterruptError, UsageError } from "../errors";
import { bookEnding } from "../rollout/execute";
import { watchGuardrails } from "../rollout/guardrails";
import { Timeout } from "../rollout/poll";
import { reconcile } from "../rollout/reconcile";
import { writeNewRecord } from "../rollout/record";
import { elapsedSeconds, newReport, renderReport, timedOut } from "../rollout/report";
import type { RolloutEnv } from "../rollout/types";
import { RolloutView } from "../rollout/view";
import { commandPace, resolveEndpointName } from "./status";

interface RollbackOptions {
  endpoint?: string;
  to?: string;
  poll?: string;
  wait?: boolean;
}

/**
 * Back to the way back (or --to CONFIG) at once: one UpdateEndpoint, no bake. It is a rollout
 * of its own, recorded on the endpoint like any other, so that with --no-wait (or Ctrl-C) any
 * later command books it: the config left becomes the way back, and a second rollback returns.
 * A destructive step, so it is confirmed on a terminal and needs --yes elsewhere.
 */
export async function run(options: RollbackOptions, ctx: Context): Promise<void> {
  const endpoint = await resolveEndpointName(options, ctx);
  const pollSeconds = resolvePollSeconds(options.poll, ctx.env, ctx.config.values);
  if (options.to !== undefined) checkResourceName("--to", options.to);
  const started = ctx.clock.now().getTime();
  const pace = commandPace(ctx, pollSeconds);
  const { observation: o } = await reconcile({ aws: ctx.aws, io: ctx.io, clock: ctx.clock, pace }, endpoint);
  if (o.verdict.kind === "running" || o.verdict.kind === "stalled") {
    const r = o.rollout;
    throw new MlopsError(`${r ? `rollout ${r.id} on ${endpoint} is ${r.phase}` : `${endpoint} is being updated`}: stop it with \`mlops abort --endpoint ${endpoint}\`, which returns the traffic to the old version`);
  }
  if (o.endpoint.EndpointStatus !== "InService") throw new MlopsError(`endpoint ${endpoint} is ${o.endpoint.EndpointStatus}: it can be rolled back once it is InService`, { hint: `for a deployment in progress, \`mlops abort --endpoint ${endpoint}\`` });
  const serving = o.endpoint.EndpointConfigName!;
  const target = options.to ?? o.wayBack;
  if (!target) throw new UsageError(`no way back is recorded for ${serving} on ${endpoint}: pass --to CONFIG`, { hint: "a deploy records the config it replaces once it ends; an endpoint made outside mlops has no record" });
  const targetConfig = await describeEndpointConfig(ctx.aws, target);
  if (!targetConfig) {
    if (options.to !== undefined) throw new UsageError(`--to: there is no endpoint config named ${target}`);
    throw new MlopsError(`the way back from ${serving}, ${target}, no longer exists: it was deleted outside mlops`, { hint: "pass --to CONFIG to go to another config" });
  }

  const servingExists = !!(await describeEndpointConfig(ctx.aws, serving));
  const report = newReport({
    endpoint,
    strategy: "all-at-once",
    engine: "guardrails",
    endpointConfig: target,
    previousEndpointConfig: serving,
    modelPackageArn: await registeredVersion(ctx, targetConfig),
    command: "rollback",
    ...(servingExists ? {} : { previousEndpointConfigMissing: true }),
  });
  if (target === serving) {
    report.previousEndpointConfig = null;
    ctx.io.emit(report, renderReport);
    return;
  }
  if (!(await ctx.prompt.confirm({ message: `Roll ${endpoint} back from ${serving} to ${target}, all at once?` }))) {
    // Not a failure: the person at the terminal said no, and nothing was changed.
    Object.assign(report, { outcome: "declined", endpointConfig: serving, previousEndpointConfig: null, previousEndpointConfigMissing: undefined, notes: [info(`the rollback to ${target} was declined: ${endpoint} stays on ${serving}`)] });
    ctx.io.emit(report, renderReport);
    throw new DeclinedError(`rollback declined: ${endpoint} stays on ${serving}; nothing was changed`);
  }
  // The time spent answering the question is not the rollback's.
  const begun = ctx.clock.now().getTime();

  const record: RolloutState = {
    id: newRolloutId(started),
    modelPackage: report.modelPackageArn ?? undefined,
    mode: "rollback",
    strategy: "all-at-once",
    phase: "updating",
    finished: false,
    plan: { canaryPercent: 0, linearStep: 0, bake: 0, finalBake: 0 },
    steps: [],
    step: -1,
    weight: 0,
    oldConfig: serving,
    newConfig: target,
    oldVariants: [],
    takenCommandIds: [],
    alarms: [],
    ownedAlarms: [],
    pollSeconds,
    keepOld: true,
    pause: false,
    startedAt: started,
    phaseSince: started,
    heartbeat: started,
  };
  report.rolloutId = record.id;
  const view = new RolloutView(ctx.io, endpoint);
  const env: RolloutEnv = { aws: ctx.aws, io: ctx.io, view, endpoint, clock: ctx.clock, signal: ctx.signal, pollSeconds, deadline: started + 3600_000 };
  await updateEndpoint(ctx.aws, endpoint, target);
  // Written whatever comes next: with it, any later command can book this rollback.
  await writeNewRecord(ctx.aws.detached(), { ...pace, signal: new AbortController().signal }, o.arn, record);
  if (options.wait !== false) {
    try {
      const result = await watchGuardrails(env, target, []);
      view.done();
      report.outcome = result.outcome;
      report.failureReason = result.failureReason;
    } catch (error) {
      view.done();
      if (error instanceof Timeout) throw timedOut(endpoint, `still going back to ${target}`);
      if (ctx.signal.aborted) {
        throw new SettledInterruptError(`interrupted: SageMaker goes on taking ${endpoint} back to ${target}; the next mlops command on ${endpoint} books the rollback (${serving} then becomes the way back)`, {
          hint: `watch it with \`mlops status --endpoint ${endpoint} --watch\``,
        });
      }
      throw error;
    }
    await bookEnding(env, endpoint);
  } else {
    report.outcome = "started";
  }
  report.durationSeconds = elapsedSeconds(ctx.clock, begun);
  ctx.io.emit(report, renderReport);
  if (report.outcome === "failed" || report.outcome === "rolled-back") throw new MlopsError(`the rollback of ${endpoint} to ${target} did not complete: ${report.failureReason}`);
}

/** The registered version a config serves (its one model's ModelPackageName, an ARN), when it serves one. */
async function registeredVersion(ctx: Context, config: EndpointConfig): Promise<string | null> {
  const variants = config.ProductionVariants ?? [];
  if (variants.length !== 1 || !variants[0]!.ModelName) return null;
  const model = await describeModel(ctx.aws, variants[0]!.ModelName);
  const name = model?.PrimaryContainer?.ModelPackageName ?? model?.Containers?.[0]?.ModelPackageName;
  return name?.startsWith("arn:") ? name : null;
}
