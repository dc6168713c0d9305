import { getPipeline } from "../aws/codepipeline";
import { describePipeline } from "../aws/pipelines";
import { getTopicAttributes } from "../aws/sns";
import { getCallerIdentity } from "../aws/sts";
import type { Context } from "../context";
import { checkDefinitionText, type DeclaredParameter } from "../core/pipeline-definition";
import { parseTargetRef, partitionOf, targetArn, targetScopeProblem, TARGET_LABELS, TARGET_PREFIXES, type ArnScope, type TargetKind, type TargetRef } from "../core/trigger-target";
import { UsageError } from "../errors";

/** A trigger's target as AWS reports it: it exists, in this account and region. */
export interface ResolvedTarget {
  kind: TargetKind;
  name: string;
  arn: string;
  /** SageMaker pipeline targets: the parameters its definition declares. */
  declared: DeclaredParameter[];
  /** SNS targets: the topic's access policy (JSON text), when it has one. */
  topicPolicy?: string;
}

/** Account and region of the credentials in use (STS GetCallerIdentity; the region from config). */
export async function arnScope(ctx: Context): Promise<ArnScope> {
  const identity = await getCallerIdentity(ctx.aws);
  return { partition: partitionOf(identity.region), region: identity.region, account: identity.account };
}

/** `--target` checked for form (no AWS call); UsageError naming the flag. */
export function parseTargetFlag(text: string | undefined) {
  if (!text) throw new UsageError("--target is required: what the trigger starts (pipeline:NAME, codepipeline:NAME, sns:TOPIC or an ARN)");
  try {
    return parseTargetRef(text);
  } catch (error) {
    throw new UsageError(`--target ${(error as Error).message}`);
  }
}

/**
 * The ARN of a target in this account and region: the one given (refused, UsageError, when it is
 * in another region or account), else the one its name would have. No AWS call.
 */
export function targetArnIn(ref: TargetRef, scope: ArnScope): string {
  if (!ref.arn) return targetArn(ref, scope);
  const problem = targetScopeProblem(ref.arn, scope);
  if (problem) throw new UsageError(`--target ${ref.arn} ${problem}`);
  return ref.arn;
}

/**
 * The target, looked up in AWS (DescribePipeline, GetPipeline, GetTopicAttributes): one that does
 * not exist, or an ARN in another account or region, is a UsageError before anything is created.
 */
export async function resolveTarget(ctx: Context, text: string | undefined, scope: ArnScope): Promise<ResolvedTarget> {
  const ref = parseTargetFlag(text);
  const arn = targetArnIn(ref, scope);
  const missing = () =>
    new UsageError(`--target ${TARGET_PREFIXES[ref.kind]}:${ref.name}: there is no ${TARGET_LABELS[ref.kind]} named ${ref.name} in ${scope.region} (account ${scope.account})`, {
      hint: HINTS[ref.kind](ref.name),
    });
  switch (ref.kind) {
    case "sagemaker-pipeline": {
      const pipeline = await describePipeline(ctx.aws, ref.name);
      if (!pipeline) throw missing();
      return { kind: ref.kind, name: pipeline.PipelineName ?? ref.name, arn: pipeline.PipelineArn ?? arn, declared: checkDefinitionText(pipeline.PipelineDefinition ?? "").parameters };
    }
    case "codepipeline":
      await getPipeline(ctx.aws, ref.name).catch((error: unknown) => {
        throw error instanceof UsageError ? missing() : error;
      });
      return { kind: ref.kind, name: ref.name, arn, declared: [] };
    case "sns": {
      const attributes = await getTopicAttributes(ctx.aws, arn);
      if (!attributes) throw missing();
      return { kind: ref.kind, name: ref.name, arn, declared: [], topicPolicy: attributes.Policy };
    }
  }
}

const HINTS: Record<TargetKind, (name: string) => string> = {
  "sagemaker-pipeline": (name) => `create it first: mlops pipeline upsert --name ${name} --file pipelines/pipeline.json`,
  codepipeline: () => "check the name and region (`mlops doctor` shows the region)",
  sns: (name) => `create it first: aws sns create-topic --name ${name}`,
};
