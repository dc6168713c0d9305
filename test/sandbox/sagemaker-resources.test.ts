import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteTagsCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointsCommand,
  ListTagsCommand,
  type ListEndpointsCommandInput,
  type ProductionVariant,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox";
import { ARN, FROZEN, IMAGE, ROLE, sagemakerFixtures } from "../helpers/sandbox-sagemaker";

// Models, endpoint configs, ListEndpoints and tags: what SageMaker keeps, answers and refuses
// (docs/sandbox.md's SageMaker table lists each rule with its source; the messages of the
// serverless and shadow rules are the sandbox's own, AWS's are not published).
const sandbox = useSandbox(FROZEN);
const { sm, advance, model, config, describe: describeEndpoint } = sagemakerFixtures(sandbox);
const SERVERLESS = { MemorySizeInMB: 2048, MaxConcurrency: 5 };

const tagsOf = async (ResourceArn: string) => (await sm().send(new ListTagsCommand({ ResourceArn }))).Tags;

describe("models", () => {
  it("describes a model of one container whole, and one of two containers with Containers only", async () => {
    const primary = { Image: IMAGE, ModelDataUrl: "s3://m/model.tar.gz", Environment: { A: "1" } };
    await sm().send(new CreateModelCommand({ ModelName: "One", ExecutionRoleArn: ROLE, PrimaryContainer: primary }));
    const one = await sm().send(new DescribeModelCommand({ ModelName: "one" }));
    expect({ ...one, $metadata: undefined }).toEqual({
      $metadata: undefined,
      ModelName: "One",
      ModelArn: `${ARN}:model/one`,
      CreationTime: expect.any(Date),
      ExecutionRoleArn: ROLE,
      PrimaryContainer: primary,
      EnableNetworkIsolation: false,
    });
    const containers = [{ Image: IMAGE }, { Image: `${IMAGE}-post` }];
    await sm().send(new CreateModelCommand({ ModelName: "two", ExecutionRoleArn: ROLE, Containers: containers }));
    const two = await sm().send(new DescribeModelCommand({ ModelName: "two" }));
    expect([two.PrimaryContainer, two.Containers]).toEqual([undefined, containers]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["no container", {}, "Either PrimaryContainer or Containers must be specified."],
    ["an empty Containers", { Containers: [] }, "Either PrimaryContainer or Containers must be specified."],
    ["a container with neither Image nor ModelPackageName", { PrimaryContainer: { ModelDataUrl: "s3://m/model.tar.gz" } }, "A container needs an Image or a ModelPackageName."],
    ["a second container with neither", { Containers: [{ Image: IMAGE }, { Environment: { A: "1" } }] }, "A container needs an Image or a ModelPackageName."],
  ])("refuses %s, creating nothing", async (_, containers, message) => {
    await expect(sm().send(new CreateModelCommand({ ModelName: "m", ExecutionRoleArn: ROLE, ...containers }))).rejects.toMatchObject({ name: "ValidationException", message });
    await expect(sm().send(new DescribeModelCommand({ ModelName: "m" }))).rejects.toMatchObject({ message: `Could not find model "${ARN}:model/m".` });
  });

  it("refuses a second model of the same name in any case", async () => {
    await model("churn");
    await expect(model("CHURN")).rejects.toMatchObject({ name: "ValidationException", message: `Cannot create already existing model "${ARN}:model/churn".` });
  });

  it("deploys only an existing, Approved model package version", async () => {
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const pending = await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    const from = (ModelPackageName: string) => sm().send(new CreateModelCommand({ ModelName: "pkg", ExecutionRoleArn: ROLE, PrimaryContainer: { ModelPackageName } }));
    await expect(from(pending.ModelPackageArn!)).rejects.toMatchObject({
      name: "ValidationException",
      message: `Model package ${pending.ModelPackageArn} has approval status PendingManualApproval; only Approved versioned model packages can be deployed.`,
    });
    const missing = `${ARN}:model-package/churn/7`;
    await expect(from(missing)).rejects.toMatchObject({ message: `Model package ${missing} does not exist.` });
    const other = `${ARN}:model-package/other/1`;
    await expect(from(other)).rejects.toMatchObject({ message: `Model package ${other} does not exist.` });
  });

  it("takes tags at creation, and forgets them with the model", async () => {
    await sm().send(new CreateModelCommand({ ModelName: "m1", ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE }, Tags: [{ Key: "team", Value: "ml" }] }));
    expect(await tagsOf(`${ARN}:model/m1`)).toEqual([{ Key: "team", Value: "ml" }]);
    await sm().send(new DeleteModelCommand({ ModelName: "M1" }));
    await expect(tagsOf(`${ARN}:model/m1`)).rejects.toMatchObject({ name: "ValidationException", message: `Resource ${ARN}:model/m1 does not exist.` });
    await model("m1");
    expect(await tagsOf(`${ARN}:model/m1`)).toEqual([]);
  });

  it("refuses more than 50 tags at creation and creates nothing", async () => {
    const Tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await expect(sm().send(new CreateModelCommand({ ModelName: "m1", ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE }, Tags }))).rejects.toMatchObject({ name: "ValidationException" });
    await expect(sm().send(new DescribeModelCommand({ ModelName: "m1" }))).rejects.toMatchObject({ name: "ValidationException" });
  });
});

