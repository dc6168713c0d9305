import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/core/duration";
import {
  changes,
  codebuildDisplayName,
  executionId,
  executionRow,
  executionView,
  failureSummary,
  isTerminal,
  lineageDescription,
  stepView,
} from "../../src/core/pipeline-execution";

const ARN = "arn:aws:sagemaker:us-east-1:000000000000:pipeline/churn/execution/abc123";
const PACKAGE = "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/3";
const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 8, 0, s));
const iso = (s: number) => t(s).toISOString();

describe("terminal execution statuses", () => {
  // PipelineExecutionStatus: Executing | Stopping | Stopped | Failed | Succeeded.
  it.each([
    ["Succeeded", true],
    ["Failed", true],
    ["Stopped", true],
    ["Executing", false],
    ["Stopping", false],
    [undefined, false],
  ])("%s → %s", (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal);
  });
});

describe("a step as shown", () => {
  it("a Fail step without FailureReason gives its ErrorMessage as the reason", () => {
    expect(stepView({ StepName: "TooLow", StepStatus: "Failed", StartTime: t(0), EndTime: t(2), Metadata: { Fail: { ErrorMessage: "accuracy below 0.9" } } }, t(9))).toEqual({
      name: "TooLow",
      type: "Fail",
      status: "Failed",
      started: iso(0),
      ended: iso(2),
      durationSeconds: 2,
      failureReason: "accuracy below 0.9",
      modelPackageArn: null,
      jobArn: null,
    });
  });

  it("a running step lasts until now; members SageMaker does not name, or left undefined, give no type", () => {
    const metadata = { Unknown: { Arn: "x" }, ProcessingJob: undefined, TrainingJob: { Arn: "arn:…:training-job/t1" } };
    expect(stepView({ StepName: "Train", StepStatus: "Executing", StartTime: t(0), Metadata: metadata }, t(9))).toEqual({
      name: "Train",
      type: "Training",
      status: "Executing",
      started: iso(0),
      ended: null,
      durationSeconds: 9,
      failureReason: null,
      modelPackageArn: null,
      jobArn: "arn:…:training-job/t1",
    });
  });

  it("empty, missing or non-string ARNs are no ARN", () => {
    const metadata = { RegisterModel: { Arn: "" }, TrainingJob: null, ProcessingJob: { Arn: 5 }, TransformJob: "arn" };
    expect(stepView({ Metadata: metadata }, t(9))).toEqual({
      name: "",
      type: "RegisterModel",
      status: null,
      started: null,
      ended: null,
      durationSeconds: null,
      failureReason: null,
      modelPackageArn: null,
      jobArn: null,
    });
  });
});

describe("an execution as shown", () => {
  it("empty strings are shown as none; a missing ARN as empty", () => {
    const answer = { PipelineExecutionDisplayName: "", PipelineExecutionDescription: "", PipelineExecutionStatus: "Executing", FailureReason: "" };
    expect(executionView("churn", answer, [], t(9))).toEqual({
      pipelineName: "churn",
      pipelineExecutionArn: "",
      displayName: null,
      description: null,
      status: "Executing",
      failureReason: null,
      failedStep: null,
      modelPackageArn: null,
      started: null,
      lastModified: null,
      steps: [],
    });
  });

  it("names, description and reason as given", () => {
    const answer = {
      PipelineExecutionArn: ARN,
      PipelineExecutionDisplayName: "churn-ci-42",
      PipelineExecutionDescription: "mlops:started-by=mlops/1.0.0",
      PipelineExecutionStatus: "Failed",
      FailureReason: "Step failure: One or multiple steps failed.",
      CreationTime: t(0),
      LastModifiedTime: t(5),
    };
    expect(executionView("churn", answer, [], t(9))).toEqual({
      pipelineName: "churn",
      pipelineExecutionArn: ARN,
      displayName: "churn-ci-42",
      description: "mlops:started-by=mlops/1.0.0",
      status: "Failed",
      failureReason: "Step failure: One or multiple steps failed.",
      failedStep: null,
      modelPackageArn: null,
      started: iso(0),
      lastModified: iso(5),
      steps: [],
    });
  });

  it.each([
    [
      { PipelineExecutionArn: ARN, PipelineExecutionDisplayName: "churn-ci-42", PipelineExecutionStatus: "Failed", StartTime: t(0), PipelineExecutionFailureReason: "Step failure" },
      { pipelineExecutionArn: ARN, displayName: "churn-ci-42", status: "Failed", started: iso(0), failureReason: "Step failure" },
    ],
    [
      { PipelineExecutionDisplayName: "", PipelineExecutionFailureReason: "" },
      { pipelineExecutionArn: "", displayName: null, status: "Executing", started: null, failureReason: null },
    ],
  ])("a row of pipeline list: %j", (summary, row) => {
    expect(executionRow(summary)).toEqual(row);
  });
});

