import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListModelsCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type ProductionVariant,
  type ProductionVariantInstanceType,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

// AWS's rules for SageMaker as the sandbox applies them, through the real SDK. Each refusal is
// checked for AWS's error and message, and for leaving state as it was.
const sandbox = useSandbox({ endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 }, trafficRps: 0 });
const sm = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";
const ARN = "arn:aws:sagemaker:us-east-1:000000000000";
const ASYNC = { OutputConfig: { S3OutputPath: "s3://out/async/" } };

function advance(seconds: number, step = 5): void {
  for (let t = 0; t < seconds; t += step) sandbox.current.clock.advance(Math.min(step, seconds - t) * 1000);
}

async function model(name: string, extra: Record<string, unknown> = {}) {
  await sm().send(new CreateModelCommand({ ModelName: name, ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE, ModelDataUrl: "s3://m/model.tar.gz" }, ...extra }));
}

async function config(name: string, variant: Partial<ProductionVariant> = {}, extra: Record<string, unknown> = {}) {
  const base = variant.ServerlessConfig ? {} : { InstanceType: "ml.m5.large" as ProductionVariantInstanceType, InitialInstanceCount: 2 };
  await sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: name, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "m1", ...base, ...variant }], ...extra }));
}

/** Endpoint `churn` in service on config c1. */
async function serving(variant: Partial<ProductionVariant> = {}, extra: Record<string, unknown> = {}) {
  await model("m1");
  await config("c1", variant, extra);
  await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
  advance(60);
  expect((await describeChurn()).EndpointStatus).toBe("InService");
}

const describeChurn = () => sm().send(new DescribeEndpointCommand({ EndpointName: "churn" }));

