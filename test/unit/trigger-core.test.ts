import { describe, expect, it } from "vitest";
import { matchesEventPattern } from "../../src/sandbox/event-pattern";
import { eventPathProblem, mismatchReasons, sampleEvent, setEventField } from "../../src/core/trigger-events";
import { triggerPolicies } from "../../src/core/trigger-policy";
import { canonicalJson, defaultRuleName, eventPattern, isTriggerRule, kindOfRule, ruleDescription, snsMessage, triggerTags, type TriggerSpec } from "../../src/core/trigger-rule";
import { eventPathSegments, parseTargetRef, partitionOf, pipelineParameterNameProblem, shortTarget, targetArn, targetScopeProblem } from "../../src/core/trigger-target";
import { targetInput } from "../../src/sandbox/event-delivery";

const SCOPE = { partition: "aws", region: "us-east-1", account: "123456789012" };
const SAMPLE_SCOPE = { ...SCOPE, time: "2026-11-30T09:00:00Z" };

describe("--target", () => {
  it.each([
    ["pipeline:train", { kind: "sagemaker-pipeline", name: "train" }],
    ["codepipeline:churn.release_v2@x", { kind: "codepipeline", name: "churn.release_v2@x" }],
    ["sns:ml-team", { kind: "sns", name: "ml-team" }],
    ["sns:alerts.fifo", { kind: "sns", name: "alerts.fifo" }],
    ["arn:aws:sagemaker:us-east-1:123456789012:pipeline/train", { kind: "sagemaker-pipeline", name: "train", arn: "arn:aws:sagemaker:us-east-1:123456789012:pipeline/train" }],
    ["arn:aws:codepipeline:us-east-1:123456789012:release", { kind: "codepipeline", name: "release" }],
    ["arn:aws-cn:sns:cn-north-1:123456789012:t", { kind: "sns", name: "t" }],
  ])("%s is a %o", (text, ref) => {
    expect(parseTargetRef(text)).toMatchObject(ref);
  });

  it.each([
    ["lambda:fn", /must be pipeline:NAME/],
    ["train", /must be pipeline:NAME/],
    ["pipeline:", /a SageMaker pipeline name is letters/],
    ["pipeline:bad_name", /a SageMaker pipeline name is letters/],
    ["codepipeline:has space", /a CodePipeline pipeline name is 1 to 100/],
    ["sns:a.b", /an? SNS topic name is/],
    ["arn:aws:lambda:us-east-1:123456789012:function:f", /is a lambda ARN/],
    ["arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", /is a sagemaker ARN/],
    ["arn:aws:sns:us-east-1:12345:t", /is not an ARN/],
  ])("%s is refused: %s", (text, message) => {
    expect(() => parseTargetRef(text)).toThrow(message);
  });

  it("builds ARNs as AWS reports them: SageMaker lower-cases pipeline names, the partition follows the region", () => {
    expect(targetArn({ kind: "sagemaker-pipeline", name: "Train-Model" }, SCOPE)).toBe("arn:aws:sagemaker:us-east-1:123456789012:pipeline/train-model");
    expect(targetArn({ kind: "codepipeline", name: "Release" }, SCOPE)).toBe("arn:aws:codepipeline:us-east-1:123456789012:Release");
    expect(targetArn({ kind: "sns", name: "T" }, { ...SCOPE, partition: partitionOf("cn-north-1"), region: "cn-north-1" })).toBe("arn:aws-cn:sns:cn-north-1:123456789012:T");
    expect([partitionOf("us-gov-west-1"), partitionOf("eu-west-1")]).toEqual(["aws-us-gov", "aws"]);
  });

  it("refuses a target ARN in another region or account, and says which", () => {
    expect(targetScopeProblem("arn:aws:sns:eu-west-1:123456789012:t", SCOPE)).toMatch(/is in region eu-west-1; the rule is made in us-east-1/);
    expect(targetScopeProblem("arn:aws:sns:us-east-1:999999999999:t", SCOPE)).toMatch(/is in account 999999999999; these credentials are account 123456789012/);
    expect(targetScopeProblem("arn:aws:sns:us-east-1:123456789012:t", SCOPE)).toBeUndefined();
  });

  it("short forms for people", () => {
    expect(shortTarget("arn:aws:sagemaker:us-east-1:123456789012:pipeline/train")).toBe("pipeline:train");
    expect(shortTarget("arn:aws:codepipeline:us-east-1:123456789012:rel")).toBe("codepipeline:rel");
    expect(shortTarget("arn:aws:sns:us-east-1:123456789012:t")).toBe("sns:t");
    expect(shortTarget("arn:aws:lambda:us-east-1:123456789012:function:f")).toBe("arn:aws:lambda:us-east-1:123456789012:function:f");
  });
});

