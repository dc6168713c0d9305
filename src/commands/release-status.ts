import { getPipeline, getPipelineState, listActionExecutions, newestExecution } from "../aws/codepipeline";
import type { Context } from "../context";
import { releaseStatus, renderReleaseStatus, waitingApprovals, type PipelineShape, type WaitingApproval } from "../core/release";
import { resolvePipelineName } from "./release-common";

interface StatusOptions {
  pipeline?: string;
}

/**
 * The pipeline as it declares itself and as it stands, and the manual approvals that wait: read
 * from GetPipeline, GetPipelineState, ListPipelineExecutions (the newest) and, in PARALLEL mode,
 * ListActionExecutions. Shared with approve/reject, which answer one of those approvals.
 */
export async function readRelease(ctx: Context, pipeline: string) {
  const declaration = (await getPipeline(ctx.aws, pipeline)) as PipelineShape;
  const state = await getPipelineState(ctx.aws, pipeline);
  const actions = declaration.executionMode === "PARALLEL" ? await listActionExecutions(ctx.aws, pipeline) : [];
  const waiting: WaitingApproval[] = waitingApprovals(declaration, state, actions);
  return { declaration, state, waiting };
}

export async function run(options: StatusOptions, ctx: Context): Promise<void> {
  const pipeline = await resolvePipelineName(options, ctx);
  const { declaration, state, waiting } = await readRelease(ctx, pipeline);
  const newest = await newestExecution(ctx.aws, pipeline);
  const now = ctx.clock.now().getTime();
  ctx.io.emit(releaseStatus({ ...declaration, name: pipeline }, state, newest, waiting), (r, style) => renderReleaseStatus(r, style, now));
}
