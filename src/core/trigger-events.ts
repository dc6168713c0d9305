import { matchesEventPattern } from "../sandbox/event-pattern";
import { TRIGGER_KINDS, type TriggerKind } from "./choices";

/**
 * Sample events of each trigger kind, shaped as AWS sends them (the envelope: version, id,
 * detail-type, source, account, time, region, resources, detail), and why an event does not
 * match a pattern. Pure. Shapes: aws-facts.md §4.4, §5.2, §5.5;
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-s3.html;
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html;
 * scheduled events: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */

/** `trigger test --sample`: every kind of trigger has a sample event. */
export const SAMPLE_KINDS = TRIGGER_KINDS;

export interface SampleScope {
  partition: string;
  account: string;
  region: string;
  /** ISO time the event says it happened. */
  time: string;
  /** For a scheduled event: the rule's ARN (its only resource). */
  ruleArn?: string;
}

type Json = Record<string, unknown>;

/** The detail of each kind's sample, and its resources. */
function sampleBody(kind: TriggerKind, s: SampleScope): { source: string; detailType: string; resources: string[]; detail: Json } {
  const arn = (service: string, resource: string) => `arn:${s.partition}:${service}:${s.region}:${s.account}:${resource}`;
  switch (kind) {
    case "s3":
      return {
        source: "aws.s3",
        detailType: "Object Created",
        resources: [`arn:${s.partition}:s3:::example-bucket`],
        detail: {
          version: "0",
          bucket: { name: "example-bucket" },
          object: { key: "example.csv", size: 1024, etag: "d41d8cd98f00b204e9800998ecf8427e", "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", sequencer: "0062E99A88DC407460" },
          "request-id": "N4N7GDK58NMKJ12R",
          requester: s.account,
          "source-ip-address": "203.0.113.15",
          reason: "PutObject",
        },
      };
    case "schedule":
      return { source: "aws.events", detailType: "Scheduled Event", resources: [s.ruleArn ?? arn("events", "rule/example")], detail: {} };
    case "model-approved":
      return {
        source: "aws.sagemaker",
        detailType: "SageMaker Model Package State Change",
        resources: [arn("sagemaker", "model-package/example-group/1")],
        detail: {
          ModelPackageGroupName: "example-group",
          ModelPackageVersion: 1,
          ModelPackageArn: arn("sagemaker", "model-package/example-group/1"),
          ModelApprovalStatus: "Approved",
          ModelPackageStatus: "Completed",
          CreationTime: s.time,
          LastModifiedTime: s.time,
        },
      };
    case "alarm":
      return {
        source: "aws.cloudwatch",
        detailType: "CloudWatch Alarm State Change",
        resources: [arn("cloudwatch", "alarm:example-alarm")],
        detail: {
          alarmName: "example-alarm",
          state: { value: "ALARM", reason: "Threshold Crossed", timestamp: s.time },
          previousState: { value: "OK", reason: "Threshold Crossed", timestamp: s.time },
          configuration: {},
        },
      };
    case "pipeline-status": {
      const pipelineArn = arn("sagemaker", "pipeline/example-pipeline");
      return {
        source: "aws.sagemaker",
        detailType: "SageMaker Model Building Pipeline Execution Status Change",
        resources: [pipelineArn, `${pipelineArn}/execution/example1234`],
        detail: {
          pipelineExecutionDisplayName: "example-execution",
          currentPipelineExecutionStatus: "Failed",
          previousPipelineExecutionStatus: "Executing",
          executionStartTime: s.time,
          executionEndTime: s.time,
          pipelineArn,
          pipelineExecutionArn: `${pipelineArn}/execution/example1234`,
        },
      };
    }
  }
}

/**
 * A sample event of `kind`. Where `pattern` (the rule's) asks for an exact value, a prefix, a
 * suffix or a wildcard, the sample carries a value that satisfies it, so that a sample of the
 * rule's own kind matches and `overrides` can then change one field to see what does not.
 */
export function sampleEvent(kind: TriggerKind, scope: SampleScope, pattern?: Json): Json {
  const body = sampleBody(kind, scope);
  const event: Json = {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": body.detailType,
    source: body.source,
    account: scope.account,
    time: scope.time,
    region: scope.region,
    resources: body.resources,
    detail: body.detail,
  };
  // Only a sample of the rule's own kind is made to fit it: another kind's sample must stay itself.
  const first = (key: string) => (pattern?.[key] as unknown[] | undefined)?.[0];
  if (pattern && first("source") === body.source && first("detail-type") === body.detailType) fillFromPattern(event, pattern);
  // An S3 event's resource is its bucket.
  const bucket = (event.detail as { bucket?: { name?: unknown } }).bucket?.name;
  if (kind === "s3" && typeof bucket === "string") event.resources = [`arn:${scope.partition}:s3:::${bucket}`];
  return event;
}

