import { CreateEndpointCommand, UpdateEndpointCommand, type DeploymentConfig, type DescribeEndpointCommandOutput } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox";
import { FROZEN, IMAGE, TIMING, sagemakerFixtures } from "../helpers/sandbox-sagemaker";

// The endpoint status machine on the sandbox clock: each phase of a guardrail deployment as
// DescribeEndpoint shows it, when alarms roll an update back and when they do not, the execution
// timeout, failed health checks. Expected times are sums of the sandbox timing (TIMING: launch
// 60 s, activate 10 s, rollback 20 s) and the DeploymentConfig's waits, as SageMaker documents the
// phases (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html):
// launch the new fleet, shift traffic in steps, bake WaitIntervalInSeconds after each step, bake
// TerminationWaitInSeconds at the end; rollback alarms are watched while traffic shifts and bakes.
const sandbox = useSandbox(FROZEN);
const { sm, advance, model, config, describe: describeEndpoint, serving, alarm, setAlarm } = sagemakerFixtures(sandbox);

const canary = (alarms: string[] = [], wait = 300, termination = 120, limit?: number): DeploymentConfig => ({
  BlueGreenUpdatePolicy: {
    TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 25 }, WaitIntervalInSeconds: wait },
    TerminationWaitInSeconds: termination,
    ...(limit ? { MaximumExecutionTimeoutInSeconds: limit } : {}),
  },
  ...(alarms.length > 0 ? { AutoRollbackConfiguration: { Alarms: alarms.map((AlarmName) => ({ AlarmName })) } } : {}),
});

/** Seconds from `t0` to a timestamp of the answer, rounded to the millisecond (sandbox time moves a microsecond per real second). */
const secondsSince = (t0: Date, t: Date | undefined) => Math.round(t!.getTime() - t0.getTime()) / 1000;

/** The pending deployment's variant status as `[Status, StatusMessage, seconds from t0 to its StartTime]`. */
function pendingStatus(out: DescribeEndpointCommandOutput, t0: Date) {
  const s = out.PendingDeploymentSummary?.ProductionVariants?.[0]?.VariantStatus?.[0];
  return s && [s.Status, s.StatusMessage, secondsSince(t0, s.StartTime)];
}

/** Serving c1 (model m1), with config c2 (model m2) ready; `env` is m2's container environment. */
async function withNewConfig(env: Record<string, string> = {}, variantName = "AllTraffic") {
  await serving();
  await model("m2", env);
  await config("c2", [{ ModelName: "m2", VariantName: variantName }]);
}

async function update(DeploymentConfig?: DeploymentConfig, EndpointConfigName = "c2") {
  await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName, DeploymentConfig }));
  return (await describeEndpoint()).LastModifiedTime!;
}

