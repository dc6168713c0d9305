import { deleteRule, listTargets, removeTargets, ruleTags } from "../aws/eventbridge";
import type { Context } from "../context";
import { isTriggerRule } from "../core/trigger-rule";
import { shortTarget } from "../core/trigger-target";
import { AwsError, DeclinedError, UsageError } from "../errors";
import type { RemoveResult } from "../schemas/trigger";
import { noSuchRule, requireRule } from "../triggers/rules";

/**
 * Remove a trigger: its targets, then its rule (EventBridge refuses to delete a rule that has
 * targets). Only rules mlops made (tagged); asks on a terminal, --yes elsewhere. A run cut short
 * between the two calls leaves the rule without targets, which a re-run removes.
 * The bucket's EventBridge notifications stay on: other rules may rely on them.
 */
export async function run(_options: unknown, ctx: Context, args: string[]): Promise<void> {
  const name = args[0]!;
  try {
    await remove(name, ctx);
  } catch (error) {
    // Another remove (or someone) deleted it between our calls: the same answer as a rule already gone.
    if (error instanceof AwsError && error.code === "ResourceNotFoundException") throw noSuchRule(name);
    throw error;
  }
}

async function remove(name: string, ctx: Context): Promise<void> {
  const rule = await requireRule(ctx, name);
  if (!isTriggerRule(await ruleTags(ctx.aws, rule.Arn!))) throw new UsageError(`rule ${name} was not made by mlops (no mlops:created-by tag); mlops removes only its own rules`);
  const targets = await listTargets(ctx.aws, name);
  const what = targets.length > 0 ? ` and its ${targets.length === 1 ? "target" : `${targets.length} targets`} (${targets.map((t) => shortTarget(t.Arn ?? "")).join(", ")})` : "";
  if (!(await ctx.prompt.confirm({ message: `Remove trigger ${name}${what}?` }))) throw new DeclinedError(`not removed; trigger ${name} stays`);
  const ids = targets.map((t) => t.Id!);
  // RemoveTargets takes at most 100 Ids a call; a rule has at most 5.
  await removeTargets(ctx.aws, name, ids);
  await deleteRule(ctx.aws, name);
  const result: RemoveResult = { ruleName: name, removedTargets: ids, deleted: true };
  ctx.io.emit(result, () => `Removed trigger ${name}${what}`);
}
