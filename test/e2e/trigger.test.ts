import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient, CreatePipelineCommand as CreateCodePipelineCommand, ListPipelineExecutionsCommand as ListCodePipelineExecutionsCommand } from "@aws-sdk/client-codepipeline";
import { EventBridgeClient, ListRulesCommand, PutRuleCommand } from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreatePipelineCommand, ListPipelineExecutionsCommand, SageMakerClient, StartPipelineExecutionCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import type { OutputName } from "../../src/schemas/index";
import { cleanEnv, ROOT, runCli } from "../helpers/cli";
import { sampleAlarm, sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";
import { createTopic } from "../helpers/sns";

/**
 * `mlops trigger …` (the built CLI) against the sandbox's EventBridge, S3, SageMaker, CodePipeline,
 * CloudWatch and SNS, on a stopped sandbox clock that only `advance` moves: the events the
 * sandbox's services emit really start pipelines and publish messages through the rules mlops makes.
 */
const sandbox = useSandbox({ trafficRps: 0, timeScale: 1e-6, tickSeconds: 60 });
const env = (extra: Record<string, string | undefined> = {}) => cleanEnv({ ...sandbox.current.env(), ...extra });
const config = (extra: Record<string, unknown> = {}) => sdkConfig(sandbox.current, { maxAttempts: 1, ...extra });
const sm = () => new SageMakerClient(config());
const s3 = () => new S3Client(config({ forcePathStyle: true }));
const eb = () => new EventBridgeClient(config());
const advance = (seconds: number) => sandbox.current.clock.advance(seconds * 1000);

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mlops-trigger`;
const FIXTURE = readFileSync(join(ROOT, "test/fixtures/pipeline.json"), "utf8");
/** The fixture pipeline's whole run in sandbox seconds (see test/sandbox/pipelines.test.ts). */
const WHOLE_RUN = 600;

/** The fixture pipeline, with one more parameter: InputKey. */
async function createPipeline(name: string): Promise<void> {
  const d = JSON.parse(FIXTURE);
  d.Parameters.push({ Name: "InputKey", Type: "String", DefaultValue: "none" });
  await sm().send(new CreatePipelineCommand({ PipelineName: name, PipelineDefinition: JSON.stringify(d), RoleArn: ROLE, ClientRequestToken: `create-${name}`.padEnd(32, "x") }));
}
const executions = async (name: string) => (await sm().send(new ListPipelineExecutionsCommand({ PipelineName: name }))).PipelineExecutionSummaries!;
const ruleNames = async () => ((await eb().send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name);

async function cli(args: string[], expectCode = 0, extra: Record<string, string> = {}) {
  const r = await runCli(args, { env: env(extra), timeoutMs: 30_000 });
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(expectCode);
  return r;
}
async function json(name: OutputName, args: string[], expectCode = 0, extra: Record<string, string> = {}) {
  const r = await cli([...args, "--json"], expectCode, extra);
  return { doc: parseJson(name, r.stdout), stderr: r.stderr };
}

/** The evaluation report the fixture's Condition step reads: ≥ 0.8 succeeds, below fails. */
async function evaluation(accuracy: number): Promise<void> {
  await s3().send(new CreateBucketCommand({ Bucket: "mlops-pipeline-demo" })).catch(() => undefined);
  await s3().send(new PutObjectCommand({ Bucket: "mlops-pipeline-demo", Key: "evaluation/evaluation.json", Body: JSON.stringify({ metrics: { accuracy: { value: accuracy } } }) }));
}

describe("trigger add s3", () => {
  it("a matching upload starts exactly one execution with the key; others start none; the bucket's queue notification survives; re-running changes nothing", async () => {
    await createPipeline("train");
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    const queue = { Id: "audit", QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:audit`, Events: ["s3:ObjectRemoved:*" as const] };
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "raw-data", NotificationConfiguration: { QueueConfigurations: [queue] } }));

    const args = ["trigger", "add", "s3", "--bucket", "raw-data", "--prefix", "data/", "--suffix", ".csv", "--target", "pipeline:train", "--param", "InputKey=$.detail.object.key", "--role-arn", ROLE];
    const { doc } = await json("trigger-add", args);
    expect(doc).toMatchObject({
      action: "created",
      kind: "s3",
      ruleName: expect.stringMatching(/^mlops-s3-[0-9a-f]{10}$/),
      eventPattern: { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: ["raw-data"] }, object: { key: [{ wildcard: "data/*.csv" }] } } },
      target: { short: "pipeline:train", roleArn: ROLE, parameters: [{ name: "InputKey", value: "$.detail.object.key" }] },
      bucketNotifications: { bucket: "raw-data", eventBridge: "enabled", kept: { topics: 0, queues: 1, lambdaFunctions: 0 } },
    });

    for (const key of ["data/x.csv", "data/x.txt", "other/x.csv"]) await s3().send(new PutObjectCommand({ Bucket: "raw-data", Key: key, Body: "a,b\n1,2\n" }));
    expect(await executions("train")).toHaveLength(1);
    expect(sandbox.current.invocations()).toMatchObject([
      { rule: doc.ruleName, status: "Succeeded", operation: "sagemaker:StartPipelineExecution", input: { PipelineName: "train", PipelineParameters: [{ Name: "InputKey", Value: "data/x.csv" }] } },
    ]);
    const notifications = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "raw-data" }));
    expect(notifications.QueueConfigurations).toMatchObject([queue]);
    expect(notifications.EventBridgeConfiguration).toEqual({});

    const seq = sandbox.current.requestLog.lastSeq;
    const again = await json("trigger-add", args);
    expect(again.doc).toMatchObject({ action: "unchanged", ruleName: doc.ruleName, bucketNotifications: { eventBridge: "already enabled" } });
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
    expect(await ruleNames()).toEqual([doc.ruleName]);

    // Another parameter value is the same trigger, updated in place.
    const updated = await json("trigger-add", [...args.slice(0, -4), "--param", "InputKey=$.detail.bucket.name", "--role-arn", ROLE]);
    expect(updated.doc).toMatchObject({ action: "updated", ruleName: doc.ruleName });
    expect(await ruleNames()).toEqual([doc.ruleName]);
  });

  it("list, test (match, no match with the reason) and remove, which leaves nothing behind but the bucket's notifications", async () => {
    await createPipeline("train");
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    const { doc } = await json("trigger-add", ["trigger", "add", "s3", "--bucket", "raw-data", "--prefix", "data/", "--target", "pipeline:train", "--role-arn", ROLE]);
    const name = doc.ruleName as string;

    const list = await json("trigger-list", ["trigger", "list"]);
    expect(list.doc.rules).toMatchObject([{ name, managed: true, kind: "s3", state: "ENABLED", targets: [{ id: "mlops-target", short: "pipeline:train", roleArn: ROLE }] }]);
    const table = await cli(["trigger", "list"]);
    expect(table.stdout).toMatch(new RegExp(`^${name}\\s+s3\\s+ENABLED\\s+S3 Object Created in raw-data, key data/\\*\\s+pipeline:train$`, "m"));

    const match = await json("trigger-test", ["trigger", "test", name, "--sample", "s3"]);
    expect(match.doc).toMatchObject({ matched: true, reasons: [], eventSource: "sample s3", event: { detail: { bucket: { name: "raw-data" }, object: { key: "data/example" } } } });
    const miss = await json("trigger-test", ["trigger", "test", name, "--sample", "s3", "--field", "detail.object.key=other/x.csv"], 1);
    expect(miss.doc).toMatchObject({ matched: false, reasons: ['detail.object.key is "other/x.csv"; the rule wants [{"prefix":"data/"}]'] });
    const proto = await cli(["trigger", "test", name, "--sample", "s3", "--field", "__proto__.hint=x"], 2);
    expect(proto.stderr).toMatch(/--field "__proto__.hint": __proto__ is not a field mlops sets/);
    const human = await cli(["trigger", "test", name, "--sample", "alarm"], 1);
    expect(human.stdout).toMatch(/^no match: rule .* does not match the sample alarm event\n {2}source is "aws.cloudwatch"; the rule wants \["aws.s3"\]/);

    const removed = await json("trigger-remove", ["trigger", "remove", name, "--yes"]);
    expect(removed.doc).toEqual({ ruleName: name, removedTargets: ["mlops-target"], deleted: true });
    expect(await ruleNames()).toEqual([]);
    expect((await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "raw-data" }))).EventBridgeConfiguration).toEqual({});
    await cli(["trigger", "remove", name, "--yes"], 2);
  });
});

