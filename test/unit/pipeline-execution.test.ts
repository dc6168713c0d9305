import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/core/duration";
import { lineageFrom } from "../../src/core/lineage";
import { changes, codebuildDisplayName, executionView, failureSummary, lineageDescription, pipelineOfExecution } from "../../src/core/pipeline-execution";

const ARN = "arn:aws:sagemaker:us-east-1:000000000000:pipeline/churn/execution/abc123";
const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 8, 0, s));
const NOW = t(59);

const steps = [
  { StepName: "Train", StepStatus: "Succeeded", StartTime: t(10), EndTime: t(40), Metadata: { TrainingJob: { Arn: "arn:…:training-job/t1" } } },
  { StepName: "Preprocess", StepStatus: "Succeeded", StartTime: t(0), EndTime: t(10), Metadata: { ProcessingJob: { Arn: "arn:…:processing-job/p1" } } },
  { StepName: "AccuracyTooLow", StepStatus: "Failed", StartTime: t(50), EndTime: t(51), FailureReason: "accuracy below 0.9", Metadata: { Fail: { ErrorMessage: "accuracy below 0.9" } } },
];

describe("executionView", () => {
  it("orders steps by start, names types from the metadata, finds the failing step", () => {
    const view = executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: "Failed", CreationTime: t(0) }, steps, NOW);
    expect(view.steps.map((s) => `${s.name}:${s.type}:${s.durationSeconds}`)).toEqual(["Preprocess:Processing:10", "Train:Training:30", "AccuracyTooLow:Fail:1"]);
    expect(view.failedStep).toBe("AccuracyTooLow");
    expect(view.steps[1]!.jobArn).toBe("arn:…:training-job/t1");
    expect(failureSummary(view)).toBe("churn failed at step AccuracyTooLow (Fail): accuracy below 0.9");
  });

  it("takes the model package a RegisterModel step created", () => {
    const view = executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: "Succeeded" }, [{ StepName: "Register", StepStatus: "Succeeded", StartTime: t(1), EndTime: t(2), Metadata: { RegisterModel: { Arn: "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/3" } } }], NOW);
    expect(view.modelPackageArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/3");
    expect(view.failedStep).toBeNull();
  });
});

describe("changes: one line per step change", () => {
  it("says each new state once, with durations, reasons and the model package", () => {
    const first = executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: "Executing" }, [{ StepName: "Preprocess", StepStatus: "Executing", StartTime: t(0) }], t(5));
    const again = executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: "Executing" }, [{ StepName: "Preprocess", StepStatus: "Executing", StartTime: t(0) }], t(9));
    const last = executionView("churn", { PipelineExecutionArn: ARN, PipelineExecutionStatus: "Failed" }, steps, NOW);
    expect(changes(undefined, first, formatDuration)).toEqual(["step Preprocess Executing", "execution Executing"]);
    expect(changes(first, again, formatDuration)).toEqual([]);
    expect(changes(again, last, formatDuration)).toEqual(["step Preprocess Succeeded (10s)", "step Train Succeeded (30s)", "step AccuracyTooLow Failed (1s): accuracy below 0.9", "execution Failed"]);
  });
});

describe("CodeBuild lineage on executions", () => {
  it("a display name PROJECT-BUILDNUMBER that fits PipelineExecutionName; none outside CodeBuild", () => {
    expect(codebuildDisplayName({ CODEBUILD_BUILD_ID: "churn_build.ci:0b7c-11", CODEBUILD_BUILD_NUMBER: "42" })).toBe("churn-build-ci-42");
    expect(codebuildDisplayName({ CODEBUILD_BUILD_ID: `${"p".repeat(100)}:x`, CODEBUILD_BUILD_NUMBER: "7" })).toHaveLength(82);
    expect(codebuildDisplayName({})).toBeUndefined();
  });

  it("a description with the build, the source version and who started it", () => {
    const lineage = lineageFrom(undefined, { CODEBUILD_BUILD_ARN: "arn:aws:codebuild:us-east-1:000000000000:build/churn:42", CODEBUILD_RESOLVED_SOURCE_VERSION: "1a2b3c", CODEBUILD_INITIATOR: "codepipeline/churn-release" }, "0.1.0");
    expect(lineageDescription(lineage)).toBe("mlops:started-by=mlops/0.1.0; mlops:codebuild:build-arn=arn:aws:codebuild:us-east-1:000000000000:build/churn:42; mlops:codebuild:source-version=1a2b3c; mlops:codebuild:initiator=codepipeline/churn-release");
  });

  it("the pipeline of an execution ARN", () => {
    expect(pipelineOfExecution(ARN)).toBe("churn");
    expect(pipelineOfExecution("arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1")).toBeUndefined();
  });
});
