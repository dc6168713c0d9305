import type { Target } from "@aws-sdk/client-eventbridge";
import type { NotificationConfiguration } from "@aws-sdk/client-s3";
import { describeRule, listTargets, putRule, putTargets, ruleTags, tagRule } from "../aws/eventbridge";
import { describePipeline } from "../aws/pipelines";
import { getBucketNotifications, putBucketNotifications } from "../aws/s3";
import type { Context } from "../context";
import { checkResourceName, parsePairs } from "../core/aws-names";
import { info, sayNote, warning, type Note } from "../core/notes";
import { tagList } from "../core/ownership";
import { checkCronExpression, checkRateExpression, nextRunTimes } from "../core/schedule-expression";
import { eventPathProblem } from "../core/trigger-events";
import {
  ALARM_STATES,
  canonicalJson,
  DEFAULT_PIPELINE_STATUSES,
  defaultRuleName,
  describeSource,
  eventPattern,
  isTriggerRule,
  PIPELINE_STATUSES,
  ruleDescription,
  RULE_NAME,
  snsMessage,
  triggerTags,
  TRIGGER_TAG_KEY,
  type TriggerKind,
  type TriggerSpec,
} from "../core/trigger-rule";
import { eventPathSegments, isEventPath, pipelineParameterNameProblem, shortTarget, targetArn, type ArnScope } from "../core/trigger-target";
import { UsageError } from "../errors";
import { checkParameters } from "../pipeline/parameters";
import { resolveTriggerRole } from "../pipeline/settings";
import type { AddResult } from "../schemas/trigger";
import { arnScope, parseTargetFlag, resolveTarget } from "../triggers/target";
import { formatRunTime, isoSeconds, targetLine, targetView } from "../triggers/view";

export interface AddOptions {
  target?: string;
  name?: string;
  roleArn?: string;
  param: string[];
  dryRun?: boolean;
  // s3
  bucket?: string;
  prefix?: string;
  suffix?: string;
  // schedule
  cron?: string;
  rate?: string;
  // model-approved
  group?: string;
  // alarm
  alarm?: string;
  state?: string;
  // pipeline-status
  pipeline?: string;
  status?: string[];
}

/** The Id mlops gives the one target it puts on a trigger's rule. */
export const TARGET_ID = "mlops-target";

/** EventBridge's default quota on an event pattern's length (aws-facts.md §5.1; adjustable). */
const MAX_PATTERN_CHARS = 2048;

/** Events whose detail carries more than mlops's samples show. */
const OPEN_DETAIL_KINDS: readonly TriggerKind[] = ["model-approved", "alarm"];

/** Schedules list this many coming run times. */
const NEXT_RUNS = 3;

export const s3 = (options: AddOptions, ctx: Context) => add("s3", options, ctx);
export const schedule = (options: AddOptions, ctx: Context) => add("schedule", options, ctx);
export const modelApproved = (options: AddOptions, ctx: Context) => add("model-approved", options, ctx);
export const alarm = (options: AddOptions, ctx: Context) => add("alarm", options, ctx);
export const pipelineStatus = (options: AddOptions, ctx: Context) => add("pipeline-status", options, ctx);

/**
 * Create or update the rule of one trigger and its target. Every check (flags, the target's
 * existence, the bucket, an existing rule's owner) runs before the first change; a rule already
 * exactly so is left alone ("unchanged").
 */
