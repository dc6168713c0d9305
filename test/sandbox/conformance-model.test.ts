import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index";
import { botocoreModels, sandboxServices, type ServiceModel } from "../helpers/aws-models";
import { invalidCases } from "../helpers/model-cases";
import { headerDrift, jsonOutputDrift, parseXml, xmlOutputDrift } from "../helpers/output-shape";
import { useSandbox } from "../helpers/sandbox";
import { wireClient, type RawAnswer, type WireClient } from "../helpers/sdk-wire";
import { specDrift, undeclaredMembers } from "../helpers/spec-vs-model";

/**
 * The sandbox measured against AWS's own API models (botocore's, read at run time through
 * python3): its input Specs say what the models say; every operation accepts a valid input and
 * refuses each input that breaks one modelled constraint with its protocol's validation error;
 * and what it answers has the model's output shape. Each deliberate difference is listed below
 * with its reason, and a listed difference that no longer exists fails the test.
 */

/**
 * Where a sandbox Spec deliberately says something other than botocore's model: `path: rule` → why.
 * Every entry must still match a difference (a stale entry fails the test).
 */
const SPEC_EXCEPTIONS: Record<string, string> = {
  // Instance types come from the AWS SDK the sandbox is built with; a newer SDK knows types an older botocore does not.
  "sagemaker:CreateModelPackage.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes[]: enum": "the JS SDK's ProductionVariantInstanceType, whichever of it and botocore is newer",
  "sagemaker:UpdateModelPackage.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes[]: enum": "the JS SDK's ProductionVariantInstanceType",
  "sagemaker:CreateModelPackage.InferenceSpecification.SupportedTransformInstanceTypes[]: enum": "the JS SDK's TransformInstanceType",
  "sagemaker:UpdateModelPackage.InferenceSpecification.SupportedTransformInstanceTypes[]: enum": "the JS SDK's TransformInstanceType",
  "sagemaker:CreateEndpointConfig.ProductionVariants[].InstanceType: enum": "the JS SDK's ProductionVariantInstanceType",
  "sagemaker:CreateEndpointConfig.ShadowProductionVariants[].InstanceType: enum": "the JS SDK's ProductionVariantInstanceType",
  // The model's pattern `([…]*)${1,128}` quantifies `$`, which no regex engine reads as meant; the sandbox checks the character class.
  "sagemaker:CreateModelPackage.CustomerMetadataProperties{key}: pattern": "malformed model pattern",
  "sagemaker:CreateModelPackage.CustomerMetadataProperties{value}: pattern": "malformed model pattern",
  "sagemaker:UpdateModelPackage.CustomerMetadataProperties{key}: pattern": "malformed model pattern",
  "sagemaker:UpdateModelPackage.CustomerMetadataProperties{value}: pattern": "malformed model pattern",
  "sagemaker:UpdateModelPackage.CustomerMetadataPropertiesToRemove[]: pattern": "malformed model pattern",
  // CloudWatch's API reference states these; its Smithy model (botocore) has dropped them.
  "cloudwatch:PutMetricAlarm.EvaluationPeriods: required": "API reference: Required: Yes",
  "cloudwatch:PutMetricAlarm.ComparisonOperator: required": "API reference: Required: Yes",
  "cloudwatch:PutMetricAlarm.TreatMissingData: enum": "API reference: Valid Values: breaching | notBreaching | ignore | missing",
  "cloudwatch:PutMetricAlarm.Metrics[].Id: pattern": "API reference (MetricDataQuery.Id): letters, digits, underscore; first a lower-case letter",
  "cloudwatch:GetMetricData.MetricDataQueries[].Id: pattern": "API reference (MetricDataQuery.Id)",
  "cloudwatch:PutMetricAlarm.Metrics: max": "CloudWatch quotas: at most 10 metrics in an alarm's math expression",
  "cloudwatch:PutMetricAlarm.Tags: max": "API reference: up to 50 tags per alarm",
  "cloudwatch:TagResource.Tags: max": "API reference: up to 50 tags per resource",
  "cloudwatch:PutMetricData.MetricData: max": "API reference: up to 1000 metrics per call",
  "cloudwatch:GetMetricData.MetricDataQueries: min": "API reference: at least one query",
  "cloudwatch:GetMetricData.MetricDataQueries: max": "API reference: up to 500 queries",
  "events:PutTargets.Targets: max": "API reference (PutTargets): the maximum number of entries per request is 10; the model says 100",
};

/**
 * Model members the sandbox accepts without checking them: features it does not simulate. It
 * stores or ignores them; it never reads them. Every entry must still be undeclared.
 */