describe("trigger add model-approved", () => {
  it("registering a model starts nothing; approving it with `mlops models approve` starts the CodePipeline once", async () => {
    const cp = new CodePipelineClient(config());
    await cp.send(
      new CreateCodePipelineCommand({
        pipeline: {
          name: "churn-release",
          roleArn: ROLE,
          artifactStore: { type: "S3", location: "artifacts" },
          stages: [
            { name: "Source", actions: [{ name: "Source", actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" }, outputArtifacts: [{ name: "src" }], configuration: { S3Bucket: "artifacts", S3ObjectKey: "release.zip" } }] },
            { name: "Deploy", actions: [{ name: "Deploy", actionTypeId: { category: "Deploy", owner: "AWS", provider: "CloudFormation", version: "1" }, inputArtifacts: [{ name: "src" }], configuration: { ActionMode: "CREATE_UPDATE", StackName: "churn" } }] },
          ],
        },
      }),
    );
    const runs = async () => (await cp.send(new ListCodePipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries!.length;
    const { doc, stderr } = await json("trigger-add", ["trigger", "add", "model-approved", "--group", "churn", "--target", "codepipeline:churn-release"], 0, { MLOPS_TRIGGER_ROLE_ARN: ROLE });
    expect(doc).toMatchObject({ action: "created", target: { short: "codepipeline:churn-release", roleArn: ROLE }, eventPattern: { detail: { ModelPackageGroupName: ["churn"], ModelApprovalStatus: ["Approved"] } } });
    expect(stderr).toMatch(/there is no model package group churn yet/);
    const before = await runs();

    await s3().send(new CreateBucketCommand({ Bucket: "models" }));
    await s3().send(new PutObjectCommand({ Bucket: "models", Key: "churn/model.tar.gz", Body: "model" }));
    await cli(["register", "--group", "churn", "--image", `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn:1`, "--model-data", "s3://models/churn/model.tar.gz"]);
    expect(await runs()).toBe(before);
    await cli(["models", "approve", "churn/1", "--reason", "offline eval ok"]);
    expect(await runs()).toBe(before + 1);
    expect(sandbox.current.invocations()).toMatchObject([{ rule: doc.ruleName, status: "Succeeded", operation: "codepipeline:StartPipelineExecution", input: { name: "churn-release" } }]);
    // CodePipeline says who started it: the rule (trigger type CloudWatchEvent), not a caller.
    const newest = (await cp.send(new ListCodePipelineExecutionsCommand({ pipelineName: "churn-release", maxResults: 1 }))).pipelineExecutionSummaries![0]!;
    expect(newest.trigger).toEqual({ triggerType: "CloudWatchEvent", triggerDetail: doc.ruleArn });
  });
});

describe("trigger add schedule, alarm, pipeline-status", () => {
  it("a schedule fires on the sandbox clock at the first of the next run times it printed", async () => {
    await createPipeline("train");
    const { doc } = await json("trigger-add", ["trigger", "add", "schedule", "--cron", "0/30 * * * ? *", "--target", "pipeline:train", "--role-arn", ROLE]);
    expect(doc).toMatchObject({ action: "created", scheduleExpression: "cron(0/30 * * * ? *)", eventPattern: null });
    const runs = (doc.nextRuns as string[]).map((t) => Date.parse(t));
    expect(runs).toHaveLength(3);
    expect(runs.every((t) => new Date(t).getUTCMinutes() % 30 === 0 && t > sandbox.current.clock.now())).toBe(true);
    expect(runs[1]! - runs[0]!).toBe(30 * 60_000);

    // Just before the first run nothing has fired; one tick after it, exactly one execution.
    advance((runs[0]! - sandbox.current.clock.now()) / 1000 - 61);
    expect(await executions("train")).toHaveLength(0);
    advance(121);
    expect(await executions("train")).toHaveLength(1);
    expect(sandbox.current.invocations()).toMatchObject([{ rule: doc.ruleName, status: "Succeeded", operation: "sagemaker:StartPipelineExecution" }]);
  });

  it("an alarm trigger fires when its alarm enters ALARM, not when it returns to OK", async () => {
    await createPipeline("retrain");
    const cw = new CloudWatchClient(config());
    await cw.send(new PutMetricAlarmCommand(sampleAlarm("churn-drift")));
    const { doc } = await json("trigger-add", ["trigger", "add", "alarm", "--alarm", "churn-drift", "--target", "pipeline:retrain", "--role-arn", ROLE]);
    expect(doc.eventPattern).toEqual({ source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: ["churn-drift"], state: { value: ["ALARM"] } } });
    await cw.send(new SetAlarmStateCommand({ AlarmName: "churn-drift", StateValue: "ALARM", StateReason: "drift" }));
    expect(await executions("retrain")).toHaveLength(1);
    await cw.send(new SetAlarmStateCommand({ AlarmName: "churn-drift", StateValue: "OK", StateReason: "back" }));
    expect(await executions("retrain")).toHaveLength(1);
  });

  it("a pipeline-status trigger publishes one readable SNS message when an execution fails and none when one succeeds", async () => {
    await createPipeline("train");
    const topicArn = await createTopic(sandbox.current, "ml-team");
    const { doc, stderr } = await json("trigger-add", ["trigger", "add", "pipeline-status", "--pipeline", "train", "--status", "Failed", "--target", "sns:ml-team"]);
    expect(doc).toMatchObject({ target: { short: "sns:ml-team", roleArn: null }, eventPattern: { detail: { currentPipelineExecutionStatus: ["Failed"] } } });
    expect(stderr).toMatch(/does not let events.amazonaws.com publish/);
    const again = await json("trigger-add", ["trigger", "add", "pipeline-status", "--pipeline", "train", "--status", "Failed", "--target", "sns:ml-team"]);
    expect(again.doc).toMatchObject({ action: "unchanged", ruleName: doc.ruleName });

    const start = (n: string) => sm().send(new StartPipelineExecutionCommand({ PipelineName: "train", ClientRequestToken: `run-${n}`.padEnd(32, "x") }));
    await evaluation(0.5);
    const failed = await start("failed");
    advance(WHOLE_RUN);
    await evaluation(0.95);
    await start("succeeded");
    advance(WHOLE_RUN);
    const statuses = (await executions("train")).map((e) => e.PipelineExecutionStatus).sort();
    expect(statuses).toEqual(["Failed", "Succeeded"]);
    const deliveries = sandbox.current.snsDeliveries({ topicArn });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.message).toMatch(new RegExp(`^SageMaker pipeline execution \\S+: Failed \\(${failed.PipelineExecutionArn}\\)$`));
  });
});

describe("trigger policy and roles", () => {
  it("prints a trust policy and a permission policy scoped to the exact pipeline, and the SNS statement", async () => {
    const { doc } = await json("trigger-policy", ["trigger", "policy", "--target", "pipeline:Train-Model", "--rule", "mlops-s3-abc"]);
    const arn = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train-model`;
    expect(doc).toEqual({
      target: { kind: "sagemaker-pipeline", arn },
      ruleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/mlops-s3-abc`,
      roleNeeded: true,
      trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/mlops-s3-abc` } } }] },
      permissionPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sagemaker:StartPipelineExecution", Resource: arn }] },
      topicPolicyStatement: null,
    });
    const sns = await json("trigger-policy", ["trigger", "policy", "--target", "sns:ml-team"]);
    expect(sns.doc).toMatchObject({ roleNeeded: false, trustPolicy: null, topicPolicyStatement: { Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: `arn:aws:sns:us-east-1:${ACCOUNT}:ml-team`, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } } });
    for (const d of [doc, sns.doc]) expect(JSON.stringify(d)).not.toMatch(/"\*"/);
  });

  it("takes the role from mlops.yaml triggers.roleArn; without any, exits 2 saying what is needed", async () => {
    await createPipeline("train");
    const missing = await cli(["trigger", "add", "schedule", "--rate", "1 day", "--target", "pipeline:train"], 2);
    expect(missing.stderr).toMatch(/a role is needed: EventBridge starts a SageMaker pipeline by assuming an IAM role/);
    expect(missing.stderr).toMatch(/mlops trigger policy --target pipeline:train/);
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "mlops-trigger-"));
    writeFileSync(join(dir, "mlops.yaml"), `triggers:\n  roleArn: ${ROLE}\n`);
    const r = await runCli(["trigger", "add", "schedule", "--rate", "1 day", "--target", "pipeline:train", "--json"], { env: env(), cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("trigger-add", r.stdout)).toMatchObject({ action: "created", target: { roleArn: ROLE }, scheduleExpression: "rate(1 day)" });
  });

  it("--name reused for another kind of trigger updates the rule in place, and its kind tag with it", async () => {
    await createPipeline("train");
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    await json("trigger-add", ["trigger", "add", "s3", "--bucket", "raw-data", "--target", "pipeline:train", "--role-arn", ROLE, "--name", "nightly"]);
    const { doc } = await json("trigger-add", ["trigger", "add", "schedule", "--rate", "1 day", "--target", "pipeline:train", "--role-arn", ROLE, "--name", "nightly"]);
    expect(doc).toMatchObject({ action: "updated", ruleName: "nightly", eventPattern: null, scheduleExpression: "rate(1 day)" });
    expect((await json("trigger-list", ["trigger", "list"])).doc.rules).toMatchObject([{ name: "nightly", kind: "schedule", scheduleExpression: "rate(1 day)", eventPattern: null }]);
  });

  it("leaves rules it did not make alone: add under their name and remove exit 2", async () => {
    await createPipeline("train");
    await eb().send(new PutRuleCommand({ Name: "someone-elses", ScheduleExpression: "rate(1 hour)" }));
    const add = await cli(["trigger", "add", "schedule", "--rate", "1 hour", "--target", "pipeline:train", "--role-arn", ROLE, "--name", "someone-elses"], 2);
    expect(add.stderr).toMatch(/an EventBridge rule named someone-elses exists and mlops did not create it/);
    const remove = await cli(["trigger", "remove", "someone-elses", "--yes"], 2);
    expect(remove.stderr).toMatch(/was not made by mlops/);
    expect(await ruleNames()).toEqual(["someone-elses"]);
    const all = await json("trigger-list", ["trigger", "list", "--all"]);
    expect(all.doc.rules).toMatchObject([{ name: "someone-elses", managed: false, kind: "schedule", targets: [] }]);
    expect((await json("trigger-list", ["trigger", "list"])).doc.rules).toEqual([]);
  });
});

describe("trigger bad input", () => {
  /**
   * [arguments after `trigger add`, what stderr must say]: each exits 2 with no mutating call. One
   * or two per rule: every cron field and rate form is pinned in test/unit/schedule-expression.test.ts.
   */
  const CASES: Array<[string[], RegExp]> = [
    [["schedule", "--cron", "0 3 * * *"], /--cron "0 3 \* \* \*": has 5 fields/],
    [["schedule", "--cron", "61 3 * * ? *"], /minutes "61"/],
    [["schedule", "--cron", "0 3 ? JANUARY MON *"], /month "JANUARY"/],
    [["schedule", "--cron", "0 3 ? * 8 *"], /day-of-week "8"/],
    [["schedule", "--cron", "0 3 * * MON *"], /day-of-month and day-of-week/],
    [["schedule", "--cron", "0 3 * * ? 1969"], /year "1969"/],
    [["schedule", "--cron", "0 3 ? * 6#6 *"], /day-of-week "6#6"/],
    [["schedule", "--cron", "L 3 * * ? *"], /minutes "L"/],
    [["schedule", "--rate", "1 days"], /--rate "1 days"/],
    [["schedule", "--cron", "0 0 1 JUL ? 2020"], /--cron "0 0 1 JUL \? 2020" never runs after/],
    [["schedule", "--rate", "100000000 days"], /value "100000000": a rate of at most 3650 days/],
    [["s3", "--bucket", "raw-data", "--prefix", "a\u001b[31m/"], /--prefix may not contain control characters/],
    [["s3", "--bucket", "raw-data", "--prefix", "p".repeat(1000), "--suffix", "s".repeat(1000)], /the event pattern would be \d+ characters; EventBridge takes at most 2048/],
    [["schedule", "--rate", "5 mins"], /--rate "5 mins"/],
    [["schedule", "--rate", "1 day", "--cron", "0 3 * * ? *"], /give --cron or --rate, not both/],
    [["schedule"], /give --cron or --rate/],
    [["schedule", "--rate", "1 day", "--name", "has space"], /--name "has space" must be 1 to 64/],
    [["schedule", "--rate", "1 day", "--name", "x".repeat(65)], /--name "x+" must be 1 to 64/],
    [["s3", "--bucket", "raw-data", "--param", "Input_Key=$.detail.object.key"], /--param Input_Key has an underscore.*InputKey/],
    [["s3", "--bucket", "raw-data", "--param", "-Key=x"], /--param -Key must be letters, digits and inner hyphens/],
    [["s3", "--bucket", "raw-data", "--param", "InputKey=$.detail.objct.key"], /--param InputKey=\$\.detail\.objct\.key: the s3 event has no "objct" at \$\.detail/],
    [["s3", "--bucket", "raw-data", "--param", "InputKey=$.detail..key"], /is not a JSONPath EventBridge reads/],
    [["s3", "--bucket", "Raw_Data"], /--bucket "Raw_Data" is not an S3 bucket name/],
    [["s3", "--bucket", "raw-data", "--prefix", "/data/"], /starts with "\/": S3 keys have no leading slash/],
    [["alarm", "--alarm", "x", "--state", "FIRING"], /--state "FIRING" must be one of ALARM, OK, INSUFFICIENT_DATA/],
    [["pipeline-status", "--pipeline", "train", "--status", "Failing"], /--status "Failing" must be one of/],
    [["model-approved", "--group", "bad_group"], /--group "bad_group"/],
    [["pipeline-status", "--pipeline", "train"], /is the pipeline whose outcomes the trigger watches: each Failed or Stopped or Succeeded run would start another/],
  ];
  const TARGETS: Array<[string[], RegExp]> = [
    [["schedule", "--rate", "1 day", "--target", "lambda:fn"], /--target "lambda:fn" must be pipeline:NAME/],
    [["schedule", "--rate", "1 day", "--target", "arn:aws:lambda:us-east-1:000000000000:function:fn"], /is a lambda ARN/],
    [["schedule", "--rate", "1 day", "--target", "arn:aws:sagemaker:eu-west-1:000000000000:pipeline/train"], /is in region eu-west-1/],
    [["schedule", "--rate", "1 day", "--target", "pipeline:nope"], /there is no SageMaker pipeline named nope/],
    [["schedule", "--rate", "1 day", "--target", "codepipeline:nope"], /there is no CodePipeline pipeline named nope/],
    [["schedule", "--rate", "1 day", "--target", "sns:nope"], /there is no SNS topic named nope/],
    [["schedule", "--rate", "1 day", "--target", "pipeline:train", "--param", "Unknown=1"], /--param Unknown: the pipeline declares no parameter "Unknown"/],
    [["schedule", "--rate", "1 day", "--target", "sns:ml-team", "--param", "A=1"], /--param is for SageMaker pipeline targets/],
    [["s3", "--bucket", "no-such-bucket", "--target", "pipeline:train"], /--bucket no-such-bucket: there is no such bucket/],
  ];

  it(`${CASES.length + TARGETS.length} bad cron, rate, name, parameter and target cases exit 2 naming the field, with no mutating call`, async () => {
    await createPipeline("train");
    await createTopic(sandbox.current, "ml-team");
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    const seq = sandbox.current.requestLog.lastSeq;
    const all = [...CASES.map(([args, re]): [string[], RegExp] => [[...args, "--target", "pipeline:train"], re]), ...TARGETS];
    // A few at a time: each is a process of its own.
    for (let i = 0; i < all.length; i += 4) {
      await Promise.all(
        all.slice(i, i + 4).map(async ([args, re]) => {
          const r = await cli(["trigger", "add", ...args, "--role-arn", ROLE], 2);
          expect(r.stderr, args.join(" ")).toMatch(re);
        }),
      );
    }
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
    expect(await ruleNames()).toEqual([]);
  });

  it("--dry-run checks everything and lists the calls, changing nothing", async () => {
    await createPipeline("train");
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    const seq = sandbox.current.requestLog.lastSeq;
    const { doc } = await json("trigger-add", ["trigger", "add", "s3", "--bucket", "raw-data", "--target", "pipeline:train", "--role-arn", ROLE, "--param", "InputKey=$.detail.object.key", "--param", "InputKey=$.detail.object.key", "--dry-run"]);
    expect(doc).toMatchObject({ dryRun: true, action: "created", ruleArn: null, plan: [{ operation: "s3:PutBucketNotificationConfiguration" }, { operation: "events:PutRule" }, { operation: "events:PutTargets" }] });
    // The same parameter twice is one.
    expect(doc.target.parameters).toEqual([{ name: "InputKey", value: "$.detail.object.key" }]);
    // The order of --status values does not make another trigger.
    const statuses = async (order: string[]) => (await json("trigger-add", ["trigger", "add", "pipeline-status", "--pipeline", "other", ...order.flatMap((s) => ["--status", s]), "--target", "pipeline:train", "--role-arn", ROLE, "--dry-run"])).doc;
    const [a, b] = [await statuses(["Succeeded", "Failed"]), await statuses(["Failed", "Succeeded"])];
    expect(a.ruleName).toBe(b.ruleName);
    expect(a.eventPattern.detail.currentPipelineExecutionStatus).toEqual(["Failed", "Succeeded"]);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });
});
