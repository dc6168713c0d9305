import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient, CreatePipelineCommand as CreateCodePipelineCommand, ListPipelineExecutionsCommand as ListCodePipelineExecutionsCommand } from "@aws-sdk/client-codepipeline";
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  ListPipelineExecutionsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { createTopic, snsCall } from "../helpers/sns";

/**
 * The sandbox's EventBridge through the real SDK: rules and targets with AWS's limits and errors,
 * and events from the sandbox's own services (S3, the model registry, CloudWatch alarms,
 * SageMaker Pipelines) really invoking targets, on a stopped sandbox clock that only `advance` moves.
 */
const sandbox = useSandbox({ trafficRps: 0, timeScale: 1e-6, tickSeconds: 60 });
const config = (extra: Record<string, unknown> = {}) => sdkConfig(sandbox.current, { maxAttempts: 1, ...extra });
const eb = () => new EventBridgeClient(config());
const sm = () => new SageMakerClient(config());
const s3 = () => new S3Client(config({ forcePathStyle: true }));
const cp = () => new CodePipelineClient(config());
const cw = () => new CloudWatchClient(config());
const advance = (seconds: number, sb: Sandbox = sandbox.current) => sb.clock.advance(seconds * 1000);
const refusal = (p: Promise<unknown>) => p.then(() => ({ name: "accepted", message: "" }), (e: Error) => ({ name: e.name, message: e.message }));

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mlops-events`;
const FIXTURE = readFileSync(join(__dirname, "../fixtures/pipeline.json"), "utf8");
const token = (n: string) => `mlops-events-token-${n}-`.padEnd(32, "x");
/** The fixture pipeline's whole run in sandbox seconds (see pipelines.test.ts). */
const WHOLE_RUN = 600;

/** The fixture pipeline with one more parameter, InputKey. */
async function createPipeline(name: string) {
  const d = JSON.parse(FIXTURE);
  d.Parameters.push({ Name: "InputKey", Type: "String", DefaultValue: "none" });
  await sm().send(new CreatePipelineCommand({ PipelineName: name, PipelineDefinition: JSON.stringify(d), RoleArn: ROLE, ClientRequestToken: token(`create-${name}`) }));
  return `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/${name}`;
}
const executions = async (name: string) => (await sm().send(new ListPipelineExecutionsCommand({ PipelineName: name }))).PipelineExecutionSummaries!;

const topic = (name: string) => createTopic(sandbox.current, name);

async function rule(name: string, pattern: object | undefined, targets: Target[], extra: Record<string, unknown> = {}) {
  await eb().send(new PutRuleCommand({ Name: name, ...(pattern ? { EventPattern: JSON.stringify(pattern) } : {}), RoleArn: ROLE, ...extra }));
  const put = await eb().send(new PutTargetsCommand({ Rule: name, Targets: targets }));
  expect(put.FailedEntryCount).toBe(0);
}

describe("EventBridge rules and targets in the sandbox", () => {
  it("creates, describes, lists by prefix page by page, disables, enables and deletes rules", async () => {
    const put = await eb().send(new PutRuleCommand({ Name: "mlops-s3-1", EventPattern: JSON.stringify({ source: ["aws.s3"] }), Description: "d", Tags: [{ Key: "managed-by", Value: "mlops" }] }));
    expect(put.RuleArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/mlops-s3-1`);
    for (const n of ["mlops-s3-2", "mlops-s3-3", "other"]) await eb().send(new PutRuleCommand({ Name: n, ScheduleExpression: "rate(1 day)" }));
    expect(await eb().send(new DescribeRuleCommand({ Name: "mlops-s3-1" }))).toMatchObject({ Name: "mlops-s3-1", State: "ENABLED", EventBusName: "default", Description: "d", EventPattern: '{"source":["aws.s3"]}' });
    const first = await eb().send(new ListRulesCommand({ NamePrefix: "mlops-", Limit: 2 }));
    const second = await eb().send(new ListRulesCommand({ NamePrefix: "mlops-", Limit: 2, NextToken: first.NextToken }));
    expect([...first.Rules!, ...second.Rules!].map((r) => r.Name)).toEqual(["mlops-s3-1", "mlops-s3-2", "mlops-s3-3"]);
    expect(second.NextToken).toBeUndefined();
    await eb().send(new DisableRuleCommand({ Name: "mlops-s3-1" }));
    expect((await eb().send(new DescribeRuleCommand({ Name: "mlops-s3-1" }))).State).toBe("DISABLED");
    await eb().send(new EnableRuleCommand({ Name: "mlops-s3-1" }));
    expect((await eb().send(new ListTagsForResourceCommand({ ResourceARN: put.RuleArn }))).Tags).toEqual([{ Key: "managed-by", Value: "mlops" }]);
    await eb().send(new TagResourceCommand({ ResourceARN: put.RuleArn, Tags: [{ Key: "kind", Value: "s3" }] }));
    expect((await eb().send(new ListTagsForResourceCommand({ ResourceARN: put.RuleArn }))).Tags).toHaveLength(2);
    await eb().send(new DeleteRuleCommand({ Name: "mlops-s3-1" }));
    expect(await refusal(eb().send(new DescribeRuleCommand({ Name: "mlops-s3-1" })))).toEqual({ name: "ResourceNotFoundException", message: "Rule mlops-s3-1 does not exist on EventBus default." });
  });

  it("refuses what AWS refuses: bad names, bad patterns, a sixth target, deleting a rule with targets", async () => {
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "bad name", EventPattern: "{}" })))).name).toBe("ValidationException");
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "x".repeat(65), ScheduleExpression: "rate(1 day)" })))).name).toBe("ValidationException");
    expect(await refusal(eb().send(new PutRuleCommand({ Name: "p", EventPattern: "not json" })))).toMatchObject({ name: "InvalidEventPatternException", message: expect.stringMatching(/^Event pattern is not valid\. Reason: /) });
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "p", EventPattern: JSON.stringify({ source: "aws.s3" }) })))).name).toBe("InvalidEventPatternException");
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "p", EventPattern: JSON.stringify({ a: ["x".repeat(4100)] }) })))).name).toBe("ValidationException");
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "p", ScheduleExpression: "cron(0 3 * * * *)" })))).name).toBe("ValidationException");
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "p" })))).name).toBe("ValidationException");
    expect((await refusal(eb().send(new PutTargetsCommand({ Rule: "missing", Targets: [{ Id: "1", Arn: "arn:aws:sns:us-east-1:000000000000:t" }] })))).name).toBe("ResourceNotFoundException");

    await eb().send(new PutRuleCommand({ Name: "r", EventPattern: JSON.stringify({ source: ["x"] }) }));
    const five = Array.from({ length: 5 }, (_, i) => ({ Id: `t${i}`, Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t${i}` }));
    expect((await eb().send(new PutTargetsCommand({ Rule: "r", Targets: five }))).FailedEntryCount).toBe(0);
    expect((await refusal(eb().send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "t5", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t5` }] })))).name).toBe("LimitExceededException");
    // Replacing an existing target is not a sixth one.
    expect((await eb().send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "t0", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t9` }] }))).FailedEntryCount).toBe(0);
    const failed = await eb().send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "t1", Arn: "not-an-arn" }] }));
    expect(failed).toMatchObject({ FailedEntryCount: 1, FailedEntries: [{ TargetId: "t1", ErrorCode: "ValidationException" }] });
    expect(await refusal(eb().send(new DeleteRuleCommand({ Name: "r" })))).toEqual({ name: "ValidationException", message: "Rule can't be deleted since it has targets." });
    expect((await eb().send(new ListTargetsByRuleCommand({ Rule: "r" }))).Targets!.map((t) => t.Arn)).toContain(`arn:aws:sns:us-east-1:${ACCOUNT}:t9`);
    await eb().send(new RemoveTargetsCommand({ Rule: "r", Ids: five.map((t) => t.Id) }));
    await eb().send(new DeleteRuleCommand({ Name: "r" }));
    expect((await eb().send(new ListRulesCommand({}))).Rules).toEqual([]);
  });

  it("tests an event against a pattern, and PutEvents reaches matching rules", async () => {
    const event = { id: "1", account: ACCOUNT, source: "aws.s3", time: "2026-01-01T00:00:00Z", region: "us-east-1", resources: [], "detail-type": "Object Created", detail: { object: { key: "data/x.csv" } } };
    const test = (pattern: object) => eb().send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) })).then((r) => r.Result);
    expect(await test({ detail: { object: { key: [{ wildcard: "data/*.csv" }] } } })).toBe(true);
    expect(await test({ detail: { object: { key: [{ prefix: "other/" }] } } })).toBe(false);

    const arn = await topic("put-events");
    await rule("custom", { source: ["my.app"], detail: { level: [{ numeric: [">=", 3] }] } }, [{ Id: "sns", Arn: arn }]);
    const put = await eb().send(new PutEventsCommand({ Entries: [
      { Source: "my.app", DetailType: "t", Detail: JSON.stringify({ level: 5 }) },
      { Source: "my.app", DetailType: "t", Detail: JSON.stringify({ level: 1 }) },
      { Source: "my.app", DetailType: "t", Detail: "not json" },
    ] }));
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries![2]).toMatchObject({ ErrorCode: "MalformedDetail" });
    const deliveries = sandbox.current.snsDeliveries({ topicArn: arn });
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0]!.message)).toMatchObject({ source: "my.app", detail: { level: 5 } });
  });
});

describe("events from the sandbox's services invoke targets", () => {
  it("an S3 upload under data/ ending .csv starts one pipeline execution with InputKey from the event; the queue notification survives", async () => {
    const pipelineArn = await createPipeline("train");
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    const queue = { Id: "q", QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:uploads`, Events: ["s3:ObjectCreated:*" as const] };
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "raw-data", NotificationConfiguration: { QueueConfigurations: [queue] } }));
    // What `mlops trigger add s3` does: read the configuration, add EventBridge, write it back.
    const current = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "raw-data" }));
    const { $metadata: _m, ...configuration } = current;
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "raw-data", NotificationConfiguration: { ...configuration, EventBridgeConfiguration: {} } }));
    await rule(
      "mlops-s3-train",
      { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: ["raw-data"] }, object: { key: [{ wildcard: "data/*.csv" }] } } },
      [{ Id: "train", Arn: pipelineArn, RoleArn: ROLE, SageMakerPipelineParameters: { PipelineParameterList: [{ Name: "InputKey", Value: "$.detail.object.key" }] } }],
    );
    for (const key of ["data/x.csv", "data/x.txt", "other/x.csv"]) await s3().send(new PutObjectCommand({ Bucket: "raw-data", Key: key, Body: "a,b\n" }));
    expect(await executions("train")).toHaveLength(1);
    const invocations = sandbox.current.invocations({ rule: "mlops-s3-train" });
    expect(invocations).toHaveLength(1);
    expect(invocations[0]).toMatchObject({ status: "Succeeded", operation: "sagemaker:StartPipelineExecution", input: { PipelineName: "train", PipelineParameters: [{ Name: "InputKey", Value: "data/x.csv" }] } });
    const after = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "raw-data" }));
    expect(after.QueueConfigurations).toMatchObject([{ Id: "q", QueueArn: queue.QueueArn }]);
    expect(after.EventBridgeConfiguration).toBeDefined();
  });

  it("a bucket without EventBridge notifications sends nothing", async () => {
    await createPipeline("train");
    await s3().send(new CreateBucketCommand({ Bucket: "quiet" }));
    await rule("all-s3", { source: ["aws.s3"] }, [{ Id: "train", Arn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train`, RoleArn: ROLE }]);
    await s3().send(new PutObjectCommand({ Bucket: "quiet", Key: "data/x.csv", Body: "x" }));
    expect(sandbox.current.invocations()).toEqual([]);
  });

  it("registering a model starts nothing; approving it starts the CodePipeline once", async () => {
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const release = {
      name: "churn-release",
      roleArn: ROLE,
      artifactStore: { type: "S3" as const, location: "artifacts" },
      stages: [
        { name: "Source", actions: [{ name: "Source", actionTypeId: { category: "Source" as const, owner: "AWS" as const, provider: "S3", version: "1" }, outputArtifacts: [{ name: "src" }], configuration: { S3Bucket: "artifacts", S3ObjectKey: "release.zip" } }] },
        { name: "Deploy", actions: [{ name: "Deploy", actionTypeId: { category: "Deploy" as const, owner: "AWS" as const, provider: "CloudFormation", version: "1" }, inputArtifacts: [{ name: "src" }], configuration: { ActionMode: "CREATE_UPDATE", StackName: "churn" } }] },
      ],
    };
    await cp().send(new CreateCodePipelineCommand({ pipeline: release }));
    const runs = async () => (await cp().send(new ListCodePipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries!.length;
    const before = await runs();
    await rule(
      "mlops-model-approved",
      { source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"], detail: { ModelPackageGroupName: ["churn"], ModelApprovalStatus: ["Approved"] } },
      [{ Id: "release", Arn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:churn-release`, RoleArn: ROLE }],
    );
    const pkg = await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: { Containers: [{ Image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn:1`, ModelDataUrl: "s3://models/churn/model.tar.gz" }] } }));
    expect(await runs()).toBe(before);
    await sm().send(new UpdateModelPackageCommand({ ModelPackageArn: pkg.ModelPackageArn, ModelApprovalStatus: "Approved" }));
    expect(await runs()).toBe(before + 1);
    expect(sandbox.current.invocations()).toMatchObject([{ rule: "mlops-model-approved", status: "Succeeded", operation: "codepipeline:StartPipelineExecution", input: { name: "churn-release" } }]);
  });

  it("a rate schedule fires on the sandbox clock, and not while disabled", async () => {
    const arn = await topic("schedule");
    await rule("mlops-schedule", undefined, [{ Id: "sns", Arn: arn }], { ScheduleExpression: "rate(5 minutes)" });
    advance(4 * 60);
    expect(sandbox.current.snsDeliveries()).toHaveLength(0);
    advance(2 * 60);
    expect(sandbox.current.snsDeliveries()).toHaveLength(1);
    expect(JSON.parse(sandbox.current.snsDeliveries()[0]!.message)).toMatchObject({ source: "aws.events", "detail-type": "Scheduled Event", resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/mlops-schedule`] });
    await eb().send(new DisableRuleCommand({ Name: "mlops-schedule" }));
    advance(15 * 60);
    expect(sandbox.current.snsDeliveries()).toHaveLength(1);
  });

  it("a cron schedule fires at its next matching minute", async () => {
    const arn = await topic("cron");
    const now = new Date(sandbox.current.clock.now());
    const minute = (now.getUTCMinutes() + 3) % 60;
    await rule("mlops-cron", undefined, [{ Id: "sns", Arn: arn }], { ScheduleExpression: `cron(${minute} * * * ? *)` });
    advance(60 * 60 + 60);
    expect(sandbox.current.snsDeliveries()).toHaveLength(1);
  });

  it("an alarm rule fires when its alarm enters ALARM, not when it returns to OK", async () => {
    const arn = await topic("alarm");
    await cw().send(new PutMetricAlarmCommand({ AlarmName: "drift", Namespace: "mlops", MetricName: "drift", Statistic: "Average", Period: 60, EvaluationPeriods: 1, Threshold: 0.2, ComparisonOperator: "GreaterThanThreshold" }));
    await rule("mlops-alarm", { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: ["drift"], state: { value: ["ALARM"] } } }, [{ Id: "sns", Arn: arn }]);
    await cw().send(new SetAlarmStateCommand({ AlarmName: "drift", StateValue: "ALARM", StateReason: "test" }));
    await cw().send(new SetAlarmStateCommand({ AlarmName: "drift", StateValue: "OK", StateReason: "test" }));
    expect(sandbox.current.snsDeliveries()).toHaveLength(1);
    expect(JSON.parse(sandbox.current.snsDeliveries()[0]!.message)).toMatchObject({ detail: { alarmName: "drift", state: { value: "ALARM" }, previousState: { value: "INSUFFICIENT_DATA" } } });
  });

  it("a pipeline-status rule publishes one SNS message when an execution fails and none when one succeeds", async () => {
    const pipelineArn = await createPipeline("demo");
    const arn = await topic("pipeline-failed");
    await rule(
      "mlops-pipeline-status",
      { source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Building Pipeline Execution Status Change"], detail: { pipelineArn: [pipelineArn], currentPipelineExecutionStatus: ["Failed"] } },
      [{ Id: "sns", Arn: arn }],
    );
    // No evaluation.json: CheckAccuracy fails, and so does the execution.
    await sm().send(new StartPipelineExecutionCommand({ PipelineName: "demo", ClientRequestToken: token("fail") }));
    advance(WHOLE_RUN);
    expect(sandbox.current.snsDeliveries()).toHaveLength(1);
    await s3().send(new CreateBucketCommand({ Bucket: "mlops-pipeline-demo" })).catch(() => undefined);
    await s3().send(new PutObjectCommand({ Bucket: "mlops-pipeline-demo", Key: "evaluation/evaluation.json", Body: JSON.stringify({ metrics: { accuracy: { value: 0.95 } } }) }));
    await sm().send(new StartPipelineExecutionCommand({ PipelineName: "demo", ClientRequestToken: token("ok") }));
    advance(WHOLE_RUN);
    expect((await executions("demo")).map((e) => e.PipelineExecutionStatus).sort()).toEqual(["Failed", "Succeeded"]);
    expect(sandbox.current.snsDeliveries()).toHaveLength(1);
  });

  it("a target that fails is recorded as a failed invocation with the input sent", async () => {
    await rule("to-nowhere", { source: ["my.app"] }, [{ Id: "p", Arn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/missing`, RoleArn: ROLE, SageMakerPipelineParameters: { PipelineParameterList: [{ Name: "Key", Value: "$.detail.key" }] } }]);
    await eb().send(new PutEventsCommand({ Entries: [{ Source: "my.app", DetailType: "t", Detail: JSON.stringify({ key: "k1" }) }] }));
    expect(sandbox.current.invocations()).toMatchObject([
      { rule: "to-nowhere", status: "Failed", error: { code: "ResourceNotFound" }, input: { PipelineName: "missing", PipelineParameters: [{ Name: "Key", Value: "k1" }] } },
    ]);
    const viaControl = await (await fetch(`${sandbox.current.url}/_mlops/invocations`)).json();
    expect(viaControl).toHaveLength(1);
  });
});

describe("the sandbox's SNS, a notification target", () => {
  it("creates topics idempotently, lists them, describes, publishes into the delivery log and deletes", async () => {
    const arn = await topic("alerts");
    expect(arn).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:alerts`);
    expect(await topic("alerts")).toBe(arn);
    expect(await snsCall(sandbox.current, "ListTopics")).toContain(`<Topics><member><TopicArn>${arn}</TopicArn></member></Topics>`);
    expect(await snsCall(sandbox.current, "GetTopicAttributes", { TopicArn: arn })).toContain(`<entry><key>TopicArn</key><value>${arn}</value></entry>`);
    const published = await snsCall(sandbox.current, "Publish", { TopicArn: arn, Message: "retraining failed", Subject: "mlops" });
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(published)![1];
    expect(sandbox.current.snsDeliveries()).toMatchObject([{ topicArn: arn, messageId, subject: "mlops", message: "retraining failed" }]);
    const viaControl = await (await fetch(`${sandbox.current.url}/_mlops/sns-deliveries`)).json();
    expect(viaControl).toMatchObject([{ messageId }]);
    await snsCall(sandbox.current, "TagResource", { ResourceArn: arn, "Tags.member.1.Key": "managed-by", "Tags.member.1.Value": "mlops" });
    expect(await snsCall(sandbox.current, "ListTagsForResource", { ResourceArn: arn })).toContain("<Key>managed-by</Key><Value>mlops</Value>");
    await snsCall(sandbox.current, "DeleteTopic", { TopicArn: arn });
    expect(await refusal(snsCall(sandbox.current, "Publish", { TopicArn: arn, Message: "x" }))).toEqual({ name: "NotFound", message: "Topic does not exist" });
    expect(await refusal(snsCall(sandbox.current, "CreateTopic", { Name: "bad name" }))).toEqual({ name: "InvalidParameter", message: "Invalid parameter: Topic Name" });
  });
});