const NOT_SIMULATED: Record<string, string> = {
  "sagemaker:CreateModelPackageGroup": "ManagedConfiguration",
  "sagemaker:CreateModelPackage":
    "ValidationSpecification SourceAlgorithmSpecification DriftCheckBaselines AdditionalInferenceSpecifications SecurityConfig ModelCard ModelLifeCycle ManagedStorageType ModelMetrics.Bias.PreTrainingReport ModelMetrics.Bias.PostTrainingReport",
  "sagemaker:UpdateModelPackage": "AdditionalInferenceSpecificationsToAdd SourceUri ModelCard ModelLifeCycle ModelPackageRegistrationType",
  "sagemaker:CreateModel": "VpcConfig InferenceExecutionConfig",
  "sagemaker:CreateEndpointConfig": "DataCaptureConfig ExplainerConfig VpcConfig AsyncInferenceConfig.OutputConfig.NotificationConfig",
  "sagemaker:CreateModelPackage.InferenceSpecification.Containers": "ModelDataSource ModelInput AdditionalModelDataSources AdditionalS3DataSource BaseModel",
  "sagemaker:UpdateModelPackage.InferenceSpecification.Containers": "ModelDataSource ModelInput AdditionalModelDataSources AdditionalS3DataSource BaseModel",
  "sagemaker:CreateModel.PrimaryContainer": "ImageConfig ModelDataSource AdditionalModelDataSources MultiModelConfig",
  "sagemaker:CreateModel.Containers": "ImageConfig ModelDataSource AdditionalModelDataSources MultiModelConfig",
  "sagemaker:CreateEndpointConfig.ProductionVariants": "CoreDumpConfig ManagedInstanceScaling RoutingConfig CapacityReservationConfig InstancePools",
  "sagemaker:CreateEndpointConfig.ShadowProductionVariants": "CoreDumpConfig ManagedInstanceScaling RoutingConfig CapacityReservationConfig InstancePools",
  "sagemaker:StartPipelineExecution": "SelectiveExecutionConfig",
  "cloudwatch:PutMetricAlarm": "EvaluationCriteria",
  "cloudwatch:PutMetricData": "EntityMetricData",
  // Global endpoints: the SDK turns EndpointId into the host name, so a call with one never reaches the sandbox.
  "events:PutEvents": "EndpointId",
  "events:PutTargets.Targets":
    "KinesisParameters RunCommandParameters EcsParameters BatchParameters SqsParameters HttpParameters RedshiftDataParameters DeadLetterConfig RetryPolicy AppSyncParameters",
};

/** `path: rule …` → `path: rule`. */
const ruleOf = (drift: string) => /^(.*?: \w+)/.exec(drift)![1]!;

describe("the sandbox's input specs say what AWS's models say", () => {
  it("declares every member with the model's type, required, enum, min, max and pattern", () => {
    const models = botocoreModels();
    const drift: string[] = [];
    for (const service of sandboxServices()) {
      const model = models[service.name]!;
      for (const [name, op] of Object.entries(service.operations)) {
        const modelOp = model.operations[name];
        if (!modelOp) drift.push(`${service.name}:${name}: missing from the model`);
        else if (op.input) drift.push(...specDrift(model, op.input, modelOp.input!.shape, `${service.name}:${name}`));
      }
    }
    expect(drift.filter((d) => !(ruleOf(d) in SPEC_EXCEPTIONS))).toEqual([]);
    expect(Object.keys(SPEC_EXCEPTIONS).filter((rule) => !drift.some((d) => ruleOf(d) === rule))).toEqual([]);
  });

  it("declares every constrained member, except the features listed as not simulated", () => {
    const models = botocoreModels();
    const undeclared: string[] = [];
    for (const service of sandboxServices()) {
      const model = models[service.name]!;
      for (const [name, op] of Object.entries(service.operations)) {
        const shape = model.operations[name]?.input?.shape;
        // S3's operations are routed by URI and headers and read what they use; see UNGENERATED.
        if (shape && service.name !== "s3") undeclared.push(...undeclaredMembers(model, op.input ?? {}, shape, `${service.name}:${name}`));
      }
    }
    const listed = Object.entries(NOT_SIMULATED).flatMap(([prefix, members]) => members.split(" ").map((m) => `${prefix}.${m}`));
    expect(undeclared.filter((m) => !listed.includes(m))).toEqual([]);
    expect(listed.filter((m) => !undeclared.includes(m))).toEqual([]);
  });
});

/** What a valid input may need: the sandbox's region and account, its clock (epoch ms), and earlier steps' answers by op. */
interface Env {
  region: string;
  account: string;
  now: number;
  /** The last answer of each operation (`service:Operation` → parsed body), for ids the sandbox makes (execution ARNs, tokens). */
  out: Record<string, any>;
}

/**
 * One valid call per operation, in an order in which the resources exist. A new operation is one
 * line here. `setup` steps only prepare state (no invalid variants); `advance` moves the sandbox
 * clock (seconds) before the call, so that endpoints finish their work.
 */
