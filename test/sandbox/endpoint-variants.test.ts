import { CreateEndpointCommand, CreateModelCommand, CreateModelPackageCommand, CreateModelPackageGroupCommand, UpdateEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand, type DeploymentConfig } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox";
import { FROZEN, IMAGE, ROLE, sagemakerFixtures } from "../helpers/sandbox-sagemaker";

// What an update brings to each variant: the new config's variants, with RetainAllVariantProperties
// keeping same-named variants' current instance count and weight unless
// ExcludeRetainedVariantProperties lists them (model: UpdateEndpointInput; doc:
// https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html); serverless
// variants have no instance counts (model: ProductionVariantSummary); a model made from a model
// package runs the package's container (image and environment, its own Environment laid over).
const sandbox = useSandbox(FROZEN);
const { sm, advance, config, describe: describeEndpoint, serving } = sagemakerFixtures(sandbox);

const pendingVariants = async () =>
  (await describeEndpoint()).PendingDeploymentSummary?.ProductionVariants?.map((v) => [v.VariantName, v.DesiredInstanceCount, v.DesiredWeight, v.VariantStatus?.[0]?.StatusMessage]);
const variants = async () => (await describeEndpoint()).ProductionVariants?.map((v) => [v.VariantName, v.CurrentInstanceCount, v.CurrentWeight]);

describe("the variants an update brings", () => {
  it("RetainAllVariantProperties keeps a same-named variant's count and weight; a new variant takes its config's; the launch is sized by the kept counts", async () => {
    await serving([{ InitialVariantWeight: 1 }], {}, 2);
    await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 5, DesiredInstanceCount: 3 }] }));
    advance(10);
    await config("c2", [{ InitialVariantWeight: 1 }, { VariantName: "extra", InitialVariantWeight: 2, InitialInstanceCount: 1 }], {}, 4);
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", RetainAllVariantProperties: true }));
    // 3 kept + 1 new = 4 instances to launch.
    expect(await pendingVariants()).toEqual([
      ["AllTraffic", 3, 5, "Launching 4 instance(s)."],
      ["extra", 1, 2, "Launching 4 instance(s)."],
    ]);
    advance(70);
    expect(await variants()).toEqual([
      ["AllTraffic", 3, 5],
      ["extra", 1, 2],
    ]);
  });

  it("ExcludeRetainedVariantProperties DesiredWeight: the weight comes from the new config, the count is kept", async () => {
    await serving([{ InitialVariantWeight: 1 }], {}, 2);
    await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 5, DesiredInstanceCount: 3 }] }));
    advance(10);
    await config("c2", [{ InitialVariantWeight: 2 }], {}, 6);
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", RetainAllVariantProperties: true, ExcludeRetainedVariantProperties: [{ VariantPropertyType: "DesiredWeight" }] }));
    expect(await pendingVariants()).toEqual([["AllTraffic", 3, 2, "Launching 3 instance(s)."]]);
    advance(70);
    expect(await variants()).toEqual([["AllTraffic", 3, 2]]);
  });

  it("without RetainAllVariantProperties the new config's count and weight apply", async () => {
    await serving([{ InitialVariantWeight: 1 }], {}, 2);
    await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 5, DesiredInstanceCount: 3 }] }));
    advance(10);
    await config("c2", [{ InitialVariantWeight: 2 }], {}, 6);
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2" }));
    expect(await pendingVariants()).toEqual([["AllTraffic", 6, 2, "Launching 6 instance(s)."]]);
  });

  it("a serverless endpoint updated to a serverless config: no instance counts, its concurrency not kept, one unit to launch", async () => {
    const sls = (MaxConcurrency: number) => ({ ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency } });
    await serving([sls(5)]);
    await config("c2", [sls(8)]);
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", RetainAllVariantProperties: true }));
    const pending = (await describeEndpoint()).PendingDeploymentSummary!.ProductionVariants![0]!;
    const { DeployedImages: _, VariantStatus, ...rest } = pending;
    expect(rest).toEqual({ VariantName: "AllTraffic", CurrentWeight: 1, DesiredWeight: 1, CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 8 }, DesiredServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 8 } });
    expect(VariantStatus?.[0]?.StatusMessage).toBe("Launching 1 instance(s).");
    advance(70);
    expect((await describeEndpoint()).ProductionVariants?.[0]?.CurrentServerlessConfig).toEqual({ MemorySizeInMB: 2048, MaxConcurrency: 8 });
  });

  it("an endpoint leaving Inf1 instances falls back to all at once too (guardrail exclusions name the endpoint's instances)", async () => {
    await serving([{ InstanceType: "ml.inf1.xlarge" }]);
    await config("c2");
    const canary: DeploymentConfig = { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "INSTANCE_COUNT", Value: 1 }, WaitIntervalInSeconds: 600 }, TerminationWaitInSeconds: 600 } };
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", DeploymentConfig: canary }));
    advance(60);
    expect((await describeEndpoint()).PendingDeploymentSummary?.ProductionVariants?.[0]?.VariantStatus?.[0]?.StatusMessage).toBe("Activating traffic on full capacity of 4 instance(s).");
    advance(10);
    expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2" });
  });
});

describe("models made from model packages", () => {
  async function approvedPackage(environment: Record<string, string>) {
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await sm().send(
      new CreateModelPackageCommand({ ModelPackageGroupName: "churn", ModelApprovalStatus: "Approved", InferenceSpecification: { Containers: [{ Image: `${IMAGE}-pkg`, Environment: environment }] } }),
    );
    return ModelPackageArn!;
  }

  it("run the package's image and environment: a package whose model fails its health check fails the endpoint", async () => {
    const pkg = await approvedPackage({ MLOPS_SANDBOX_HEALTH: "fail" });
    await sm().send(new CreateModelCommand({ ModelName: "m1", ExecutionRoleArn: ROLE, PrimaryContainer: { ModelPackageName: pkg } }));
    await config("c1");
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
    advance(60);
    expect((await describeEndpoint()).EndpointStatus).toBe("Failed");
  });

  it("lay the model's own Environment over the package's, and show the package's image as deployed", async () => {
    const pkg = await approvedPackage({ MLOPS_SANDBOX_HEALTH: "fail" });
    await sm().send(new CreateModelCommand({ ModelName: "m1", ExecutionRoleArn: ROLE, PrimaryContainer: { ModelPackageName: pkg, Environment: { MLOPS_SANDBOX_HEALTH: "ok" } } }));
    await config("c1");
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
    advance(60);
    const out = await describeEndpoint();
    expect(out.EndpointStatus).toBe("InService");
    expect(out.ProductionVariants?.[0]?.DeployedImages?.map((i) => [i.SpecifiedImage, i.ResolvedImage])).toEqual([[`${IMAGE}-pkg`, `${IMAGE}-pkg`]]);
  });
});
