import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeModelPackageCommand, DescribePipelineExecutionCommand, SageMakerClient, StartPipelineExecutionCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "../../src/core/output-env";
import type { OutputName } from "../../src/schemas/index";
import { ANSI, cleanEnv, ROOT, runCli, runInTerminal } from "../helpers/cli";
import { codebuildEnv, mlopsOnPath, playBuildspec } from "../helpers/codebuild";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

/**
 * `mlops pipeline …` against the sandbox's SageMaker Pipelines, with the reference definition
 * (test/fixtures/pipeline.json: Preprocess → Train → Evaluate with a property file →
 * CheckAccuracy ≥ AccuracyThreshold → RegisterModel | AccuracyTooLow). The sandbox runs an
 * execution in about 560 sandbox seconds: about a second at this time scale.
 */
const sandbox = useSandbox({ timeScale: 500 });
const FIXTURE = join(ROOT, "test/fixtures/pipeline.json");
const DEFINITION = readFileSync(FIXTURE, "utf8");
const ROLE = "arn:aws:iam::000000000000:role/mlops-pipelines";
const env = (extra: Record<string, string | undefined> = {}) => cleanEnv({ ...sandbox.current.env(), ...extra });
const sagemaker = () => new SageMakerClient(sdkConfig(sandbox.current));

/** The bucket the definition writes to, and the evaluation report the Condition step reads. */
async function evaluation(accuracy: number): Promise<void> {
  const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: "mlops-pipeline-demo" })).catch(() => undefined);
  await s3.send(new PutObjectCommand({ Bucket: "mlops-pipeline-demo", Key: "evaluation/evaluation.json", Body: JSON.stringify({ metrics: { accuracy: { value: accuracy } } }) }));
}

async function json(name: OutputName, args: string[], expectCode = 0, extra: Record<string, string> = {}) {
  const r = await runCli([...args, "--json"], { env: env(extra), timeoutMs: 30_000 });
  expect(r.code, r.stderr).toBe(expectCode);
  return { doc: parseJson(name, r.stdout), stderr: r.stderr };
}

async function upsert(file = FIXTURE) {
  return json("pipeline-upsert", ["pipeline", "upsert", "--file", file, "--name", "churn", "--role-arn", ROLE]);
}

const tmp = () => mkdtempSync(join(tmpdir(), "mlops-pipeline-"));

describe("pipeline upsert", () => {
  it("creates the pipeline, then an identical definition is a no-op that says so; a changed default updates it", async () => {
    const created = await upsert();
    expect(created.doc).toMatchObject({ pipelineName: "churn", action: "created", pipelineArn: expect.stringMatching(/:pipeline\/churn$/) });
    expect(created.doc.steps.map((s: { name: string }) => s.name)).toEqual(["Preprocess", "Train", "Evaluate", "CheckAccuracy", "RegisterModel-RegisterModel", "AccuracyTooLow"]);

    // Reformatted, keys reordered: the same definition.
    const dir = tmp();
    writeFileSync(join(dir, "p.json"), JSON.stringify(JSON.parse(DEFINITION), null, 4));
    const seq = sandbox.current.requestLog.lastSeq;
    const again = await upsert(join(dir, "p.json"));
    expect(again.doc.action).toBe("unchanged");
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
    const human = await runCli(["pipeline", "upsert", "--file", FIXTURE, "--name", "churn"], { env: env() });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/churn unchanged: it already has this definition; nothing was sent/);

    const dry = await json("pipeline-upsert", ["pipeline", "upsert", "--file", FIXTURE, "--name", "churn", "--param-default", "AccuracyThreshold=0.95", "--dry-run"]);
    expect(dry.doc).toMatchObject({ action: "updated", dryRun: true, plan: [{ operation: "sagemaker:UpdatePipeline" }] });
    const updated = await json("pipeline-upsert", ["pipeline", "upsert", "--file", FIXTURE, "--name", "churn", "--param-default", "AccuracyThreshold=0.95"]);
    expect(updated.doc.action).toBe("updated");
    expect(updated.doc.parameters.find((p: { name: string }) => p.name === "AccuracyThreshold").defaultValue).toBe(0.95);
  });

  it("name and role from mlops.yaml's pipeline: section, the file relative to it", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "pipeline.json"), DEFINITION);
    writeFileSync(join(dir, "mlops.yaml"), `pipeline:\n  name: from-yaml\n  roleArn: ${ROLE}\n  file: pipeline.json\n`);
    const r = await runCli(["pipeline", "upsert", "--json"], { env: env(), cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("pipeline-upsert", r.stdout)).toMatchObject({ pipelineName: "from-yaml", action: "created" });
  });
});

