import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index";
import { AwsCli, cliArgs, cliEnv, parseCliResult, type CliResult } from "../helpers/awscli";
import { useSandbox } from "../helpers/sandbox";

/**
 * A second, independent client: the AWS CLI v1 (botocore), not the JS SDK mlops is built on,
 * drives one representative call of every operation the sandbox implements, and one error per
 * wire protocol, and its parsed answers are checked.
 */

interface Env {
  region: string;
  account: string;
  /** Sandbox time, epoch ms. */
  now: number;
  dir: string;
  /** Earlier steps' parsed answers, by op. */
  out: Record<string, any>;
}

/** One CLI call. `op` names the sandbox operation it covers; `advance` moves the sandbox clock (seconds) first. */
interface CliStep {
  op: `${string}:${string}`;
  args: string[] | ((e: Env) => string[]);
  check?: (out: any, e: Env) => void;
  advance?: number;
}

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const DIMENSION = ["--dimensions", "Name=EndpointName,Value=churn"];
const packageArn = (e: Env) => `arn:aws:sagemaker:${e.region}:${e.account}:model-package/churn/1`;
const endpointArn = (e: Env) => `arn:aws:sagemaker:${e.region}:${e.account}:endpoint/churn`;
const topicArn = (e: Env) => `arn:aws:sns:${e.region}:${e.account}:churn-cli-alerts`;
const ruleArn = (e: Env) => `arn:aws:events:${e.region}:${e.account}:rule/churn-cli-approved`;
const alarmArn = (e: Env) => `arn:aws:cloudwatch:${e.region}:${e.account}:alarm:churn-errors`;
const iso = (ms: number) => new Date(ms).toISOString();
const window = (e: Env) => ["--start-time", iso(e.now - 3_600_000), "--end-time", iso(e.now + 3_600_000)];
const json = (value: unknown) => JSON.stringify(value);
const variants = json([{ VariantName: "AllTraffic", ModelName: "churn-v1", InitialInstanceCount: 2, InstanceType: "ml.m5.large", InitialVariantWeight: 1 }]);

/** Source → Build → Approval → Deploy, for the CodePipeline calls. */
const cpAction = (name: string, category: string, provider: string, extra: Record<string, unknown> = {}) => ({ name, actionTypeId: { category, owner: "AWS", provider, version: "1" }, ...extra });
const pipeline = (e: Env) => ({
  name: "churn-cli",
  roleArn: `arn:aws:iam::${e.account}:role/codepipeline`,
  artifactStore: { type: "S3", location: "conformance-cli" },
  variables: [{ name: "MODEL_VERSION", defaultValue: "1" }],
  stages: [
    { name: "Source", actions: [cpAction("Source", "Source", "S3", { outputArtifacts: [{ name: "src" }], configuration: { S3Bucket: "conformance-cli", S3ObjectKey: "src.zip" } })] },
    { name: "Build", actions: [cpAction("Build", "Build", "CodeBuild", { inputArtifacts: [{ name: "src" }], configuration: { ProjectName: "churn" } })] },
    { name: "Approval", actions: [cpAction("Approve", "Approval", "Manual")] },
    { name: "Production", actions: [cpAction("Deploy", "Deploy", "CodeDeploy", { inputArtifacts: [{ name: "src" }], configuration: { ApplicationName: "churn", DeploymentGroupName: "prod" } })] },
  ],
});
const started = (e: Env) => e.out["codepipeline:StartPipelineExecution"].pipelineExecutionId as string;
const PIPELINE_FILE = join(__dirname, "../fixtures/pipeline.json");
const cliToken = (what: string) => `conformance-cli-${what}`.padEnd(32, "-");
const pipelineArn = (e: Env) => `arn:aws:sagemaker:${e.region}:${e.account}:pipeline/churn-pipeline`;
/** The execution the CLI starts (its id is random), kept from start-pipeline-execution's answer. */
let executionArn = "";

