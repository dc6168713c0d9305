import { z } from "zod";
import { errorDetail, isoTime, orError } from "./common";

/** What `mlops pipeline upsert|start|status|list|stop` print. */

export const PIPELINE_EXECUTION_STATUSES = ["Executing", "Stopping", "Stopped", "Failed", "Succeeded"] as const;
export const STEP_STATUSES = ["Starting", "Executing", "Stopping", "Stopped", "Failed", "Succeeded"] as const;

const executionStatus = z.enum(PIPELINE_EXECUTION_STATUSES).describe("SageMaker's PipelineExecutionStatus.");
const calls = z.array(z.strictObject({ operation: z.string().describe("service:Operation"), detail: z.string() }));

export const upsertResult = z.strictObject({
  pipelineName: z.string(),
  pipelineArn: z.string().nullable().describe("null on a dry run of a pipeline that does not exist yet."),
  action: z.enum(["created", "updated", "unchanged"]).describe("unchanged: the pipeline already had this definition (compared as normalised JSON), role and description; nothing was sent. On a dry run: what would happen."),
  definitionBytes: z.int().describe("Size of the definition sent (UTF-8 bytes): at most 102400 in the request body."),
  parameters: z.array(z.strictObject({ name: z.string(), type: z.enum(["String", "Integer", "Float", "Boolean"]), defaultValue: z.union([z.string(), z.number(), z.boolean()]).nullable() })).describe("The declared parameters, with the defaults sent (--param-default applied)."),
  steps: z.array(z.strictObject({ name: z.string(), type: z.string() })).describe("Every step, those in Condition branches too."),
  dryRun: z.literal(true).optional(),
  plan: calls.optional().describe("--dry-run: the calls it would make, in order (none when unchanged)."),
});
export type UpsertResult = z.infer<typeof upsertResult>;

export const pipelineStep = z.strictObject({
  name: z.string(),
  type: z.string().nullable().describe("Processing, Training, Condition, RegisterModel, Fail…, as SageMaker's step metadata tells; null when it does not yet."),
  status: z.enum(STEP_STATUSES).nullable().describe("SageMaker's StepStatus."),
  started: isoTime.nullable(),
  ended: isoTime.nullable(),
  durationSeconds: z.number().nullable().describe("From start to end, or to now while it runs; null before it starts."),
  failureReason: z.string().nullable().describe("The step's FailureReason; a Fail step's ErrorMessage."),
  modelPackageArn: z.string().nullable().describe("The model package a RegisterModel step created."),
  jobArn: z.string().nullable().describe("The processing, training, transform or tuning job the step ran."),
});
export type PipelineStepView = z.infer<typeof pipelineStep>;

export const executionView = z.strictObject({
  pipelineName: z.string(),
  pipelineExecutionArn: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable().describe("PipelineExecutionDescription: mlops records where the run came from (CodeBuild build, git commit)."),
  status: executionStatus,
  failureReason: z.string().nullable().describe("PipelineExecutionFailureReason."),
  failedStep: z.string().nullable().describe("The step that failed the execution (the first Failed step)."),
  modelPackageArn: z.string().nullable().describe("The model package a RegisterModel step created in this execution, if one did."),
  started: isoTime.nullable(),
  lastModified: isoTime.nullable(),
  steps: z.array(pipelineStep).describe("In the order they started."),
});
export type ExecutionView = z.infer<typeof executionView>;

export const startResult = executionView.extend({
  parameters: z.array(z.strictObject({ name: z.string(), value: z.string() })).describe("The parameters sent (the others take their defaults)."),
  waited: z.boolean().describe("false without --wait: the status is the one right after the start."),
  timedOut: z.boolean().describe("true: --timeout passed before the execution ended (exit 5); it goes on running."),
  outputEnv: z.string().nullable().describe("The --output-env file written (absolute path), or null."),
});
export type StartResult = z.infer<typeof startResult>;

export const executionRow = z.strictObject({
  pipelineExecutionArn: z.string(),
  displayName: z.string().nullable(),
  status: executionStatus,
  started: isoTime.nullable(),
  failureReason: z.string().nullable(),
});
export type ExecutionRow = z.infer<typeof executionRow>;

export const stopResult = z.strictObject({
  pipelineExecutionArn: z.string(),
  previousStatus: executionStatus,
  status: executionStatus.describe("Its status after the call: Stopping while SageMaker stops the running steps."),
  changed: z.boolean().describe("false: the execution had already ended, and nothing was sent."),
});
export type StopResult = z.infer<typeof stopResult>;

export const pipelineUpsertOutput = orError(upsertResult, { title: "mlops pipeline upsert --json", description: "The pipeline created, updated or found unchanged. Or the error document." });
export const pipelineStartOutput = orError(startResult, {
  title: "mlops pipeline start --json",
  description: "The execution started, and with --wait how it ended (exit 1 when Failed or Stopped, 5 on --timeout: the same document). Or the error document.",
});
export const pipelineStatusOutput = orError(executionView, { title: "mlops pipeline status --json", description: "One execution: its steps, their states and times, failure reasons, the model package registered. Or the error document." });
export const pipelineListOutput = orError(
  z.strictObject({
    pipelineName: z.string(),
    executions: z.array(executionRow).describe("Newest first, every page followed."),
    complete: z.boolean().describe("true only when every execution is listed: false when --limit left some out (then `more` is true) or an error cut the listing short (then `error` says what)."),
    more: z.boolean().optional().describe("true: more executions exist than were listed."),
    error: errorDetail.optional(),
  }),
  { title: "mlops pipeline list --json", description: "A pipeline's executions, newest first, written as they arrive. Or the error document." },
);
export const pipelineStopOutput = orError(stopResult, { title: "mlops pipeline stop --json", description: "The execution asked to stop (or found already ended). Or the error document." });
