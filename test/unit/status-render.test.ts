import { describe, expect, it } from "vitest";
import { renderStatus } from "../../src/commands/status";
import type { StatusReport } from "../../src/schemas/rollout";

const plain = { bold: (s: string) => s, dim: (s: string) => s, red: (s: string) => s, green: (s: string) => s };

function report(rollout: Partial<NonNullable<StatusReport["rollout"]>>): StatusReport {
  return {
    endpoint: "churn",
    status: "InService",
    endpointConfig: "churn-new",
    endpointConfigMissing: false,
    failureReason: null,
    variants: [{ name: "AllTraffic", currentWeight: 1, desiredWeight: 1, instances: 2, serverless: false }],
    deployment: null,
    rollout: {
      id: "r1",
      engine: "guardrails",
      strategy: "blue-green",
      phase: "done",
      step: 1,
      steps: 1,
      weight: 100,
      oldConfig: "churn-old",
      newConfig: "churn-new",
      driven: false,
      heartbeatAgeSeconds: 600,
      finished: true,
      phaseSince: "2026-11-30T07:49:12.000Z",
      ...rollout,
    },
    alarms: [],
    previousEndpointConfig: "churn-old",
    previousEndpointConfigMissing: false,
    reconciled: null,
  };
}

const lastLine = (r: StatusReport) => renderStatus(r, plain).split("\n").find((l) => l.trimStart().startsWith("last"));

describe("status: the last rollout reads as history, with when it ended and what it left serving", () => {
  it.each([
    [{ phase: "done" as const }, "rollout r1 (blue/green on the guardrails engine) ended 2026-11-30 07:49 UTC: deployed churn-new"],
    [{ phase: "done" as const, engine: "create" as const }, "rollout r1 (creation) ended 2026-11-30 07:49 UTC: created the endpoint with churn-new"],
    [{ phase: "done" as const, engine: "rollback" as const }, "rollout r1 (rollback) ended 2026-11-30 07:49 UTC: went back to churn-new"],
    [{ phase: "rolled-back" as const, engine: "traffic" as const, strategy: "canary" as const }, "rollout r1 (canary on the traffic engine) ended 2026-11-30 07:49 UTC: rolled back to churn-old"],
    [{ phase: "interrupted" as const }, "ended 2026-11-30 07:49 UTC: interrupted; traffic went back to churn-old"],
    [{ phase: "superseded" as const }, "ended 2026-11-30 07:49 UTC: superseded by a change made outside mlops"],
    [{ phase: "failed" as const, finished: false }, "ended 2026-11-30 07:49 UTC: failed · its ending is not booked yet"],
  ])("%j", (rollout, expected) => {
    expect(lastLine(report(rollout))).toContain(expected);
  });

  it("a running rollout is the present, not a 'last' line", () => {
    const text = renderStatus(report({ phase: "baking", engine: "traffic", strategy: "canary", step: 1, steps: 2, weight: 10, driven: true, heartbeatAgeSeconds: 3 }), plain);
    expect(lastLine(report({ phase: "baking" }))).toBeUndefined();
    expect(text).toContain("rollout     r1: canary on the traffic engine, baking, step 1/2 · 10% on churn-new · driven (heartbeat 3s ago)");
  });
});
