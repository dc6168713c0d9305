import { CloudWatchClient, CloudWatchServiceException, DeleteAlarmsCommand, DescribeAlarmsCommand, InvalidParameterValueException, ListDashboardsCommand, PutMetricAlarmCommand, ValidationException as CloudWatchValidationException } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient, CodePipelineServiceException, ListWebhooksCommand } from "@aws-sdk/client-codepipeline";
import { EventBridgeClient, EventBridgeServiceException, ListEventBusesCommand } from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, GetBucketTaggingCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { CreateModelPackageGroupCommand, DescribeModelPackageGroupCommand, ListModelPackageGroupsCommand, ListTrainingJobsCommand, SageMakerClient, SageMakerServiceException } from "@aws-sdk/client-sagemaker";
import { AssumeRoleCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index";
import { sampleAlarm, sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();

/** Await a rejection and hand back the error for assertions. */
async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("AWS JSON 1.1 (SageMaker)", () => {
  const client = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));

  it("answers a valid call and keeps state", async () => {
    const sm = client();
    const created = await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn", ModelPackageGroupDescription: "d" }));
    expect(created.ModelPackageGroupArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:model-package-group/churn");
    const described = await sm.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    expect(described.ModelPackageGroupStatus).toBe("Completed");
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect(Math.abs(described.CreationTime!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("raises a typed validation error naming the member", async () => {
    const error = await failure(client().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "bad_name!" })));
    expect(error).toBeInstanceOf(SageMakerServiceException);
    expect(error.name).toBe("ValidationException");
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain("at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern");
    expect(sandbox.current.requestLog.entries({ operation: "CreateModelPackageGroup" })[0]).toMatchObject({ status: 400, mutating: true, error: "ValidationException" });
  });

  it("raises a typed error for an operation the sandbox does not implement", async () => {
    const error = await failure(client().send(new ListTrainingJobsCommand({})));
    expect(error).toBeInstanceOf(SageMakerServiceException);
    expect(error.name).toBe("UnknownOperationException");
    expect(error.message).toContain("ListTrainingJobs");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("pages with small default pages and follows NextToken to the end", async () => {
    const sm = client();
    for (let i = 0; i < 23; i++) await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: `g-${i}` }));
    const first = await sm.send(new ListModelPackageGroupsCommand({}));
    expect(first.ModelPackageGroupSummaryList).toHaveLength(10);
    expect(first.NextToken).toBeTruthy();
    const names: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await sm.send(new ListModelPackageGroupsCommand({ NextToken: token, SortBy: "Name", SortOrder: "Ascending" }));
      names.push(...out.ModelPackageGroupSummaryList!.map((g) => g.ModelPackageGroupName!));
      token = out.NextToken;
      if (!token) break;
    }
    expect(names).toHaveLength(23);
    expect(names).toEqual([...names].sort());
    const bad = await failure(sm.send(new ListModelPackageGroupsCommand({ NextToken: "not-a-token" })));
    expect(bad.name).toBe("ValidationException");
    // A token belongs to the query that issued it.
    const reused = await failure(sm.send(new ListModelPackageGroupsCommand({ NextToken: first.NextToken, NameContains: "g-1" })));
    expect(reused.message).toContain("Invalid pagination token");
  });
});

describe("AWS JSON 1.1 operations not implemented (EventBridge custom buses; CodePipeline webhooks)", () => {
  it("answer every operation with their protocol's unknown-operation error", async () => {
    const events = await failure(new EventBridgeClient(sdkConfig(sandbox.current, { maxAttempts: 1 })).send(new ListEventBusesCommand({})));
    expect(events).toBeInstanceOf(EventBridgeServiceException);
    expect(events.name).toBe("UnknownOperationException");
    const pipelines = await failure(new CodePipelineClient(sdkConfig(sandbox.current, { maxAttempts: 1 })).send(new ListWebhooksCommand({})));
    expect(pipelines).toBeInstanceOf(CodePipelineServiceException);
    expect(pipelines.name).toBe("UnknownOperationException");
  });
});

