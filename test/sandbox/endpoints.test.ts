import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from "@aws-sdk/client-cloudwatch";
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type DeploymentConfig,
  type DescribeEndpointCommandOutput,
  type ProductionVariant,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

// No synthetic traffic unless a test wants it; time moves only when a test advances it (a clock
// a million times slower than real time: at the default pace a slow run let real milliseconds into
// the traffic counts).
const sandbox = useSandbox({ timeScale: 1e-6, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const sm = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const cw = () => new CloudWatchClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";

/** Move sandbox time forward in ticks, as it would pass. */
function advance(seconds: number, step = 5): void {
  for (let t = 0; t < seconds; t += step) sandbox.current.clock.advance(Math.min(step, seconds - t) * 1000);
}

async function model(name: string, env: Record<string, string> = {}) {
  await sm().send(new CreateModelCommand({ ModelName: name, ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE, ModelDataUrl: "s3://m/model.tar.gz", Environment: env } }));
}

async function config(name: string, variants: Array<Partial<ProductionVariant> & { ModelName: string }>) {
  await sm().send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: variants.map((v) => ({ VariantName: "AllTraffic", InstanceType: "ml.m5.large", InitialInstanceCount: 4, ...v })) as ProductionVariant[],
    }),
  );
}

const describeEndpoint = (name = "churn") => sm().send(new DescribeEndpointCommand({ EndpointName: name }));

/** An endpoint serving config v1, in service. */
async function serving(env: Record<string, string> = {}) {
  await model("m1", env);
  await config("c1", [{ ModelName: "m1" }]);
  await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
  expect((await describeEndpoint()).EndpointStatus).toBe("Creating");
  advance(60);
  expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1" });
}

function errorAlarm(name: string, dims: Array<{ Name: string; Value: string }>): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: "AWS/SageMaker",
    MetricName: "Invocation5XXErrors",
    Statistic: "Average",
    Dimensions: dims,
    Period: 60,
    EvaluationPeriods: 2,
    DatapointsToAlarm: 2,
    Threshold: 0.01,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
    ActionsEnabled: false,
  };
}

const canary = (alarms: string[] = []): DeploymentConfig => ({
  BlueGreenUpdatePolicy: {
    TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 25 }, WaitIntervalInSeconds: 300 },
    TerminationWaitInSeconds: 120,
    MaximumExecutionTimeoutInSeconds: 1800,
  },
  ...(alarms.length > 0 ? { AutoRollbackConfiguration: { Alarms: alarms.map((AlarmName) => ({ AlarmName })) } } : {}),
});

function phase(out: DescribeEndpointCommandOutput): string {
  const status = out.PendingDeploymentSummary?.ProductionVariants?.[0]?.VariantStatus?.[0];
  return status ? `${status.Status}: ${status.StatusMessage}` : out.EndpointStatus!;
}