interface Step {
  op: `${string}:${string}`;
  input: Record<string, unknown> | ((env: Env) => Record<string, unknown>);
  setup?: boolean;
  advance?: number;
  /** Output members AWS always returns (empty lists, defaults) though the model does not mark them required: dotted paths. */
  present?: string[];
}

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const MODEL_DATA = "s3://conformance-bucket/churn/model.tar.gz";
const DIMENSIONS = [{ Name: "EndpointName", Value: "churn" }];
const ERRORS_METRIC = { Namespace: "Conformance", MetricName: "Errors", Dimensions: DIMENSIONS };
const packageArn = (e: Env) => `arn:aws:sagemaker:${e.region}:${e.account}:model-package/churn/1`;
const endpointArn = (e: Env) => `arn:aws:sagemaker:${e.region}:${e.account}:endpoint/churn`;
const topicArn = (e: Env) => `arn:aws:sns:${e.region}:${e.account}:churn-alerts`;
const alarmArn = (e: Env) => `arn:aws:cloudwatch:${e.region}:${e.account}:alarm:churn-errors`;
const variant = (count: number) => ({ VariantName: "AllTraffic", ModelName: "churn-v1", InitialInstanceCount: count, InstanceType: "ml.m5.large", InitialVariantWeight: 1 });
const PIPELINE_DEFINITION = readFileSync(join(__dirname, "../fixtures/pipeline.json"), "utf8");
const ROLE = "arn:aws:iam::000000000000:role/sagemaker";
const idempotencyToken = (what: string) => `conformance-${what}`.padEnd(32, "-");
const executionArn = (e: Env) => e.out["sagemaker:StartPipelineExecution"].PipelineExecutionArn as string;
const window = (e: Env) => ({ StartTime: new Date(e.now - 3_600_000), EndTime: new Date(e.now + 3_600_000) });