/** Bad definitions and flags: exit 2 naming the JSON path or the flag, and no mutating call. */
const edit = (change: (d: any) => void) => {
  const d = JSON.parse(DEFINITION);
  change(d);
  return d;
};
const BAD_DEFINITIONS: Array<[string, unknown, RegExp]> = [
  ["duplicate step name", edit((d) => (d.Steps[1].Name = "Evaluate")), /Steps\[2\]\.Name: "Evaluate" is already the name of Steps\[1\]/],
  ["dangling step reference", edit((d) => (d.Steps[1].Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri.Get = "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri")), /Steps\[1\]\.Arguments\.InputDataConfig\[0\]\.DataSource\.S3DataSource\.S3Uri\.Get: .*no step is named "Prep"/],
  ["undeclared parameter", edit((d) => (d.Steps[0].Arguments.ProcessingInputs[0].S3Input.S3Uri.Get = "Parameters.InputData")), /Steps\[0\]\.Arguments\.ProcessingInputs\[0\]\.S3Input\.S3Uri\.Get: .*no parameter "InputData"/],
  ["wrong parameter default type", edit((d) => (d.Parameters[4].DefaultValue = "high")), /Parameters\[4\]\.DefaultValue: "high" is not a Float/],
  ["unknown parameter type", edit((d) => (d.Parameters[0].Type = "Text")), /Parameters\[0\]\.Type: must be String, Integer, Float or Boolean/],
  ["missing property file", edit((d) => (d.Steps[2].PropertyFiles[0].PropertyFileName = "Report")), /Steps\[3\]\.Arguments\.Conditions\[0\]\.LeftValue\.Std:JsonGet\.PropertyFile\.Get: .*no property file "EvaluationReport"/],
  ["ElseSteps naming no step", edit((d) => (d.Steps[3].Arguments.ElseSteps = ["Fail"])), /Steps\[3\]\.Arguments\.ElseSteps\[0\]: "Fail": no step is named so/],
  ["dependency cycle", edit((d) => (d.Steps[0].DependsOn = ["Train"])), /dependency cycle/],
  ["wrong version", edit((d) => (d.Version = "2020-01-01")), /Version: must be "2020-12-01"/],
  ["unknown step type", edit((d) => (d.Steps[0].Type = "Procesing")), /Steps\[0\]\.Type: is not a step type/],
  ["oversized body", edit((d) => (d.Metadata = { padding: "x".repeat(110 * 1024) })), /a definition sent in the request \(PipelineDefinition\) is at most 102400 bytes.*PipelineDefinitionS3Location/],
];

describe("bad definitions and parameters exit 2 naming the JSON path or flag, with no mutating call", () => {
  // All at once (each run is a CLI start-up): none of them may make any call, so none can disturb another.
  it(`${BAD_DEFINITIONS.length} bad definitions: not one request reaches AWS`, async () => {
    const dir = tmp();
    const seq = sandbox.current.requestLog.lastSeq;
    const runs = await Promise.all(
      BAD_DEFINITIONS.map(([, definition], i) => {
        writeFileSync(join(dir, `p${i}.json`), JSON.stringify(definition));
        return runCli(["pipeline", "upsert", "--file", join(dir, `p${i}.json`), "--name", "churn", "--role-arn", ROLE], { env: env(), timeoutMs: 30_000 });
      }),
    );
    runs.forEach((r, i) => {
      const [name, , message] = BAD_DEFINITIONS[i]!;
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).toMatch(/nothing was sent to SageMaker/);
    });
    expect(sandbox.current.requestLog.entries({ since: seq })).toEqual([]);
  });

  const BAD_FLAGS: Array<[string, string[], RegExp]> = [
    ["bad pipeline name", ["pipeline", "upsert", "--file", FIXTURE, "--name", "churn_train", "--role-arn", ROLE], /--name "churn_train" must be letters, digits and inner hyphens/],
    ["bad role", ["pipeline", "upsert", "--file", FIXTURE, "--name", "churn", "--role-arn", "admin"], /--role-arn "admin" is not an IAM role ARN/],
    ["unknown parameter", ["pipeline", "start", "--name", "churn", "--param", "Threshold=0.5"], /--param Threshold: the pipeline declares no parameter "Threshold"; it declares InputDataUrl \(String\), .*AccuracyThreshold \(Float\)/],
    ["parameter of the wrong type", ["pipeline", "start", "--name", "churn", "--param", "AccuracyThreshold=high"], /--param AccuracyThreshold must be a number \(a Float parameter/],
    ["--param-default of an undeclared parameter", ["pipeline", "upsert", "--file", FIXTURE, "--name", "churn", "--param-default", "Epochs=3"], /--param-default Epochs: the pipeline declares no parameter "Epochs"/],
    ["bad display name", ["pipeline", "start", "--name", "churn", "--display-name", "nightly run"], /--display-name "nightly run" must be 1–82/],
    ["--output-env in a missing directory", ["pipeline", "start", "--name", "churn", "--output-env", "/nonexistent/dir/p.env"], /--output-env: cannot write in/],
    ["--timeout without --wait", ["pipeline", "start", "--name", "churn", "--timeout", "1h"], /--timeout needs --wait/],
    ["an execution ARN of another pipeline", ["pipeline", "status", "--name", "churn", "--execution", "arn:aws:sagemaker:us-east-1:000000000000:pipeline/other/execution/abc"], /belongs to pipeline other/],
  ];

  it(`${BAD_FLAGS.length} bad flags and parameters: no mutating call`, async () => {
    await upsert();
    const seq = sandbox.current.requestLog.lastSeq;
    const runs = await Promise.all(BAD_FLAGS.map(([, args]) => runCli(args, { env: env(), timeoutMs: 30_000 })));
    runs.forEach((r, i) => {
      const [name, , message] = BAD_FLAGS[i]!;
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(message);
    });
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });
});