describe("endpoint configs", () => {
  const create = (variants: Array<Partial<ProductionVariant>>, extra: Record<string, unknown> = {}) =>
    sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: "cfg", ProductionVariants: variants.map((v) => ({ VariantName: "AllTraffic", ModelName: "m1", ...v })), ...extra }));
  const instance = { InstanceType: "ml.m5.large" as const, InitialInstanceCount: 1 };
  const ASYNC = { OutputConfig: { S3OutputPath: "s3://out/async/" } };

  it.each<[string, Array<Partial<ProductionVariant>>, Record<string, unknown>, string | undefined]>([
    ["serverless beside another variant", [{ ServerlessConfig: SERVERLESS }, { VariantName: "b", ...instance }], {}, "Serverless endpoints support exactly one production variant."],
    ["serverless with an InstanceType", [{ ServerlessConfig: SERVERLESS, InstanceType: "ml.m5.large" }], {}, "Variant AllTraffic: ServerlessConfig cannot be combined with InstanceType or InitialInstanceCount."],
    ["serverless with an InitialInstanceCount", [{ ServerlessConfig: SERVERLESS, InitialInstanceCount: 1 }], {}, "Variant AllTraffic: ServerlessConfig cannot be combined with InstanceType or InitialInstanceCount."],
    ["serverless memory not in 1 GB steps", [{ ServerlessConfig: { MemorySizeInMB: 1536, MaxConcurrency: 5 } }], {}, "ServerlessConfig.MemorySizeInMB must be 1024, 2048, 3072, 4096, 5120 or 6144."],
    ["serverless memory of 3 GB", [{ ServerlessConfig: { MemorySizeInMB: 3072, MaxConcurrency: 5 } }], {}, undefined],
    ["provisioned concurrency above the maximum", [{ ServerlessConfig: { ...SERVERLESS, ProvisionedConcurrency: 6 } }], {}, "ProvisionedConcurrency must be less than or equal to MaxConcurrency."],
    ["provisioned concurrency equal to the maximum", [{ ServerlessConfig: { ...SERVERLESS, ProvisionedConcurrency: 5 } }], {}, undefined],
    ["an instance variant without InitialInstanceCount", [{ InstanceType: "ml.m5.large" }], {}, "Variant AllTraffic: InstanceType and InitialInstanceCount are required for an instance-based variant."],
    ["an instance variant without InstanceType", [{ InitialInstanceCount: 1 }], {}, "Variant AllTraffic: InstanceType and InitialInstanceCount are required for an instance-based variant."],
    ["two variants of one name", [instance, instance], {}, "Variant names must be unique within an endpoint config."],
    ["two variants of two names", [instance, { VariantName: "b", ...instance }], {}, undefined],
    ["serverless and asynchronous", [{ ServerlessConfig: SERVERLESS }], { AsyncInferenceConfig: ASYNC }, "AsyncInferenceConfig is not supported for serverless endpoints."],
    ["asynchronous instance-based", [instance], { AsyncInferenceConfig: ASYNC }, undefined],
    ["one shadow beside one production variant", [instance], { ShadowProductionVariants: [{ VariantName: "shadow", ModelName: "m1", ...instance }] }, undefined],
    ["two shadows", [instance], { ShadowProductionVariants: [{ VariantName: "s1", ModelName: "m1", ...instance }, { VariantName: "s2", ModelName: "m1", ...instance }] }, "Shadow testing needs exactly one production variant and one shadow variant."],
    ["a shadow beside two production variants", [instance, { VariantName: "b", ...instance }], { ShadowProductionVariants: [{ VariantName: "s1", ModelName: "m1", ...instance }] }, "Shadow testing needs exactly one production variant and one shadow variant."],
  ])("%s", async (_, variants, extra, refusal) => {
    await model("m1");
    if (refusal) {
      await expect(create(variants, extra)).rejects.toMatchObject({ name: "ValidationException", message: refusal });
      await expect(sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: "cfg" }))).rejects.toMatchObject({ message: `Could not find endpoint configuration "${ARN}:endpoint-config/cfg".` });
    } else {
      await create(variants, extra);
      const out = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: "cfg" }));
      expect(out.ProductionVariants).toEqual(variants.map((v) => ({ VariantName: "AllTraffic", ModelName: "m1", ...v })));
    }
  });

  it("describes a config whole, refuses its name again in any case, and deletes it with its tags", async () => {
    await model("m1");
    const variant = { VariantName: "AllTraffic", ModelName: "m1", InstanceType: "ml.m5.large" as const, InitialInstanceCount: 2, InitialVariantWeight: 1 };
    const capture = { InitialSamplingPercentage: 10, DestinationS3Uri: "s3://capture/", CaptureOptions: [{ CaptureMode: "Input" as const }] };
    await sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: "Cfg", ProductionVariants: [variant], DataCaptureConfig: capture, AsyncInferenceConfig: ASYNC, Tags: [{ Key: "k", Value: "v" }] }));
    const out = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: "cfg" }));
    expect({ ...out, $metadata: undefined }).toEqual({
      $metadata: undefined,
      EndpointConfigName: "Cfg",
      EndpointConfigArn: `${ARN}:endpoint-config/cfg`,
      ProductionVariants: [variant],
      DataCaptureConfig: capture,
      AsyncInferenceConfig: ASYNC,
      CreationTime: expect.any(Date),
    });
    expect(await tagsOf(`${ARN}:endpoint-config/cfg`)).toEqual([{ Key: "k", Value: "v" }]);
    await expect(sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: "CFG", ProductionVariants: [variant] }))).rejects.toMatchObject({
      message: `Cannot create already existing endpoint configuration "${ARN}:endpoint-config/cfg".`,
    });
    // An endpoint serving it shows its AsyncInferenceConfig, and a summary of its DataCaptureConfig
    // (model: DataCaptureConfigSummary; EnableCapture "defaults to enabled").
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "Cfg", Tags: [{ Key: "e", Value: "1" }] }));
    expect(await tagsOf(`${ARN}:endpoint/churn`)).toEqual([{ Key: "e", Value: "1" }]);
    advance(60);
    const summary = { EnableCapture: true, CaptureStatus: "Started", CurrentSamplingPercentage: 10, DestinationS3Uri: "s3://capture/" };
    expect(await describeEndpoint()).toMatchObject({ DataCaptureConfig: summary, AsyncInferenceConfig: ASYNC });
    await sm().send(new DeleteEndpointConfigCommand({ EndpointConfigName: "cfg" }));
    await expect(tagsOf(`${ARN}:endpoint-config/cfg`)).rejects.toMatchObject({ message: `Resource ${ARN}:endpoint-config/cfg does not exist.` });
    // The endpoint keeps its AsyncInferenceConfig; the deleted config's DataCaptureConfig is gone with it.
    const after = await describeEndpoint();
    expect([after.AsyncInferenceConfig, after.DataCaptureConfig]).toEqual([ASYNC, undefined]);
  });
});

