import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type ActionExecutionDetail,
  type GetPipelineStateCommandOutput,
  type PipelineDeclaration,
  type PipelineExecution,
  type PipelineExecutionSummary,
} from "@aws-sdk/client-codepipeline";
import { AwsError, UsageError } from "../errors";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

/**
 * CodePipeline, as `mlops release` uses it. Each call goes through callAws (errors name the
 * operation). A pipeline that does not exist is a UsageError naming it (PipelineNotFoundException).
 * Source: botocore codepipeline/2015-07-09/service-2.json.
 */
const codepipeline = (aws: AwsClients) => aws.get(CodePipelineClient);

/** Pages of ListActionExecutions read at most: 100 actions each. */
const MAX_PAGES = 100;

function notFound(pipeline: string) {
  return (error: unknown): never => {
    if (error instanceof AwsError && error.code === "PipelineNotFoundException") {
      throw new UsageError(`there is no CodePipeline pipeline named ${pipeline}`, { hint: "check the name and region (`mlops doctor` shows the region)", cause: error });
    }
    throw error;
  };
}

/** GetPipeline: the declaration (stages, actions and their types, executionMode, variables). */
export async function getPipeline(aws: AwsClients, name: string): Promise<PipelineDeclaration> {
  const out = await callAws("codepipeline:GetPipeline", () => codepipeline(aws).send(new GetPipelineCommand({ name }))).catch(notFound(name));
  return out.pipeline ?? { name, roleArn: "", stages: [] };
}

/** GetPipelineState: each stage's latest execution and each action's latest state (with approval tokens). */
export async function getPipelineState(aws: AwsClients, name: string): Promise<GetPipelineStateCommandOutput> {
  return callAws("codepipeline:GetPipelineState", () => codepipeline(aws).send(new GetPipelineStateCommand({ name }))).catch(notFound(name));
}

/** The newest execution (ListPipelineExecutions lists newest first), or undefined when it never ran. */
export async function newestExecution(aws: AwsClients, name: string): Promise<PipelineExecutionSummary | undefined> {
  const out = await callAws("codepipeline:ListPipelineExecutions", () => codepipeline(aws).send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1 }))).catch(notFound(name));
  return out.pipelineExecutionSummaries?.[0];
}

/** GetPipelineExecution: one execution's status and statusSummary. */
export async function getPipelineExecution(aws: AwsClients, name: string, pipelineExecutionId: string): Promise<PipelineExecution> {
  const out = await callAws("codepipeline:GetPipelineExecution", () => codepipeline(aws).send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId })));
  return out.pipelineExecution ?? { pipelineExecutionId };
}

/** ListActionExecutions, every page (at most 100 of 100): all of one execution's, or the pipeline's newest. */
export async function listActionExecutions(aws: AwsClients, name: string, pipelineExecutionId?: string): Promise<ActionExecutionDetail[]> {
  const found: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await callAws("codepipeline:ListActionExecutions", () =>
      codepipeline(aws).send(new ListActionExecutionsCommand({ pipelineName: name, filter: pipelineExecutionId ? { pipelineExecutionId } : undefined, maxResults: 100, nextToken })),
    ).catch(notFound(name));
    found.push(...(out.actionExecutionDetails ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return found;
}

/** PutApprovalResult: answer a waiting manual approval with its token. Returns approvedAt. */
export async function putApprovalResult(
  aws: AwsClients,
  input: { pipelineName: string; stageName: string; actionName: string; token: string; status: "Approved" | "Rejected"; summary: string },
): Promise<Date | undefined> {
  const { status, summary, ...rest } = input;
  const out = await callAws("codepipeline:PutApprovalResult", () => codepipeline(aws).send(new PutApprovalResultCommand({ ...rest, result: { status, summary } })));
  return out.approvedAt;
}

/** StartPipelineExecution: idempotent on clientRequestToken. Returns the execution id. */
export async function startPipelineExecution(aws: AwsClients, input: { name: string; variables: Array<{ name: string; value: string }>; clientRequestToken: string }): Promise<string> {
  const out = await callAws("codepipeline:StartPipelineExecution", () =>
    codepipeline(aws).send(new StartPipelineExecutionCommand({ name: input.name, variables: input.variables.length > 0 ? input.variables : undefined, clientRequestToken: input.clientRequestToken })),
  ).catch(notFound(input.name));
  return out.pipelineExecutionId!;
}

/** CreatePipeline: the pipeline from its declaration. CodePipeline starts its first execution by itself. Returns the stored declaration. */
export async function createPipeline(aws: AwsClients, pipeline: PipelineDeclaration): Promise<PipelineDeclaration> {
  const out = await callAws("codepipeline:CreatePipeline", () => codepipeline(aws).send(new CreatePipelineCommand({ pipeline })));
  return out.pipeline ?? pipeline;
}

/** StopPipelineExecution with abandon (its actions are not waited for): an execution nobody wants. */
export async function abandonPipelineExecution(aws: AwsClients, name: string, pipelineExecutionId: string, reason: string): Promise<void> {
  await callAws("codepipeline:StopPipelineExecution", () => codepipeline(aws).send(new StopPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId, abandon: true, reason }))).catch(notFound(name));
}
