import { describe, expect, it } from "vitest";
import { alreadyServes, configType, deploySpecs, type ConfigSpec, type CurrentEndpoint, type VariantSpec } from "../../src/core/deploy-specs";
import { derivedName } from "../../src/core/rollout-plan";

/**
 * What a deploy sends to SageMaker (CreateModel, CreateEndpointConfig), asserted whole. Names follow
 * the naming rule (derivedName: a hash of the endpoint and the content), applied here to the content
 * the rule says it covers, so a spec that hashes less (or other) content gets another name.
 */
const container = { Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:2", ModelDataUrl: "s3://models/churn.tar.gz" };
const role = "arn:aws:iam::123456789012:role/sm";
const capacity = { instanceType: "ml.m5.large", instanceCount: 2, memoryMb: 2048, maxConcurrency: 10 };
const modelName = derivedName("churn", { container, role });
const model = { ModelName: modelName, PrimaryContainer: container, ExecutionRoleArn: role };

function expectedConfig(variant: VariantSpec, asyncConfig?: ConfigSpec["AsyncInferenceConfig"]): ConfigSpec {
  return { EndpointConfigName: derivedName("churn", { variant, async: asyncConfig }), ProductionVariants: [variant], AsyncInferenceConfig: asyncConfig };
}

describe("deploySpecs: a new endpoint", () => {
  it("asynchronous, with an output location and a per-instance concurrency", () => {
    const variant = { VariantName: "AllTraffic", ModelName: modelName, InstanceType: "ml.m5.large", InitialInstanceCount: 2, InitialVariantWeight: 1 };
    const asyncConfig = { OutputConfig: { S3OutputPath: "s3://out/churn/" }, ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 } };
    const specs = deploySpecs({ ...capacity, endpoint: "churn", mode: "create", type: "async", container, roleArn: role, asyncOutput: { bucket: "out", key: "churn/" }, asyncConcurrency: 4, rolloutId: "r1" });
    expect(specs).toEqual({ model, variantName: "AllTraffic", newVariant: "AllTraffic", config: expectedConfig(variant, asyncConfig) });
    expect(specs.config.AsyncInferenceConfig).toEqual(asyncConfig);
    expect(specs).not.toHaveProperty("mix");
  });

  it("asynchronous without a concurrency: SageMaker picks, so no ClientConfig", () => {
    const specs = deploySpecs({ ...capacity, endpoint: "churn", mode: "create", type: "async", container, roleArn: role, asyncOutput: { bucket: "out", key: "" }, rolloutId: "r1" });
    expect(specs.config.AsyncInferenceConfig).toEqual({ OutputConfig: { S3OutputPath: "s3://out/" } });
    expect(specs.config.AsyncInferenceConfig).not.toHaveProperty("ClientConfig");
  });

  it.each([
    ["realtime", { bucket: "out", key: "x/" }],
    ["async", undefined],
  ] as const)("%s with output %j: no async config", (type, asyncOutput) => {
    expect(deploySpecs({ ...capacity, endpoint: "churn", mode: "create", type, container, asyncOutput, rolloutId: "r1" }).config.AsyncInferenceConfig).toBeUndefined();
  });

  it("serverless: memory and concurrency instead of instances", () => {
    const specs = deploySpecs({ ...capacity, endpoint: "churn", mode: "create", type: "serverless", container, roleArn: role, rolloutId: "r1" });
    const variant = { VariantName: "AllTraffic", ModelName: modelName, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10 }, InitialVariantWeight: 1 };
    expect(specs).toEqual({ model, variantName: "AllTraffic", newVariant: "AllTraffic", config: expectedConfig(variant) });
  });
});

