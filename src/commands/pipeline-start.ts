import { randomUUID } from "node:crypto";
import { describePipeline, startPipelineExecution } from "../aws/pipelines";
import type { Context } from "../context";
import { parsePairs } from "../core/aws-names";
import { formatDuration, parseDuration } from "../core/duration";
import { lineageFrom } from "../core/lineage";
import { checkDefinitionText } from "../core/pipeline-definition";
import { codebuildDisplayName, EXECUTION_NAME, executionView, failureSummary, lineageDescription } from "../core/pipeline-execution";
import { InterruptedError, MlopsError, UsageError, WaitTimeoutError } from "../errors";
import { readGit } from "../io/git";
import { checkOutputEnvTarget, writeOutputEnv } from "../io/output-env";
import { followExecution } from "../pipeline/follow";
import { checkParameters } from "../pipeline/parameters";
import { resolvePipelineName } from "../pipeline/settings";
import { PipelineView, renderSteps } from "../pipeline/view";
import type { StartResult } from "../schemas/pipeline";
import { VERSION } from "../version";

export interface StartOptions {
  name?: string;
  param: string[];
  displayName?: string;
  wait?: boolean;
  timeout?: string;
  outputEnv?: string;
}

/** Ctrl-C while waiting stops the waiting, not the execution: it says so itself. */
export const handlesInterrupt = true;

export async function run(options: StartOptions, ctx: Context): Promise<void> {
  const name = resolvePipelineName(ctx, options.name);
  const pairs = parsePairs("--param", options.param);
  if (options.displayName !== undefined && !EXECUTION_NAME.test(options.displayName)) {
    throw new UsageError(`--display-name "${options.displayName}" must be 1–82 letters, digits and inner hyphens (SageMaker's PipelineExecutionName)`);
  }
  if (options.timeout !== undefined && !options.wait) throw new UsageError("--timeout needs --wait: without it, mlops does not wait");
  const timeoutSeconds = options.timeout === undefined ? undefined : parseDuration("--timeout", options.timeout);
  if (options.outputEnv !== undefined) await checkOutputEnvTarget(options.outputEnv, ctx.cwd);

  // The declared parameters come from the pipeline's own definition: read, checked, then started.
  const pipeline = await describePipeline(ctx.aws, name);
  if (!pipeline) throw new MlopsError(`pipeline ${name} does not exist`, { hint: `create it with \`mlops pipeline upsert --name ${name} --file pipeline.json --role-arn …\`` });
  const declared = checkDefinitionText(pipeline.PipelineDefinition ?? "").parameters;
  const parameters = checkParameters("--param", pairs, declared);

  const lineage = lineageFrom(await readGit(ctx.cwd), ctx.env, VERSION);
  const displayName = options.displayName ?? codebuildDisplayName(ctx.env);
  const started = ctx.clock.now().getTime();
  const arn = await startPipelineExecution(ctx.aws, {
    PipelineName: name,
    PipelineParameters: parameters.map((p) => ({ Name: p.name, Value: p.value })),
    PipelineExecutionDisplayName: displayName,
    PipelineExecutionDescription: lineageDescription(lineage),
    // 36 characters: within IdempotencyToken's 32–128.
    ClientRequestToken: randomUUID(),
  });
  ctx.io.info(`Started ${name} execution ${arn}`);

  const view = new PipelineView(ctx.io);
  let last = executionView(name, { PipelineExecutionArn: arn, PipelineExecutionStatus: "Executing", PipelineExecutionDisplayName: displayName }, [], ctx.clock.now());
  let timedOut = false;
  if (options.wait) {
    try {
      const followed = await followExecution(ctx, {
        pipelineName: name,
        arn,
        deadline: timeoutSeconds === undefined ? undefined : started + timeoutSeconds * 1000,
        onView: (v) => view.update(v),
      });
      ({ view: last, timedOut } = followed);
    } catch (error) {
      view.done();
      if (ctx.signal.aborted) throw new InterruptedError(`stopped waiting; execution ${arn} goes on`, { hint: `follow it with \`mlops pipeline status --name ${name} --execution ${arn} --watch\`; stop it with \`mlops pipeline stop --execution ${arn}\`` });
      throw error;
    }
    view.done();
  }

  const outputEnv =
    options.outputEnv === undefined
      ? null
      : await writeOutputEnv("pipeline start", options.outputEnv, ctx.cwd, {
          PIPELINE_EXECUTION_ARN: arn,
          PIPELINE_EXECUTION_STATUS: last.status,
          ...(last.modelPackageArn ? { MODEL_PACKAGE_ARN: last.modelPackageArn } : {}),
        });
  const result: StartResult = { ...last, parameters, waited: !!options.wait, timedOut, outputEnv };
  ctx.io.emit(result, (r, style) => (r.waited ? renderSteps(r, style) : `${style.bold(name)} execution started\n${r.pipelineExecutionArn}`));

  const follow = `mlops pipeline status --name ${name} --execution ${arn} --watch`;
  if (timedOut) throw new WaitTimeoutError(`timed out after ${formatDuration(timeoutSeconds!)} waiting for ${name} (execution ${last.status}); it goes on running`, { hint: `follow it with \`${follow}\`` });
  if (last.status === "Failed" || last.status === "Stopped") throw new MlopsError(failureSummary(last), { hint: `see every step with \`mlops pipeline status --name ${name} --execution ${arn}\`` });
}