/** A CodePipeline declaration with most members set: Source → Build → Approval → Deploy. */
const cpAction = (name: string, category: string, provider: string, extra: Record<string, unknown> = {}) => ({ name, actionTypeId: { category, owner: "AWS", provider, version: "1" }, runOrder: 1, ...extra });
const PIPELINE = {
  name: "churn-release",
  roleArn: "arn:aws:iam::000000000000:role/codepipeline",
  artifactStore: { type: "S3", location: "conformance-bucket", encryptionKey: { id: "alias/aws/s3", type: "KMS" } },
  executionMode: "SUPERSEDED",
  pipelineType: "V2",
  variables: [{ name: "MODEL_VERSION", defaultValue: "1", description: "model package version" }],
  stages: [
    { name: "Source", actions: [cpAction("Source", "Source", "CodeStarSourceConnection", { outputArtifacts: [{ name: "src" }], configuration: { ConnectionArn: "arn:aws:codeconnections:us-east-1:000000000000:connection/c", FullRepositoryId: "org/churn", BranchName: "main" }, namespace: "SourceVariables" })] },
    { name: "Build", actions: [cpAction("Build", "Build", "CodeBuild", { inputArtifacts: [{ name: "src" }], outputArtifacts: [{ name: "built" }], configuration: { ProjectName: "churn" }, environmentVariables: [{ name: "STAGE", value: "build", type: "PLAINTEXT" }], outputVariables: ["MODEL_PACKAGE_ARN"], roleArn: "arn:aws:iam::000000000000:role/build", region: "us-east-1" })] },
    { name: "Approval", actions: [cpAction("Approve", "Approval", "Manual", { configuration: { CustomData: "check staging" }, timeoutInMinutes: 60 })] },
    { name: "Production", actions: [cpAction("Deploy", "Deploy", "CloudFormation", { inputArtifacts: [{ name: "built" }], configuration: { ActionMode: "CREATE_UPDATE", StackName: "churn" } })] },
  ],
  triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", push: [{ branches: { includes: ["main"], excludes: ["wip*"] }, filePaths: { includes: ["src/**"] } }] } }],
};
/** The token of the approval waiting in GetPipelineState's answer. */
const approvalToken = (e: Env) => e.out["codepipeline:GetPipelineState"].stageStates.find((s: { stageName: string }) => s.stageName === "Approval").actionStates[0].latestExecution.token;

const STEPS: Step[] = [
  { op: "sts:GetCallerIdentity", input: {} },
  { op: "sts:GetAccessKeyInfo", input: { AccessKeyId: "AKIAIOSFODNN7EXAMPLE" } },
  { op: "s3:CreateBucket", input: { Bucket: "conformance-bucket" } },
  { op: "s3:HeadBucket", input: { Bucket: "conformance-bucket" } },
  { op: "s3:PutObject", input: { Bucket: "conformance-bucket", Key: "churn/model.tar.gz", Body: "weights", ContentType: "application/gzip", Metadata: { stage: "test" } } },
  { op: "s3:HeadObject", input: { Bucket: "conformance-bucket", Key: "churn/model.tar.gz" } },
  { op: "s3:GetObject", input: { Bucket: "conformance-bucket", Key: "churn/model.tar.gz" } },
  { op: "s3:ListObjectsV2", input: { Bucket: "conformance-bucket", Prefix: "churn/", Delimiter: "/", MaxKeys: 10 } },
  { op: "s3:ListBuckets", input: {} },
  {
    op: "s3:PutBucketNotificationConfiguration",
    input: (e) => ({
      Bucket: "conformance-bucket",
      NotificationConfiguration: {
        QueueConfigurations: [{ Id: "models", QueueArn: `arn:aws:sqs:${e.region}:${e.account}:models`, Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "churn/" }] } } }],
        EventBridgeConfiguration: {},
      },
    }),
  },
  { op: "s3:GetBucketNotificationConfiguration", input: { Bucket: "conformance-bucket" } },
  { op: "cloudwatch:PutMetricData", input: (e) => ({ Namespace: "Conformance", MetricData: [{ MetricName: "Errors", Dimensions: DIMENSIONS, Value: 1, Unit: "Count", Timestamp: new Date(e.now) }] }) },
  { op: "cloudwatch:ListMetrics", input: ERRORS_METRIC },
  { op: "cloudwatch:GetMetricStatistics", input: (e) => ({ ...ERRORS_METRIC, ...window(e), Period: 60, Statistics: ["Sum", "SampleCount"] }) },
  { op: "cloudwatch:GetMetricData", input: (e) => ({ MetricDataQueries: [{ Id: "errors", MetricStat: { Metric: ERRORS_METRIC, Period: 60, Stat: "Sum" }, ReturnData: true }], ...window(e), ScanBy: "TimestampAscending", MaxDatapoints: 100 }) },
  { op: "cloudwatch:PutMetricAlarm", input: { AlarmName: "churn-errors", AlarmDescription: "errors", ActionsEnabled: true, ...ERRORS_METRIC, Statistic: "Sum", Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 1, Threshold: 5, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", Unit: "Count", Tags: [{ Key: "team", Value: "ml" }] } },
  { op: "cloudwatch:DescribeAlarms", input: { AlarmNames: ["churn-errors"], StateValue: "INSUFFICIENT_DATA", MaxRecords: 10 }, present: ["MetricAlarms.0.OKActions", "MetricAlarms.0.AlarmActions", "MetricAlarms.0.InsufficientDataActions", "MetricAlarms.0.Dimensions", "CompositeAlarms"] },
  { op: "cloudwatch:SetAlarmState", input: { AlarmName: "churn-errors", StateValue: "OK", StateReason: "conformance" } },
  { op: "cloudwatch:TagResource", input: (e) => ({ ResourceARN: alarmArn(e), Tags: [{ Key: "stage", Value: "test" }] }) },
  { op: "cloudwatch:ListTagsForResource", input: (e) => ({ ResourceARN: alarmArn(e) }) },
  { op: "cloudwatch:UntagResource", input: (e) => ({ ResourceARN: alarmArn(e), TagKeys: ["stage"] }) },
  { op: "sagemaker:CreateModelPackageGroup", input: { ModelPackageGroupName: "churn", ModelPackageGroupDescription: "Churn models" } },
  { op: "sagemaker:DescribeModelPackageGroup", input: { ModelPackageGroupName: "churn" }, present: ["CreatedBy"] },
  { op: "sagemaker:ListModelPackageGroups", input: { NameContains: "churn", SortBy: "Name", SortOrder: "Ascending", MaxResults: 10 } },
  {
    op: "sagemaker:CreateModelPackage",
    input: {
      ModelPackageGroupName: "churn",
      ModelPackageDescription: "first",
      ModelApprovalStatus: "Approved",
      InferenceSpecification: { Containers: [{ Image: IMAGE, ModelDataUrl: MODEL_DATA, Environment: { LOG_LEVEL: "info" }, FrameworkVersion: "1.0" }], SupportedContentTypes: ["text/csv"], SupportedResponseMIMETypes: ["text/csv"], SupportedRealtimeInferenceInstanceTypes: ["ml.m5.large"], SupportedTransformInstanceTypes: ["ml.m5.large"] },
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: "s3://conformance-bucket/churn/evaluation.json" } } },
      MetadataProperties: { CommitId: "0123abc" },
      CustomerMetadataProperties: { team: "ml" },
      ClientToken: "conformance-1",
    },
  },
  { op: "sagemaker:DescribeModelPackage", input: (e) => ({ ModelPackageName: packageArn(e) }), present: ["CreatedBy", "ModelPackageStatusDetails"] },
  { op: "sagemaker:ListModelPackages", input: { ModelPackageGroupName: "churn", ModelApprovalStatus: "Approved", ModelPackageType: "Versioned", NameContains: "churn", SortBy: "CreationTime", SortOrder: "Descending", MaxResults: 10 } },
  { op: "sagemaker:UpdateModelPackage", input: (e) => ({ ModelPackageArn: packageArn(e), ModelApprovalStatus: "Approved", ApprovalDescription: "ok", CustomerMetadataProperties: { owner: "me" }, CustomerMetadataPropertiesToRemove: ["team"] }) },
  { op: "sagemaker:CreateModel", input: { ModelName: "churn-v1", PrimaryContainer: { Image: IMAGE, ModelDataUrl: MODEL_DATA, Environment: { LOG_LEVEL: "info" } }, ExecutionRoleArn: "arn:aws:iam::000000000000:role/sagemaker", EnableNetworkIsolation: false, Tags: [{ Key: "team", Value: "ml" }] } },
  { op: "sagemaker:DescribeModel", input: { ModelName: "churn-v1" }, present: ["EnableNetworkIsolation"] },
  { op: "sagemaker:ListModels", input: { NameContains: "churn", SortBy: "Name", SortOrder: "Ascending", MaxResults: 10 } },
  { op: "sagemaker:CreateEndpointConfig", input: { EndpointConfigName: "churn-a", ProductionVariants: [variant(2)], Tags: [{ Key: "team", Value: "ml" }] } },
  { op: "sagemaker:CreateEndpointConfig", input: { EndpointConfigName: "churn-b", ProductionVariants: [variant(2)] }, setup: true },
  { op: "sagemaker:DescribeEndpointConfig", input: { EndpointConfigName: "churn-a" } },
  { op: "sagemaker:ListEndpointConfigs", input: { NameContains: "churn", SortBy: "Name", SortOrder: "Ascending", MaxResults: 10 } },
  { op: "sagemaker:CreateEndpoint", input: { EndpointName: "churn", EndpointConfigName: "churn-a", Tags: [{ Key: "team", Value: "ml" }] } },
  { op: "sagemaker:DescribeEndpoint", input: { EndpointName: "churn" }, advance: 600, present: ["ProductionVariants.0.DeployedImages", "ProductionVariants.0.CurrentInstanceCount"] },
  { op: "sagemaker:ListEndpoints", input: { NameContains: "churn", StatusEquals: "InService", SortBy: "Name", SortOrder: "Ascending", MaxResults: 10 } },
  { op: "sagemaker:UpdateEndpointWeightsAndCapacities", input: { EndpointName: "churn", DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 1, DesiredInstanceCount: 2 }] } },
  {
    op: "sagemaker:UpdateEndpoint",
    advance: 600,
    input: {
      EndpointName: "churn",
      EndpointConfigName: "churn-b",
      DeploymentConfig: {
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", WaitIntervalInSeconds: 60, CanarySize: { Type: "INSTANCE_COUNT", Value: 1 } }, TerminationWaitInSeconds: 0, MaximumExecutionTimeoutInSeconds: 1800 },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: "churn-errors" }] },
      },
      RetainAllVariantProperties: false,
    },
  },
  { op: "sagemaker:AddTags", input: (e) => ({ ResourceArn: endpointArn(e), Tags: [{ Key: "stage", Value: "test" }] }) },
  { op: "sagemaker:ListTags", input: (e) => ({ ResourceArn: endpointArn(e), MaxResults: 50 }) },
  { op: "sagemaker:DeleteTags", input: (e) => ({ ResourceArn: endpointArn(e), TagKeys: ["stage"] }) },
  { op: "sagemaker:DeleteEndpoint", input: { EndpointName: "churn" }, advance: 3600 },
  { op: "sagemaker:DeleteEndpointConfig", input: { EndpointConfigName: "churn-a" } },
  { op: "sagemaker:DeleteModel", input: { ModelName: "churn-v1" } },
  {
    op: "sagemaker:CreatePipeline",
    input: { PipelineName: "churn-pipeline", PipelineDisplayName: "churn-pipeline", PipelineDefinition: PIPELINE_DEFINITION, PipelineDescription: "Churn", ClientRequestToken: idempotencyToken("create"), RoleArn: ROLE, Tags: [{ Key: "team", Value: "ml" }], ParallelismConfiguration: { MaxParallelExecutionSteps: 2 } },
  },
  { op: "sagemaker:UpdatePipeline", input: { PipelineName: "churn-pipeline", PipelineDisplayName: "churn-pipeline-2", PipelineDefinition: PIPELINE_DEFINITION, PipelineDescription: "Churn, updated", RoleArn: ROLE, ParallelismConfiguration: { MaxParallelExecutionSteps: 3 } } },
  { op: "sagemaker:DescribePipeline", input: { PipelineName: "churn-pipeline", PipelineVersionId: 2 } },
  { op: "sagemaker:ListPipelines", input: (e) => ({ PipelineNamePrefix: "churn", CreatedAfter: new Date(e.now - 3_600_000), CreatedBefore: new Date(e.now + 3_600_000), SortBy: "Name", SortOrder: "Ascending", MaxResults: 10 }) },
  {
    op: "sagemaker:StartPipelineExecution",
    input: { PipelineName: "churn-pipeline", PipelineExecutionDisplayName: "run-1", PipelineParameters: [{ Name: "AccuracyThreshold", Value: "0.8" }], PipelineExecutionDescription: "first run", ClientRequestToken: idempotencyToken("start"), ParallelismConfiguration: { MaxParallelExecutionSteps: 2 }, PipelineVersionId: 2 },
  },
  { op: "sagemaker:DescribePipelineExecution", input: (e) => ({ PipelineExecutionArn: executionArn(e) }), advance: 200 },
  { op: "sagemaker:ListPipelineExecutions", input: (e) => ({ PipelineName: "churn-pipeline", CreatedAfter: new Date(e.now - 3_600_000), CreatedBefore: new Date(e.now + 3_600_000), SortBy: "CreationTime", SortOrder: "Descending", MaxResults: 10 }) },
  { op: "sagemaker:ListPipelineExecutionSteps", input: (e) => ({ PipelineExecutionArn: executionArn(e), SortOrder: "Ascending", MaxResults: 10 }) },
  { op: "sagemaker:DescribePipelineDefinitionForExecution", input: (e) => ({ PipelineExecutionArn: executionArn(e) }) },
  { op: "sagemaker:StopPipelineExecution", input: (e) => ({ PipelineExecutionArn: executionArn(e), ClientRequestToken: idempotencyToken("stop") }) },
  { op: "sagemaker:DeletePipeline", input: { PipelineName: "churn-pipeline", ClientRequestToken: idempotencyToken("delete") }, advance: 60 },
  { op: "sagemaker:DeleteModelPackage", input: (e) => ({ ModelPackageName: packageArn(e) }) },
  { op: "sagemaker:DeleteModelPackageGroup", input: { ModelPackageGroupName: "churn" } },
  { op: "codepipeline:CreatePipeline", input: { pipeline: PIPELINE, tags: [{ key: "team", value: "ml" }] } },
  { op: "codepipeline:GetPipeline", input: { name: "churn-release", version: 1 } },
  { op: "codepipeline:ListPipelines", input: { maxResults: 10 } },
  { op: "codepipeline:UpdatePipeline", input: { pipeline: { ...PIPELINE, version: 1 } } },
  // Source 10 s, build 120 s: the execution CreatePipeline started waits at its approval.
  { op: "codepipeline:GetPipelineState", input: { name: "churn-release" }, advance: 200 },
  { op: "codepipeline:PutApprovalResult", input: (e) => ({ pipelineName: "churn-release", stageName: "Approval", actionName: "Approve", result: { summary: "ok", status: "Approved" }, token: approvalToken(e) }) },
  { op: "codepipeline:StartPipelineExecution", input: { name: "churn-release", variables: [{ name: "MODEL_VERSION", value: "2" }], clientRequestToken: "conformance-1", sourceRevisions: [{ actionName: "Source", revisionType: "COMMIT_ID", revisionValue: "0123abc" }] } },
  { op: "codepipeline:GetPipelineExecution", input: (e) => ({ pipelineName: "churn-release", pipelineExecutionId: e.out["codepipeline:StartPipelineExecution"].pipelineExecutionId }) },
  { op: "codepipeline:ListPipelineExecutions", input: { pipelineName: "churn-release", maxResults: 10, filter: { succeededInStage: { stageName: "Source" } } } },
  {
    op: "codepipeline:ListActionExecutions",
    input: (e) => {
      const id = e.out["codepipeline:StartPipelineExecution"].pipelineExecutionId;
      return { pipelineName: "churn-release", filter: { pipelineExecutionId: id, latestInPipelineExecution: { pipelineExecutionId: id, startTimeRange: "Latest" } }, maxResults: 10 };
    },
  },
  { op: "codepipeline:StopPipelineExecution", input: (e) => ({ pipelineName: "churn-release", pipelineExecutionId: e.out["codepipeline:StartPipelineExecution"].pipelineExecutionId, abandon: true, reason: "conformance" }) },
  { op: "sns:CreateTopic", input: { Name: "churn-alerts", Attributes: { DisplayName: "churn" }, Tags: [{ Key: "team", Value: "ml" }] } },
  { op: "sns:ListTopics", input: {} },
  { op: "sns:GetTopicAttributes", input: (e) => ({ TopicArn: topicArn(e) }) },
  { op: "sns:TagResource", input: (e) => ({ ResourceArn: topicArn(e), Tags: [{ Key: "stage", Value: "prod" }] }) },
  { op: "sns:ListTagsForResource", input: (e) => ({ ResourceArn: topicArn(e) }) },
  { op: "sns:UntagResource", input: (e) => ({ ResourceArn: topicArn(e), TagKeys: ["stage"] }) },
  { op: "sns:Publish", input: (e) => ({ TopicArn: topicArn(e), Message: "retraining failed", Subject: "mlops", MessageAttributes: { kind: { DataType: "String", StringValue: "alert" } } }) },
  { op: "events:PutRule", input: { Name: "churn-approved", EventPattern: JSON.stringify({ source: ["aws.sagemaker"], detail: { ModelApprovalStatus: ["Approved"] } }), State: "ENABLED", Description: "deploy approved models", RoleArn: "arn:aws:iam::000000000000:role/events", Tags: [{ Key: "managed-by", Value: "mlops" }], EventBusName: "default" } },
  { op: "events:DescribeRule", input: { Name: "churn-approved", EventBusName: "default" } },
  { op: "events:ListRules", input: { NamePrefix: "churn", EventBusName: "default", Limit: 10 } },
  { op: "events:DisableRule", input: { Name: "churn-approved", EventBusName: "default" } },
  { op: "events:EnableRule", input: { Name: "churn-approved", EventBusName: "default" } },
  {
    op: "events:PutTargets",
    input: (e) => ({
      Rule: "churn-approved",
      EventBusName: "default",
      Targets: [
        { Id: "release", Arn: `arn:aws:codepipeline:${e.region}:${e.account}:churn-release`, RoleArn: "arn:aws:iam::000000000000:role/events" },
        { Id: "notify", Arn: topicArn(e), InputTransformer: { InputPathsMap: { group: "$.detail.ModelPackageGroupName" }, InputTemplate: '"approved <group>"' } },
        { Id: "train", Arn: `arn:aws:sagemaker:${e.region}:${e.account}:pipeline/demo`, RoleArn: "arn:aws:iam::000000000000:role/events", SageMakerPipelineParameters: { PipelineParameterList: [{ Name: "InputDataUrl", Value: "$.detail.ModelPackageArn" }] } },
      ],
    }),
  },
  { op: "events:ListTargetsByRule", input: { Rule: "churn-approved", EventBusName: "default", Limit: 10 } },
  { op: "events:TagResource", input: (e) => ({ ResourceARN: `arn:aws:events:${e.region}:${e.account}:rule/churn-approved`, Tags: [{ Key: "kind", Value: "model-approved" }] }) },
  { op: "events:ListTagsForResource", input: (e) => ({ ResourceARN: `arn:aws:events:${e.region}:${e.account}:rule/churn-approved` }) },
  { op: "events:UntagResource", input: (e) => ({ ResourceARN: `arn:aws:events:${e.region}:${e.account}:rule/churn-approved`, TagKeys: ["kind"] }) },
  {
    op: "events:TestEventPattern",
    input: (e) => ({ EventPattern: JSON.stringify({ source: ["aws.sagemaker"] }), Event: JSON.stringify({ id: "1", account: e.account, source: "aws.sagemaker", time: "2026-01-01T00:00:00Z", region: e.region, resources: [], "detail-type": "t", detail: {} }) }),
  },
  { op: "events:PutEvents", input: { Entries: [{ Source: "mlops.conformance", DetailType: "Test", Detail: JSON.stringify({ ok: true }), Resources: ["arn:aws:s3:::conformance-bucket"], Time: new Date(0), EventBusName: "default", TraceHeader: "Root=1" }] } },
  { op: "events:RemoveTargets", input: { Rule: "churn-approved", EventBusName: "default", Ids: ["release", "notify", "train"], Force: false } },
  { op: "events:DeleteRule", input: { Name: "churn-approved", EventBusName: "default", Force: false } },
  { op: "sns:DeleteTopic", input: (e) => ({ TopicArn: topicArn(e) }) },
  { op: "codepipeline:DeletePipeline", input: { name: "churn-release" } },
  { op: "cloudwatch:DeleteAlarms", input: { AlarmNames: ["churn-errors"] } },
  { op: "s3:DeleteObject", input: { Bucket: "conformance-bucket", Key: "churn/model.tar.gz" } },
  { op: "s3:DeleteBucket", input: { Bucket: "conformance-bucket" } },
];

