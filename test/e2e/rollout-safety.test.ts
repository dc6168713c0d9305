import { DescribeAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { DeleteEndpointConfigCommand, DescribeEndpointConfigCommand, DescribeModelCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { BAD, IMAGE, MODEL, ROLE, useRolloutSandbox } from "../helpers/rollout";
import { parseJson } from "../helpers/schemas";

/**
 * The rollout promise under the faults users meet (issue 8): whatever happens, mlops owns what it
 * makes, any later command finishes what an earlier one started, and no bad version ships with
 * exit 0. The built CLI against a sandbox whose clock runs 500 times faster.
 */
const { sandbox, sm, cw, mlops, deploy, spawnDeploy, endpoint, tagsOf, configNames, alarmNames, serving, settlesOn } = useRolloutSandbox();

const teamAlarm = (name: string, variant: string) =>
  cw().send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: "AWS/SageMaker",
      MetricName: "Invocation5XXErrors",
      Statistic: "Average",
      Dimensions: [
        { Name: "EndpointName", Value: "churn" },
        { Name: "VariantName", Value: variant },
      ],
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 0.1,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    }),
  );

describe("ownership", () => {
  it("two endpoints whose names share 54 characters both keep serving after repeated deploys to one", async () => {
    const a = "recommendation-ranking-model-eu-central-production-blue-grn-x";
    const b = "recommendation-ranking-model-eu-central-production-blue-varnt-x";
    await serving([], a);
    await serving([], b);
    for (const version of ["2", "3", "2"]) {
      const r = await deploy(["--env", `V=${version}`, "--strategy", "all-at-once", "--engine", "guardrails"], a);
      expect(r.code, r.stderr).toBe(0);
    }
    const next = await deploy(["--env", "V=4", "--strategy", "all-at-once", "--engine", "guardrails", "--json"], b);
    expect(next.code, next.stderr).toBe(0);
    for (const name of [a, b]) {
      const live = await endpoint(name);
      expect(live.EndpointStatus).toBe("InService");
      const config = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: live.EndpointConfigName }));
      await expect(sm().send(new DescribeModelCommand({ ModelName: config.ProductionVariants![0]!.ModelName }))).resolves.toBeTruthy();
      expect((await tagsOf(config.EndpointConfigArn!))["mlops:endpoint"]).toBe(name);
    }
  });
});

