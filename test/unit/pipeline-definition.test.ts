import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, lookup, parameterFromString, readDefinition, resolve, type Scope, type Value } from "../../src/sandbox/pipeline-definition";

const FIXTURE = readFileSync(join(__dirname, "../fixtures/pipeline.json"), "utf8");

/** A scope with fixed parameters, one finished step and one property file. */
function scope(report: Value = { metrics: { accuracy: { value: 0.93 } }, classes: ["a", "b"] }): Scope {
  return {
    parameters: { Threshold: 0.9, Stage: "prod", Enabled: true },
    execution: { PipelineExecutionId: "abc123def456" },
    stepProperties: (name) => (name === "Prep" ? { ProcessingOutputConfig: { Outputs: [{ OutputName: "train", S3Output: { S3Uri: "s3://b/train" } }] } } : undefined),
    propertyFile: (step, file) => {
      if (step !== "Eval" || file !== "Report") throw new Error("no such file");
      return report;
    },
  };
}
const metric = { "Std:JsonGet": { PropertyFile: { Get: "Steps.Eval.PropertyFiles.Report" }, Path: "metrics.accuracy.value" } };

describe("pipeline definitions", () => {
  it("reads the fixture: five steps, the Condition's branches placed under it, dependencies from data and branches", () => {
    const read = readDefinition(FIXTURE);
    if ("problems" in read) throw new Error(read.problems.join("; "));
    expect(read.steps.map((p) => [p.step.Name, p.after.sort(), p.branch?.outcome])).toEqual([
      ["Preprocess", [], undefined],
      ["Train", ["Preprocess"], undefined],
      ["Evaluate", ["Preprocess", "Train"], undefined],
      ["CheckAccuracy", ["Evaluate"], undefined],
      ["RegisterModel-RegisterModel", ["CheckAccuracy", "Evaluate", "Train"], true],
      ["AccuracyTooLow", ["CheckAccuracy"], false],
    ]);
  });

  it("resolves Get, Std:JsonGet and Std:Join, and picks list members by name", () => {
    const s = scope();
    expect(resolve({ a: { Get: "Parameters.Threshold" }, b: [{ Get: "Execution.PipelineExecutionId" }] }, s)).toEqual({ a: 0.9, b: ["abc123def456"] });
    expect(resolve({ Get: "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" }, s)).toBe("s3://b/train");
    expect(resolve(metric, s)).toBe(0.93);
    expect(resolve({ "Std:Join": { On: "/", Values: ["s3://b", { Get: "Execution.PipelineExecutionId" }, 1] } }, s)).toBe("s3://b/abc123def456/1");
    expect(lookup({ a: [{ b: 1 }, { b: 2 }] }, "a[1].b", false)).toBe(2);
    expect(() => resolve({ Get: "Steps.Train.ModelArtifacts.S3ModelArtifacts" }, s)).toThrow(/step Train has not produced properties/);
    expect(() => resolve({ ...metric, "Std:JsonGet": { ...metric["Std:JsonGet"], Path: "metrics.loss" } }, s)).toThrow(/path metrics.loss not found/);
  });

  it("evaluates every condition type", () => {
    const s = scope();
    const threshold = { Get: "Parameters.Threshold" };
    expect(evaluate({ Type: "GreaterThanOrEqualTo", LeftValue: metric, RightValue: threshold }, s)).toBe(true);
    expect(evaluate({ Type: "GreaterThan", LeftValue: metric, RightValue: 0.93 }, s)).toBe(false);
    expect(evaluate({ Type: "LessThan", LeftValue: metric, RightValue: 1 }, s)).toBe(true);
    expect(evaluate({ Type: "LessThanOrEqualTo", LeftValue: metric, RightValue: 0.9 }, s)).toBe(false);
    expect(evaluate({ Type: "Equals", LeftValue: { Get: "Parameters.Stage" }, RightValue: "prod" }, s)).toBe(true);
    expect(evaluate({ Type: "In", QueryValue: { Get: "Parameters.Stage" }, Values: ["dev", "prod"] }, s)).toBe(true);
    expect(evaluate({ Type: "Not", Expression: { Type: "Equals", LeftValue: { Get: "Parameters.Enabled" }, RightValue: true } }, s)).toBe(false);
    expect(evaluate({ Type: "Or", Conditions: [{ Type: "LessThan", LeftValue: metric, RightValue: 0.5 }, { Type: "Equals", LeftValue: 1, RightValue: 1 }] }, s)).toBe(true);
    expect(() => evaluate({ Type: "GreaterThan", LeftValue: "a", RightValue: 1 }, s)).toThrow(/cannot compare/);
    expect(() => evaluate({ Type: "Xor" }, s)).toThrow(/unknown condition type/);
  });

  it("converts PipelineParameters strings to their declared types", () => {
    expect(parameterFromString("3", "Integer")).toBe(3);
    expect(parameterFromString("3.5", "Integer")).toBeUndefined();
    expect(parameterFromString("0.85", "Float")).toBe(0.85);
    expect(parameterFromString("", "Float")).toBeUndefined();
    expect(parameterFromString("true", "Boolean")).toBe(true);
    expect(parameterFromString("yes", "Boolean")).toBeUndefined();
    expect(parameterFromString("", "String")).toBe("");
  });

  it("names the JSON path of each problem", () => {
    const problems = (change: (d: any) => void) => {
      const d = JSON.parse(FIXTURE);
      change(d);
      const read = readDefinition(JSON.stringify(d));
      return "problems" in read ? read.problems : [];
    };
    expect(problems((d) => (d.Parameters[0].Type = "Number"))).toEqual([expect.stringContaining("Parameters[0].Type must be one of String, Integer, Float, Boolean")]);
    expect(problems((d) => (d.Steps[3].Arguments.IfSteps[0].Name = "Train"))).toEqual([expect.stringContaining("Steps[3].Arguments.IfSteps[0].Name: step name Train is already used at Steps[1]")]);
    // A Fail step may have no ErrorMessage; nothing may depend on it.
    expect(problems((d) => (d.Steps[3].Arguments.ElseSteps[0].Arguments = {}))).toEqual([]);
    expect(problems((d) => d.Steps.push({ Name: "After", Type: "Fail", DependsOn: ["AccuracyTooLow"] }))).toEqual(["Steps[4]: After can not depends on AccuracyTooLow, a Fail step"]);
    expect(problems((d) => (d.Steps[0].Type = "Lambda"))).toEqual([expect.stringContaining("Steps[0].Type")]);
    expect(problems((d) => (d.Steps = []))).toEqual(["Steps must be a non-empty list"]);
  });
});
