import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  type PutRuleCommandInput,
  type Rule,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { AwsError } from "../errors";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

/**
 * EventBridge rules and targets on the default bus, as `mlops trigger` uses them. Every failure
 * is our error naming the operation (callAws). Source: botocore events/2015-10-07/service-2.json.
 */

export type RuleDescription = Rule & { CreatedBy?: string };

const events = (aws: AwsClients) => aws.get(EventBridgeClient);

/** Pages read at most by the listing calls (ListRules: 100 rules a page; 300 rules is the default quota). */
const MAX_PAGES = 100;

/** DescribeRule, or undefined when the rule does not exist (ResourceNotFoundException). */
export async function describeRule(aws: AwsClients, name: string): Promise<RuleDescription | undefined> {
  try {
    const { $metadata: _, ...rule } = await events(aws).send(new DescribeRuleCommand({ Name: name }));
    return rule;
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
    return callAws("events:DescribeRule", () => Promise.reject(error));
  }
}

/** Every rule whose name starts with `prefix` (all rules without one), every page followed. */
export async function listRules(aws: AwsClients, prefix?: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await callAws("events:ListRules", () => events(aws).send(new ListRulesCommand({ NamePrefix: prefix || undefined, NextToken: token, Limit: 100 })));
    rules.push(...(out.Rules ?? []));
    token = out.NextToken;
    if (!token) break;
  }
  return rules;
}

/** Every target of a rule, every page followed. */
export async function listTargets(aws: AwsClients, rule: string): Promise<Target[]> {
  const targets: Target[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await callAws("events:ListTargetsByRule", () => events(aws).send(new ListTargetsByRuleCommand({ Rule: rule, NextToken: token, Limit: 100 })));
    targets.push(...(out.Targets ?? []));
    token = out.NextToken;
    if (!token) break;
  }
  return targets;
}

/** A rule's tags as a record (ListTagsForResource takes the rule ARN). */
export async function ruleTags(aws: AwsClients, ruleArn: string): Promise<Record<string, string>> {
  const out = await callAws("events:ListTagsForResource", () => events(aws).send(new ListTagsForResourceCommand({ ResourceARN: ruleArn })));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

/** TagResource: adds or overwrites these tags on a rule (PutRule applies Tags only when it creates the rule). */
export async function tagRule(aws: AwsClients, ruleArn: string, tags: Array<{ Key: string; Value: string }>): Promise<void> {
  await callAws("events:TagResource", () => events(aws).send(new TagResourceCommand({ ResourceARN: ruleArn, Tags: tags })));
}

/** PutRule (creates, or replaces the whole rule: omitted fields become null); returns the RuleArn. */
export async function putRule(aws: AwsClients, input: PutRuleCommandInput): Promise<string> {
  const out = await callAws("events:PutRule", () => events(aws).send(new PutRuleCommand(input)));
  return out.RuleArn!;
}

/**
 * PutTargets; an entry EventBridge refused (it answers 200 with FailedEntries) is an AwsError
 * with its code and message, as if the call had failed.
 */
export async function putTargets(aws: AwsClients, rule: string, targets: Target[]): Promise<void> {
  const out = await callAws("events:PutTargets", () => events(aws).send(new PutTargetsCommand({ Rule: rule, Targets: targets })));
  const failed = out.FailedEntries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 && failed) throw new AwsError("events:PutTargets", failed.ErrorCode ?? "FailedEntry", `target ${failed.TargetId}: ${failed.ErrorMessage ?? "refused"}`, undefined);
}

/** RemoveTargets by Id; a refused entry is an AwsError, as for putTargets. */
export async function removeTargets(aws: AwsClients, rule: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const out = await callAws("events:RemoveTargets", () => events(aws).send(new RemoveTargetsCommand({ Rule: rule, Ids: ids })));
  const failed = out.FailedEntries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 && failed) throw new AwsError("events:RemoveTargets", failed.ErrorCode ?? "FailedEntry", `target ${failed.TargetId}: ${failed.ErrorMessage ?? "refused"}`, undefined);
}

/** DeleteRule (EventBridge refuses while the rule has targets). */
export async function deleteRule(aws: AwsClients, name: string): Promise<void> {
  await callAws("events:DeleteRule", () => events(aws).send(new DeleteRuleCommand({ Name: name })));
}

/** TestEventPattern: whether EventBridge matches the event (JSON text) against the pattern (JSON text). */
export async function testEventPattern(aws: AwsClients, eventPattern: string, event: string): Promise<boolean> {
  const out = await callAws("events:TestEventPattern", () => events(aws).send(new TestEventPatternCommand({ EventPattern: eventPattern, Event: event })));
  return out.Result === true;
}
