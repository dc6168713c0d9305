import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeModelPackageGroupCommand,
  ListEndpointsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

/** Resources live per account and region: the region a call is signed for is the region it sees. */
const sandbox = useSandbox({ trafficRps: 0, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const in_ = (region: string) => sdkConfig(sandbox.current, { region, maxAttempts: 1 });
const sm = (region = "us-east-1") => new SageMakerClient(in_(region));
const cw = (region = "us-east-1") => new CloudWatchClient(in_(region));
const s3 = (region = "us-east-1") => new S3Client({ ...in_(region), forcePathStyle: true });

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error("expected the call to fail");
}

async function endpointIn(region: string, name: string): Promise<string> {
  const client = sm(region);
  await client.send(new CreateModelCommand({ ModelName: name, PrimaryContainer: { Image: IMAGE } }));
  await client.send(new CreateEndpointConfigCommand({ EndpointConfigName: name, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: name, InstanceType: "ml.m5.large", InitialInstanceCount: 1 }] }));
  return (await client.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }))).EndpointArn!;
}

describe("regions", () => {
  it("an endpoint made in us-east-1 is not found through eu-west-1; one made in eu-west-1 carries eu-west-1 in its ARN", async () => {
    const east = await endpointIn("us-east-1", "churn");
    expect(east).toBe("arn:aws:sagemaker:us-east-1:000000000000:endpoint/churn");
    const missing = await failure(sm("eu-west-1").send(new DescribeEndpointCommand({ EndpointName: "churn" })));
    expect(missing.name).toBe("ValidationException");
    expect((await sm("eu-west-1").send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);

    // The same name is free in another region, and its ARNs say where it lives.
    const west = await endpointIn("eu-west-1", "churn");
    expect(west).toBe("arn:aws:sagemaker:eu-west-1:000000000000:endpoint/churn");
    expect((await sm("eu-west-1").send(new DescribeEndpointCommand({ EndpointName: "churn" }))).EndpointArn).toBe(west);
    expect((await sm("us-east-1").send(new DescribeEndpointCommand({ EndpointName: "churn" }))).EndpointArn).toBe(east);
    expect(sandbox.current.requestLog.entries({ operation: "CreateEndpoint" }).map((e) => e.region)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("status machines run in every region; guardrails read the alarms of their own region", async () => {
    await endpointIn("eu-west-1", "churn");
    sandbox.current.clock.advance(65_000);
    expect((await sm("eu-west-1").send(new DescribeEndpointCommand({ EndpointName: "churn" }))).EndpointStatus).toBe("InService");
    // The alarm exists in us-east-1 only: for an update in eu-west-1 it does not exist.
    await cw("us-east-1").send(new PutMetricAlarmCommand({ AlarmName: "churn-5xx", MetricName: "Invocation5XXErrors", Namespace: "AWS/SageMaker", Statistic: "Average", Period: 60, EvaluationPeriods: 1, Threshold: 0.1, ComparisonOperator: "GreaterThanThreshold" }));
    expect((await cw("eu-west-1").send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
    const update = failure(
      sm("eu-west-1").send(
        new UpdateEndpointCommand({
          EndpointName: "churn",
          EndpointConfigName: "churn",
          DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 } }, AutoRollbackConfiguration: { Alarms: [{ AlarmName: "churn-5xx" }] } },
        }),
      ),
    );
    expect((await update).message).toContain("churn-5xx");
    const alarm = (await cw("us-east-1").send(new DescribeAlarmsCommand({}))).MetricAlarms![0]!;
    expect(alarm.AlarmArn).toBe("arn:aws:cloudwatch:us-east-1:000000000000:alarm:churn-5xx");
  });

  it("events carry the region they happened in, and ARNs that region", async () => {
    await sm("ap-south-1").send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await sm("ap-south-1").send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: { Containers: [{ Image: IMAGE }], SupportedContentTypes: ["text/csv"], SupportedResponseMIMETypes: ["text/csv"] } }));
    expect(ModelPackageArn).toBe("arn:aws:sagemaker:ap-south-1:000000000000:model-package/churn/1");
    expect(sandbox.current.events.events().map((e) => [e.region, e.resources])).toEqual([["ap-south-1", [ModelPackageArn]]]);
    await failure(sm("us-east-1").send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "churn" })));
  });

  it("S3: one bucket namespace; a bucket of another region answers 301 PermanentRedirect naming its region", async () => {
    await s3("eu-west-1").send(new CreateBucketCommand({ Bucket: "models", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await s3("eu-west-1").send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "weights" }));
    const redirected = await failure(s3("us-east-1").send(new GetObjectCommand({ Bucket: "models", Key: "m.tar.gz" })));
    expect(redirected).toBeInstanceOf(S3ServiceException);
    expect(redirected.name).toBe("PermanentRedirect");
    expect(redirected.$metadata?.httpStatusCode).toBe(301);
    expect(redirected.$response?.headers["x-amz-bucket-region"]).toBe("eu-west-1");
    const head = await failure(s3("us-east-1").send(new HeadBucketCommand({ Bucket: "models" })));
    expect(head.$metadata?.httpStatusCode).toBe(301);
    // The name is taken everywhere, and ListBuckets lists every region's buckets.
    const taken = await failure(s3("us-east-1").send(new CreateBucketCommand({ Bucket: "models" })));
    expect(taken.name).toBe("BucketAlreadyOwnedByYou");
    expect((await s3("us-east-1").send(new ListBucketsCommand({}))).Buckets?.map((b) => [b.Name, b.BucketRegion])).toEqual([["models", "eu-west-1"]]);
    // The SDK's own region redirect then finds it.
    const followed = new S3Client({ ...in_("us-east-1"), forcePathStyle: true, followRegionRedirects: true });
    expect(await (await followed.send(new GetObjectCommand({ Bucket: "models", Key: "m.tar.gz" }))).Body!.transformToString()).toBe("weights");
  });
});