async function add(kind: TriggerKind, options: AddOptions, ctx: Context): Promise<void> {
  // Form first, without AWS: the flags of the kind, the target's form, the rule name, the parameters.
  const partial = specOf(kind, options);
  const ref = parseTargetFlag(options.target);
  if (options.name !== undefined && !RULE_NAME.test(options.name)) throw new UsageError(`--name "${options.name}" must be 1 to 64 letters, digits, and . - _ (EventBridge's rule name)`);
  // The same NAME=VALUE twice is one parameter; sorted, so the order flags come in changes nothing.
  const pairs = [...new Map(parsePairs("--param", options.param)).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (pairs.length > 0 && ref.kind !== "sagemaker-pipeline") {
    throw new UsageError(`--param is for SageMaker pipeline targets; EventBridge passes no parameters to a ${ref.kind === "sns" ? "SNS topic (it gets the message)" : "CodePipeline pipeline (its Target has no parameter block; use pipeline variables' defaults)"}`);
  }
  for (const [name, value] of pairs) {
    const problem = pipelineParameterNameProblem(name);
    if (problem) throw new UsageError(`--param ${name} ${problem}`);
    if (value.length > 1024) throw new UsageError(`--param ${name}: the value is ${value.length} characters; EventBridge takes at most 1024`);
  }
  const role = resolveTriggerRole(ctx, options.roleArn);
  if (ref.kind !== "sns" && !role) {
    throw new UsageError(`a role is needed: EventBridge starts ${ref.kind === "codepipeline" ? "a CodePipeline pipeline" : "a SageMaker pipeline"} by assuming an IAM role that may call StartPipelineExecution on it`, {
      hint: `give --role-arn (or MLOPS_TRIGGER_ROLE_ARN, or triggers.roleArn in mlops.yaml); \`mlops trigger policy --target ${options.target}\` prints the role's trust and permission policies`,
    });
  }

  const nowMs = ctx.clock.now().getTime();
  const nextRuns = partial.kind === "schedule" ? nextRunTimes(partial.expression, nowMs, NEXT_RUNS) : [];
  if (partial.kind === "schedule" && nextRuns.length === 0) {
    throw new UsageError(`${options.cron !== undefined ? "--cron" : "--rate"} "${options.cron ?? options.rate}" never runs after ${formatRunTime(nowMs)}: EventBridge would keep a rule that never fires`);
  }
  const size = JSON.stringify(eventPattern(partial) ?? {}).length;
  if (size > MAX_PATTERN_CHARS) throw new UsageError(`the event pattern would be ${size} characters; EventBridge takes at most ${MAX_PATTERN_CHARS} by default (shorten --prefix or --suffix)`);

  // Then what AWS knows: who we are, the target, the bucket, the rule if it exists.
  const notes: Note[] = [];
  const scope = await arnScope(ctx);
  const spec = completeSpec(partial, scope);
  notes.push(...checkEventPaths(kind, pairs, scope));
  const target = await resolveTarget(ctx, options.target, scope);
  const parameters = checkParameters("--param", pairs, target.declared, isEventPath);
  const roleArn = target.kind === "sns" ? undefined : role?.value;
  if (target.kind === "sns") {
    if (role?.source === "--role-arn") notes.push(warning("--role-arn is not used for an SNS target: the topic's access policy lets EventBridge publish"));
    if (!topicAllowsEventBridge(target.topicPolicy)) notes.push(warning(`the topic's access policy does not let events.amazonaws.com publish; until it does, EventBridge's deliveries fail (\`mlops trigger policy --target ${options.target}\` prints the statement to add)`));
  }
  const bucket = spec.kind === "s3" ? await readBucket(ctx, spec.bucket) : undefined;
  notes.push(...(await sourceNotes(ctx, spec)));

  const name = options.name ?? defaultRuleName(spec, target.arn);
  const pattern = eventPattern(spec);
  const description = ruleDescription(spec, shortTarget(target.arn));
  const desired: Target = {
    Id: TARGET_ID,
    Arn: target.arn,
    ...(roleArn ? { RoleArn: roleArn } : {}),
    ...(target.kind === "sagemaker-pipeline" && parameters.length > 0 ? { SageMakerPipelineParameters: { PipelineParameterList: parameters.map((p) => ({ Name: p.name, Value: p.value })) } } : {}),
    ...(target.kind === "sns" ? { InputTransformer: snsMessage(kind) } : {}),
  };

  if (spec.kind === "pipeline-status" && target.arn === spec.pipelineArn) {
    throw new UsageError(`--target ${options.target} is the pipeline whose outcomes the trigger watches: each ${spec.statuses.join(" or ")} run would start another, without end`, {
      hint: "notify people instead (--target sns:TOPIC), or start another pipeline",
    });
  }

  const existing = await describeRule(ctx.aws, name);
  let otherTargets: string[] = [];
  let action: AddResult["action"] = "created";
  let retag = false;
  if (existing) {
    const tags = await ruleTags(ctx.aws, existing.Arn!);
    retag = tags[TRIGGER_TAG_KEY] !== kind;
    if (!isTriggerRule(tags)) {
      throw new UsageError(`an EventBridge rule named ${name} exists and mlops did not create it (no mlops:created-by tag); mlops changes only its own rules`, { hint: "give another --name" });
    }
    const targets = await listTargets(ctx.aws, name);
    otherTargets = targets.filter((t) => t.Id !== TARGET_ID).map((t) => t.Arn ?? "");
    const ours = targets.find((t) => t.Id === TARGET_ID);
    const sameRule =
      (existing.EventPattern ? canonicalJson(JSON.parse(existing.EventPattern)) : undefined) === (pattern ? canonicalJson(pattern) : undefined) &&
      (existing.ScheduleExpression ?? undefined) === (spec.kind === "schedule" ? spec.expression : undefined) &&
      existing.State === "ENABLED" &&
      (existing.Description ?? "") === description;
    action = sameRule && ours && sameTarget(ours, desired) ? "unchanged" : "updated";
    if (existing.State !== "ENABLED") notes.push(warning(`rule ${name} was ${existing.State}; this enables it again`));
    if (retag) notes.push(warning(`rule ${name} was ${existing.Description ? `"${existing.Description}"` : "another trigger"}; it is replaced by this ${kind} trigger`));
  }
  if (otherTargets.length + 1 > 5) throw new UsageError(`rule ${name} already has ${otherTargets.length} other targets; EventBridge allows 5 per rule`);

  const result: AddResult = {
    ruleName: name,
    ruleArn: existing?.Arn ?? null,
    action,
    kind,
    source: describeSource(spec),
    eventPattern: pattern ?? null,
    scheduleExpression: spec.kind === "schedule" ? spec.expression : null,
    nextRuns: nextRuns.map(isoSeconds),
    description,
    target: targetView(desired),
    otherTargets,
    bucketNotifications: bucket ? { bucket: bucket.name, eventBridge: bucket.config.EventBridgeConfiguration ? "already enabled" : "enabled", kept: countKept(bucket.config) } : null,
    notes,
  };

  const plan = planOf(result, bucket, roleArn);
  if (options.dryRun) {
    Object.assign(result, { dryRun: true, plan });
    for (const note of notes) sayNote(ctx.io, note);
    ctx.io.emit(result, (r) =>
      plan.length === 0
        ? `Dry run: trigger ${name} already is exactly this; nothing would be sent.`
        : [`Dry run: nothing was changed. mlops would call, in order:`, ...plan.map((p, i) => `  ${i + 1}. ${p.operation}  ${p.detail}`)].join("\n"),
    );
    return;
  }

  // The changes, in an order a re-run can finish: the bucket's notifications, the rule, its target.
  if (bucket && !bucket.config.EventBridgeConfiguration) {
    await putBucketNotifications(ctx.aws, bucket.name, { ...bucket.config, EventBridgeConfiguration: {} });
  }
  if (action !== "unchanged") {
    result.ruleArn = await putRule(ctx.aws, {
      Name: name,
      ...(pattern ? { EventPattern: JSON.stringify(pattern) } : {}),
      ...(spec.kind === "schedule" ? { ScheduleExpression: spec.expression } : {}),
      State: "ENABLED",
      Description: description,
      // Tags go on when the rule is made; an update keeps them (TagResource is not needed).
      ...(existing ? {} : { Tags: tagList(triggerTags(kind)) }),
    });
    await putTargets(ctx.aws, name, [desired]);
    // A --name rule that held another kind of trigger: its kind tag follows (PutRule keeps old tags).
    if (retag) await tagRule(ctx.aws, result.ruleArn, tagList({ [TRIGGER_TAG_KEY]: kind }));
  }
  if (bucket && !bucket.config.EventBridgeConfiguration) notes.push(info("S3 sends every object event of the bucket to EventBridge now; only this rule's pattern decides what starts the target"));
  for (const note of notes) sayNote(ctx.io, note);
  ctx.io.emit(result, (r, style) => render(r, style));
}

/** The kind's own flags, checked; pipeline-status's ARN is filled in once the account is known. */
function specOf(kind: TriggerKind, o: AddOptions): TriggerSpec {
  switch (kind) {
    case "s3": {
      const bucket = required("--bucket", o.bucket);
      if (!/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`--bucket "${bucket}" is not an S3 bucket name (3–63 lower-case letters, digits, dots and hyphens)`);
      for (const [flag, value] of [["--prefix", o.prefix], ["--suffix", o.suffix]] as const) {
        if (value === undefined) continue;
        if (value === "") throw new UsageError(`${flag} is empty; leave it out to match every key`);
        if (Buffer.byteLength(value) > 1024) throw new UsageError(`${flag} is longer than an S3 key (1024 bytes)`);
        if (/\p{Cc}/u.test(value)) throw new UsageError(`${flag} may not contain control characters such as newlines or escape sequences`);
      }
      if (o.prefix?.startsWith("/")) throw new UsageError(`--prefix "${o.prefix}" starts with "/": S3 keys have no leading slash (s3://${bucket}/data/x.csv has the key data/x.csv)`);
      return { kind, bucket, prefix: o.prefix, suffix: o.suffix };
    }
    case "schedule": {
      if ((o.cron === undefined) === (o.rate === undefined)) throw new UsageError(o.cron === undefined ? "give --cron or --rate: when the schedule runs" : "give --cron or --rate, not both");
      const check = o.cron !== undefined ? checkCronExpression(o.cron) : checkRateExpression(o.rate!);
      if (!check.ok) throw new UsageError(`${o.cron !== undefined ? "--cron" : "--rate"} "${o.cron ?? o.rate}": ${check.problem}`);
      return { kind, expression: check.expression };
    }
    case "model-approved":
      return { kind, group: checkResourceName("--group", required("--group", o.group)) };
    case "alarm": {
      const alarmName = required("--alarm", o.alarm);
      if (alarmName.length > 255 || !/^[^\p{Cc}]+$/u.test(alarmName)) throw new UsageError(`--alarm must be a CloudWatch alarm name: 1 to 255 characters without control characters`);
      const state = o.state ?? "ALARM";
      if (!ALARM_STATES.includes(state as (typeof ALARM_STATES)[number])) throw new UsageError(`--state "${state}" must be one of ${ALARM_STATES.join(", ")} (CloudWatch's alarm states)`);
      return { kind, alarm: alarmName, state: state as (typeof ALARM_STATES)[number] };
    }
    case "pipeline-status": {
      const pipeline = required("--pipeline", o.pipeline);
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/.test(pipeline)) throw new UsageError(`--pipeline "${pipeline}" must be a SageMaker pipeline name: letters, digits and inner hyphens`);
      // In one order whatever order they came in: the same trigger gets the same rule.
      const given = o.status && o.status.length > 0 ? [...new Set(o.status)] : [...DEFAULT_PIPELINE_STATUSES];
      const statuses = [...given].sort();
      for (const s of statuses) {
        if (!PIPELINE_STATUSES.includes(s as (typeof PIPELINE_STATUSES)[number])) throw new UsageError(`--status "${s}" must be one of ${PIPELINE_STATUSES.join(", ")} (SageMaker's PipelineExecutionStatus)`);
      }
      return { kind, pipeline, pipelineArn: "", statuses };
    }
  }
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === "") throw new UsageError(`${flag} is required`);
  return value;
}

