import { randomUUID } from "node:crypto";
import { getPipeline, startPipelineExecution } from "../aws/codepipeline";
import type { Context } from "../context";
import { checkDeclared, parseVariables, renderStart } from "../core/release";
import type { ReleaseStartResult } from "../schemas/release";
import { endingError, followExecution, resolvePipelineName, resolveWaitTimeout, type WaitOptions } from "./release-common";

interface StartOptions extends WaitOptions {
  pipeline?: string;
  variable: string[];
}

/**
 * Start an execution (StartPipelineExecution) with a clientRequestToken, so that a retried call
 * starts one execution, not two. --variable K=V pairs are checked against the variables the
 * pipeline declares (GetPipeline) before the start. With --wait, follow it to its end.
 */
export async function run(options: StartOptions, ctx: Context): Promise<void> {
  // The form of every flag before any call; their names against the declaration after GetPipeline.
  const variables = parseVariables(options.variable);
  const timeoutSeconds = resolveWaitTimeout(options, ctx);
  const pipeline = await resolvePipelineName(options, ctx);
  const declaration = await getPipeline(ctx.aws, pipeline);
  checkDeclared(variables, declaration.variables ?? [], pipeline);
  const clientRequestToken = randomUUID();
  const pipelineExecutionId = await startPipelineExecution(ctx.aws, { name: pipeline, variables, clientRequestToken });
  const result: ReleaseStartResult = { pipeline, pipelineExecutionId, clientRequestToken, variables, execution: null };
  if (options.wait) {
    ctx.io.info(`${pipeline}: execution ${pipelineExecutionId} started; following it to its end`);
    result.execution = await followExecution(ctx, pipeline, pipelineExecutionId, { timeoutSeconds, poll: options.poll });
  }
  ctx.io.emit(result, renderStart);
  const failed = endingError(pipeline, pipelineExecutionId, result.execution);
  if (failed) throw failed;
}
