import {
  AddTagsCommand,
  CreateEndpointCommand,
  DeleteEndpointCommand,
  ListEndpointsCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type DeploymentConfig,
  type ProductionVariant,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox";
import { ARN, FROZEN, sagemakerFixtures } from "../helpers/sandbox-sagemaker";

// What UpdateEndpoint and UpdateEndpointWeightsAndCapacities refuse, and what they leave as it
// was when they do. Sources: botocore's SageMaker model (TrafficRoutingConfig: "CanarySize …
// must be less than or equal to 50% of the variant's total instance count", "LinearStepSize …
// must be 10-50%"; RollingUpdatePolicy.MaximumBatchSize "between 5% to 50%"); the guardrail
// exclusions (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html:
// serverless endpoints, one variant for rolling). The messages are the sandbox's own (docs/sandbox.md).
const sandbox = useSandbox(FROZEN);
const { sm, advance, model, config, describe: describeEndpoint, serving, alarm } = sagemakerFixtures(sandbox);
const EP_ARN = `${ARN}:endpoint/churn`;

const size = (Type: "CAPACITY_PERCENT" | "INSTANCE_COUNT", Value: number) => ({ Type, Value });
const canary = (CanarySize?: { Type: "CAPACITY_PERCENT" | "INSTANCE_COUNT"; Value: number }): DeploymentConfig => ({
  BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", CanarySize, WaitIntervalInSeconds: 60 } },
});
const linear = (LinearStepSize?: { Type: "CAPACITY_PERCENT" | "INSTANCE_COUNT"; Value: number }): DeploymentConfig => ({
  BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "LINEAR", LinearStepSize, WaitIntervalInSeconds: 60 } },
});
const allAtOnce: DeploymentConfig = { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 } } };
const rolling = (MaximumBatchSize: { Type: "CAPACITY_PERCENT" | "INSTANCE_COUNT"; Value: number }): DeploymentConfig => ({ RollingUpdatePolicy: { MaximumBatchSize, WaitIntervalInSeconds: 0 } });

const update = (EndpointConfigName: string, DeploymentConfig?: DeploymentConfig) => sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName, DeploymentConfig }));
const weights = (DesiredWeightsAndCapacities: Array<{ VariantName: string; DesiredWeight?: number; DesiredInstanceCount?: number; ServerlessUpdateConfig?: { MaxConcurrency?: number } }>) =>
  sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities }));

/** The endpoint still serves c1 in service, with no deployment pending. */
async function unchanged() {
  const out = await describeEndpoint();
  expect([out.EndpointStatus, out.EndpointConfigName, out.PendingDeploymentSummary]).toEqual(["InService", "c1", undefined]);
}

const CANARY_TOO_BIG = "CanarySize must be at most 50% of the variant's instance count (4).";
const LINEAR_10 = "LinearStepSize must be between 10% and 50% of the variant's instance count (10).";
const LINEAR_20 = "LinearStepSize must be between 10% and 50% of the variant's instance count (20).";
const BATCH = "MaximumBatchSize must be between 5% and 50% of the variant's instance count.";

