import { jsonErrorProfile, ServiceError } from "../errors";
import { InvalidEventPattern, matchesEventPattern, parseEventPattern } from "../event-pattern";
import type { SandboxEvent } from "../events";
import { paginate } from "../paginate";
import { nextFireTime, parseScheduleExpression, type Schedule } from "../schedule";
import type { OperationContext, ServiceDefinition } from "../service";
import { bool, int, list, map, required, str, struct, type Spec } from "../validate";

/**
 * EventBridge (JSON 1.1, `AWSEvents`): rules on each region's default event bus, their targets
 * and tags, TestEventPattern and PutEvents. Matching is event-pattern.ts; delivering matched
 * events to targets (and scheduled rules) is the sandbox's job (index.ts), through `deliver`.
 * Shapes, patterns and ranges: botocore's events 2015-10-07 model.
 */

export interface TargetRecord {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  SageMakerPipelineParameters?: { PipelineParameterList?: Array<{ Name: string; Value: string }> };
  [other: string]: unknown;
}

export interface RuleRecord {
  Name: string;
  Arn: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: string;
  Description?: string;
  RoleArn?: string;
  EventBusName: "default";
  CreatedBy: string;
  Targets: TargetRecord[];
  Tags: Array<{ Key: string; Value: string }>;
  /** Scheduled rules: sandbox time (epoch ms) of the next firing. */
  nextFire?: number;
}

export interface EventBridgeState {
  rules: Record<string, RuleRecord>;
}

type Ctx = OperationContext<EventBridgeState>;

/** doc: EventBridge quotas, "Targets per rule: 5" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). */
export const MAX_TARGETS_PER_RULE = 5;
/** doc: quotas, 300 rules per event bus (default, adjustable). */
const MAX_RULES = 300;
/** doc: 50 tags per resource. */
const MAX_TAGS = 50;
/** ListRules / ListTargetsByRule document no default page size; small so that ignoring NextToken fails here. */
const PAGE = 50;