describe("the variant name stays", () => {
  it("a 50 %-error version under a team alarm on VariantName=AllTraffic is rolled back after a traffic-engine rollout (exit 3)", async () => {
    await serving();
    const good = await deploy(["--env", "V=2", "--engine", "traffic", "--bake", "60", "--final-bake", "60", "--json"]);
    expect(good.code, good.stderr).toBe(0);
    const kept = parseJson("deploy", good.stdout).endpointConfig;
    expect((await endpoint()).ProductionVariants?.map((v) => v.VariantName)).toEqual(["AllTraffic"]);
    await teamAlarm("team-alarm", "AllTraffic");
    const bad = await deploy([...BAD, "--alarm", "team-alarm", "--engine", "traffic", "--bake", "600", "--final-bake", "60", "--json"]);
    expect(bad.code, bad.stderr).toBe(3);
    const report = parseJson("deploy", bad.stdout);
    expect(report).toMatchObject({ outcome: "rolled-back", endpointConfig: kept, firedAlarm: `mlops-churn-${report.rolloutId}-copy-team-alarm` });
    expect(bad.stderr).toContain("--alarm team-alarm watches VariantName=AllTraffic, which carries the old version until the last step");
    // The team's own alarm stays; the rollout's copy went with the rollout.
    expect(await alarmNames("")).toEqual(["team-alarm"]);
    await settlesOn(kept);
  });

  it("refuses an alarm on a variant the endpoint does not have, naming the dimension; nothing changes", async () => {
    await serving();
    await teamAlarm("stale-alarm", "v-1234abcd");
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await deploy(["--env", "V=2", "--alarm", "stale-alarm"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--alarm stale-alarm watches VariantName=v-1234abcd, a variant churn does not have (it has: AllTraffic)");
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });

  it("traffic v2, then guardrails v1, then traffic v2 again", async () => {
    await serving();
    const steps: Array<[string, string]> = [
      ["V=2", "traffic"],
      ["V=1", "guardrails"],
      ["V=2", "traffic"],
    ];
    for (const [version, engine] of steps) {
      const r = await deploy(["--env", version, "--engine", engine, "--strategy", engine === "traffic" ? "canary" : "all-at-once", "--bake", "60", "--final-bake", "60", "--json"]);
      expect(r.code, `${version} on ${engine}: ${r.stderr}`).toBe(0);
      expect(parseJson("deploy", r.stdout).outcome).toBe("deployed");
    }
    expect((await endpoint()).ProductionVariants?.map((v) => v.VariantName)).toEqual(["AllTraffic"]);
  });
});

describe("concurrent deploys", () => {
  it("a bad version racing a good one never ends deployed with exit 0", async () => {
    await serving();
    // Slow UpdateEndpoint calls widen the window in which both deploys prepare at once.
    sandbox.current.faults.set([{ service: "sagemaker", operation: "UpdateEndpoint", latencyMs: 1500 }]);
    // Each 1.5 s of latency is 750 s of sandbox time: a long --timeout keeps the outcomes to the point.
    const bad = deploy([...BAD, "--auto-alarms", "--engine", "traffic", "--bake", "600", "--timeout", "6h", "--json"]);
    await new Promise((r) => setTimeout(r, 150));
    const good = deploy(["--env", "V=2", "--auto-alarms", "--engine", "traffic", "--bake", "60", "--final-bake", "60", "--timeout", "6h", "--json"]);
    const [b, g] = await Promise.all([bad, good]);
    sandbox.current.faults.clear();
    // The bad version is refused (1: the endpoint was taken) or rolled back (3), never deployed.
    expect([1, 3], b.stderr).toContain(b.code);
    // Whatever each said, the endpoint settles on configs that exist, and the bad model takes no traffic.
    let final = await endpoint();
    for (let i = 0; i < 500 && (final.EndpointStatus !== "InService" || final.PendingDeploymentSummary); i++) {
      await new Promise((r) => setTimeout(r, 20));
      final = await endpoint();
    }
    const config = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: final.EndpointConfigName }));
    for (const variant of config.ProductionVariants ?? []) {
      const weight = final.ProductionVariants?.find((v) => v.VariantName === variant.VariantName)?.CurrentWeight ?? 0;
      const model = await sm().send(new DescribeModelCommand({ ModelName: variant.ModelName }));
      if (weight > 0) expect(model.PrimaryContainer?.Environment?.MLOPS_SANDBOX_ERROR_RATE).toBeUndefined();
    }
    if (g.code === 0) expect(final.EndpointConfigName).toBe(parseJson("deploy", g.stdout).endpointConfig);
  });
});

