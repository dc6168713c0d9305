import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodePipelineClient, CreatePipelineCommand, ListPipelineExecutionsCommand, StopPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEndpointCommand, DescribeModelPackageCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "../../src/core/output-env";
import { releaseDeclarationFromStack } from "../../src/demo/stack";
import type { OutputName } from "../../src/schemas/index";
import { cleanEnv, runCli } from "../helpers/cli";
import { codebuildEnv, mlopsOnPath, playBuildspec } from "../helpers/codebuild";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

/**
 * The product's whole story, on the sandbox, from what `mlops init` writes: CodeBuild (played: no
 * terminal, CODEBUILD_* set) runs the generated buildspec.yml, whose pipeline run registers a model
 * above the threshold; approving it fires the rule `mlops trigger add model-approved` makes (as the
 * generated README says), which starts the release CodePipeline built from the generated
 * infra/pipeline.yaml; the release's Build stage, played again, trains nothing (an approval started
 * it); the generated buildspec-deploy.yml deploys to staging with a canary; the manual approval is
 * answered with `mlops release approve`, and production is deployed the same way.
 */
const sandbox = useSandbox({ timeScale: 500, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const ACCOUNT = "000000000000";
const SAGEMAKER_ROLE = `arn:aws:iam::${ACCOUNT}:role/churn-sagemaker`;
const EVENTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/churn-events`;
const env = (extra: Record<string, string | undefined> = {}) => cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5", ...extra });
const config = () => sdkConfig(sandbox.current, { maxAttempts: 1 });

async function mlops(name: OutputName, args: string[], cwd: string) {
  const r = await runCli([...args, "--json"], { env: env(), cwd, timeoutMs: 60_000 });
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  return parseJson(name, r.stdout);
}

describe("the loop from mlops init to production", () => {
  it("init → CodeBuild build → registered model → approval → trigger → release → canary to staging → approval → production", async () => {
    const work = mkdtempSync(join(tmpdir(), "mlops-loop-"));
    const init = await mlops("init", ["init", "churn", "--yes", "--region", "us-east-1"], work);
    expect(init.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(["buildspec.yml", "buildspec-deploy.yml", "pipelines/pipeline.json", "infra/pipeline.yaml", "mlops.yaml"]));
    const project = join(work, "churn");

    // What the stack makes: the data bucket (the code and the evaluation report go there) and the release pipeline.
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "churn-data" }));
    // What the Evaluate step would write (jobs are simulated): accuracy above the 0.8 threshold.
    await s3.send(new PutObjectCommand({ Bucket: "churn-data", Key: "pipeline/evaluation/evaluation.json", Body: JSON.stringify({ metrics: { accuracy: { value: 0.93 } } }) }));
    const cp = new CodePipelineClient(config());
    const stack = readFileSync(join(project, "infra/pipeline.yaml"), "utf8");
    const values = { ConnectionArn: `arn:aws:codeconnections:us-east-1:${ACCOUNT}:connection/sandbox`, PipelineRole: `arn:aws:iam::${ACCOUNT}:role/churn-codepipeline`, ArtifactBucket: "churn-artifacts" };
    await cp.send(new CreatePipelineCommand({ pipeline: releaseDeclarationFromStack(stack, "churn-release", values) }));
    // CodePipeline runs a new pipeline once; that run is not the one under test.
    const first = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries![0]!;
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: "churn-release", pipelineExecutionId: first.pipelineExecutionId, abandon: true }));

    // 1. A push: CodeBuild runs buildspec.yml. The pipeline is upserted, runs, and registers version 1.
    const path = `${mlopsOnPath()}:${process.env.PATH}`;
    const stackEnv = { DATA_BUCKET: "churn-data", SAGEMAKER_ROLE_ARN: SAGEMAKER_ROLE, MLOPS_PIPELINE_ROLE_ARN: SAGEMAKER_ROLE, PATH: path };
    const build = await playBuildspec(project, "buildspec.yml", env({ ...codebuildEnv("churn-build", 1), ...stackEnv }));
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toMatch(/execution Succeeded/);
    const trained = parseEnvFile(readFileSync(join(project, "pipeline.env"), "utf8"));
    expect(trained).toMatchObject({ PIPELINE_EXECUTION_STATUS: "Succeeded", MODEL_PACKAGE_ARN: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/churn/1` });
    const sm = new SageMakerClient(config());
    expect((await sm.send(new DescribeModelPackageCommand({ ModelPackageName: trained.MODEL_PACKAGE_ARN }))).ModelApprovalStatus).toBe("PendingManualApproval");

    // 2. The rule the stack makes on AWS, made as the generated README says; registering started nothing.
    const trigger = await mlops("trigger-add", ["trigger", "add", "model-approved", "--group", "churn", "--target", "codepipeline:churn-release", "--role-arn", EVENTS_ROLE], project);
    const runs = async () => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries!;
    expect(await runs()).toHaveLength(1);

    // 3. Approving the version fires the rule: the release starts, and CodePipeline says the rule started it.
    await mlops("models-approve", ["models", "approve", "churn/1", "--reason", "offline evaluation 0.93"], project);
    const release = (await runs())[0]!;
    expect(release.trigger).toEqual({ triggerType: "CloudWatchEvent", triggerDetail: trigger.ruleArn });
    const id = release.pipelineExecutionId!;

    // 4. Its Build stage (played): started by an approval, so it trains nothing.
    const rebuild = await playBuildspec(project, "buildspec.yml", env({ ...codebuildEnv("churn-build", 2, "churn-release"), ...stackEnv, RELEASE_EXECUTION_ID: id }));
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(rebuild.stdout).toMatch(new RegExp(`started by a model approval \\(${trigger.ruleArn}\\): nothing to train`));

    // 5. DeployStaging (played): the approved version, to churn-staging, as a canary with auto-alarms.
    const staging = await playBuildspec(project, "buildspec-deploy.yml", env({ ...codebuildEnv("churn-deploy", 1, "churn-release"), ...stackEnv, STAGE: "staging" }));
    expect(staging.code, staging.stderr).toBe(0);
    const deployed = parseJson("deploy", readFileSync(join(project, "deploy.json"), "utf8"));
    expect(deployed).toMatchObject({ endpoint: "churn-staging", outcome: "created" });
    expect(staging.stdout).toMatch(/staging: churn-staging created/);
    expect((await sm.send(new DescribeEndpointCommand({ EndpointName: "churn-staging" }))).EndpointStatus).toBe("InService");

    // 6. The release waits at its manual approval; answered, it goes on and succeeds.
    const deadline = Date.now() + 30_000;
    let waiting = await mlops("release-status", ["release", "status"], project);
    while (waiting.waitingApprovals.length === 0 && Date.now() < deadline) {
      sandbox.current.clock.advance(60_000);
      waiting = await mlops("release-status", ["release", "status"], project);
    }
    expect(waiting.waitingApprovals).toMatchObject([{ stage: "Approval", action: "ApproveProduction", pipelineExecutionId: id }]);
    const approved = await mlops("release-approve", ["release", "approve", "--summary", "staging looks good", "--yes", "--wait"], project);
    expect(approved).toMatchObject({ pipelineExecutionId: id, execution: { status: "Succeeded" } });

    // 7. DeployProduction (played): the same version to churn-prod.
    const prod = await playBuildspec(project, "buildspec-deploy.yml", env({ ...codebuildEnv("churn-deploy", 2, "churn-release"), ...stackEnv, STAGE: "prod" }));
    expect(prod.code, prod.stderr).toBe(0);
    expect(parseJson("deploy", readFileSync(join(project, "deploy.json"), "utf8"))).toMatchObject({ endpoint: "churn-prod", outcome: "created" });
  });
});
