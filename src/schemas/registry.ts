import { z } from "zod";
import { errorDetail, isoTime, orError } from "./common";

/** What `register` and `models list|show|approve|reject` print. */

const APPROVAL_STATUSES = ["PendingManualApproval", "Approved", "Rejected"] as const;
const approvalStatus = z.enum(APPROVAL_STATUSES).describe("SageMaker's ModelApprovalStatus.");
const metrics = z.record(z.string(), z.number()).describe("Metric name → value.");
const calls = z.array(z.strictObject({ operation: z.string().describe("service:Operation"), detail: z.string() }));

export const registerResult = z.strictObject({
  modelPackageArn: z.string().nullable().describe("null when the gate failed (nothing was registered) or on a dry run."),
  group: z.string(),
  version: z.int().nullable().describe("null when the gate failed or on a dry run."),
  approvalStatus: approvalStatus.nullable(),
  metrics: metrics.describe("The gate's metrics as read from --metrics."),
  gate: z.array(z.strictObject({ expr: z.string(), actual: z.number(), passed: z.boolean() })).describe("Each --require, its actual value, and whether it held."),
  dryRun: z.literal(true).optional(),
  plan: calls.optional().describe("--dry-run: the calls it would make, in order."),
});
export type RegisterResult = z.infer<typeof registerResult>;

export const registerOutput = orError(registerResult, {
  title: "mlops register --json",
  description: "The version registered, and the gate. When the gate fails (exit 4) the same document, with modelPackageArn and version null. Or the error document.",
});

export const modelRow = z.strictObject({
  version: z.int(),
  approvalStatus: z.string().describe("SageMaker's ModelApprovalStatus."),
  created: isoTime.nullable(),
  metrics: metrics.nullable().describe("Metric name → value; null when not read (--no-metrics) or none was recorded."),
  source: z.string().nullable().describe("Where it came from: git commit, CodeBuild build (from the recorded metadata); null when not read (--no-metrics) or none was recorded."),
  modelPackageArn: z.string(),
  description: z.string().nullable(),
});
export type ModelRow = z.infer<typeof modelRow>;

export const modelsListOutput = orError(
  z.strictObject({
    group: z.string(),
    models: z.array(modelRow).describe("Newest first."),
    complete: z.boolean().describe("true only when every matching version is listed: false when --limit (30 by default) left some out (then `more` is true), or an error cut the listing short (then `error` says what, and the exit code is not 0)."),
    more: z.boolean().optional().describe("true: more versions exist than were listed (use --limit N or --all)."),
    error: errorDetail.optional(),
  }),
  { title: "mlops models list --json", description: "A group's versions, newest first, written as they arrive. Or the error document." },
);

export const modelView = z.strictObject({
  modelPackageArn: z.string(),
  group: z.string(),
  version: z.int(),
  approvalStatus: z.string(),
  approvalDescription: z.string().nullable(),
  status: z.string().describe("SageMaker's ModelPackageStatus."),
  created: isoTime.nullable(),
  image: z.string().nullable(),
  modelDataUrl: z.string().nullable(),
  environment: z.record(z.string(), z.string()),
  metrics,
  source: z.string().nullable().describe("Where it came from (git commit, CodeBuild build); null when none was recorded."),
  customerMetadata: z.record(z.string(), z.string()).describe("CustomerMetadataProperties, mlops's own (mlops:…) included."),
  modelPackage: z
    .looseObject({
      ModelPackageArn: z.string(),
      ModelPackageGroupName: z.string().optional(),
      ModelPackageVersion: z.int().optional(),
      ModelPackageDescription: z.string().optional(),
      ModelApprovalStatus: z.string().optional(),
      CreationTime: z.string().optional(),
    })
    .describe("SageMaker's DescribeModelPackage answer as it came (times as ISO 8601 strings); its shape is SageMaker's, not mlops's."),
});
export type ModelView = z.infer<typeof modelView>;

export const modelsShowOutput = orError(modelView, { title: "mlops models show --json", description: "One version. Or the error document." });

export const approvalResult = z.strictObject({
  modelPackageArn: z.string(),
  group: z.string(),
  version: z.int(),
  approvalStatus: approvalStatus.describe("The version's status now."),
  previousApprovalStatus: z.string().describe("Its status before (\"\" when SageMaker reported none)."),
  changed: z.boolean().describe("false: it already had that status, and nothing was changed."),
  latestApproved: z
    .string()
    .nullable()
    .describe("GROUP/VERSION that GROUP@latest-approved names after the change: the group's newest approved version. null when no version is approved (or, with a warning on stderr, when it could not be looked up)."),
});
export type ApprovalResult = z.infer<typeof approvalResult>;

export const modelsApproveOutput = orError(approvalResult, { title: "mlops models approve --json", description: "The version approved. Or the error document." });
export const modelsRejectOutput = orError(approvalResult, { title: "mlops models reject --json", description: "The version rejected. Or the error document." });