describe("any later command finishes what an earlier one started", () => {
  it("deploy --no-wait, then status: rollback goes back to the config that served before the no-wait deploy", async () => {
    await serving();
    const second = parseJson("deploy", (await deploy(["--env", "V=2", "--strategy", "all-at-once", "--engine", "guardrails", "--json"])).stdout).endpointConfig;
    const started = await deploy(["--env", "V=3", "--strategy", "all-at-once", "--engine", "guardrails", "--no-wait", "--json"]);
    expect(parseJson("deploy", started.stdout)).toMatchObject({ outcome: "started" });
    const third = parseJson("deploy", started.stdout).endpointConfig;
    await settlesOn(third);
    const status = await mlops(["status", "--endpoint", "churn", "--json"]);
    expect(parseJson("status", status.stdout)).toMatchObject({ endpointConfig: third, previousEndpointConfig: second, reconciled: { outcome: "deployed", previousEndpointConfig: second } });
    expect(status.stderr).toMatch(/rollout r\w+ on churn was deployed .*ended while nobody watched/);
    const back = await mlops(["rollback", "--endpoint", "churn", "--yes", "--json"]);
    expect(back.code, back.stderr).toBe(0);
    expect(parseJson("rollback", back.stdout)).toMatchObject({ endpointConfig: second, previousEndpointConfig: third });

    // rollback --no-wait is a rollout too: once booked, the next rollback returns exactly one step.
    const again = await mlops(["rollback", "--endpoint", "churn", "--yes", "--no-wait", "--json"]);
    expect(parseJson("rollback", again.stdout)).toMatchObject({ outcome: "started", endpointConfig: third });
    await settlesOn(third);
    expect(parseJson("status", (await mlops(["status", "--endpoint", "churn", "--json"])).stdout)).toMatchObject({ endpointConfig: third, previousEndpointConfig: second });
  });

  it("a deploy killed mid-way (a CI job killed) is booked by the next command", async () => {
    const first = await serving(["--instance-count", "2"]);
    const run = spawnDeploy(["--env", "V=2", "--engine", "guardrails", "--instance-count", "2", "--canary-percent", "50", "--bake", "600", "--final-bake", "60", "--auto-alarms"]);
    await run.waitFor("stderr", /baking · 50% on the new version/, 30_000);
    run.child.kill("SIGKILL");
    await run.exited;
    const config = (await endpoint()).PendingDeploymentSummary?.EndpointConfigName;
    expect(config).toBeTruthy();
    await settlesOn(config!);
    const status = parseJson("status", (await mlops(["status", "--endpoint", "churn", "--json"])).stdout);
    expect(status).toMatchObject({ previousEndpointConfig: first, reconciled: { outcome: "deployed" }, rollout: { phase: "done", finished: true } });
    // Its alarms were the rollout's own: booked with it.
    expect(await alarmNames()).toEqual([]);
  });

  it("promote of a rollout whose driver was killed reads its alarms first: a bad version is rolled back (exit 3)", async () => {
    // The driver must be gone before the bad version's alarm fires (about a minute of sandbox time
    // after the traffic reaches it): at ×50 that is over a second away, whatever the machine's load.
    sandbox.current.clock.setScale(50);
    try {
      const old = await serving();
      const run = spawnDeploy([...BAD, "--auto-alarms", "--engine", "traffic", "--bake", "60", "--final-bake", "3600"]);
      await run.waitFor("stderr", /baking · 100% on the new version/, 60_000);
      run.child.kill("SIGKILL");
      await run.exited;
      sandbox.current.clock.setScale(500);
      // Nobody drives the rollout now; its alarm fires on its own, then promote is asked to finish it.
      for (let i = 0; i < 300; i++) {
        const { MetricAlarms } = await cw().send(new DescribeAlarmsCommand({ AlarmNamePrefix: "mlops-churn-", StateValue: "ALARM" }));
        if (MetricAlarms?.some((a) => a.AlarmName?.endsWith("-5xx-rate"))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const promoted = await mlops(["promote", "--endpoint", "churn", "--json"]);
      expect(promoted.code, promoted.stderr).toBe(3);
      expect(parseJson("promote", promoted.stdout)).toMatchObject({ outcome: "rolled-back", endpointConfig: old, firedAlarm: expect.stringMatching(/-5xx-rate$/) });
      await settlesOn(old);
    } finally {
      sandbox.current.clock.setScale(500);
    }
  });

  it("a traffic start that fails half-way removes what it made and leaves the next deploy free", async () => {
    const old = await serving();
    sandbox.current.faults.set([{ service: "sagemaker", operation: "UpdateEndpoint", error: 1 }]);
    const failed = await deploy(["--env", "V=2", "--engine", "traffic", "--auto-alarms", "--json"]);
    sandbox.current.faults.clear();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/removed what this deploy had made: alarm mlops-churn-r\w+-5xx-rate, alarm .*endpoint config churn-mix-\w+, endpoint config churn-\w+, model churn-\w+; churn was not changed/);
    expect(await configNames()).toEqual([old]);
    expect(await alarmNames()).toEqual([]);
    // The record still tells of the creation, booked: the failed start left none of its own.
    expect(parseJson("status", (await mlops(["status", "--endpoint", "churn", "--json"])).stdout).rollout).toMatchObject({ engine: "create", phase: "done", finished: true });
    const next = await deploy(["--env", "V=2", "--engine", "traffic", "--bake", "60", "--final-bake", "60", "--json"]);
    expect(next.code, next.stderr).toBe(0);
  });

  it("with the serving config deleted outside mlops: deploy needs and takes the values; status and rollback say what is missing", async () => {
    const old = await serving(["--instance-count", "2"]);
    await sm().send(new DeleteEndpointConfigCommand({ EndpointConfigName: old }));
    const vague = await deploy(["--env", "V=2"]);
    expect(vague.code).toBe(2);
    expect(vague.stderr).toContain(`--instance-type and --role-arn are required: the serving config ${old} of churn no longer exists`);
    const oneInstance = await deploy(["--env", "V=2", "--instance-type", "ml.m5.large", "--instance-count", "1", "--role-arn", ROLE]);
    expect(oneInstance.code).toBe(2);
    expect(oneInstance.stderr).toContain("the traffic engine needs it");
    const r = await deploy(["--env", "V=2", "--instance-type", "ml.m5.large", "--instance-count", "2", "--role-arn", ROLE, "--bake", "60", "--final-bake", "60", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "deployed", engine: "guardrails" });
    const status = parseJson("status", (await mlops(["status", "--endpoint", "churn", "--json"])).stdout);
    expect(status).toMatchObject({ previousEndpointConfig: old, previousEndpointConfigMissing: true });
    const back = await mlops(["rollback", "--endpoint", "churn", "--yes"]);
    expect(back.code).toBe(1);
    expect(back.stderr).toContain(`the way back from ${parseJson("deploy", r.stdout).endpointConfig}, ${old}, no longer exists: it was deleted outside mlops`);
    expect(back.stderr).not.toContain("--to:");
  });
});

describe("Ctrl-C and signals", () => {
  it("Ctrl-C on the traffic engine: the outcome comes last and names what stays; the next command removes it", async () => {
    const old = await serving();
    const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--auto-alarms", "--bake", "3600"]);
    await run.waitFor("stderr", /baking · 10% on the new version/, 30_000);
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(130);
    const lines = run.output.stderr.trim().split("\n");
    const outcome = lines.findIndex((l) => l.startsWith("error: interrupted: all traffic is back on the old version"));
    expect(outcome, run.output.stderr).toBeGreaterThan(lines.findIndex((l) => l.startsWith("Changes made before stopping")));
    expect(lines.slice(outcome + 1).every((l) => l.startsWith("hint:"))).toBe(true);
    expect(lines[outcome]).toMatch(/removes churn-mix-\w+ and churn-\w+, their model and the rollout's alarms/);
    // Repeated calls fold into one line each.
    expect(run.output.stderr.match(/^ {2}sagemaker:AddTags/gm)?.length).toBe(1);
    await settlesOn(old);
    const status = await mlops(["status", "--endpoint", "churn", "--json"]);
    expect(parseJson("status", status.stdout).reconciled).toMatchObject({ outcome: "interrupted" });
    expect(await configNames()).toEqual([old]);
    expect(await alarmNames()).toEqual([]);
  });

  it("Ctrl-C then SIGTERM 5 ms apart (as CI runners send): the traffic still goes back, and the record says so", async () => {
    const old = await serving();
    const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--bake", "3600"]);
    await run.waitFor("stderr", /baking · 10% on the new version/, 30_000);
    run.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 5));
    run.child.kill("SIGTERM");
    expect((await run.exited).code).toBe(130);
    expect(run.output.stderr).toContain("still stopping safely");
    expect(run.output.stderr).toContain("interrupted: all traffic is back on the old version");
    const live = await endpoint();
    const shifted = live.ProductionVariants?.find((v) => v.VariantName?.startsWith("mlops-"));
    if (shifted) expect(shifted).toMatchObject({ CurrentWeight: 0, DesiredWeight: 0 });
    expect((await tagsOf(live.EndpointArn!))["mlops:rollout:phase"]).toBe("interrupted");
    await settlesOn(old);
  });

  it("a third signal leaves at once, saying what the run changed and how to find what remains", async () => {
    await serving();
    const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--bake", "3600"]);
    await run.waitFor("stderr", /baking · 10% on the new version/, 30_000);
    // Slow the way back down, so that the signals land while it is under way.
    sandbox.current.faults.set([{ service: "sagemaker", operation: "*", latencyMs: 300 }]);
    for (const signal of ["SIGINT", "SIGTERM", "SIGINT"] as const) {
      run.child.kill(signal);
      await new Promise((r) => setTimeout(r, 20));
    }
    const exit = await run.exited;
    sandbox.current.faults.clear();
    expect(exit.code).toBe(130);
    expect(run.output.stderr).toContain("still stopping safely");
    expect(run.output.stderr).toMatch(/error: left at once, before putting things back; changes made:\n {2}sagemaker:/);
    expect(run.output.stderr).toContain("any later mlops command on the endpoint finishes what it can");
  });

  it("Ctrl-C before the endpoint was taken removes what the deploy had made", async () => {
    const old = await serving();
    sandbox.current.faults.set([{ service: "cloudwatch", operation: "PutMetricAlarm", latencyMs: 800 }]);
    const seq = sandbox.current.requestLog.lastSeq;
    const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--auto-alarms"]);
    for (let i = 0; i < 500 && !sandbox.current.requestLog.entries({ since: seq, operation: "CreateEndpointConfig" }).length; i++) await new Promise((r) => setTimeout(r, 10));
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(130);
    sandbox.current.faults.clear();
    expect(run.output.stderr).toMatch(/interrupted before churn was changed; removed what this deploy had made: .*endpoint config churn-/);
    expect(await configNames()).toEqual([old]);
    expect(await alarmNames()).toEqual([]);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq }).some((e) => e.operation === "UpdateEndpoint")).toBe(false);
  });
});

