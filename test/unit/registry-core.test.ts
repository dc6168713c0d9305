import { describe, expect, it } from "vitest";
import { checkEnvironment, checkImageUri, checkInstanceType, checkResourceName, checkText, parsePairs, parseS3Uri } from "../../src/core/aws-names";
import { evaluateGate, parseRequirement } from "../../src/core/gate";
import { describeSource, lineageFrom, withoutCredentials } from "../../src/core/lineage";
import { checkUserMetadata, fitMetadata } from "../../src/core/metadata";
import { findMetric, metricPaths } from "../../src/core/metrics";
import { packageArnFromGroupArn, parseModelRef } from "../../src/core/model-ref";
import { gateEntries, parseApproval, recordedMetrics } from "../../src/core/registry";

const report = {
  binary_classification_metrics: {
    accuracy: { value: 0.93, standard_deviation: 0.01 },
    recall: { value: 0.81, standard_deviation: 0.02 },
    confusion_matrix: { "0": { "0": 10, "1": 2 } },
  },
  regression_metrics: { mse: { value: 0.04 }, recall: { value: 0.5 } },
};

describe("metric gate expressions", () => {
  it.each([
    ["accuracy>=0.9", { metric: "accuracy", op: ">=", threshold: 0.9 }],
    [" f1 > .8 ", { metric: "f1", op: ">", threshold: 0.8 }],
    ["regression_metrics.mse.value<0.05", { metric: "regression_metrics.mse.value", op: "<", threshold: 0.05 }],
    ["loss<=1e-3", { metric: "loss", op: "<=", threshold: 0.001 }],
    ["bias==-1", { metric: "bias", op: "==", threshold: -1 }],
  ])("parses %j", (expr, expected) => {
    expect(parseRequirement(expr)).toMatchObject(expected);
  });

  it.each(["accuracy", "accuracy=>0.9", "accuracy>>0.9", "accuracy>=high", ">=0.9", "acc uracy>=1", "accuracy>=0.9;rm"])("rejects %j naming --require", (expr) => {
    expect(() => parseRequirement(expr)).toThrow(/^--require ".*": expected <metric><op><number>/);
  });

  it("evaluates every requirement, on both sides of each threshold", () => {
    const values: Record<string, number> = { accuracy: 0.9, loss: 0.2 };
    const checks = evaluateGate(["accuracy>=0.9", "accuracy>0.9", "loss<0.2", "loss<=0.2", "loss==0.2"].map(parseRequirement), (m) => values[m]!);
    expect(checks.map((c) => c.passed)).toEqual([true, false, false, true, true]);
    expect(checks[0]).toMatchObject({ expr: "accuracy>=0.9", actual: 0.9 });
  });
});