/** The error each protocol answers a validation failure with, as clients read its code. */
const VALIDATION_ERROR: Record<string, string> = { sagemaker: "ValidationException", cloudwatch: "ValidationError", sts: "ValidationError", events: "ValidationException", codepipeline: "ValidationException", sns: "ValidationError" };

/** Invalid inputs the sandbox deliberately accepts: `service:Operation path: rule` → why. */
const INPUT_EXCEPTIONS: Record<string, string> = {};

/** Services whose constraints are not generated from the model, and why. */
const UNGENERATED: Record<string, string> = {
  s3: "S3's model puts no length or pattern on these operations' members, and Bucket and Key are URI labels a client cannot leave out; its rules (bucket names, key length, max-keys, continuation tokens) come from the S3 user guide and are tested in protocols.test.ts. Enum headers (x-amz-acl, x-amz-storage-class, checksums, SSE) are not simulated.",
};

/** Output members the sandbox deliberately shapes otherwise: `service:Operation path` → why. */
const OUTPUT_EXCEPTIONS: Record<string, string> = {
  "s3:GetBucketNotificationConfiguration.QueueConfigurations[].Filter.Key.FilterRules[].Name": "S3 answers Prefix/Suffix, outside the model's lower-case enum (aws/aws-sdk#389)",
};