describe("UpdateEndpoint's guardrail rules", () => {
  // [case, instances, DeploymentConfig, refusal or undefined when accepted]
  it.each<[string, number, DeploymentConfig, string | undefined]>([
    ["canary of 50 % of 4 instances (2)", 4, canary(size("CAPACITY_PERCENT", 50)), undefined],
    ["canary of 51 % of 4 instances (3, rounded up)", 4, canary(size("CAPACITY_PERCENT", 51)), CANARY_TOO_BIG],
    ["canary of 2 of 4 instances", 4, canary(size("INSTANCE_COUNT", 2)), undefined],
    ["canary of 3 of 4 instances", 4, canary(size("INSTANCE_COUNT", 3)), CANARY_TOO_BIG],
    ["canary without CanarySize", 4, canary(), "CanarySize is required for CANARY traffic routing."],
    ["linear step of 1 of 10 instances (10 %)", 10, linear(size("INSTANCE_COUNT", 1)), undefined],
    ["linear step of 5 of 10 instances (50 %)", 10, linear(size("INSTANCE_COUNT", 5)), undefined],
    ["linear step of 6 of 10 instances (60 %)", 10, linear(size("INSTANCE_COUNT", 6)), LINEAR_10],
    ["linear step of 1 of 20 instances (5 %)", 20, linear(size("INSTANCE_COUNT", 1)), LINEAR_20],
    ["linear step of 10 % of 20 instances", 20, linear(size("CAPACITY_PERCENT", 10)), undefined],
    ["linear without LinearStepSize", 10, linear(), "LinearStepSize is required for LINEAR traffic routing."],
    ["rolling batch of 4 %", 4, rolling(size("CAPACITY_PERCENT", 4)), BATCH],
    ["rolling batch of 5 %", 4, rolling(size("CAPACITY_PERCENT", 5)), undefined],
    ["rolling batch of 50 %", 4, rolling(size("CAPACITY_PERCENT", 50)), undefined],
    ["rolling batch of 51 %", 4, rolling(size("CAPACITY_PERCENT", 51)), BATCH],
    ["rolling batch of 1 instance", 4, rolling(size("INSTANCE_COUNT", 1)), undefined],
    ["both update policies", 4, { ...canary(size("INSTANCE_COUNT", 1)), ...rolling(size("INSTANCE_COUNT", 1)) }, "Only one of BlueGreenUpdatePolicy and RollingUpdatePolicy can be specified."],
  ])("%s", async (_, instances, deployment, refusal) => {
    await serving([{}], {}, instances);
    await config("c2", [{}], {}, instances);
    if (refusal) {
      await expect(update("c2", deployment)).rejects.toMatchObject({ name: "ValidationException", $metadata: { httpStatusCode: 400 }, message: refusal });
      await unchanged();
    } else {
      await update("c2", deployment);
      expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "Updating", LastDeploymentConfig: deployment, PendingDeploymentSummary: { EndpointConfigName: "c2" } });
    }
  });

  const twoVariants: Array<Partial<ProductionVariant>> = [{ VariantName: "a" }, { VariantName: "b" }];
  it.each<[string, Array<Partial<ProductionVariant>>, Array<Partial<ProductionVariant>>, DeploymentConfig | undefined, string | undefined]>([
    ["blue/green to other variant names", [{}], [{ VariantName: "Other" }], canary(size("INSTANCE_COUNT", 1)), "A deployment with a DeploymentConfig requires the new endpoint config to have the same variant names as the current one."],
    ["rolling to other variant names", [{}], [{ VariantName: "Other" }], rolling(size("INSTANCE_COUNT", 1)), "A deployment with a DeploymentConfig requires the new endpoint config to have the same variant names as the current one."],
    ["blue/green to the same variant names in another order", twoVariants, [{ VariantName: "b" }, { VariantName: "a" }], canary(size("INSTANCE_COUNT", 1)), undefined],
    ["rolling with two variants", twoVariants, twoVariants, rolling(size("INSTANCE_COUNT", 1)), "Rolling deployments are not supported for endpoints with more than one production variant."],
    ["no DeploymentConfig to other variant names", [{}], [{ VariantName: "Other" }], undefined, undefined],
  ])("%s", async (_, from, to, deployment, refusal) => {
    await serving(from);
    await config("c2", to);
    if (refusal) {
      await expect(update("c2", deployment)).rejects.toMatchObject({ name: "ValidationException", message: refusal });
      await unchanged();
    } else {
      await update("c2", deployment);
      expect((await describeEndpoint()).EndpointStatus).toBe("Updating");
    }
  });

  const SERVERLESS = { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } };
  const NOT_SERVERLESS = "Deployment guardrails (canary, linear, rolling) are not supported for serverless endpoints.";
  it.each<[string, Array<Partial<ProductionVariant>>, DeploymentConfig | undefined, string | undefined]>([
    ["serverless with a canary", [SERVERLESS], canary(size("INSTANCE_COUNT", 1)), NOT_SERVERLESS],
    ["serverless with rolling", [SERVERLESS], rolling(size("INSTANCE_COUNT", 1)), NOT_SERVERLESS],
    ["serverless all at once", [SERVERLESS], allAtOnce, undefined],
    ["serverless to instance-based with a canary", [{}], canary(size("INSTANCE_COUNT", 1)), NOT_SERVERLESS],
    ["serverless to instance-based all at once", [{}], allAtOnce, undefined],
  ])("%s", async (_, to, deployment, refusal) => {
    await serving([SERVERLESS]);
    await config("c2", to);
    if (refusal) {
      await expect(update("c2", deployment)).rejects.toMatchObject({ name: "ValidationException", message: refusal });
      await unchanged();
    } else {
      await update("c2", deployment);
      expect((await describeEndpoint()).EndpointStatus).toBe("Updating");
    }
  });

  it("refuses rollback alarms that do not exist, naming each, and an update while one runs", async () => {
    await serving();
    await config("c2");
    await alarm("exists");
    const watched: DeploymentConfig = { ...canary(size("INSTANCE_COUNT", 1)), AutoRollbackConfiguration: { Alarms: [{ AlarmName: "nope" }, { AlarmName: "exists" }, { AlarmName: "gone" }] } };
    await expect(update("c2", watched)).rejects.toMatchObject({ name: "ValidationException", message: "The following alarms do not exist: nope, gone." });
    await unchanged();
    await update("c2", { ...watched, AutoRollbackConfiguration: { Alarms: [{ AlarmName: "exists" }] } });
    await expect(update("c1")).rejects.toMatchObject({ name: "ValidationException", message: `Cannot update in-progress endpoint "${EP_ARN}" (status Updating).` });
    await expect(weights([{ VariantName: "AllTraffic", DesiredWeight: 2 }])).rejects.toMatchObject({ name: "ValidationException", message: `Cannot update in-progress endpoint "${EP_ARN}" (status Updating).` });
    expect((await describeEndpoint()).PendingDeploymentSummary?.EndpointConfigName).toBe("c2");
  });
});