/** A value that satisfies the first matcher of a leaf, or undefined when none can be made up. */
function satisfying(matchers: unknown[]): unknown {
  const first = matchers[0];
  if (typeof first === "string" || typeof first === "number" || typeof first === "boolean") return first;
  if (typeof first !== "object" || first === null) return undefined;
  const m = first as Record<string, unknown>;
  if (typeof m.prefix === "string") return `${m.prefix}example`;
  if (typeof m.suffix === "string") return `example${m.suffix}`;
  if (typeof m.wildcard === "string") return m.wildcard.replace(/\\(.)|\*/g, (all, escaped: string | undefined) => (escaped ?? "example"));
  // Stryker disable next-line ConditionalExpression: equivalent: without the check an absent equals-ignore-case returns undefined, as the next line does
  if (typeof m["equals-ignore-case"] === "string") return m["equals-ignore-case"];
  return undefined;
}

function fillFromPattern(target: Json, pattern: Json): void {
  for (const [key, value] of Object.entries(pattern)) {
    // Stryker disable next-line ConditionalExpression: equivalent for valid patterns: $or lists sub-patterns (objects of lists), from which satisfying() makes nothing; the skip says so
    if (key === "$or") continue;
    if (Array.isArray(value)) {
      const made = satisfying(value);
      if (made === undefined) continue;
      // resources is an array in the event; any element may match.
      target[key] = Array.isArray(target[key]) ? [made] : made;
    } else if (value && typeof value === "object") {
      const inner = target[key] && typeof target[key] === "object" && !Array.isArray(target[key]) ? (target[key] as Json) : (target[key] = {});
      fillFromPattern(inner as Json, value as Json);
    }
  }
}

/**
 * Sets `path` (dot-separated, e.g. `detail.object.key`) in an event to `value`, creating objects
 * on the way; throws Error when the path is empty or runs through a non-object.
 */
export function setEventField(event: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  if (keys.some((k) => k === "")) throw new Error(`"${path}" is not a field path such as detail.object.key`);
  // An event is plain JSON: these names would reach Object.prototype instead of a field.
  const forbidden = keys.find((k) => k === "__proto__" || k === "constructor" || k === "prototype");
  if (forbidden) throw new Error(`"${path}": ${forbidden} is not a field mlops sets`);
  let at = event;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next === undefined) at = at[key] = {};
    else if (next && typeof next === "object" && !Array.isArray(next)) at = next as Json;
    else throw new Error(`"${path}": ${key} is not an object in the event`);
  }
  at[keys.at(-1)!] = value;
}

/**
 * Why an event does not match a pattern: one line per field the pattern asks about that the
 * event does not satisfy ("detail.object.key is \"x.txt\"; the rule wants [{\"suffix\":\".csv\"}]").
 * Empty when every field matches (or when the pattern uses `$or`, which is judged whole).
 */
export function mismatchReasons(pattern: Json, event: Json): string[] {
  const reasons: string[] = [];
  const walk = (part: Json, path: string[]) => {
    for (const [key, value] of Object.entries(part)) {
      if (key === "$or") continue;
      const at = [...path, key];
      if (Array.isArray(value)) {
        const sub = at.reduceRight<Json>((inner, k) => ({ [k]: inner }), value as unknown as Json);
        if (matchesEventPattern(sub, event)) continue;
        const actual = at.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Json)[k] : undefined), event);
        reasons.push(`${at.join(".")} ${actual === undefined ? "is missing" : `is ${JSON.stringify(actual)}`}; the rule wants ${JSON.stringify(value)}`);
      } else if (value && typeof value === "object") walk(value as Json, at);
    }
  };
  walk(pattern, []);
  return reasons;
}

/**
 * Whether a JSONPath's fields exist in the sample event of a kind; returns the problem or
 * undefined. Used for `--param NAME='$.detail.object.key'`: a path into nothing sends nothing.
 */
export function eventPathProblem(kind: TriggerKind, segments: ReadonlyArray<string | number>, scope: SampleScope): string | undefined {
  let at: unknown = sampleEvent(kind, scope);
  const walked: string[] = ["$"];
  for (const segment of segments) {
    const here = at as Json | unknown[] | undefined;
    const next = Array.isArray(here) ? (typeof segment === "number" ? here[segment] : undefined) : here && typeof here === "object" ? (here as Json)[segment] : undefined;
    if (next === undefined) {
      const fields = Array.isArray(here) ? `an array of ${here.length}` : here && typeof here === "object" ? `fields ${Object.keys(here).join(", ")}` : "a value, not an object";
      return `the ${kind} event has no ${typeof segment === "number" ? `[${segment}]` : `"${segment}"`} at ${walked.join(".")} (there: ${fields})`;
    }
    walked.push(String(segment));
    at = next;
  }
  if (at && typeof at === "object") return `points at an object; a pipeline parameter takes a value such as ${walked.join(".")}.${Object.keys(at as Json)[0] ?? "…"}`;
  return undefined;
}
