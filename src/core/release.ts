import { UsageError, MlopsError } from "../errors";
import { checkText, parsePairs } from "./aws-names";
import type { ChalkInstance as Style } from "chalk";
import type { ReleaseApprovalResult, ReleaseStartResult, ReleaseStatusReport } from "../schemas/release";
import { formatDuration } from "./duration";

/**
 * The pure half of `mlops release`: CodePipeline names, approval summaries and variables checked
 * before any call, the manual approvals a pipeline waits on (from GetPipeline, GetPipelineState
 * and, in PARALLEL execution mode, ListActionExecutions), and how an execution ended. Shapes are
 * the SDK's (camelCase, Date timestamps), narrowed to what is read here.
 * Source: botocore codepipeline/2015-07-09/service-2.json; aws-facts.md §6.3.
 */

/** PipelineName, StageName, ActionName: 1–100 characters of `[A-Za-z0-9.@\-_]`. */
const NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
/** PipelineVariableName: 1–128 characters of `[A-Za-z0-9@\-_]`. */
const VARIABLE_NAME = /^[A-Za-z0-9@\-_]{1,128}$/;
/** ApprovalResult.summary: at most 512 characters. */
export const SUMMARY_MAX = 512;
/** A manual approval not answered within 7 days fails (CodePipeline user guide, approvals; limits). */
export const APPROVAL_TIMEOUT_MS = 7 * 86_400_000;
/** StartPipelineExecution takes at most 50 variables, each value 1–1000 characters. */
const MAX_VARIABLES = 50;
const MAX_VARIABLE_VALUE = 1000;

/** A pipeline, stage or action name as CodePipeline allows it; `source` names where it came from. */
export function checkPipelineName(source: string, name: string): string {
  if (!NAME.test(name)) throw new UsageError(`${source} "${name}" is not a CodePipeline name: 1 to 100 letters, digits and . @ - _`);
  return name;
}

/** PipelineExecutionId: a UUID (pattern `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`). */
export function checkExecutionId(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new UsageError(`--execution "${id}" is not a pipeline execution id (a UUID such as 3137f7cb-7cf7-4d1b-9a3e-2e1b7c1d0a59)`);
  return id;
}

/** The approval's summary (ApprovalResult.summary): not blank, at most 512 characters, one line. */
export function checkSummary(summary: string): string {
  if (summary.trim() === "") throw new UsageError("--summary must not be empty: it is recorded with the approval");
  return checkText("--summary", summary, SUMMARY_MAX);
}

/** A variable as a pipeline declares it (PipelineVariableDeclaration). */
export interface VariableDeclaration {
  name?: string;
  defaultValue?: string;
  description?: string;
}

/**
 * `--variable K=V` flags as StartPipelineExecution takes them: names of 1–128 `[A-Za-z0-9@\-_]`,
 * values of 1–1000 characters, at most 50. Checked before any call.
 */
export function parseVariables(flags: readonly string[]): Array<{ name: string; value: string }> {
  const unique = new Map(parsePairs("--variable", flags));
  if (unique.size > MAX_VARIABLES) throw new UsageError(`--variable: ${unique.size} variables; StartPipelineExecution takes at most ${MAX_VARIABLES}`);
  for (const [name, value] of unique) {
    if (!VARIABLE_NAME.test(name)) throw new UsageError(`--variable "${name}": a variable name is 1 to 128 letters, digits and @ - _`);
    if (value.length < 1 || value.length > MAX_VARIABLE_VALUE) throw new UsageError(`--variable ${name}: the value is ${value.length} characters; it must be 1 to ${MAX_VARIABLE_VALUE}`);
  }
  return [...unique].map(([name, value]) => ({ name, value }));
}

