import { describePipelineExecution, listPipelineExecutionSteps } from "../aws/pipelines";
import type { Context } from "../context";
import { executionView, isTerminal } from "../core/pipeline-execution";
import { MlopsError } from "../errors";
import type { ExecutionView } from "../schemas/pipeline";

/** Seconds between two reads of a running execution (two calls each: DescribePipelineExecution, ListPipelineExecutionSteps). */
export const PIPELINE_POLL_SECONDS = 10;

/** The execution and its steps, read now. Throws (exit 1) when SageMaker does not know it. */
export async function readExecution(ctx: Context, pipelineName: string, arn: string): Promise<ExecutionView> {
  const execution = await describePipelineExecution(ctx.aws, arn);
  if (!execution) throw new MlopsError(`pipeline execution ${arn} does not exist`, { hint: `list the executions with \`mlops pipeline list --name ${pipelineName}\`` });
  const steps = await listPipelineExecutionSteps(ctx.aws, arn);
  return executionView(pipelineName, execution, steps, ctx.clock.now());
}

/**
 * Read the execution every PIPELINE_POLL_SECONDS (on the command's clock: a sandbox's, when one
 * is followed) until it ends or `deadline` (ms since the epoch) passes; `onView` sees every read.
 * Returns the last view and whether the deadline stopped it. Ctrl-C rejects the sleep.
 */
export async function followExecution(
  ctx: Context,
  options: { pipelineName: string; arn: string; deadline?: number; onView(view: ExecutionView): void },
): Promise<{ view: ExecutionView; timedOut: boolean }> {
  // Bounded: at most a million reads (about four months at 10 s).
  for (let read = 0; read < 1_000_000; read++) {
    const view = await readExecution(ctx, options.pipelineName, options.arn);
    options.onView(view);
    if (isTerminal(view.status)) return { view, timedOut: false };
    const left = options.deadline === undefined ? Infinity : options.deadline - ctx.clock.now().getTime();
    if (left <= 0) return { view, timedOut: true };
    await ctx.clock.sleep(Math.min(PIPELINE_POLL_SECONDS * 1000, left), ctx.signal);
  }
  throw new MlopsError(`gave up following ${options.arn} after a million reads`);
}