describe("UpdateEndpointWeightsAndCapacities", () => {
  it("keeps at least one variant weighted above 0, counting the weights it is not given", async () => {
    await serving([{ VariantName: "a" }, { VariantName: "b", InitialVariantWeight: 0 }]);
    const ZERO = "At least one variant must have a weight greater than 0.";
    await expect(weights([{ VariantName: "a", DesiredWeight: 0 }])).rejects.toMatchObject({ name: "ValidationException", message: ZERO });
    await expect(weights([{ VariantName: "a", DesiredWeight: 0 }, { VariantName: "b", DesiredWeight: 0 }])).rejects.toMatchObject({ message: ZERO });
    await expect(weights([{ VariantName: "x", DesiredWeight: 1 }, { VariantName: "a", DesiredWeight: 1 }, { VariantName: "y", DesiredWeight: 1 }])).rejects.toMatchObject({
      message: 'The variant(s) "[x, y]" is/are not present in the endpoint "churn".',
    });
    expect((await describeEndpoint()).EndpointStatus).toBe("InService");
    const t0 = (await describeEndpoint()).LastModifiedTime!;
    advance(5);
    await weights([{ VariantName: "a", DesiredWeight: 0 }, { VariantName: "b", DesiredWeight: 3, DesiredInstanceCount: 2 }]);
    const updating = await describeEndpoint();
    expect(updating.EndpointStatus).toBe("Updating");
    expect(updating.ProductionVariants?.map((v) => [v.VariantName, v.CurrentWeight, v.DesiredWeight, v.CurrentInstanceCount, v.DesiredInstanceCount])).toEqual([
      ["a", 1, 0, 4, 4],
      ["b", 0, 3, 4, 2],
    ]);
    // Weights take TIMING.weights (10 s); the endpoint was last modified when they took effect.
    advance(9);
    expect((await describeEndpoint()).EndpointStatus).toBe("Updating");
    advance(1);
    const done = await describeEndpoint();
    expect(done.EndpointStatus).toBe("InService");
    expect(done.ProductionVariants?.map((v) => [v.VariantName, v.CurrentWeight, v.DesiredWeight, v.CurrentInstanceCount, v.DesiredInstanceCount])).toEqual([
      ["a", 0, 0, 4, 4],
      ["b", 3, 3, 2, 2],
    ]);
    expect(Math.round(done.LastModifiedTime!.getTime() - t0.getTime()) / 1000).toBe(15);
  });

  it("changes a serverless variant's concurrency, desired at once and current after the update; instance counts do not apply", async () => {
    await serving([{ ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }]);
    await weights([{ VariantName: "AllTraffic", DesiredInstanceCount: 3, ServerlessUpdateConfig: { MaxConcurrency: 10 } }]);
    const variant = async () => {
      const { DeployedImages: _, ...v } = (await describeEndpoint()).ProductionVariants![0]!;
      return v;
    };
    expect(await variant()).toEqual({ VariantName: "AllTraffic", CurrentWeight: 1, DesiredWeight: 1, CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 }, DesiredServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10 } });
    advance(10);
    expect(await variant()).toEqual({ VariantName: "AllTraffic", CurrentWeight: 1, DesiredWeight: 1, CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10 }, DesiredServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10 } });
  });

  it("ignores ServerlessUpdateConfig on an instance-based variant", async () => {
    await serving();
    await weights([{ VariantName: "AllTraffic", ServerlessUpdateConfig: { MaxConcurrency: 10 } }]);
    advance(10);
    const { DeployedImages: _, ...v } = (await describeEndpoint()).ProductionVariants![0]!;
    expect(v).toEqual({ VariantName: "AllTraffic", CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 4, DesiredInstanceCount: 4 });
  });
});

describe("DeleteEndpoint", () => {
  it("shows Deleting for the delete time, then the endpoint and its tags are gone", async () => {
    await serving();
    await sm().send(new AddTagsCommand({ ResourceArn: EP_ARN, Tags: [{ Key: "team", Value: "ml" }] }));
    await sm().send(new DeleteEndpointCommand({ EndpointName: "churn" }));
    advance(9);
    expect((await sm().send(new ListEndpointsCommand({}))).Endpoints?.map((e) => [e.EndpointName, e.EndpointStatus])).toEqual([["churn", "Deleting"]]);
    expect((await describeEndpoint()).EndpointStatus).toBe("Deleting");
    advance(1);
    expect((await sm().send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
    await expect(describeEndpoint()).rejects.toMatchObject({ name: "ValidationException", message: `Could not find endpoint "${EP_ARN}".` });
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
    expect((await sm().send(new ListTagsCommand({ ResourceArn: EP_ARN }))).Tags).toEqual([]);
  });

  it("refuses a second endpoint of the same name in any case, naming the ARN in lower case", async () => {
    await serving();
    await model("m2");
    await expect(sm().send(new CreateEndpointCommand({ EndpointName: "CHURN", EndpointConfigName: "c1" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: `Cannot create already existing endpoint "${EP_ARN}".`,
    });
    expect((await sm().send(new ListEndpointsCommand({}))).Endpoints?.map((e) => e.EndpointName)).toEqual(["churn"]);
  });
});
