import { listRules, listTargets, ruleTags } from "../aws/eventbridge";
import type { Context } from "../context";
import { mapInOrder } from "../core/map-in-order";
import { isTriggerRule, kindOfRule } from "../core/trigger-rule";
import { formatTable } from "../io/table";
import type { ListResult, RuleView } from "../schemas/trigger";
import { parsePattern, targetLine, targetView } from "../triggers/view";

export interface ListOptions {
  all?: boolean;
}

/** Calls in flight at once while reading each rule's tags and targets (EventBridge throttles bursts). */
const CONCURRENCY = 5;

/**
 * The rules mlops made (tagged mlops:created-by=mlops; any name, --name ones too), or with --all
 * every rule on the default bus, each with its targets. Reads only.
 */
export async function run(options: ListOptions, ctx: Context): Promise<void> {
  const rules: RuleView[] = [];
  const views = mapInOrder(
    await listRules(ctx.aws),
    async (rule): Promise<RuleView | undefined> => {
      const tags = await ruleTags(ctx.aws, rule.Arn!);
      const managed = isTriggerRule(tags);
      if (!managed && !options.all) return undefined;
      const pattern = parsePattern(rule.EventPattern);
      return {
        name: rule.Name ?? "",
        arn: rule.Arn ?? "",
        state: rule.State ?? "ENABLED",
        managed,
        kind: kindOfRule(tags, pattern, rule.ScheduleExpression) ?? null,
        description: rule.Description ?? null,
        eventPattern: pattern ?? null,
        scheduleExpression: rule.ScheduleExpression ?? null,
        targets: (await listTargets(ctx.aws, rule.Name!)).map(targetView),
      };
    },
    { concurrency: CONCURRENCY, window: 4 * CONCURRENCY },
  );
  for await (const view of views) if (view) rules.push(view);
  const result: ListResult = { rules };
  ctx.io.emit(result, (r) => {
    if (r.rules.length === 0) return options.all ? "No EventBridge rules on the default bus." : "No triggers made by mlops (mlops trigger list --all shows every rule).";
    const rows = r.rules.map((rule) => [
      rule.name,
      rule.kind ?? "-",
      rule.state,
      whatItWatches(rule),
      rule.targets.length > 0 ? rule.targets.map(targetLine).join(", ") : "(no targets)",
    ]);
    return formatTable([{ header: "RULE" }, { header: "KIND" }, { header: "STATE" }, { header: "ON" }, { header: "TARGETS" }], rows);
  });
}

/** The schedule, the source part of mlops's description, or the pattern itself. */
function whatItWatches(rule: RuleView): string {
  if (rule.scheduleExpression) return rule.scheduleExpression;
  const ours = rule.managed ? /^mlops trigger: (.*) → /.exec(rule.description ?? "")?.[1] : undefined;
  return ours ?? JSON.stringify(rule.eventPattern);
}
