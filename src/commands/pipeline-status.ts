import { listPipelineExecutionPages } from "../aws/pipelines";
import type { Context } from "../context";
import { isTerminal, pipelineOfExecution } from "../core/pipeline-execution";
import { InterruptedError, MlopsError, UsageError } from "../errors";
import { followExecution, readExecution } from "../pipeline/follow";
import { resolvePipelineName } from "../pipeline/settings";
import { PipelineView, renderSteps } from "../pipeline/view";
import type { ExecutionView } from "../schemas/pipeline";

export interface StatusOptions {
  name?: string;
  execution: string;
  watch?: boolean;
}

export const handlesInterrupt = true;

/** botocore PipelineExecutionArn: `arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:pipeline/.*\/execution/.*`. */
export const EXECUTION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:pipeline\/.+\/execution\/.+$/;

export async function run(options: StatusOptions, ctx: Context): Promise<void> {
  const { name, arn } = await resolveExecution(ctx, options.name, options.execution);
  let view: ExecutionView;
  if (options.watch) {
    const live = new PipelineView(ctx.io);
    try {
      view = (await followExecution(ctx, { pipelineName: name, arn, onView: (v) => live.update(v) })).view;
    } catch (error) {
      live.done();
      if (ctx.signal.aborted) throw new InterruptedError(`stopped watching; execution ${arn} goes on`);
      throw error;
    }
    live.done();
  } else view = await readExecution(ctx, name, arn);
  ctx.io.emit(view, (v, style) =>
    [renderSteps(v, style), ...(v.failureReason ? [`${style.red("failure:")} ${v.failureReason}`] : []), ...(v.modelPackageArn ? [`model package: ${v.modelPackageArn}`] : [])].join("\n"),
  );
  // Watching to the end tells how it ended, like `pipeline start --wait`.
  if (options.watch && isTerminal(view.status) && view.status !== "Succeeded") throw new MlopsError(`execution ended ${view.status}${view.failedStep ? ` at step ${view.failedStep}` : ""}`);
}

/**
 * --execution ARN (the pipeline name read from it when --name is not given) or `latest`: the
 * pipeline's newest execution.
 */
export async function resolveExecution(ctx: Context, nameFlag: string | undefined, execution: string): Promise<{ name: string; arn: string }> {
  if (execution !== "latest") {
    if (!EXECUTION_ARN.test(execution)) throw new UsageError(`--execution "${execution}" must be a pipeline execution ARN (arn:aws:sagemaker:REGION:ACCOUNT:pipeline/NAME/execution/ID) or latest`);
    const fromArn = pipelineOfExecution(execution)!;
    const name = nameFlag ?? fromArn;
    if (name !== fromArn) throw new UsageError(`--execution belongs to pipeline ${fromArn}, not --name ${name}`);
    return { name, arn: execution };
  }
  const name = resolvePipelineName(ctx, nameFlag);
  const pages = listPipelineExecutionPages(ctx.aws, name, 1);
  const first = (await pages.next()).value as { items: Array<{ PipelineExecutionArn?: string }> } | undefined;
  await pages.return(undefined);
  const arn = first?.items[0]?.PipelineExecutionArn;
  if (!arn) throw new MlopsError(`pipeline ${name} has no execution yet`, { hint: `start one with \`mlops pipeline start --name ${name}\`` });
  return { name, arn };
}