function completeSpec(spec: TriggerSpec, scope: ArnScope): TriggerSpec {
  if (spec.kind !== "pipeline-status") return spec;
  return { ...spec, pipelineArn: targetArn({ kind: "sagemaker-pipeline", name: spec.pipeline }, scope) };
}

/**
 * A JSONPath parameter must name a field the kind's event has: a path into nothing sends an empty
 * value. The S3, schedule and pipeline-status events are fully documented: an unknown field there
 * is an error. The model package and alarm events carry whole descriptions (every field of
 * DescribeModelPackage, the alarm's configuration): an unknown field there is a warning.
 */
function checkEventPaths(kind: TriggerKind, pairs: ReadonlyArray<[string, string]>, scope: ArnScope): Note[] {
  const notes: Note[] = [];
  for (const [name, value] of pairs) {
    if (!isEventPath(value)) continue;
    let segments: Array<string | number>;
    try {
      segments = eventPathSegments(value);
    } catch (error) {
      throw new UsageError(`--param ${name}=${value}: ${(error as Error).message}`);
    }
    const problem = eventPathProblem(kind, segments, { ...scope, time: new Date(0).toISOString() });
    if (!problem) continue;
    if (OPEN_DETAIL_KINDS.includes(kind) && segments[0] === "detail" && segments.length > 2) notes.push(warning(`--param ${name}=${value}: mlops's sample of the ${kind} event does not show that field; check the name against a real event`));
    else throw new UsageError(`--param ${name}=${value}: ${problem}`);
  }
  return notes;
}