/** Each variable is one the pipeline declares (GetPipeline's variables); else UsageError listing the declared ones. */
export function checkDeclared(variables: ReadonlyArray<{ name: string }>, declared: readonly VariableDeclaration[], pipeline: string): void {
  const names = declared.map((d) => d.name ?? "").filter(Boolean);
  for (const { name } of variables) {
    if (names.includes(name)) continue;
    throw new UsageError(`--variable ${name}: pipeline ${pipeline} declares no variable of that name; ${names.length > 0 ? `it declares ${names.join(", ")}` : "it declares none"}`);
  }
}

/** What is read of GetPipeline's declaration. */
export interface PipelineShape {
  name?: string;
  version?: number;
  executionMode?: string;
  variables?: VariableDeclaration[];
  stages?: Array<{ name?: string; actions?: Array<{ name?: string; actionTypeId?: ActionTypeId }> }>;
}

export interface ActionTypeId {
  category?: string;
  owner?: string;
  provider?: string;
  version?: string;
}

/** What is read of GetPipelineState. */
export interface StateShape {
  stageStates?: Array<{
    stageName?: string;
    latestExecution?: { pipelineExecutionId?: string; status?: string };
    actionStates?: Array<{
      actionName?: string;
      latestExecution?: {
        status?: string;
        summary?: string;
        lastStatusChange?: Date;
        token?: string;
        externalExecutionId?: string;
        externalExecutionUrl?: string;
        errorDetails?: { code?: string; message?: string };
      };
    }>;
  }>;
}

/** What is read of ListActionExecutions' actionExecutionDetails. */
export interface ActionExecutionShape {
  pipelineExecutionId?: string;
  stageName?: string;
  actionName?: string;
  startTime?: Date;
  lastUpdateTime?: Date;
  status?: string;
  input?: { actionTypeId?: ActionTypeId };
  output?: { executionResult?: { externalExecutionId?: string; externalExecutionSummary?: string; errorDetails?: { code?: string; message?: string } } };
}

/** A manual approval that waits for an answer. `token` goes to PutApprovalResult, never to output. */
export interface WaitingApproval {
  stage: string;
  action: string;
  pipelineExecutionId: string | null;
  token: string;
  /** When it started waiting (epoch ms), when known. */
  since: number | null;
  /** When CodePipeline fails it for want of an answer: 7 days after `since`. */
  expiresAt: number | null;
}

/** The AWS-owned Manual action of the Approval category. */
export function isManualApproval(type: ActionTypeId | undefined): boolean {
  return type?.category === "Approval" && type.owner === "AWS" && type.provider === "Manual";
}

/**
 * The manual approvals that wait. Outside PARALLEL mode, GetPipelineState holds each one's token
 * (an InProgress Manual approval action). In PARALLEL mode it holds none: the waiting ones are
 * the InProgress Manual approvals in ListActionExecutions, whose externalExecutionId is the token.
 */
// Stryker disable next-line ArrayDeclaration: any default but action executions is dropped whole by the InProgress filter, as [] is
export function waitingApprovals(pipeline: PipelineShape, state: StateShape, executions: readonly ActionExecutionShape[] = []): WaitingApproval[] {
  const until = (since: number | null) => (since === null ? null : since + APPROVAL_TIMEOUT_MS);
  if (pipeline.executionMode === "PARALLEL") {
    return executions
      .filter((e) => e.status === "InProgress" && isManualApproval(e.input?.actionTypeId) && e.output?.executionResult?.externalExecutionId)
      .map((e) => {
        const since = e.startTime?.getTime() ?? null;
        return { stage: e.stageName ?? "", action: e.actionName ?? "", pipelineExecutionId: e.pipelineExecutionId ?? null, token: e.output!.executionResult!.externalExecutionId!, since, expiresAt: until(since) };
      });
  }
  const found: WaitingApproval[] = [];
  for (const stage of state.stageStates ?? []) {
    for (const action of stage.actionStates ?? []) {
      const latest = action.latestExecution;
      if (latest?.status !== "InProgress" || !latest.token || !isManualApproval(actionType(pipeline, stage.stageName, action.actionName))) continue;
      const since = latest.lastStatusChange?.getTime() ?? null;
      found.push({ stage: stage.stageName ?? "", action: action.actionName ?? "", pipelineExecutionId: stage.latestExecution?.pipelineExecutionId ?? null, token: latest.token, since, expiresAt: until(since) });
    }
  }
  return found;
}

