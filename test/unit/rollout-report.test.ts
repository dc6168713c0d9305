import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/exit-codes";
import { WaitTimeoutError } from "../../src/errors";
import { elapsedSeconds, newReport, renderReport, reportFields, timedOut, type DeployReport } from "../../src/rollout/report";
import { FakeClock } from "../helpers/scripted-aws";

/** What deploy, rollback, promote and abort print: the human report line by line, and the JSON fields. */

const plain = new Chalk({ level: 0 });
const base = (fields: Partial<DeployReport> = {}): DeployReport => newReport({ endpoint: "churn", strategy: "canary", engine: "traffic", endpointConfig: "churn-new", durationSeconds: 95, ...fields });
const render = (fields: Partial<DeployReport>) => renderReport(base(fields), plain).split("\n");

describe("newReport", () => {
  it("starts as nothing happened, with the keys in the documented order", () => {
    const r = newReport({ endpoint: "churn", strategy: "linear", engine: "guardrails", endpointConfig: "churn-a" });
    expect(r).toEqual({
      endpoint: "churn",
      outcome: "no-change",
      strategy: "linear",
      engine: "guardrails",
      endpointConfig: "churn-a",
      previousEndpointConfig: null,
      alarms: [],
      failureReason: null,
      rollbackReactionSeconds: null,
      durationSeconds: 0,
      firedAlarm: null,
      firedAlarmAt: null,
      modelPackageArn: null,
      rolloutId: null,
      notes: [],
    });
    expect(Object.keys(r)).toEqual(["endpoint", "outcome", "strategy", "engine", "endpointConfig", "previousEndpointConfig", "alarms", "failureReason", "rollbackReactionSeconds", "durationSeconds", "firedAlarm", "firedAlarmAt", "modelPackageArn", "rolloutId", "notes"]);
  });

  it("what is given replaces a default in its place", () => {
    const r = newReport({ endpoint: "churn", strategy: "canary", engine: "traffic", endpointConfig: "c", outcome: "deployed", rolloutId: "r-1" });
    expect(r.outcome).toBe("deployed");
    expect(r.rolloutId).toBe("r-1");
    expect(Object.keys(r).indexOf("outcome")).toBe(1);
  });
});

describe("renderReport", () => {
  it("no change", () => {
    expect(render({ outcome: "no-change" })).toEqual(["churn already serves churn-new: nothing to do"]);
  });

  it("created", () => {
    expect(render({ outcome: "created" })).toEqual(["created churn: churn-new serves (1m 35s)"]);
  });

  it("deployed, with the way back", () => {
    expect(render({ outcome: "deployed", previousEndpointConfig: "churn-old" })).toEqual([
      "deployed churn: churn-new serves (canary on the traffic engine, 1m 35s)",
      "  previous: churn-old (mlops rollback --endpoint churn goes back to it)",
    ]);
  });

  it("deployed, where the previous config was deleted outside mlops", () => {
    expect(render({ outcome: "deployed", previousEndpointConfig: "churn-old", previousEndpointConfigMissing: true })[1]).toBe("  previous: churn-old, deleted outside mlops: there is no way back to it");
  });

  it("deployed without an engine (a new endpoint's config) says only the time", () => {
    expect(render({ outcome: "deployed", engine: null as unknown as DeployReport["engine"] })).toEqual(["deployed churn: churn-new serves (1m 35s)"]);
  });

  it("a rollback that went through", () => {
    expect(render({ outcome: "deployed", command: "rollback", previousEndpointConfig: "churn-new2", endpointConfig: "churn-old" })).toEqual([
      "rolled back churn to churn-old (1m 35s)",
      "  churn-new2 is now the way back (mlops rollback --endpoint churn)",
    ]);
    expect(render({ outcome: "deployed", command: "rollback", previousEndpointConfig: "churn-new2", previousEndpointConfigMissing: true, endpointConfig: "churn-old" })[1]).toBe(
      "  churn-new2, the config it left, was deleted outside mlops: there is no way back to it",
    );
    expect(render({ outcome: "deployed", command: "rollback", endpointConfig: "churn-old" })).toEqual(["rolled back churn to churn-old (1m 35s)"]);
  });

  it("rolled back by an alarm: the alarm, the reason, the reaction and the alarms' states", () => {
    expect(
      render({ outcome: "rolled-back", endpointConfig: "churn-old", firedAlarm: "churn-5xx", failureReason: "alarm churn-5xx went into ALARM", rollbackReactionSeconds: 4.5, alarms: [{ name: "churn-5xx", state: "ALARM" }, { name: "churn-p99", state: null }] }),
    ).toEqual([
      "rolled back churn: churn-old still serves (canary on the traffic engine, 1m 35s)",
      "  alarm: churn-5xx",
      "  reason: alarm churn-5xx went into ALARM",
      "  traffic back on the old version 5s after the alarm",
      "  alarms: churn-5xx ALARM, churn-p99 (not read)",
    ]);
  });

  it("rolled back without an alarm (aborted): no alarm or reaction line; a reaction of 0 is still shown", () => {
    expect(render({ outcome: "rolled-back", endpointConfig: "churn-old", failureReason: "aborted by `mlops abort`" })).toEqual([
      "rolled back churn: churn-old still serves (canary on the traffic engine, 1m 35s)",
      "  reason: aborted by `mlops abort`",
    ]);
    expect(render({ outcome: "rolled-back", endpointConfig: "churn-old", rollbackReactionSeconds: 0 })).toEqual([
      "rolled back churn: churn-old still serves (canary on the traffic engine, 1m 35s)",
      "  traffic back on the old version 0s after the alarm",
    ]);
  });

  it("started, paused, timed out and failed say what to do next", () => {
    expect(render({ outcome: "started" })).toEqual(["started churn: moving to churn-new (canary on the traffic engine); follow it with `mlops status --endpoint churn --watch`"]);
    expect(render({ outcome: "paused" })).toEqual(["paused churn at its first step: continue with `mlops promote --endpoint churn` or stop with `mlops abort --endpoint churn`"]);
    expect(render({ outcome: "timed-out" })).toEqual(["timed out waiting for churn after 1m 35s"]);
    expect(render({ outcome: "failed", failureReason: "Failed: capacity" })).toEqual(["failed churn: Failed: capacity"]);
    expect(render({ outcome: "failed" })).toEqual(["failed churn: no reason given"]);
  });

  it("declined prints nothing (stderr says so)", () => {
    expect(renderReport(base({ outcome: "declined" }), plain)).toBe("");
  });

  it("lists the alarms except when nothing changed, and the notes about what was kept", () => {
    const alarms = [{ name: "churn-5xx", state: "OK" as const }];
    expect(render({ outcome: "no-change", alarms })).toEqual(["churn already serves churn-new: nothing to do"]);
    expect(render({ outcome: "created", alarms, notes: [{ level: "info", message: "kept churn-old (--keep-old)" }, { level: "info", message: "removed churn-mix" }] })).toEqual([
      "created churn: churn-new serves (1m 35s)",
      "  alarms: churn-5xx OK",
      "  kept churn-old (--keep-old)",
    ]);
  });
});

