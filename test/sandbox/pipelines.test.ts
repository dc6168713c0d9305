import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  DescribeModelPackageCommand,
  DescribePipelineCommand,
  DescribePipelineDefinitionForExecutionCommand,
  DescribePipelineExecutionCommand,
  ListModelPackagesCommand,
  ListPipelineExecutionsCommand,
  ListPipelineExecutionStepsCommand,
  ListPipelinesCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  UpdatePipelineCommand,
} from "@aws-sdk/client-sagemaker";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();
const sm = (s: Sandbox = sandbox.current) => new SageMakerClient(sdkConfig(s, { maxAttempts: 1 }));
const s3 = (s: Sandbox = sandbox.current) => new S3Client(sdkConfig(s, { maxAttempts: 1, forcePathStyle: true }));

const FIXTURE = readFileSync(join(__dirname, "../fixtures/pipeline.json"), "utf8");
const ROLE = "arn:aws:iam::000000000000:role/mlops-sagemaker-execution";
const token = (n: number | string) => `mlops-test-token-${n}-`.padEnd(32, "x");
/** Sandbox time for the fixture's 5 steps: 5+120, 5+300, 5+120, 1+1, 1+5 seconds (see pipelines.ts). */
const WHOLE_RUN_MS = 600_000;

async function createFixture(s: Sandbox = sandbox.current, definition = FIXTURE, name = "demo") {
  return sm(s).send(new CreatePipelineCommand({ PipelineName: name, PipelineDefinition: definition, RoleArn: ROLE, ClientRequestToken: token(`create-${name}`) }));
}

async function putEvaluation(accuracy: number, s: Sandbox = sandbox.current) {
  await s3(s).send(new CreateBucketCommand({ Bucket: "mlops-pipeline-demo" })).catch(() => undefined);
  await s3(s).send(new PutObjectCommand({ Bucket: "mlops-pipeline-demo", Key: "evaluation/evaluation.json", Body: JSON.stringify({ metrics: { accuracy: { value: accuracy } } }) }));
}

async function start(name = "demo", n: number | string = 1, extra: Record<string, unknown> = {}) {
  const out = await sm().send(new StartPipelineExecutionCommand({ PipelineName: name, ClientRequestToken: token(n), ...extra }));
  return out.PipelineExecutionArn!;
}

async function steps(arn: string, s: Sandbox = sandbox.current) {
  const out = await sm(s).send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, SortOrder: "Ascending", MaxResults: 100 }));
  return out.PipelineExecutionSteps!;
}

const status = async (arn: string, s: Sandbox = sandbox.current) => sm(s).send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));

/** Some schema, some value: a definition with one step changed. */
function variant(change: (d: any) => void): string {
  const d = JSON.parse(FIXTURE);
  change(d);
  return JSON.stringify(d);
}