const STEPS: CliStep[] = [
  { op: "sts:GetCallerIdentity", args: ["sts", "get-caller-identity"], check: (o, e) => expect(o).toEqual({ UserId: expect.any(String), Account: e.account, Arn: `arn:aws:iam::${e.account}:user/mlops-sandbox` }) },
  { op: "sts:GetAccessKeyInfo", args: ["sts", "get-access-key-info", "--access-key-id", "AKIAIOSFODNN7EXAMPLE"], check: (o, e) => expect(o.Account).toBe(e.account) },
  { op: "s3:CreateBucket", args: ["s3api", "create-bucket", "--bucket", "conformance-cli"], check: (o) => expect(o.Location).toBe("/conformance-cli") },
  { op: "s3:HeadBucket", args: ["s3api", "head-bucket", "--bucket", "conformance-cli"], check: (o, e) => expect(o.BucketRegion).toBe(e.region) },
  {
    op: "s3:PutObject",
    args: (e) => ["s3api", "put-object", "--bucket", "conformance-cli", "--key", "churn/model.tar.gz", "--body", join(e.dir, "model.tar.gz"), "--content-type", "application/gzip", "--metadata", "stage=test"],
    check: (o) => expect(o.ETag).toBe(`"${createHash("md5").update("weights").digest("hex")}"`),
  },
  { op: "s3:HeadObject", args: ["s3api", "head-object", "--bucket", "conformance-cli", "--key", "churn/model.tar.gz"], check: (o) => expect(o).toMatchObject({ ContentLength: 7, ContentType: "application/gzip", Metadata: { stage: "test" } }) },
  {
    op: "s3:GetObject",
    args: (e) => ["s3api", "get-object", "--bucket", "conformance-cli", "--key", "churn/model.tar.gz", join(e.dir, "downloaded")],
    check: (o, e) => {
      expect(o.ContentLength).toBe(7);
      expect(readFileSync(join(e.dir, "downloaded"), "utf8")).toBe("weights");
    },
  },
  { op: "s3:ListObjectsV2", args: ["s3api", "list-objects-v2", "--bucket", "conformance-cli", "--prefix", "churn/", "--no-paginate"], check: (o) => expect(o).toMatchObject({ KeyCount: 1, Contents: [{ Key: "churn/model.tar.gz", Size: 7 }] }) },
  { op: "s3:ListBuckets", args: ["s3api", "list-buckets"], check: (o) => expect(o.Buckets.map((b: { Name: string }) => b.Name)).toEqual(["conformance-cli"]) },
  {
    op: "s3:PutBucketNotificationConfiguration",
    args: (e) => [
      "s3api", "put-bucket-notification-configuration", "--bucket", "conformance-cli", "--notification-configuration",
      json({ TopicConfigurations: [{ Id: "models", TopicArn: `arn:aws:sns:${e.region}:${e.account}:models`, Events: ["s3:ObjectCreated:Put"], Filter: { Key: { FilterRules: [{ Name: "suffix", Value: ".tar.gz" }] } } }], EventBridgeConfiguration: {} }),
    ],
  },
  {
    op: "s3:GetBucketNotificationConfiguration",
    args: ["s3api", "get-bucket-notification-configuration", "--bucket", "conformance-cli"],
    check: (o, e) =>
      expect(o).toEqual({
        TopicConfigurations: [{ Id: "models", TopicArn: `arn:aws:sns:${e.region}:${e.account}:models`, Events: ["s3:ObjectCreated:Put"], Filter: { Key: { FilterRules: [{ Name: "Suffix", Value: ".tar.gz" }] } } }],
        EventBridgeConfiguration: {},
      }),
  },
  { op: "cloudwatch:PutMetricData", args: ["cloudwatch", "put-metric-data", "--namespace", "Conformance", "--metric-data", json([{ MetricName: "Errors", Dimensions: [{ Name: "EndpointName", Value: "churn" }], Value: 3, Unit: "Count" }])] },
  { op: "cloudwatch:ListMetrics", args: ["cloudwatch", "list-metrics", "--namespace", "Conformance"], check: (o) => expect(o.Metrics).toEqual([{ Namespace: "Conformance", MetricName: "Errors", Dimensions: [{ Name: "EndpointName", Value: "churn" }] }]) },
  {
    op: "cloudwatch:GetMetricStatistics",
    args: (e) => ["cloudwatch", "get-metric-statistics", "--namespace", "Conformance", "--metric-name", "Errors", ...DIMENSION, ...window(e), "--period", "60", "--statistics", "Sum"],
    check: (o) => expect(o.Datapoints.map((d: { Sum: number }) => d.Sum)).toEqual([3]),
  },
  {
    op: "cloudwatch:GetMetricData",
    args: (e) => ["cloudwatch", "get-metric-data", "--metric-data-queries", json([{ Id: "errors", MetricStat: { Metric: { Namespace: "Conformance", MetricName: "Errors", Dimensions: [{ Name: "EndpointName", Value: "churn" }] }, Period: 60, Stat: "Sum" } }]), ...window(e)],
    check: (o) => expect(o.MetricDataResults).toMatchObject([{ Id: "errors", Values: [3], StatusCode: "Complete" }]),
  },
  {
    op: "cloudwatch:PutMetricAlarm",
    args: ["cloudwatch", "put-metric-alarm", "--alarm-name", "churn-errors", "--metric-name", "Errors", "--namespace", "Conformance", "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "5", "--comparison-operator", "GreaterThanThreshold", ...DIMENSION, "--tags", "Key=team,Value=ml"],
  },
  {
    op: "cloudwatch:DescribeAlarms",
    args: ["cloudwatch", "describe-alarms", "--alarm-names", "churn-errors"],
    check: (o, e) => expect(o.MetricAlarms).toMatchObject([{ AlarmName: "churn-errors", AlarmArn: alarmArn(e), StateValue: "INSUFFICIENT_DATA", Threshold: 5, AlarmActions: [], OKActions: [] }]),
  },
  { op: "cloudwatch:SetAlarmState", args: ["cloudwatch", "set-alarm-state", "--alarm-name", "churn-errors", "--state-value", "OK", "--state-reason", "conformance"] },
  { op: "cloudwatch:TagResource", args: (e) => ["cloudwatch", "tag-resource", "--resource-arn", alarmArn(e), "--tags", "Key=stage,Value=test"] },
  { op: "cloudwatch:ListTagsForResource", args: (e) => ["cloudwatch", "list-tags-for-resource", "--resource-arn", alarmArn(e)], check: (o) => expect(o.Tags).toEqual(expect.arrayContaining([{ Key: "team", Value: "ml" }, { Key: "stage", Value: "test" }])) },
  { op: "cloudwatch:UntagResource", args: (e) => ["cloudwatch", "untag-resource", "--resource-arn", alarmArn(e), "--tag-keys", "stage"] },
  { op: "sagemaker:CreateModelPackageGroup", args: ["sagemaker", "create-model-package-group", "--model-package-group-name", "churn", "--model-package-group-description", "Churn models"], check: (o, e) => expect(o.ModelPackageGroupArn).toBe(`arn:aws:sagemaker:${e.region}:${e.account}:model-package-group/churn`) },
  { op: "sagemaker:DescribeModelPackageGroup", args: ["sagemaker", "describe-model-package-group", "--model-package-group-name", "churn"], check: (o) => expect(o).toMatchObject({ ModelPackageGroupName: "churn", ModelPackageGroupStatus: "Completed" }) },
  { op: "sagemaker:ListModelPackageGroups", args: ["sagemaker", "list-model-package-groups"], check: (o) => expect(o.ModelPackageGroupSummaryList).toMatchObject([{ ModelPackageGroupName: "churn" }]) },
  {
    op: "sagemaker:CreateModelPackage",
    args: ["sagemaker", "create-model-package", "--model-package-group-name", "churn", "--model-approval-status", "Approved", "--inference-specification", json({ Containers: [{ Image: IMAGE, ModelDataUrl: "s3://conformance-cli/churn/model.tar.gz" }], SupportedContentTypes: ["text/csv"], SupportedResponseMIMETypes: ["text/csv"] })],
    check: (o, e) => expect(o.ModelPackageArn).toBe(packageArn(e)),
  },
  { op: "sagemaker:DescribeModelPackage", args: (e) => ["sagemaker", "describe-model-package", "--model-package-name", packageArn(e)], check: (o) => expect(o).toMatchObject({ ModelPackageVersion: 1, ModelApprovalStatus: "Approved", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }) },
  { op: "sagemaker:ListModelPackages", args: ["sagemaker", "list-model-packages", "--model-package-group-name", "churn"], check: (o) => expect(o.ModelPackageSummaryList).toMatchObject([{ ModelPackageVersion: 1 }]) },
  { op: "sagemaker:UpdateModelPackage", args: (e) => ["sagemaker", "update-model-package", "--model-package-arn", packageArn(e), "--approval-description", "ok"], check: (o, e) => expect(o.ModelPackageArn).toBe(packageArn(e)) },
  {
    op: "sagemaker:CreateModel",
    args: ["sagemaker", "create-model", "--model-name", "churn-v1", "--primary-container", json({ Image: IMAGE, ModelDataUrl: "s3://conformance-cli/churn/model.tar.gz" }), "--execution-role-arn", "arn:aws:iam::000000000000:role/sagemaker"],
    check: (o, e) => expect(o.ModelArn).toBe(`arn:aws:sagemaker:${e.region}:${e.account}:model/churn-v1`),
  },
  { op: "sagemaker:DescribeModel", args: ["sagemaker", "describe-model", "--model-name", "churn-v1"], check: (o) => expect(o).toMatchObject({ ModelName: "churn-v1", PrimaryContainer: { Image: IMAGE }, EnableNetworkIsolation: false }) },
  { op: "sagemaker:ListModels", args: ["sagemaker", "list-models", "--name-contains", "churn"], check: (o) => expect(o.Models).toMatchObject([{ ModelName: "churn-v1" }]) },
  { op: "sagemaker:CreateEndpointConfig", args: ["sagemaker", "create-endpoint-config", "--endpoint-config-name", "churn-a", "--production-variants", variants] },
  { op: "sagemaker:CreateEndpointConfig", args: ["sagemaker", "create-endpoint-config", "--endpoint-config-name", "churn-b", "--production-variants", variants] },
  { op: "sagemaker:DescribeEndpointConfig", args: ["sagemaker", "describe-endpoint-config", "--endpoint-config-name", "churn-a"], check: (o) => expect(o.ProductionVariants).toMatchObject([{ VariantName: "AllTraffic", InstanceType: "ml.m5.large" }]) },
  { op: "sagemaker:ListEndpointConfigs", args: ["sagemaker", "list-endpoint-configs", "--sort-by", "Name", "--sort-order", "Ascending"], check: (o) => expect(o.EndpointConfigs.map((c: { EndpointConfigName: string }) => c.EndpointConfigName)).toEqual(["churn-a", "churn-b"]) },
  { op: "sagemaker:CreateEndpoint", args: ["sagemaker", "create-endpoint", "--endpoint-name", "churn", "--endpoint-config-name", "churn-a"], check: (o, e) => expect(o.EndpointArn).toBe(endpointArn(e)) },
  { op: "sagemaker:DescribeEndpoint", advance: 600, args: ["sagemaker", "describe-endpoint", "--endpoint-name", "churn"], check: (o) => expect(o).toMatchObject({ EndpointStatus: "InService", ProductionVariants: [{ VariantName: "AllTraffic", CurrentInstanceCount: 2 }] }) },
  { op: "sagemaker:ListEndpoints", args: ["sagemaker", "list-endpoints", "--status-equals", "InService"], check: (o) => expect(o.Endpoints).toMatchObject([{ EndpointName: "churn", EndpointStatus: "InService" }]) },
  { op: "sagemaker:UpdateEndpointWeightsAndCapacities", args: ["sagemaker", "update-endpoint-weights-and-capacities", "--endpoint-name", "churn", "--desired-weights-and-capacities", "VariantName=AllTraffic,DesiredWeight=1"], check: (o, e) => expect(o.EndpointArn).toBe(endpointArn(e)) },
  { op: "sagemaker:UpdateEndpoint", advance: 600, args: ["sagemaker", "update-endpoint", "--endpoint-name", "churn", "--endpoint-config-name", "churn-b"], check: (o, e) => expect(o.EndpointArn).toBe(endpointArn(e)) },
  { op: "sagemaker:AddTags", args: (e) => ["sagemaker", "add-tags", "--resource-arn", endpointArn(e), "--tags", "Key=stage,Value=test"], check: (o) => expect(o.Tags).toEqual([{ Key: "stage", Value: "test" }]) },
  { op: "sagemaker:ListTags", args: (e) => ["sagemaker", "list-tags", "--resource-arn", endpointArn(e)], check: (o) => expect(o.Tags).toEqual([{ Key: "stage", Value: "test" }]) },
  { op: "sagemaker:DeleteTags", args: (e) => ["sagemaker", "delete-tags", "--resource-arn", endpointArn(e), "--tag-keys", "stage"] },
  { op: "sagemaker:DeleteEndpoint", advance: 3600, args: ["sagemaker", "delete-endpoint", "--endpoint-name", "churn"] },
  { op: "sagemaker:DeleteEndpointConfig", args: ["sagemaker", "delete-endpoint-config", "--endpoint-config-name", "churn-a"] },
  { op: "sagemaker:DeleteModel", args: ["sagemaker", "delete-model", "--model-name", "churn-v1"] },
  {
    op: "sagemaker:CreatePipeline",
    args: ["sagemaker", "create-pipeline", "--pipeline-name", "churn-pipeline", "--pipeline-definition", `file://${PIPELINE_FILE}`, "--role-arn", "arn:aws:iam::000000000000:role/sagemaker", "--client-request-token", cliToken("create")],
    check: (o, e) => expect(o.PipelineArn).toBe(pipelineArn(e)),
  },
  { op: "sagemaker:UpdatePipeline", args: ["sagemaker", "update-pipeline", "--pipeline-name", "churn-pipeline", "--pipeline-description", "Churn"], check: (o) => expect(o.PipelineVersionId).toBe(2) },
  { op: "sagemaker:DescribePipeline", args: ["sagemaker", "describe-pipeline", "--pipeline-name", "churn-pipeline"], check: (o) => expect(o).toMatchObject({ PipelineName: "churn-pipeline", PipelineStatus: "Active", PipelineDescription: "Churn", PipelineDefinition: readFileSync(PIPELINE_FILE, "utf8") }) },
  { op: "sagemaker:ListPipelines", args: ["sagemaker", "list-pipelines"], check: (o) => expect(o.PipelineSummaries).toMatchObject([{ PipelineName: "churn-pipeline" }]) },
  {
    op: "sagemaker:StartPipelineExecution",
    args: ["sagemaker", "start-pipeline-execution", "--pipeline-name", "churn-pipeline", "--pipeline-parameters", "Name=AccuracyThreshold,Value=0.8", "--client-request-token", cliToken("start")],
    check: (o, e) => {
      expect(o.PipelineExecutionArn).toMatch(new RegExp(`^${pipelineArn(e)}/execution/[a-z0-9]{12}$`));
      executionArn = o.PipelineExecutionArn;
    },
  },
  { op: "sagemaker:DescribePipelineExecution", advance: 200, args: () => ["sagemaker", "describe-pipeline-execution", "--pipeline-execution-arn", executionArn], check: (o) => expect(o).toMatchObject({ PipelineExecutionStatus: "Executing", PipelineVersionId: 2 }) },
  { op: "sagemaker:ListPipelineExecutions", args: ["sagemaker", "list-pipeline-executions", "--pipeline-name", "churn-pipeline"], check: (o) => expect(o.PipelineExecutionSummaries).toMatchObject([{ PipelineExecutionArn: executionArn, PipelineExecutionStatus: "Executing" }]) },
  {
    op: "sagemaker:ListPipelineExecutionSteps",
    args: () => ["sagemaker", "list-pipeline-execution-steps", "--pipeline-execution-arn", executionArn, "--sort-order", "Ascending"],
    check: (o) => expect(o.PipelineExecutionSteps).toMatchObject([{ StepName: "Preprocess", StepStatus: "Succeeded", Metadata: { ProcessingJob: { Arn: expect.stringContaining(":processing-job/") } } }, { StepName: "Train", StepStatus: "Executing" }]),
  },
  { op: "sagemaker:DescribePipelineDefinitionForExecution", args: () => ["sagemaker", "describe-pipeline-definition-for-execution", "--pipeline-execution-arn", executionArn], check: (o) => expect(JSON.parse(o.PipelineDefinition).Version).toBe("2020-12-01") },
  { op: "sagemaker:StopPipelineExecution", args: () => ["sagemaker", "stop-pipeline-execution", "--pipeline-execution-arn", executionArn, "--client-request-token", cliToken("stop")], check: (o) => expect(o.PipelineExecutionArn).toBe(executionArn) },
  { op: "sagemaker:DeletePipeline", advance: 60, args: ["sagemaker", "delete-pipeline", "--pipeline-name", "churn-pipeline", "--client-request-token", cliToken("delete")], check: (o, e) => expect(o.PipelineArn).toBe(pipelineArn(e)) },
  { op: "sagemaker:DeleteModelPackage", args: (e) => ["sagemaker", "delete-model-package", "--model-package-name", packageArn(e)] },
  { op: "sagemaker:DeleteModelPackageGroup", args: ["sagemaker", "delete-model-package-group", "--model-package-group-name", "churn"] },
  { op: "codepipeline:CreatePipeline", args: (e) => ["codepipeline", "create-pipeline", "--pipeline", json(pipeline(e)), "--tags", "key=team,value=ml"], check: (o) => expect(o.pipeline).toMatchObject({ name: "churn-cli", version: 1, executionMode: "SUPERSEDED", pipelineType: "V2" }) },
  { op: "codepipeline:GetPipeline", args: ["codepipeline", "get-pipeline", "--name", "churn-cli"], check: (o, e) => expect(o.metadata.pipelineArn).toBe(`arn:aws:codepipeline:${e.region}:${e.account}:churn-cli`) },
  { op: "codepipeline:ListPipelines", args: ["codepipeline", "list-pipelines"], check: (o) => expect(o.pipelines).toMatchObject([{ name: "churn-cli", version: 1 }]) },
  { op: "codepipeline:UpdatePipeline", args: (e) => ["codepipeline", "update-pipeline", "--pipeline", json(pipeline(e))], check: (o) => expect(o.pipeline.version).toBe(2) },
  // Source 10 s and build 120 s later, the execution CreatePipeline started waits at its approval.
  {
    op: "codepipeline:GetPipelineState",
    advance: 200,
    args: ["codepipeline", "get-pipeline-state", "--name", "churn-cli"],
    check: (o) => expect(o.stageStates[2].actionStates[0].latestExecution).toMatchObject({ status: "InProgress", token: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
  },
  {
    op: "codepipeline:PutApprovalResult",
    args: (e) => ["codepipeline", "put-approval-result", "--pipeline-name", "churn-cli", "--stage-name", "Approval", "--action-name", "Approve", "--result", "summary=ok,status=Approved", "--token", e.out["codepipeline:GetPipelineState"].stageStates[2].actionStates[0].latestExecution.token],
    check: (o, e) => expect(new Date(typeof o.approvedAt === "number" ? o.approvedAt * 1000 : o.approvedAt).getTime()).toBeLessThanOrEqual(e.now + 1000),
  },
  { op: "codepipeline:StartPipelineExecution", args: ["codepipeline", "start-pipeline-execution", "--name", "churn-cli", "--variables", "name=MODEL_VERSION,value=2"], check: (o) => expect(o.pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/) },
  {
    op: "codepipeline:GetPipelineExecution",
    args: (e) => ["codepipeline", "get-pipeline-execution", "--pipeline-name", "churn-cli", "--pipeline-execution-id", started(e)],
    check: (o) => expect(o.pipelineExecution).toMatchObject({ status: "InProgress", variables: [{ name: "MODEL_VERSION", resolvedValue: "2" }], trigger: { triggerType: "StartPipelineExecution" } }),
  },
  { op: "codepipeline:ListPipelineExecutions", args: ["codepipeline", "list-pipeline-executions", "--pipeline-name", "churn-cli", "--no-paginate"], check: (o) => expect(o.pipelineExecutionSummaries).toHaveLength(2) },
  {
    op: "codepipeline:ListActionExecutions",
    args: ["codepipeline", "list-action-executions", "--pipeline-name", "churn-cli", "--no-paginate"],
    check: (o) => expect(o.actionExecutionDetails.find((d: { actionName: string }) => d.actionName === "Approve")).toMatchObject({ status: "Succeeded", output: { executionResult: { externalExecutionSummary: "ok" } } }),
  },
  { op: "codepipeline:StopPipelineExecution", args: (e) => ["codepipeline", "stop-pipeline-execution", "--pipeline-name", "churn-cli", "--pipeline-execution-id", started(e), "--abandon", "--reason", "cli"], check: (o, e) => expect(o.pipelineExecutionId).toBe(started(e)) },
  { op: "sns:CreateTopic", args: ["sns", "create-topic", "--name", "churn-cli-alerts", "--tags", "Key=team,Value=ml"], check: (o, e) => expect(o.TopicArn).toBe(topicArn(e)) },
  { op: "sns:ListTopics", args: ["sns", "list-topics", "--no-paginate"], check: (o, e) => expect(o.Topics).toEqual([{ TopicArn: topicArn(e) }]) },
  { op: "sns:GetTopicAttributes", args: (e) => ["sns", "get-topic-attributes", "--topic-arn", topicArn(e)], check: (o, e) => expect(o.Attributes).toMatchObject({ TopicArn: topicArn(e), Owner: e.account }) },
  { op: "sns:TagResource", args: (e) => ["sns", "tag-resource", "--resource-arn", topicArn(e), "--tags", "Key=stage,Value=prod"] },
  { op: "sns:ListTagsForResource", args: (e) => ["sns", "list-tags-for-resource", "--resource-arn", topicArn(e)], check: (o) => expect(o.Tags).toEqual([{ Key: "team", Value: "ml" }, { Key: "stage", Value: "prod" }]) },
  { op: "sns:UntagResource", args: (e) => ["sns", "untag-resource", "--resource-arn", topicArn(e), "--tag-keys", "stage"] },
  { op: "sns:Publish", args: (e) => ["sns", "publish", "--topic-arn", topicArn(e), "--message", "hello", "--subject", "mlops", "--message-attributes", json({ kind: { DataType: "String", StringValue: "alert" } })], check: (o) => expect(o.MessageId).toMatch(/^[0-9a-f-]{36}$/) },
  {
    op: "events:PutRule",
    args: ["events", "put-rule", "--name", "churn-cli-approved", "--event-pattern", json({ source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"] }), "--description", "cli", "--tags", "Key=managed-by,Value=mlops"],
    check: (o, e) => expect(o.RuleArn).toBe(ruleArn(e)),
  },
  { op: "events:DescribeRule", args: ["events", "describe-rule", "--name", "churn-cli-approved"], check: (o) => expect(o).toMatchObject({ Name: "churn-cli-approved", State: "ENABLED", EventBusName: "default" }) },
  { op: "events:ListRules", args: ["events", "list-rules", "--name-prefix", "churn-cli"], check: (o) => expect(o.Rules).toMatchObject([{ Name: "churn-cli-approved" }]) },
  { op: "events:DisableRule", args: ["events", "disable-rule", "--name", "churn-cli-approved"] },
  { op: "events:EnableRule", args: ["events", "enable-rule", "--name", "churn-cli-approved"] },
  {
    op: "events:PutTargets",
    args: (e) => ["events", "put-targets", "--rule", "churn-cli-approved", "--targets", json([{ Id: "notify", Arn: topicArn(e) }, { Id: "release", Arn: `arn:aws:codepipeline:${e.region}:${e.account}:churn-cli`, RoleArn: `arn:aws:iam::${e.account}:role/events` }])],
    check: (o) => expect(o).toEqual({ FailedEntryCount: 0, FailedEntries: [] }),
  },
  { op: "events:ListTargetsByRule", args: ["events", "list-targets-by-rule", "--rule", "churn-cli-approved"], check: (o) => expect(o.Targets.map((t: { Id: string }) => t.Id)).toEqual(["notify", "release"]) },
  { op: "events:TagResource", args: (e) => ["events", "tag-resource", "--resource-arn", ruleArn(e), "--tags", "Key=kind,Value=model-approved"] },
  { op: "events:ListTagsForResource", args: (e) => ["events", "list-tags-for-resource", "--resource-arn", ruleArn(e)], check: (o) => expect(o.Tags).toHaveLength(2) },
  { op: "events:UntagResource", args: (e) => ["events", "untag-resource", "--resource-arn", ruleArn(e), "--tag-keys", "kind"] },
  {
    op: "events:TestEventPattern",
    args: (e) => ["events", "test-event-pattern", "--event-pattern", json({ source: ["aws.sagemaker"] }), "--event", json({ id: "1", account: e.account, source: "aws.sagemaker", time: "2026-01-01T00:00:00Z", region: e.region, resources: [], "detail-type": "t", detail: {} })],
    check: (o) => expect(o.Result).toBe(true),
  },
  {
    op: "events:PutEvents",
    args: ["events", "put-events", "--entries", json([{ Source: "aws.sagemaker", DetailType: "SageMaker Model Package State Change", Detail: json({ ModelApprovalStatus: "Approved" }) }])],
    check: (o) => expect(o).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] }),
  },
  { op: "events:RemoveTargets", args: ["events", "remove-targets", "--rule", "churn-cli-approved", "--ids", "notify", "release"], check: (o) => expect(o.FailedEntryCount).toBe(0) },
  { op: "events:DeleteRule", args: ["events", "delete-rule", "--name", "churn-cli-approved"] },
  { op: "sns:DeleteTopic", args: (e) => ["sns", "delete-topic", "--topic-arn", topicArn(e)] },
  { op: "codepipeline:DeletePipeline", args: ["codepipeline", "delete-pipeline", "--name", "churn-cli"] },
  { op: "cloudwatch:DeleteAlarms", args: ["cloudwatch", "delete-alarms", "--alarm-names", "churn-errors"] },
  { op: "s3:DeleteObject", args: ["s3api", "delete-object", "--bucket", "conformance-cli", "--key", "churn/model.tar.gz"] },
  { op: "s3:DeleteBucket", args: ["s3api", "delete-bucket", "--bucket", "conformance-cli"] },
];

/** One refusal per wire protocol, as the CLI reports it. */
const ERRORS: Array<{ protocol: string; args: string[]; code: string; message?: RegExp }> = [
  { protocol: "JSON 1.1 (SageMaker)", args: ["sagemaker", "describe-model", "--model-name", "missing"], code: "ValidationException", message: /Could not find model/ },
  { protocol: "JSON 1.0, query-compatible (CloudWatch)", args: ["cloudwatch", "set-alarm-state", "--alarm-name", "missing", "--state-value", "OK", "--state-reason", "x"], code: "ResourceNotFound" },
  { protocol: "JSON 1.0, query-compatible (CloudWatch), a validation error", args: ["cloudwatch", "list-metrics", "--namespace", ":bad"], code: "ValidationError", message: /'namespace'/ },
  { protocol: "query (STS)", args: ["sts", "get-access-key-info", "--access-key-id", "AKIA-NOT-A-KEY-ID!"], code: "ValidationError", message: /accessKeyId/ },
  { protocol: "JSON 1.1 (EventBridge)", args: ["events", "describe-rule", "--name", "missing"], code: "ResourceNotFoundException", message: /Rule missing does not exist on EventBus default/ },
  { protocol: "query (SNS)", args: ["sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:missing"], code: "NotFound", message: /Topic does not exist/ },
  { protocol: "JSON 1.1 (CodePipeline)", args: ["codepipeline", "get-pipeline", "--name", "missing"], code: "PipelineNotFoundException", message: /does not have a pipeline with name 'missing'/ },
  { protocol: "REST-XML (S3)", args: ["s3api", "get-object", "--bucket", "missing-bucket", "--key", "k", "/dev/null"], code: "NoSuchBucket" },
];

describe("the AWS CLI v1 against the sandbox", () => {
  const sandbox = useSandbox({ trafficRps: 0 });
  let cli: AwsCli;
  let dir: string;
  beforeAll(() => {
    cli = new AwsCli(sandbox.current);
    dir = mkdtempSync(join(tmpdir(), "mlops-awscli-"));
    writeFileSync(join(dir, "model.tar.gz"), "weights");
  });
  afterAll(async () => {
    await cli?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("covers every operation the sandbox implements", () => {
    const covered = new Set<string>(STEPS.map((s) => s.op));
    // The running sandbox's own list, so that a new service or operation cannot go unnoticed.
    const missing = sandbox.current.operations().map((o) => `${o.service}:${o.operation}`).filter((op) => !covered.has(op));
    expect(missing.map((op) => `${op} has no AWS CLI call in STEPS (conformance-awscli.test.ts)`)).toEqual([]);
  });

  it("runs a representative call of every operation and parses the answers", async () => {
    const sb: Sandbox = sandbox.current;
    const outputs: Record<string, any> = {};
    for (const step of STEPS) {
      if (step.advance) sb.clock.advance(step.advance * 1000);
      const env: Env = { region: sb.region, account: sb.accountId, now: sb.clock.now(), dir, out: outputs };
      const args = typeof step.args === "function" ? step.args(env) : step.args;
      const result: CliResult = await cli.run(args);
      expect({ op: step.op, rc: result.rc, stderr: result.stderr }).toEqual({ op: step.op, rc: 0, stderr: "" });
      step.check?.(result.json, env);
      outputs[step.op] = result.json;
    }
    // Every call reached the sandbox and none failed there.
    const log = sb.requestLog.entries({});
    expect(log.filter((entry) => entry.status >= 400)).toEqual([]);
    expect(new Set(log.map((entry) => `${entry.service}:${entry.operation}`))).toEqual(new Set(STEPS.map((s) => s.op)));
  });

  it.each(ERRORS)("reports AWS's error for $protocol", async ({ args, code, message }) => {
    const result = await cli.run(args);
    expect(result.rc).not.toBe(0);
    expect(result.errorCode).toBe(code);
    if (message) expect(result.stderr).toMatch(message);
  });

  it("works as the `aws` command itself, not only through its Python driver", async () => {
    const sb: Sandbox = sandbox.current;
    const run = async (args: string[]) => {
      const { stdout, stderr } = await promisify(execFile)("aws", [...args, ...cliArgs(sb)], { env: cliEnv(sb) });
      return parseCliResult(0, stdout, stderr);
    };
    expect((await run(["sts", "get-caller-identity"])).json.Account).toBe(sb.accountId);
    await cli.run(["s3api", "create-bucket", "--bucket", "binary-path"]);
    expect((await run(["s3api", "list-buckets"])).json.Buckets).toMatchObject([{ Name: "binary-path" }]);
  });
});