/**
 * Whether a validation message has AWS's shape and names the member the case broke, in AWS's
 * spelling: `Value … at 'productionVariants.1.member.instanceType' failed to satisfy constraint: …`.
 * Map entries and keys are only checked for the shape.
 */
function namesMember(message: string, label: string): boolean {
  if (!/^\d+ validation errors? detected: Value .* at '.+' failed to satisfy constraint: Member must /s.test(message)) return false;
  const path = label.slice(0, label.lastIndexOf(": ")).split(".");
  if (path.some((part) => part.startsWith("{"))) return true;
  const aws = path.map((part) => (/^\d+$/.test(part) ? `${Number(part) + 1}.member` : part.charAt(0).toLowerCase() + part.slice(1))).join(".");
  return message.includes(` at '${aws}' `);
}

function outputDrift(model: ServiceModel, service: string, operation: string, raw: RawAnswer): string[] {
  const ref = model.operations[operation]!.output;
  if (!ref) return [];
  const path = `${service}:${operation}`;
  const text = raw.body.toString("utf8");
  if (model.metadata.protocol === "json" || model.metadata.protocols?.includes("json")) return jsonOutputDrift(model, ref.shape, JSON.parse(text || "{}"), path);
  if (model.metadata.protocol === "query") {
    const result = parseXml(text).children[0]?.children.find((c) => c.name === `${operation}Result`);
    return result ? xmlOutputDrift(model, ref.shape, result, path) : [`${path}: no <${operation}Result>`];
  }
  // REST-XML: headers always; the body when it is the output's XML (not a payload blob).
  const shape = model.shapes[ref.shape]!;
  const drift = headerDrift(model, ref.shape, raw.headers, path);
  const payload = shape.payload ? model.shapes[shape.members![shape.payload]!.shape]! : undefined;
  if (text.trim() && (!payload || payload.type === "structure")) drift.push(...xmlOutputDrift(model, ref.shape, parseXml(text).children[0]!, path));
  return drift;
}

