import { UsageError } from "../errors";
import { APPROVALS, isOneOf, type Approval } from "./choices";
import { OP_WORDS, type GateCheck } from "./gate";
import { shortMetricName } from "./metrics";

/** Model Registry vocabulary: approval states, and what mlops records in a version's metadata. */

export const APPROVAL_STATUS = { pending: "PendingManualApproval", approved: "Approved", rejected: "Rejected" } as const satisfies Record<Approval, string>;
export type ApprovalWord = Approval;
export type ApprovalStatus = (typeof APPROVAL_STATUS)[ApprovalWord];

/**
 * An approval status as a word (`approved`) or as SageMaker spells it (`Approved`,
 * `PendingManualApproval`), in any case. Throws UsageError naming `flag`.
 */
export function parseApproval(flag: string, value: string): ApprovalStatus {
  const key = value.toLowerCase();
  const word = key === "pendingmanualapproval" ? "pending" : key;
  // Not APPROVAL_STATUS[value]: "constructor" or "toString" would be found on the prototype.
  if (!isOneOf(APPROVALS, word)) throw new UsageError(`${flag} "${value}" must be one of: ${APPROVALS.join(", ")}`);
  return APPROVAL_STATUS[word];
}

export function approvalWord(status: string | undefined): string {
  if (status === "PendingManualApproval") return "pending";
  return status ? status.toLowerCase() : "unknown";
}

const METRIC_PREFIX = "mlops:metric:";
const GATE_PREFIX = "mlops:gate:";

/** Metadata entries recording the gate: the actual value of each metric and the rule it met. */
export function gateEntries(checks: readonly GateCheck[], paths: Readonly<Record<string, string>>): Array<[string, string]> {
  return checks.flatMap((c) => {
    const path = paths[c.metric] ?? c.metric;
    return [
      [`${METRIC_PREFIX}${path}`, String(c.actual)],
      [`${GATE_PREFIX}${path}`, `${OP_WORDS[c.op]} ${c.threshold}`],
    ] as Array<[string, string]>;
  });
}

/** The metrics recorded on a version, by short name: {accuracy: 0.93}. */
export function recordedMetrics(properties: Readonly<Record<string, string>> | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (key.startsWith(METRIC_PREFIX) && value.trim() !== "" && Number.isFinite(Number(value))) metrics[shortMetricName(key.slice(METRIC_PREFIX.length))] = Number(value);
  }
  return metrics;
}
