import { describeRule, type RuleDescription } from "../aws/eventbridge";
import type { Context } from "../context";
import { UsageError } from "../errors";

/** The UsageError for a rule name the default bus does not have. */
export function noSuchRule(name: string): UsageError {
  return new UsageError(`there is no EventBridge rule named ${name} on the default bus`, { hint: "`mlops trigger list` shows mlops's triggers" });
}

/** DescribeRule of a rule the user named; one that does not exist is noSuchRule (exit 2). */
export async function requireRule(ctx: Context, name: string): Promise<RuleDescription> {
  const rule = await describeRule(ctx.aws, name);
  if (!rule) throw noSuchRule(name);
  return rule;
}