describe("state files per region", () => {
  it("round-trip every region's state, and load a version 1 file as the default region's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-regions-"));
    const file = join(dir, "state.json");
    const first = await startSandbox({ port: 0, stateFile: file, trafficRps: 0 });
    const client = (region: string) => new SageMakerClient(sdkConfig(first, { region }));
    await client("us-east-1").send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "east" }));
    await client("eu-west-1").send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "west" }));
    await first.stop();
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved.version).toBe(2);
    expect(Object.keys(saved.accounts["000000000000"].regions).sort()).toEqual(["eu-west-1", "us-east-1"]);

    const second = await startSandbox({ port: 0, stateFile: file, trafficRps: 0 });
    try {
      const again = (region: string) => new SageMakerClient(sdkConfig(second, { region, maxAttempts: 1 }));
      expect((await again("eu-west-1").send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "west" }))).ModelPackageGroupArn).toContain(":eu-west-1:");
      await expect(again("us-east-1").send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "west" }))).rejects.toMatchObject({ name: "ValidationException" });
      expect((await again("us-east-1").send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "east" }))).ModelPackageGroupArn).toContain(":us-east-1:");
    } finally {
      await second.stop();
    }

    // Version 1 had one world: it becomes the default region's (and S3's buckets stay buckets).
    const v1 = join(dir, "v1.json");
    const group = { name: "old", arn: "arn:aws:sagemaker:eu-central-1:000000000000:model-package-group/old", created: 1, status: "Completed", lastVersion: 0, packages: {} };
    const bucket = { created: 1, region: "eu-central-1", objects: {} };
    writeFileSync(v1, JSON.stringify({ version: 1, clock: 1, services: { sagemaker: { modelPackageGroups: { old: group } }, s3: { buckets: { legacy: bucket } } } }));
    const migrated = await startSandbox({ port: 0, stateFile: v1, region: "eu-central-1", trafficRps: 0 });
    try {
      const there = new SageMakerClient(sdkConfig(migrated, { maxAttempts: 1 }));
      expect((await there.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "old" }))).ModelPackageGroupName).toBe("old");
      const buckets = await new S3Client({ ...sdkConfig(migrated), forcePathStyle: true }).send(new ListBucketsCommand({}));
      expect(buckets.Buckets?.map((b) => b.Name)).toEqual(["legacy"]);
      await expect(new SageMakerClient(sdkConfig(migrated, { region: "us-east-1", maxAttempts: 1 })).send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "old" }))).rejects.toMatchObject({
        name: "ValidationException",
      });
    } finally {
      await migrated.stop();
    }
    // Saved back as version 2.
    expect(JSON.parse(readFileSync(v1, "utf8"))).toMatchObject({ version: 2, accounts: { "000000000000": { regions: { "eu-central-1": { sagemaker: { modelPackageGroups: { old: { name: "old" } } } } } } } });
  });
});
