import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { triggerPolicies } from "../../src/core/trigger-policy";
import { canonicalJson, defaultRuleName, eventPattern, kindOfRule, ruleDescription, type TriggerSpec } from "../../src/core/trigger-rule";
import { eventPathSegments, isEventPath, parseTargetRef, pipelineParameterNameProblem, shortTarget, targetScopeProblem } from "../../src/core/trigger-target";

/**
 * The EventBridge rule mlops makes for each trigger kind (patterns whole), its name, description and
 * kind; what `--target` accepts; the IAM documents for a target. Shapes: aws-facts.md §4.4, §5.2,
 * §5.5; CloudWatch alarm events (cloudwatch-and-eventbridge.html); botocore events PutRule
 * (Description ≤ 512, Name ≤ 64).
 */

const PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/train";
const SCOPE = { partition: "aws", region: "us-east-1", account: "123456789012" };

describe("event patterns, whole", () => {
  it.each<[string, TriggerSpec, Record<string, unknown> | undefined]>([
    ["S3 without a key filter", { kind: "s3", bucket: "raw" }, { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: ["raw"] } } }],
    ["a schedule has none (it is a ScheduleExpression)", { kind: "schedule", expression: "rate(1 day)" }, undefined],
    ["model approved", { kind: "model-approved", group: "churn" }, { source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"], detail: { ModelPackageGroupName: ["churn"], ModelApprovalStatus: ["Approved"] } }],
    ["an alarm entering a state", { kind: "alarm", alarm: "drift", state: "INSUFFICIENT_DATA" }, { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: ["drift"], state: { value: ["INSUFFICIENT_DATA"] } } }],
    [
      "pipeline statuses (ORed in one list)",
      { kind: "pipeline-status", pipeline: "train", pipelineArn: PIPELINE_ARN, statuses: ["Failed", "Stopped"] },
      { source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Building Pipeline Execution Status Change"], detail: { pipelineArn: [PIPELINE_ARN], currentPipelineExecutionStatus: ["Failed", "Stopped"] } },
    ],
  ])("%s", (_what, spec, pattern) => {
    expect(eventPattern(spec)).toEqual(pattern);
  });
});

describe("rule descriptions", () => {
  it.each<[TriggerSpec, string]>([
    [{ kind: "s3", bucket: "raw" }, "mlops trigger: S3 Object Created in raw → sns:t"],
    [{ kind: "s3", bucket: "raw", prefix: "in/" }, "mlops trigger: S3 Object Created in raw, key in/* → sns:t"],
    [{ kind: "s3", bucket: "raw", suffix: ".csv" }, "mlops trigger: S3 Object Created in raw, key *.csv → sns:t"],
    [{ kind: "schedule", expression: "cron(0 3 * * ? *)" }, "mlops trigger: schedule cron(0 3 * * ? *) (UTC) → sns:t"],
    [{ kind: "model-approved", group: "churn" }, "mlops trigger: model package approved in group churn → sns:t"],
    [{ kind: "alarm", alarm: "drift", state: "ALARM" }, "mlops trigger: alarm drift entering ALARM → sns:t"],
    [{ kind: "pipeline-status", pipeline: "train", pipelineArn: PIPELINE_ARN, statuses: ["Failed", "Stopped"] }, "mlops trigger: pipeline train execution Failed or Stopped → sns:t"],
  ])("%o → %s", (spec, text) => {
    expect(ruleDescription(spec, "sns:t")).toBe(text);
  });

  it("exactly 512 characters is kept whole; 513 is cut to 511 and an ellipsis", () => {
    // "mlops trigger: alarm " (21) + name + " entering OK → sns:t" (20) = 512 with a 471-character name.
    const whole = ruleDescription({ kind: "alarm", alarm: "a".repeat(471), state: "OK" }, "sns:t");
    expect(whole).toBe(`mlops trigger: alarm ${"a".repeat(471)} entering OK → sns:t`);
    expect(whole).toHaveLength(512);
    const cut = ruleDescription({ kind: "alarm", alarm: "a".repeat(472), state: "OK" }, "sns:t");
    // 513 characters: the first 511 (21 + 472 + " entering OK → sns", 18) and "…".
    expect(cut).toBe(`mlops trigger: alarm ${"a".repeat(472)} entering OK → sns…`);
  });
});

