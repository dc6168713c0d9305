import type { Env } from "../io/terminal";
import type { ExecutionRow, ExecutionView, PipelineStepView } from "../schemas/pipeline";
import type { Lineage } from "./lineage";

/**
 * SageMaker pipeline executions as mlops shows them: pure functions from DescribePipelineExecution
 * and ListPipelineExecutionSteps answers (the SDK's shapes, narrowed to what is read) to the
 * views that `pipeline start|status` print.
 */

export const TERMINAL_EXECUTION_STATUSES = ["Succeeded", "Failed", "Stopped"] as const;

export function isTerminal(status: string | undefined): boolean {
  return (TERMINAL_EXECUTION_STATUSES as readonly string[]).includes(status ?? "");
}

/** The parts of PipelineExecutionStep read here. */
export interface StepAnswer {
  StepName?: string;
  StepStatus?: string;
  StartTime?: Date;
  EndTime?: Date;
  FailureReason?: string;
  Metadata?: object;
}

/** The parts of DescribePipelineExecution read here. */
export interface ExecutionAnswer {
  PipelineExecutionArn?: string;
  PipelineExecutionDisplayName?: string;
  PipelineExecutionDescription?: string;
  PipelineExecutionStatus?: string;
  FailureReason?: string;
  CreationTime?: Date;
  LastModifiedTime?: Date;
}

/** PipelineExecutionStepMetadata member → the step type it stands for. */
const METADATA_TYPES: Record<string, string> = {
  ProcessingJob: "Processing",
  TrainingJob: "Training",
  TransformJob: "Transform",
  TuningJob: "Tuning",
  Model: "CreateModel",
  RegisterModel: "RegisterModel",
  Condition: "Condition",
  Fail: "Fail",
  Callback: "Callback",
  Lambda: "Lambda",
  QualityCheck: "QualityCheck",
  ClarifyCheck: "ClarifyCheck",
  EMR: "EMR",
  AutoMLJob: "AutoML",
  Endpoint: "Endpoint",
  EndpointConfig: "EndpointConfig",
};

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : null);
const field = (value: unknown, key: string): string | undefined => {
  // Metadata members are objects or absent; reading a key of a string or number yields undefined too.
  const v = (value as Record<string, unknown> | null | undefined)?.[key];
  return typeof v === "string" && v !== "" ? v : undefined;
};

export function stepView(step: StepAnswer, now: Date): PipelineStepView {
  const metadata = (step.Metadata ?? {}) as Record<string, unknown>;
  const kind = Object.keys(metadata).find((k) => k in METADATA_TYPES && metadata[k] !== undefined);
  const started = step.StartTime ? new Date(step.StartTime) : undefined;
  const ended = step.EndTime ? new Date(step.EndTime) : undefined;
  const job = ["ProcessingJob", "TrainingJob", "TransformJob", "TuningJob", "AutoMLJob"].map((k) => field(metadata[k], "Arn")).find(Boolean);
  return {
    name: step.StepName ?? "",
    type: kind ? METADATA_TYPES[kind]! : null,
    status: (step.StepStatus as PipelineStepView["status"]) ?? null,
    started: iso(started),
    ended: iso(ended),
    durationSeconds: started ? Math.max(0, ((ended ?? now).getTime() - started.getTime()) / 1000) : null,
    failureReason: step.FailureReason || field(metadata.Fail, "ErrorMessage") || null,
    modelPackageArn: field(metadata.RegisterModel, "Arn") ?? null,
    jobArn: job ?? null,
  };
}

/**
 * A step's place by start time, in ms; not started: last. (Not localeCompare with a "~" for the
 * unstarted: in ICU's collation "~" sorts before digits, which put unstarted steps first.)
 */
const startOrder = (step: PipelineStepView): number => (step.started === null ? Number.POSITIVE_INFINITY : Date.parse(step.started));

/** The execution and its steps, in the order they started (not started yet: last). */
export function executionView(pipelineName: string, execution: ExecutionAnswer, steps: readonly StepAnswer[], now: Date): ExecutionView {
  const views = steps.map((s) => stepView(s, now)).sort((a, b) => startOrder(a) - startOrder(b));
  const failed = views.find((s) => s.status === "Failed");
  return {
    pipelineName,
    pipelineExecutionArn: execution.PipelineExecutionArn ?? "",
    displayName: execution.PipelineExecutionDisplayName || null,
    description: execution.PipelineExecutionDescription || null,
    status: (execution.PipelineExecutionStatus as ExecutionView["status"]) ?? "Executing",
    failureReason: execution.FailureReason || null,
    failedStep: failed?.name ?? null,
    modelPackageArn: views.find((s) => s.modelPackageArn)?.modelPackageArn ?? null,
    started: iso(execution.CreationTime),
    lastModified: iso(execution.LastModifiedTime),
    steps: views,
  };
}

