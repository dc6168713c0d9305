import { describe, expect, it } from "vitest";
import type { OperationContext } from "../../src/sandbox/service";
import { endpointOperations, initialEndpointsState, modelEnvironment, trafficSplit, type EndpointTiming } from "../../src/sandbox/services/sagemaker/endpoints";
import { initialRegistryState } from "../../src/sandbox/services/sagemaker/registry";

// SageMaker's endpoint operations called directly, on a clock that moves only when told: the edges
// the HTTP tests do not reach (a target config deleted mid-update, ties in ListEndpoints' order,
// tags on resources that do not exist, a model from a package with no containers).
const T0 = 1_000_000;
const TIMING: EndpointTiming = { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 };
const ARN = "arn:aws:sagemaker:us-east-1:000000000000";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";

type State = ReturnType<typeof initialEndpointsState> & ReturnType<typeof initialRegistryState>;

/** The operations over a fresh state, no alarm anywhere, and sandbox time at T0 until `advance`. */
function sagemaker() {
  let now = T0;
  const state: State = { ...initialEndpointsState(), ...initialRegistryState() };
  const ops = endpointOperations({ alarms: () => () => ({ inAlarm: [], missing: [] }), timing: TIMING });
  const ctx = { state, clock: { now: () => now }, arn: (resource: string) => `${ARN}:${resource}`, peer: () => undefined } as unknown as OperationContext<State>;
  const call = (operation: string, input: Record<string, unknown>) => ops[operation]!.handler(input, ctx) as Record<string, any>;
  /** [error code, message] of a refused call. */
  const refusal = (operation: string, input: Record<string, unknown>) => {
    try {
      call(operation, input);
    } catch (error) {
      return [(error as { code?: string }).code, (error as Error).message];
    }
    throw new Error(`${operation} was not refused`);
  };
  const model = (name: string, env: Record<string, string> = {}) => call("CreateModel", { ModelName: name, PrimaryContainer: { Image: IMAGE, Environment: env } });
  const config = (name: string, variants: Array<{ VariantName: string; ModelName: string; InitialVariantWeight?: number }>) =>
    call("CreateEndpointConfig", { EndpointConfigName: name, ProductionVariants: variants.map((v) => ({ InstanceType: "ml.m5.large", InitialInstanceCount: 1, ...v })) });
  const endpoint = (name: string, configName: string) => call("CreateEndpoint", { EndpointName: name, EndpointConfigName: configName });
  const advance = (seconds: number) => (now += seconds * 1000);
  return { state, ops, call, refusal, model, config, endpoint, advance };
}

describe("which operations change state", () => {
  it("creates, updates, deletes and tag changes write; describes and lists only read (the request log's witness)", () => {
    const { ops } = sagemaker();
    expect(Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, op.mutates]))).toEqual({
      CreateModel: true,
      DescribeModel: false,
      ListModels: false,
      DeleteModel: true,
      CreateEndpointConfig: true,
      DescribeEndpointConfig: false,
      ListEndpointConfigs: false,
      DeleteEndpointConfig: true,
      CreateEndpoint: true,
      DescribeEndpoint: false,
      ListEndpoints: false,
      UpdateEndpoint: true,
      UpdateEndpointWeightsAndCapacities: true,
      DeleteEndpoint: true,
      AddTags: true,
      DeleteTags: true,
      ListTags: false,
    });
  });
});

describe("a model made from a model package", () => {
  const withPackage = (version: string, inferenceSpecification?: unknown) => {
    const sm = sagemaker();
    sm.state.modelPackageGroups.churn = {
      name: "churn",
      arn: `${ARN}:model-package-group/churn`,
      created: T0,
      status: "Completed",
      lastVersion: Number(version),
      packages: { [version]: { group: "churn", version: Number(version), arn: `${ARN}:model-package/churn/${version}`, created: T0, modified: T0, approval: "Approved", inferenceSpecification } },
    };
    return sm;
  };

  it("version 12 (more than one digit) is found: the model runs its container's image and environment", () => {
    const { call, state } = withPackage("12", { Containers: [{ Image: "img:12", Environment: { THRESHOLD: "0.5" } }] });
    call("CreateModel", { ModelName: "m", Containers: [{ ModelPackageName: `${ARN}:model-package/churn/12` }] });
    expect([modelEnvironment(state, "m"), state.models.m!.image]).toEqual([{ THRESHOLD: "0.5" }, "img:12"]);
  });

  it("a package with no InferenceSpecification gives no image and only the model's own environment", () => {
    const { call, state } = withPackage("1");
    call("CreateModel", { ModelName: "m", Containers: [{ ModelPackageName: `${ARN}:model-package/churn/1`, Environment: { MODE: "shadow" } }] });
    expect([modelEnvironment(state, "m"), state.models.m!.image]).toEqual([{ MODE: "shadow" }, undefined]);
  });
});

