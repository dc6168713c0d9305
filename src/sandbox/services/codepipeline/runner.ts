import { randomUUID } from "node:crypto";
import { isApproval, type ActionDeclaration, type ActionTypeId, type PipelineDeclaration, type StageDeclaration } from "./structure";

/**
 * Pipeline executions on the sandbox clock. An execution enters its stages one by one; in a
 * stage, the actions of the lowest runOrder run together, then the next runOrder. Each action
 * ends by itself at its `due` time (a Manual approval's `due` is its timeout); `settle` plays
 * every end that falls due, in time order, so the outcome depends on sandbox time only, never on
 * when someone asks. Stages are locked to one execution (SUPERSEDED, QUEUED); PARALLEL executions
 * do not lock. All times are epoch milliseconds, sandbox time.
 */

export type ExecutionStatus = "Cancelled" | "InProgress" | "Stopped" | "Stopping" | "Succeeded" | "Superseded" | "Failed";
export type StageStatus = "Cancelled" | "InProgress" | "Failed" | "Stopped" | "Stopping" | "Succeeded" | "Skipped";
export type ActionStatus = "InProgress" | "Abandoned" | "Succeeded" | "Failed";
export type ExecutionMode = "QUEUED" | "SUPERSEDED" | "PARALLEL";

export interface ActionRun {
  id: string;
  stage: string;
  name: string;
  runOrder: number;
  type: ActionTypeId;
  configuration?: Record<string, string>;
  /** The configuration with `#{variables.X}` and `#{codepipeline.PipelineExecutionId}` resolved. */
  resolved?: Record<string, string>;
  roleArn?: string;
  region: string;
  namespace?: string;
  inputArtifacts: string[];
  outputArtifacts: string[];
  status: ActionStatus;
  started: number;
  updated: number;
  /** When it ends by itself: success or failure after its duration, or an approval's timeout. */
  due: number;
  /** Made to fail on purpose (MLOPS_SANDBOX_FAIL). */
  fails: boolean;
  /** Manual approvals: the token PutApprovalResult needs. */
  token?: string;
  /** How an approval ended: answered, or expired. */
  answered?: "Approved" | "Rejected" | "Expired";
  summary?: string;
  errorDetails?: { code: string; message: string };
  updatedBy?: string;
  externalExecutionId?: string;
}

export interface StageRun {
  name: string;
  index: number;
  status: StageStatus;
  started: number;
  updated: number;
  actions: ActionRun[];
}

export interface ExecutionRecord {
  id: string;
  pipelineVersion: number;
  mode: ExecutionMode;
  status: ExecutionStatus;
  statusSummary?: string;
  started: number;
  updated: number;
  trigger: { triggerType: string; triggerDetail: string };
  variables: Array<{ name: string; resolvedValue: string }>;
  /** The stages of the pipeline version it runs: an update does not change a running execution. */
  plan: StageDeclaration[];
  stageRuns: StageRun[];
  /** The stage it waits to enter while another execution holds it. */
  waiting?: number;
  waitingSince?: number;
  stopping?: { abandon: boolean };
  stopTrigger?: { reason?: string };
  clientRequestToken?: string;
}

export interface PipelineRecord {
  name: string;
  arn: string;
  declaration: PipelineDeclaration & { version: number };
  created: number;
  updated: number;
  tags: Array<{ key: string; value: string }>;
  /** Oldest first. */
  executions: ExecutionRecord[];
}

/** What an execution reports: CodePipeline's three event kinds, with AWS's detail members. */
export interface Emit {
  pipeline(p: PipelineRecord, e: ExecutionRecord, state: string): void;
  stage(p: PipelineRecord, e: ExecutionRecord, stage: string, state: string): void;
  action(p: PipelineRecord, e: ExecutionRecord, run: ActionRun, state: string): void;
}

/** How long actions take, by category, in sandbox seconds. */
export const ACTION_SECONDS: Readonly<Record<string, number>> = { Source: 10, Build: 120, Test: 120, Deploy: 60, Invoke: 30, Compute: 60 };
/** A Manual approval fails when unanswered for 7 days (doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html), or its timeoutInMinutes. */
export const APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600;
/** The word that makes an action fail on purpose (see failsOnPurpose). */
export const FAIL_MARKER = "MLOPS_SANDBOX_FAIL";

const ACTIVE: readonly ExecutionStatus[] = ["InProgress", "Stopping"];
export const isActive = (e: ExecutionRecord) => ACTIVE.includes(e.status);
const current = (e: ExecutionRecord): StageRun | undefined => e.stageRuns[e.stageRuns.length - 1];

/**
 * An action fails on purpose when its resolved configuration holds MLOPS_SANDBOX_FAIL in any value
 * (e.g. a CodeBuild action's EnvironmentVariables JSON, or a value set from a pipeline variable at
 * StartPipelineExecution), or its environmentVariables or commands name it.
 */