/** The declared type of a stage's action. */
export function actionType(pipeline: PipelineShape, stage: string | undefined, action: string | undefined): ActionTypeId | undefined {
  return pipeline.stages?.find((s) => s.name === stage)?.actions?.find((a) => a.name === action)?.actionTypeId;
}

/** "Approve/Production-Gate (execution 1a2b…, waiting 2h 5m, times out in 6d…)": one line per waiting approval. */
export function describeApproval(a: WaitingApproval, now: number, withExecution = false): string {
  const parts = [a.pipelineExecutionId ? `execution ${a.pipelineExecutionId}` : "", a.since !== null ? `waiting since ${new Date(a.since).toISOString()}` : "", a.expiresAt !== null ? `times out in ${formatDuration((a.expiresAt - now) / 1000)}` : ""].filter(Boolean);
  const flags = `--stage ${a.stage} --action ${a.action}${withExecution && a.pipelineExecutionId ? ` --execution ${a.pipelineExecutionId}` : ""}`;
  return `${flags}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/**
 * The one approval to answer. None waiting (or none at the given stage/action): exit 1, saying
 * so and naming any others that wait. Several and no --stage/--action that tells them apart:
 * exit 2, listing each with the flags that choose it.
 */
export function chooseApproval(waiting: readonly WaitingApproval[], pick: { pipeline: string; stage?: string; action?: string; execution?: string }, now: number): WaitingApproval {
  const matching = waiting.filter(
    (a) => (pick.stage === undefined || a.stage === pick.stage) && (pick.action === undefined || a.action === pick.action) && (pick.execution === undefined || a.pipelineExecutionId === pick.execution),
  );
  // --execution is listed where one action waits in several executions (PARALLEL mode).
  const list = (items: readonly WaitingApproval[]) => {
    const shared = new Set(items.map((a) => `${a.stage}/${a.action}`)).size < items.length;
    return items.map((a) => `  ${describeApproval(a, now, shared)}`).join("\n");
  };
  if (matching.length === 1) return matching[0]!;
  if (matching.length === 0) {
    const where = [pick.stage !== undefined ? `stage ${pick.stage}` : "", pick.action !== undefined ? `action ${pick.action}` : "", pick.execution !== undefined ? `execution ${pick.execution}` : ""].filter(Boolean).join(", ");
    if (waiting.length === 0) throw new MlopsError(`no manual approval is waiting in pipeline ${pick.pipeline}`, { hint: `see where it stands with \`mlops release status --pipeline ${pick.pipeline}\`` });
    throw new MlopsError(`no manual approval is waiting in pipeline ${pick.pipeline} at ${where}; waiting:\n${list(waiting)}`);
  }
  // Flags that would tell the matching ones apart: --stage, --action, or (PARALLEL mode, one action waiting in several executions) --execution.
  const differ = (key: "stage" | "action" | "pipelineExecutionId") => new Set(matching.map((a) => a[key])).size > 1;
  const flags = [differ("stage") ? "--stage" : "", differ("stage") || differ("action") ? "--action" : "", !differ("stage") && !differ("action") ? "--execution" : ""].filter(Boolean).join(" and ");
  throw new UsageError(`${matching.length} manual approvals are waiting in pipeline ${pick.pipeline}; choose one with ${flags}:\n${list(matching)}`);
}

/** A pipeline execution's end, as `--wait` reports it. */
export interface ExecutionEnd {
  status: string;
  failedStage: string | null;
  failedAction: string | null;
  failureReason: string | null;
}

