import { alarmStates, type AlarmState } from "../aws/alarms";
import { describeEndpoint } from "../aws/endpoints";
import { guardrailPhase, statusWords } from "../core/endpoint-phase";
import { MlopsError } from "../errors";
import { pollUntil } from "./poll";
import type { RolloutEnv, RolloutResult } from "./types";

/**
 * SageMaker deployment guardrails: one UpdateEndpoint with a DeploymentConfig (sent when the
 * deploy takes the endpoint); SageMaker moves the traffic, bakes, and rolls back on its alarms.
 * mlops watches and decides the outcome: a rolled-back update also ends InService, so success is
 * InService *and* serving the new config (terraform-provider-aws#39099). FailureReason is kept
 * the moment it appears: it can vanish. Throttled reads back off (pollUntil) and never end the watch.
 */

/** Watch a guardrail deployment to its end (also used by `status --watch`). */
export async function watchGuardrails(env: RolloutEnv, newConfig: string, alarms: string[]): Promise<RolloutResult> {
  let failureReason: string | null = null;
  let sawUpdate = false;
  // Stryker disable next-line ArrayDeclaration: assigned on every poll before it is read
  let states: AlarmState[] = [];
  const firstAlarm = new Map<string, number>();
  return pollUntil(env, async (): Promise<RolloutResult | undefined> => {
    const endpoint = await describeEndpoint(env.aws, env.endpoint);
    if (!endpoint) throw new MlopsError(`endpoint ${env.endpoint} disappeared during the deployment`);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: alarmStates of no names makes no call and returns [] too
    states = alarms.length > 0 ? await alarmStates(env.aws, alarms) : [];
    for (const a of states) if (a.state === "ALARM" && !firstAlarm.has(a.name)) firstAlarm.set(a.name, a.since);
    const pending = endpoint.PendingDeploymentSummary;
    if (endpoint.EndpointStatus !== "InService" || pending) sawUpdate = true;
    // A reason left from an earlier update is not this one's.
    if (sawUpdate) failureReason ??= endpoint.FailureReason ?? null;
    const variant = pending?.ProductionVariants?.[0];
    const now = env.clock.now();
    const phase = pending ? guardrailPhase(variant?.VariantStatus?.[0], variant?.DesiredInstanceCount ?? 1, now) : { phase: statusWords(endpoint.EndpointStatus) };
    env.view.update({ ...phase, alarms: states.map((a) => ({ name: a.name, state: a.state })) });

    const base = { alarms: states.map((a) => ({ name: a.name, state: a.state })), failureReason };
    switch (endpoint.EndpointStatus) {
      case "InService": {
        if (pending) return undefined;
        if (endpoint.EndpointConfigName === newConfig) return { ...base, outcome: "deployed", endpointConfig: newConfig, failureReason: null, firedAlarm: null, rollbackReactionSeconds: null };
        // Right after UpdateEndpoint, a describe may still show the old state: wait to see the update.
        if (!sawUpdate) return undefined;
        const fired = [...firstAlarm.entries()].sort((a, b) => a[1] - b[1])[0];
        return {
          ...base,
          outcome: "rolled-back",
          endpointConfig: endpoint.EndpointConfigName ?? "",
          failureReason: failureReason ?? endpoint.FailureReason ?? "SageMaker rolled the update back without a reason",
          firedAlarm: fired?.[0] ?? alarmNamedIn(failureReason, alarms),
          firedAt: fired?.[1] ?? null,
          rollbackReactionSeconds: fired ? Math.max(0, (now.getTime() - fired[1]) / 1000) : null,
        };
      }
      case "Failed":
      case "UpdateRollbackFailed":
        return { ...base, outcome: "failed", endpointConfig: endpoint.EndpointConfigName ?? "", failureReason: `${endpoint.EndpointStatus}: ${failureReason ?? endpoint.FailureReason ?? "no reason given"}`, firedAlarm: null, rollbackReactionSeconds: null };
      // Stryker disable next-line ConditionalExpression: an empty default also returns undefined (keep watching)
      default:
        return undefined;
    }
  });
}

function alarmNamedIn(reason: string | null, alarms: readonly string[]): string | null {
  return alarms.find((a) => reason?.includes(a)) ?? null;
}