describe("throttling is not failure", () => {
  it("3 seconds of throttled DescribeAlarms and ListTags during a bake do not change the outcome", async () => {
    await serving();
    // One attempt per call: mlops's own back-off is what is tested, not the SDK's retries.
    const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--auto-alarms", "--bake", "3000", "--final-bake", "60", "--json"], "churn", { AWS_MAX_ATTEMPTS: "1" });
    await run.waitFor("stderr", /baking · 10% on the new version/, 30_000);
    const seq = sandbox.current.requestLog.lastSeq;
    sandbox.current.faults.set([
      { service: "cloudwatch", operation: "DescribeAlarms", throttle: 1 },
      { service: "sagemaker", operation: "ListTags", throttle: 1 },
    ]);
    await new Promise((r) => setTimeout(r, 3000));
    sandbox.current.faults.clear();
    const exit = await run.exited;
    expect(exit.code, run.output.stderr).toBe(0);
    expect(parseJson("deploy", run.output.stdout)).toMatchObject({ outcome: "deployed" });
    expect(run.output.stderr).toContain("AWS is throttling");
    expect(sandbox.current.requestLog.entries({ since: seq }).filter((e) => e.fault === "throttle").length).toBeGreaterThan(3);
  });
});

describe("booking never changes an outcome", () => {
  it("a deploy whose cleanup AWS keeps throttling reports what it saw (deployed, exit 0); the next command books it", async () => {
    await serving();
    sandbox.current.faults.set([{ service: "cloudwatch", operation: "DeleteAlarms", throttle: 1 }]);
    const r = await mlops(["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, "--env", "V=2", "--engine", "traffic", "--auto-alarms", "--bake", "60", "--final-bake", "60", "--json"], 60_000, { AWS_MAX_ATTEMPTS: "1" });
    sandbox.current.faults.clear();
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "deployed", notes: expect.arrayContaining([{ level: "warning", message: expect.stringContaining("the next mlops command on churn books it") }]) });
    expect(r.stderr).toContain("booking the ending failed for now");
    expect((await alarmNames()).length).toBe(2);
    const status = parseJson("status", (await mlops(["status", "--endpoint", "churn", "--json"])).stdout);
    expect(status).toMatchObject({ reconciled: { outcome: "deployed" }, rollout: { finished: true } });
    expect(await alarmNames()).toEqual([]);
  });
});