describe("endpoint deployments on the sandbox clock", () => {
  it("describes a canary update whole while it launches: the old fleet serves, the new one shows its desired size and no instances yet", async () => {
    await withNewConfig();
    const t0 = await update(canary());
    const out = await describeEndpoint();
    const m1 = (await describeEndpoint()).ProductionVariants![0]!.DeployedImages![0]!.ResolutionTime;
    expect({ ...out, $metadata: undefined }).toEqual({
      $metadata: undefined,
      EndpointName: "churn",
      EndpointArn: "arn:aws:sagemaker:us-east-1:000000000000:endpoint/churn",
      EndpointConfigName: "c1",
      EndpointStatus: "Updating",
      CreationTime: expect.any(Date),
      LastModifiedTime: t0,
      LastDeploymentConfig: canary(),
      ProductionVariants: [
        { VariantName: "AllTraffic", DeployedImages: [{ SpecifiedImage: IMAGE, ResolvedImage: IMAGE, ResolutionTime: m1 }], CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 4, DesiredInstanceCount: 4 },
      ],
      PendingDeploymentSummary: {
        EndpointConfigName: "c2",
        StartTime: t0,
        ProductionVariants: [
          {
            VariantName: "AllTraffic",
            DeployedImages: [{ SpecifiedImage: IMAGE, ResolvedImage: IMAGE, ResolutionTime: expect.any(Date) }],
            CurrentWeight: 1,
            DesiredWeight: 1,
            CurrentInstanceCount: 0,
            DesiredInstanceCount: 4,
            VariantStatus: [{ Status: "Creating", StatusMessage: "Launching 4 instance(s).", StartTime: t0 }],
          },
        ],
      },
    });
    expect(secondsSince(out.CreationTime!, t0)).toBe(TIMING.launch);
  });

  it("walks the canary phases at their documented times and ends serving the new config, modified when the last bake ended", async () => {
    await withNewConfig();
    const t0 = await update(canary());
    // launch 60, activate canary 10, bake 300, activate all 10, termination bake 120: 500 s in all.
    const at = async (s: number, done: number) => {
      advance(s - done);
      const out = await describeEndpoint();
      return [out.EndpointStatus, pendingStatus(out, t0), out.PendingDeploymentSummary?.ProductionVariants?.[0]?.CurrentInstanceCount];
    };
    expect(await at(59, 0)).toEqual(["Updating", ["Creating", "Launching 4 instance(s).", 0], 0]);
    expect(await at(60, 59)).toEqual(["Updating", ["ActivatingTraffic", "Activating traffic on canary capacity of 1 instance(s).", 60], 4]);
    expect(await at(70, 60)).toEqual(["Updating", ["Baking", "Baking for 300 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).", 70], 4]);
    expect(await at(370, 70)).toEqual(["Updating", ["ActivatingTraffic", "Activating traffic on full capacity of 4 instance(s).", 370], 4]);
    expect(await at(380, 370)).toEqual(["Updating", ["Baking", "Baking for 120 seconds (TerminationWaitInSeconds) with traffic enabled on full capacity of 4 instance(s).", 380], 4]);
    expect(await at(499, 380)).toEqual(["Updating", ["Baking", "Baking for 120 seconds (TerminationWaitInSeconds) with traffic enabled on full capacity of 4 instance(s).", 380], 4]);
    advance(1);
    const done = await describeEndpoint();
    expect(done).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2", LastDeploymentConfig: canary() });
    expect(done.ProductionVariants?.map((v) => [v.VariantName, v.CurrentInstanceCount, v.CurrentWeight])).toEqual([["AllTraffic", 4, 1]]);
    expect(done.PendingDeploymentSummary).toBeUndefined();
    expect(done.FailureReason).toBeUndefined();
    expect(secondsSince(t0, done.LastModifiedTime)).toBe(500);
  });

  it("a rolling update launches and shifts batch by batch; the new fleet's count grows with each batch", async () => {
    await withNewConfig();
    const rolling: DeploymentConfig = { RollingUpdatePolicy: { MaximumBatchSize: { Type: "INSTANCE_COUNT", Value: 2 }, WaitIntervalInSeconds: 30 } };
    const t0 = await update(rolling);
    // Two batches of 2: launch 60, activate 10, bake 30 → 100 s each.
    const seen: unknown[] = [];
    for (const s of [0, 60, 70, 100, 160, 170]) {
      advance(s - (seen.length === 0 ? 0 : [0, 60, 70, 100, 160, 170][seen.length - 1]!));
      const out = await describeEndpoint();
      seen.push([...pendingStatus(out, t0)!, out.PendingDeploymentSummary!.ProductionVariants![0]!.CurrentInstanceCount]);
    }
    expect(seen).toEqual([
      ["Creating", "Launching 2 instance(s).", 0, 0],
      ["ActivatingTraffic", "Activating traffic on 2 instance(s) of 4.", 60, 2],
      ["Baking", "Baking for 30 seconds (WaitIntervalInSeconds) with traffic enabled on 2 instance(s).", 70, 2],
      ["Creating", "Launching 2 instance(s).", 100, 2],
      ["ActivatingTraffic", "Activating traffic on 4 instance(s) of 4.", 160, 4],
      ["Baking", "Baking for 30 seconds (WaitIntervalInSeconds) with traffic enabled on 4 instance(s).", 170, 4],
    ]);
    advance(30);
    expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2" });
  });

  it("rolls back when a listed alarm is in ALARM while traffic shifts or bakes, and names the alarms in ALARM", async () => {
    await withNewConfig();
    await alarm("a", "OK");
    await alarm("b", "OK");
    await alarm("c", "OK");
    const t0 = await update(canary(["a", "b", "c"]));
    // While the new fleet launches no traffic is on it: alarms are not watched.
    advance(30);
    await setAlarm("a", "ALARM");
    expect(pendingStatus(await describeEndpoint(), t0)).toEqual(["Creating", "Launching 4 instance(s).", 0]);
    await setAlarm("a", "OK");
    advance(45); // 75 s: baking on the canary
    await setAlarm("a", "ALARM");
    await setAlarm("c", "ALARM");
    const reason = "Rolled back because CloudWatch alarm(s) a, c went into ALARM state during the deployment.";
    const rolling = await describeEndpoint();
    expect(rolling.EndpointStatus).toBe("Updating");
    expect(rolling.FailureReason).toBeUndefined();
    expect(pendingStatus(rolling, t0)).toEqual(["Deleting", `Rolling back: traffic is back on the previous fleet; terminating the new instances. ${reason}`, 75]);
    expect(rolling.PendingDeploymentSummary?.ProductionVariants?.[0]?.CurrentInstanceCount).toBe(0);
    // Rollback takes TIMING.rollback (20 s) from when it started.
    advance(19);
    expect((await describeEndpoint()).EndpointStatus).toBe("Updating");
    advance(1);
    const back = await describeEndpoint();
    expect(back).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1", FailureReason: reason });
    expect(back.PendingDeploymentSummary).toBeUndefined();
    expect(secondsSince(t0, back.LastModifiedTime)).toBe(95);
    // The next update starts with no FailureReason.
    await setAlarm("a", "OK");
    await setAlarm("c", "OK");
    await update();
    expect((await describeEndpoint()).FailureReason).toBeUndefined();
  });

  it("does not roll back for an alarm it was not given, nor for one that fires after the deployment ended", async () => {
    await withNewConfig();
    await alarm("other", "ALARM");
    await alarm("watched", "OK");
    const t0 = await update(canary(["watched"], 0, 0));
    advance(70); // launch 60 + canary 10 + bake 0 + full 10 + termination 0 = 80 s
    expect(pendingStatus(await describeEndpoint(), t0)).toEqual(["ActivatingTraffic", "Activating traffic on full capacity of 4 instance(s).", 70]);
    advance(10);
    await setAlarm("watched", "ALARM");
    const out = await describeEndpoint();
    expect(out).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2" });
    expect(out.FailureReason).toBeUndefined();

    // An update with no AutoRollbackConfiguration ignores every alarm.
    await model("m3");
    await config("c3", [{ ModelName: "m3" }]);
    await update(canary([], 0, 0), "c3");
    advance(80);
    expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c3" });
  });

  it("rolls back at MaximumExecutionTimeoutInSeconds, timed from the limit even when nobody looked then", async () => {
    await withNewConfig();
    const t0 = await update(canary([], 3600, 0, 600));
    advance(599);
    expect(pendingStatus(await describeEndpoint(), t0)).toEqual(["Baking", "Baking for 3600 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).", 70]);
    advance(101);
    const back = await describeEndpoint();
    expect(back).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1", FailureReason: "Rolled back because the deployment did not finish within MaximumExecutionTimeoutInSeconds (600)." });
    // Rolled back from 600 s, for 20 s.
    expect(secondsSince(t0, back.LastModifiedTime)).toBe(620);
  });

  it("shows the rollback of a timed-out deployment from the limit, not from when it was seen", async () => {
    await withNewConfig();
    const t0 = await update(canary([], 3600, 0, 600));
    advance(610);
    const out = await describeEndpoint();
    expect(out.EndpointStatus).toBe("Updating");
    expect(pendingStatus(out, t0)?.[2]).toBe(600);
  });

  it("a new model that fails its health check: the update rolls back from the end of the launch", async () => {
    await withNewConfig({ MLOPS_SANDBOX_HEALTH: "fail" });
    const t0 = await update();
    advance(59);
    expect(pendingStatus(await describeEndpoint(), t0)).toEqual(["Creating", "Launching 4 instance(s).", 0]);
    advance(11);
    const reason =
      "Update failed and was rolled back: The primary container for production variant AllTraffic did not pass the ping health check. Please check CloudWatch logs for this endpoint.";
    const rolling = await describeEndpoint();
    expect(rolling.EndpointStatus).toBe("Updating");
    expect(pendingStatus(rolling, t0)).toEqual(["Deleting", `Rolling back: traffic is back on the previous fleet; terminating the new instances. ${reason}`, 60]);
    advance(10);
    const back = await describeEndpoint();
    expect(back).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c1", FailureReason: reason });
    expect(secondsSince(t0, back.LastModifiedTime)).toBe(80);
  });

  it("a new endpoint whose model fails its health check ends Failed at the end of the launch, naming its variant", async () => {
    await model("sick", { MLOPS_SANDBOX_HEALTH: "fail" });
    await config("sick", [{ ModelName: "sick", VariantName: "Primary" }]);
    await sm().send(new CreateEndpointCommand({ EndpointName: "broken", EndpointConfigName: "sick" }));
    const creating = await describeEndpoint("broken");
    expect(creating).toMatchObject({ EndpointStatus: "Creating", EndpointConfigName: "sick", ProductionVariants: [] });
    expect(creating.PendingDeploymentSummary).toBeUndefined();
    advance(59);
    expect((await describeEndpoint("broken")).EndpointStatus).toBe("Creating");
    advance(100);
    const failed = await describeEndpoint("broken");
    expect(failed).toMatchObject({
      EndpointStatus: "Failed",
      FailureReason: "The primary container for production variant Primary did not pass the ping health check. Please check CloudWatch logs for this endpoint.",
    });
    expect(secondsSince(failed.CreationTime!, failed.LastModifiedTime)).toBe(60);
    await expect(sm().send(new UpdateEndpointCommand({ EndpointName: "broken", EndpointConfigName: "sick" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: 'Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/broken" (status Failed).',
    });
  });

  it("a healthy new endpoint is InService from the end of its launch, modified then", async () => {
    await model("m1");
    await config("c1");
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1" }));
    advance(59);
    expect((await describeEndpoint()).EndpointStatus).toBe("Creating");
    advance(1);
    const out = await describeEndpoint();
    expect(out.EndpointStatus).toBe("InService");
    expect(secondsSince(out.CreationTime!, out.LastModifiedTime)).toBe(60);
    expect(out.LastDeploymentConfig).toBeUndefined();
  });

  it("RetainDeploymentConfig reuses the last update's DeploymentConfig, else the one given at creation; without it, all at once", async () => {
    await model("m1");
    await config("c1");
    await config("c2");
    await config("c3");
    await sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "c1", DeploymentConfig: canary([], 60, 0) }));
    advance(60);
    const retain = async (EndpointConfigName: string) => {
      await sm().send(new UpdateEndpointCommand({ EndpointName: "churn", EndpointConfigName, RetainDeploymentConfig: true }));
      return (await describeEndpoint()).LastModifiedTime!;
    };
    let t0 = await retain("c2");
    advance(60);
    expect(pendingStatus(await describeEndpoint(), t0)?.[1]).toBe("Activating traffic on canary capacity of 1 instance(s).");
    advance(80); // 60 + 10 + 60 + 10 + 0 = 140 s
    expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2", LastDeploymentConfig: canary([], 60, 0) });

    t0 = await update(canary([], 30, 0), "c3");
    advance(110); // 60 + 10 + 30 + 10
    t0 = await retain("c1");
    advance(70);
    expect(pendingStatus(await describeEndpoint(), t0)?.[1]).toBe("Baking for 30 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).");
    advance(40);

    t0 = await update(undefined, "c2");
    const plain = await describeEndpoint();
    expect(plain.LastDeploymentConfig).toBeUndefined();
    advance(60);
    expect(pendingStatus(await describeEndpoint(), t0)?.[1]).toBe("Activating traffic on full capacity of 4 instance(s).");
    advance(10);
    expect(await describeEndpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: "c2" });
  });
});
