import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkDefinition,
  checkDefinitionText,
  definitionSizeProblem,
  normalizeJson,
  parseParameterValue,
  pipelineNameProblem,
} from "../../src/core/pipeline-definition";
import { ROOT } from "../helpers/cli";

const FIXTURE = readFileSync(join(ROOT, "test/fixtures/pipeline-cmd/pipeline.json"), "utf8");
const fresh = (): any => JSON.parse(FIXTURE);

/** The fixture changed by `edit`; the problems found in it. */
function problemsAfter(edit: (d: any) => void) {
  const d = fresh();
  edit(d);
  return checkDefinition(d).problems;
}

describe("checkDefinition: the example pipeline", () => {
  it("passes, with its parameters and every step (the Condition's branches too)", () => {
    const checked = checkDefinitionText(FIXTURE);
    expect(checked.problems).toEqual([]);
    expect(checked.parameters.map((p) => `${p.name}:${p.type}`)).toEqual(["InputData:String", "TrainingInstanceType:String", "Epochs:Integer", "AccuracyThreshold:Float", "ModelApprovalStatus:String", "UseSpot:Boolean"]);
    expect(checked.steps.map((s) => `${s.name}:${s.type}@${s.path}`)).toEqual([
      "Preprocess:Processing@Steps[0]",
      "Train:Training@Steps[1]",
      "Evaluate:Processing@Steps[2]",
      "CheckAccuracy:Condition@Steps[3]",
      "RegisterModel:RegisterModel@Steps[3].Arguments.IfSteps[0]",
      "AccuracyTooLow:Fail@Steps[3].Arguments.ElseSteps[0]",
    ]);
  });
});

