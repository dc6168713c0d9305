import type { ChalkInstance } from "chalk";
import type { Clock } from "../core/clock";
import { WaitTimeoutError } from "../errors";
import { ExitCode } from "../exit-codes";
import { formatDuration } from "../core/duration";
import { STRATEGY_WORDS } from "../core/rollout-plan";
import type { RolloutReport } from "../schemas/rollout";
import type { RolloutResult } from "./types";

/**
 * What `mlops deploy`, `rollback`, `promote` and `abort --json` print: the shape is the zod schema
 * in src/schemas/rollout.ts (published as docs/schemas/deploy.schema.json and the others).
 */
export type DeployReport = RolloutReport;

/** A report with nothing happened yet: no alarms, no failure, no time spent. */
export function newReport(fields: Pick<DeployReport, "endpoint" | "strategy" | "engine" | "endpointConfig"> & Partial<DeployReport>): DeployReport {
  // Keys in the documented order; what is given replaces the defaults in place.
  const { endpoint, strategy, engine, endpointConfig, ...given } = fields;
  return {
    endpoint,
    outcome: "no-change",
    strategy,
    engine,
    endpointConfig,
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
    ...given,
  };
}

export function renderReport(r: DeployReport, style: ChalkInstance): string {
  const how = r.engine ? `${STRATEGY_WORDS[r.strategy]} on the ${r.engine} engine, ${formatDuration(r.durationSeconds)}` : formatDuration(r.durationSeconds);
  // Declined: nothing happened, so there is no result; stderr says so.
  if (r.outcome === "declined") return "";
  const lines: string[] = [];
  switch (r.outcome) {
    case "no-change":
      lines.push(`${r.endpoint} already serves ${r.endpointConfig}: nothing to do`);
      break;
    case "created":
      lines.push(`${style.green("created")} ${r.endpoint}: ${r.endpointConfig} serves (${formatDuration(r.durationSeconds)})`);
      break;
    case "deployed":
      if (r.command === "rollback") {
        lines.push(`${style.green("rolled back")} ${r.endpoint} to ${r.endpointConfig} (${formatDuration(r.durationSeconds)})`);
        if (r.previousEndpointConfig && r.previousEndpointConfigMissing) lines.push(`  ${r.previousEndpointConfig}, the config it left, was deleted outside mlops: there is no way back to it`);
        else if (r.previousEndpointConfig) lines.push(`  ${r.previousEndpointConfig} is now the way back (mlops rollback --endpoint ${r.endpoint})`);
        break;
      }
      lines.push(`${style.green("deployed")} ${r.endpoint}: ${r.endpointConfig} serves (${how})`);
      if (r.previousEndpointConfig && r.previousEndpointConfigMissing) lines.push(`  previous: ${r.previousEndpointConfig}, deleted outside mlops: there is no way back to it`);
      else if (r.previousEndpointConfig) lines.push(`  previous: ${r.previousEndpointConfig} (mlops rollback --endpoint ${r.endpoint} goes back to it)`);
      break;
    case "rolled-back":
      lines.push(`${style.red("rolled back")} ${r.endpoint}: ${r.endpointConfig} still serves (${how})`);
      if (r.firedAlarm) lines.push(`  alarm: ${r.firedAlarm}`);
      if (r.failureReason) lines.push(`  reason: ${r.failureReason}`);
      if (r.rollbackReactionSeconds !== null) lines.push(`  traffic back on the old version ${formatDuration(r.rollbackReactionSeconds)} after the alarm`);
      break;
    case "started":
      lines.push(`started ${r.endpoint}: moving to ${r.endpointConfig} (${STRATEGY_WORDS[r.strategy]} on the ${r.engine} engine); follow it with \`mlops status --endpoint ${r.endpoint} --watch\``);
      break;
    case "paused":
      lines.push(`paused ${r.endpoint} at its first step: continue with \`mlops promote --endpoint ${r.endpoint}\` or stop with \`mlops abort --endpoint ${r.endpoint}\``);
      break;
    case "timed-out":
      lines.push(`${style.yellow("timed out")} waiting for ${r.endpoint} after ${formatDuration(r.durationSeconds)}`);
      break;
    case "failed":
      lines.push(`${style.red("failed")} ${r.endpoint}: ${r.failureReason ?? "no reason given"}`);
      break;
    default:
      lines.push(`${r.endpoint}: ${r.outcome}`);
  }
  if (r.alarms.length > 0 && r.outcome !== "no-change") lines.push(`  alarms: ${r.alarms.map((a) => `${a.name} ${a.state ?? "(not read)"}`).join(", ")}`);
  for (const note of r.notes.filter((n) => n.message.startsWith("kept "))) lines.push(`  ${note.message}`);
  return lines.join("\n");
}

/** The fields of a report that an engine's result fills in. */
export function reportFields(result: RolloutResult): Pick<DeployReport, "outcome" | "endpointConfig" | "failureReason" | "firedAlarm" | "firedAlarmAt" | "rollbackReactionSeconds"> & { alarms?: DeployReport["alarms"] } {
  return {
    outcome: result.outcome,
    endpointConfig: result.endpointConfig,
    ...(result.alarms.length > 0 ? { alarms: result.alarms } : {}),
    failureReason: result.failureReason,
    firedAlarm: result.firedAlarm,
    firedAlarmAt: result.firedAt ? new Date(result.firedAt).toISOString() : null,
    rollbackReactionSeconds: result.rollbackReactionSeconds === null ? null : Math.round(result.rollbackReactionSeconds * 10) / 10,
  };
}

/** Seconds since `started` on the rollout's clock, to a tenth. */
export function elapsedSeconds(clock: Clock, started: number): number {
  return Math.round((clock.now().getTime() - started) / 100) / 10;
}

/** A wait that ran out: exit 5, and how to follow what may still be going on. */
export function timedOut(endpoint: string, what: string): WaitTimeoutError {
  return new WaitTimeoutError(`timed out waiting for ${endpoint}: ${what}`, { hint: `follow it with \`mlops status --endpoint ${endpoint} --watch\`` });
}

/**
 * The exit code a rollout's ending gives a command: failed (1) when it failed or the endpoint is
 * Failed/UpdateRollbackFailed, rolled back (3) when it was rolled back or interrupted (the old
 * version serves), else 0. `ending`: an outcome or a record's phase; `endpointStatus`: AWS's EndpointStatus.
 */
export function endingExitCode(ending: string | undefined, endpointStatus?: string): typeof ExitCode.Ok | typeof ExitCode.Failed | typeof ExitCode.RolledBack {
  if (ending === "failed" || endpointStatus === "Failed" || endpointStatus === "UpdateRollbackFailed") return ExitCode.Failed;
  if (ending === "rolled-back" || ending === "interrupted") return ExitCode.RolledBack;
  return ExitCode.Ok;
}