describe("DescribeEndpoint's DataCaptureConfig", () => {
  it("is Stopped when the config disables capture", async () => {
    await model("m1");
    await config("c1", [{}], { DataCaptureConfig: { EnableCapture: false, InitialSamplingPercentage: 50, DestinationS3Uri: "s3://capture/", KmsKeyId: "key", CaptureOptions: [{ CaptureMode: "Output" }] } });
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
    advance(60);
    expect((await describeEndpoint()).DataCaptureConfig).toEqual({ EnableCapture: false, CaptureStatus: "Stopped", CurrentSamplingPercentage: 50, DestinationS3Uri: "s3://capture/", KmsKeyId: "key" });
  });
});

describe("ListEndpoints", () => {
  /** Endpoints b (t=0), a (t=10 s), c (t=20 s); a then updated at t=30 s. */
  async function three() {
    await model("m1");
    await config("c1");
    for (const name of ["b", "a", "c"]) {
      await sm().send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: "c1" }));
      advance(10);
    }
    advance(60); // b and c in service, created at 0 and 20 s; all modified at the end of their launch
  }
  const names = async (input: ListEndpointsCommandInput) => (await sm().send(new ListEndpointsCommand(input))).Endpoints?.map((e) => e.EndpointName);
  const times = async (name: string) => {
    const e = (await sm().send(new ListEndpointsCommand({ NameContains: name }))).Endpoints![0]!;
    return { created: e.CreationTime!, modified: e.LastModifiedTime! };
  };

  it("sorts by CreationTime, newest first, unless asked otherwise", async () => {
    await three();
    expect(await names({})).toEqual(["c", "a", "b"]);
    expect(await names({ SortOrder: "Ascending" })).toEqual(["b", "a", "c"]);
    expect(await names({ SortBy: "Name" })).toEqual(["c", "b", "a"]);
    expect(await names({ SortBy: "Name", SortOrder: "Ascending" })).toEqual(["a", "b", "c"]);
    // Deleting sorts before InService; endpoints of one status keep the order they were made in (b, a, c).
    await sm().send(new DeleteEndpointCommand({ EndpointName: "a" }));
    expect(await names({ SortBy: "Status", SortOrder: "Ascending" })).toEqual(["a", "b", "c"]);
    expect(await names({ SortBy: "Status" })).toEqual(["b", "c", "a"]);
  });

  it("filters on creation time (After inclusive, Before exclusive) and last-modified time (both exclusive)", async () => {
    await three();
    const a = await times("a");
    const c = await times("c");
    expect(await names({ CreationTimeAfter: a.created, SortOrder: "Ascending" })).toEqual(["a", "c"]);
    expect(await names({ CreationTimeBefore: c.created, SortOrder: "Ascending" })).toEqual(["b", "a"]);
    // Modified at the end of their launch: b at 60 s, a at 70 s, c at 80 s.
    const between = (x: Date, y: Date) => new Date((x.getTime() + y.getTime()) / 2);
    expect(await names({ LastModifiedTimeAfter: between(a.modified, c.modified), SortOrder: "Ascending" })).toEqual(["c"]);
    expect(await names({ LastModifiedTimeBefore: between(a.modified, c.modified), SortOrder: "Ascending" })).toEqual(["b", "a"]);
    expect(await names({ LastModifiedTimeAfter: new Date(0), LastModifiedTimeBefore: c.modified, CreationTimeAfter: new Date(0), SortOrder: "Ascending" })).toEqual(["b", "a"]);
  });

  it("pages with MaxResults and NextToken", async () => {
    await three();
    const first = await sm().send(new ListEndpointsCommand({ MaxResults: 2, SortBy: "Name", SortOrder: "Ascending" }));
    expect(first.Endpoints?.map((e) => [e.EndpointName, e.EndpointStatus, e.EndpointArn])).toEqual([
      ["a", "InService", `${ARN}:endpoint/a`],
      ["b", "InService", `${ARN}:endpoint/b`],
    ]);
    const second = await sm().send(new ListEndpointsCommand({ MaxResults: 2, SortBy: "Name", SortOrder: "Ascending", NextToken: first.NextToken }));
    expect([second.Endpoints?.map((e) => e.EndpointName), second.NextToken]).toEqual([["c"], undefined]);
    await expect(sm().send(new ListEndpointsCommand({ NextToken: "made-up" }))).rejects.toMatchObject({ name: "ValidationException" });
  });
});

