import { createHash } from "node:crypto";
import { ALARM_STATES, TRIGGER_KINDS, type TriggerKind } from "./choices";
import { CREATED_BY, OWNER_TAG_KEYS } from "./ownership";

export { ALARM_STATES, PIPELINE_STATUSES, TRIGGER_KINDS, type TriggerKind } from "./choices";

/**
 * The EventBridge rule behind each kind of trigger: its event pattern (or schedule), its default
 * name, description and tags. Pure. Event shapes: aws-facts.md §4.4 (model package), §5.2 (S3),
 * §5.5 (pipeline execution); CloudWatch alarm events:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */

/** pipeline-status without --status: the outcomes. */
export const DEFAULT_PIPELINE_STATUSES = ["Failed", "Stopped", "Succeeded"] as const;

export type TriggerSpec =
  | { kind: "s3"; bucket: string; prefix?: string; suffix?: string }
  | { kind: "schedule"; expression: string }
  | { kind: "model-approved"; group: string }
  | { kind: "alarm"; alarm: string; state: (typeof ALARM_STATES)[number] }
  | { kind: "pipeline-status"; pipelineArn: string; pipeline: string; statuses: string[] };

/** EventBridge rule names: 1–64 of `[.\-_A-Za-z0-9]` (botocore RuleName). */
export const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Tag keys mlops puts on its rules: who made it (OWNER_TAG_KEYS.createdBy) and the trigger kind. */
export const TRIGGER_TAG_KEY = "mlops:trigger";

/** The tags of a rule mlops makes for a trigger of this kind. */
export function triggerTags(kind: TriggerKind): Record<string, string> {
  return { [OWNER_TAG_KEYS.createdBy]: CREATED_BY, [TRIGGER_TAG_KEY]: kind };
}

/** Whether a rule's tags say mlops made it for a trigger. */
export function isTriggerRule(tags: Readonly<Record<string, string>>): boolean {
  return tags[OWNER_TAG_KEYS.createdBy] === CREATED_BY && TRIGGER_KINDS.includes(tags[TRIGGER_TAG_KEY] as TriggerKind);
}

/** `*` and `\` are special in an EventBridge wildcard; a literal one is escaped with `\`. */
function wildcardLiteral(text: string): string {
  return text.replace(/[\\*]/g, (c) => `\\${c}`);
}

/**
 * The event pattern of a trigger, undefined for a schedule. Values in one array are ORed, so an
 * S3 key with both a prefix and a suffix is one `wildcard` (which counts against the 30
 * wildcard rules a bus may have).
 */
export function eventPattern(spec: TriggerSpec): Record<string, unknown> | undefined {
  switch (spec.kind) {
    case "s3": {
      const key =
        spec.prefix && spec.suffix
          ? { wildcard: `${wildcardLiteral(spec.prefix)}*${wildcardLiteral(spec.suffix)}` }
          : spec.prefix
            ? { prefix: spec.prefix }
            : spec.suffix
              ? { suffix: spec.suffix }
              : undefined;
      return { source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [spec.bucket] }, ...(key ? { object: { key: [key] } } : {}) } };
    }
    case "schedule":
      return undefined;
    case "model-approved":
      // ModelApprovalStatus too: the event fires on every change of a package, registration included.
      return { source: ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"], detail: { ModelPackageGroupName: [spec.group], ModelApprovalStatus: ["Approved"] } };
    case "alarm":
      return { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: [spec.alarm], state: { value: [spec.state] } } };
    case "pipeline-status":
      return {
        source: ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Building Pipeline Execution Status Change"],
        detail: { pipelineArn: [spec.pipelineArn], currentPipelineExecutionStatus: [...spec.statuses] },
      };
  }
}

/** What the trigger reacts to, in words: "S3 Object Created in raw-data, key data/*.csv". */
export function describeSource(spec: TriggerSpec): string {
  switch (spec.kind) {
    case "s3": {
      const key = spec.prefix || spec.suffix ? `, key ${spec.prefix ?? ""}*${spec.suffix ?? ""}` : "";
      return `S3 Object Created in ${spec.bucket}${key}`;
    }
    case "schedule":
      return `schedule ${spec.expression} (UTC)`;
    case "model-approved":
      return `model package approved in group ${spec.group}`;
    case "alarm":
      return `alarm ${spec.alarm} entering ${spec.state}`;
    case "pipeline-status":
      return `pipeline ${spec.pipeline} execution ${spec.statuses.join(" or ")}`;
  }
}

