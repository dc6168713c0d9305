import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand, TagResourceCommand, UntagResourceCommand } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteModelPackageCommand,
  DeleteModelPackageGroupCommand,
  CreatePipelineCommand,
  DeletePipelineCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  UpdatePipelineCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import * as codepipeline from "@aws-sdk/client-codepipeline";
import * as events from "@aws-sdk/client-eventbridge";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { createTopic, snsCall } from "../helpers/sns";

/**
 * Validate, then apply: for every operation that changes state, an input that passes the
 * operation's declared input spec but fails its handler's last check (or, where later checks
 * cannot be reached, the last one that can) must leave the whole state as it was. The cases are
 * checked against the sandbox's own list of mutating operations: a new one fails this test
 * until it has a case.
 *
 * The clock is all but stopped (and ticks are an hour apart), so nothing but the call moves.
 */
const sandbox = useSandbox({ trafficRps: 0, timeScale: 1e-6, tickSeconds: 3600, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const sm = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const cw = () => new CloudWatchClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const s3 = (region = "us-east-1") => new S3Client(sdkConfig(sandbox.current, { region, maxAttempts: 1, forcePathStyle: true }));
const tags = (n: number, prefix = "k") => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: "v" }));
const inferenceSpecification = { Containers: [{ Image: IMAGE }], SupportedContentTypes: ["text/csv"], SupportedResponseMIMETypes: ["text/csv"] };
const alarm = { AlarmName: "churn-5xx", MetricName: "Invocation5XXErrors", Namespace: "AWS/SageMaker", Statistic: "Average" as const, Period: 60, EvaluationPeriods: 1, Threshold: 0.1, ComparisonOperator: "GreaterThanThreshold" as const };

async function model(name = "churn") {
  return (await sm().send(new CreateModelCommand({ ModelName: name, PrimaryContainer: { Image: IMAGE } }))).ModelArn!;
}
async function config(name = "churn", variants = ["AllTraffic"]) {
  await model(name);
  await sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: name, ProductionVariants: variants.map((VariantName) => ({ VariantName, ModelName: name, InstanceType: "ml.m5.large", InitialInstanceCount: 1 })) }));
}
/** An endpoint in service. */
async function endpoint(name = "churn") {
  await config(name);
  await sm().send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
  sandbox.current.clock.advance(65_000);
  expect((await sm().send(new DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus).toBe("InService");
}
async function packageVersion(approval: "Approved" | "PendingManualApproval" = "PendingManualApproval", metadata?: Record<string, string>) {
  await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
  return (await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: inferenceSpecification, ModelApprovalStatus: approval, CustomerMetadataProperties: metadata }))).ModelPackageArn!;
}

const PIPELINE_DEFINITION = readFileSync(join(__dirname, "../fixtures/pipeline.json"), "utf8");
const requestToken = (what: string) => `validate-then-apply-${what}`.padEnd(32, "-");
async function pipeline() {
  await sm().send(new CreatePipelineCommand({ PipelineName: "churn", PipelineDefinition: PIPELINE_DEFINITION, RoleArn: "arn:aws:iam::000000000000:role/sagemaker", ClientRequestToken: requestToken("create") }));
}
/** A pipeline with a running execution; its ARN. */
async function execution() {
  await pipeline();
  return (await sm().send(new StartPipelineExecutionCommand({ PipelineName: "churn", ClientRequestToken: requestToken("start") }))).PipelineExecutionArn!;
}
/** The execution StopPipelineExecution's case prepares (its id is random). */
let EXECUTION_ARN = "";
const withDuplicateStep = () => {
  const d = JSON.parse(PIPELINE_DEFINITION);
  d.Steps[1].Name = d.Steps[0].Name;
  return JSON.stringify(d);
};

interface Case {
  /** Makes the state the failing call meets. */
  prepare?(): Promise<unknown>;
  /** The call that passes the input spec and fails the handler's last (reachable) check. */
  fail(): Promise<unknown>;
  /** The error it fails with: its name, and words of its message naming the check. */
  error?: { name: string | RegExp; message?: RegExp };
  /** Instead of `error`: why the handler has no check beyond its input spec (the call then succeeds, changing nothing). */
  noCheck?: string;
}