async function readBucket(ctx: Context, name: string): Promise<{ name: string; config: NotificationConfiguration }> {
  const config = await getBucketNotifications(ctx.aws, name);
  if (!config) throw new UsageError(`--bucket ${name}: there is no such bucket (or it is in another region)`);
  return { name, config };
}

/** What is on the bucket besides EventBridge: kept as read. */
function countKept(config: NotificationConfiguration) {
  return { topics: config.TopicConfigurations?.length ?? 0, queues: config.QueueConfigurations?.length ?? 0, lambdaFunctions: config.LambdaFunctionConfigurations?.length ?? 0 };
}

/** Whether a topic policy has an Allow of sns:Publish (or sns:*) for events.amazonaws.com. */
function topicAllowsEventBridge(policy: string | undefined): boolean {
  if (!policy) return false;
  try {
    const statements = (JSON.parse(policy) as { Statement?: unknown }).Statement;
    return (Array.isArray(statements) ? statements : [statements]).some((s: Record<string, unknown>) => {
      const principal = JSON.stringify(s?.Principal ?? "");
      const actions = ([] as unknown[]).concat(s?.Action ?? []);
      return s?.Effect === "Allow" && principal.includes("events.amazonaws.com") && actions.some((a) => a === "sns:Publish" || a === "sns:*" || a === "*");
    });
  } catch {
    return false;
  }
}