/** The statuses after which a pipeline execution changes no more. */
export const FINAL_EXECUTION_STATUSES = ["Succeeded", "Failed", "Stopped", "Cancelled", "Superseded"] as const;

export function isFinalExecutionStatus(status: string | undefined): boolean {
  return (FINAL_EXECUTION_STATUSES as readonly string[]).includes(status ?? "");
}

/**
 * How an execution ended: its status, and for a failure the action that failed (the last Failed
 * one in ListActionExecutions for the execution) with its error message, summary or the
 * execution's statusSummary.
 */
export function executionEnd(status: string, statusSummary: string | undefined, actions: readonly ActionExecutionShape[]): ExecutionEnd {
  if (status === "Succeeded") return { status, failedStage: null, failedAction: null, failureReason: null };
  const failed = [...actions].filter((a) => a.status === "Failed").sort((a, b) => (a.lastUpdateTime?.getTime() ?? 0) - (b.lastUpdateTime?.getTime() ?? 0)).at(-1);
  const result = failed?.output?.executionResult;
  return {
    status,
    failedStage: failed?.stageName ?? null,
    failedAction: failed?.actionName ?? null,
    failureReason: result?.errorDetails?.message ?? result?.externalExecutionSummary ?? statusSummary ?? null,
  };
}

/** One line for an execution's progress: its in-progress actions, else its status. */
export function progressLine(status: string | undefined, actions: readonly ActionExecutionShape[]): string {
  const running = actions.filter((a) => a.status === "InProgress").map((a) => `${a.stageName}/${a.actionName}${isManualApproval(a.input?.actionTypeId) ? " waiting for approval" : " in progress"}`);
  return running.length > 0 ? running.join(", ") : (status ?? "unknown");
}

/** The message of a --wait that ended other than Succeeded. */
export function failureMessage(pipeline: string, executionId: string, end: ExecutionEnd): string {
  const where = end.failedStage ? ` at ${end.failedStage}/${end.failedAction}` : "";
  return `pipeline ${pipeline} execution ${executionId} ended ${end.status}${where}${end.failureReason ? `: ${end.failureReason}` : ""}`;
}

/** What is read of ListPipelineExecutions' summaries (the newest first). */
export interface ExecutionSummaryShape {
  pipelineExecutionId?: string;
  status?: string;
  startTime?: Date;
  lastUpdateTime?: Date;
  statusSummary?: string;
}

const iso = (d: Date | number | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());

/** `release status`'s report: every declared stage and action, with the state GetPipelineState gives. */
export function releaseStatus(pipeline: PipelineShape, state: StateShape, newest: ExecutionSummaryShape | undefined, waiting: readonly WaitingApproval[]): ReleaseStatusReport {
  return {
    pipeline: pipeline.name ?? "",
    pipelineVersion: pipeline.version ?? null,
    executionMode: pipeline.executionMode ?? "SUPERSEDED",
    currentExecution: newest?.pipelineExecutionId
      ? { pipelineExecutionId: newest.pipelineExecutionId, status: newest.status ?? "InProgress", startTime: iso(newest.startTime), lastUpdateTime: iso(newest.lastUpdateTime), statusSummary: newest.statusSummary ?? null }
      : null,
    stages: (pipeline.stages ?? []).map((stage) => {
      const s = state.stageStates?.find((x) => x.stageName === stage.name);
      return {
        name: stage.name ?? "",
        status: s?.latestExecution?.status ?? null,
        pipelineExecutionId: s?.latestExecution?.pipelineExecutionId ?? null,
        actions: (stage.actions ?? []).map((action) => {
          const latest = s?.actionStates?.find((a) => a.actionName === action.name)?.latestExecution;
          return {
            name: action.name ?? "",
            category: action.actionTypeId?.category ?? null,
            provider: action.actionTypeId?.provider ?? null,
            status: latest?.status ?? null,
            summary: latest?.summary ?? null,
            lastStatusChange: iso(latest?.lastStatusChange),
            errorMessage: latest?.errorDetails?.message ?? null,
          };
        }),
      };
    }),
    waitingApprovals: waiting.map((a) => ({ stage: a.stage, action: a.action, pipelineExecutionId: a.pipelineExecutionId, since: iso(a.since), expiresAt: iso(a.expiresAt) })),
  };
}

