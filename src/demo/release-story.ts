import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PipelineDeclaration } from "@aws-sdk/client-codepipeline";
import pipelineDefinition from "../../data/demo-pipeline.json";
import releaseDeclaration from "../../data/demo-release.json";
import { abandonPipelineExecution, createPipeline, newestExecution } from "../aws/codepipeline";
import { formatDuration } from "../core/duration";
import { MlopsError } from "../errors";
import { pollUntil } from "../rollout/poll";
import type { StartResult, UpsertResult } from "../schemas/pipeline";
import type { ApprovalResult } from "../schemas/registry";
import type { ReleaseApprovalResult, ReleaseStatusReport } from "../schemas/release";
import type { ReleaseStory } from "../schemas/misc";
import type { AddResult } from "../schemas/trigger";
import { readRelease } from "../commands/release-status";
import { seedBucket, type Harness } from "./harness";

const PIPELINE = "demo-churn-build";
const ROLE = "arn:aws:iam::000000000000:role/demo-sagemaker-execution";
/** The role EventBridge would assume to start the release (`mlops trigger policy` prints its policies). */
const EVENTS_ROLE = "arn:aws:iam::000000000000:role/demo-eventbridge";
const ACCURACY = 0.93;
/** How long the demo waits, in sandbox time, for the release to reach its approval: far more than its 190 s. */
const TO_APPROVAL_LIMIT_MS = 86_400_000;

/**
 * `mlops demo --story release`: the build half and the release half of MLOps on the sandbox.
 * A SageMaker pipeline (data/demo-pipeline.json: Preprocess → Train → Evaluate → CheckAccuracy →
 * RegisterModel | AccuracyTooLow) runs with an evaluation.json that says accuracy 0.93, so its
 * condition (≥ 0.9) registers a model version PendingManualApproval. A trigger (an EventBridge
 * rule: model approved in demo-churn → start the release) is added; approving the version starts
 * the CodePipeline release (data/demo-release.json: Source → Build → Staging → Approval →
 * Production) through it, which runs to its manual approval, waits there, is approved and goes on
 * to succeed. Every step is an mlops command (pipeline upsert|start, trigger add, models approve,
 * release status|approve), except the creation of the release pipeline, which mlops leaves to its
 * owners.
 */
