import { describe, expect, it } from "vitest";
import { eventPathProblem, mismatchReasons, sampleEvent, setEventField } from "../../src/core/trigger-events";
import { eventPattern } from "../../src/core/trigger-rule";
import { eventPathSegments } from "../../src/core/trigger-target";

/**
 * `trigger test --sample`: the sample event of each kind, as AWS documents its envelope and detail
 * (S3: events-ref-s3.html "Object Created"; SageMaker: aws-facts.md §4.4, §5.5; CloudWatch:
 * cloudwatch-and-eventbridge.html; schedule: eb-run-lambda-schedule.html), fitted to a rule's own
 * pattern, and why an event does not match.
 */

const SCOPE = { partition: "aws", region: "eu-west-1", account: "111122223333", time: "2026-11-30T09:00:00Z" };
const ENVELOPE = { version: "0", id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718", account: "111122223333", time: "2026-11-30T09:00:00Z", region: "eu-west-1" };
const PIPELINE = "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/example-pipeline";

const S3_SAMPLE = {
  ...ENVELOPE,
  "detail-type": "Object Created",
  source: "aws.s3",
  // An S3 event's one resource is the bucket's ARN: no region or account in an S3 bucket ARN.
  resources: ["arn:aws:s3:::example-bucket"],
  detail: {
    version: "0",
    bucket: { name: "example-bucket" },
    object: { key: "example.csv", size: 1024, etag: "d41d8cd98f00b204e9800998ecf8427e", "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", sequencer: "0062E99A88DC407460" },
    "request-id": "N4N7GDK58NMKJ12R",
    requester: "111122223333",
    "source-ip-address": "203.0.113.15",
    reason: "PutObject",
  },
};

describe("each kind's sample event, whole", () => {
  it("S3 Object Created: the bucket is the resource", () => {
    expect(sampleEvent("s3", SCOPE)).toEqual(S3_SAMPLE);
  });

  it("a schedule: the rule's ARN is the only resource, the detail is empty", () => {
    expect(sampleEvent("schedule", SCOPE)).toEqual({ ...ENVELOPE, "detail-type": "Scheduled Event", source: "aws.events", resources: ["arn:aws:events:eu-west-1:111122223333:rule/example"], detail: {} });
    const ruleArn = "arn:aws:events:eu-west-1:111122223333:rule/nightly";
    expect(sampleEvent("schedule", { ...SCOPE, ruleArn }).resources).toEqual([ruleArn]);
  });

  it("a model package approved: the package ARN is the resource and in the detail", () => {
    const arn = "arn:aws:sagemaker:eu-west-1:111122223333:model-package/example-group/1";
    expect(sampleEvent("model-approved", SCOPE)).toEqual({
      ...ENVELOPE,
      "detail-type": "SageMaker Model Package State Change",
      source: "aws.sagemaker",
      resources: [arn],
      detail: { ModelPackageGroupName: "example-group", ModelPackageVersion: 1, ModelPackageArn: arn, ModelApprovalStatus: "Approved", ModelPackageStatus: "Completed", CreationTime: SCOPE.time, LastModifiedTime: SCOPE.time },
    });
  });

  it("an alarm state change: OK → ALARM, the alarm ARN is the resource", () => {
    expect(sampleEvent("alarm", SCOPE)).toEqual({
      ...ENVELOPE,
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      resources: ["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:example-alarm"],
      detail: {
        alarmName: "example-alarm",
        state: { value: "ALARM", reason: "Threshold Crossed", timestamp: SCOPE.time },
        previousState: { value: "OK", reason: "Threshold Crossed", timestamp: SCOPE.time },
        configuration: {},
      },
    });
  });

  it("a pipeline execution status change: the pipeline and the execution are the resources", () => {
    const execution = `${PIPELINE}/execution/example1234`;
    expect(sampleEvent("pipeline-status", SCOPE)).toEqual({
      ...ENVELOPE,
      "detail-type": "SageMaker Model Building Pipeline Execution Status Change",
      source: "aws.sagemaker",
      resources: [PIPELINE, execution],
      detail: {
        pipelineExecutionDisplayName: "example-execution",
        currentPipelineExecutionStatus: "Failed",
        previousPipelineExecutionStatus: "Executing",
        executionStartTime: SCOPE.time,
        executionEndTime: SCOPE.time,
        pipelineArn: PIPELINE,
        pipelineExecutionArn: execution,
      },
    });
  });
});

describe("a sample is fitted to the rule only when the rule is of its kind", () => {
  const S3 = { source: ["aws.s3"], "detail-type": ["Object Created"] };

  it("an S3 rule's bucket becomes the sample's bucket and its resource", () => {
    const event = sampleEvent("s3", SCOPE, eventPattern({ kind: "s3", bucket: "raw", suffix: ".parquet" }));
    expect(event).toEqual({ ...S3_SAMPLE, resources: ["arn:aws:s3:::raw"], detail: { ...S3_SAMPLE.detail, bucket: { name: "raw" }, object: { ...S3_SAMPLE.detail.object, key: "example.parquet" } } });
  });

  it.each([
    ["another kind's rule", eventPattern({ kind: "alarm", alarm: "drift", state: "ALARM" })],
    ["same detail-type, another source", { source: ["custom.app"], "detail-type": ["Object Created"], detail: { bucket: { name: ["raw"] } } }],
    ["same source, another detail-type", { source: ["aws.s3"], "detail-type": ["Object Deleted"], detail: { bucket: { name: ["raw"] } } }],
    ["no source at all", { "detail-type": ["Object Created"], detail: { bucket: { name: ["raw"] } } }],
  ])("%s: the S3 sample stays itself", (_why, pattern) => {
    expect(sampleEvent("s3", SCOPE, pattern)).toEqual(S3_SAMPLE);
  });

  it("only an S3 event's resource is its bucket", () => {
    const pattern = { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { bucket: { name: ["b"] } } };
    expect(sampleEvent("alarm", SCOPE, pattern).resources).toEqual(["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:example-alarm"]);
    // A bucket that is not an object with a name leaves the sample's resource alone.
    const flat = sampleEvent("s3", SCOPE, { ...S3, detail: { bucket: ["flat"] } });
    expect(flat.resources).toEqual(["arn:aws:s3:::example-bucket"]);
    expect((flat.detail as { bucket: unknown }).bucket).toBe("flat");
  });

  it.each([
    ["an exact string", ["exact.csv"], "exact.csv"],
    ["a number", [42], 42],
    ["a boolean", [false], false],
    ["a prefix", [{ prefix: "in/" }], "in/example"],
    ["a suffix", [{ suffix: ".parquet" }], "example.parquet"],
    ["a wildcard (each * is example, \\* a literal star)", [{ wildcard: "a/*/b\\*c" }], "a/example/b*c"],
    ["equals-ignore-case", [{ "equals-ignore-case": "MiXeD.csv" }], "MiXeD.csv"],
    ["the first of several values", ["one.csv", "two.csv"], "one.csv"],
  ])("the key is made to satisfy %s", (_what, matchers, want) => {
    const event = sampleEvent("s3", SCOPE, { ...S3, detail: { object: { key: matchers } } });
    expect((event.detail as { object: { key: unknown } }).object.key).toEqual(want);
  });

  it.each([
    ["anything-but", [{ "anything-but": ["x.csv"] }]],
    ["numeric", [{ numeric: [">", 0] }]],
    ["null", [null]],
    ["an empty list", []],
  ])("a matcher no value can be made up for (%s) leaves the field as it was", (_what, matchers) => {
    const event = sampleEvent("s3", SCOPE, { ...S3, detail: { object: { key: matchers } } });
    expect(event).toEqual(S3_SAMPLE);
    expect(Object.keys((event.detail as { object: object }).object)).toEqual(Object.keys(S3_SAMPLE.detail.object));
  });

  it("resources is an array in the event: a made-up value becomes its one element, or the resources stay", () => {
    const alarm = { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] };
    const arn = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:drift";
    expect(sampleEvent("alarm", SCOPE, { ...alarm, resources: [arn] }).resources).toEqual([arn]);
    expect(sampleEvent("alarm", SCOPE, { ...alarm, resources: [{ "anything-but": arn }] }).resources).toEqual(["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:example-alarm"]);
  });

  it("fields the sample lacks are made, objects where a value or a list was are replaced", () => {
    const event = sampleEvent("s3", SCOPE, { ...S3, detail: { version: { major: ["1"] }, extra: { tier: ["gold"] } } });
    expect(event.detail).toEqual({ ...S3_SAMPLE.detail, version: { major: "1" }, extra: { tier: "gold" } });
    const alarm = { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] };
    expect(sampleEvent("alarm", SCOPE, { ...alarm, resources: { kind: ["alarm"] } }).resources).toEqual({ kind: "alarm" });
  });

  it("$or and leaves that are not lists are not filled (EventBridge judges $or whole; a leaf is a list)", () => {
    const event = sampleEvent("s3", SCOPE, { ...S3, $or: [{ prefix: ["x"] }], detail: { reason: "PutObject", odd: "text", none: null } });
    expect(event).toEqual(S3_SAMPLE);
    expect(Object.keys(event)).not.toContain("$or");
    expect(Object.keys(event.detail as object)).toEqual(Object.keys(S3_SAMPLE.detail));
  });
});

