import { randomUUID } from "node:crypto";
import { stopPipelineExecution } from "../aws/pipelines";
import type { Context } from "../context";
import { executionId, isTerminal } from "../core/pipeline-execution";
import { DeclinedError } from "../errors";
import { readExecution } from "../pipeline/follow";
import type { StopResult } from "../schemas/pipeline";
import { resolveExecution } from "./pipeline-status";

export interface StopOptions {
  name?: string;
  execution: string;
}

export async function run(options: StopOptions, ctx: Context): Promise<void> {
  const { name, arn } = await resolveExecution(ctx, options.name, options.execution);
  const before = await readExecution(ctx, name, arn);
  const result: StopResult = { pipelineExecutionArn: arn, previousStatus: before.status, status: before.status, changed: false };
  if (isTerminal(before.status) || before.status === "Stopping") {
    ctx.io.emit(result, () => `execution ${executionId(arn)} of ${name} is already ${before.status}; nothing was sent`);
    return;
  }
  const running = before.steps.filter((s) => s.status === "Executing" || s.status === "Starting").map((s) => s.name);
  // --yes answers; on a terminal a person does; elsewhere (CI, CodeBuild) without --yes it is an error naming --yes.
  if (!(await ctx.prompt.confirm({ message: `Stop execution ${executionId(arn)} of ${name}${running.length > 0 ? ` (running: ${running.join(", ")})` : ""}?` }))) {
    throw new DeclinedError(`not stopped; execution ${executionId(arn)} goes on`);
  }
  await stopPipelineExecution(ctx.aws, arn, randomUUID());
  const after = await readExecution(ctx, name, arn);
  Object.assign(result, { status: after.status, changed: true });
  ctx.io.emit(result, () => `execution ${executionId(arn)} of ${name}: ${after.status}${after.status === "Stopping" ? ` (follow it with \`mlops pipeline status --execution ${arn} --watch\`)` : ""}`);
}