describe("endpoints in the sandbox", () => {
  it("a canary update goes through SageMaker's guardrail phases and ends serving the new config", async () => {
    await serving();
    await model("m2");
    await config("c2", [{ ModelName: "m2" }]);
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", DeploymentConfig: canary() }));
    const seen: string[] = [];
    for (let i = 0; i < 200; i++) {
      const out = await describeEndpoint();
      const p = phase(out);
      if (seen[seen.length - 1] !== p) seen.push(p);
      if (out.EndpointStatus === "InService") break;
      advance(5);
    }
    expect(seen).toEqual([
      "Creating: Launching 4 instance(s).",
      "ActivatingTraffic: Activating traffic on canary capacity of 1 instance(s).",
      "Baking: Baking for 300 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).",
      "ActivatingTraffic: Activating traffic on full capacity of 4 instance(s).",
      "Baking: Baking for 120 seconds (TerminationWaitInSeconds) with traffic enabled on full capacity of 4 instance(s).",
      "InService",
    ]);
    const done = await describeEndpoint();
    expect(done).toMatchObject({ EndpointConfigName: "c2", LastDeploymentConfig: canary() });
    expect(done.PendingDeploymentSummary).toBeUndefined();
    expect(done.FailureReason).toBeUndefined();
  });

  it("a bad model trips a real alarm during the canary, and SageMaker rolls back to the old config", async () => {
    const sandboxWithTraffic = sandbox.current;
    await serving();
    await model("m2", { MLOPS_SANDBOX_ERROR_RATE: "0.5" });
    await config("c2", [{ ModelName: "m2" }]);
    await cw().send(new PutMetricAlarmCommand(errorAlarm("new-5xx", [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }, { Name: "EndpointConfigName", Value: "c2" }])));
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c2", DeploymentConfig: canary(["new-5xx"]) }));
    let out = await describeEndpoint();
    for (let i = 0; i < 200 && out.EndpointStatus !== "InService"; i++) {
      advance(5);
      out = await describeEndpoint();
    }
    expect(out).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1" });
    expect(out.FailureReason).toContain("new-5xx");
    const alarm = (await cw().send(new DescribeAlarmsCommand({ AlarmNames: ["new-5xx"] }))).MetricAlarms![0]!;
    expect(alarm.StateValue).toBe("ALARM");
    expect(alarm.StateReason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints \[0\.(4|5)\d*, 0\.(4|5)\d*\] were greater than the threshold \(0\.01\)/);
    // The canary got a quarter of the traffic (1 of 4 instances), the old fleet the rest.
    const sum = async (dims: Array<{ Name: string; Value: string }>) => {
      const stats = await cw().send(new GetMetricStatisticsCommand({ Namespace: "AWS/SageMaker", MetricName: "Invocations", Dimensions: dims, StartTime: new Date(sandboxWithTraffic.clock.now() - 3600_000), EndTime: new Date(sandboxWithTraffic.clock.now()), Period: 3600, Statistics: ["Sum"] }));
      return stats.Datapoints?.reduce((total, d) => total + (d.Sum ?? 0), 0) ?? 0;
    };
    const base = [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }];
    expect(await sum([...base, { Name: "EndpointConfigName", Value: "c2" }])).toBeGreaterThan(0);
    expect(await sum([...base, { Name: "EndpointConfigName", Value: "c1" }])).toBeGreaterThan(await sum([...base, { Name: "EndpointConfigName", Value: "c2" }]));
  });

  it("refuses what guardrails do not allow, and updates while one is in progress", async () => {
    await serving();
    await model("m2");
    await config("c2", [{ ModelName: "m2" }]);
    await config("two", [{ ModelName: "m2", VariantName: "a" }, { ModelName: "m1", VariantName: "b" }]);
    await config("srv", [{ ModelName: "m2", InstanceType: undefined, InitialInstanceCount: undefined, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }]);
    const update = (EndpointConfigName: string, DeploymentConfig?: DeploymentConfig) => sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName, DeploymentConfig })).catch((e: Error) => e);
    const big = canary();
    big.BlueGreenUpdatePolicy!.TrafficRoutingConfiguration!.CanarySize!.Value = 75;
    expect(((await update("c2", big)) as Error).message).toContain("CanarySize must be at most 50%");
    expect(((await update("two", canary())) as Error).message).toContain("same variant names");
    expect(((await update("srv")) as Error).message).toContain("to a serverless endpoint config");
    expect(((await update("c2", canary(["nope"]))) as Error).message).toContain("alarms do not exist: nope");
    await update("c2");
    expect(((await update("c2")) as Error).message).toContain("Cannot update in-progress endpoint");
    expect(sandbox.current.requestLog.entries({ operation: "UpdateEndpoint" }).map((e) => e.status)).toEqual([400, 400, 400, 400, 200, 400]);
  });

  it("splits traffic by variant weights and changes them after an update of weights", async () => {
    await model("m1");
    await model("m2", { MLOPS_SANDBOX_ERROR_RATE: "1" });
    await config("mix", [{ ModelName: "m1", VariantName: "old", InitialVariantWeight: 1 }, { ModelName: "m2", VariantName: "new", InitialVariantWeight: 0 }]);
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "mix" }));
    advance(60);
    await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "old", DesiredWeight: 90 }, { VariantName: "new", DesiredWeight: 10 }] }));
    const updating = await describeEndpoint();
    expect(updating.EndpointStatus).toBe("Updating");
    expect(updating.ProductionVariants?.find((v) => v.VariantName === "new")).toMatchObject({ CurrentWeight: 0, DesiredWeight: 10 });
    advance(10);
    const weighted = await describeEndpoint();
    expect(weighted.EndpointStatus).toBe("InService");
    expect(weighted.ProductionVariants?.find((v) => v.VariantName === "new")).toMatchObject({ CurrentWeight: 10, DesiredWeight: 10 });
    // Statistics from the first whole minute after the change.
    const from = Math.ceil(sandbox.current.clock.now() / 60_000) * 60_000;
    advance(700);
    const to = from + 600_000;
    const stat = async (metric: string, variant: string, statistic: "Sum" | "Average") => {
      const out = await cw().send(new GetMetricStatisticsCommand({ Namespace: "AWS/SageMaker", MetricName: metric, Dimensions: [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: variant }], StartTime: new Date(from), EndTime: new Date(to), Period: 60, Statistics: [statistic] }));
      return out.Datapoints!.map((d) => d[statistic]!);
    };
    const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const oldCount = total(await stat("Invocations", "old", "Sum"));
    const newCount = total(await stat("Invocations", "new", "Sum"));
    expect(oldCount + newCount).toBe(20 * 600);
    expect(newCount / (oldCount + newCount)).toBeCloseTo(0.1, 3);
    expect(await stat("Invocation5XXErrors", "new", "Average")).toEqual(Array(10).fill(1));
    expect(await stat("Invocation5XXErrors", "old", "Average")).toEqual(Array(10).fill(0));
    const refused = await sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "nope", DesiredWeight: 1 }] })).catch((e: Error) => e);
    expect((refused as Error).message).toContain('The variant(s) "[nope]"');
  });

  it("a model that fails its health check: creation fails; an update rolls back", async () => {
    await model("sick", { MLOPS_SANDBOX_HEALTH: "fail" });
    await config("sick", [{ ModelName: "sick" }]);
    await sm().send(new CreateEndpointCommand({ EndpointName: "broken", EndpointConfigName: "sick" }));
    advance(60);
    expect(await describeEndpoint("broken")).toMatchObject({ EndpointStatus: "Failed", FailureReason: expect.stringContaining("did not pass the ping health check") });
    await serving();
    await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "sick" }));
    advance(60);
    expect((await describeEndpoint()).EndpointStatus).toBe("Updating");
    advance(20);
    expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1", FailureReason: expect.stringContaining("rolled back") });
  });

  it("keeps tags on endpoints, and deletes an endpoint after a while", async () => {
    await serving();
    const { EndpointArn } = await describeEndpoint();
    await sm().send(new AddTagsCommand({ ResourceArn: EndpointArn, Tags: [{ Key: "mlops:rollout-phase", Value: "baking" }] }));
    expect((await sm().send(new ListTagsCommand({ ResourceArn: EndpointArn }))).Tags).toEqual([{ Key: "mlops:rollout-phase", Value: "baking" }]);
    const bad = await sm().send(new AddTagsCommand({ ResourceArn: EndpointArn, Tags: [{ Key: "x", Value: "{json}" }] })).catch((e: Error) => e);
    expect((bad as Error).message).toContain("at 'tags.1.member.value' failed to satisfy constraint");
    await sm().send(new DeleteEndpointCommand({ EndpointName: "churn" }));
    expect((await describeEndpoint()).EndpointStatus).toBe("Deleting");
    advance(10);
    await expect(describeEndpoint()).rejects.toMatchObject({ name: "ValidationException", message: 'Could not find endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/churn".' });
  });
});
