import { alarmStates } from "../aws/alarms";
import type { Context } from "../context";
import type { DeployFlags } from "../core/deploy-settings";
import { formatDuration } from "../core/duration";
import { info, sayNote, warning } from "../core/notes";
import { STRATEGY_WORDS } from "../core/rollout-plan";
import { checkOutputEnvTarget, writeOutputEnv } from "../io/output-env";
import { InterruptedError, MlopsError, RolledBackError, SettledInterruptError, WaitTimeoutError } from "../errors";
import { executeDeploy } from "../rollout/execute";
import { dryRunCalls, planDeploy, type DeployPlan } from "../rollout/plan";
import { Timeout } from "../rollout/poll";
import { elapsedSeconds, endingExitCode, newReport, renderReport, reportFields, type DeployReport } from "../rollout/report";
import { ExitCode } from "../exit-codes";
import type { DryRunReport } from "../schemas/rollout";
import type { RolloutEnv } from "../rollout/types";
import { RolloutView } from "../rollout/view";

/**
 * deploy watches Ctrl-C itself: the traffic engine puts the traffic back before it exits, and a
 * guardrails rollout is left to SageMaker, which says so.
 */
export const handlesInterrupt = true;

export async function run(flags: DeployFlags, ctx: Context): Promise<void> {
  if (flags.outputEnv !== undefined) await checkOutputEnvTarget(flags.outputEnv, ctx.cwd);
  const planning = ctx.clock.now().getTime();
  const plan = await planDeploy(flags, ctx, { clock: ctx.clock, signal: ctx.signal, pollSeconds: 15, deadline: planning + 900_000 });
  // Durations and the timeout count from here: time spent answering questions is not the deploy's.
  const started = ctx.clock.now().getTime();
  const report = newReport({
    endpoint: plan.endpoint,
    strategy: plan.strategy,
    engine: plan.mode === "create" ? null : plan.engine,
    endpointConfig: plan.specs.config.EndpointConfigName,
    previousEndpointConfig: plan.current?.endpoint.EndpointConfigName ?? null,
    ...(plan.current && !plan.current.config ? { previousEndpointConfigMissing: true } : {}),
    alarms: plan.alarmNames.map((name) => ({ name, state: null })),
    modelPackageArn: plan.modelPackageArn ?? null,
    rolloutId: plan.alreadyServing || plan.settings.dryRun ? null : plan.rolloutId,
    notes: plan.notes,
  });
  for (const note of plan.notes) sayNote(ctx.io, note);

  if (plan.alreadyServing) {
    // No rollout runs: no alarms are watched.
    Object.assign(report, { endpointConfig: plan.current!.endpoint.EndpointConfigName!, previousEndpointConfig: null, alarms: [] });
    await writeDeployEnv(ctx, flags, report);
    ctx.io.emit(report, renderReport);
    return;
  }
  if (plan.settings.dryRun) {
    const calls = dryRunCalls(plan);
    // The alarms that exist (--alarm) with their states; the ones the rollout would create are not read.
    await readAlarmStates(ctx, report);
    const dryRun: DryRunReport = { ...report, outcome: "dry-run", plan: calls, expectedSeconds: plan.expectedSeconds, settings: dryRunSettings(plan) };
    ctx.io.emit(dryRun, (r, style) =>
      [
        `Dry run: nothing was changed. mlops would call, in order:`,
        ...calls.map((c, i) => `  ${String(i + 1).padStart(2)}. ${c.operation}  ${style.dim(c.detail)}`),
        `Expected to take about ${formatDuration(r.expectedSeconds)} on AWS (${plan.mode === "create" ? "creating the endpoint" : `${STRATEGY_WORDS[plan.strategy]} on the ${plan.engine} engine`}).`,
      ].join("\n"),
    );
    return;
  }

  const view = new RolloutView(ctx.io, plan.endpoint);
  const env: RolloutEnv = {
    aws: ctx.aws,
    io: ctx.io,
    view,
    endpoint: plan.endpoint,
    clock: ctx.clock,
    signal: ctx.signal,
    pollSeconds: plan.settings.pollSeconds,
    deadline: started + plan.timeoutSeconds * 1000,
  };

  let executed;
  try {
    executed = await executeDeploy(env, plan);
  } catch (error) {
    view.done();
    if (error instanceof Timeout) {
      report.outcome = "timed-out";
      report.durationSeconds = elapsedSeconds(ctx.clock, started);
      const note = (error as Timeout & { note?: string }).note;
      if (note) report.notes.push(info(note));
      await readAlarmStates(ctx, report);
      await writeDeployEnv(ctx, flags, report);
      ctx.io.emit(report, renderReport);
      // The same measured duration as the report on stdout (the timeout, plus the last check's time).
      throw new WaitTimeoutError(`timed out after ${formatDuration(report.durationSeconds)} waiting for ${plan.endpoint} (--timeout ${formatDuration(plan.timeoutSeconds)}); ${note ?? `the ${plan.mode === "create" ? "creation" : "update"} may still be running`}`, {
        hint: `follow it with \`mlops status --endpoint ${plan.endpoint} --watch\`: it books the ending (way back, cleanup) once there is one`,
      });
    }
    // An interrupt the engine settled speaks for itself; any other (a sleep or an AWS call cut short) gets ours.
    if (ctx.signal.aborted && !(error instanceof SettledInterruptError)) throw interruptedMessage(ctx, plan);
    throw error;
  }
  view.done();

  const { result, booked } = executed;
  Object.assign(report, reportFields(result));
  if (booked) {
    report.notes.push(...booked.kept.map((k) => info(`kept ${k}`)));
    if (booked.outcome === "rolled-back" || booked.outcome === "deployed") report.previousEndpointConfig = plan.current?.endpoint.EndpointConfigName ?? null;
  } else if (result.outcome === "deployed" || result.outcome === "rolled-back") {
    report.notes.push(warning(`the ending is not booked yet; the next mlops command on ${plan.endpoint} books it`));
  }
  report.durationSeconds = elapsedSeconds(ctx.clock, started);
  // --no-wait and a paused rollout never read the alarms: read them once, for the report.
  await readAlarmStates(ctx, report);
  await writeDeployEnv(ctx, flags, report);
  ctx.io.emit(report, renderReport);

  const code = endingExitCode(result.outcome);
  if (code === ExitCode.RolledBack) {
    throw new RolledBackError(`${plan.endpoint} was rolled back${result.firedAlarm ? ` because ${result.firedAlarm} went into ALARM` : ""}; ${result.endpointConfig} still serves`);
  }
  if (code === ExitCode.Failed) {
    throw new MlopsError(`the deployment to ${plan.endpoint} failed: ${result.failureReason}`, {
      hint: plan.current
        ? `inspect it with \`mlops status --endpoint ${plan.endpoint}\`; if it serves a mix of versions, \`mlops rollback --endpoint ${plan.endpoint} --to ${plan.current.endpoint.EndpointConfigName}\``
        : `SageMaker allows only deleting a Failed endpoint: \`aws sagemaker delete-endpoint --endpoint-name ${plan.endpoint}\`, then deploy again`,
    });
  }
}