/** `release status` for people: the newest execution, each stage with its actions, the approvals that wait. */
export function renderReleaseStatus(r: ReleaseStatusReport, style: Style, now: number): string {
  const colour = (status: string | null) => {
    const text = status ?? "never run";
    if (status === "Succeeded") return style.green(text);
    if (status === "Failed" || status === "Stopped" || status === "Cancelled") return style.red(text);
    if (status === "InProgress") return style.cyan(text);
    return style.dim(text);
  };
  const e = r.currentExecution;
  const lines = [
    `${style.bold(r.pipeline)}  ${style.dim(`version ${r.pipelineVersion ?? "?"}, ${r.executionMode} mode`)}`,
    e ? `execution ${e.pipelineExecutionId}: ${colour(e.status)}${e.startTime ? style.dim(` since ${e.startTime}`) : ""}${e.statusSummary ? ` · ${e.statusSummary}` : ""}` : "no execution yet",
    "",
  ];
  for (const stage of r.stages) {
    lines.push(`${style.bold(stage.name)}  ${colour(stage.status)}`);
    for (const a of stage.actions) {
      const detail = [a.errorMessage ?? a.summary ?? "", a.lastStatusChange ? style.dim(a.lastStatusChange) : ""].filter(Boolean).join("  ");
      lines.push(`  ${a.name} ${style.dim(`(${a.category ?? "?"}/${a.provider ?? "?"})`)}  ${colour(a.status)}${detail ? `  ${detail}` : ""}`);
    }
  }
  if (r.waitingApprovals.length === 0) {
    lines.push("", "no manual approval is waiting");
  } else {
    lines.push("", `${r.waitingApprovals.length === 1 ? "1 manual approval waits" : `${r.waitingApprovals.length} manual approvals wait`}:`);
    for (const a of r.waitingApprovals) {
      const left = a.expiresAt ? `, times out in ${formatDuration((Date.parse(a.expiresAt) - now) / 1000)} (${a.expiresAt})` : "";
      lines.push(`  ${style.yellow(`${a.stage}/${a.action}`)}${a.since ? ` since ${a.since}` : ""}${left}`);
      lines.push(style.dim(`    mlops release approve --pipeline ${r.pipeline} --stage ${a.stage} --action ${a.action} --summary "…"`));
    }
  }
  return lines.join("\n");
}

/** The lines that end a --wait: how the execution ended, and how long it took. */
function renderEnding(end: ReleaseApprovalResult["execution"], style: Style): string[] {
  if (!end) return [];
  const where = end.failedStage ? ` at ${end.failedStage}/${end.failedAction}` : "";
  const reason = end.failureReason ? `: ${end.failureReason}` : "";
  const status = end.status === "Succeeded" ? style.green(end.status) : style.red(end.status);
  return [`the execution ended ${status}${where}${reason} after ${formatDuration(end.durationSeconds)}`];
}

export function renderApproval(r: ReleaseApprovalResult, style: Style): string {
  const word = r.status === "Approved" ? style.green("approved") : style.red("rejected");
  return [`${r.pipeline} ${r.stage}/${r.action}: ${word}${r.pipelineExecutionId ? ` (execution ${r.pipelineExecutionId})` : ""}`, ...renderEnding(r.execution, style)].join("\n");
}

export function renderStart(r: ReleaseStartResult, style: Style): string {
  const vars = r.variables.length > 0 ? ` with ${r.variables.map((v) => `${v.name}=${v.value}`).join(", ")}` : "";
  return [`${r.pipeline}: execution ${r.pipelineExecutionId} started${vars}`, ...renderEnding(r.execution, style)].join("\n");
}