describe("too late to abort", () => {
  it("an abort while a traffic rollout makes the new version the only one is refused; the deploy stands", async () => {
    await serving();
    // At 20× the final update takes 3 s of real time: long enough to abort in the middle of it.
    sandbox.current.clock.setScale(20);
    try {
      const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--bake", "0", "--final-bake", "0", "--json"]);
      await run.waitFor("stderr", /moving to the new version alone/, 30_000);
      const aborted = await mlops(["abort", "--endpoint", "churn"]);
      expect(aborted.code).toBe(1);
      expect(aborted.stderr).toMatch(/too late to abort|ended before/);
      const exit = await run.exited;
      expect(exit.code, run.output.stderr).toBe(0);
      const deployed = parseJson("deploy", run.output.stdout);
      expect(deployed.outcome).toBe("deployed");
      await settlesOn(deployed.endpointConfig);
      const status = parseJson("status", (await mlops(["status", "--endpoint", "churn", "--json"])).stdout);
      expect(status).toMatchObject({ endpointConfig: deployed.endpointConfig, previousEndpointConfigMissing: false, rollout: { phase: "done", finished: true } });
    } finally {
      sandbox.current.clock.setScale(500);
    }
  });
});

describe("a throttled driver is still the driver", () => {
  it("abort from another shell reaches a paused driver whose alarm reads are throttled; only it drives", async () => {
    const old = await serving();
    // The SDK's own retries wait in real time: at 500× they would pass for minutes of sandbox
    // time. At 20× a real second is 20 sandbox seconds, closer to what a driver meets on AWS.
    sandbox.current.clock.setScale(20);
    try {
      const single = { AWS_MAX_ATTEMPTS: "1" };
      const run = spawnDeploy(["--env", "V=2", "--engine", "traffic", "--auto-alarms", "--pause", "--bake", "300", "--final-bake", "300", "--json"], "churn", single);
      await run.waitFor("stderr", /paused: waiting for `mlops promote`/, 30_000);
      sandbox.current.faults.set([{ service: "cloudwatch", operation: "DescribeAlarms", throttle: 1 }]);
      const aborted = await mlops(["abort", "--endpoint", "churn", "--json"], 60_000, single);
      sandbox.current.faults.clear();
      expect(aborted.code, aborted.stderr).toBe(0);
      expect(parseJson("abort", aborted.stdout)).toMatchObject({ command: "abort", acceptedBy: "the process driving the rollout" });
      expect(aborted.stderr).not.toContain("taking the rollout over");
      const exit = await run.exited;
      expect(exit.code, run.output.stderr).toBe(3);
      expect(parseJson("deploy", run.output.stdout)).toMatchObject({ outcome: "rolled-back", failureReason: "aborted by `mlops abort`" });
      await settlesOn(old);
    } finally {
      sandbox.current.clock.setScale(500);
    }
  });
});

