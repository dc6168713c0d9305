import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, DeleteObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, ListTagsForResourceCommand as ListTopicTagsCommand, PublishCommand, SNSClient, UntagResourceCommand as UntagTopicCommand } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

/**
 * The sandbox's EventBridge, SNS and S3 events answering as AWS does, through the real SDK: the
 * error codes, messages and HTTP statuses AWS sends (sources in eventbridge.ts / sns.ts), and
 * which refusals are exceptions rather than FailedEntries.
 */
const sandbox = useSandbox({ trafficRps: 0, timeScale: 1e-6, tickSeconds: 60 });
const config = (extra: Record<string, unknown> = {}) => sdkConfig(sandbox.current, { maxAttempts: 1, ...extra });
const eb = () => new EventBridgeClient(config());
const sns = () => new SNSClient(config());
const s3 = () => new S3Client(config({ forcePathStyle: true }));
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => ({ name: "accepted", message: "", status: 200 }),
    (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }),
  );

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mlops-events`;
const PATTERN = JSON.stringify({ source: ["aws.s3"] });
const ruleArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/${name}`;
const targetIds = async (rule: string) => (await eb().send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets!.map((t) => t.Id);

describe("EventBridge refuses as AWS does", () => {
  it("PutTargets: a SageMaker pipeline or CodePipeline target without RoleArn refuses the whole request", async () => {
    await eb().send(new PutRuleCommand({ Name: "r", EventPattern: PATTERN }));
    const topic = { Id: "notify", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts` };
    const pipeline = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train`;
    expect(await refusal(eb().send(new PutTargetsCommand({ Rule: "r", Targets: [topic, { Id: "train", Arn: pipeline }] })))).toEqual({
      name: "ValidationException",
      message: `RoleArn is required for target ${pipeline}.`,
      status: 400,
    });
    const release = `arn:aws:codepipeline:us-east-1:${ACCOUNT}:churn-release`;
    expect((await refusal(eb().send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "release", Arn: release }] })))).message).toBe(`RoleArn is required for target ${release}.`);
    expect(await targetIds("r")).toEqual([]);
    // With the role both are taken; an SNS topic needs none.
    const put = await eb().send(new PutTargetsCommand({ Rule: "r", Targets: [topic, { Id: "train", Arn: pipeline, RoleArn: ROLE }, { Id: "release", Arn: release, RoleArn: ROLE }] }));
    expect(put.FailedEntryCount).toBe(0);
    expect(await targetIds("r")).toEqual(["notify", "train", "release"]);
  });

  it("PutTargets: a sixth target is LimitExceededException (an exception, not a failed entry); a parameter name with _ is refused by the model's pattern", async () => {
    await eb().send(new PutRuleCommand({ Name: "r", EventPattern: PATTERN }));
    const five = Array.from({ length: 5 }, (_, i) => ({ Id: `t${i}`, Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t${i}` }));
    await eb().send(new PutTargetsCommand({ Rule: "r", Targets: five.slice(0, 3) }));
    expect(await refusal(eb().send(new PutTargetsCommand({ Rule: "r", Targets: [...five.slice(3), { Id: "t5", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t5` }] })))).toEqual({
      name: "LimitExceededException",
      message: "The requested resource exceeds the maximum number allowed.",
      status: 400,
    });
    expect(await targetIds("r")).toEqual(["t0", "t1", "t2"]);
    // Eleven entries are refused before the rule's count is looked at (at most 10 a request).
    const eleven = Array.from({ length: 11 }, () => five[0]!);
    expect((await refusal(eb().send(new PutTargetsCommand({ Rule: "r", Targets: eleven })))).name).toBe("ValidationException");

    const target = (name: string) => ({ Id: "train", Arn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train`, RoleArn: ROLE, SageMakerPipelineParameters: { PipelineParameterList: [{ Name: name, Value: "$.detail.object.key" }] } });
    const refused = await refusal(eb().send(new PutTargetsCommand({ Rule: "r", Targets: [target("input_key")] })));
    expect(refused).toMatchObject({ name: "ValidationException", status: 400 });
    expect(refused.message).toContain("Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$");
    expect((await eb().send(new PutTargetsCommand({ Rule: "r", Targets: [target("Input-Key2")] }))).FailedEntryCount).toBe(0);
  });

  it("PutRule replaces the rule (omitted fields go), keeps its targets, ignores Tags on an update; schedules only on the default bus", async () => {
    await eb().send(new PutRuleCommand({ Name: "r", ScheduleExpression: "rate(1 day)", Description: "nightly", RoleArn: ROLE, Tags: [{ Key: "managed-by", Value: "mlops" }] }));
    await eb().send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "t", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` }] }));
    await eb().send(new PutRuleCommand({ Name: "r", EventPattern: PATTERN, State: "DISABLED", Tags: [{ Key: "other", Value: "x" }] }));
    const { $metadata: _m, ...rule } = await eb().send(new DescribeRuleCommand({ Name: "r" }));
    expect(rule).toEqual({ Name: "r", Arn: ruleArn("r"), EventPattern: PATTERN, State: "DISABLED", EventBusName: "default", CreatedBy: ACCOUNT });
    expect(await targetIds("r")).toEqual(["t"]);
    expect((await eb().send(new ListTagsForResourceCommand({ ResourceARN: ruleArn("r") }))).Tags).toEqual([{ Key: "managed-by", Value: "mlops" }]);

    expect(await refusal(eb().send(new PutRuleCommand({ Name: "s", ScheduleExpression: "rate(5 minutes)", EventBusName: "mlops-bus" })))).toEqual({
      name: "ValidationException",
      message: "ScheduleExpression is supported only on the default event bus.",
      status: 400,
    });
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "s", EventPattern: PATTERN, EventBusName: "mlops-bus" })))).name).toBe("ResourceNotFoundException");
    expect((await refusal(eb().send(new PutRuleCommand({ Name: "s", EventBusName: "mlops-bus" })))).message).toBe("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  });

  it("TagResource / UntagResource / ListTagsForResource, ListRules pages, DeleteRule of no rule succeeds", async () => {
    await eb().send(new PutRuleCommand({ Name: "r", EventPattern: PATTERN, Tags: [{ Key: "a", Value: "1" }] }));
    await eb().send(new TagResourceCommand({ ResourceARN: ruleArn("r"), Tags: [{ Key: "b", Value: "2" }] }));
    await eb().send(new UntagResourceCommand({ ResourceARN: ruleArn("r"), TagKeys: ["a", "never-set"] }));
    expect((await eb().send(new ListTagsForResourceCommand({ ResourceARN: ruleArn("r") }))).Tags).toEqual([{ Key: "b", Value: "2" }]);
    expect(await refusal(eb().send(new UntagResourceCommand({ ResourceARN: ruleArn("missing"), TagKeys: ["b"] })))).toEqual({
      name: "ResourceNotFoundException",
      message: "Rule missing does not exist on EventBus default.",
      status: 400,
    });

    for (const n of ["mlops-a", "mlops-b", "mlops-c"]) await eb().send(new PutRuleCommand({ Name: n, EventPattern: PATTERN }));
    const names: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const out = await eb().send(new ListRulesCommand({ NamePrefix: "mlops-", Limit: 1, NextToken: token }));
      names.push(...out.Rules!.map((r) => r.Name!));
      token = out.NextToken;
      if (!token) break;
    }
    expect(names).toEqual(["mlops-a", "mlops-b", "mlops-c"]);
    expect((await refusal(eb().send(new ListRulesCommand({ Limit: 101 })))).name).toBe("ValidationException");
    expect((await refusal(eb().send(new ListRulesCommand({ NextToken: "not-a-token" })))).name).toBe("ValidationException");
    expect((await eb().send(new DeleteRuleCommand({ Name: "never-existed" }))).$metadata.httpStatusCode).toBe(200);
  });

  it("TestEventPattern: an event without the mandatory envelope fields is 'Parameter Event is not valid.'", async () => {
    const event = JSON.stringify({ source: "aws.s3", detail: {} });
    expect(await refusal(eb().send(new TestEventPatternCommand({ EventPattern: PATTERN, Event: event })))).toEqual({ name: "ValidationException", message: "Parameter Event is not valid.", status: 400 });
  });
});

