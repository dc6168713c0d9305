import type { Context } from "../context";
import { RULE_NAME } from "../core/trigger-rule";
import { triggerPolicies } from "../core/trigger-policy";
import { TARGET_LABELS } from "../core/trigger-target";
import { UsageError } from "../errors";
import type { PolicyResult } from "../schemas/trigger";
import { arnScope, parseTargetFlag, targetArnIn } from "../triggers/target";

export interface PolicyOptions {
  target?: string;
  rule?: string;
}

/**
 * The IAM documents a trigger's target needs, scoped to that target's ARN in this account and
 * region (STS tells the account). Reads nothing else and changes nothing: the target may be made
 * later. With --rule, the conditions name that one rule.
 */
export async function run(options: PolicyOptions, ctx: Context): Promise<void> {
  const ref = parseTargetFlag(options.target);
  if (options.rule !== undefined && !RULE_NAME.test(options.rule)) throw new UsageError(`--rule "${options.rule}" must be 1 to 64 letters, digits, and . - _ (EventBridge's rule name)`);
  const scope = await arnScope(ctx);
  const arn = targetArnIn(ref, scope);
  const ruleArn = options.rule ? `arn:${scope.partition}:events:${scope.region}:${scope.account}:rule/${options.rule}` : null;
  const policies = triggerPolicies(ref.kind, arn, scope.account, ruleArn ?? undefined);
  const result: PolicyResult = {
    target: { kind: ref.kind, arn },
    ruleArn,
    roleNeeded: policies.roleNeeded,
    trustPolicy: policies.trustPolicy ?? null,
    permissionPolicy: policies.permissionPolicy ?? null,
    topicPolicyStatement: policies.topicPolicyStatement ?? null,
  };
  ctx.io.emit(result, (r, style) => {
    const json = (value: unknown) => JSON.stringify(value, null, 2);
    if (!r.roleNeeded) {
      return [
        `${style.bold(`SNS topic ${arn}`)}: EventBridge needs no role; add this statement to the topic's access policy:`,
        json(r.topicPolicyStatement),
        "",
        "A topic encrypted with a customer managed KMS key also needs its key policy to let events.amazonaws.com use kms:GenerateDataKey and kms:Decrypt.",
      ].join("\n");
    }
    return [
      `${style.bold(`${TARGET_LABELS[ref.kind]} ${arn}`)}: EventBridge assumes a role to start it.`,
      "",
      "Trust policy (trust.json):",
      json(r.trustPolicy),
      "",
      "Permission policy (permissions.json):",
      json(r.permissionPolicy),
      "",
      "Create the role with them, e.g.:",
      `  aws iam create-role --role-name mlops-trigger --assume-role-policy-document file://trust.json`,
      `  aws iam put-role-policy --role-name mlops-trigger --policy-name start-target --policy-document file://permissions.json`,
      `then: mlops trigger add … --role-arn arn:${scope.partition}:iam::${scope.account}:role/mlops-trigger (or triggers.roleArn in mlops.yaml)`,
    ].join("\n");
  });
}
