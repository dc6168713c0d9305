import { AddTagsCommand, CreateModelPackageCommand, CreateModelPackageGroupCommand, DescribeEndpointConfigCommand, ListTagsCommand } from "@aws-sdk/client-sagemaker";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { BAD, bakes, IMAGE, MODEL, ROLE, useDeployFixture } from "../helpers/deploy";
import { sdkConfig } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

// mlops deploy: every strategy on both engines, and each endpoint type. More in deploy-flow.test.ts.
const { sandbox, sm, env, deploy, endpoint, serving } = useDeployFixture();

describe("mlops deploy: strategies and engines", () => {
  const good: Array<[string, string[]]> = [
    ["guardrails all-at-once", ["--strategy", "all-at-once", "--engine", "guardrails"]],
    ["guardrails canary", ["--strategy", "canary", "--canary-percent", "50", "--engine", "guardrails", "--instance-count", "2"]],
    ["guardrails linear", ["--strategy", "linear", "--linear-step", "50", "--engine", "guardrails", "--instance-count", "2"]],
    ["guardrails blue-green", ["--strategy", "blue-green", "--engine", "guardrails"]],
    ["guardrails rolling", ["--strategy", "rolling", "--linear-step", "50", "--engine", "guardrails", "--instance-count", "2"]],
    ["traffic all-at-once", ["--strategy", "all-at-once", "--engine", "traffic"]],
    ["traffic canary", ["--strategy", "canary", "--engine", "traffic"]],
    ["traffic linear", ["--strategy", "linear", "--linear-step", "50", "--engine", "traffic"]],
    ["traffic blue-green", ["--strategy", "blue-green", "--engine", "traffic"]],
  ];

  it.each(good)("%s ends serving the new config", async (_name, args) => {
    const old = await serving(args.includes("--instance-count") ? ["--instance-count", "2"] : []);
    const r = await deploy(["--env", "VERSION=2", "--auto-alarms", ...bakes, ...args, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = parseJson("deploy", r.stdout);
    expect(report).toMatchObject({ endpoint: "churn", outcome: "deployed", previousEndpointConfig: old, failureReason: null });
    expect(report.engine).toBe(args[args.indexOf("--engine") + 1]);
    const now = await endpoint();
    expect(now).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: report.endpointConfig });
    expect(now.EndpointConfigName).not.toBe(old);
    // The old config stays as the rollback target; the mix config of the traffic engine is gone.
    const tags = (await sm().send(new ListTagsCommand({ ResourceArn: now.EndpointArn }))).Tags!;
    expect(tags).toContainEqual({ Key: "mlops:previous-config", Value: old });
    await expect(sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: old }))).resolves.toBeTruthy();
  });

  const bad: Array<[string, string[]]> = [
    ["guardrails canary", ["--strategy", "canary", "--canary-percent", "50", "--engine", "guardrails", "--instance-count", "2"]],
    ["guardrails linear", ["--strategy", "linear", "--linear-step", "50", "--engine", "guardrails", "--instance-count", "2"]],
    ["guardrails blue-green", ["--strategy", "blue-green", "--engine", "guardrails"]],
    ["traffic canary", ["--strategy", "canary", "--engine", "traffic"]],
    ["traffic linear", ["--strategy", "linear", "--linear-step", "50", "--engine", "traffic"]],
    ["traffic blue-green", ["--strategy", "blue-green", "--engine", "traffic"]],
  ];

  it.each(bad)("%s with a bad model is rolled back by its alarm: exit 3, the old config serves", async (_name, args) => {
    const old = await serving(args.includes("--instance-count") ? ["--instance-count", "2"] : []);
    const r = await deploy([...BAD, ...bakes, ...args, "--json"]);
    expect(r.code, r.stderr).toBe(3);
    const report = parseJson("deploy", r.stdout);
    // The alarm is this rollout's own: named with its id, and gone once the rollout ended.
    const alarm = `mlops-churn-${report.rolloutId}-5xx-rate`;
    expect(report).toMatchObject({ outcome: "rolled-back", endpointConfig: old, firedAlarm: alarm });
    expect(report.failureReason).toContain(alarm);
    expect(report.alarms).toContainEqual({ name: alarm, state: "ALARM" });
    // Measured from the alarm entering ALARM to the traffic being safe: the sandbox takes time to
    // move weights or roll back, so it is more than 0, and it falls within the deploy's own time.
    expect(report.rollbackReactionSeconds).toBeGreaterThan(0);
    expect(report.rollbackReactionSeconds).toBeLessThan(report.durationSeconds);
    expect(Date.parse(report.firedAlarmAt)).toBeGreaterThan(0);
    expect(await endpoint()).toMatchObject({ EndpointStatus: "InService", EndpointConfigName: old });
    expect(r.stderr).toContain(`rolled back because ${alarm} went into ALARM`);
    const left = await new CloudWatchClient(sdkConfig(sandbox.current)).send(new DescribeAlarmsCommand({ AlarmNamePrefix: "mlops-churn-" }));
    expect(left.MetricAlarms).toEqual([]);
    // The endpoint keeps its variant name whichever engine ran.
    expect((await endpoint()).ProductionVariants?.map((v) => v.VariantName)).toEqual(["AllTraffic"]);
  });

  it("refuses rolling on the traffic engine, and a guardrails canary on a single instance", async () => {
    await serving();
    const rolling = await deploy(["--strategy", "rolling", "--engine", "traffic"]);
    expect(rolling.code).toBe(2);
    expect(rolling.stderr).toContain("--strategy rolling is a SageMaker guardrails strategy");
    const tiny = await deploy(["--strategy", "canary", "--engine", "guardrails"]);
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toContain("SageMaker needs at least 2 instances for a canary");
  });

  it("without --engine, a canary on one instance runs on the traffic engine and says why", async () => {
    await serving();
    const r = await deploy(["--env", "VERSION=2", ...bakes, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "deployed", engine: "traffic", strategy: "canary" });
    expect(r.stderr).toContain("mlops shifts traffic between variants itself instead");
  });
});