describe("default rule names and canonical patterns", () => {
  /** The documented rule: mlops-<kind>-<first 10 hex of sha256(JSON [kind, pattern or schedule, target ARN])>. */
  const expected = (kind: string, what: string, target: string) => `mlops-${kind}-${createHash("sha256").update(JSON.stringify([kind, what, target])).digest("hex").slice(0, 10)}`;

  it("a schedule is named after its expression", () => {
    expect(defaultRuleName({ kind: "schedule", expression: "rate(1 day)" }, PIPELINE_ARN)).toBe(expected("schedule", "rate(1 day)", PIPELINE_ARN));
    expect(defaultRuleName({ kind: "schedule", expression: "rate(2 days)" }, PIPELINE_ARN)).toBe(expected("schedule", "rate(2 days)", PIPELINE_ARN));
  });

  it("a pattern trigger is named after its pattern with keys sorted", () => {
    const pattern = '{"detail":{"ModelApprovalStatus":["Approved"],"ModelPackageGroupName":["churn"]},"detail-type":["SageMaker Model Package State Change"],"source":["aws.sagemaker"]}';
    expect(defaultRuleName({ kind: "model-approved", group: "churn" }, PIPELINE_ARN)).toBe(expected("model-approved", pattern, PIPELINE_ARN));
  });

  it("canonical JSON sorts keys at every level (UTF-16 order: upper case before lower) and keeps arrays as they are", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 0 }, C: null })).toBe('{"C":null,"a":{"c":0,"d":[2,1]},"b":1}');
    expect(canonicalJson({ z: 1, y: 2, x: 3, w: 4 })).toBe('{"w":4,"x":3,"y":2,"z":1}');
    expect(canonicalJson({ w: 4, y: 2, x: 3, z: 1 })).toBe('{"w":4,"x":3,"y":2,"z":1}');
  });
});

describe("the kind of an existing rule", () => {
  it("no detail-type, or one that is not a trigger's (even an Object.prototype name), is not a trigger", () => {
    expect(kindOfRule({}, { source: ["aws.s3"] }, undefined)).toBeUndefined();
    expect(kindOfRule({}, undefined, undefined)).toBeUndefined();
    expect(kindOfRule({}, { "detail-type": ["constructor"] }, undefined)).toBeUndefined();
    expect(kindOfRule({}, { "detail-type": [["Object Created"]] }, undefined)).toBeUndefined();
  });

  it.each([
    ["Object Created", "s3"],
    ["SageMaker Model Package State Change", "model-approved"],
    ["CloudWatch Alarm State Change", "alarm"],
    ["SageMaker Model Building Pipeline Execution Status Change", "pipeline-status"],
  ])("an untagged rule for %j is a %s trigger", (detailType, kind) => {
    expect(kindOfRule({}, { "detail-type": [detailType] }, undefined)).toBe(kind);
  });
});

describe("--target", () => {
  it.each([
    ["pipelinex", "no colon"],
    [":train", "nothing before the colon"],
    ["arn:arn:aws:sns:us-east-1:123456789012:t", "arn: twice"],
    ["arn:aws:sns:us-east-1:123456789012:t\nmore", "a second line"],
  ])("%j is refused (%s)", (text) => {
    expect(() => parseTargetRef(text)).toThrow(/must be pipeline:NAME|is not an ARN/);
  });

  it("only a SageMaker ARN's pipeline/ resource is a SageMaker pipeline", () => {
    expect(() => parseTargetRef("arn:aws:lambda:us-east-1:123456789012:pipeline/x")).toThrow('"arn:aws:lambda:us-east-1:123456789012:pipeline/x" is a lambda ARN');
  });

  it("names the kind with its article", () => {
    expect(() => parseTargetRef("sns:a.b")).toThrow('"sns:a.b": an SNS topic name is 1 to 256');
    expect(() => parseTargetRef("pipeline:a_b")).toThrow('"pipeline:a_b": a SageMaker pipeline name is letters');
  });

  it("an ARN in another partition is in another region", () => {
    expect(targetScopeProblem("arn:aws-cn:sns:us-east-1:123456789012:t", SCOPE)).toMatch(/^is in region us-east-1; the rule is made in us-east-1/);
  });

  it.each([
    ["arn:aws-cn:sns:cn-north-1:123456789012:t", "sns:t"],
    ["arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:pipeline/p", "pipeline:p"],
    ["arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e"],
    ["arn:aws:lambda:us-east-1:123456789012:pipeline/x", "arn:aws:lambda:us-east-1:123456789012:pipeline/x"],
    ["arn:arn:aws:sns:us-east-1:123456789012:t", "arn:arn:aws:sns:us-east-1:123456789012:t"],
    ["arn:aws:sns:us-east-1:123456789012:t\nx", "arn:aws:sns:us-east-1:123456789012:t\nx"],
    ["pipeline:train", "pipeline:train"],
  ])("short form of %j is %j", (arn, short) => {
    expect(shortTarget(arn)).toBe(short);
  });
});

describe("pipeline parameter values", () => {
  it.each([
    ["$.detail.object.key", true],
    ["$", true],
    ["$.", true],
    ["s3://bucket/$.key", false],
    ["x$.", false],
    ["$x", false],
    ["literal", false],
  ])("%j is a JSONPath into the event: %s", (value, path) => {
    expect(isEventPath(value)).toBe(path);
  });

  it("indexes of more than one digit", () => {
    expect(eventPathSegments("$.resources[10]")).toEqual(["resources", 10]);
  });

  it("a trailing underscore is dropped in the suggested name", () => {
    expect(pipelineParameterNameProblem("Key_")).toMatch(/e\.g\. Key$/);
  });
});

describe("IAM documents for a target", () => {
  it("a pipeline target needs a role EventBridge assumes, allowed to start that one pipeline", () => {
    expect(triggerPolicies("sagemaker-pipeline", PIPELINE_ARN, "123456789012")).toEqual({
      roleNeeded: true,
      trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }] },
      permissionPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sagemaker:StartPipelineExecution", Resource: PIPELINE_ARN }] },
    });
  });
});