describe("pipeline parameters EventBridge passes", () => {
  it.each(["InputKey", "a", "Input-Key", "A--b9", "x".repeat(256)])("%s is a name EventBridge takes", (name) => {
    expect(pipelineParameterNameProblem(name)).toBeUndefined();
  });
  it.each([
    ["Input_Key", /underscore.*InputKey/],
    ["input__data_url", /underscore.*inputDataUrl/],
    ["-Key", /letters, digits and inner hyphens/],
    ["Key-", /letters, digits and inner hyphens/],
    ["Key.1", /letters, digits and inner hyphens/],
    ["", /1 to 256/],
    ["x".repeat(257), /1 to 256/],
  ])("%s is refused: %s", (name, message) => {
    expect(pipelineParameterNameProblem(name)).toMatch(message);
  });

  it("JSONPaths into the event: dotted fields, hyphens and indexes; anything else names where it goes wrong", () => {
    expect(eventPathSegments("$.detail.object.key")).toEqual(["detail", "object", "key"]);
    expect(eventPathSegments("$.detail-type")).toEqual(["detail-type"]);
    expect(eventPathSegments("$.resources[0]")).toEqual(["resources", 0]);
    expect(eventPathSegments("$")).toEqual([]);
    expect(() => eventPathSegments("$.detail..key")).toThrow(/unexpected "\.\.key"/);
    expect(() => eventPathSegments("$.a[x]")).toThrow(/unexpected "\[x\]"/);
  });

  it("a path must reach a value of the kind's event", () => {
    const problem = (kind: Parameters<typeof eventPathProblem>[0], path: string) => eventPathProblem(kind, eventPathSegments(path), SAMPLE_SCOPE);
    expect(problem("s3", "$.detail.object.key")).toBeUndefined();
    expect(problem("s3", "$.detail.object.size")).toBeUndefined();
    expect(problem("s3", "$.resources[0]")).toBeUndefined();
    expect(problem("model-approved", "$.detail.ModelPackageArn")).toBeUndefined();
    expect(problem("alarm", "$.detail.state.value")).toBeUndefined();
    expect(problem("pipeline-status", "$.detail.pipelineExecutionArn")).toBeUndefined();
    expect(problem("s3", "$.detail.objct.key")).toMatch(/the s3 event has no "objct" at \$\.detail \(there: fields version, bucket, object,/);
    expect(problem("s3", "$.detail.object")).toMatch(/points at an object; .* such as \$\.detail\.object\.key/);
    expect(problem("schedule", "$.detail.x")).toMatch(/the schedule event has no "x" at \$\.detail \(there: fields \)/);
    expect(problem("s3", "$.resources[3]")).toMatch(/no \[3\] at \$\.resources \(there: an array of 1\)/);
    expect(problem("s3", "$.detail.object.key.x")).toMatch(/there: a value, not an object/);
  });
});

const SPECS: TriggerSpec[] = [
  { kind: "s3", bucket: "raw", prefix: "data/", suffix: ".csv" },
  { kind: "s3", bucket: "raw", prefix: "data/" },
  { kind: "s3", bucket: "raw", suffix: ".csv" },
  { kind: "s3", bucket: "raw" },
  { kind: "schedule", expression: "cron(0 3 * * ? *)" },
  { kind: "model-approved", group: "churn" },
  { kind: "alarm", alarm: "drift", state: "ALARM" },
  { kind: "pipeline-status", pipeline: "train", pipelineArn: "arn:aws:sagemaker:us-east-1:123456789012:pipeline/train", statuses: ["Failed"] },
];

describe("the rule of each trigger", () => {
  it("S3: bucket always; a prefix, a suffix, or both as one wildcard (values in one array are ORed)", () => {
    const key = (spec: TriggerSpec) => (eventPattern(spec) as { detail: { object?: { key: unknown } } }).detail.object?.key;
    expect(key(SPECS[0]!)).toEqual([{ wildcard: "data/*.csv" }]);
    expect(key(SPECS[1]!)).toEqual([{ prefix: "data/" }]);
    expect(key(SPECS[2]!)).toEqual([{ suffix: ".csv" }]);
    expect(key(SPECS[3]!)).toBeUndefined();
    expect(eventPattern({ kind: "s3", bucket: "b", prefix: "a*b\\", suffix: "*" })).toMatchObject({ detail: { object: { key: [{ wildcard: "a\\*b\\\\*\\*" }] } } });
  });

  it("each pattern matches its kind's sample and not the others' (the sandbox's matcher)", () => {
    for (const spec of SPECS) {
      const pattern = eventPattern(spec);
      if (!pattern) continue;
      for (const kind of ["s3", "model-approved", "alarm", "pipeline-status"] as const) {
        const sample = sampleEvent(kind, SAMPLE_SCOPE, pattern);
        expect(matchesEventPattern(pattern, sample), `${spec.kind} vs ${kind}`).toBe(kind === spec.kind);
      }
    }
  });

  it("model-approved matches Approved only: not registration (PendingManualApproval) nor a rejection", () => {
    const pattern = eventPattern({ kind: "model-approved", group: "churn" })!;
    const event = sampleEvent("model-approved", SAMPLE_SCOPE, pattern);
    expect(matchesEventPattern(pattern, event)).toBe(true);
    for (const status of ["PendingManualApproval", "Rejected"]) {
      setEventField(event, "detail.ModelApprovalStatus", status);
      expect(matchesEventPattern(pattern, event)).toBe(false);
      expect(mismatchReasons(pattern, event)).toEqual([`detail.ModelApprovalStatus is "${status}"; the rule wants ["Approved"]`]);
    }
    setEventField(event, "detail.ModelApprovalStatus", "Approved");
    setEventField(event, "detail.ModelPackageGroupName", "other");
    expect(mismatchReasons(pattern, event)).toEqual(['detail.ModelPackageGroupName is "other"; the rule wants ["churn"]']);
  });

  it("default names: mlops-<kind>-<10 hex>, the same for the same inputs, another for another target or pattern; at most 64", () => {
    const target = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/train";
    const names = SPECS.map((s) => defaultRuleName(s, target));
    for (const [i, name] of names.entries()) expect(name).toMatch(new RegExp(`^mlops-${SPECS[i]!.kind}-[0-9a-f]{10}$`));
    expect(new Set(names).size).toBe(SPECS.length);
    expect(defaultRuleName({ kind: "s3", bucket: "raw", prefix: "data/", suffix: ".csv" }, target)).toBe(names[0]);
    expect(defaultRuleName(SPECS[0]!, `${target}2`)).not.toBe(names[0]);
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(64);
  });

  it("tags say mlops made it, and of which kind; a rule without them is not ours", () => {
    expect(triggerTags("s3")).toEqual({ "mlops:created-by": "mlops", "mlops:trigger": "s3" });
    expect(isTriggerRule(triggerTags("alarm"))).toBe(true);
    expect(isTriggerRule({ "mlops:created-by": "mlops" })).toBe(false);
    expect(isTriggerRule({ "mlops:trigger": "s3" })).toBe(false);
    expect(kindOfRule({}, { "detail-type": ["Object Created"] }, undefined)).toBe("s3");
    expect(kindOfRule({}, undefined, "rate(1 day)")).toBe("schedule");
    expect(kindOfRule({}, { "detail-type": ["Something"] }, undefined)).toBeUndefined();
    expect(kindOfRule(triggerTags("alarm"), { "detail-type": ["Object Created"] }, undefined)).toBe("alarm");
  });

  it("descriptions say what and where to, within EventBridge's 512 characters", () => {
    expect(ruleDescription(SPECS[0]!, "pipeline:train")).toBe("mlops trigger: S3 Object Created in raw, key data/*.csv → pipeline:train");
    expect(ruleDescription(SPECS[7]!, "sns:t")).toBe("mlops trigger: pipeline train execution Failed → sns:t");
    expect(ruleDescription({ kind: "alarm", alarm: "a".repeat(600), state: "OK" }, "sns:t")).toHaveLength(512);
  });

  it("canonical JSON: key order does not matter, array order does", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 0 } })).toBe(canonicalJson({ a: { c: 0, d: [2, 1] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it("SNS targets get one readable line per kind (rendered by the sandbox's InputTransformer)", () => {
    const render = (kind: Parameters<typeof snsMessage>[0], event: Record<string, unknown>) =>
      targetInput({ Id: "t", Arn: "arn:aws:sns:us-east-1:123456789012:t", InputTransformer: snsMessage(kind) } as never, event as never);
    const pipelineStatus = sampleEvent("pipeline-status", SAMPLE_SCOPE);
    expect(render("pipeline-status", pipelineStatus)).toBe("SageMaker pipeline execution example-execution: Failed (arn:aws:sagemaker:us-east-1:123456789012:pipeline/example-pipeline/execution/example1234)");
    expect(render("s3", sampleEvent("s3", SAMPLE_SCOPE))).toBe("New object s3://example-bucket/example.csv");
    expect(render("model-approved", sampleEvent("model-approved", SAMPLE_SCOPE))).toBe("Model package example-group version 1 was approved: arn:aws:sagemaker:us-east-1:123456789012:model-package/example-group/1");
    expect(render("alarm", sampleEvent("alarm", SAMPLE_SCOPE))).toBe("Alarm example-alarm entered ALARM at 2026-11-30T09:00:00Z");
    expect(render("schedule", sampleEvent("schedule", { ...SAMPLE_SCOPE, ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r" }))).toBe("Schedule arn:aws:events:us-east-1:123456789012:rule/r fired at 2026-11-30T09:00:00Z");
  });
});

describe("sample events and --field", () => {
  it("fit the rule's own values: exact, prefix, suffix, wildcard", () => {
    const key = (spec: TriggerSpec) => (sampleEvent("s3", SAMPLE_SCOPE, eventPattern(spec)) as { detail: { object: { key: string }; bucket: { name: string } } }).detail;
    expect(key(SPECS[0]!)).toMatchObject({ bucket: { name: "raw" }, object: { key: "data/example.csv" } });
    expect(key(SPECS[1]!).object.key).toBe("data/example");
    expect(key(SPECS[2]!).object.key).toBe("example.csv");
    expect(key({ kind: "s3", bucket: "b", prefix: "a*", suffix: ".x" }).object.key).toBe("a*example.x");
  });

  it("carry the AWS envelope with the caller's account and region", () => {
    const event = sampleEvent("alarm", SAMPLE_SCOPE);
    expect(Object.keys(event).sort()).toEqual(["account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"]);
    expect(event).toMatchObject({ account: "123456789012", region: "us-east-1", time: "2026-11-30T09:00:00Z", resources: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:example-alarm"] });
  });

  it("--field sets nested fields, making objects on the way; not through a value", () => {
    const event: Record<string, unknown> = { detail: { a: 1 } };
    setEventField(event, "detail.b.c", "x");
    expect(event).toEqual({ detail: { a: 1, b: { c: "x" } } });
    expect(() => setEventField(event, "detail.a.b", "x")).toThrow(/a is not an object/);
    expect(() => setEventField(event, "detail..b", "x")).toThrow(/is not a field path/);
  });
});

describe("trigger policy", () => {
  const PIPELINE = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/train";
  it("a pipeline target: trust events.amazonaws.com for this account's rules (or one rule), StartPipelineExecution on that pipeline only", () => {
    const p = triggerPolicies("sagemaker-pipeline", PIPELINE, "123456789012");
    expect(p.trustPolicy!.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }]);
    expect(p.permissionPolicy!.Statement).toEqual([{ Effect: "Allow", Action: "sagemaker:StartPipelineExecution", Resource: PIPELINE }]);
    const one = triggerPolicies("codepipeline", "arn:aws:codepipeline:us-east-1:123456789012:rel", "123456789012", "arn:aws:events:us-east-1:123456789012:rule/r");
    expect(one.trustPolicy!.Statement[0]!.Condition).toEqual({ ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/r" } });
    expect(one.permissionPolicy!.Statement[0]).toMatchObject({ Action: "codepipeline:StartPipelineExecution", Resource: "arn:aws:codepipeline:us-east-1:123456789012:rel" });
  });
  it("an SNS target: no role, a topic policy statement for that topic", () => {
    const p = triggerPolicies("sns", "arn:aws:sns:us-east-1:123456789012:t", "123456789012");
    expect(p).toEqual({
      roleNeeded: false,
      topicPolicyStatement: { Sid: "AllowEventBridgeRules", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:t", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } },
    });
  });
});