describe("reportFields", () => {
  it("fills what the engine decided; the reaction to a tenth of a second, the alarm time as ISO", () => {
    const firedAt = Date.UTC(2026, 10, 30, 12, 0, 0);
    expect(reportFields({ outcome: "rolled-back", endpointConfig: "churn-old", alarms: [{ name: "a", state: "ALARM" }], failureReason: "r", firedAlarm: "a", firedAt, rollbackReactionSeconds: 4.26 })).toEqual({
      outcome: "rolled-back",
      endpointConfig: "churn-old",
      alarms: [{ name: "a", state: "ALARM" }],
      failureReason: "r",
      firedAlarm: "a",
      firedAlarmAt: "2026-11-30T12:00:00.000Z",
      rollbackReactionSeconds: 4.3,
    });
  });

  it("leaves the report's alarms alone when the engine read none, and says null where nothing fired", () => {
    const fields = reportFields({ outcome: "deployed", endpointConfig: "c", alarms: [], failureReason: null, firedAlarm: null, rollbackReactionSeconds: null });
    expect(fields).toEqual({ outcome: "deployed", endpointConfig: "c", failureReason: null, firedAlarm: null, firedAlarmAt: null, rollbackReactionSeconds: null });
    expect("alarms" in fields).toBe(false);
    expect(reportFields({ outcome: "rolled-back", endpointConfig: "c", alarms: [], failureReason: null, firedAlarm: null, firedAt: null, rollbackReactionSeconds: 0 }).rollbackReactionSeconds).toBe(0);
  });
});

describe("elapsedSeconds and timedOut", () => {
  it("seconds on the rollout's clock, to a tenth", () => {
    const clock = new FakeClock();
    const started = clock.t - 12_345;
    expect(elapsedSeconds(clock, started)).toBe(12.3);
    expect(elapsedSeconds(clock, clock.t - 12_351)).toBe(12.4);
  });

  it("a wait that ran out exits 5 and says how to follow it", () => {
    const error = timedOut("churn", "still updating");
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.exitCode).toBe(ExitCode.TimedOut);
    expect(error.message).toBe("timed out waiting for churn: still updating");
    expect(error.hint).toBe("follow it with `mlops status --endpoint churn --watch`");
  });
});
