import { z } from "zod";
import { isoTime, orError } from "./common";

/** What `release status`, `release approve|reject` and `release start` print. */

const approval = z.strictObject({
  stage: z.string(),
  action: z.string(),
  pipelineExecutionId: z.string().nullable(),
  since: isoTime.nullable().describe("When it started waiting."),
  expiresAt: isoTime.nullable().describe("When CodePipeline fails it for want of an answer: 7 days after `since`."),
});

const execution = z.strictObject({
  pipelineExecutionId: z.string(),
  status: z.string().describe("PipelineExecutionStatus: InProgress, Stopping, Stopped, Succeeded, Superseded, Failed, Cancelled."),
  startTime: isoTime.nullable(),
  lastUpdateTime: isoTime.nullable(),
  statusSummary: z.string().nullable(),
});

export const releaseStatusReport = z.strictObject({
  pipeline: z.string(),
  pipelineVersion: z.number().nullable(),
  executionMode: z.string().describe("QUEUED, SUPERSEDED or PARALLEL."),
  currentExecution: execution.nullable().describe("The newest execution, null when the pipeline never ran."),
  stages: z.array(
    z.strictObject({
      name: z.string(),
      status: z.string().nullable().describe("The latest execution's status at this stage; null when it never ran."),
      pipelineExecutionId: z.string().nullable(),
      actions: z.array(
        z.strictObject({
          name: z.string(),
          category: z.string().nullable().describe("Source, Build, Test, Deploy, Approval, Invoke, Compute."),
          provider: z.string().nullable(),
          status: z.string().nullable().describe("InProgress, Abandoned, Succeeded, Failed; null when it never ran."),
          summary: z.string().nullable(),
          lastStatusChange: isoTime.nullable(),
          errorMessage: z.string().nullable(),
        }),
      ),
    }),
  ),
  waitingApprovals: z.array(approval).describe("Manual approvals waiting for `mlops release approve|reject`."),
});
export type ReleaseStatusReport = z.infer<typeof releaseStatusReport>;

const ending = z
  .strictObject({
    status: z.string().describe("The execution's final status."),
    failedStage: z.string().nullable(),
    failedAction: z.string().nullable(),
    failureReason: z.string().nullable(),
    durationSeconds: z.number().describe("How long the wait took."),
  })
  .nullable()
  .describe("How the execution ended, with --wait (exit 0 Succeeded, 1 otherwise); null without it.");

export const releaseApprovalResult = z.strictObject({
  pipeline: z.string(),
  stage: z.string(),
  action: z.string(),
  pipelineExecutionId: z.string().nullable(),
  status: z.enum(["Approved", "Rejected"]),
  summary: z.string(),
  approvedAt: isoTime.nullable().describe("When CodePipeline recorded the answer (PutApprovalResult's approvedAt)."),
  execution: ending,
});
export type ReleaseApprovalResult = z.infer<typeof releaseApprovalResult>;

export const releaseStartResult = z.strictObject({
  pipeline: z.string(),
  pipelineExecutionId: z.string(),
  clientRequestToken: z.string().describe("The idempotency token sent: the same start retried starts one execution."),
  variables: z.array(z.strictObject({ name: z.string(), value: z.string() })),
  execution: ending,
});
export type ReleaseStartResult = z.infer<typeof releaseStartResult>;

export const releaseStatusOutput = orError(releaseStatusReport, { title: "mlops release status --json", description: "A CodePipeline pipeline's stages and actions, its newest execution and the approvals that wait. Or the error document." });
export const releaseApproveOutput = orError(releaseApprovalResult, { title: "mlops release approve --json", description: "The approval answered, and with --wait how the execution ended. Or the error document." });
export const releaseRejectOutput = orError(releaseApprovalResult, { title: "mlops release reject --json", description: "The approval answered (Rejected), and with --wait how the execution ended. Or the error document." });
export const releaseStartOutput = orError(releaseStartResult, { title: "mlops release start --json", description: "The execution started, and with --wait how it ended. Or the error document." });
