import type { TargetKind } from "./trigger-target";

/**
 * The IAM documents a trigger needs, scoped to the exact target (no `*` resource). Pure.
 * - SageMaker pipeline and CodePipeline targets: EventBridge assumes a role (the rule target's
 *   RoleArn) that trusts events.amazonaws.com and may call StartPipelineExecution on that one
 *   pipeline (aws-facts.md §5.1; SageMaker pipeline-eventbridge.md; CodePipeline create-cwe-ecr-source-cli.md).
 * - SNS targets: no role; the topic's own access policy must let events.amazonaws.com publish
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions).
 * The condition keys (aws:SourceAccount, aws:SourceArn) keep another account's rules from using
 * the role or topic (the confused-deputy guard AWS recommends).
 */

type PolicyDocument = { Version: "2012-10-17"; Statement: Array<Record<string, unknown>> };

export interface TriggerPolicies {
  /** Whether the rule's target needs a role (false for SNS). */
  roleNeeded: boolean;
  trustPolicy?: PolicyDocument;
  permissionPolicy?: PolicyDocument;
  /** SNS: the statement to add to the topic's access policy. */
  topicPolicyStatement?: Record<string, unknown>;
}

const ACTIONS: Record<Exclude<TargetKind, "sns">, string> = {
  "sagemaker-pipeline": "sagemaker:StartPipelineExecution",
  codepipeline: "codepipeline:StartPipelineExecution",
};

/**
 * The documents for a target ARN. `ruleArn` narrows the condition to that one rule; without it,
 * to rules of `account`.
 */
export function triggerPolicies(kind: TargetKind, targetArn: string, account: string, ruleArn?: string): TriggerPolicies {
  const condition = ruleArn ? { ArnEquals: { "aws:SourceArn": ruleArn } } : { StringEquals: { "aws:SourceAccount": account } };
  if (kind === "sns") {
    return {
      roleNeeded: false,
      topicPolicyStatement: { Sid: "AllowEventBridgeRules", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: targetArn, Condition: condition },
    };
  }
  return {
    roleNeeded: true,
    trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: condition }] },
    permissionPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ACTIONS[kind], Resource: targetArn }] },
  };
}
