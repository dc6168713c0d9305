import { getPipeline, getPipelineExecution, listActionExecutions } from "../aws/codepipeline";
import type { Context } from "../context";
import { resolvePollSeconds } from "../core/deploy-settings";
import { parseDuration } from "../core/duration";
import { checkPipelineName, executionEnd, failureMessage, isFinalExecutionStatus, progressLine } from "../core/release";
import { resolveSetting } from "../core/sources";
import { MissingInputError, MlopsError, UsageError, WaitTimeoutError } from "../errors";
import { validator } from "../io/prompt";
import { pollUntil, Timeout } from "../rollout/poll";
import { RolloutView } from "../rollout/view";
import type { ReleaseApprovalResult } from "../schemas/release";

/** The options every `release` command that may wait shares. */
export interface WaitOptions {
  wait?: boolean;
  timeout?: string;
  poll?: string;
}

/**
 * The pipeline: --pipeline, else MLOPS_RELEASE_PIPELINE, else mlops.yaml release.pipeline; asked
 * on a terminal (a pipeline that exists), else MissingInputError. Checked against CodePipeline's
 * name rule, naming where it came from.
 */
export async function resolvePipelineName(options: { pipeline?: string }, ctx: Context): Promise<string> {
  const name = resolveSetting({ flag: ["--pipeline", options.pipeline], env: "MLOPS_RELEASE_PIPELINE", file: ["release.pipeline", ctx.config.values.release?.pipeline] }, ctx.env, (source, v) =>
    checkPipelineName(source, String(v)),
  );
  if (name !== undefined) return name;
  if (!ctx.prompt.interactive) throw new MissingInputError("--pipeline");
  return askPipelineName(ctx);
}

/** The pipeline name, asked; the answer must name a pipeline that exists. */
export function askPipelineName(ctx: Context): Promise<string> {
  return ctx.prompt.text({
    flag: "--pipeline",
    message: "CodePipeline pipeline name",
    validate: validator(async (v) => {
      checkPipelineName("--pipeline", v);
      await getPipeline(ctx.aws, v);
    }),
  });
}

/** Whether the pipeline name will come from a flag, a variable or mlops.yaml (for requireAll). */
export function pipelineGiven(options: { pipeline?: string }, ctx: Context): boolean {
  return options.pipeline !== undefined || !!ctx.env.MLOPS_RELEASE_PIPELINE || ctx.config.values.release?.pipeline !== undefined;
}

/**
 * --timeout (else MLOPS_TIMEOUT) in seconds, checked before any call; undefined: wait until the
 * end. The flag without --wait is refused; MLOPS_TIMEOUT, which may be set for deploys, is not.
 */
export function resolveWaitTimeout(options: WaitOptions, ctx: Context): number | undefined {
  if (options.timeout !== undefined && !options.wait) throw new UsageError("--timeout applies to --wait: add --wait, or leave out --timeout");
  if (!options.wait) return undefined;
  const seconds = resolveSetting({ flag: ["--timeout", options.timeout], env: "MLOPS_TIMEOUT" }, ctx.env, (source, v) => {
    const s = parseDuration(source, String(v));
    if (s < 1) throw new UsageError(`${source} must be at least 1 second`);
    return s;
  });
  return seconds;
}

/** Without --timeout the wait is bounded all the same: no execution of a pipeline lasts this long. */
const LONGEST_WAIT_SECONDS = 30 * 86_400;

/**
 * Follow one execution until it ends: a live view on a terminal (the actions in progress), one
 * plain line per change elsewhere. Resolves to how it ended (the command prints it, then
 * calls endingError); throws WaitTimeoutError (exit 5) at the timeout.
 */
export async function followExecution(
  ctx: Context,
  pipeline: string,
  executionId: string,
  wait: { timeoutSeconds?: number; poll?: string },
): Promise<Ending> {
  const started = ctx.clock.now().getTime();
  const pollSeconds = resolvePollSeconds(wait.poll, ctx.env, ctx.config.values);
  const pace = { clock: ctx.clock, signal: ctx.signal, pollSeconds, deadline: started + (wait.timeoutSeconds ?? LONGEST_WAIT_SECONDS) * 1000 };
  const view = new RolloutView(ctx.io, `${pipeline} ${executionId}`);
  let execution;
  try {
    execution = await pollUntil(pace, async () => {
      const e = await getPipelineExecution(ctx.aws, pipeline, executionId);
      const actions = await listActionExecutions(ctx.aws, pipeline, executionId);
      view.update({ phase: progressLine(e.status, actions), alarms: [] });
      return isFinalExecutionStatus(e.status) ? { e, actions } : undefined;
    });
  } catch (error) {
    view.done();
    if (error instanceof Timeout) {
      throw new WaitTimeoutError(`timed out waiting for pipeline ${pipeline} execution ${executionId} after ${wait.timeoutSeconds} s: it goes on`, {
        hint: `follow it with \`mlops release status --pipeline ${pipeline}\``,
      });
    }
    throw error;
  }
  view.done();
  const end = executionEnd(execution.e.status!, execution.e.statusSummary, execution.actions);
  return { ...end, durationSeconds: Math.round((ctx.clock.now().getTime() - started) / 1000) };
}

export type Ending = NonNullable<ReleaseApprovalResult["execution"]>;

/** After the result is printed: exit 1 (naming the failed stage/action) unless the execution Succeeded. */
export function endingError(pipeline: string, executionId: string, end: Ending | null): MlopsError | undefined {
  return end && end.status !== "Succeeded" ? new MlopsError(failureMessage(pipeline, executionId, end)) : undefined;
}