const RULE_NAME = str({ required: true, min: 1, max: 64, pattern: /[\.\-_A-Za-z0-9]+/ });
const BUS = str({ min: 1, max: 1600, pattern: /(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+/ });
const TAGS = list(struct({ Key: required(str({ min: 1, max: 128 })), Value: required(str({ max: 256 })) }));
const PAGING = { NextToken: str({ min: 1, max: 2048 }), Limit: int({ min: 1, max: 100 }) };
const TARGET: Spec = struct({
  Id: str({ required: true, min: 1, max: 64, pattern: /[\.\-_A-Za-z0-9]+/ }),
  Arn: str({ required: true, min: 1, max: 1600 }),
  RoleArn: str({ min: 1, max: 1600 }),
  Input: str({ max: 8192 }),
  InputPath: str({ max: 256 }),
  InputTransformer: struct({ InputPathsMap: map(str({ max: 256 }), { max: 100, key: str({ min: 1, max: 256, pattern: /[A-Za-z0-9\_\-]+/ }) }), InputTemplate: required(str({ min: 1, max: 8192 })) }),
  SageMakerPipelineParameters: struct({
    PipelineParameterList: list(
      struct({ Name: required(str({ min: 1, max: 256, pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/ })), Value: required(str({ max: 1024 })) }),
      { max: 200 },
    ),
  }),
});

const ebError = (code: string, message: string) => new ServiceError(code, message);
/** AWS's text, quoted in turbot/steampipe-plugin-aws#1591 (DescribeRule) and TerraConstructs/base#88 (PutTargets): HTTP 400. */
const ruleNotFound = (name: string) => ebError("ResourceNotFoundException", `Rule ${name} does not exist on EventBus default.`);
/** AWS's text and code, quoted in aws-cloudformation/cfn-lint#306 (a sixth target) and 18F/identity-terraform#121. */
const limitExceeded = () => ebError("LimitExceededException", "The requested resource exceeds the maximum number allowed.");

/** The default bus, by name or ARN (or no bus given). */
const isDefaultBus = (bus: string | undefined) => bus === undefined || bus === "default" || /:event-bus\/default$/.test(bus);

/** Only the default bus exists. The text is moto's and LocalStack's for a missing bus (not found quoted from AWS). */
function checkBus(input: { EventBusName?: string }): void {
  if (!isDefaultBus(input.EventBusName)) throw ebError("ResourceNotFoundException", `Event bus ${input.EventBusName} does not exist.`);
}

function findRule(ctx: Ctx, name: string): RuleRecord {
  const rule = Object.hasOwn(ctx.state.rules, name) ? ctx.state.rules[name] : undefined;
  if (!rule) throw ruleNotFound(name);
  return rule;
}

/** A pattern's JSON, checked; AWS's InvalidEventPatternException with the reason when not. */
function checkedPattern(text: string): Record<string, unknown> {
  try {
    return parseEventPattern(text);
  } catch (error) {
    if (error instanceof InvalidEventPattern) throw ebError("InvalidEventPatternException", error.message);
    throw error;
  }
}

/** A schedule expression EventBridge accepts (schedule.ts), or its ValidationException. */
export function checkedSchedule(expression: string): Schedule {
  const schedule = parseScheduleExpression(expression);
  if (!schedule) throw ebError("ValidationException", "Parameter ScheduleExpression is not valid.");
  return schedule;
}

function ruleView(rule: RuleRecord) {
  const { Targets: _t, Tags: _g, nextFire: _n, CreatedBy: _c, ...view } = rule;
  return view;
}

const page = <T>(items: T[], input: { Limit?: number; NextToken?: string; [k: string]: unknown }) => {
  const { Limit, NextToken, ...filters } = input;
  return paginate(items, { ...filters, maxResults: Limit, nextToken: NextToken }, { defaultPageSize: PAGE, invalidToken: () => ebError("ValidationException", "The nextToken provided is invalid.") });
};

function ruleOfArn(ctx: Ctx, arn: string): RuleRecord {
  const m = /^arn:aws[\w-]*:events:([^:]+):(\d{12}):rule\/(?:default\/)?([\.\-_A-Za-z0-9]+)$/.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId || !Object.hasOwn(ctx.state.rules, m[3]!)) throw ebError("ResourceNotFoundException", `Rule ${m?.[3] ?? arn} does not exist on EventBus default.`);
  return ctx.state.rules[m[3]!]!;
}

function mergeTags(existing: Array<{ Key: string; Value: string }>, tags: Array<{ Key: string; Value: string }>): Array<{ Key: string; Value: string }> {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of tags) merged.set(t.Key, t.Value);
  if (merged.size > MAX_TAGS) throw ebError("LimitExceededException", `The request failed because it would cause the resource to have more than ${MAX_TAGS} tags.`);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** The rules of one region whose pattern matches an event (enabled ones only). */
export function matchingRules(state: EventBridgeState, event: SandboxEvent): RuleRecord[] {
  return Object.values(state.rules).filter((r) => r.State !== "DISABLED" && r.EventPattern !== undefined && matchesEventPattern(checkedPattern(r.EventPattern), event));
}