describe("honest plans", () => {
  it("a serverless canary reports what ran: all at once, then a watch", async () => {
    const serverless = ["--type", "serverless", "--memory-mb", "2048", "--max-concurrency", "5"];
    await serving(serverless);
    const r = await deploy([...serverless, "--env", "V=2", "--bake", "60", "--final-bake", "60", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "deployed", strategy: "all-at-once" });
    expect(r.stderr).toContain("a serverless endpoint holds one variant, so --strategy canary runs as all at once, then a watch of the alarms for 2m");
  });

  it("warns before anything changes when --timeout is shorter than the plan; guardrail steps are stated in whole instances", async () => {
    await serving(["--instance-count", "2"]);
    const r = await deploy(["--env", "V=2", "--engine", "guardrails", "--strategy", "linear", "--linear-step", "20", "--instance-count", "2", "--timeout", "5m", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: --timeout 5m is shorter than this rollout is expected to take on AWS \(about 20m\)/);
    expect(r.stderr).toContain("20 % of 2 instance(s) is 1, so traffic moves in 2 step(s): 50 %, 100 %");
    // The estimate follows the real steps: one launch, two steps, a 5-minute bake and a 5-minute final bake.
    expect(parseJson("deploy", r.stdout).expectedSeconds).toBe(480 + 2 * 60 + 300 + 300);
  });
});