/**
 * --output-env: the endpoint, the config that serves (or would have), and the outcome (deployed,
 * rolled-back, failed, timed-out, no-change…), whatever the exit code; a dry run writes nothing.
 */
async function writeDeployEnv(ctx: Context, flags: DeployFlags, report: DeployReport): Promise<void> {
  if (flags.outputEnv === undefined) return;
  await writeOutputEnv("deploy", flags.outputEnv, ctx.cwd, { ENDPOINT_NAME: report.endpoint, ENDPOINT_CONFIG: report.endpointConfig, DEPLOY_OUTCOME: report.outcome });
}

/**
 * The values the deploy would use, after flags, MLOPS_* variables, mlops.yaml and the defaults
 * (a redeploy's capacity from the endpoint): what --dry-run --json shows, so a script can check
 * them. Durations in seconds; maxErrorRate a fraction; maxLatencyMs in ms; memoryMb in MB.
 */
function dryRunSettings(plan: DeployPlan) {
  const s = plan.settings;
  return {
    type: plan.type,
    instanceType: s.instanceType,
    instanceCount: s.instanceCount,
    memoryMb: s.memoryMb,
    maxConcurrency: s.maxConcurrency,
    asyncConcurrency: s.asyncConcurrency ?? null,
    strategy: s.strategy,
    engine: plan.mode === "create" ? null : plan.engine,
    canaryPercent: s.canaryPercent,
    linearStep: s.linearStep,
    bakeSeconds: s.bake,
    finalBakeSeconds: s.finalBake,
    maxErrorRate: s.maxErrorRate,
    maxLatencyMs: s.maxLatencyMs,
    pollSeconds: s.pollSeconds,
    timeoutSeconds: plan.timeoutSeconds,
    keepOld: s.keepOld,
    roleArn: plan.specs.model.ExecutionRoleArn ?? null,
  };
}

/**
 * Fill in the state of each alarm not read yet (null): the ones CloudWatch knows get their
 * StateValue; the others (not created yet: a dry run) stay null. The states are shown, not acted
 * on, so a read AWS refuses leaves them null rather than failing the report.
 */
async function readAlarmStates(ctx: Context, report: DeployReport): Promise<void> {
  const unread = report.alarms.filter((a) => a.state === null).map((a) => a.name);
  if (unread.length === 0) return;
  try {
    const states = await alarmStates(ctx.aws, unread);
    report.alarms = report.alarms.map((a) => (a.state !== null ? a : { name: a.name, state: states.find((s) => s.name === a.name)?.state ?? null }));
  } catch (error) {
    ctx.io.debug(`the alarms' states could not be read for the report: ${(error as Error).message}`);
  }
}

function interruptedMessage(ctx: Context, plan: DeployPlan): InterruptedError {
  const touched = ctx.aws.journal.called("sagemaker:UpdateEndpoint") || ctx.aws.journal.called("sagemaker:CreateEndpoint");
  if (!touched) return new InterruptedError(`interrupted before ${plan.endpoint} was changed`);
  const what = plan.mode === "create" ? "SageMaker goes on creating the endpoint" : "SageMaker goes on with the deployment (and still rolls back on its alarms)";
  return new SettledInterruptError(`interrupted: ${what}; the next mlops command on ${plan.endpoint} books its ending (way back, cleanup)`, {
    hint: `watch it with \`mlops status --endpoint ${plan.endpoint} --watch\`${plan.mode === "guardrails" ? `; stop it with \`mlops abort --endpoint ${plan.endpoint}\`` : ""}`,
  });
}