describe("SageMaker rules in the sandbox", () => {
  it("refuses to turn an asynchronous endpoint real-time, and a real-time one asynchronous, leaving it as it was", async () => {
    await serving({}, { AsyncInferenceConfig: ASYNC });
    await config("realtime");
    await expect(sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "realtime" }))).rejects.toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
      message: "The AsyncInferenceConfig parameter cannot be removed from this endpoint churn. To change the endpoint type, create a new endpoint.",
    });
    expect(await describeChurn()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1", AsyncInferenceConfig: ASYNC });
    expect((await describeChurn()).PendingDeploymentSummary).toBeUndefined();

    await sm().send(new CreateEndpointCommand({ EndpointName: "rt", EndpointConfigName: "realtime" }));
    advance(60);
    await config("async2", {}, { AsyncInferenceConfig: ASYNC });
    await expect(sm().send(new UpdateEndpointCommand({ EndpointName: "rt", EndpointConfigName: "async2" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: "The AsyncInferenceConfig parameter cannot be added to this endpoint rt. To change the endpoint type, create a new endpoint.",
    });
    expect(await sm().send(new DescribeEndpointCommand({ EndpointName: "rt" }))).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "realtime" });
  });

  it("refuses instance-based → serverless on update and allows serverless → instance-based", async () => {
    await serving();
    await config("sls", { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } });
    await expect(sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "sls" }))).rejects.toMatchObject({ name: "ValidationException" });
    expect(await describeChurn()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1" });

    await sm().send(new CreateEndpointCommand({ EndpointName: "s", EndpointConfigName: "sls" }));
    advance(60);
    await sm().send(new UpdateEndpointCommand({ EndpointName: "s", EndpointConfigName: "c1" }));
    expect((await sm().send(new DescribeEndpointCommand({ EndpointName: "s" }))).EndpointStatus).toBe("Updating");
  });

  it("falls back to all at once with no final bake on Inf1 instances, whatever the DeploymentConfig", async () => {
    await serving({ InstanceType: "ml.inf1.xlarge", InitialInstanceCount: 4 });
    await config("c2", { InstanceType: "ml.inf1.xlarge", InitialInstanceCount: 4 });
    const canary = { TrafficRoutingConfiguration: { Type: "CANARY" as const, CanarySize: { Type: "CAPACITY_PERCENT" as const, Value: 25 }, WaitIntervalInSeconds: 600 }, TerminationWaitInSeconds: 600 };
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", DeploymentConfig: { BlueGreenUpdatePolicy: canary } }));
    advance(60);
    const status = (await describeChurn()).PendingDeploymentSummary?.ProductionVariants?.[0]?.VariantStatus?.[0];
    expect(status).toMatchObject({ Status: "ActivatingTraffic", StatusMessage: "Activating traffic on full capacity of 4 instance(s)." });
    advance(10);
    // No canary bake, no 600 s TerminationWaitInSeconds: done.
    expect(await describeChurn()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2" });
  });

  it("accepts an Environment beside a ModelPackageName container, as SageMaker does since 2023", async () => {
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await sm().send(
      new CreateModelPackageCommand({ ModelPackageGroupName: "churn", ModelApprovalStatus: "Approved", InferenceSpecification: { Containers: [{ Image: IMAGE, Environment: { LOG_LEVEL: "info", A: "1" } }] } }),
    );
    await sm().send(new CreateModelCommand({ ModelName: "pkg", ExecutionRoleArn: ROLE, PrimaryContainer: { ModelPackageName: ModelPackageArn, Environment: { LOG_LEVEL: "debug" } } }));
    expect((await sm().send(new DescribeModelCommand({ ModelName: "pkg" }))).PrimaryContainer).toEqual({ ModelPackageName: ModelPackageArn, Environment: { LOG_LEVEL: "debug" } });
  });

  it("refuses AddTags past 50 tags and keeps none of them", async () => {
    await model("m1");
    const ModelArn = `${ARN}:model/m1`;
    const tags = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${from + i}`, Value: "v" }));
    await sm().send(new AddTagsCommand({ ResourceArn: ModelArn, Tags: tags(0, 31) }));
    await expect(sm().send(new AddTagsCommand({ ResourceArn: ModelArn, Tags: tags(31, 30) }))).rejects.toMatchObject({ name: "ValidationException" });
    expect((await sm().send(new ListTagsCommand({ ResourceArn: ModelArn, MaxResults: 100 }))).Tags).toHaveLength(31);
    // Replacing existing keys does not count twice.
    await sm().send(new AddTagsCommand({ ResourceArn: ModelArn, Tags: [...tags(0, 31).map((t) => ({ ...t, Value: "w" })), ...tags(31, 19)] }));
    expect((await sm().send(new ListTagsCommand({ ResourceArn: ModelArn, MaxResults: 100 }))).Tags).toHaveLength(50);
  });

  it("validates ProductionVariantInstanceType against the model's enum", async () => {
    await model("m1");
    await expect(config("c1", { InstanceType: "ml.x9.huge" as ProductionVariantInstanceType })).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("Value 'ml.x9.huge' at 'productionVariants.1.member.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [ml.c4.2xlarge,"),
    });
    await expect(sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: "c1" }))).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("ListEndpoints validates StatusEquals and NameContains, and filters on them", async () => {
    await serving();
    await expect(sm().send(new ListEndpointsCommand({ StatusEquals: "Running" as never }))).rejects.toMatchObject({
      message: expect.stringContaining("at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set"),
    });
    await expect(sm().send(new ListEndpointsCommand({ NameContains: "ch_urn" }))).rejects.toMatchObject({
      message: expect.stringContaining("at 'nameContains' failed to satisfy constraint: Member must satisfy regular expression pattern"),
    });
    expect((await sm().send(new ListEndpointsCommand({ StatusEquals: "InService", NameContains: "hur" }))).Endpoints?.map((e) => e.EndpointName)).toEqual(["churn"]);
    expect((await sm().send(new ListEndpointsCommand({ StatusEquals: "Creating" }))).Endpoints).toEqual([]);
  });

  it("shows the desired instance count and weight together from the start of a weights update", async () => {
    await serving();
    await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 2, DesiredInstanceCount: 3 }] }));
    const updating = await describeChurn();
    expect(updating.EndpointStatus).toBe("Updating");
    expect(updating.ProductionVariants?.[0]).toMatchObject({ CurrentWeight: 1, DesiredWeight: 2, CurrentInstanceCount: 2, DesiredInstanceCount: 3 });
    advance(10);
    expect((await describeChurn()).ProductionVariants?.[0]).toMatchObject({ CurrentWeight: 2, DesiredWeight: 2, CurrentInstanceCount: 3, DesiredInstanceCount: 3 });
  });

  it("keeps the serving instance count and weight with RetainAllVariantProperties, except what ExcludeRetainedVariantProperties lists", async () => {
    await serving();
    await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 2, DesiredInstanceCount: 3 }] }));
    advance(10);
    await config("c2");
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", RetainAllVariantProperties: true }));
    expect((await describeChurn()).PendingDeploymentSummary?.ProductionVariants?.[0]).toMatchObject({ DesiredInstanceCount: 3, DesiredWeight: 2 });
    advance(120);
    expect(await describeChurn()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2", ProductionVariants: [expect.objectContaining({ CurrentInstanceCount: 3, CurrentWeight: 2 })] });
    await config("c3");
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c3", RetainAllVariantProperties: true, ExcludeRetainedVariantProperties: [{ VariantPropertyType: "DesiredInstanceCount" }] }));
    advance(120);
    expect(await describeChurn()).toMatchObject({ EndpointConfigName: "c3", ProductionVariants: [expect.objectContaining({ CurrentInstanceCount: 2, CurrentWeight: 2 })] });
  });

  it("refuses a weights update naming an unknown variant without changing any weight", async () => {
    await serving();
    await expect(
      sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 5 }, { VariantName: "Nope", DesiredWeight: 1 }] })),
    ).rejects.toMatchObject({ name: "ValidationException" });
    expect((await describeChurn()).ProductionVariants?.[0]).toMatchObject({ CurrentWeight: 1, DesiredWeight: 1 });
  });

  it("names the resource's ARN when it is not found", async () => {
    const notFound = (message: string) => ({ name: "ValidationException", $metadata: { httpStatusCode: 400 }, message });
    await expect(sm().send(new DescribeModelCommand({ ModelName: "Gone" }))).rejects.toMatchObject(notFound(`Could not find model "${ARN}:model/gone".`));
    await expect(sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: "gone" }))).rejects.toMatchObject(notFound(`Could not find endpoint configuration "${ARN}:endpoint-config/gone".`));
    await expect(sm().send(new DescribeEndpointCommand({ EndpointName: "gone" }))).rejects.toMatchObject(notFound(`Could not find endpoint "${ARN}:endpoint/gone".`));
    await expect(config("c1", { ModelName: "missing" })).rejects.toMatchObject(notFound(`Could not find model "${ARN}:model/missing".`));
    await expect(sm().send(new CreateEndpointCommand({ EndpointName: "e", EndpointConfigName: "gone" }))).rejects.toMatchObject(notFound(`Could not find endpoint configuration "${ARN}:endpoint-config/gone".`));
  });

  it("describes EnableNetworkIsolation, and CreatedBy on model packages and their groups", async () => {
    await model("m1");
    await model("isolated", { EnableNetworkIsolation: true });
    expect((await sm().send(new DescribeModelCommand({ ModelName: "m1" }))).EnableNetworkIsolation).toBe(false);
    expect((await sm().send(new DescribeModelCommand({ ModelName: "isolated" }))).EnableNetworkIsolation).toBe(true);
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    const createdBy = { IamIdentity: { Arn: "arn:aws:iam::000000000000:user/mlops-sandbox", PrincipalId: "AIDASANDBOXUSER000001" } };
    expect((await sm().send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "churn" }))).CreatedBy).toEqual(createdBy);
    expect((await sm().send(new DescribeModelPackageCommand({ ModelPackageName: ModelPackageArn }))).CreatedBy).toEqual(createdBy);
  });

  it("lists model packages and groups in Ascending order unless asked otherwise", async () => {
    for (const name of ["b", "a", "c"]) {
      await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: name }));
      sandbox.current.clock.advance(1000);
    }
    expect((await sm().send(new ListModelPackageGroupsCommand({}))).ModelPackageGroupSummaryList?.map((g) => g.ModelPackageGroupName)).toEqual(["b", "a", "c"]);
    expect((await sm().send(new ListModelPackageGroupsCommand({ SortBy: "Name" }))).ModelPackageGroupSummaryList?.map((g) => g.ModelPackageGroupName)).toEqual(["a", "b", "c"]);
    for (let i = 0; i < 3; i++) await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "a", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    expect((await sm().send(new ListModelPackagesCommand({ ModelPackageGroupName: "a" }))).ModelPackageSummaryList?.map((p) => p.ModelPackageVersion)).toEqual([1, 2, 3]);
  });

  it("ListModels and ListEndpointConfigs filter, sort newest first by default and page with NextToken", async () => {
    for (let i = 1; i <= 12; i++) {
      await model(`m${i}`);
      await config(`cfg-${i}`, { ModelName: `m${i}` });
      sandbox.current.clock.advance(1000);
    }
    const models = (await sm().send(new ListModelsCommand({}))).Models!;
    expect(models).toHaveLength(10);
    expect(models[0]).toMatchObject({ ModelName: "m12", ModelArn: `${ARN}:model/m12` });
    expect(models[0]!.CreationTime).toBeInstanceOf(Date);
    const names: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await sm().send(new ListEndpointConfigsCommand({ SortBy: "Name", SortOrder: "Ascending", MaxResults: 5, NextToken: token }));
      names.push(...out.EndpointConfigs!.map((c) => c.EndpointConfigName!));
      token = out.NextToken;
      if (!token) break;
    }
    expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `cfg-${i + 1}`).sort());
    // Creation-time window (epoch seconds on the wire): After is inclusive, Before is not. The
    // bounds are the configs' own creation times, so time spent creating them does not matter.
    const created = async (name: string) => (await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }))).CreationTime!;
    const after = await created("cfg-4");
    const before = await created("cfg-7");
    const windowed = await sm().send(new ListEndpointConfigsCommand({ CreationTimeAfter: after, CreationTimeBefore: before, NameContains: "cfg" }));
    expect(windowed.EndpointConfigs?.map((c) => c.EndpointConfigName)).toEqual(["cfg-6", "cfg-5", "cfg-4"]);
    expect((await sm().send(new ListModelsCommand({ NameContains: "m1" }))).Models?.map((m) => m.ModelName)).toEqual(["m12", "m11", "m10", "m1"]);
    await expect(sm().send(new ListModelsCommand({ NextToken: "made-up" }))).rejects.toMatchObject({ name: "ValidationException" });
  });
});
