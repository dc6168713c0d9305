/**
 * What a guardrail deployment is doing, read off DescribeEndpoint's PendingDeploymentSummary:
 * the VariantStatus (Creating, ActivatingTraffic, Baking, Deleting) and its message, which is the
 * only place SageMaker says how much capacity takes traffic ("… canary capacity of 1 instance(s)").
 */
export interface GuardrailPhase {
  phase: string;
  /** Percent of traffic on the new fleet, when the message says. */
  share?: number;
  /** Seconds of bake left, when baking. */
  bakeLeft?: number;
}

/**
 * An AWS status in the words the rest of mlops uses: "InService" → "in service",
 * "RollingBack" → "rolling back", "UpdateRollbackFailed" → "update rollback failed".
 */
export function statusWords(status: string | undefined, fallback = "unknown"): string {
  if (!status) return fallback;
  return status.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

export function guardrailPhase(
  status: { Status?: string; StatusMessage?: string; StartTime?: Date } | undefined,
  total: number,
  now: Date,
): GuardrailPhase {
  if (!status?.Status) return { phase: "updating" };
  const message = status.StatusMessage ?? "";
  const instances = /(?:capacity of|on) (\d+) instance/.exec(message);
  const share = /full capacity/.test(message) ? 100 : instances && total > 0 ? Math.min(100, (100 * Number(instances[1])) / total) : undefined;
  const seconds = /Baking for (\d+) seconds/.exec(message);
  const elapsed = status.StartTime ? (now.getTime() - status.StartTime.getTime()) / 1000 : 0;
  switch (status.Status) {
    case "Creating":
      return { phase: "launching the new fleet", share: 0 };
    case "ActivatingTraffic":
      // The same word as the traffic engine's phase: one vocabulary across engines.
      return { phase: "shifting", share };
    case "Baking":
      return { phase: /TerminationWait/.test(message) ? "final bake" : "baking", share, bakeLeft: seconds ? Math.max(0, Number(seconds[1]) - elapsed) : undefined };
    case "Deleting":
      return { phase: "rolling back", share: 0 };
    default:
      return { phase: statusWords(status.Status), share };
  }
}