export const eventbridge: ServiceDefinition<EventBridgeState> = {
  name: "events",
  signingName: "events",
  arnService: "events",
  protocol: { kind: "json", version: "1.1", target: "AWSEvents", namespace: "com.amazonaws.eventbridge" },
  errors: jsonErrorProfile(),
  initialState: () => ({ rules: {} }),
  operations: {
    PutRule: {
      mutates: true,
      input: {
        Name: RULE_NAME,
        ScheduleExpression: str({ max: 256 }),
        EventPattern: str({ max: 4096 }),
        State: str({ enum: ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"] }),
        Description: str({ max: 512 }),
        RoleArn: str({ min: 1, max: 1600 }),
        Tags: TAGS,
        EventBusName: BUS,
      },
      handler(input, ctx: Ctx) {
        // Checked before the bus is looked up, in this order (moto's put_rule tests; a CloudFormation
        // deployment log quotes the second: "ScheduleExpression is supported only on the default event bus. (Service: EventBridge, Status Code: 400)").
        if (input.EventPattern === undefined && input.ScheduleExpression === undefined)
          throw ebError("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.");
        if (input.ScheduleExpression !== undefined && !isDefaultBus(input.EventBusName))
          throw ebError("ValidationException", "ScheduleExpression is supported only on the default event bus.");
        checkBus(input);
        if (input.EventPattern !== undefined) checkedPattern(input.EventPattern);
        const schedule = input.ScheduleExpression !== undefined ? checkedSchedule(input.ScheduleExpression) : undefined;
        const existing = Object.hasOwn(ctx.state.rules, input.Name) ? ctx.state.rules[input.Name] : undefined;
        if (!existing && Object.keys(ctx.state.rules).length >= MAX_RULES) throw limitExceeded();
        // PutRule API reference: "If you are updating an existing rule, any tags you specify in the
        // PutRule operation are ignored" (TagResource / UntagResource change them); seen so in boto/boto3#4490.
        const tags = existing ? existing.Tags : mergeTags([], input.Tags ?? []);
        const rule: RuleRecord = {
          Name: input.Name,
          Arn: ctx.arn(`rule/${input.Name}`),
          ...(input.EventPattern !== undefined ? { EventPattern: input.EventPattern } : {}),
          ...(input.ScheduleExpression !== undefined ? { ScheduleExpression: input.ScheduleExpression } : {}),
          State: input.State ?? "ENABLED",
          ...(input.Description !== undefined ? { Description: input.Description } : {}),
          ...(input.RoleArn !== undefined ? { RoleArn: input.RoleArn } : {}),
          EventBusName: "default",
          CreatedBy: ctx.accountId,
          Targets: existing?.Targets ?? [],
          Tags: tags,
          ...(schedule ? { nextFire: nextFireTime(schedule, ctx.clock.now()) } : {}),
        };
        ctx.state.rules[input.Name] = rule;
        return { RuleArn: rule.Arn };
      },
    },
    DescribeRule: {
      mutates: false,
      input: { Name: RULE_NAME, EventBusName: BUS },
      handler(input, ctx: Ctx) {
        checkBus(input);
        const rule = findRule(ctx, input.Name);
        return { ...ruleView(rule), CreatedBy: rule.CreatedBy };
      },
    },
    ListRules: {
      mutates: false,
      input: { NamePrefix: str({ min: 1, max: 64, pattern: /[\.\-_A-Za-z0-9]+/ }), EventBusName: BUS, ...PAGING },
      handler(input, ctx: Ctx) {
        checkBus(input);
        const rules = Object.values(ctx.state.rules)
          .filter((r) => input.NamePrefix === undefined || r.Name.startsWith(input.NamePrefix))
          .sort((a, b) => (a.Name < b.Name ? -1 : 1));
        const { page: items, nextToken } = page(rules, input);
        return { Rules: items.map(ruleView), ...(nextToken ? { NextToken: nextToken } : {}) };
      },
    },
    DeleteRule: {
      mutates: true,
      input: { Name: RULE_NAME, EventBusName: BUS, Force: bool() },
      handler(input, ctx: Ctx) {
        checkBus(input);
        // AWS answers success for a rule that does not exist (moto's test_delete_unknown_rule, "Verified against AWS").
        const rule = Object.hasOwn(ctx.state.rules, input.Name) ? ctx.state.rules[input.Name] : undefined;
        if (!rule) return {};
        // Code and text tested against AWS in getmoto/moto#5056; cloud-custodian#6500 matches on the same text.
        if (rule.Targets.length > 0) throw ebError("ValidationException", "Rule can't be deleted since it has targets.");
        delete ctx.state.rules[input.Name];
        return {};
      },
    },
    EnableRule: {
      mutates: true,
      input: { Name: RULE_NAME, EventBusName: BUS },
      handler(input, ctx: Ctx) {
        checkBus(input);
        findRule(ctx, input.Name).State = "ENABLED";
        return {};
      },
    },
    DisableRule: {
      mutates: true,
      input: { Name: RULE_NAME, EventBusName: BUS },
      handler(input, ctx: Ctx) {
        checkBus(input);
        findRule(ctx, input.Name).State = "DISABLED";
        return {};
      },
    },
    PutTargets: {
      mutates: true,
      // At most 10 entries a request (PutTargets API reference; the model's 100 is higher). AWS answers
      // 11 with another error than a sixth target's (cfn-lint#306); its text was not found, so the
      // sandbox's usual validation message stands in.
      input: { Rule: RULE_NAME, EventBusName: BUS, Targets: list(TARGET, { required: true, min: 1, max: 10 }) },
      handler(input, ctx: Ctx) {
        checkBus(input);
        const rule = findRule(ctx, input.Rule);
        const targets: TargetRecord[] = input.Targets;
        // Refused as a whole, before any target is added: a target AWS invokes through an API call needs a role.
        for (const t of targets) if (t.RoleArn === undefined && needsRole(t.Arn)) throw ebError("ValidationException", `RoleArn is required for target ${t.Arn}.`);
        // Over five targets is an exception, not a FailedEntries entry (aws-cloudformation/cfn-lint#306, AWS CLI output).
        const ids = new Set(rule.Targets.map((t) => t.Id));
        const added = targets.filter((t) => !ids.has(t.Id)).map((t) => t.Id);
        if (new Set(added).size + rule.Targets.length > MAX_TARGETS_PER_RULE) throw limitExceeded();
        const failed: Array<{ TargetId: string; ErrorCode: string; ErrorMessage: string }> = [];
        for (const t of targets) {
          const problem = targetProblem(t);
          if (problem) {
            failed.push({ TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: problem });
            continue;
          }
          const i = rule.Targets.findIndex((x) => x.Id === t.Id);
          if (i >= 0) rule.Targets[i] = t;
          else rule.Targets.push(t);
        }
        return { FailedEntryCount: failed.length, FailedEntries: failed };
      },
    },
    ListTargetsByRule: {
      mutates: false,
      input: { Rule: RULE_NAME, EventBusName: BUS, ...PAGING },
      handler(input, ctx: Ctx) {
        checkBus(input);
        const rule = findRule(ctx, input.Rule);
        const { page: items, nextToken } = page(rule.Targets, input);
        return { Targets: items, ...(nextToken ? { NextToken: nextToken } : {}) };
      },
    },
    RemoveTargets: {
      mutates: true,
      input: { Rule: RULE_NAME, EventBusName: BUS, Ids: list(str({ min: 1, max: 64, pattern: /[\.\-_A-Za-z0-9]+/ }), { required: true, min: 1, max: 100 }), Force: bool() },
      handler(input, ctx: Ctx) {
        checkBus(input);
        const rule = findRule(ctx, input.Rule);
        // Ids that are not targets of the rule are ignored, as AWS does.
        rule.Targets = rule.Targets.filter((t) => !(input.Ids as string[]).includes(t.Id));
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
    },
    TestEventPattern: {
      mutates: false,
      input: { EventPattern: str({ required: true, max: 4096 }), Event: str({ required: true }) },
      handler(input) {
        const pattern = checkedPattern(input.EventPattern);
        // One answer for an event that is not JSON and for one without the envelope fields the API
        // reference makes mandatory: "Parameter Event is not valid." (quoted from AWS for a missing field).
        const invalidEvent = () => ebError("ValidationException", "Parameter Event is not valid.");
        let event: unknown;
        try {
          event = JSON.parse(input.Event);
        } catch {
          throw invalidEvent();
        }
        const e = event as Record<string, unknown>;
        for (const field of ["id", "account", "source", "time", "region", "detail-type"]) if (typeof e?.[field] !== "string") throw invalidEvent();
        return { Result: matchesEventPattern(pattern, event) };
      },
    },
    PutEvents: {
      mutates: true,
      input: {
        Entries: list(
          struct({
            Time: { type: "timestamp" },
            Source: str(),
            Resources: list(str({ max: 2048 })),
            DetailType: str(),
            Detail: str(),
            EventBusName: str({ min: 1, max: 1600, pattern: /(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[\.\-_A-Za-z0-9]+/ }),
            TraceHeader: str({ min: 1, max: 500 }),
          }),
          { required: true, min: 1, max: 10 },
        ),
      },
      handler(input, ctx: Ctx) {
        const results = (input.Entries as Array<Record<string, any>>).map((entry) => {
          // Per-entry failures, never the call. The Source text is AWS's, quoted in public tests of PutEvents answers;
          // DetailType / Detail follow its shape. MalformedDetail "Detail is malformed." is LocalStack's (its tests are recorded against AWS).
          if (!entry.Source) return { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument." };
          if (!entry.DetailType) return { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter DetailType is not valid. Reason: DetailType is a required argument." };
          if (entry.Detail === undefined) return { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Detail is not valid. Reason: Detail is a required argument." };
          if (!isDefaultBus(entry.EventBusName))
            return { ErrorCode: "ResourceNotFoundException", ErrorMessage: `Event bus ${entry.EventBusName} does not exist.` };
          let detail: unknown;
          try {
            detail = JSON.parse(entry.Detail);
          } catch {
            detail = undefined;
          }
          if (typeof detail !== "object" || detail === null || Array.isArray(detail))
            return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
          if (Buffer.byteLength(JSON.stringify(entry)) > 256 * 1024) return { ErrorCode: "EventTooLarge", ErrorMessage: "Event too large." };
          const event = ctx.events.publish({ source: entry.Source, detailType: entry.DetailType, resources: entry.Resources ?? [], detail: detail as Record<string, unknown> });
          return { EventId: event.id };
        });
        return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
      },
    },
    TagResource: {
      mutates: true,
      input: { ResourceARN: str({ required: true, min: 1, max: 1600 }), Tags: { ...TAGS, required: true } },
      handler(input, ctx: Ctx) {
        const rule = ruleOfArn(ctx, input.ResourceARN);
        rule.Tags = mergeTags(rule.Tags, input.Tags);
        return {};
      },
    },
    ListTagsForResource: {
      mutates: false,
      input: { ResourceARN: str({ required: true, min: 1, max: 1600 }) },
      handler(input, ctx: Ctx) {
        return { Tags: ruleOfArn(ctx, input.ResourceARN).Tags };
      },
    },
    UntagResource: {
      mutates: true,
      input: { ResourceARN: str({ required: true, min: 1, max: 1600 }), TagKeys: list(str({ min: 1, max: 128 }), { required: true }) },
      handler(input, ctx: Ctx) {
        const rule = ruleOfArn(ctx, input.ResourceARN);
        // Keys the rule does not have are ignored.
        rule.Tags = rule.Tags.filter((t) => !(input.TagKeys as string[]).includes(t.Key));
        return {};
      },
    },
  },
};

/**
 * Targets EventBridge invokes through an API call with a role of the caller's: PutTargets refuses
 * them without RoleArn, ValidationException "RoleArn is required for target <arn>.". AWS's text for
 * CodePipeline (awsdocs/aws-codepipeline-user-guide#18, AWS CLI output), CodeBuild
 * (awsdocs/aws-cloudformation-user-guide#1178) and Step Functions (hashicorp/terraform-provider-aws#19913).
 * SageMaker pipelines: the SageMaker developer guide (pipeline-eventbridge.md, aws-facts §5.1) has
 * the target's role start the pipeline, trusted by events.amazonaws.com; AWS's answer without one
 * was not found quoted anywhere, so the sandbox refuses it the same way.
 */
function needsRole(arn: string): boolean {
  return /^arn:aws[\w-]*:(codepipeline|codebuild|states):/.test(arn) || /^arn:aws[\w-]*:sagemaker:[^:]*:\d{12}:pipeline\//.test(arn);
}

/** Why a target cannot be put (a FailedEntries entry), or undefined. */
function targetProblem(t: TargetRecord): string | undefined {
  const forms = [t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length;
  if (forms > 1) return "Only one of Input, InputPath, or InputTransformer must be provided.";
  // AWS's text (quoted in hashicorp/terraform-provider-aws#37773); whether AWS answers it as a failed entry or an exception was not found.
  if (!/^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+/.test(t.Arn)) return `Parameter ${t.Arn} is not valid. Reason: Provided Arn is not in correct format.`;
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      return "Input is not valid JSON text.";
    }
  }
  if (t.SageMakerPipelineParameters && !/^arn:aws[\w-]*:sagemaker:[^:]+:\d{12}:pipeline\//.test(t.Arn))
    return "SageMakerPipelineParameters is only valid for SageMaker Pipeline targets.";
  return undefined;
}