describe("reading metrics files", () => {
  it("finds SageMaker evaluation-report metrics by full path or by bare name", () => {
    expect(findMetric(report, "binary_classification_metrics.accuracy.value")).toEqual({ path: "binary_classification_metrics.accuracy", value: 0.93 });
    expect(findMetric(report, "binary_classification_metrics.accuracy")).toEqual({ path: "binary_classification_metrics.accuracy", value: 0.93 });
    expect(findMetric(report, "accuracy")).toEqual({ path: "binary_classification_metrics.accuracy", value: 0.93 });
    expect(findMetric(report, "mse")).toEqual({ path: "regression_metrics.mse", value: 0.04 });
  });

  it("finds flat metrics by bare name", () => {
    expect(findMetric({ accuracy: 0.93, f1: 0.9 }, "f1")).toEqual({ path: "f1", value: 0.9 });
  });

  it("refuses an ambiguous bare name and names the candidates", () => {
    expect(() => findMetric(report, "recall")).toThrow('metric "recall" is ambiguous in the metrics file: binary_classification_metrics.recall, regression_metrics.recall');
  });

  it("names a missing metric and lists what is there", () => {
    try {
      findMetric(report, "auc");
      throw new Error("expected a failure");
    } catch (error) {
      expect((error as Error).message).toBe('metric "auc" is not in the metrics file');
      expect((error as { hint: string }).hint).toContain("binary_classification_metrics.accuracy");
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it("lists every numeric metric path", () => {
    expect(metricPaths({ a: 1, b: { value: 2 }, c: { d: { value: 3 }, e: "x" } })).toEqual(["a", "b", "c.d"]);
  });
});

describe("model references", () => {
  it.each([
    ["arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3", { kind: "arn", group: "churn", version: 3 }],
    ["churn/12", { kind: "version", group: "churn", version: 12 }],
    ["churn@latest", { kind: "latest", group: "churn", approvedOnly: false }],
    ["churn-v2@latest-approved", { kind: "latest", group: "churn-v2", approvedOnly: true }],
  ])("parses %s", (ref, expected) => {
    expect(parseModelRef(ref)).toMatchObject(expected);
  });

  it.each(["churn", "churn/0", "churn@newest", "bad_group/1", "churn/1/2", "arn:aws:sagemaker:us-east-1:1:model-package/churn/3"])("rejects %j", (ref) => {
    expect(() => parseModelRef(ref)).toThrow(/is not a model reference/);
  });

  it("derives a version's ARN from its group's ARN", () => {
    expect(packageArnFromGroupArn("arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/churn", 4)).toBe("arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn/4");
  });
});

describe("input validation for registry commands", () => {
  it.each([
    ["churn-model", true],
    ["a", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["-churn", false],
    ["churn_model", false],
    ["churn-", false],
  ])("group name %j valid=%s", (name, valid) => {
    const run = () => checkResourceName("--group", name);
    if (valid) expect(run()).toBe(name);
    else expect(run).toThrow(/^--group/);
  });

  it.each([
    ["s3://models/churn/model.tar.gz", { bucket: "models", key: "churn/model.tar.gz" }],
    ["s3://my.bucket-1/a", { bucket: "my.bucket-1", key: "a" }],
  ])("parses %s", (uri, expected) => {
    expect(parseS3Uri("--model-data", uri)).toEqual(expected);
  });

  it.each(["models/model.tar.gz", "s3://models", "s3://models/", "s3://Models/x", "s3://ab/x", "https://models.s3.amazonaws.com/x"])("rejects S3 URI %j", (uri) => {
    expect(() => parseS3Uri("--model-data", uri)).toThrow(/^--model-data/);
  });

  it.each([
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4", true],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com/team/churn@sha256:" + "a".repeat(64), true],
    ["localhost:5000/churn", true],
    ["churn:latest", false],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com/Churn:1", false],
    ["with space.io/x", false],
  ])("image %j valid=%s", (uri, valid) => {
    const run = () => checkImageUri("--image", uri);
    if (valid) expect(run()).toBe(uri);
    else expect(run).toThrow(/^--image/);
  });

  it("checks instance types against SageMaker's list, and free text for control characters", () => {
    const known = ["ml.m5.large", "ml.m5.xlarge", "ml.c5.large"];
    expect(checkInstanceType("--instance-type", "ml.m5.large", known)).toBe("ml.m5.large");
    expect(() => checkInstanceType("--instance-type", "m5.large")).toThrow(/not a SageMaker instance type/);
    try {
      checkInstanceType("--instance-type", "ml.m5.huge", known);
      throw new Error("expected a failure");
    } catch (error) {
      expect((error as Error).message).toBe('--instance-type "ml.m5.huge" is not an instance type SageMaker hosts');
      expect((error as { hint: string }).hint).toBe("m5 comes in: ml.m5.large, ml.m5.xlarge");
    }
    expect(checkText("--description", "Churn v2 — retrained (Q3) 100%", 1024)).toBe("Churn v2 — retrained (Q3) 100%");
    expect(() => checkText("--description", "line one\nline two", 1024)).toThrow("--description may not contain control characters");
    expect(() => checkText("--reason", "x".repeat(1025), 1024)).toThrow("--reason is 1025 characters; the limit is 1024");
  });

  it("checks pairs and container environment", () => {
    expect(parsePairs("--env", ["A=1", "B=x=y"])).toEqual([["A", "1"], ["B", "x=y"]]);
    expect(() => parsePairs("--env", ["A"])).toThrow('--env "A" must be KEY=VALUE');
    expect(() => checkEnvironment("--env", [["1A", "x"]])).toThrow(/--env "1A"/);
    expect(() => checkEnvironment("--env", Array.from({ length: 17 }, (_, i) => [`K${i}`, "v"] as [string, string]))).toThrow(/at most 16/);
  });

  it("maps approval words", () => {
    expect(parseApproval("--approval", "pending")).toBe("PendingManualApproval");
    expect(() => parseApproval("--approval", "maybe")).toThrow('--approval "maybe" must be one of: pending, approved, rejected');
  });
});

describe("customer metadata limits", () => {
  it("accepts valid user entries and rejects each broken rule naming it", () => {
    expect(checkUserMetadata("--meta", [["team", "fraud ml"], ["ticket", "JIRA-12"]])).toEqual({ team: "fraud ml", ticket: "JIRA-12" });
    expect(() => checkUserMetadata("--meta", [["team#1", "x"]])).toThrow(/--meta key "team#1" may only contain/);
    expect(() => checkUserMetadata("--meta", [["k", "x".repeat(257)]])).toThrow(/the limit is 256/);
    expect(() => checkUserMetadata("--meta", [["k".repeat(129), "x"]])).toThrow(/the limit is 128/);
    expect(() => checkUserMetadata("--meta", [["k", "a<b"]])).toThrow(/may only contain/);
    expect(() => checkUserMetadata("--meta", [["mlops:x", "y"]])).toThrow(/mlops: prefix/);
    expect(() => checkUserMetadata("--meta", Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"] as [string, string]))).toThrow(/at most 50/);
  });

  it("makes mlops's own entries fit: replaces characters, cuts values, skips beyond 50, warning each time", () => {
    const user = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"]));
    const fitted = fitMetadata(user, [
      ["mlops:git:branch", "feature/#12"],
      ["mlops:codebuild:initiator", "x".repeat(300)],
      ["mlops:git:commit", "abc"],
    ]);
    expect(fitted.properties["mlops:git:branch"]).toBe("feature/_12");
    expect(fitted.properties["mlops:codebuild:initiator"]).toHaveLength(256);
    expect(fitted.properties["mlops:git:commit"]).toBeUndefined();
    expect(Object.keys(fitted.properties)).toHaveLength(50);
    expect(fitted.warnings).toEqual([
      "metadata mlops:git:branch: characters SageMaker does not allow were replaced by _",
      "metadata mlops:codebuild:initiator: value cut to 256 characters",
      "metadata mlops:git:commit not recorded: a model version takes at most 50 entries",
    ]);
  });

  it("records gate results and reads them back by short name", () => {
    const checks = evaluateGate([parseRequirement("accuracy>=0.9")], () => 0.93);
    const entries = gateEntries(checks, { accuracy: "binary_classification_metrics.accuracy" });
    expect(entries).toEqual([
      ["mlops:metric:binary_classification_metrics.accuracy", "0.93"],
      ["mlops:gate:binary_classification_metrics.accuracy", "ge 0.9"],
    ]);
    expect(recordedMetrics(Object.fromEntries(entries))).toEqual({ accuracy: 0.93 });
  });
});

describe("lineage", () => {
  it("records git and CodeBuild facts, and SageMaker's own MetadataProperties", () => {
    const lineage = lineageFrom(
      { commit: "1a2b3c4d5e", branch: "main", dirty: true, remote: "https://bot:ghp_secret@github.com/acme/churn.git" },
      { CODEBUILD_BUILD_ARN: "arn:aws:codebuild:us-east-1:123456789012:build/churn:42", CODEBUILD_RESOLVED_SOURCE_VERSION: "1a2b3c4d5e" },
      "0.1.0",
    );
    expect(lineage.entries).toEqual([
      ["mlops:registered-by", "mlops/0.1.0"],
      ["mlops:git:commit", "1a2b3c4d5e"],
      ["mlops:git:branch", "main"],
      ["mlops:git:dirty", "true"],
      ["mlops:codebuild:build-arn", "arn:aws:codebuild:us-east-1:123456789012:build/churn:42"],
      ["mlops:codebuild:source-version", "1a2b3c4d5e"],
    ]);
    expect(lineage.metadataProperties).toEqual({
      CommitId: "1a2b3c4d5e",
      Repository: "https://github.com/acme/churn.git",
      GeneratedBy: "arn:aws:codebuild:us-east-1:123456789012:build/churn:42",
    });
    expect(describeSource(Object.fromEntries(lineage.entries))).toBe("CodeBuild churn:42, git 1a2b3c4 (main) dirty");
  });

  it("never keeps credentials from a remote URL", () => {
    expect(withoutCredentials("https://x-access-token:abc@github.com/a/b")).toBe("https://github.com/a/b");
    expect(withoutCredentials("https://u:p@ss@github.com/a/b")).toBe("https://github.com/a/b");
    expect(withoutCredentials("git@github.com:a/b.git")).toBe("git@github.com:a/b.git");
  });
});
