import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand, PutMetricDataCommand, ValidationException } from "@aws-sdk/client-cloudwatch";
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type NotificationConfiguration,
  type QueueConfiguration,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { sampleAlarm, sdkConfig, useSandbox } from "../helpers/sandbox";

// AWS's rules for S3 and CloudWatch as the sandbox applies them, through the real SDK.
const sandbox = useSandbox({ trafficRps: 0 });
const s3 = () => new S3Client(sdkConfig(sandbox.current, { maxAttempts: 1, forcePathStyle: true }));
const cw = () => new CloudWatchClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("expected a failure"), (e: Error & { $metadata: { httpStatusCode?: number }; Error?: { Code?: string } }) => e);

describe("S3 rules in the sandbox", () => {
  it("refuses a made-up ListObjectsV2 continuation token with 400 InvalidArgument", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: "data" }));
    for (const key of ["a", "b", "c"]) await s3().send(new PutObjectCommand({ Bucket: "data", Key: key, Body: "x" }));
    const first = await s3().send(new ListObjectsV2Command({ Bucket: "data", MaxKeys: 2 }));
    const next = await s3().send(new ListObjectsV2Command({ Bucket: "data", MaxKeys: 2, ContinuationToken: first.NextContinuationToken }));
    expect(next.Contents?.map((c) => c.Key)).toEqual(["c"]);
    const error = await failure(s3().send(new ListObjectsV2Command({ Bucket: "data", ContinuationToken: Buffer.from("a").toString("base64url") })));
    expect(error).toMatchObject({ name: "InvalidArgument", message: "The continuation token provided is incorrect", ArgumentName: "continuation-token", $metadata: { httpStatusCode: 400 } });
  });

  it("serves a byte Range with 206 and Content-Range, and answers 416 InvalidRange past the end", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: "data" }));
    await s3().send(new PutObjectCommand({ Bucket: "data", Key: "k", Body: "0123456789" }));
    const get = (Range: string) => s3().send(new GetObjectCommand({ Bucket: "data", Key: "k", Range }));
    const part = await get("bytes=2-5");
    expect(part).toMatchObject({ ContentRange: "bytes 2-5/10", ContentLength: 4, AcceptRanges: "bytes", $metadata: { httpStatusCode: 206 } });
    expect(await part.Body!.transformToString()).toBe("2345");
    expect(await (await get("bytes=-3")).Body!.transformToString()).toBe("789");
    expect(await (await get("bytes=8-100")).Body!.transformToString()).toBe("89");
    // A header S3 cannot read is ignored: the whole object, 200.
    const whole = await get("lines=1-2");
    expect(whole.$metadata.httpStatusCode).toBe(200);
    expect(await whole.Body!.transformToString()).toBe("0123456789");
    const error = await failure(get("bytes=10-20"));
    expect(error).toMatchObject({ name: "InvalidRange", message: "The requested range is not satisfiable", RangeRequested: "bytes=10-20", ActualObjectSize: "10", $metadata: { httpStatusCode: 416 } });
  });

  it("round-trips every kind of notification configuration, and an empty one clears it", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: "data" }));
    expect(await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "data" }))).not.toHaveProperty("TopicConfigurations");
    const configuration: NotificationConfiguration = {
      TopicConfigurations: [{ Id: "topic", TopicArn: "arn:aws:sns:us-east-1:000000000000:new-data", Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "in/" }] } } }],
      QueueConfigurations: [{ Id: "queue", QueueArn: "arn:aws:sqs:us-east-1:000000000000:removed", Events: ["s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated"] }],
      LambdaFunctionConfigurations: [
        {
          LambdaFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:score",
          Events: ["s3:ObjectCreated:Put"],
          Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "batch/" }, { Name: "suffix", Value: ".csv" }] } },
        },
      ],
      EventBridgeConfiguration: {},
    };
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "data", NotificationConfiguration: configuration }));
    const { $metadata: _, ...got } = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "data" }));
    const lambda = configuration.LambdaFunctionConfigurations![0]!;
    // S3 answers filter rule names capitalised, whatever case they were sent in (aws/aws-sdk#389).
    const capitalised = (rules: Array<{ Name?: string; Value?: string }>) => rules.map((r) => ({ ...r, Name: r.Name!.charAt(0).toUpperCase() + r.Name!.slice(1) }));
    const topic = configuration.TopicConfigurations![0]!;
    expect(got).toEqual({
      ...configuration,
      TopicConfigurations: [{ ...topic, Filter: { Key: { FilterRules: capitalised(topic.Filter!.Key!.FilterRules!) } } }],
      LambdaFunctionConfigurations: [{ ...lambda, Id: expect.stringMatching(/^\S+$/), Filter: { Key: { FilterRules: capitalised(lambda.Filter!.Key!.FilterRules!) } } }],
    });
    expect(sandbox.current.requestLog.entries({ operation: "PutBucketNotificationConfiguration" })[0]).toMatchObject({ mutating: true, status: 200 });

    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "data", NotificationConfiguration: {} }));
    const cleared = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "data" }));
    expect([cleared.TopicConfigurations, cleared.QueueConfigurations, cleared.LambdaFunctionConfigurations, cleared.EventBridgeConfiguration]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("refuses overlapping configurations and unknown events, keeping the configuration it had", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: "data" }));
    const put = (NotificationConfiguration: NotificationConfiguration) => s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: "data", NotificationConfiguration }));
    await put({ EventBridgeConfiguration: {} });
    const queue = (Id: string, prefix: string, Events: string[] = ["s3:ObjectCreated:Put"]): QueueConfiguration => ({
      Id,
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${Id}`,
      Events: Events as QueueConfiguration["Events"],
      Filter: { Key: { FilterRules: [{ Name: "prefix", Value: prefix }] } },
    });
    const overlap = await failure(put({ QueueConfigurations: [queue("a", "in/"), queue("b", "in/2026/", ["s3:ObjectCreated:*"])] }));
    expect(overlap).toMatchObject({ name: "InvalidArgument", message: "Configurations overlap. Configurations on the same bucket cannot share a common event type.", $metadata: { httpStatusCode: 400 } });
    // Disjoint prefixes do not overlap.
    await put({ QueueConfigurations: [queue("a", "in/"), queue("b", "out/")] });
    const unknown = await failure(put({ QueueConfigurations: [queue("a", "in/", ["s3:ObjectCreated:Paste"])] }));
    expect(unknown).toMatchObject({ name: "InvalidArgument", message: "The event is not supported for notifications" });
    expect((await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: "data" }))).QueueConfigurations?.map((q) => q.Id)).toEqual(["a", "b"]);
  });
});

describe("CloudWatch rules in the sandbox", () => {
  const alarm = sampleAlarm("churn-5xx");

  it("refuses a bad Period, DatapointsToAlarm above EvaluationPeriods and too long a window with ValidationError, storing nothing", async () => {
    for (const [input, message] of [
      [{ Period: 45 }, "The parameter Period must be 10, 20, 30, or a multiple of 60."],
      [{ DatapointsToAlarm: 3 }, "DatapointsToAlarm must be less than or equal to EvaluationPeriods"],
      [{ Period: 600, EvaluationPeriods: 145 }, "must not exceed 86400 seconds"],
    ] as const) {
      const error = await failure(cw().send(new PutMetricAlarmCommand({ ...alarm, ...input })));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error).toMatchObject({ Error: { Code: "ValidationError" }, $metadata: { httpStatusCode: 400 }, message: expect.stringContaining(message) });
    }
    expect((await cw().send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
  });

  it("describes alarms with their action lists, empty when none", async () => {
    await cw().send(new PutMetricAlarmCommand(alarm));
    await cw().send(new PutMetricAlarmCommand({ ...alarm, AlarmName: "paged", AlarmActions: ["arn:aws:sns:us-east-1:000000000000:oncall"] }));
    const [quiet, paged] = (await cw().send(new DescribeAlarmsCommand({}))).MetricAlarms!;
    expect(quiet).toMatchObject({ AlarmName: "churn-5xx", OKActions: [], AlarmActions: [], InsufficientDataActions: [] });
    expect(paged).toMatchObject({ AlarmName: "paged", OKActions: [], AlarmActions: ["arn:aws:sns:us-east-1:000000000000:oncall"], InsufficientDataActions: [] });
  });

  it("keeps each datum's Unit, returns it on datapoints and filters on it", async () => {
    const now = sandbox.current.clock.now();
    const Timestamp = new Date(Math.floor(now / 60_000) * 60_000 - 120_000);
    await cw().send(
      new PutMetricDataCommand({
        Namespace: "Churn",
        MetricData: [
          { MetricName: "Latency", Value: 20, Unit: "Milliseconds", Timestamp },
          { MetricName: "Latency", Value: 40, Unit: "Milliseconds", Timestamp },
          { MetricName: "Latency", Value: 1, Unit: "Seconds", Timestamp },
        ],
      }),
    );
    const stats = (Unit?: "Milliseconds" | "Seconds" | "Percent") =>
      cw().send(new GetMetricStatisticsCommand({ Namespace: "Churn", MetricName: "Latency", StartTime: new Date(now - 600_000), EndTime: new Date(now), Period: 60, Statistics: ["Average", "SampleCount"], Unit }));
    const all = (await stats()).Datapoints!;
    expect(all.map((d) => [d.Unit, d.Average, d.SampleCount]).sort()).toEqual([["Milliseconds", 30, 2], ["Seconds", 1, 1]]);
    expect((await stats("Milliseconds")).Datapoints).toEqual([{ Timestamp, Unit: "Milliseconds", Average: 30, SampleCount: 2 }]);
    expect((await stats("Percent")).Datapoints).toEqual([]);
  });
});
