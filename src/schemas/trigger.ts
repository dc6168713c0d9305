import { z } from "zod";
import { note, orError } from "./common";

/** What `mlops trigger add|list|remove|test|policy` print. */

const calls = z.array(z.strictObject({ operation: z.string().describe("service:Operation"), detail: z.string() }));
const kind = z.enum(["s3", "schedule", "model-approved", "alarm", "pipeline-status"]);
const policyDocument = z.strictObject({ Version: z.literal("2012-10-17"), Statement: z.array(z.record(z.string(), z.unknown())) });

export const targetView = z.strictObject({
  id: z.string().describe("The target's Id on the rule (mlops uses mlops-target)."),
  arn: z.string(),
  short: z.string().describe("pipeline:NAME, codepipeline:NAME or sns:TOPIC; the ARN for other targets."),
  roleArn: z.string().nullable().describe("The role EventBridge assumes to invoke it (null for SNS: the topic's policy grants instead)."),
  parameters: z.array(z.strictObject({ name: z.string(), value: z.string().describe("A literal, or a JSONPath into the event such as $.detail.object.key.") })).describe("SageMakerPipelineParameters."),
});

export const ruleView = z.strictObject({
  name: z.string(),
  arn: z.string(),
  state: z.string().describe("EventBridge's rule State: ENABLED or DISABLED (or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS)."),
  managed: z.boolean().describe("Tagged mlops:created-by=mlops: mlops made it and may change or remove it."),
  kind: kind.nullable().describe("The trigger kind (from the rule's tag, else its pattern); null for other rules."),
  description: z.string().nullable(),
  eventPattern: z.record(z.string(), z.unknown()).nullable(),
  scheduleExpression: z.string().nullable(),
  targets: z.array(targetView),
});
export type RuleView = z.infer<typeof ruleView>;

export const addResult = z.strictObject({
  ruleName: z.string(),
  ruleArn: z.string().nullable().describe("null on a dry run of a rule that does not exist yet."),
  action: z.enum(["created", "updated", "unchanged"]).describe("unchanged: the rule and its target already were exactly this; nothing was sent. On a dry run: what would happen."),
  kind,
  source: z.string().describe("What the trigger reacts to, in words."),
  eventPattern: z.record(z.string(), z.unknown()).nullable(),
  scheduleExpression: z.string().nullable(),
  nextRuns: z.array(z.string()).describe("Schedules: the next three run times (ISO 8601, UTC); for rate() counted from now (EventBridge counts from when the rule is created). Empty for other kinds."),
  description: z.string(),
  target: targetView,
  otherTargets: z.array(z.string()).describe("ARNs of targets on the rule that mlops did not put there: kept as they are."),
  bucketNotifications: z
    .strictObject({
      bucket: z.string(),
      eventBridge: z.enum(["enabled", "already enabled"]).describe("enabled: this run turned on EventBridge notifications for the bucket."),
      kept: z.strictObject({ topics: z.int(), queues: z.int(), lambdaFunctions: z.int() }).describe("The bucket's other notifications, read and written back unchanged."),
    })
    .nullable()
    .describe("s3 triggers only."),
  notes: z.array(note),
  dryRun: z.literal(true).optional(),
  plan: calls.optional().describe("--dry-run: the calls it would make, in order (none when unchanged)."),
});
export type AddResult = z.infer<typeof addResult>;

export const listResult = z.strictObject({ rules: z.array(ruleView).describe("mlops's rules (all rules on the default bus with --all), by name.") });
export type ListResult = z.infer<typeof listResult>;

export const removeResult = z.strictObject({
  ruleName: z.string(),
  removedTargets: z.array(z.string()).describe("Ids of the targets removed before the rule."),
  deleted: z.literal(true),
});
export type RemoveResult = z.infer<typeof removeResult>;

export const testResult = z.strictObject({
  ruleName: z.string(),
  matched: z.boolean().nullable().describe("EventBridge's TestEventPattern answer; null for a schedule rule (it matches no events)."),
  reasons: z.array(z.string()).describe("When not matched: each field of the pattern the event does not satisfy."),
  eventSource: z.string().describe("sample KIND or the --event file."),
  event: z.record(z.string(), z.unknown()).describe("The event tested."),
  nextRuns: z.array(z.string()).describe("A schedule rule: its next three run times (ISO 8601, UTC)."),
});
export type TestResult = z.infer<typeof testResult>;

export const policyResult = z.strictObject({
  target: z.strictObject({ kind: z.enum(["sagemaker-pipeline", "codepipeline", "sns"]), arn: z.string() }),
  ruleArn: z.string().nullable().describe("With --rule: the trust or topic condition names this rule; else any rule of the account."),
  roleNeeded: z.boolean(),
  trustPolicy: policyDocument.nullable().describe("The role's trust policy: events.amazonaws.com may assume it."),
  permissionPolicy: policyDocument.nullable().describe("The role's permissions: StartPipelineExecution on this one pipeline."),
  topicPolicyStatement: z.record(z.string(), z.unknown()).nullable().describe("SNS: the statement to add to the topic's access policy (no role is used)."),
});
export type PolicyResult = z.infer<typeof policyResult>;

export const triggerAddOutput = orError(addResult, { title: "mlops trigger add --json", description: "The rule created, updated or found unchanged, with its target. Or the error document." });
export const triggerListOutput = orError(listResult, { title: "mlops trigger list --json", description: "Rules with their targets and state. Or the error document." });
export const triggerRemoveOutput = orError(removeResult, { title: "mlops trigger remove --json", description: "The rule removed, after its targets. Or the error document." });
export const triggerTestOutput = orError(testResult, { title: "mlops trigger test --json", description: "Whether EventBridge matches the event against the rule, and why not. Or the error document." });
export const triggerPolicyOutput = orError(policyResult, { title: "mlops trigger policy --json", description: "The IAM documents a trigger's target needs, scoped to that target. Or the error document." });