function failsOnPurpose(action: ActionDeclaration, resolved: Record<string, string>): boolean {
  return (
    Object.values(resolved).some((v) => v.includes(FAIL_MARKER)) ||
    (action.environmentVariables ?? []).some((v) => v.name === FAIL_MARKER || v.value.includes(FAIL_MARKER)) ||
    ((action.commands as string[] | undefined) ?? []).some((c) => c.includes(FAIL_MARKER))
  );
}

/** `#{variables.X}` → the execution's value of X; `#{codepipeline.PipelineExecutionId}` → its id. Others stay as written. */
function resolve(configuration: Record<string, string>, e: ExecutionRecord): Record<string, string> {
  const values = new Map(e.variables.map((v) => [`variables.${v.name}`, v.resolvedValue]));
  values.set("codepipeline.PipelineExecutionId", e.id);
  return Object.fromEntries(Object.entries(configuration).map(([k, v]) => [k, v.replace(/#\{([^}]+)\}/g, (whole, ref: string) => values.get(ref) ?? whole)]));
}

/** The stage's lock: which non-PARALLEL execution is in stage `index` now. */
function holder(p: PipelineRecord, index: number): ExecutionRecord | undefined {
  return p.executions.find((e) => e.mode !== "PARALLEL" && isActive(e) && e.waiting === undefined && current(e)?.index === index && ["InProgress", "Stopping"].includes(current(e)!.status));
}

export function startExecution(p: PipelineRecord, e: ExecutionRecord, t: number, emit: Emit): void {
  p.executions.push(e);
  emit.pipeline(p, e, "STARTED");
  tryEnter(p, e, 0, t, emit);
}

/** Enter stage `index`, or wait for it; in SUPERSEDED mode a newer arrival replaces the one waiting. */
function tryEnter(p: PipelineRecord, e: ExecutionRecord, index: number, t: number, emit: Emit): void {
  if (e.mode === "PARALLEL" || !holder(p, index)) return enterStage(p, e, index, t, emit);
  if (e.mode === "SUPERSEDED") {
    for (const older of p.executions.filter((o) => o !== e && o.mode === "SUPERSEDED" && isActive(o) && o.waiting === index)) {
      older.waiting = undefined;
      finishExecution(p, older, "Superseded", t, emit, `Superseded by ${e.id}`);
    }
  }
  e.waiting = index;
  e.waitingSince = t;
}

function enterStage(p: PipelineRecord, e: ExecutionRecord, index: number, t: number, emit: Emit): void {
  e.waiting = undefined;
  e.waitingSince = undefined;
  const stage = e.plan[index]!;
  const run: StageRun = { name: stage.name, index, status: "InProgress", started: t, updated: t, actions: [] };
  e.stageRuns.push(run);
  e.updated = t;
  emit.stage(p, e, stage.name, "STARTED");
  startGroup(p, e, run, Math.min(...stage.actions.map((a) => a.runOrder ?? 1)), t, emit);
}

function startGroup(p: PipelineRecord, e: ExecutionRecord, run: StageRun, runOrder: number, t: number, emit: Emit): void {
  for (const action of e.plan[run.index]!.actions.filter((a) => (a.runOrder ?? 1) === runOrder)) {
    const resolved = resolve(action.configuration ?? {}, e);
    const approval = isApproval(action.actionTypeId);
    const seconds = approval ? (action.timeoutInMinutes ? action.timeoutInMinutes * 60 : APPROVAL_TIMEOUT_SECONDS) : (ACTION_SECONDS[action.actionTypeId.category] ?? 60);
    const token = approval ? randomUUID() : undefined;
    const a: ActionRun = {
      id: randomUUID(),
      stage: run.name,
      name: action.name,
      runOrder,
      type: action.actionTypeId,
      configuration: action.configuration,
      resolved: action.configuration ? resolved : undefined,
      roleArn: action.roleArn,
      region: action.region ?? p.arn.split(":")[3]!,
      namespace: action.namespace,
      inputArtifacts: (action.inputArtifacts ?? []).map((x) => x.name),
      outputArtifacts: (action.outputArtifacts ?? []).map((x) => x.name),
      status: "InProgress",
      started: t,
      updated: t,
      due: t + seconds * 1000,
      fails: !approval && failsOnPurpose(action, resolved),
      token,
      // The approval's token is its external execution id (model: PutApprovalResultInput.token, for PARALLEL pipelines).
      externalExecutionId: token ?? randomUUID(),
    };
    run.actions.push(a);
    emit.action(p, e, a, "STARTED");
  }
}

/** End an action at `t` and move its execution on. */
export function finishAction(p: PipelineRecord, e: ExecutionRecord, a: ActionRun, status: "Succeeded" | "Failed", t: number, emit: Emit, details: Partial<ActionRun> = {}): void {
  Object.assign(a, details, { status, updated: t });
  e.updated = t;
  emit.action(p, e, a, status === "Succeeded" ? "SUCCEEDED" : "FAILED");
  afterAction(p, e, current(e)!, t, emit);
}

function afterAction(p: PipelineRecord, e: ExecutionRecord, run: StageRun, t: number, emit: Emit): void {
  if (run.actions.some((a) => a.status === "InProgress")) return;
  const failed = run.actions.find((a) => a.status === "Failed");
  if (e.stopping) return endStage(p, e, run, failed ? "Failed" : "Stopped", t, emit, () => finishExecution(p, e, "Stopped", t, emit));
  if (failed) return endStage(p, e, run, "Failed", t, emit, () => finishExecution(p, e, "Failed", t, emit, `Action ${failed.name} in stage ${run.name} failed: ${failed.summary ?? failed.errorDetails?.message ?? "failed"}`));
  const later = e.plan[run.index]!.actions.map((a) => a.runOrder ?? 1).filter((r) => r > run.actions[run.actions.length - 1]!.runOrder);
  if (later.length > 0) return startGroup(p, e, run, Math.min(...later), t, emit);
  endStage(p, e, run, "Succeeded", t, emit, () => {
    if (run.index === e.plan.length - 1) finishExecution(p, e, "Succeeded", t, emit);
    else tryEnter(p, e, run.index + 1, t, emit);
  });
}

/** Close a stage, let the execution go on (`then`), and hand the freed stage to whoever waits for it. */
function endStage(p: PipelineRecord, e: ExecutionRecord, run: StageRun, status: StageStatus, t: number, emit: Emit, then: () => void): void {
  run.status = status;
  run.updated = t;
  emit.stage(p, e, run.name, status.toUpperCase());
  then();
  admit(p, run.index, t, emit);
}

/** Stage `index` is free: the execution waiting longest for it (QUEUED), or the only one (SUPERSEDED), enters. */
function admit(p: PipelineRecord, index: number, t: number, emit: Emit): void {
  if (holder(p, index)) return;
  const next = p.executions.filter((o) => isActive(o) && o.waiting === index).sort((a, b) => a.waitingSince! - b.waitingSince! || a.started - b.started)[0];
  if (next) enterStage(p, next, index, t, emit);
}

function finishExecution(p: PipelineRecord, e: ExecutionRecord, status: ExecutionStatus, t: number, emit: Emit, summary?: string): void {
  e.status = status;
  e.updated = t;
  e.stopping = undefined;
  if (summary) e.statusSummary = summary;
  emit.pipeline(p, e, status.toUpperCase());
}

/** The earliest time an action of `p` ends by itself, if any runs. */
export function nextDue(p: PipelineRecord): number | undefined {
  let next: number | undefined;
  for (const e of p.executions) if (isActive(e)) for (const a of current(e)?.actions ?? []) if (a.status === "InProgress" && (next === undefined || a.due < next)) next = a.due;
  return next;
}

/** Play every action end due by `now`, earliest first. */
export function settle(p: PipelineRecord, now: number, emit: Emit): void {
  for (let due = nextDue(p); due !== undefined && due <= now; due = nextDue(p)) {
    const e = p.executions.find((x) => isActive(x) && current(x)?.actions.some((a) => a.status === "InProgress" && a.due === due))!;
    const a = current(e)!.actions.find((x) => x.status === "InProgress" && x.due === due)!;
    if (a.token) finishAction(p, e, a, "Failed", due, emit, { answered: "Expired", summary: "The approval request expired: no response was received before the timeout", errorDetails: { code: "ApprovalExpired", message: "Approval timed out" } });
    else if (a.fails)
      finishAction(p, e, a, "Failed", due, emit, {
        errorDetails: { code: "JobFailed", message: a.type.provider === "CodeBuild" ? "Build terminated with state: FAILED" : `${a.type.provider} action failed (${FAIL_MARKER})` },
        summary: `Failed on purpose: ${FAIL_MARKER}`,
      });
    else finishAction(p, e, a, "Succeeded", due, emit);
  }
}

/**
 * StopPipelineExecution: abandon ends the in-progress actions now (Abandoned) and the execution
 * is Stopped; otherwise it is Stopping until they end by themselves, and starts nothing new.
 */
export function stopExecution(p: PipelineRecord, e: ExecutionRecord, abandon: boolean, reason: string | undefined, t: number, emit: Emit): void {
  e.stopTrigger = reason === undefined ? {} : { reason };
  e.updated = t;
  const run = current(e);
  if (e.waiting !== undefined || !run || run.status !== "InProgress" && run.status !== "Stopping") {
    e.waiting = undefined;
    return finishExecution(p, e, "Stopped", t, emit);
  }
  if (e.status !== "Stopping") {
    e.status = "Stopping";
    emit.pipeline(p, e, "STOPPING");
  }
  e.stopping = { abandon };
  run.status = "Stopping";
  if (!abandon) return;
  for (const a of run.actions.filter((x) => x.status === "InProgress")) {
    Object.assign(a, { status: "Abandoned", updated: t });
    emit.action(p, e, a, "ABANDONED");
  }
  endStage(p, e, run, "Stopped", t, emit, () => finishExecution(p, e, "Stopped", t, emit));
}