describe("deploySpecs: an endpoint that serves", () => {
  const old = (VariantName: string, InitialVariantWeight?: number): VariantSpec => ({ VariantName, ModelName: `m-${VariantName}`, InstanceType: "ml.c5.large", InitialInstanceCount: 1, ...(InitialVariantWeight === undefined ? {} : { InitialVariantWeight }) });

  it("keeps the serving variant's name; with none, AllTraffic", () => {
    const current: CurrentEndpoint = { configName: "churn-old", variants: [old("Blue", 1)], weights: { Blue: 1 } };
    expect(deploySpecs({ ...capacity, endpoint: "churn", mode: "guardrails", type: "realtime", container, current, rolloutId: "r1" }).variantName).toBe("Blue");
    expect(deploySpecs({ ...capacity, endpoint: "churn", mode: "guardrails", type: "realtime", container, current: { ...current, variants: [] }, rolloutId: "r1" }).variantName).toBe("AllTraffic");
  });

  it("under guardrails, or on the traffic engine with nothing serving: no mix config", () => {
    const current: CurrentEndpoint = { configName: "churn-old", variants: [old("Blue", 1)], weights: { Blue: 1 } };
    expect(deploySpecs({ ...capacity, endpoint: "churn", mode: "guardrails", type: "realtime", container, current, rolloutId: "r1" })).not.toHaveProperty("mix");
    expect(deploySpecs({ ...capacity, endpoint: "churn", mode: "traffic", type: "realtime", container, rolloutId: "r1" })).not.toHaveProperty("mix");
  });

  it("on the traffic engine: the mix holds the old variants at their live weights, the new one at 0 under mlops-<rollout>", () => {
    // Live weight first, else the config's weight, else 1.
    const current: CurrentEndpoint = { configName: "churn-old", variants: [old("Blue", 1), old("Green", 0.5), old("Red")], weights: { Blue: 0.7 } };
    const specs = deploySpecs({ ...capacity, endpoint: "churn", mode: "traffic", type: "realtime", container, roleArn: role, current, rolloutId: "r9" });
    const variant = { VariantName: "Blue", ModelName: modelName, InstanceType: "ml.m5.large", InitialInstanceCount: 2, InitialVariantWeight: 1 };
    const mixVariants = [
      { ...old("Blue"), InitialVariantWeight: 0.7 },
      { ...old("Green"), InitialVariantWeight: 0.5 },
      { ...old("Red"), InitialVariantWeight: 1 },
      { ...variant, VariantName: "mlops-r9", InitialVariantWeight: 0 },
    ];
    expect(specs).toEqual({
      model,
      variantName: "Blue",
      newVariant: "mlops-r9",
      config: expectedConfig(variant),
      mix: { EndpointConfigName: derivedName("churn", { from: "churn-old", variants: mixVariants }, "mix"), ProductionVariants: mixVariants, AsyncInferenceConfig: undefined },
    });
  });

  it("an asynchronous mix keeps the serving output location; with none, the new one", () => {
    const served = { OutputConfig: { S3OutputPath: "s3://old/" } };
    const current: CurrentEndpoint = { configName: "churn-old", variants: [old("Blue", 1)], weights: {}, asyncInferenceConfig: served };
    const input = { ...capacity, endpoint: "churn", mode: "traffic" as const, type: "async" as const, container, asyncOutput: { bucket: "new", key: "" }, rolloutId: "r1" };
    expect(deploySpecs({ ...input, current }).mix!.AsyncInferenceConfig).toEqual(served);
    expect(deploySpecs({ ...input, current: { ...current, asyncInferenceConfig: undefined } }).mix!.AsyncInferenceConfig).toEqual({ OutputConfig: { S3OutputPath: "s3://new/" } });
  });
});

describe("configType", () => {
  it.each([
    [undefined, undefined],
    [{ AsyncInferenceConfig: {}, ProductionVariants: [{ ServerlessConfig: {} }] }, "async"],
    [{ ProductionVariants: [{}, { ServerlessConfig: {} }] }, "serverless"],
    [{ ProductionVariants: [{}] }, "realtime"],
    [{}, "realtime"],
  ])("%j → %s", (config, type) => {
    expect(configType(config)).toBe(type);
  });
});

describe("alreadyServes: one variant with this model and capacity (and output)", () => {
  const variant: VariantSpec = { VariantName: "AllTraffic", ModelName: "m1", InstanceType: "ml.m5.large", InitialInstanceCount: 2, InitialVariantWeight: 1 };
  const wanted: ConfigSpec = { EndpointConfigName: "c-new", ProductionVariants: [variant] };
  const serverless = (MemorySizeInMB: number, MaxConcurrency: number): VariantSpec => ({ VariantName: "AllTraffic", ModelName: "m1", ServerlessConfig: { MemorySizeInMB, MaxConcurrency } });
  const out = (path: string, n?: number) => ({ OutputConfig: { S3OutputPath: path }, ...(n === undefined ? {} : { ClientConfig: { MaxConcurrentInvocationsPerInstance: n } }) });

  it.each([
    ["the same variant under another name", { variants: [{ ...variant, VariantName: "Blue" }] }, wanted, true],
    ["nothing serving", undefined, wanted, false],
    ["no variants", { variants: [] }, wanted, false],
    ["a second variant beside it", { variants: [variant, { ...variant, VariantName: "B" }] }, wanted, false],
    ["nothing wanted", { variants: [variant] }, { ...wanted, ProductionVariants: [] }, false],
    ["another model", { variants: [{ ...variant, ModelName: "m0" }] }, wanted, false],
    ["another instance type", { variants: [{ ...variant, InstanceType: "ml.c5.large" }] }, wanted, false],
    ["another count", { variants: [{ ...variant, InitialInstanceCount: 1 }] }, wanted, false],
    ["serverless, same", { variants: [serverless(2048, 10)] }, { ...wanted, ProductionVariants: [serverless(2048, 10)] }, true],
    ["serverless, other memory", { variants: [serverless(4096, 10)] }, { ...wanted, ProductionVariants: [serverless(2048, 10)] }, false],
    ["serverless, other concurrency", { variants: [serverless(2048, 20)] }, { ...wanted, ProductionVariants: [serverless(2048, 10)] }, false],
    ["async, same output", { variants: [variant], asyncInferenceConfig: out("s3://o/") }, { ...wanted, AsyncInferenceConfig: out("s3://o/") }, true],
    ["async, other output", { variants: [variant], asyncInferenceConfig: out("s3://o/") }, { ...wanted, AsyncInferenceConfig: out("s3://p/") }, false],
    ["async, output only on one side", { variants: [variant] }, { ...wanted, AsyncInferenceConfig: out("s3://p/") }, false],
    ["async, same concurrency", { variants: [variant], asyncInferenceConfig: out("s3://o/", 4) }, { ...wanted, AsyncInferenceConfig: out("s3://o/", 4) }, true],
    ["async, other concurrency", { variants: [variant], asyncInferenceConfig: out("s3://o/", 4) }, { ...wanted, AsyncInferenceConfig: out("s3://o/", 8) }, false],
  ])("%s → %s", (_, current, target, expected) => {
    expect(alreadyServes(current, target)).toBe(expected);
  });
});