const CASES: Record<string, Case> = {
  "sagemaker:CreatePipeline": {
    fail: () => sm().send(new CreatePipelineCommand({ PipelineName: "churn", PipelineDefinition: withDuplicateStep(), RoleArn: "arn:aws:iam::000000000000:role/sagemaker", ClientRequestToken: requestToken("create") })),
    error: { name: "ValidationException", message: /Unable to parse pipeline definition.*already used/ },
  },
  "sagemaker:UpdatePipeline": {
    prepare: () => pipeline(),
    fail: () => sm().send(new UpdatePipelineCommand({ PipelineName: "churn", PipelineDefinition: withDuplicateStep(), PipelineDescription: "changed" })),
    error: { name: "ValidationException", message: /Unable to parse pipeline definition/ },
  },
  "sagemaker:DeletePipeline": {
    prepare: () => execution(),
    fail: () => sm().send(new DeletePipelineCommand({ PipelineName: "churn", ClientRequestToken: requestToken("delete") })),
    error: { name: "ConflictException", message: /running execution/ },
  },
  "sagemaker:StartPipelineExecution": {
    prepare: () => pipeline(),
    fail: () => sm().send(new StartPipelineExecutionCommand({ PipelineName: "churn", ClientRequestToken: requestToken("start"), PipelineParameters: [{ Name: "AccuracyThreshold", Value: "high" }] })),
    error: { name: "ValidationException", message: /AccuracyThreshold/ },
  },
  "sagemaker:StopPipelineExecution": {
    prepare: async () => {
      EXECUTION_ARN = await execution();
      await sm().send(new StopPipelineExecutionCommand({ PipelineExecutionArn: EXECUTION_ARN, ClientRequestToken: requestToken("stop") }));
    },
    fail: () => sm().send(new StopPipelineExecutionCommand({ PipelineExecutionArn: EXECUTION_ARN, ClientRequestToken: requestToken("stop-again") })),
    error: { name: "ConflictException", message: /Stopping/ },
  },
  "sagemaker:CreateModelPackageGroup": {
    prepare: () => sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" })),
    fail: () => sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "CHURN" })),
    error: { name: "ValidationException", message: /already exists/ },
  },
  "sagemaker:DeleteModelPackageGroup": {
    prepare: () => packageVersion(),
    fail: () => sm().send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: "churn" })),
    error: { name: "ConflictException" },
  },
  "sagemaker:CreateModelPackage": {
    fail: () => sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "missing", InferenceSpecification: inferenceSpecification })),
    error: { name: "ValidationException", message: /missing/ },
  },
  "sagemaker:UpdateModelPackage": {
    // 50 metadata entries, then one more: past the limit, and nothing else of the update applies.
    prepare: async () => packageVersion("PendingManualApproval", Object.fromEntries(tags(50).map((t) => [t.Key, t.Value]))),
    fail: async () => sm().send(new UpdateModelPackageCommand({ ModelPackageArn: await packageArn(), ModelApprovalStatus: "Approved", CustomerMetadataProperties: { one: "more" } })),
    error: { name: "ValidationException", message: /50/ },
  },
  "sagemaker:DeleteModelPackage": {
    prepare: () => packageVersion(),
    fail: async () => sm().send(new DeleteModelPackageCommand({ ModelPackageName: (await packageArn()).replace(/\/1$/, "/2") })),
    error: { name: "ValidationException", message: /does not exist/ },
  },
  "sagemaker:CreateModel": {
    // The tag check that follows cannot fail for a new model (at most 50 tags by spec, none left over).
    prepare: () => packageVersion("PendingManualApproval"),
    fail: async () => sm().send(new CreateModelCommand({ ModelName: "churn", PrimaryContainer: { ModelPackageName: await packageArn() }, Tags: tags(50) })),
    error: { name: "ValidationException", message: /approval status|Approved/ },
  },
  "sagemaker:DeleteModel": {
    prepare: () => model("other"),
    fail: () => sm().send(new DeleteModelCommand({ ModelName: "churn" })),
    error: { name: "ValidationException", message: /Could not find model/ },
  },
  "sagemaker:CreateEndpointConfig": {
    prepare: () => model(),
    fail: () =>
      sm().send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: "churn",
          ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "churn", InstanceType: "ml.m5.large", InitialInstanceCount: 1 }],
          ShadowProductionVariants: ["a", "b"].map((VariantName) => ({ VariantName, ModelName: "churn", InstanceType: "ml.m5.large", InitialInstanceCount: 1 })),
          Tags: tags(50),
        }),
      ),
    error: { name: "ValidationException", message: /[Ss]hadow/ },
  },
  "sagemaker:DeleteEndpointConfig": {
    prepare: () => config("other"),
    fail: () => sm().send(new DeleteEndpointConfigCommand({ EndpointConfigName: "churn" })),
    error: { name: "ValidationException", message: /Could not find endpoint config/ },
  },
  "sagemaker:CreateEndpoint": {
    prepare: () => model(),
    fail: () => sm().send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "churn", Tags: tags(50) })),
    error: { name: "ValidationException", message: /Could not find endpoint config/ },
  },
  "sagemaker:UpdateEndpoint": {
    prepare: () => endpoint(),
    fail: () =>
      sm().send(
        new UpdateEndpointCommand({
          EndpointName: "churn",
          EndpointConfigName: "churn",
          DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 } }, AutoRollbackConfiguration: { Alarms: [{ AlarmName: "nope" }] } },
        }),
      ),
    error: { name: "ValidationException", message: /nope/ },
  },
  "sagemaker:UpdateEndpointWeightsAndCapacities": {
    prepare: () => endpoint(),
    fail: () => sm().send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 0 }] })),
    error: { name: "ValidationException", message: /weight/ },
  },
  "sagemaker:DeleteEndpoint": {
    prepare: () => config(),
    fail: () => sm().send(new DeleteEndpointCommand({ EndpointName: "churn" })),
    error: { name: "ValidationException", message: /Could not find endpoint/ },
  },
  "sagemaker:AddTags": {
    // 31 tags, then 30 more: past 50, so none of them is kept.
    prepare: async () => sm().send(new AddTagsCommand({ ResourceArn: await model(), Tags: tags(31) })),
    fail: async () => sm().send(new AddTagsCommand({ ResourceArn: "arn:aws:sagemaker:us-east-1:000000000000:model/churn", Tags: tags(30, "new") })),
    error: { name: /ValidationException|ResourceLimitExceeded/, message: /50/ },
  },
  "sagemaker:DeleteTags": {
    prepare: async () => sm().send(new AddTagsCommand({ ResourceArn: await model(), Tags: tags(3) })),
    fail: () => sm().send(new DeleteTagsCommand({ ResourceArn: "arn:aws:sagemaker:us-east-1:000000000000:model/other", TagKeys: ["k0"] })),
    noCheck: "the sandbox does not check that the resource exists (AWS's answer for a missing one is not documented); removing no tags from it must still change nothing",
  },
  "cloudwatch:PutMetricAlarm": {
    prepare: () => cw().send(new PutMetricAlarmCommand(alarm)),
    fail: () => cw().send(new PutMetricAlarmCommand({ ...alarm, Threshold: 0.5, EvaluationPeriods: 1, DatapointsToAlarm: 2, Tags: tags(50) })),
    error: { name: /InvalidParameterValue|ValidationError|ValidationException/, message: /DatapointsToAlarm/ },
  },
  "cloudwatch:DeleteAlarms": {
    // AWS deletes the names that exist even when others do not (see the handler): so only unknown names here.
    prepare: () => cw().send(new PutMetricAlarmCommand(alarm)),
    fail: () => cw().send(new DeleteAlarmsCommand({ AlarmNames: ["nope", "neither"] })),
    error: { name: "ResourceNotFound" },
  },
  "cloudwatch:TagResource": {
    prepare: () => cw().send(new PutMetricAlarmCommand({ ...alarm, Tags: tags(31) })),
    fail: () => cw().send(new TagResourceCommand({ ResourceARN: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:churn-5xx", Tags: tags(30, "new") })),
    error: { name: /LimitExceeded/ },
  },
  "cloudwatch:UntagResource": {
    prepare: () => cw().send(new PutMetricAlarmCommand({ ...alarm, Tags: tags(3) })),
    fail: () => cw().send(new UntagResourceCommand({ ResourceARN: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:nope", TagKeys: ["k0"] })),
    error: { name: /ResourceNotFound/ },
  },
  "cloudwatch:SetAlarmState": {
    prepare: () => cw().send(new PutMetricAlarmCommand(alarm)),
    fail: () => cw().send(new SetAlarmStateCommand({ AlarmName: "nope", StateValue: "ALARM", StateReason: "test" })),
    error: { name: "ResourceNotFound" },
  },
  "cloudwatch:PutMetricData": {
    fail: () => cw().send(new PutMetricDataCommand({ Namespace: "AWS/SageMaker", MetricData: [{ MetricName: "Invocations", Value: 1 }] })),
    error: { name: /InvalidParameterValue/, message: /AWS\// },
  },
  "codepipeline:CreatePipeline": {
    // The structure is valid and the name free; 51 tags is one too many, so no pipeline and no execution.
    fail: () => cpl().send(new codepipeline.CreatePipelineCommand({ pipeline: releasePipeline, tags: tags(51).map((t) => ({ key: t.Key, value: t.Value })) })),
    error: { name: "TooManyTagsException" },
  },
  "codepipeline:UpdatePipeline": {
    prepare: () => createRelease(),
    fail: () => cpl().send(new codepipeline.UpdatePipelineCommand({ pipeline: { ...releasePipeline, stages: releasePipeline.stages!.slice(0, 1) } })),
    error: { name: "InvalidStructureException", message: /minimum of 2 stages/ },
  },
  "codepipeline:DeletePipeline": {
    prepare: () => createRelease(),
    fail: () => cpl().send(new codepipeline.DeletePipelineCommand({ name: "other" })),
    noCheck: "as in CodePipeline, whose model lists no not-found error for DeletePipeline, deleting a missing pipeline succeeds; it must still change nothing",
  },
  "codepipeline:StartPipelineExecution": {
    prepare: () => createRelease(),
    fail: () => cpl().send(new codepipeline.StartPipelineExecutionCommand({ name: "release", variables: [{ name: "MODEL_VERSION", value: "2" }, { name: "UNDECLARED", value: "x" }] })),
    error: { name: "ValidationException", message: /UNDECLARED/ },
  },
  "codepipeline:PutApprovalResult": {
    prepare: async () => {
      await createRelease();
      sandbox.current.clock.advance(15_000);
    },
    fail: () => cpl().send(new codepipeline.PutApprovalResultCommand({ pipelineName: "release", stageName: "Approval", actionName: "Approve", token: "00000000-0000-4000-8000-000000000000", result: { status: "Approved", summary: "ok" } })),
    error: { name: "InvalidApprovalTokenException" },
  },
  "codepipeline:StopPipelineExecution": {
    // Stopping (waiting for the source action), then a second stop without abandon: refused.
    prepare: async () => {
      await createRelease();
      await cpl().send(new codepipeline.StopPipelineExecutionCommand({ pipelineName: "release", pipelineExecutionId: await releaseExecution() }));
    },
    fail: async () => cpl().send(new codepipeline.StopPipelineExecutionCommand({ pipelineName: "release", pipelineExecutionId: await releaseExecution(), reason: "again" })),
    error: { name: "DuplicatedStopRequestException" },
  },
  "events:PutRule": {
    // Name, pattern and count all pass; 51 tags is over EventBridge's 50 per resource.
    fail: () => eb().send(new events.PutRuleCommand({ Name: "r", EventPattern: JSON.stringify({ source: ["aws.s3"] }), Tags: tags(51) })),
    error: { name: "LimitExceededException" },
  },
  "events:DeleteRule": {
    prepare: () => ruleWithTargets(1),
    fail: () => eb().send(new events.DeleteRuleCommand({ Name: "r" })),
    error: { name: "ValidationException", message: /has targets/ },
  },
  "events:EnableRule": {
    fail: () => eb().send(new events.EnableRuleCommand({ Name: "missing" })),
    error: { name: "ResourceNotFoundException" },
  },
  "events:DisableRule": {
    fail: () => eb().send(new events.DisableRuleCommand({ Name: "missing" })),
    error: { name: "ResourceNotFoundException" },
  },
  "events:PutTargets": {
    // Five targets already: a sixth is refused, and none of the batch is added.
    prepare: () => ruleWithTargets(5),
    fail: () => eb().send(new events.PutTargetsCommand({ Rule: "r", Targets: [{ Id: "t5", Arn: "arn:aws:sns:us-east-1:000000000000:t5" }] })),
    error: { name: "LimitExceededException" },
  },
  "events:RemoveTargets": {
    fail: () => eb().send(new events.RemoveTargetsCommand({ Rule: "missing", Ids: ["t0"] })),
    error: { name: "ResourceNotFoundException" },
  },
  "events:PutEvents": {
    // Entries fail one by one (FailedEntries), never the call: a malformed detail reaches no rule.
    prepare: () => ruleWithTargets(1),
    fail: () => eb().send(new events.PutEventsCommand({ Entries: [{ Source: "aws.s3", DetailType: "t", Detail: "not json" }] })),
    noCheck: "PutEvents reports failures per entry; a failed entry must change nothing",
  },
  "events:TagResource": {
    prepare: () => ruleWithTargets(0),
    fail: () => eb().send(new events.TagResourceCommand({ ResourceARN: "arn:aws:events:us-east-1:000000000000:rule/r", Tags: tags(51) })),
    error: { name: "LimitExceededException" },
  },
  "events:UntagResource": {
    // The tag keys are well formed; the rule does not exist.
    fail: () => eb().send(new events.UntagResourceCommand({ ResourceARN: "arn:aws:events:us-east-1:000000000000:rule/missing", TagKeys: ["k0"] })),
    error: { name: "ResourceNotFoundException" },
  },
  "sns:CreateTopic": {
    fail: () => snsCall(sandbox.current, "CreateTopic", { Name: "not a name" }),
    error: { name: "InvalidParameter", message: /Topic Name/ },
  },
  "sns:Publish": {
    // The topic exists and the message fits; an empty subject is refused (before the topic is looked up, as SNS does).
    prepare: () => createTopic(sandbox.current, "alerts"),
    fail: () => snsCall(sandbox.current, "Publish", { TopicArn: "arn:aws:sns:us-east-1:000000000000:alerts", Message: "m", Subject: "" }),
    error: { name: "InvalidParameter", message: /Subject/ },
  },
  "sns:DeleteTopic": {
    fail: () => snsCall(sandbox.current, "DeleteTopic", { TopicArn: "arn:aws:sns:us-east-1:000000000000:missing" }),
    noCheck: "as in SNS, deleting a topic that does not exist succeeds; it must still change nothing",
  },
  "sns:TagResource": {
    fail: () => snsCall(sandbox.current, "TagResource", { ResourceArn: "arn:aws:sns:us-east-1:000000000000:missing", "Tags.member.1.Key": "k", "Tags.member.1.Value": "v" }),
    error: { name: "ResourceNotFound" },
  },
  "sns:UntagResource": {
    fail: () => snsCall(sandbox.current, "UntagResource", { ResourceArn: "arn:aws:sns:us-east-1:000000000000:missing", "TagKeys.member.1": "k" }),
    error: { name: "ResourceNotFound" },
  },
  "s3:CreateBucket": {
    // The name is taken (in another region): 409, and the bucket stays where it is.
    prepare: () => s3("eu-west-1").send(new CreateBucketCommand({ Bucket: "models", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
    fail: () => s3("us-east-1").send(new CreateBucketCommand({ Bucket: "models" })),
    error: { name: "BucketAlreadyOwnedByYou" },
  },
  "s3:DeleteBucket": {
    prepare: async () => {
      await s3().send(new CreateBucketCommand({ Bucket: "models" }));
      await s3().send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "weights" }));
    },
    fail: () => s3().send(new DeleteBucketCommand({ Bucket: "models" })),
    error: { name: "BucketNotEmpty" },
  },
  "s3:PutBucketNotificationConfiguration": {
    // Two queue configurations sharing an event type overlap: refused, and the one set before stays.
    prepare: async () => {
      await s3().send(new CreateBucketCommand({ Bucket: "models" }));
      await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "models", NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    },
    fail: () =>
      s3().send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: "models",
          NotificationConfiguration: { QueueConfigurations: ["a", "b"].map((q) => ({ QueueArn: `arn:aws:sqs:us-east-1:000000000000:${q}`, Events: ["s3:ObjectCreated:*" as const] })) },
        }),
      ),
    error: { name: /InvalidArgument/, message: /overlap/ },
  },
  "s3:PutObject": {
    prepare: () => s3().send(new CreateBucketCommand({ Bucket: "models" })),
    fail: () => s3().send(new PutObjectCommand({ Bucket: "models", Key: "k".repeat(1025), Body: "weights" })),
    error: { name: "KeyTooLongError" },
  },
  "s3:DeleteObject": {
    prepare: () => s3().send(new CreateBucketCommand({ Bucket: "models" })),
    fail: () => s3().send(new DeleteObjectCommand({ Bucket: "other", Key: "m.tar.gz" })),
    error: { name: "NoSuchBucket" },
  },
};

const eb = () => new events.EventBridgeClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
/** Rule `r` with `n` SNS targets. */
async function ruleWithTargets(n: number) {
  await eb().send(new events.PutRuleCommand({ Name: "r", EventPattern: JSON.stringify({ source: ["aws.s3"] }) }));
  if (n > 0) await eb().send(new events.PutTargetsCommand({ Rule: "r", Targets: Array.from({ length: n }, (_, i) => ({ Id: `t${i}`, Arn: `arn:aws:sns:us-east-1:000000000000:t${i}` })) }));
}

/** Source → Approval, for CodePipeline: a new pipeline's execution reaches its approval after the 10 s source. */
const cpl = () => new codepipeline.CodePipelineClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const releasePipeline: codepipeline.PipelineDeclaration = {
  name: "release",
  roleArn: "arn:aws:iam::000000000000:role/codepipeline",
  artifactStore: { type: "S3", location: "artifacts" },
  variables: [{ name: "MODEL_VERSION", defaultValue: "1" }],
  stages: [
    { name: "Source", actions: [{ name: "Source", actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" }, configuration: { S3Bucket: "artifacts", S3ObjectKey: "src.zip" } }] },
    { name: "Approval", actions: [{ name: "Approve", actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" } }] },
  ],
};
const createRelease = () => cpl().send(new codepipeline.CreatePipelineCommand({ pipeline: releasePipeline }));
const releaseExecution = async () => (await cpl().send(new codepipeline.ListPipelineExecutionsCommand({ pipelineName: "release" }))).pipelineExecutionSummaries![0]!.pipelineExecutionId!;

async function packageArn(): Promise<string> {
  return "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1";
}

describe("validate, then apply", () => {
  it("has a case for every operation that changes state, and none for others", () => {
    const mutating = sandbox.current
      .operations()
      .filter((o) => o.mutates)
      .map((o) => `${o.service}:${o.operation}`)
      .sort();
    expect(mutating.length).toBeGreaterThan(20);
    expect(Object.keys(CASES).sort()).toEqual(mutating);
  });

  it.each(Object.entries(CASES))("%s refused by its last check changes nothing", async (_name, c) => {
    await c.prepare?.();
    const before = sandbox.current.snapshot();
    const mutationsBefore = sandbox.current.requestLog.mutatingCalls().length;
    const error = (await c.fail().then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    if (c.noCheck) expect(error).toBeUndefined();
    else {
      expect(error, "the call should have been refused").toBeInstanceOf(Error);
      expect(error!.name).toMatch(c.error!.name);
      if (c.error!.message) expect(error!.message).toMatch(c.error!.message);
    }
    expect(sandbox.current.snapshot()).toEqual(before);
    // And the witness saw the refused call as a mutating one.
    expect(sandbox.current.requestLog.mutatingCalls().length).toBe(mutationsBefore + 1);
  });
});
