import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type CreateEndpointConfigCommandInput,
  type CreateModelCommandInput,
  type DeploymentConfig,
  type DescribeEndpointCommandOutput,
  type DescribeEndpointConfigCommandOutput,
  type DescribeModelCommandOutput,
  type DesiredWeightAndCapacity,
} from "@aws-sdk/client-sagemaker";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

/** Endpoints, endpoint configs and models, as mlops uses them. */

export type Endpoint = Omit<DescribeEndpointCommandOutput, "$metadata">;
export type EndpointConfig = Omit<DescribeEndpointConfigCommandOutput, "$metadata">;
export type Model = Omit<DescribeModelCommandOutput, "$metadata">;

const sagemaker = (aws: AwsClients) => aws.get(SageMakerClient);

/** SageMaker answers "does not exist" with a ValidationException ("Could not find …"). */
function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === "ResourceNotFound" || (e.name === "ValidationException" && /could not find|does not exist|not found/i.test(e.message ?? ""));
}

async function orUndefined<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return callAws(operation, () => Promise.reject(error));
  }
}

export async function describeEndpoint(aws: AwsClients, name: string): Promise<Endpoint | undefined> {
  return orUndefined("sagemaker:DescribeEndpoint", async () => {
    const { $metadata: _, ...endpoint } = await sagemaker(aws).send(new DescribeEndpointCommand({ EndpointName: name }));
    return endpoint;
  });
}

export async function describeEndpointConfig(aws: AwsClients, name: string): Promise<EndpointConfig | undefined> {
  return orUndefined("sagemaker:DescribeEndpointConfig", async () => {
    const { $metadata: _, ...config } = await sagemaker(aws).send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
    return config;
  });
}

export async function describeModel(aws: AwsClients, name: string): Promise<Model | undefined> {
  return orUndefined("sagemaker:DescribeModel", async () => {
    const { $metadata: _, ...model } = await sagemaker(aws).send(new DescribeModelCommand({ ModelName: name }));
    return model;
  });
}

export async function createModel(aws: AwsClients, input: CreateModelCommandInput): Promise<void> {
  await callAws("sagemaker:CreateModel", () => sagemaker(aws).send(new CreateModelCommand(input)));
}

export async function createEndpointConfig(aws: AwsClients, input: CreateEndpointConfigCommandInput): Promise<void> {
  await callAws("sagemaker:CreateEndpointConfig", () => sagemaker(aws).send(new CreateEndpointConfigCommand(input)));
}

export async function createEndpoint(aws: AwsClients, name: string, config: string, tags: Record<string, string>): Promise<void> {
  await callAws("sagemaker:CreateEndpoint", () =>
    sagemaker(aws).send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: config, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })),
  );
}

export async function updateEndpoint(aws: AwsClients, name: string, config: string, deploymentConfig?: DeploymentConfig): Promise<void> {
  await callAws("sagemaker:UpdateEndpoint", () => sagemaker(aws).send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: config, DeploymentConfig: deploymentConfig })));
}

export async function updateWeights(aws: AwsClients, name: string, weights: DesiredWeightAndCapacity[]): Promise<void> {
  await callAws("sagemaker:UpdateEndpointWeightsAndCapacities", () =>
    sagemaker(aws).send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: name, DesiredWeightsAndCapacities: weights })),
  );
}

/** Endpoint configs whose name contains `text` (every page, bounded): name and creation time (epoch ms). */
export async function listEndpointConfigs(aws: AwsClients, text: string): Promise<Array<{ name: string; created: number }>> {
  const found: Array<{ name: string; created: number }> = [];
  let token: string | undefined;
  for (let page = 0; page < 50; page++) {
    const out = await callAws("sagemaker:ListEndpointConfigs", () => sagemaker(aws).send(new ListEndpointConfigsCommand({ NameContains: text, MaxResults: 100, NextToken: token })));
    found.push(...(out.EndpointConfigs ?? []).map((c) => ({ name: c.EndpointConfigName!, created: c.CreationTime?.getTime() ?? 0 })));
    token = out.NextToken;
    if (!token) break;
  }
  return found;
}

/** Delete what mlops created; something already gone counts as deleted. */
export async function deleteEndpointConfig(aws: AwsClients, name: string): Promise<void> {
  await orUndefined("sagemaker:DeleteEndpointConfig", () => sagemaker(aws).send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })));
}

export async function deleteModel(aws: AwsClients, name: string): Promise<void> {
  await orUndefined("sagemaker:DeleteModel", () => sagemaker(aws).send(new DeleteModelCommand({ ModelName: name })));
}

export async function listTags(aws: AwsClients, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let token: string | undefined;
  // At most 50 tags per resource: two pages at most, bounded for safety.
  for (let page = 0; page < 10; page++) {
    const out = await callAws("sagemaker:ListTags", () => sagemaker(aws).send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100, NextToken: token })));
    for (const t of out.Tags ?? []) tags[t.Key!] = t.Value ?? "";
    token = out.NextToken;
    if (!token) break;
  }
  return tags;
}

/** A resource's tags, or undefined when it no longer exists (another command deleted it meanwhile). */
export async function listTagsIfExists(aws: AwsClients, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return await listTags(aws, arn);
  } catch (error) {
    if (isNotFound((error as { cause?: unknown }).cause ?? error)) return undefined;
    throw error;
  }
}

export async function addTags(aws: AwsClients, arn: string, tags: Record<string, string>): Promise<void> {
  if (Object.keys(tags).length === 0) return;
  await callAws("sagemaker:AddTags", () => sagemaker(aws).send(new AddTagsCommand({ ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })));
}

export async function deleteTags(aws: AwsClients, arn: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 50) {
    const batch = keys.slice(i, i + 50);
    await callAws("sagemaker:DeleteTags", () => sagemaker(aws).send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: batch })));
  }
}