describe("--field", () => {
  it.each(["__proto__", "constructor", "prototype"])("refuses %s anywhere in the path: it would reach Object.prototype", (name) => {
    for (const path of [name, `detail.${name}`, `${name}.x`]) {
      const event: Record<string, unknown> = { detail: {} };
      expect(() => setEventField(event, path, "x")).toThrow(`"${path}": ${name} is not a field mlops sets`);
      expect(event).toEqual({ detail: {} });
    }
  });

  it("sets a top-level field and replaces a value", () => {
    const event: Record<string, unknown> = { source: "aws.s3", detail: { a: 1 } };
    setEventField(event, "source", "custom");
    setEventField(event, "detail.a", 2);
    expect(event).toEqual({ source: "custom", detail: { a: 2 } });
    expect(() => setEventField({ resources: ["x"] }, "resources.x", 1)).toThrow('"resources.x": resources is not an object in the event');
  });
});

describe("why an event does not match", () => {
  const pattern = { source: ["aws.s3"], detail: { object: { key: [{ suffix: ".csv" }] }, owner: ["me"] } };

  it("one line per field: missing, or its value and what the rule wants", () => {
    const event = sampleEvent("s3", SCOPE);
    setEventField(event, "detail.object.key", "x.txt");
    expect(mismatchReasons(pattern, event)).toEqual(['detail.object.key is "x.txt"; the rule wants [{"suffix":".csv"}]', 'detail.owner is missing; the rule wants ["me"]']);
    setEventField(event, "detail.object.key", "x.csv");
    setEventField(event, "detail.owner", "me");
    expect(mismatchReasons(pattern, event)).toEqual([]);
  });

  it("a field under a value or a null is missing (a string's length is not a field)", () => {
    const event = sampleEvent("s3", SCOPE);
    setEventField(event, "detail.requester", null);
    expect(mismatchReasons({ detail: { version: { length: ["1"] }, requester: { id: ["x"] } } }, event)).toEqual([
      'detail.version.length is missing; the rule wants ["1"]',
      'detail.requester.id is missing; the rule wants ["x"]',
    ]);
  });

  it("$or is judged whole and not explained; leaves that are not lists are skipped", () => {
    const event = sampleEvent("s3", SCOPE);
    expect(mismatchReasons({ source: ["aws.s3"], $or: [{ detail: { a: ["x"] } }, { detail: { b: ["y"] } }] }, event)).toEqual([]);
    expect(mismatchReasons({ detail: { reason: "PutObject", odd: "text", none: null } }, event)).toEqual([]);
  });
});

describe("a --param JSONPath must reach a value of the kind's event", () => {
  const problem = (path: string) => eventPathProblem("s3", eventPathSegments(path), SCOPE);
  it("a list has elements, not fields; a value has no fields (not even length)", () => {
    expect(problem("$.resources.length")).toBe('the s3 event has no "length" at $.resources (there: an array of 1)');
    expect(problem("$.detail.object.key.length")).toBe('the s3 event has no "length" at $.detail.object.key (there: a value, not an object)');
    expect(problem("$.resources[0]")).toBeUndefined();
    expect(problem("$.detail.bucket")).toBe("points at an object; a pipeline parameter takes a value such as $.detail.bucket.name");
  });
});