describe("AWS JSON 1.0 with query-compatible errors (CloudWatch)", () => {
  const client = () => new CloudWatchClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
  const alarm = sampleAlarm("mlops-churn-5xx");

  it("sends the query-mode header and stores an alarm", async () => {
    const cw = client();
    await cw.send(new PutMetricAlarmCommand(alarm));
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["mlops-churn-5xx"] }));
    expect(out.MetricAlarms?.[0]).toMatchObject({ AlarmName: "mlops-churn-5xx", StateValue: "INSUFFICIENT_DATA", Threshold: 0.01 });
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
  });

  it("raises the modelled ValidationException for a missing required member", async () => {
    const { EvaluationPeriods: _, ...missing } = alarm;
    const error = await failure(client().send(new PutMetricAlarmCommand(missing as typeof alarm)));
    expect(error).toBeInstanceOf(CloudWatchValidationException);
    expect(error.message).toContain("at 'evaluationPeriods' failed to satisfy constraint: Member must not be null");
    expect(error.Error?.Code).toBe("ValidationError");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("raises the modelled InvalidParameterValueException with its query code", async () => {
    const error = await failure(client().send(new PutMetricAlarmCommand({ ...alarm, ExtendedStatistic: "p99" })));
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect(error.Error?.Code).toBe("InvalidParameterValue");
    expect(error.message).toContain("Statistic and ExtendedStatistic are mutually exclusive");
  });

  it("DeleteAlarms deletes the names that exist and reports the others", async () => {
    const cw = client();
    await cw.send(new PutMetricAlarmCommand(alarm));
    const error = await failure(cw.send(new DeleteAlarmsCommand({ AlarmNames: ["mlops-churn-5xx", "nope"] })));
    expect(error.name).toBe("ResourceNotFound");
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
  });

  it("answers an unknown operation with the query code InvalidAction", async () => {
    const error = await failure(client().send(new ListDashboardsCommand({})));
    expect(error).toBeInstanceOf(CloudWatchServiceException);
    expect(error.name).toBe("InvalidAction");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe("query protocol (STS)", () => {
  const client = () => new STSClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));

  it("returns the caller identity of the sandbox account", async () => {
    const out = await client().send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: "000000000000", Arn: "arn:aws:iam::000000000000:user/mlops-sandbox" });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("raises a typed validation error", async () => {
    const error = await failure(client().send(new GetAccessKeyInfoCommand({ AccessKeyId: "short" })));
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error.name).toBe("ValidationError");
    expect(error.message).toContain("at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("raises InvalidAction for an operation the sandbox does not implement", async () => {
    const error = await failure(client().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/x", RoleSessionName: "s" })));
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error.name).toBe("InvalidAction");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe("REST-XML (S3, path style)", () => {
  const client = () => new S3Client(sdkConfig(sandbox.current, { maxAttempts: 1, forcePathStyle: true }));

  it("stores and returns objects, with SDK checksums and streamed bodies", async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    const put = await s3.send(new PutObjectCommand({ Bucket: "models", Key: "churn/v1/model.tar.gz", Body: "weights", ContentType: "application/gzip", Metadata: { run: "42" } }));
    expect(put.ETag).toBe(`"${md5("weights")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "models", Key: "churn/v1/model.tar.gz" }));
    expect(await got.Body!.transformToString()).toBe("weights");
    expect(got.ContentType).toBe("application/gzip");
    expect(got.Metadata).toEqual({ run: "42" });
    const head = await s3.send(new HeadObjectCommand({ Bucket: "models", Key: "churn/v1/model.tar.gz" }));
    expect(head.ContentLength).toBe(7);
    expect(sandbox.current.requestLog.entries({ operation: "PutObject" })[0]?.input).toMatchObject({ Bucket: "models", Key: "churn/v1/model.tar.gz", ContentLength: 7 });
  });

  it("decodes a streamed upload sent with aws-chunked encoding and a trailing checksum", async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: "stream" }));
    const parts = ["a".repeat(70_000), "b".repeat(70_000), "c"];
    const seen: string[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        seen.push(headers["content-encoding"] ?? "");
        return next(args);
      },
      { step: "finalizeRequest", name: "captureEncoding" },
    );
    await s3.send(new PutObjectCommand({ Bucket: "stream", Key: "big", Body: Readable.from(parts), ContentLength: 140_001 }));
    expect(seen.join(",")).toContain("aws-chunked");
    const got = await s3.send(new GetObjectCommand({ Bucket: "stream", Key: "big" }));
    expect(await got.Body!.transformToString()).toBe(parts.join(""));
  });

  it("lists keys page by page with continuation tokens and common prefixes", async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: "data" }));
    for (let i = 0; i < 7; i++) await s3.send(new PutObjectCommand({ Bucket: "data", Key: `in/${i}.csv`, Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: "data", Key: "out/a/1", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: "data", Key: "out/b/1", Body: "x" }));
    const keys: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: "data", Prefix: "in/", MaxKeys: 3, ContinuationToken: token }));
      keys.push(...(out.Contents ?? []).map((c) => c.Key!));
      token = out.NextContinuationToken;
      if (!out.IsTruncated) break;
    }
    expect(keys).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `in/${i}.csv`));
    const grouped = await s3.send(new ListObjectsV2Command({ Bucket: "data", Prefix: "out/", Delimiter: "/" }));
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["out/a/", "out/b/"]);
    expect(grouped.KeyCount).toBe(2);
  });

  it("raises typed errors: invalid bucket name, missing key, unimplemented operation", async () => {
    const s3 = client();
    const invalid = await failure(s3.send(new CreateBucketCommand({ Bucket: "Bad_Bucket" })));
    expect(invalid).toBeInstanceOf(S3ServiceException);
    expect(invalid.name).toBe("InvalidBucketName");
    expect(invalid.$metadata.httpStatusCode).toBe(400);

    await s3.send(new CreateBucketCommand({ Bucket: "empty" }));
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: "empty", Key: "nope" })));
    expect(missing).toBeInstanceOf(NoSuchKey);

    const unknown = await failure(s3.send(new GetBucketTaggingCommand({ Bucket: "empty" })));
    expect(unknown).toBeInstanceOf(S3ServiceException);
    expect(unknown.name).toBe("NotImplemented");
    expect(unknown.$metadata.httpStatusCode).toBe(501);
    expect(sandbox.current.requestLog.entries({ operation: "GetBucketTagging" })[0]).toMatchObject({ mutating: false, status: 501 });
  });
});

describe("requests that are not AWS-shaped", () => {
  it("answers a body that is too large in the service's own format", async () => {
    const small = await startSandbox({ port: 0, maxBodyBytes: 1024 });
    try {
      const s3 = new S3Client(sdkConfig(small, { maxAttempts: 1, forcePathStyle: true }));
      await s3.send(new CreateBucketCommand({ Bucket: "big" }));
      const error = await failure(s3.send(new PutObjectCommand({ Bucket: "big", Key: "k", Body: "x".repeat(4096) })));
      expect(error).toBeInstanceOf(S3ServiceException);
      expect(error.name).toBe("EntityTooLarge");
      expect(error.$metadata.httpStatusCode).toBe(413);
    } finally {
      await small.stop();
    }
  });

  it("never answer with an HTML page", async () => {
    const response = await fetch(`${sandbox.current.url}/some/where`);
    const text = await response.text();
    expect(response.status).toBe(403);
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text.toLowerCase()).not.toContain("<html");
    const target = await fetch(sandbox.current.url, { method: "POST", headers: { "x-amz-target": "Nobody.Knows" }, body: "{}" });
    expect(target.headers.get("content-type")).toContain("json");
    expect(await target.json()).toMatchObject({ __type: "UnknownServiceException" });
  });

  it("answers a body that is not JSON with the protocol's serialization error", async () => {
    const response = await fetch(sandbox.current.url, {
      method: "POST",
      headers: { "x-amz-target": "SageMaker.ListModelPackageGroups", "content-type": "application/x-amz-json-1.1", authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=abc" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: "com.amazonaws.sagemaker#SerializationException" });
  });
});

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}