describe("mlops deploy: endpoint types", () => {
  it("serverless: created, updated, and a bad version rolled back after its watch window alarm", async () => {
    const serverless = ["--type", "serverless", "--memory-mb", "2048", "--max-concurrency", "5"];
    const first = await serving(serverless);
    const good = await deploy([...serverless, "--env", "VERSION=2", "--auto-alarms", ...bakes, "--json"]);
    expect(good.code, good.stderr).toBe(0);
    const report = parseJson("deploy", good.stdout);
    expect(report).toMatchObject({ outcome: "deployed", engine: "traffic", previousEndpointConfig: first });
    const live = await endpoint();
    expect(live.ProductionVariants?.[0]?.CurrentServerlessConfig).toMatchObject({ MemorySizeInMB: 2048, MaxConcurrency: 5 });
    const bad = await deploy([...serverless, ...BAD, ...bakes, "--json"]);
    expect(bad.code, bad.stderr).toBe(3);
    expect(parseJson("deploy", bad.stdout)).toMatchObject({ outcome: "rolled-back", endpointConfig: report.endpointConfig, firedAlarm: expect.stringMatching(/^mlops-churn-r\w+-5xx-rate$/) });
    expect((await endpoint()).EndpointConfigName).toBe(report.endpointConfig);
  });

  it("serverless refuses guardrails and a real-time endpoint cannot become serverless", async () => {
    await serving();
    const r = await deploy(["--type", "serverless"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot turn an endpoint with instances (realtime) into a serverless one");
    const s = await runCli(["deploy", "--endpoint", "other", "--image", IMAGE, "--model-data", MODEL, "--role-arn", ROLE, "--type", "serverless", "--engine", "guardrails"], { env: env() });
    expect(s.code).toBe(0);
    const again = await runCli(["deploy", "--endpoint", "other", "--image", IMAGE, "--model-data", MODEL, "--type", "serverless", "--engine", "guardrails", "--env", "V=2"], { env: env() });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("do not support serverless endpoints");
  });

  it("asynchronous: created with an output location, updated with a guardrails canary and async alarms", async () => {
    const asyncArgs = ["--type", "async", "--async-output", "s3://models/async-out/", "--instance-count", "2"];
    const first = await serving(asyncArgs);
    const config = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: first }));
    expect(config.AsyncInferenceConfig).toEqual({ OutputConfig: { S3OutputPath: "s3://models/async-out/" } });
    const r = await deploy([...asyncArgs, "--env", "VERSION=2", "--auto-alarms", "--canary-percent", "50", ...bakes, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "deployed", engine: "guardrails" });
    const dry = parseJson("deploy", (await deploy([...asyncArgs, "--env", "VERSION=3", "--auto-alarms", "--canary-percent", "50", ...bakes, "--dry-run", "--json"])).stdout);
    const created = dry.plan.filter((c: { operation: string }) => c.operation === "cloudwatch:PutMetricAlarm").map((c: { detail: string }) => c.detail.split(" ")[0]);
    expect(created).toEqual([expect.stringMatching(/^AlarmName=mlops-churn-r\w+-failure-rate$/), expect.stringMatching(/^AlarmName=mlops-churn-r\w+-processing-time$/), expect.stringMatching(/^AlarmName=mlops-churn-r\w+-abort$/)]);
    // The alarms belonged to the rollout: they were removed when it ended.
    const alarms = await new CloudWatchClient(sdkConfig(sandbox.current)).send(new DescribeAlarmsCommand({ AlarmNamePrefix: "mlops-churn-" }));
    expect(alarms.MetricAlarms).toEqual([]);
  });

  it("--env beside a registered version's own environment: the dry run shows it, and a key set in both is warned about", async () => {
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn-models" }));
    await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn-models", ModelApprovalStatus: "Approved", InferenceSpecification: { Containers: [{ Image: IMAGE, ModelDataUrl: MODEL, Environment: { LOG_LEVEL: "info" } }] } }));
    const r = await runCli(["deploy", "--endpoint", "churn", "--model-package", "churn-models@latest-approved", "--role-arn", ROLE, "--env", "LOG_LEVEL=debug", "--env", "WORKERS=2", "--dry-run", "--json"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("deploy", r.stdout);
    expect(doc.plan[0]).toMatchObject({ operation: "sagemaker:CreateModel", detail: expect.stringContaining("Environment=LOG_LEVEL,WORKERS") });
    expect(doc.notes).toContainEqual({ level: "warning", message: "--env LOG_LEVEL: also set in churn-models/1's own environment; AWS does not document which value the container gets" });
  });

  it("an endpoint's type is fixed: async ↔ real-time is refused before any change, as SageMaker refuses it on update", async () => {
    const asyncArgs = ["--type", "async", "--async-output", "s3://models/async-out/"];
    const noOutput = await deploy(["--role-arn", ROLE, "--type", "async"]);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain("--async-output is required for an asynchronous endpoint");
    await serving(asyncArgs);
    const seq = sandbox.current.requestLog.lastSeq;
    const toRealtime = await deploy(["--type", "realtime", "--env", "V=2"]);
    expect(toRealtime.code).toBe(2);
    expect(toRealtime.stderr).toContain("--type realtime: churn is an asynchronous endpoint, and SageMaker cannot remove AsyncInferenceConfig from an endpoint on update");
    expect(toRealtime.stderr).toContain("--endpoint churn-realtime");
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
    // Without --type the endpoint keeps its own type.
    expect((await deploy(["--env", "V=2", ...bakes])).code).toBe(0);

    await runCli(["deploy", "--endpoint", "rt", "--image", IMAGE, "--model-data", MODEL, "--role-arn", ROLE], { env: env() });
    const before = sandbox.current.requestLog.lastSeq;
    const toAsync = await runCli(["deploy", "--endpoint", "rt", "--image", IMAGE, "--model-data", MODEL, ...asyncArgs, "--env", "V=2"], { env: env() });
    expect(toAsync.code).toBe(2);
    expect(toAsync.stderr).toContain("rt is a real-time endpoint, and SageMaker cannot add AsyncInferenceConfig to an endpoint on update");
    expect(sandbox.current.requestLog.mutatingCalls({ since: before })).toEqual([]);
  });

  it("the rollout record must fit in the endpoint's 50 tags beside the user's own: checked before any change", async () => {
    await serving();
    const arn = (await endpoint()).EndpointArn!;
    const tags = Array.from({ length: 18 }, (_, i) => ({ Key: `team:${i}`, Value: "x" }));
    await sm().send(new AddTagsCommand({ ResourceArn: arn, Tags: tags }));
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await deploy(["--env", "V=2"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/churn has \d+ tags of its own; the rollout's record needs \d+ more and SageMaker allows 50/);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });

  it("deploys a registered version by reference, and refuses one that is not approved (exit 4)", async () => {
    const client = sm();
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn-models" }));
    for (const status of ["Approved", "PendingManualApproval"] as const) {
      await client.send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn-models", ModelApprovalStatus: status, InferenceSpecification: { Containers: [{ Image: IMAGE, ModelDataUrl: MODEL }] } }));
    }
    const pending = await runCli(["deploy", "--endpoint", "churn", "--model-package", "churn-models@latest", "--role-arn", ROLE], { env: env() });
    expect(pending.code).toBe(4);
    expect(pending.stderr).toContain("churn-models/2 is PendingManualApproval: only approved versions can be deployed");
    expect(sandbox.current.requestLog.mutatingCalls().filter((e) => e.service === "sagemaker" && e.operation !== "CreateModelPackage" && e.operation !== "CreateModelPackageGroup")).toEqual([]);
    const approved = await runCli(["deploy", "--endpoint", "churn", "--model-package", "churn-models@latest-approved", "--role-arn", ROLE, "--json"], { env: env() });
    expect(approved.code, approved.stderr).toBe(0);
    expect(parseJson("deploy", approved.stdout)).toMatchObject({ outcome: "created", modelPackageArn: "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn-models/1" });
  });
});
