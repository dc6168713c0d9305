import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { buildView, INIT_DEFAULTS, type InitAnswers } from "../core/init-choices";
import { builtinTemplatesDir, renderTemplate } from "../io/template-dir";
import type { DeployReport } from "../rollout/report";
import { VERSION } from "../version";
import { seedBucket, type Harness } from "./harness";
import { releaseDeclarationFromStack } from "./stack";

/** The project `mlops init demo-churn --threshold 0.9 --yes` would write: the story runs its files. */
const PROJECT: InitAnswers = { ...INIT_DEFAULTS, name: "demo-churn", threshold: "0.9" };
const PIPELINE = "demo-churn-build";
const RELEASE = "demo-churn-release";
const ROLE = "arn:aws:iam::000000000000:role/demo-sagemaker-execution";
/** The role EventBridge would assume to start the release (`mlops trigger policy` prints its policies). */
const EVENTS_ROLE = "arn:aws:iam::000000000000:role/demo-eventbridge";
const ACCURACY = 0.93;
/** How long the demo waits, in sandbox time, for the release to reach its approval: far more than its 190 s. */
const TO_APPROVAL_LIMIT_MS = 86_400_000;

/**
 * `mlops demo --story release`: the project `mlops init demo-churn --threshold 0.9 --yes` writes,
 * run end to end on the sandbox. Its SageMaker pipeline (Preprocess → Train → Evaluate →
 * CheckMetric → RegisterModel | MetricBelowThreshold) runs with an evaluation.json that says
 * accuracy 0.93, so it registers a version PendingManualApproval. The release CodePipeline is
 * created from the project's infra/pipeline.yaml and a trigger (model approved in demo-churn →
 * start the release) is added; approving the version starts the release through it. Its stages run
 * what the project's buildspec-deploy.yml runs (mlops deploy to staging, then to production), with
 * the manual approval answered between them. Every step is an mlops command (pipeline
 * upsert|start, trigger add, models approve, deploy, release status|approve), except the creation
 * of the release pipeline, which CloudFormation does on AWS.
 */
export async function releaseStory(h: Harness, timeScale: number): Promise<{ story: ReleaseStory; closing: string }> {
  // What the Evaluate step would write, where the project's pipeline puts it (ArtifactsUrl's
  // default): the Condition step reads it from S3 for real.
  await seedBucket(h.aws, "demo-churn-data", { "pipeline/evaluation/evaluation.json": { metrics: { accuracy: { value: ACCURACY } } } });
  const dir = await mkdtemp(join(tmpdir(), "mlops-demo-"));
  try {
    const { files } = await renderTemplate(join(builtinTemplatesDir(), "default"), PROJECT, buildView(PROJECT, VERSION));
    for (const file of files.filter((f) => f.path === "pipelines/pipeline.json" || f.path === "infra/pipeline.yaml")) await writeFile(join(dir, file.path.split("/").pop()!), file.text);
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
  const release = RELEASE;
  const stack = await readFile(join(dir, "pipeline.yaml"), "utf8");
  const declaration = releaseDeclarationFromStack(stack, RELEASE, { PipelineRole: `arn:aws:iam::000000000000:role/${RELEASE}`, ConnectionArn: "arn:aws:codeconnections:us-east-1:000000000000:connection/demo" });
  const wired = await h.timed(
    `wire the release: a trigger starts CodePipeline ${release} when a model in demo-churn is approved`,
    async () => {
      await createPipeline(h.aws, declaration);
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

  // The release's DeployStaging stage runs the project's buildspec-deploy.yml: this command.
  const staging = await h.timed(
    "DeployStaging (buildspec-deploy.yml): the approved version to demo-churn-staging (new: later versions come as canaries)",
    () => h.mlops<DeployReport>(`mlops deploy --endpoint demo-churn-staging --model-package demo-churn@latest-approved --strategy canary --auto-alarms`, () => import("../commands/deploy"), deployOptions("demo-churn-staging")),
    describeDeploy,
  );
  if (staging.error) throw staging.error;

  // The release the trigger started, followed as `mlops release status` shows it, until its manual approval waits.
  const waiting = await h.timed(
    "the release runs Source → Build → DeployStaging, then waits at its manual approval",
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

  const production = await h.timed(
    "DeployProduction (buildspec-deploy.yml): the same version to demo-churn-prod",
    () => h.mlops<DeployReport>(`mlops deploy --endpoint demo-churn-prod --model-package demo-churn@latest-approved --strategy canary --auto-alarms`, () => import("../commands/deploy"), deployOptions("demo-churn-prod")),
    describeDeploy,
  );

  const ok =
    upsert.doc.action === "created" &&
    run.doc.status === "Succeeded" &&
    wired.doc.action === "created" &&
    !approved.error &&
    staging.doc.outcome === "created" &&
    released.doc.pipelineExecutionId === started.id &&
    (waiting.doc.waitingApprovals?.length ?? 0) > 0 &&
    released.doc.execution?.status === "Succeeded" &&
    !released.error &&
    production.doc.outcome === "created" &&
    !production.error;
  return {
    story: { story: "release", ok, timeScale, steps: h.steps, modelPackageArn: modelPackage, releaseExecutionId: released.doc.pipelineExecutionId ?? null },
    closing: `The project mlops init writes, run end to end: a pipeline run registered ${version}; approving it started the release through a trigger; it went to staging, and a second approval let it reach production.`,
  };
}

/** `mlops deploy` as the project's buildspec-deploy.yml runs it (the role is the stack's SageMaker role). */
function deployOptions(endpoint: string) {
  return { endpoint, modelPackage: "demo-churn@latest-approved", strategy: "canary", autoAlarms: true, env: [], alarm: [], roleArn: ROLE, poll: "5" };
}

function describeDeploy(doc: DeployReport, error?: unknown) {
  return { outcome: error && !doc.outcome ? "failed" : doc.outcome, detail: error && !doc.outcome ? [String((error as Error).message)] : [`${doc.endpoint}: ${doc.endpointConfig} serves ${doc.modelPackageArn ?? ""}`.trim()] };
}