describe("an update whose target endpoint config is deleted while it runs", () => {
  /** churn in service on c1 (model m1), then updating to c2 (model m2, environment `env`), c2 then deleted. */
  const updateThenDeleteTarget = (env: Record<string, string> = {}) => {
    const sm = sagemaker();
    sm.model("m1");
    sm.model("m2", env);
    sm.config("c1", [{ VariantName: "Blue", ModelName: "m1" }]);
    sm.config("c2", [{ VariantName: "Green", ModelName: "m2" }]);
    sm.endpoint("churn", "c1");
    sm.advance(TIMING.launch);
    sm.call("UpdateEndpoint", { EndpointName: "churn", EndpointConfigName: "c2" });
    sm.call("DeleteEndpointConfig", { EndpointConfigName: "c2" });
    return sm;
  };

  it("the pending deployment lists no variants: their config is gone", () => {
    const { call, advance } = updateThenDeleteTarget();
    advance(1);
    const described = call("DescribeEndpoint", { EndpointName: "churn" });
    expect([described.EndpointStatus, described.PendingDeploymentSummary.EndpointConfigName, described.PendingDeploymentSummary.ProductionVariants]).toEqual(["Updating", "c2", []]);
  });

  it("a failed health check rolls back naming variant AllTraffic, SageMaker's default, as the config that named the variant is gone", () => {
    const { call, advance } = updateThenDeleteTarget({ MLOPS_SANDBOX_HEALTH: "fail" });
    advance(TIMING.launch + TIMING.rollback);
    const described = call("DescribeEndpoint", { EndpointName: "churn" });
    expect([described.EndpointStatus, described.EndpointConfigName, described.FailureReason]).toEqual([
      "InService",
      "c1",
      "Update failed and was rolled back: The primary container for production variant AllTraffic did not pass the ping health check. Please check CloudWatch logs for this endpoint.",
    ]);
  });
});

describe("a deleted endpoint", () => {
  it("is not found once its delete time has passed, even if no call settled it in between", () => {
    const { call, refusal, model, config, endpoint, advance } = sagemaker();
    model("m1");
    config("c1", [{ VariantName: "AllTraffic", ModelName: "m1" }]);
    endpoint("churn", "c1");
    advance(TIMING.launch);
    call("DeleteEndpoint", { EndpointName: "churn" });
    advance(TIMING.delete);
    expect(refusal("DescribeEndpoint", { EndpointName: "churn" })).toEqual(["ValidationException", `Could not find endpoint "${ARN}:endpoint/churn".`]);
  });
});

describe("ListEndpoints' order", () => {
  // b and a created in the same millisecond, c a second later: CreationTime orders, the name breaks ties.
  const three = () => {
    const sm = sagemaker();
    sm.model("m1");
    sm.config("c1", [{ VariantName: "AllTraffic", ModelName: "m1" }]);
    sm.endpoint("b", "c1");
    sm.endpoint("a", "c1");
    sm.advance(1);
    sm.endpoint("c", "c1");
    return sm;
  };
  const names = (sm: ReturnType<typeof sagemaker>, input: Record<string, unknown>) => (sm.call("ListEndpoints", input).Endpoints as Array<{ EndpointName: string }>).map((e) => e.EndpointName);

  it.each([
    [{}, ["c", "b", "a"]],
    [{ SortOrder: "Descending" }, ["c", "b", "a"]],
    [{ SortOrder: "Ascending" }, ["a", "b", "c"]],
    [{ SortBy: "CreationTime", SortOrder: "Ascending" }, ["a", "b", "c"]],
  ])("%j lists %j", (input, expected) => {
    expect(names(three(), input)).toEqual(expected);
  });
});

describe("weights for some of an endpoint's variants", () => {
  it("a variant not named keeps its weight; the named one's applies after the weights time", () => {
    const { call, model, config, endpoint, advance } = sagemaker();
    model("m1");
    config("c1", [
      { VariantName: "A", ModelName: "m1", InitialVariantWeight: 1 },
      { VariantName: "B", ModelName: "m1", InitialVariantWeight: 1 },
    ]);
    endpoint("churn", "c1");
    advance(TIMING.launch);
    call("UpdateEndpointWeightsAndCapacities", { EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "A", DesiredWeight: 3 }] });
    const weights = () => (call("DescribeEndpoint", { EndpointName: "churn" }).ProductionVariants as Array<Record<string, unknown>>).map((v) => [v.VariantName, v.CurrentWeight, v.DesiredWeight]);
    expect(weights()).toEqual([
      ["A", 1, 3],
      ["B", 1, 1],
    ]);
    advance(TIMING.weights);
    expect(weights()).toEqual([
      ["A", 3, 3],
      ["B", 1, 1],
    ]);
  });
});