describe("pipeline start --wait", () => {
  it("accuracy 0.93: succeeds, one plain line per step change, and a new PendingManualApproval model package", async () => {
    await upsert();
    await evaluation(0.93);
    const { doc, stderr } = await json("pipeline-start", ["pipeline", "start", "--name", "churn", "--wait", "--param", "ProcessingInstanceType=ml.m5.large"]);
    expect(doc).toMatchObject({ status: "Succeeded", waited: true, timedOut: false, failedStep: null, parameters: [{ name: "ProcessingInstanceType", value: "ml.m5.large" }] });
    expect(doc.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(["Preprocess:Succeeded", "Train:Succeeded", "Evaluate:Succeeded", "CheckAccuracy:Succeeded", "RegisterModel-RegisterModel:Succeeded"]);
    // Off a terminal: one plain line per step change.
    expect(stderr).not.toMatch(ANSI);
    expect(stderr).toMatch(/step Train Executing\n/);
    expect(stderr).toMatch(/step Train Succeeded \(\d+m( \d+s)?\)/);
    const pkg = await sagemaker().send(new DescribeModelPackageCommand({ ModelPackageName: doc.modelPackageArn }));
    expect(pkg.ModelApprovalStatus).toBe("PendingManualApproval");
  });

  it("--output-env is written relative to the working directory and keeps the file's other lines", async () => {
    await upsert();
    await evaluation(0.93);
    const dir = tmp();
    writeFileSync(join(dir, "build.env"), "EARLIER='kept'\n");
    const r = await runCli(["pipeline", "start", "--name", "churn", "--wait", "--output-env", "build.env", "--json"], { env: env(), cwd: dir, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("pipeline-start", r.stdout);
    const written = parseEnvFile(readFileSync(join(dir, "build.env"), "utf8"));
    expect(written).toEqual({ EARLIER: "kept", PIPELINE_EXECUTION_ARN: doc.pipelineExecutionArn, PIPELINE_EXECUTION_STATUS: "Succeeded", MODEL_PACKAGE_ARN: doc.modelPackageArn });
    expect(doc.outputEnv).toBe(join(dir, "build.env"));
    // A shell sources it as it is.
    expect(execFileSync("sh", ["-c", "set -a; . ./build.env; printf %s \"$MODEL_PACKAGE_ARN\""], { cwd: dir, encoding: "utf8" })).toBe(doc.modelPackageArn);
  });

  it("accuracy 0.85: ends in the Fail step, exit 1 naming it and its reason; --output-env says Failed, no model package", async () => {
    await upsert();
    await evaluation(0.85);
    const dir = tmp();
    const r = await runCli(["pipeline", "start", "--name", "churn", "--wait", "--output-env", "p.env", "--json"], { env: env(), cwd: dir, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(1);
    const doc = parseJson("pipeline-start", r.stdout);
    expect(doc).toMatchObject({ status: "Failed", failedStep: "AccuracyTooLow", modelPackageArn: null });
    expect(r.stderr).toMatch(/error: churn failed at step AccuracyTooLow \(Fail\): Accuracy is below the threshold of 0\.9/);
    const written = parseEnvFile(readFileSync(join(dir, "p.env"), "utf8"));
    expect(written).toEqual({ PIPELINE_EXECUTION_ARN: doc.pipelineExecutionArn, PIPELINE_EXECUTION_STATUS: "Failed" });
  });

  it("--timeout: exit 5 with the command that follows the execution; status --watch then follows it to its end", async () => {
    await upsert();
    await evaluation(0.93);
    const r = await runCli(["pipeline", "start", "--name", "churn", "--wait", "--timeout", "60s", "--json"], { env: env(), timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(5);
    const doc = parseJson("pipeline-start", r.stdout);
    expect(doc).toMatchObject({ status: "Executing", timedOut: true });
    expect(r.stderr).toContain(`mlops pipeline status --name churn --execution ${doc.pipelineExecutionArn} --watch`);
    const watched = await json("pipeline-status", ["pipeline", "status", "--name", "churn", "--execution", doc.pipelineExecutionArn, "--watch"]);
    expect(watched.doc.status).toBe("Succeeded");
  });
});

describe("on a terminal", () => {
  it("start --wait draws a live table of the steps, each with its state and duration", async () => {
    await upsert();
    await evaluation(0.93);
    const term = runInTerminal(["pipeline", "start", "--name", "churn", "--wait"], { env: env({ CI: undefined }), columns: 140 });
    try {
      await term.waitFor(/STEP\s+TYPE\s+STATUS\s+DURATION/, 20_000);
      await term.waitFor(/✓\s+RegisterModel-RegisterModel\s+RegisterModel\s+Succeeded/, 20_000);
      expect(await term.exited).toBe(0);
      expect(term.text()).toMatch(/✓\s+Train\s+Training\s+Succeeded\s+\d+m/);
      // Drawn in place: no line per change.
      expect(term.text()).not.toMatch(/step Train Executing/);
    } finally {
      term.kill();
    }
  });
});

describe("stop on a terminal", () => {
  it("asks, and stops on yes; with CODEBUILD_BUILD_ID set it never asks, even on a terminal", async () => {
    await upsert();
    sandbox.current.clock.setScale(1);
    try {
      const arn = (await json("pipeline-start", ["pipeline", "start", "--name", "churn"])).doc.pipelineExecutionArn as string;
      const inBuild = runInTerminal(["pipeline", "stop", "--execution", arn], { env: env({ CI: undefined, CODEBUILD_BUILD_ID: "churn-build:1" }) });
      expect(await inBuild.exited).toBe(2);
      expect(inBuild.text()).toMatch(/--yes/);
      expect(inBuild.text()).not.toMatch(/Stop execution/);
      const asked = runInTerminal(["pipeline", "stop", "--execution", arn], { env: env({ CI: undefined }) });
      await asked.waitFor(/Stop execution \w+ of churn/, 20_000);
      asked.type("y\r");
      expect(await asked.exited).toBe(0);
      expect(asked.text()).toMatch(/Stopping/);
    } finally {
      sandbox.current.clock.setScale(500);
    }
  });
});

describe("pipeline status, list, stop", () => {
  it("status of the latest execution, list newest first with every page followed, --limit", async () => {
    await upsert();
    await evaluation(0.93);
    const arns: string[] = [];
    for (let i = 0; i < 12; i++) {
      const out = await sagemaker().send(new StartPipelineExecutionCommand({ PipelineName: "churn", ClientRequestToken: `token-of-execution-number-${String(i).padStart(8, "0")}` }));
      arns.push(out.PipelineExecutionArn!);
    }
    const status = await json("pipeline-status", ["pipeline", "status", "--name", "churn"]);
    expect(status.doc.pipelineExecutionArn).toBe(arns.at(-1));
    // The sandbox's pages hold 10: twelve executions take two.
    const all = await json("pipeline-list", ["pipeline", "list", "--name", "churn"]);
    expect(all.doc.executions.map((e: { pipelineExecutionArn: string }) => e.pipelineExecutionArn)).toEqual([...arns].reverse());
    expect(all.doc.complete).toBe(true);
    const some = await json("pipeline-list", ["pipeline", "list", "--name", "churn", "--limit", "3"]);
    expect(some.doc).toMatchObject({ complete: false, more: true });
    expect(some.doc.executions).toHaveLength(3);
  });

  it("stop: without --yes off a terminal it names --yes; with it the execution stops; an ended one is left alone", async () => {
    await upsert();
    // Sandbox time at real speed, so that the execution is still running while the CLI starts up.
    sandbox.current.clock.setScale(1);
    try {
      const started = (await json("pipeline-start", ["pipeline", "start", "--name", "churn"])).doc.pipelineExecutionArn as string;
      const refused = await runCli(["pipeline", "stop", "--execution", started], { env: env() });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/--yes/);
      const stopped = await json("pipeline-stop", ["pipeline", "stop", "--execution", started, "--yes"]);
      expect(stopped.doc).toMatchObject({ previousStatus: "Executing", status: "Stopping", changed: true });
      sandbox.current.clock.setScale(500);
      const watched = await runCli(["pipeline", "status", "--execution", started, "--watch"], { env: env(), timeoutMs: 30_000 });
      expect(watched.code, watched.stderr).toBe(1);
      expect(watched.stderr).toMatch(/execution ended Stopped/);
      const again = await json("pipeline-stop", ["pipeline", "stop", "--execution", started, "--yes"]);
      expect(again.doc).toMatchObject({ status: "Stopped", changed: false });
    } finally {
      sandbox.current.clock.setScale(500);
    }
  });
});

describe("CodeBuild as the caller", () => {
  it("runs a buildspec's commands in order: upsert, start --wait with plain lines, lineage on the execution, the env file for the next phase", async () => {
    await evaluation(0.93);
    const dir = tmp();
    writeFileSync(join(dir, "pipeline.json"), DEFINITION);
    writeFileSync(
      join(dir, "buildspec.yml"),
      [
        "version: 0.2",
        "phases:",
        "  build:",
        "    commands:",
        `      - mlops pipeline upsert --file pipeline.json --name churn --role-arn ${ROLE}`,
        "      - mlops pipeline start --name churn --wait --timeout 2h --output-env pipeline.env",
        "  post_build:",
        "    commands:",
        "      - set -a; . ./pipeline.env; set +a; echo \"registered $MODEL_PACKAGE_ARN ($PIPELINE_EXECUTION_STATUS)\"",
      ].join("\n"),
    );
    const codebuild = codebuildEnv("churn-build", 17, "churn-release");
    const played = await playBuildspec(dir, "buildspec.yml", env({ ...codebuild, PATH: `${mlopsOnPath()}:${process.env.PATH}` }));
    expect(played.code, played.stderr).toBe(0);
    expect(played.stderr).not.toMatch(ANSI);
    expect(played.stderr).toMatch(/step CheckAccuracy Succeeded/);
    expect(played.stdout).toMatch(/^registered arn:aws:sagemaker:[^ ]+:model-package\/mlops-pipeline-demo\/\d+ \(Succeeded\)\n$/m);
    const written = parseEnvFile(readFileSync(join(dir, "pipeline.env"), "utf8"));
    const execution = await sagemaker().send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: written.PIPELINE_EXECUTION_ARN }));
    expect(execution.PipelineExecutionDisplayName).toBe("churn-build-17");
    expect(execution.PipelineExecutionDescription).toContain(`mlops:codebuild:build-arn=${codebuild.CODEBUILD_BUILD_ARN}`);
    expect(execution.PipelineExecutionDescription).toContain("mlops:codebuild:source-version=1a2b3c4d5e6f");
  });
});

describe("--output-env on register and deploy", () => {
  it("register writes the version it registered; deploy the endpoint, its config and the outcome, into the same file", async () => {
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    const dir = tmp();
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
    const registered = await runCli(["register", "--group", "churn", "--image", image, "--model-data", "s3://models/m.tar.gz", "--approval", "approved", "--output-env", "release.env", "--json"], { env: env(), cwd: dir });
    expect(registered.code, registered.stderr).toBe(0);
    const version = parseJson("register", registered.stdout);
    expect(parseEnvFile(readFileSync(join(dir, "release.env"), "utf8"))).toEqual({ MODEL_PACKAGE_ARN: version.modelPackageArn, MODEL_PACKAGE_VERSION: String(version.version), APPROVAL_STATUS: "Approved" });

    const deployed = await runCli(["deploy", "--endpoint", "churn", "--model-package", version.modelPackageArn, "--role-arn", ROLE, "--output-env", "release.env", "--json"], { env: env(), cwd: dir, timeoutMs: 30_000 });
    expect(deployed.code, deployed.stderr).toBe(0);
    const report = parseJson("deploy", deployed.stdout);
    expect(parseEnvFile(readFileSync(join(dir, "release.env"), "utf8"))).toEqual({
      MODEL_PACKAGE_ARN: version.modelPackageArn,
      MODEL_PACKAGE_VERSION: String(version.version),
      APPROVAL_STATUS: "Approved",
      ENDPOINT_NAME: "churn",
      ENDPOINT_CONFIG: report.endpointConfig,
      DEPLOY_OUTCOME: report.outcome,
    });
    expect(report.outcome).toBe("created");
  });
});