/**
 * `mlops-<kind>-<10 hex of sha256(kind, pattern or schedule, target ARN)>`: the same trigger
 * gets the same name, so running `add` again finds and updates it instead of adding a rule;
 * another target gets another rule. At most 32 characters.
 */
export function defaultRuleName(spec: TriggerSpec, targetArn: string): string {
  const what = spec.kind === "schedule" ? spec.expression : canonicalJson(eventPattern(spec));
  const hash = createHash("sha256").update(JSON.stringify([spec.kind, what, targetArn])).digest("hex").slice(0, 10);
  return `mlops-${spec.kind}-${hash}`;
}

/** JSON with object keys sorted at every level: two patterns that mean the same compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(sortedEntries(v as Record<string, unknown>)) : v));
}

/** An object's entries by key (UTF-16 order). The keys of one object are unique, so no two compare equal. */
function sortedEntries(object: Record<string, unknown>): Array<[string, unknown]> {
  // Stryker disable next-line EqualityOperator: a <= b and a < b differ only for equal keys, which one object cannot have
  return Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The rule's Description (at most 512 characters): "mlops trigger: <source> → <target>". */
export function ruleDescription(spec: TriggerSpec, target: string): string {
  const text = `mlops trigger: ${describeSource(spec)} → ${target}`;
  return text.length <= 512 ? text : `${text.slice(0, 511)}…`;
}

/** The kind of trigger a rule is, from its tag, else from its pattern's detail-type; undefined for other rules. */
export function kindOfRule(tags: Readonly<Record<string, string>>, pattern: Record<string, unknown> | undefined, schedule: string | undefined): TriggerKind | undefined {
  const tagged = tags[TRIGGER_TAG_KEY];
  if (TRIGGER_KINDS.includes(tagged as TriggerKind)) return tagged as TriggerKind;
  if (schedule) return "schedule";
  const detailType = (pattern?.["detail-type"] as unknown[] | undefined)?.[0];
  // A Map: a detail-type such as "constructor" must not find Object.prototype's members.
  const byDetailType = new Map<unknown, TriggerKind>([
    ["Object Created", "s3"],
    ["SageMaker Model Package State Change", "model-approved"],
    ["CloudWatch Alarm State Change", "alarm"],
    ["SageMaker Model Building Pipeline Execution Status Change", "pipeline-status"],
  ]);
  return byDetailType.get(detailType);
}

/**
 * What an SNS target receives: one readable line instead of the raw event (an InputTransformer
 * whose template is a JSON string, so the message is plain text). Paths: the events' own fields.
 */
export function snsMessage(kind: TriggerKind): { InputPathsMap: Record<string, string>; InputTemplate: string } {
  const messages: Record<TriggerKind, [Record<string, string>, string]> = {
    s3: [{ bucket: "$.detail.bucket.name", key: "$.detail.object.key" }, "New object s3://<bucket>/<key>"],
    schedule: [{ rule: "$.resources[0]", time: "$.time" }, "Schedule <rule> fired at <time>"],
    "model-approved": [{ group: "$.detail.ModelPackageGroupName", version: "$.detail.ModelPackageVersion", arn: "$.detail.ModelPackageArn" }, "Model package <group> version <version> was approved: <arn>"],
    alarm: [{ alarm: "$.detail.alarmName", state: "$.detail.state.value", time: "$.time" }, "Alarm <alarm> entered <state> at <time>"],
    "pipeline-status": [{ name: "$.detail.pipelineExecutionDisplayName", status: "$.detail.currentPipelineExecutionStatus", execution: "$.detail.pipelineExecutionArn" }, "SageMaker pipeline execution <name>: <status> (<execution>)"],
  };
  const [InputPathsMap, text] = messages[kind];
  return { InputPathsMap, InputTemplate: JSON.stringify(text) };
}
