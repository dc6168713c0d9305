import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  UpdatePipelineCommand,
  type CreatePipelineCommandInput,
  type DescribePipelineCommandOutput,
  type DescribePipelineExecutionCommandOutput,
  type PipelineExecutionStep,
  type PipelineExecutionSummary,
  type StartPipelineExecutionCommandInput,
  type UpdatePipelineCommandInput,
} from "@aws-sdk/client-sagemaker";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";
import { isNotFound } from "./registry";

/** SageMaker Pipelines, as mlops uses them. Every failure is our error naming the operation (callAws). */

export type Pipeline = Omit<DescribePipelineCommandOutput, "$metadata">;
export type PipelineExecution = Omit<DescribePipelineExecutionCommandOutput, "$metadata">;

function sagemaker(aws: AwsClients): SageMakerClient {
  return aws.get(SageMakerClient);
}

/** The pipeline, or undefined when SageMaker says it does not exist (ResourceNotFound). */
export async function describePipeline(aws: AwsClients, name: string): Promise<Pipeline | undefined> {
  try {
    const { $metadata: _, ...pipeline } = await sagemaker(aws).send(new DescribePipelineCommand({ PipelineName: name }));
    return pipeline;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return callAws("sagemaker:DescribePipeline", () => Promise.reject(error));
  }
}

/** CreatePipeline; returns the PipelineArn. */
export async function createPipeline(aws: AwsClients, input: CreatePipelineCommandInput): Promise<string> {
  const out = await callAws("sagemaker:CreatePipeline", () => sagemaker(aws).send(new CreatePipelineCommand(input)));
  return out.PipelineArn!;
}

/** UpdatePipeline; returns the PipelineArn. */
export async function updatePipeline(aws: AwsClients, input: UpdatePipelineCommandInput): Promise<string> {
  const out = await callAws("sagemaker:UpdatePipeline", () => sagemaker(aws).send(new UpdatePipelineCommand(input)));
  return out.PipelineArn!;
}

/** StartPipelineExecution (idempotent on ClientRequestToken); returns the PipelineExecutionArn. */
export async function startPipelineExecution(aws: AwsClients, input: StartPipelineExecutionCommandInput): Promise<string> {
  const out = await callAws("sagemaker:StartPipelineExecution", () => sagemaker(aws).send(new StartPipelineExecutionCommand(input)));
  return out.PipelineExecutionArn!;
}

/** The execution, or undefined when SageMaker says it does not exist. */
export async function describePipelineExecution(aws: AwsClients, arn: string): Promise<PipelineExecution | undefined> {
  try {
    const { $metadata: _, ...execution } = await sagemaker(aws).send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    return execution;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return callAws("sagemaker:DescribePipelineExecution", () => Promise.reject(error));
  }
}

/** Every step of an execution, every page followed (at most 1,000 pages), in SageMaker's order. */
export async function listPipelineExecutionSteps(aws: AwsClients, arn: string): Promise<PipelineExecutionStep[]> {
  const steps: PipelineExecutionStep[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const out = await callAws("sagemaker:ListPipelineExecutionSteps", () =>
      sagemaker(aws).send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, NextToken: token, MaxResults: 100 })),
    );
    steps.push(...(out.PipelineExecutionSteps ?? []));
    token = out.NextToken || undefined;
    if (!token) break;
  }
  return steps;
}

/**
 * A pipeline's executions, newest first (SortBy CreationTime, SortOrder Descending, asked for
 * explicitly), one page at a time; `pageSize` is MaxResults (1–100). At most 100,000 pages.
 */
export async function* listPipelineExecutionPages(aws: AwsClients, name: string, pageSize = 100): AsyncGenerator<{ items: PipelineExecutionSummary[]; more: boolean }> {
  let token: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const out = await callAws("sagemaker:ListPipelineExecutions", () =>
      sagemaker(aws).send(new ListPipelineExecutionsCommand({ PipelineName: name, SortBy: "CreationTime", SortOrder: "Descending", MaxResults: pageSize, NextToken: token })),
    );
    token = out.NextToken || undefined;
    yield { items: out.PipelineExecutionSummaries ?? [], more: token !== undefined };
    if (!token) return;
  }
}

/** StopPipelineExecution; SageMaker moves the execution to Stopping, then Stopped. */
export async function stopPipelineExecution(aws: AwsClients, arn: string, token: string): Promise<void> {
  await callAws("sagemaker:StopPipelineExecution", () => sagemaker(aws).send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token })));
}