describe("SageMaker Pipelines in the sandbox", () => {
  it("runs Processing → Training → Evaluation → Condition → RegisterModel when accuracy is 0.93", async () => {
    const created = await createFixture();
    expect(created.PipelineArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:pipeline/demo");
    await putEvaluation(0.93);
    const arn = await start();
    expect(arn).toMatch(/^arn:aws:sagemaker:us-east-1:000000000000:pipeline\/demo\/execution\/[a-z0-9]{12}$/);
    expect((await steps(arn)).map((s) => [s.StepName, s.StepStatus])).toEqual([["Preprocess", "Starting"]]);
    sandbox.current.clock.advance(10_000);
    expect((await steps(arn)).map((s) => s.StepStatus)).toEqual(["Executing"]);
    sandbox.current.clock.advance(130_000);
    // Training waits for Preprocess's output: a data dependency.
    expect((await steps(arn)).map((s) => [s.StepName, s.StepStatus])).toEqual([["Preprocess", "Succeeded"], ["Train", "Executing"]]);
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    const execution = await status(arn);
    expect(execution.PipelineExecutionStatus).toBe("Succeeded");
    const all = await steps(arn);
    expect(all.map((s) => [s.StepName, s.StepStatus])).toEqual([
      ["Preprocess", "Succeeded"],
      ["Train", "Succeeded"],
      ["Evaluate", "Succeeded"],
      ["CheckAccuracy", "Succeeded"],
      ["RegisterModel-RegisterModel", "Succeeded"],
    ]);
    const id = arn.slice(arn.lastIndexOf("/") + 1);
    expect(all[0]!.Metadata?.ProcessingJob?.Arn).toMatch(new RegExp(`^arn:aws:sagemaker:us-east-1:000000000000:processing-job/pipelines-${id}-preprocess-[a-z0-9]{10}$`));
    expect(all[1]!.Metadata?.TrainingJob?.Arn).toMatch(/:training-job\/pipelines-/);
    expect(all[3]!.Metadata?.Condition?.Outcome).toBe("True");
    const packageArn = all[4]!.Metadata?.RegisterModel?.Arn;
    expect(packageArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:model-package/mlops-pipeline-demo/1");
    const pkg = await sm().send(new DescribeModelPackageCommand({ ModelPackageName: packageArn }));
    expect(pkg.ModelApprovalStatus).toBe("PendingManualApproval");
    expect(pkg.MetadataProperties?.GeneratedBy).toBe(arn);
    // The model data is the training step's artifacts, resolved through {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}.
    expect(pkg.InferenceSpecification?.Containers?.[0]?.ModelDataUrl).toMatch(/^s3:\/\/mlops-pipeline-demo\/model\/pipelines-.*\/output\/model\.tar\.gz$/);
    expect(pkg.ModelMetrics?.ModelQuality?.Statistics?.S3Uri).toBe("s3://mlops-pipeline-demo/evaluation/evaluation.json");

    const events = sandbox.current.events.events();
    const executionEvents = events.filter((e) => e["detail-type"] === "SageMaker Model Building Pipeline Execution Status Change");
    expect(executionEvents.map((e) => [e.detail.previousPipelineExecutionStatus, e.detail.currentPipelineExecutionStatus])).toEqual([
      [undefined, "Executing"],
      ["Executing", "Succeeded"],
    ]);
    expect(executionEvents[1]).toMatchObject({ source: "aws.sagemaker", region: "us-east-1", resources: [created.PipelineArn, arn], detail: { pipelineExecutionArn: arn, pipelineArn: created.PipelineArn } });
    const stepEvents = events.filter((e) => e["detail-type"] === "SageMaker Model Building Pipeline Execution Step Status Change");
    expect(stepEvents.filter((e) => e.detail.stepName === "Train").map((e) => e.detail.currentStepStatus)).toEqual(["Starting", "Executing", "Succeeded"]);
    expect(stepEvents.at(-1)!.detail).toMatchObject({ stepName: "RegisterModel-RegisterModel", currentStepStatus: "Succeeded", metadata: { registerModel: { arn: packageArn } } });
    // The registry's own event for the new package.
    expect(events.some((e) => e["detail-type"] === "SageMaker Model Package State Change" && e.resources[0] === packageArn)).toBe(true);
  });

  it("ends in the Fail step with its message when accuracy is 0.85", async () => {
    await createFixture();
    await putEvaluation(0.85);
    const arn = await start();
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    const execution = await status(arn);
    expect(execution).toMatchObject({ PipelineExecutionStatus: "Failed", FailureReason: "Step failure: One or multiple steps failed." });
    const all = await steps(arn);
    expect(all.map((s) => s.StepName)).toEqual(["Preprocess", "Train", "Evaluate", "CheckAccuracy", "AccuracyTooLow"]);
    expect(all[3]!.Metadata?.Condition?.Outcome).toBe("False");
    expect(all[4]).toMatchObject({ StepStatus: "Failed", FailureReason: "Accuracy is below the threshold of 0.9", Metadata: { Fail: { ErrorMessage: "Accuracy is below the threshold of 0.9" } } });
    expect((await sm().send(new ListModelPackagesCommand({ ModelPackageType: "Versioned" }))).ModelPackageSummaryList).toEqual([]);
  });

  it("takes parameter overrides at start, checked against their declared types", async () => {
    await createFixture();
    await putEvaluation(0.85);
    const arn = await start("demo", 1, { PipelineParameters: [{ Name: "AccuracyThreshold", Value: "0.8" }, { Name: "ModelApprovalStatus", Value: "Approved" }] });
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    expect((await status(arn)).PipelineExecutionStatus).toBe("Succeeded");
    const pkg = (await steps(arn)).at(-1)!.Metadata?.RegisterModel?.Arn;
    expect((await sm().send(new DescribeModelPackageCommand({ ModelPackageName: pkg }))).ModelApprovalStatus).toBe("Approved");
    await expect(start("demo", 2, { PipelineParameters: [{ Name: "Nope", Value: "1" }] })).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("Parameter 'Nope' is not defined") });
    await expect(start("demo", 3, { PipelineParameters: [{ Name: "AccuracyThreshold", Value: "high" }] })).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("of type Float") });
  });

  it("fails a step on purpose with MLOPS_SANDBOX_FAIL in its job's Environment", async () => {
    await createFixture(sandbox.current, variant((d) => (d.Steps[1].Arguments.Environment = { MLOPS_SANDBOX_FAIL: "ClientError: out of memory" })));
    const arn = await start();
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    expect((await status(arn)).PipelineExecutionStatus).toBe("Failed");
    expect((await steps(arn)).map((s) => [s.StepName, s.StepStatus, s.FailureReason])).toEqual([
      ["Preprocess", "Succeeded", undefined],
      ["Train", "Failed", "ClientError: out of memory"],
    ]);
  });

  it("fails the Condition step when the property file is missing", async () => {
    await createFixture();
    const arn = await start();
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    const last = (await steps(arn)).at(-1)!;
    expect(last).toMatchObject({ StepName: "CheckAccuracy", StepStatus: "Failed", FailureReason: expect.stringContaining("evaluation/evaluation.json does not exist") });
  });

  it("starts once per ClientRequestToken", async () => {
    await createFixture();
    const a = await start("demo", "same");
    const b = await start("demo", "same");
    expect(b).toBe(a);
    const list = await sm().send(new ListPipelineExecutionsCommand({ PipelineName: "demo" }));
    expect(list.PipelineExecutionSummaries).toHaveLength(1);
  });

  it("stops an execution: Stopping, then Stopped, and no further steps", async () => {
    await createFixture();
    const arn = await start();
    sandbox.current.clock.advance(60_000);
    await sm().send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token("stop") }));
    expect((await status(arn)).PipelineExecutionStatus).toBe("Stopping");
    expect((await steps(arn)).map((s) => s.StepStatus)).toEqual(["Stopping"]);
    // A retried stop (same token) is answered again; the execution is not stopped twice.
    await sm().send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token("stop") }));
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    expect((await status(arn)).PipelineExecutionStatus).toBe("Stopped");
    expect((await steps(arn)).map((s) => s.StepStatus)).toEqual(["Stopped"]);
    await expect(sm().send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token("stop-again") }))).rejects.toMatchObject({ name: "ConflictException" });
    const changes = sandbox.current.events.events({ detailType: "SageMaker Model Building Pipeline Execution Status Change" }).map((e) => e.detail.currentPipelineExecutionStatus);
    expect(changes).toEqual(["Executing", "Stopping", "Stopped"]);
  });

  it("lists pipelines and executions newest first, a page at a time", async () => {
    for (let i = 0; i < 3; i++) {
      await createFixture(sandbox.current, FIXTURE, `p${i}`);
      sandbox.current.clock.advance(1000);
    }
    const pipelines = await sm().send(new ListPipelinesCommand({ MaxResults: 2 }));
    expect(pipelines.PipelineSummaries!.map((p) => p.PipelineName)).toEqual(["p2", "p1"]);
    const rest = await sm().send(new ListPipelinesCommand({ MaxResults: 2, NextToken: pipelines.NextToken }));
    expect(rest.PipelineSummaries!.map((p) => p.PipelineName)).toEqual(["p0"]);
    expect(rest.NextToken).toBeUndefined();
    expect((await sm().send(new ListPipelinesCommand({ SortBy: "Name", SortOrder: "Ascending", PipelineNamePrefix: "p" }))).PipelineSummaries!.map((p) => p.PipelineName)).toEqual(["p0", "p1", "p2"]);

    const arns: string[] = [];
    for (let i = 0; i < 12; i++) {
      arns.push(await start("p0", i));
      sandbox.current.clock.advance(1000);
    }
    const seen: string[] = [];
    let next: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await sm().send(new ListPipelineExecutionsCommand({ PipelineName: "p0", NextToken: next }));
      expect(out.PipelineExecutionSummaries!.length).toBeLessThanOrEqual(10);
      seen.push(...out.PipelineExecutionSummaries!.map((e) => e.PipelineExecutionArn!));
      next = out.NextToken;
      if (!next) break;
    }
    expect(seen).toEqual([...arns].reverse());
    await expect(sm().send(new ListPipelineExecutionsCommand({ PipelineName: "p1", NextToken: "bogus" }))).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("refuses bad definitions and inputs with SageMaker's errors", async () => {
    const bad = async (definition: string) => {
      const error = await sm().send(new CreatePipelineCommand({ PipelineName: "bad", PipelineDefinition: definition, RoleArn: ROLE, ClientRequestToken: token("bad") })).catch((e) => e);
      expect(error.name).toBe("ValidationException");
      expect(error.message).toMatch(/^Unable to parse pipeline definition\. /);
      return error.message as string;
    };
    expect(await bad("{not json")).toContain("not valid JSON");
    expect(await bad(variant((d) => (d.Version = "2019-01-01")))).toContain('Version must be "2020-12-01"');
    expect(await bad(variant((d) => (d.Steps[1].Name = "Preprocess")))).toContain("Steps[1].Name: step name Preprocess is already used at Steps[0]");
    expect(await bad(variant((d) => (d.Steps[1].Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri = { Get: "Steps.Nowhere.X" })))).toContain("refers to step Nowhere, which does not exist");
    expect(await bad(variant((d) => (d.Steps[0].Arguments.ProcessingResources.ClusterConfig.InstanceType = { Get: "Parameters.Missing" })))).toContain("names no declared parameter");
    expect(await bad(variant((d) => (d.Steps[3].Arguments.Conditions[0].LeftValue["Std:JsonGet"].PropertyFile.Get = "Steps.Evaluate.PropertyFiles.Nope")))).toContain("has no property file Nope");
    expect(await bad(variant((d) => (d.Steps[0].DependsOn = ["Ghost"])))).toContain("Steps[0].DependsOn: step Ghost does not exist");
    expect(await bad(variant((d) => (d.Parameters[4].DefaultValue = "high")))).toContain("Parameters[4].DefaultValue");
    expect(await bad(variant((d) => (d.Steps[0].DependsOn = ["Evaluate"])))).toContain("cycle");

    await expect(sm().send(new CreatePipelineCommand({ PipelineName: "-bad", PipelineDefinition: FIXTURE, RoleArn: ROLE, ClientRequestToken: token("x") }))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("at 'pipelineName' failed to satisfy constraint"),
    });
    await expect(sm().send(new CreatePipelineCommand({ PipelineName: "short-token", PipelineDefinition: FIXTURE, RoleArn: ROLE, ClientRequestToken: "short" }))).rejects.toMatchObject({
      message: expect.stringContaining("at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32"),
    });
    await createFixture();
    // A retry of the same create is answered; a second create of the name is not.
    expect((await createFixture()).PipelineArn).toContain("pipeline/demo");
    await expect(sm().send(new CreatePipelineCommand({ PipelineName: "demo", PipelineDefinition: FIXTURE, RoleArn: ROLE, ClientRequestToken: token("other") }))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("already exists"),
    });
    await expect(sm().send(new DescribePipelineCommand({ PipelineName: "ghost" }))).rejects.toMatchObject({
      name: "ResourceNotFound",
      message: "Pipeline 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/ghost' does not exist.",
    });
    await expect(status("arn:aws:sagemaker:us-east-1:000000000000:pipeline/demo/execution/nothere")).rejects.toMatchObject({ name: "ResourceNotFound" });
    expect(sandbox.current.snapshot()).toBeDefined();
  });

  it("updates a pipeline into a new version; executions keep the definition they started with", async () => {
    await createFixture();
    const arn = await start();
    const changed = variant((d) => (d.Parameters[4].DefaultValue = 0.5));
    const updated = await sm().send(new UpdatePipelineCommand({ PipelineName: "demo", PipelineDefinition: changed }));
    expect(updated.PipelineVersionId).toBe(2);
    expect((await sm().send(new DescribePipelineCommand({ PipelineName: updated.PipelineArn }))).PipelineDefinition).toBe(changed);
    expect((await sm().send(new DescribePipelineDefinitionForExecutionCommand({ PipelineExecutionArn: arn }))).PipelineDefinition).toBe(FIXTURE);
    await expect(sm().send(new DeletePipelineCommand({ PipelineName: "demo", ClientRequestToken: token("del") }))).rejects.toMatchObject({ name: "ConflictException" });
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    await sm().send(new DeletePipelineCommand({ PipelineName: "demo", ClientRequestToken: token("del") }));
    await expect(status(arn)).rejects.toMatchObject({ name: "ResourceNotFound" });
  });

  it("keeps a running execution across a state file save and load", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "mlops-pipelines-")), "state.json");
    const first = await startSandbox({ port: 0, stateFile: file });
    let arn: string;
    try {
      await createFixture(first);
      await putEvaluation(0.93, first);
      arn = (await sm(first).send(new StartPipelineExecutionCommand({ PipelineName: "demo", ClientRequestToken: token("persist") }))).PipelineExecutionArn!;
      first.clock.advance(200_000);
      expect((await steps(arn, first)).map((s) => s.StepStatus)).toEqual(["Succeeded", "Executing"]);
      await first.save();
    } finally {
      await first.stop();
    }
    const second = await startSandbox({ port: 0, stateFile: file });
    try {
      expect((await steps(arn, second)).map((s) => s.StepStatus)).toEqual(["Succeeded", "Executing"]);
      second.clock.advance(WHOLE_RUN_MS);
      // The loaded execution runs on by its clock timer, without a request to drive it.
      expect(second.events.events({ detailType: "SageMaker Model Building Pipeline Execution Status Change" }).map((e) => e.detail.currentPipelineExecutionStatus)).toEqual(["Succeeded"]);
      expect((await status(arn, second)).PipelineExecutionStatus).toBe("Succeeded");
    } finally {
      await second.stop();
    }
  });

  it("reads a definition from S3, runs independent steps side by side and waits for DependsOn, in the caller's region", async () => {
    const west = { ...sandbox.current, region: "us-west-2" } as Sandbox;
    const definition = JSON.stringify({
      Version: "2020-12-01",
      Parameters: [{ Name: "Fail", Type: "Boolean", DefaultValue: false }],
      Steps: [
        { Name: "A", Type: "Processing", Arguments: {} },
        { Name: "B", Type: "Training", Arguments: { OutputDataConfig: { S3OutputPath: "s3://x/model" } } },
        { Name: "C", Type: "Condition", DependsOn: ["A", "B"], Arguments: { Conditions: [{ Type: "Equals", LeftValue: { Get: "Parameters.Fail" }, RightValue: true }], IfSteps: [{ Name: "Stop", Type: "Fail", Arguments: {} }], ElseSteps: [] } },
      ],
    });
    await s3(west).send(new CreateBucketCommand({ Bucket: "definitions", CreateBucketConfiguration: { LocationConstraint: "us-west-2" } }));
    await s3(west).send(new PutObjectCommand({ Bucket: "definitions", Key: "p.json", Body: definition }));
    const created = await sm(west).send(new CreatePipelineCommand({ PipelineName: "side", PipelineDefinitionS3Location: { Bucket: "definitions", ObjectKey: "p.json" }, RoleArn: ROLE, ClientRequestToken: token("side") }));
    expect(created.PipelineArn).toBe("arn:aws:sagemaker:us-west-2:000000000000:pipeline/side");
    const arn = (await sm(west).send(new StartPipelineExecutionCommand({ PipelineName: created.PipelineArn, ClientRequestToken: token("side-1") }))).PipelineExecutionArn!;
    expect(arn.startsWith("arn:aws:sagemaker:us-west-2:")).toBe(true);
    sandbox.current.clock.advance(130_000);
    // A and B start together; C waits for both (DependsOn), so for B's longer training.
    expect((await steps(arn, west)).map((s) => [s.StepName, s.StepStatus])).toEqual([["A", "Succeeded"], ["B", "Executing"]]);
    sandbox.current.clock.advance(200_000);
    const all = await steps(arn, west);
    expect(all.map((s) => [s.StepName, s.StepStatus])).toEqual([["A", "Succeeded"], ["B", "Succeeded"], ["C", "Succeeded"]]);
    expect(all[2]!.StartTime!.getTime()).toBe(all[1]!.EndTime!.getTime());
    expect((await status(arn, west)).PipelineExecutionStatus).toBe("Succeeded");
    // The pipeline lives in us-west-2 only.
    await expect(sm().send(new DescribePipelineCommand({ PipelineName: "side" }))).rejects.toMatchObject({ name: "ResourceNotFound" });
    // A Fail step without an ErrorMessage fails with no FailureReason.
    const failing = (await sm(west).send(new StartPipelineExecutionCommand({ PipelineName: "side", ClientRequestToken: token("side-2"), PipelineParameters: [{ Name: "Fail", Value: "true" }] }))).PipelineExecutionArn!;
    sandbox.current.clock.advance(400_000);
    const stop = (await steps(failing, west)).at(-1)!;
    expect(stop).toMatchObject({ StepName: "Stop", StepStatus: "Failed", Metadata: { Fail: { ErrorMessage: "" } } });
    expect(stop.FailureReason).toBeUndefined();
  });
});
