import { putApprovalResult } from "../aws/codepipeline";
import type { Context } from "../context";
import { checkExecutionId, checkPipelineName, checkSummary, chooseApproval, renderApproval } from "../core/release";
import { DeclinedError } from "../errors";
import { validator } from "../io/prompt";
import type { CommandModule } from "../run-command";
import type { ReleaseApprovalResult } from "../schemas/release";
import { endingError, followExecution, pipelineGiven, resolvePipelineName, resolveWaitTimeout, type WaitOptions } from "./release-common";
import { readRelease } from "./release-status";

interface ApprovalOptions extends WaitOptions {
  pipeline?: string;
  stage?: string;
  action?: string;
  execution?: string;
  summary?: string;
}

/**
 * Answer the manual approval a pipeline waits on (PutApprovalResult with the token of
 * GetPipelineState, or in PARALLEL mode ListActionExecutions' externalExecutionId). Everything
 * the flags say is checked before any call; with several approvals waiting, --stage/--action
 * choose one (exit 2 listing them otherwise); none waiting is exit 1. A terminal confirms
 * unless --yes; elsewhere --yes is required (like every step that changes what runs in production).
 */
async function answer(status: "Approved" | "Rejected", options: ApprovalOptions, ctx: Context): Promise<void> {
  if (options.stage !== undefined) checkPipelineName("--stage", options.stage);
  if (options.action !== undefined) checkPipelineName("--action", options.action);
  if (options.execution !== undefined) checkExecutionId(options.execution);
  if (options.summary !== undefined) checkSummary(options.summary);
  const timeoutSeconds = resolveWaitTimeout(options, ctx);
  ctx.prompt.requireAll([
    ["--pipeline", pipelineGiven(options, ctx)],
    ["--summary", options.summary !== undefined],
    ["--yes", ctx.prompt.yes],
  ]);
  const pipeline = await resolvePipelineName(options, ctx);

  const { waiting } = await readRelease(ctx, pipeline);
  const approval = chooseApproval(waiting, { pipeline, stage: options.stage, action: options.action, execution: options.execution }, ctx.clock.now().getTime());
  const where = `${pipeline} ${approval.stage}/${approval.action}`;
  const summary =
    options.summary ??
    (await ctx.prompt.text({
      flag: "--summary",
      message: `Summary recorded with the ${status === "Approved" ? "approval" : "rejection"} of ${where}`,
      required: "a summary is needed: it is recorded with the answer",
      validate: validator((v) => checkSummary(v)),
    }));
  const verb = status === "Approved" ? "Approve" : "Reject";
  if (!(await ctx.prompt.confirm({ message: `${verb} ${where}${approval.pipelineExecutionId ? ` (execution ${approval.pipelineExecutionId})` : ""}?` }))) {
    throw new DeclinedError(`${verb.toLowerCase()} declined: ${where} still waits; nothing was changed`);
  }

  const approvedAt = await putApprovalResult(ctx.aws, { pipelineName: pipeline, stageName: approval.stage, actionName: approval.action, token: approval.token, status, summary });
  const result: ReleaseApprovalResult = {
    pipeline,
    stage: approval.stage,
    action: approval.action,
    pipelineExecutionId: approval.pipelineExecutionId,
    status,
    summary,
    approvedAt: approvedAt ? approvedAt.toISOString() : null,
    execution: null,
  };
  if (options.wait && approval.pipelineExecutionId) {
    ctx.io.info(`${where}: ${status.toLowerCase()}; following execution ${approval.pipelineExecutionId} to its end`);
    result.execution = await followExecution(ctx, pipeline, approval.pipelineExecutionId, { timeoutSeconds, poll: options.poll });
  }
  ctx.io.emit(result, renderApproval);
  const failed = endingError(pipeline, approval.pipelineExecutionId ?? "", result.execution);
  if (failed) throw failed;
}

export const approve: CommandModule<ApprovalOptions>["run"] = (options, ctx) => answer("Approved", options, ctx);
export const reject: CommandModule<ApprovalOptions>["run"] = (options, ctx) => answer("Rejected", options, ctx);
