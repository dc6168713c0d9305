import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PipelineDeclaration } from "@aws-sdk/client-codepipeline";
import pipelineDefinition from "../../data/demo-pipeline.json";
import releaseDeclaration from "../../data/demo-release.json";
import { createPipeline } from "../aws/codepipeline";
import { formatDuration } from "../core/duration";
import { MlopsError } from "../errors";
import { pollUntil } from "../rollout/poll";
import type { StartResult, UpsertResult } from "../schemas/pipeline";
import type { ApprovalResult } from "../schemas/registry";
import type { ReleaseApprovalResult, ReleaseStatusReport } from "../schemas/release";
import type { ReleaseStory } from "../schemas/misc";
import { readRelease } from "../commands/release-status";
import { seedBucket, type Harness } from "./harness";

const PIPELINE = "demo-churn-build";
const ROLE = "arn:aws:iam::000000000000:role/demo-sagemaker-execution";
const ACCURACY = 0.93;
/** How long the demo waits, in sandbox time, for the release to reach its approval: far more than its 190 s. */
const TO_APPROVAL_LIMIT_MS = 86_400_000;

/**
 * `mlops demo --story release`: the build half and the release half of MLOps on the sandbox.
 * A SageMaker pipeline (data/demo-pipeline.json: Preprocess → Train → Evaluate → CheckAccuracy →
 * RegisterModel | AccuracyTooLow) runs with an evaluation.json that says accuracy 0.93, so its
 * condition (≥ 0.9) registers a model version PendingManualApproval; the version is approved;
 * then a CodePipeline release (data/demo-release.json: Source → Build → Staging → Approval →
 * Production) runs to its manual approval, waits there, is approved and goes on to succeed.
 * Every step is an mlops command (pipeline upsert|start, models approve, release status|approve),
 * except the creation of the release pipeline, which mlops leaves to its owners.
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

  const started = await h.timed(
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
  if (started.error && !started.doc.modelPackageArn) throw started.error;
  const modelPackage = started.doc.modelPackageArn;
  if (!modelPackage) throw new MlopsError("the pipeline ran but registered no model: see the steps above");
  // GROUP/VERSION, from the package's ARN (…:model-package/GROUP/VERSION).
  const version = modelPackage.split("/").slice(-2).join("/");

  const approved = await h.timed(
    "approve the new model version",
    () => h.mlops<ApprovalResult>(`mlops models approve ${version}`, async () => ({ run: (await import("../commands/models-approval")).approve }), { reason: `accuracy ${ACCURACY}` }, [version]),
    (doc, error) => ({ outcome: error ? "failed" : "approved", detail: error ? [String((error as Error).message)] : [`${doc.group}/${doc.version}: ${doc.previousApprovalStatus} → ${doc.approvalStatus}`] }),
  );
  if (approved.error) throw approved.error;

  // The release: its pipeline is created (CodePipeline starts its first execution by itself) and
  // followed, as `mlops release status` shows it, until its manual approval waits.
  const waiting = await h.timed(
    "release it: Source → Build → Staging, then the release waits at its manual approval",
    async () => {
      await createPipeline(h.aws, releaseDeclaration as PipelineDeclaration);
      const ctx = h.context();
      ctx.io.info(`\n▸ CodePipeline ${releaseDeclaration.name} created: it starts its first execution by itself; waiting for its manual approval`);
      await pollUntil({ clock: h.clock, signal: ctx.signal, pollSeconds: 15, deadline: h.now() + TO_APPROVAL_LIMIT_MS }, async () => ((await readRelease(ctx, releaseDeclaration.name)).waiting.length > 0 ? true : undefined));
      return h.mlops<ReleaseStatusReport>(`mlops release status --pipeline ${releaseDeclaration.name}`, () => import("../commands/release-status"), { pipeline: releaseDeclaration.name });
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
        `mlops release approve --pipeline ${releaseDeclaration.name} --summary "${summary}" --yes --wait`,
        async () => ({ run: (await import("../commands/release-approval")).approve }),
        { pipeline: releaseDeclaration.name, summary, wait: true, poll: "15" },
        [],
        { yes: true },
      ),
    (doc, error) => ({
      outcome: doc.execution?.status ? doc.execution.status.toLowerCase() : "failed",
      detail: error && !doc.execution ? [String((error as Error).message)] : [`${doc.stage}/${doc.action} ${doc.status?.toLowerCase()}: "${doc.summary}"`, `execution ${doc.pipelineExecutionId} ${doc.execution?.status}`],
    }),
  );

  const ok = upsert.doc.action === "created" && started.doc.status === "Succeeded" && !approved.error && (waiting.doc.waitingApprovals?.length ?? 0) > 0 && released.doc.execution?.status === "Succeeded" && !released.error;
  return {
    story: { story: "release", ok, timeScale, steps: h.steps, modelPackageArn: modelPackage, releaseExecutionId: released.doc.pipelineExecutionId ?? null },
    closing: `A pipeline run registered ${version}; one approval let the model in, another let the release reach Production.`,
  };
}