/** A row of `pipeline list`. */
export function executionRow(summary: { PipelineExecutionArn?: string; PipelineExecutionDisplayName?: string; PipelineExecutionStatus?: string; StartTime?: Date; PipelineExecutionFailureReason?: string }): ExecutionRow {
  return {
    pipelineExecutionArn: summary.PipelineExecutionArn ?? "",
    displayName: summary.PipelineExecutionDisplayName || null,
    status: (summary.PipelineExecutionStatus as ExecutionRow["status"]) ?? "Executing",
    started: iso(summary.StartTime),
    failureReason: summary.PipelineExecutionFailureReason || null,
  };
}

/** Why an execution did not succeed, naming the step: "step AccuracyTooLow (Fail) failed: accuracy below 0.9". */
export function failureSummary(view: ExecutionView): string {
  const step = view.steps.find((s) => s.name === view.failedStep);
  if (view.status === "Stopped") return `execution ${executionId(view.pipelineExecutionArn)} of ${view.pipelineName} was stopped`;
  const reason = step?.failureReason ?? view.failureReason ?? "no reason given";
  return step ? `${view.pipelineName} failed at step ${step.name}${step.type ? ` (${step.type})` : ""}: ${reason}` : `${view.pipelineName} failed: ${reason}`;
}

/**
 * What changed between two views, one line per change, for logs: "step Train Executing",
 * "step Train Succeeded (4m 2s)", "execution Succeeded". Nothing when nothing changed.
 */
export function changes(before: ExecutionView | undefined, after: ExecutionView, formatSeconds: (s: number) => string): string[] {
  const lines: string[] = [];
  for (const step of after.steps) {
    const previous = before?.steps.find((s) => s.name === step.name);
    if (previous?.status === step.status) continue;
    const duration = step.ended && step.durationSeconds !== null ? ` (${formatSeconds(step.durationSeconds)})` : "";
    const reason = step.status === "Failed" && step.failureReason ? `: ${step.failureReason}` : "";
    const model = step.modelPackageArn && !previous?.modelPackageArn ? ` → ${step.modelPackageArn}` : "";
    lines.push(`step ${step.name} ${step.status ?? "?"}${duration}${reason}${model}`);
  }
  if (before?.status !== after.status) lines.push(`execution ${after.status}`);
  return lines;
}

/** The last part of an execution ARN: …/execution/<id>. */
export function executionId(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/** The pipeline name in an execution ARN (arn:…:pipeline/<name>/execution/<id>), or undefined. */
export function pipelineOfExecution(arn: string): string | undefined {
  return /:pipeline\/([^/]+)\/execution\//.exec(arn)?.[1];
}

/** botocore PipelineExecutionName: 1–82 characters, `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}`. */
export const EXECUTION_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/;

/**
 * In CodeBuild: a display name from the build, `<project>-<build number>` (CODEBUILD_BUILD_ID is
 * `project:uuid`), made to fit PipelineExecutionName. Undefined outside CodeBuild.
 */
export function codebuildDisplayName(env: Env): string | undefined {
  const id = env.CODEBUILD_BUILD_ID;
  if (!id) return undefined;
  const project = id.split(":")[0] ?? "";
  // An empty project or build number leaves a hyphen at an end, which the trim below removes.
  const raw = `${project}-${env.CODEBUILD_BUILD_NUMBER ?? ""}`;
  // Runs of other characters become one hyphen, so each end holds at most one to trim.
  const name = raw.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 82).replace(/-$/, "");
  return EXECUTION_NAME.test(name) ? name : undefined;
}

/** PipelineExecutionDescription (at most 3072 characters): the lineage entries as `key=value; …`. */
export function lineageDescription(lineage: Lineage): string {
  return lineage.entries
    .map(([k, v]) => `${k.replace(/^mlops:registered-by$/, "mlops:started-by")}=${v}`)
    .join("; ")
    .slice(0, 3072);
}