describe("why an execution did not succeed", () => {
  const view = (status: string, failureReason?: string) => executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: status, FailureReason: failureReason }, [], t(9));

  it("a stopped execution was stopped, naming its id", () => {
    expect(executionId(ARN)).toBe("abc123");
    expect(failureSummary(view("Stopped"))).toBe("execution abc123 of churn was stopped");
  });

  it("a failure without a failed step gives the execution's reason", () => {
    expect(failureSummary(view("Failed", "no capacity"))).toBe("churn failed: no capacity");
    expect(failureSummary(view("Failed"))).toBe("churn failed: no reason given");
  });
});

describe("changes between two polls", () => {
  const at = (steps: Parameters<typeof executionView>[2], status = "Executing") => executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: status }, steps, t(30));

  it("each step is compared with the same step before", () => {
    const before = at([
      { StepName: "A", StepStatus: "Executing", StartTime: t(0) },
      { StepName: "B", StepStatus: "Succeeded", StartTime: t(1), EndTime: t(3) },
    ]);
    const after = at([
      { StepName: "A", StepStatus: "Succeeded", StartTime: t(0), EndTime: t(4) },
      { StepName: "B", StepStatus: "Succeeded", StartTime: t(1), EndTime: t(3) },
    ]);
    expect(changes(before, after, formatDuration)).toEqual(["step A Succeeded (4s)"]);
  });

  it("a reason only for a failed step; no duration without a start", () => {
    const after = at([
      { StepName: "A", StepStatus: "Succeeded", EndTime: t(4), FailureReason: "stale" },
      { StepName: "B", StepStatus: "Failed", StartTime: t(1), EndTime: t(3), FailureReason: "boom" },
    ]);
    expect(changes(at([]), after, formatDuration)).toEqual(["step B Failed (2s): boom", "step A Succeeded"]);
  });

  it("the model package once, when it first appears", () => {
    const registering = at([{ StepName: "Register", StepStatus: "Executing", StartTime: t(1) }]);
    const registered = at([{ StepName: "Register", StepStatus: "Succeeded", StartTime: t(1), EndTime: t(2), Metadata: { RegisterModel: { Arn: PACKAGE } } }], "Succeeded");
    expect(changes(undefined, registered, formatDuration)).toEqual([`step Register Succeeded (1s) → ${PACKAGE}`, "execution Succeeded"]);
    expect(changes(registering, registered, formatDuration)).toEqual([`step Register Succeeded (1s) → ${PACKAGE}`, "execution Succeeded"]);
    const stillThere = at([{ StepName: "Register", StepStatus: "Stopping", StartTime: t(1), Metadata: { RegisterModel: { Arn: PACKAGE } } }]);
    const stopped = at([{ StepName: "Register", StepStatus: "Stopped", StartTime: t(1), EndTime: t(2), Metadata: { RegisterModel: { Arn: PACKAGE } } }]);
    expect(changes(stillThere, stopped, formatDuration)).toEqual(["step Register Stopped (1s)"]);
  });
});

describe("display names from CodeBuild", () => {
  // PipelineExecutionName: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}.
  it.each([
    [{ CODEBUILD_BUILD_ID: "my__proj:uuid", CODEBUILD_BUILD_NUMBER: "42" }, "my-proj-42"],
    [{ CODEBUILD_BUILD_ID: "__proj__:uuid", CODEBUILD_BUILD_NUMBER: "42" }, "proj-42"],
    [{ CODEBUILD_BUILD_ID: "proj:uuid" }, "proj"],
    [{ CODEBUILD_BUILD_ID: ":uuid", CODEBUILD_BUILD_NUMBER: "42" }, "42"],
    [{ CODEBUILD_BUILD_ID: "__:uuid" }, undefined],
  ])("%j → %j", (env, name) => {
    expect(codebuildDisplayName(env)).toBe(name);
  });

  it("cut to 82 characters, without a hyphen at the cut", () => {
    // 81 letters, then "-7": the cut at 82 leaves "p…p-", whose hyphen goes.
    expect(codebuildDisplayName({ CODEBUILD_BUILD_ID: `${"p".repeat(81)}:x`, CODEBUILD_BUILD_NUMBER: "7" })).toBe("p".repeat(81));
  });
});

describe("execution descriptions", () => {
  it("only the registered-by key is renamed, and the text stops at 3072 characters", () => {
    const lineage = { entries: [["mlops:registered-by-x", "1"], ["my-mlops:registered-by", "2"]] as Array<[string, string]>, metadataProperties: {} };
    expect(lineageDescription(lineage)).toBe("mlops:registered-by-x=1; my-mlops:registered-by=2");
    const long = { entries: [["mlops:registered-by", "v".repeat(4000)]] as Array<[string, string]>, metadataProperties: {} };
    expect(lineageDescription(long)).toBe(`mlops:started-by=${"v".repeat(3072 - "mlops:started-by=".length)}`);
  });
});