describe("the sandbox refuses what AWS's models refuse, and answers in their shapes", () => {
  const sandbox = useSandbox({ trafficRps: 0 });

  it("has a valid base input for every operation it implements", () => {
    const covered = new Set<string>(STEPS.map((s) => s.op));
    // The running sandbox's own list, so that a new service or operation cannot go unnoticed.
    const missing = sandbox.current.operations().map((o) => `${o.service}:${o.operation}`).filter((op) => !covered.has(op));
    expect(missing.map((op) => `${op} has no base input in STEPS (conformance-model.test.ts)`)).toEqual([]);
    // The definitions this file reads the Specs from are the ones the sandbox serves.
    const defined = sandboxServices().flatMap((s) => Object.keys(s.operations).map((op) => `${s.name}:${op}`));
    expect(defined.sort()).toEqual(sandbox.current.operations().map((o) => `${o.service}:${o.operation}`).sort());
  });

  it("accepts each base input with a model-shaped answer, and refuses every input that breaks one constraint", async () => {
    const models = botocoreModels();
    const definitions = Object.fromEntries(sandboxServices().map((s) => [s.name, s]));
    const sb: Sandbox = sandbox.current;
    const clients: Record<string, WireClient> = {};
    const findings: string[] = [];
    let sent = 0;
    const outputs: Record<string, any> = {};
    const excused = new Set<string>();
    for (const step of STEPS) {
      const [service, operation] = step.op.split(":") as [string, string];
      const model = models[service]!;
      const client = (clients[service] ??= wireClient(sb, service));
      if (step.advance) sb.clock.advance(step.advance * 1000);
      const env: Env = { region: sb.region, account: sb.accountId, now: sb.clock.now(), out: outputs };
      const base = typeof step.input === "function" ? step.input(env) : step.input;
      const definition = definitions[service]!.operations[operation];
      if (!step.setup && !(service in UNGENERATED) && definition) {
        const { cases, notes } = invalidCases(model, model.operations[operation]!.input?.shape ?? "", base, definition.input ?? {});
        findings.push(...notes.map((n) => `${step.op} ${n}`));
        // Refused inputs change nothing, so they can go together.
        const answers = await Promise.all(cases.map((c) => client.send(operation, c.input)));
        sent += cases.length;
        cases.forEach((c, i) => {
          const key = `${step.op} ${c.label}`;
          const { error } = answers[i]!;
          const refused = error?.code === VALIDATION_ERROR[service] && error?.status === 400 && namesMember(error.message, c.label);
          if (refused === !(key in INPUT_EXCEPTIONS)) return;
          findings.push(refused ? `${key}: refused, but listed as an exception` : `${key}: answered ${error ? `${error.status} ${error.code}` : "200 (accepted)"}, AWS: 400 ${VALIDATION_ERROR[service]}`);
        });
      }
      sent++;
      const { raw, error } = await client.send(operation, base);
      if (error) {
        findings.push(`${step.op} base input refused: ${error.status} ${error.code} ${error.message}`);
        continue;
      }
      if (model.metadata.protocol === "json") outputs[step.op] = JSON.parse(raw.body.toString("utf8") || "{}");
      for (const drift of outputDrift(model, service, operation, raw)) {
        const where = drift.slice(0, drift.indexOf(": "));
        if (where in OUTPUT_EXCEPTIONS) excused.add(where);
        else findings.push(drift);
      }
      const output = step.present ? (JSON.parse(raw.body.toString("utf8")) as Record<string, unknown>) : {};
      for (const path of step.present ?? []) {
        if (path.split(".").reduce<any>((node, key) => node?.[key], output) === undefined) findings.push(`${step.op} ${path}: AWS always returns it; absent`);
      }
    }
    expect(findings).toEqual([]);
    expect(Object.keys(OUTPUT_EXCEPTIONS).filter((where) => !excused.has(where))).toEqual([]);
    expect(sent).toBeGreaterThan(STEPS.length);
  });
});