/** A trigger may be set up before what it watches exists: said, not refused. */
async function sourceNotes(ctx: Context, spec: TriggerSpec): Promise<Note[]> {
  if (spec.kind === "pipeline-status" && !(await describePipeline(ctx.aws, spec.pipeline))) {
    return [warning(`there is no SageMaker pipeline named ${spec.pipeline} yet; the trigger fires once it exists and its executions end as asked`)];
  }
  if (spec.kind === "model-approved") {
    const { findGroupArn } = await import("../aws/registry");
    if (!(await findGroupArn(ctx.aws, spec.group))) return [warning(`there is no model package group ${spec.group} yet; the trigger fires when a version registered there is approved`)];
  }
  if (spec.kind === "alarm") {
    const { alarmStates } = await import("../aws/alarms");
    if ((await alarmStates(ctx.aws, [spec.alarm])).length === 0) return [warning(`there is no CloudWatch alarm named ${spec.alarm} yet; the trigger fires once it exists and enters ${spec.state}`)];
  }
  return [];
}

function sameTarget(a: Target, b: Target): boolean {
  const pick = (t: Target) => canonicalJson({ Arn: t.Arn, RoleArn: t.RoleArn, Params: t.SageMakerPipelineParameters?.PipelineParameterList ?? [], InputTransformer: t.InputTransformer ?? null, Input: t.Input ?? null, InputPath: t.InputPath ?? null });
  return pick(a) === pick(b);
}

function planOf(result: AddResult, bucket: { name: string; config: NotificationConfiguration } | undefined, roleArn: string | undefined): Array<{ operation: string; detail: string }> {
  const plan: Array<{ operation: string; detail: string }> = [];
  if (bucket && !bucket.config.EventBridgeConfiguration) {
    const kept = countKept(bucket.config);
    plan.push({ operation: "s3:PutBucketNotificationConfiguration", detail: `Bucket=${bucket.name} EventBridgeConfiguration={} (keeping ${kept.topics} topic, ${kept.queues} queue and ${kept.lambdaFunctions} Lambda notifications)` });
  }
  if (result.action !== "unchanged") {
    plan.push({ operation: "events:PutRule", detail: `Name=${result.ruleName} ${result.scheduleExpression ? `ScheduleExpression=${result.scheduleExpression}` : `EventPattern=${JSON.stringify(result.eventPattern)}`} State=ENABLED` });
    plan.push({ operation: "events:PutTargets", detail: `Rule=${result.ruleName} Id=${TARGET_ID} Arn=${result.target.arn}${roleArn ? ` RoleArn=${roleArn}` : ""}${result.target.parameters.length ? ` Parameters=${result.target.parameters.map((p) => `${p.name}=${p.value}`).join(",")}` : ""}` });
  }
  return plan;
}

function render(r: AddResult, style: { bold(text: string): string }): string {
  const head =
    r.action === "unchanged"
      ? `Trigger ${style.bold(r.ruleName)} unchanged: it already is exactly this; nothing was sent`
      : `Trigger ${style.bold(r.ruleName)} ${r.action}: ${r.source} → ${targetLine(r.target)}`;
  const lines = [head];
  if (r.nextRuns.length > 0) lines.push(`  next runs: ${r.nextRuns.map((t) => formatRunTime(Date.parse(t))).join(", ")}`);
  if (r.bucketNotifications) {
    const { kept } = r.bucketNotifications;
    const keptText = [[kept.topics, "topic"], [kept.queues, "queue"], [kept.lambdaFunctions, "Lambda"]].filter(([n]) => (n as number) > 0).map(([n, w]) => `${n} ${w}`).join(", ");
    lines.push(`  EventBridge notifications on bucket ${r.bucketNotifications.bucket}: ${r.bucketNotifications.eventBridge}${keptText ? ` (kept its ${keptText} notifications)` : ""}`);
  }
  if (r.otherTargets.length > 0) lines.push(`  other targets on the rule, kept: ${r.otherTargets.map(shortTarget).join(", ")}`);
  lines.push(`  try it: mlops trigger test ${r.ruleName} --sample ${r.kind}`);
  return lines.join("\n");
}