describe("tags", () => {
  it("AddTags answers the resource's tags, replacing a key's value; DeleteTags removes keys; unknown resources are refused", async () => {
    await model("m1");
    const arn = `${ARN}:model/m1`;
    expect((await sm().send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }))).Tags).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ]);
    expect((await sm().send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: "a", Value: "3" }] }))).Tags).toEqual([
      { Key: "a", Value: "3" },
      { Key: "b", Value: "2" },
    ]);
    await sm().send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ["a", "zzz"] }));
    expect(await tagsOf(arn)).toEqual([{ Key: "b", Value: "2" }]);
    await sm().send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ["b"] }));
    expect(await tagsOf(arn)).toEqual([]);
    const unknown = `${ARN}:model/nope`;
    await expect(sm().send(new AddTagsCommand({ ResourceArn: unknown, Tags: [{ Key: "a", Value: "1" }] }))).rejects.toMatchObject({ name: "ValidationException", message: `Resource ${unknown} does not exist.` });
    await expect(tagsOf(unknown)).rejects.toMatchObject({ message: `Resource ${unknown} does not exist.` });
  });

  it("tags endpoint configs, endpoints and model package groups by ARN", async () => {
    await model("m1");
    await config("c1");
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
    const { ModelPackageGroupArn } = await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "grp" }));
    for (const arn of [`${ARN}:endpoint-config/c1`, `${ARN}:endpoint/churn`, ModelPackageGroupArn!]) {
      await sm().send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: "k", Value: arn }] }));
      expect(await tagsOf(arn)).toEqual([{ Key: "k", Value: arn }]);
    }
  });
});