describe("SNS refuses as AWS does", () => {
  it("a missing topic is NotFound 404; an ARN that names no topic is InvalidParameter Topic Name; UntagResource", async () => {
    const missing = `arn:aws:sns:us-east-1:${ACCOUNT}:missing`;
    expect(await refusal(sns().send(new GetTopicAttributesCommand({ TopicArn: missing })))).toEqual({ name: "NotFoundException", message: "Topic does not exist", status: 404 });
    const subscription = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts:5b138059-0d2c-4a4c-9d43-2f8f5b2f0c1e`;
    expect(await refusal(sns().send(new PublishCommand({ TopicArn: subscription, Message: "m" })))).toEqual({ name: "InvalidParameterException", message: "Invalid parameter: Topic Name", status: 400 });
    expect((await refusal(sns().send(new DeleteTopicCommand({ TopicArn: "alerts" })))).name).toBe("InvalidParameterException");
    expect((await sns().send(new DeleteTopicCommand({ TopicArn: missing }))).$metadata.httpStatusCode).toBe(200);

    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: "alerts", Tags: [{ Key: "team", Value: "ml" }, { Key: "stage", Value: "prod" }] }));
    await sns().send(new UntagTopicCommand({ ResourceArn: TopicArn, TagKeys: ["stage", "never-set"] }));
    expect((await sns().send(new ListTopicTagsCommand({ ResourceArn: TopicArn }))).Tags).toEqual([{ Key: "team", Value: "ml" }]);
    expect(await refusal(sns().send(new UntagTopicCommand({ ResourceArn: missing, TagKeys: ["team"] })))).toMatchObject({ name: "ResourceNotFoundException", status: 404 });
  });

  it("CreateTopic of an existing name answers its ARN, unless an attribute or a tag contradicts the topic", async () => {
    const create = (extra: object) => sns().send(new CreateTopicCommand({ Name: "alerts", ...extra }));
    const { TopicArn } = await create({ Attributes: { DisplayName: "alerts" }, Tags: [{ Key: "team", Value: "ml" }, { Key: "stage", Value: "prod" }] });
    expect((await create({})).TopicArn).toBe(TopicArn);
    expect((await create({ Attributes: { DisplayName: "alerts" }, Tags: [{ Key: "team", Value: "ml" }] })).TopicArn).toBe(TopicArn);
    expect(await refusal(create({ Attributes: { DisplayName: "other" } }))).toEqual({
      name: "InvalidParameterException",
      message: "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
      status: 400,
    });
    expect((await refusal(create({ Tags: [{ Key: "team", Value: "data" }] }))).message).toBe("Invalid parameter: Tags Reason: Topic already exists with different tags");
    expect((await sns().send(new ListTopicTagsCommand({ ResourceArn: TopicArn }))).Tags).toHaveLength(2);
  });

  it("Publish: Subject under 100 characters without line breaks, a message not empty, each refused in AWS's words", async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: "alerts" }));
    const publish = (extra: { Message?: string; Subject?: string }) => refusal(sns().send(new PublishCommand({ TopicArn, Message: "m", ...extra })));
    expect(await publish({ Subject: "s".repeat(100) })).toEqual({ name: "InvalidParameterException", message: "Invalid parameter: Subject", status: 400 });
    expect((await publish({ Subject: "two\nlines" })).message).toBe("Invalid parameter: Subject");
    expect((await publish({ Message: "" })).message).toBe("Invalid parameter: Empty message");
    expect((await publish({ Message: "x".repeat(262_145) })).message).toBe("Invalid parameter: Message too long");
    expect((await publish({ Subject: "s".repeat(99) })).name).toBe("accepted");
    expect(sandbox.current.snsDeliveries({ topicArn: TopicArn })).toHaveLength(1);
  });
});

describe("S3 sends Object Deleted to EventBridge", () => {
  it("DeleteObject of an object in a bucket with EventBridge enabled reaches a rule on Object Deleted; a missing key sends nothing", async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: "deleted" }));
    await eb().send(new PutRuleCommand({ Name: "deleted", EventPattern: JSON.stringify({ source: ["aws.s3"], "detail-type": ["Object Deleted"], detail: { bucket: { name: ["raw-data"] } } }) }));
    await eb().send(new PutTargetsCommand({ Rule: "deleted", Targets: [{ Id: "sns", Arn: TopicArn! }] }));
    await s3().send(new CreateBucketCommand({ Bucket: "raw-data" }));
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "raw-data", NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    await s3().send(new PutObjectCommand({ Bucket: "raw-data", Key: "data/a.csv", Body: "a,b\n" }));
    await s3().send(new DeleteObjectCommand({ Bucket: "raw-data", Key: "data/a.csv" }));
    await s3().send(new DeleteObjectCommand({ Bucket: "raw-data", Key: "data/never.csv" }));
    const messages = sandbox.current.snsDeliveries({ topicArn: TopicArn }).map((d) => JSON.parse(d.message));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      source: "aws.s3",
      "detail-type": "Object Deleted",
      resources: ["arn:aws:s3:::raw-data"],
      detail: { bucket: { name: "raw-data" }, object: { key: "data/a.csv" }, reason: "DeleteObject", "deletion-type": "Permanently Deleted", requester: ACCOUNT },
    });
  });
});