/** Each bad definition, and the path (and words) its problem names. */
const BAD: Array<[string, (d: any) => void, string, RegExp]> = [
  ["wrong Version", (d) => (d.Version = "2021-01-01"), "Version", /must be "2020-12-01"/],
  ["no Version", (d) => delete d.Version, "Version", /missing/],
  ["no steps", (d) => (d.Steps = []), "Steps", /at least one step/],
  ["duplicate step name", (d) => (d.Steps[1].Name = "Preprocess"), "Steps[1].Name", /already the name of Steps\[0\]/],
  ["duplicate name inside a Condition branch", (d) => (d.Steps[3].Arguments.IfSteps[0].Name = "Train"), "Steps[3].Arguments.IfSteps[0].Name", /unique/],
  ["bad step name", (d) => (d.Steps[0].Name = "pre process"), "Steps[0].Name", /letters, digits/],
  ["unknown step type", (d) => (d.Steps[1].Type = "Trainning"), "Steps[1].Type", /not a step type/],
  ["dangling step reference", (d) => (d.Steps[2].Arguments.ProcessingInputs[0].S3Input.S3Uri.Get = "Steps.Trian.ModelArtifacts.S3ModelArtifacts"), "Steps[2].Arguments.ProcessingInputs[0].S3Input.S3Uri.Get", /no step is named "Trian"/],
  ["undeclared parameter", (d) => (d.Steps[1].Arguments.ResourceConfig.InstanceType.Get = "Parameters.InstanceType"), "Steps[1].Arguments.ResourceConfig.InstanceType.Get", /no parameter "InstanceType" is declared \(declared: InputData/],
  ["unknown property file", (d) => (d.Steps[3].Arguments.Conditions[0].LeftValue["Std:JsonGet"].PropertyFile.Get = "Steps.Evaluate.PropertyFiles.Report"), "Steps[3].Arguments.Conditions[0].LeftValue.Std:JsonGet.PropertyFile.Get", /declares no property file "Report" \(it declares EvaluationReport\)/],
  ["Std:JsonGet without Path", (d) => delete d.Steps[3].Arguments.Conditions[0].LeftValue["Std:JsonGet"].Path, "Steps[3].Arguments.Conditions[0].LeftValue.Std:JsonGet.Path", /required/],
  ["property file on a Training step", (d) => (d.Steps[1].PropertyFiles = [{ PropertyFileName: "X", OutputName: "o", FilePath: "x.json" }]), "Steps[1].PropertyFiles", /only Processing steps/],
  ["property file naming no output", (d) => (d.Steps[2].PropertyFiles[0].OutputName = "eval"), "Steps[2].PropertyFiles[0].OutputName", /not one of the step's ProcessingOutputConfig.Outputs \(evaluation\)/],
  ["DependsOn a missing step", (d) => (d.Steps[1].DependsOn = ["Preprocess", "Clean"]), "Steps[1].DependsOn[1]", /"Clean": no step is named so/],
  ["DependsOn itself", (d) => (d.Steps[1].DependsOn = ["Train"]), "Steps[1].DependsOn[0]", /cannot depend on itself/],
  ["dependency cycle", (d) => (d.Steps[0].DependsOn = ["Evaluate"]), "Steps[2]", /cycle: Evaluate → Train → Preprocess → Evaluate/],
  ["ElseSteps naming a missing step", (d) => (d.Steps[3].Arguments.ElseSteps = ["Fail"]), "Steps[3].Arguments.ElseSteps[0]", /"Fail": no step is named so/],
  ["unknown condition type", (d) => (d.Steps[3].Arguments.Conditions[0].Type = "AtLeast"), "Steps[3].Arguments.Conditions[0].Type", /not a condition type/],
  ["condition without RightValue", (d) => delete d.Steps[3].Arguments.Conditions[0].RightValue, "Steps[3].Arguments.Conditions[0].RightValue", /required/],
  ["unknown parameter type", (d) => (d.Parameters[1].Type = "Text"), "Parameters[1].Type", /String, Integer, Float or Boolean/],
  ["Integer parameter with a string default", (d) => (d.Parameters[2].DefaultValue = "10"), "Parameters[2].DefaultValue", /"10" is not a Integer/],
  ["Integer parameter with a fraction", (d) => (d.Parameters[2].DefaultValue = 1.5), "Parameters[2].DefaultValue", /not a Integer/],
  ["Boolean parameter with a string default", (d) => (d.Parameters[5].DefaultValue = "false"), "Parameters[5].DefaultValue", /not a Boolean/],
  ["parameter declared twice", (d) => d.Parameters.push({ Name: "Epochs", Type: "Integer" }), "Parameters[6].Name", /declared twice/],
  ["bad parameter name", (d) => (d.Parameters[0].Name = "input data"), "Parameters[0].Name", /letters, digits/],
  ["unknown execution variable", (d) => (d.Steps[0].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri = { Get: "Execution.Id" }), "Steps[0].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri.Get", /not an execution variable/],
  ["reference with an unknown root", (d) => (d.Steps[1].Arguments.OutputDataConfig.S3OutputPath = { Get: "Pipeline.Name" }), "Steps[1].Arguments.OutputDataConfig.S3OutputPath.Get", /starts with Parameters., Steps. or Execution./],
  ["a step reading its own properties", (d) => (d.Steps[1].Arguments.OutputDataConfig.S3OutputPath = { Get: "Steps.Train.ModelArtifacts.S3ModelArtifacts" }), "Steps[1].Arguments.OutputDataConfig.S3OutputPath.Get", /its own properties/],
  ["a step after a Fail step", (d) => (d.Steps[1].DependsOn = ["AccuracyTooLow"]), "Steps[1]", /depends on AccuracyTooLow, a Fail step/],
  ["Training step without Arguments", (d) => delete d.Steps[1].Arguments, "Steps[1].Arguments", /needs its Arguments/],
];

describe("checkDefinition: the sandbox's reference definition (test/fixtures/pipeline.json)", () => {
  it("passes too", () => {
    expect(checkDefinitionText(readFileSync(join(ROOT, "test/fixtures/pipeline.json"), "utf8")).problems).toEqual([]);
  });
});

describe("checkDefinition: bad definitions name the JSON path", () => {
  it("has at least 15 cases", () => expect(BAD.length).toBeGreaterThanOrEqual(15));

  it.each(BAD)("%s → %s", (_name, edit, path, words) => {
    const problems = problemsAfter(edit);
    const found = problems.find((p) => p.path === path);
    expect(found, JSON.stringify(problems)).toBeDefined();
    expect(found!.message).toMatch(words);
  });

  it("not JSON, and not an object, are named as the whole definition", () => {
    expect(checkDefinitionText("{ Version: 1 }").problems[0]).toMatchObject({ path: "(definition)", message: expect.stringMatching(/^not JSON/) });
    expect(checkDefinitionText("[]").problems[0]).toMatchObject({ path: "(definition)" });
  });

  it("the older Std:JsonGet form, a property file by name, resolves too", () => {
    expect(problemsAfter((d) => (d.Steps[3].Arguments.Conditions[0].LeftValue["Std:JsonGet"].PropertyFile = "EvaluationReport"))).toEqual([]);
    const problems = problemsAfter((d) => (d.Steps[3].Arguments.Conditions[0].LeftValue["Std:JsonGet"].PropertyFile = "Report"));
    expect(problems[0]).toMatchObject({ path: "Steps[3].Arguments.Conditions[0].LeftValue.Std:JsonGet.PropertyFile" });
  });

  it("branches may name top-level steps instead of nesting them", () => {
    expect(
      problemsAfter((d) => {
        const [register] = d.Steps[3].Arguments.IfSteps;
        d.Steps.push(register);
        d.Steps[3].Arguments.IfSteps = ["RegisterModel"];
      }),
    ).toEqual([]);
  });
});

describe("names, sizes, values", () => {
  it("pipeline names follow botocore's PipelineName", () => {
    expect(pipelineNameProblem("churn-training")).toBeUndefined();
    expect(pipelineNameProblem("churn_training")).toMatch(/letters, digits and inner hyphens/);
    expect(pipelineNameProblem("-churn")).toMatch(/inner hyphens/);
    expect(pipelineNameProblem("a".repeat(257))).toMatch(/at most 256/);
    expect(pipelineNameProblem("a".repeat(256))).toBeUndefined();
  });

  it("a body over 100 KB must go through S3; over the model's maximum, nowhere", () => {
    expect(definitionSizeProblem(100 * 1024)).toBeUndefined();
    expect(definitionSizeProblem(100 * 1024 + 1)?.message).toMatch(/PipelineDefinitionS3Location/);
    expect(definitionSizeProblem(1_048_577)?.message).toMatch(/at most 1048576/);
  });

  it("normalised JSON ignores key order and whitespace, not values", () => {
    expect(normalizeJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(normalizeJson(JSON.parse('{"a":[{"x":1, "y":2}],\n "b":1}')));
    expect(normalizeJson({ a: [1, 2] })).not.toBe(normalizeJson({ a: [2, 1] }));
  });

  it("parameter values are checked against their type", () => {
    expect(parseParameterValue("Integer", "12")).toBe(12);
    expect(() => parseParameterValue("Integer", "1.5")).toThrow(/whole number/);
    expect(parseParameterValue("Float", "0.93")).toBe(0.93);
    expect(() => parseParameterValue("Float", "high")).toThrow(/must be a number/);
    expect(parseParameterValue("Boolean", "TRUE")).toBe(true);
    expect(() => parseParameterValue("Boolean", "yes")).toThrow(/true or false/);
    expect(() => parseParameterValue("String", "x".repeat(1025))).toThrow(/at most 1024/);
  });
});
