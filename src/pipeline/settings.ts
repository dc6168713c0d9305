import type { Context } from "../context";
import { pipelineNameProblem } from "../core/pipeline-definition";
import { resolveSetting } from "../core/sources";
import { UsageError } from "../errors";

/** botocore RoleArn: `arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`, 20–2048 characters. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

/** The pipeline's name: --name, else MLOPS_PIPELINE, else mlops.yaml pipeline.name; checked as botocore's PipelineName. */
export function resolvePipelineName(ctx: Context, flag: string | undefined): string {
  const name = resolveSetting({ flag: ["--name", flag], env: "MLOPS_PIPELINE", file: ["pipeline.name", ctx.config.values.pipeline?.name] }, ctx.env, (source, value) => {
    const text = String(value);
    const problem = pipelineNameProblem(text);
    if (problem) throw new UsageError(`${source} "${text}" ${problem}`);
    return text;
  });
  if (name === undefined) throw new UsageError("no pipeline named: give --name, set MLOPS_PIPELINE, or put pipeline.name in mlops.yaml");
  return name;
}

/** The pipeline's role: --role-arn, else MLOPS_PIPELINE_ROLE_ARN, else mlops.yaml pipeline.roleArn; undefined when none is given. */
export function resolvePipelineRole(ctx: Context, flag: string | undefined): string | undefined {
  return resolveSetting({ flag: ["--role-arn", flag], env: "MLOPS_PIPELINE_ROLE_ARN", file: ["pipeline.roleArn", ctx.config.values.pipeline?.roleArn] }, ctx.env, checkRoleArn);
}

/** The role EventBridge assumes to start a trigger's target: --role-arn, else MLOPS_TRIGGER_ROLE_ARN, else mlops.yaml triggers.roleArn. */
export function resolveTriggerRole(ctx: Context, flag: string | undefined): { value: string; source: string } | undefined {
  return resolveSetting({ flag: ["--role-arn", flag], env: "MLOPS_TRIGGER_ROLE_ARN", file: ["triggers.roleArn", ctx.config.values.triggers?.roleArn] }, ctx.env, (source, value) => ({ value: checkRoleArn(source, value), source }));
}

/** An IAM role ARN as botocore's RoleArn pattern and length (20–2048); UsageError naming where it came from. */
function checkRoleArn(source: string, value: unknown): string {
  const text = String(value);
  if (!ROLE_ARN.test(text) || text.length < 20 || text.length > 2048) throw new UsageError(`${source} "${text}" is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)`);
  return text;
}