describe("tags of a resource that does not exist", () => {
  it("AddTags on an endpoint config ARN no config has is refused, though another config exists", () => {
    const { refusal, model, config } = sagemaker();
    model("m1");
    config("c1", [{ VariantName: "AllTraffic", ModelName: "m1" }]);
    const arn = `${ARN}:endpoint-config/other`;
    expect(refusal("AddTags", { ResourceArn: arn, Tags: [{ Key: "team", Value: "ml" }] })).toEqual(["ValidationException", `Resource ${arn} does not exist.`]);
  });

  it("ListTags on an ARN nothing has is refused, though a model package group exists", () => {
    const { refusal, state } = sagemaker();
    state.modelPackageGroups.churn = { name: "churn", arn: `${ARN}:model-package-group/churn`, created: T0, status: "Completed", lastVersion: 0, packages: {} };
    const arn = `${ARN}:model-package-group/other`;
    expect(refusal("ListTags", { ResourceArn: arn })).toEqual(["ValidationException", `Resource ${arn} does not exist.`]);
  });

  it("ListTags with a NextToken it never issued is refused", () => {
    const { call, refusal, model } = sagemaker();
    model("m1");
    const arn = `${ARN}:model/m1`;
    call("AddTags", { ResourceArn: arn, Tags: [{ Key: "team", Value: "ml" }] });
    expect(refusal("ListTags", { ResourceArn: arn, NextToken: "nope" })).toEqual(["ValidationException", "Invalid pagination token: nope"]);
  });
});

describe("what a deleted or older model leaves an endpoint", () => {
  it("an endpoint serving a model that is then deleted still describes: in service, its variant unchanged", () => {
    const { call, model, config, endpoint, advance } = sagemaker();
    model("m1");
    config("c1", [{ VariantName: "AllTraffic", ModelName: "m1" }]);
    endpoint("churn", "c1");
    advance(TIMING.launch);
    call("DeleteModel", { ModelName: "m1" });
    const described = call("DescribeEndpoint", { EndpointName: "churn" });
    const variant = described.ProductionVariants[0];
    expect([described.EndpointStatus, variant.VariantName, variant.CurrentInstanceCount, variant.CurrentWeight]).toEqual(["InService", "AllTraffic", 1, 1]);
  });

  it("a model kept by a state file from before EnableNetworkIsolation was recorded describes it as false, SageMaker's default", () => {
    const { call, model, state } = sagemaker();
    model("m1");
    delete state.models.m1!.enableNetworkIsolation;
    expect(call("DescribeModel", { ModelName: "m1" }).EnableNetworkIsolation).toBe(false);
  });
});

describe("ServerlessUpdateConfig", () => {
  it("on an instance-based variant gives it no serverless config: only its weight changes", () => {
    const { call, model, config, endpoint, advance } = sagemaker();
    model("m1");
    config("c1", [{ VariantName: "AllTraffic", ModelName: "m1" }]);
    endpoint("churn", "c1");
    advance(TIMING.launch);
    call("UpdateEndpointWeightsAndCapacities", { EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 2, ServerlessUpdateConfig: { MaxConcurrency: 5 } }] });
    const variant = call("DescribeEndpoint", { EndpointName: "churn" }).ProductionVariants[0];
    expect([variant.DesiredWeight, variant.CurrentServerlessConfig, variant.DesiredServerlessConfig]).toEqual([2, undefined, undefined]);
  });
});

describe("traffic during an update, read before its start", () => {
  it("a time before the update started (a host clock stepped back) leaves all traffic on the serving fleet", () => {
    const { call, model, config, endpoint, advance, state } = sagemaker();
    model("m1");
    config("c1", [{ VariantName: "Blue", ModelName: "m1" }]);
    config("c2", [{ VariantName: "Green", ModelName: "m1" }]);
    endpoint("churn", "c1");
    advance(TIMING.launch);
    call("UpdateEndpoint", { EndpointName: "churn", EndpointConfigName: "c2" });
    const started = T0 + TIMING.launch * 1000;
    expect(trafficSplit(state, state.endpoints.churn!, started - 1).map((s) => [s.variant.name, s.share])).toEqual([["Blue", 1]]);
  });
});