export async function releaseStory(h: Harness, timeScale: number): Promise<{ story: ReleaseStory; closing: string }> {
  // What the Evaluate step would write: the Condition step reads it from S3 for real.
  await seedBucket(h.aws, "mlops-demo", { "evaluation/evaluation.json": { metrics: { accuracy: { value: ACCURACY } } } });
  const dir = await mkdtemp(join(tmpdir(), "mlops-demo-"));
  try {
    await writeFile(join(dir, "pipeline.json"), JSON.stringify(pipelineDefinition, null, 2));
    return await tell(h, timeScale, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tell(h: Harness, timeScale: number, dir: string): Promise<{ story: ReleaseStory; closing: string }> {
  const upsert = await h.timed(
    "upsert the SageMaker pipeline: Processing → Training → Evaluation → Condition → RegisterModel | Fail",
    () => h.mlops<UpsertResult>(`mlops pipeline upsert --file pipeline.json --name ${PIPELINE} --role-arn ${ROLE}`, () => import("../commands/pipeline-upsert"), { file: "pipeline.json", name: PIPELINE, roleArn: ROLE, paramDefault: [] }, [], { cwd: dir }),
    (doc, error) => ({ outcome: error ? "failed" : doc.action, detail: error ? [String((error as Error).message)] : [`${doc.steps.map((s) => s.name).join(", ")}: ${doc.steps.length} steps, ${doc.parameters.length} parameters`] }),
  );
  if (upsert.error) throw upsert.error;

  const run = await h.timed(
    `run it: evaluation.json says accuracy ${ACCURACY}, the condition wants ≥ 0.9, so it registers a model`,
    () => h.mlops<StartResult>(`mlops pipeline start --name ${PIPELINE} --wait`, () => import("../commands/pipeline-start"), { name: PIPELINE, param: [], wait: true }, [], { cwd: dir }),
    (doc) => ({
      outcome: (doc.status ?? "failed").toLowerCase(),
      detail: [
        (doc.steps ?? []).map((s) => `${s.name} ${s.status ?? "not run"}${s.durationSeconds !== null ? ` (${formatDuration(s.durationSeconds)})` : ""}`).join(", "),
        ...(doc.modelPackageArn ? [`registered ${doc.modelPackageArn}`] : []),
      ],
    }),
  );
  if (run.error && !run.doc.modelPackageArn) throw run.error;
  const modelPackage = run.doc.modelPackageArn;
  if (!modelPackage) throw new MlopsError("the pipeline ran but registered no model: see the steps above");
  // GROUP/VERSION, from the package's ARN (…:model-package/GROUP/VERSION).
  const version = modelPackage.split("/").slice(-2).join("/");

  // The release pipeline exists before any model is approved; CodePipeline runs it once when it
  // is created, and that run is abandoned: releases start from approvals, through the trigger.
  const release = releaseDeclaration.name;
  const wired = await h.timed(
    `wire the release: a trigger starts CodePipeline ${release} when a model in demo-churn is approved`,
    async () => {
      await createPipeline(h.aws, releaseDeclaration as PipelineDeclaration);
      const first = await newestExecution(h.aws, release);
      if (first?.pipelineExecutionId) await abandonPipelineExecution(h.aws, release, first.pipelineExecutionId, "releases start from model approvals");
      h.context().io.info(`\n▸ CodePipeline ${release} created; the run CodePipeline starts on creation was stopped: releases start from model approvals`);
      return h.mlops<AddResult>(
        `mlops trigger add model-approved --group demo-churn --target codepipeline:${release} --role-arn ${EVENTS_ROLE}`,
        async () => ({ run: (await import("../commands/trigger-add")).modelApproved }),
        { group: "demo-churn", target: `codepipeline:${release}`, roleArn: EVENTS_ROLE, param: [] },
      );
    },
    (doc, error) => ({ outcome: error ? "failed" : doc.action, detail: error ? [String((error as Error).message)] : [`rule ${doc.ruleName}: ${doc.source} → ${doc.target.short}`] }),
  );
  if (wired.error) throw wired.error;

  let started: { id?: string; by?: string } = {};
  const approved = await h.timed(
    "approve the new model version: the trigger starts the release",
    async () => {
      const doc = await h.mlops<ApprovalResult>(`mlops models approve ${version}`, async () => ({ run: (await import("../commands/models-approval")).approve }), { reason: `accuracy ${ACCURACY}` }, [version]);
      const newest = await newestExecution(h.aws, release);
      started = { id: newest?.pipelineExecutionId, by: newest?.trigger?.triggerType === "CloudWatchEvent" ? newest.trigger.triggerDetail : undefined };
      return doc;
    },
    (doc, error) => ({
      outcome: error ? "failed" : "approved",
      detail: error ? [String((error as Error).message)] : [`${doc.group}/${doc.version}: ${doc.previousApprovalStatus} → ${doc.approvalStatus}`, started.by ? `release execution ${started.id} started by ${started.by}` : "no release execution was started by the trigger"],
    }),
  );
  if (approved.error) throw approved.error;
  if (!started.by) throw new MlopsError(`approving ${version} started no release through the trigger`);

  // The release the trigger started, followed as `mlops release status` shows it, until its manual approval waits.
  const waiting = await h.timed(
    "the release runs Source → Build → Staging, then waits at its manual approval",
    async () => {
      const ctx = h.context();
      await pollUntil({ clock: h.clock, signal: ctx.signal, pollSeconds: 15, deadline: h.now() + TO_APPROVAL_LIMIT_MS }, async () => ((await readRelease(ctx, release)).waiting.length > 0 ? true : undefined));
      return h.mlops<ReleaseStatusReport>(`mlops release status --pipeline ${release}`, () => import("../commands/release-status"), { pipeline: release });
    },
    (doc) => ({
      outcome: doc.waitingApprovals?.length ? "waiting" : "not waiting",
      detail: [
        (doc.stages ?? []).map((s) => `${s.name} ${s.status ?? "not run"}`).join(", "),
        ...(doc.waitingApprovals ?? []).map((a) => `${a.stage}/${a.action} waits since ${a.since}; it would fail at ${a.expiresAt} without an answer`),
      ],
    }),
  );
  if (waiting.error) throw waiting.error;

  const summary = `model ${version} approved, accuracy ${ACCURACY}`;
  const released = await h.timed(
    "approve the release: it moves on to Production",
    () =>
      h.mlops<ReleaseApprovalResult>(
        `mlops release approve --pipeline ${release} --summary "${summary}" --yes --wait`,
        async () => ({ run: (await import("../commands/release-approval")).approve }),
        { pipeline: release, summary, wait: true, poll: "15" },
        [],
        { yes: true },
      ),
    (doc, error) => ({
      outcome: doc.execution?.status ? doc.execution.status.toLowerCase() : "failed",
      detail: error && !doc.execution ? [String((error as Error).message)] : [`${doc.stage}/${doc.action} ${doc.status?.toLowerCase()}: "${doc.summary}"`, `execution ${doc.pipelineExecutionId} ${doc.execution?.status}`],
    }),
  );

  const ok = upsert.doc.action === "created" && run.doc.status === "Succeeded" && wired.doc.action === "created" && !approved.error && released.doc.pipelineExecutionId === started.id && (waiting.doc.waitingApprovals?.length ?? 0) > 0 && released.doc.execution?.status === "Succeeded" && !released.error;
  return {
    story: { story: "release", ok, timeScale, steps: h.steps, modelPackageArn: modelPackage, releaseExecutionId: released.doc.pipelineExecutionId ?? null },
    closing: `A pipeline run registered ${version}; approving it started the release through a trigger, and a second approval let the release reach Production.`,
  };
}
