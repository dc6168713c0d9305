import { describe, expect, it } from "vitest";
import { checkDefinition, checkDefinitionText, definitionSizeProblem, parseParameterValue, type DefinitionProblem } from "../../src/core/pipeline-definition";

/**
 * Small hand-written definitions and the whole list of problems each has, worked out from the
 * rules in src/core/pipeline-definition.ts' sources (the definition JSON schema, botocore's model).
 */
const VERSION = "2020-12-01";
const def = (Steps: unknown, extra: Record<string, unknown> = {}) => ({ Version: VERSION, Steps, ...extra });
const proc = (Name: unknown, extra: Record<string, unknown> = {}) => ({ Name, Type: "Processing", Arguments: {}, ...extra });
const fail = (Name: string) => ({ Name, Type: "Fail", Arguments: { ErrorMessage: "stop" } });
const cond = (Name: string, args: Record<string, unknown>) => ({ Name, Type: "Condition", Arguments: args });
const gte = (left: unknown) => ({ Type: "GreaterThanOrEqualTo", LeftValue: left, RightValue: 0.9 });
const problems = (document: unknown): DefinitionProblem[] => checkDefinition(document).problems;
const p = (path: string, message: string): DefinitionProblem => ({ path, message });
const NAME_RULE = "must be 1–64 letters, digits, - or _";

describe("the document", () => {
  it("null is not a definition", () => {
    expect(checkDefinition(null)).toEqual({ parameters: [], steps: [], problems: [p("(definition)", "must be a JSON object with Version, Parameters and Steps")] });
  });

  it("text that is not JSON", () => {
    let reason = "";
    try {
      JSON.parse("{");
    } catch (error) {
      reason = (error as Error).message;
    }
    expect(checkDefinitionText("{")).toEqual({ parameters: [], steps: [], problems: [p("(definition)", `not JSON: ${reason}`)] });
  });

  it.each([
    [{ Steps: [fail("F")] }, [p("Version", `is missing; it must be "${VERSION}"`)]],
    [{ Version: "2019-01-01", Steps: [fail("F")] }, [p("Version", `must be "${VERSION}" (got "2019-01-01")`)]],
    [{ Version: VERSION }, [p("Steps", "is missing: a pipeline needs at least one step")]],
    [{ Version: VERSION, Steps: [] }, [p("Steps", "is empty: a pipeline needs at least one step")]],
    [{ Version: VERSION, Steps: "F" }, [p("Steps", "must be an array of steps")]],
  ])("%j", (document, expected) => {
    expect(problems(document)).toEqual(expected);
  });
});

describe("steps", () => {
  it.each([
    ["a string at the top level", def(["F"]), [p("Steps[0]", "must be a step object with Name, Type and Arguments")]],
    ["a name that is a number", def([{ ...fail("F"), Name: 5 }]), [p("Steps[0].Name", `${NAME_RULE} (got 5)`)]],
    ["no name", def([{ Type: "Fail" }]), [p("Steps[0].Name", `${NAME_RULE} (got null)`)]],
    [
      "a type that is a number",
      def([{ Name: "S", Type: 5, Arguments: {} }]),
      [p("Steps[0].Type", "is not a step type SageMaker knows (got 5); one of Processing, Training, Transform, Tuning, CreateModel, RegisterModel, Condition, Fail, Lambda, Callback, QualityCheck, ClarifyCheck, EMR, AutoML")],
    ],
    ["no Arguments on a Processing step", def([{ Name: "S", Type: "Processing" }]), [p("Steps[0].Arguments", "is missing: a Processing step needs its Arguments")]],
    ["no Arguments on a Fail step", def([{ Name: "F", Type: "Fail" }]), []],
    [
      "no Arguments on a step of no known type",
      def([{ Name: "S", Type: 5 }]),
      [p("Steps[0].Type", expect.stringMatching(/^is not a step type SageMaker knows \(got 5\)/)), p("Steps[0].Arguments", "is missing: a step step needs its Arguments")],
    ],
    [
      "two steps without a valid name are not duplicates, and their Arguments are not read",
      def([proc(5, { Arguments: { X: { Get: "Parameters.Nope" } } }), proc(6)]),
      [p("Steps[0].Name", `${NAME_RULE} (got 5)`), p("Steps[1].Name", `${NAME_RULE} (got 6)`)],
    ],
    ["a repeated name", def([fail("F"), fail("F")]), [p("Steps[1].Name", '"F" is already the name of Steps[0]; step names must be unique')]],
  ])("%s", (_label, document, expected) => {
    expect(problems(document)).toEqual(expected);
  });

  it("lists every step with its name and type as given (none when not a string)", () => {
    expect(checkDefinition(def([{ Name: 5, Type: 6, Arguments: {} }, fail("F")])).steps).toEqual([
      { name: "", type: "", path: "Steps[0]" },
      { name: "F", type: "Fail", path: "Steps[1]" },
    ]);
  });

  it("only a Condition's branches hold steps", () => {
    const document = def([proc("P", { Arguments: { IfSteps: [fail("Inner")] } })]);
    expect(checkDefinition(document)).toMatchObject({ steps: [{ name: "P", type: "Processing", path: "Steps[0]" }], problems: [] });
  });
});

describe("Condition steps", () => {
  const c = (name: string, args: Record<string, unknown>, ...more: unknown[]) => def([cond(name, args), ...more]);

  it.each([
    ["branches of nested steps, ElseSteps left out", c("C", { Conditions: [gte(0.95)], IfSteps: [fail("F")] }), []],
    ["Arguments that are not an object", c("C", 5 as unknown as Record<string, unknown>), [p("Steps[0].Arguments", "must be an object with Conditions, IfSteps and ElseSteps")]],
    ["no Conditions", c("C", { IfSteps: [] }), [p("Steps[0].Arguments.Conditions", "must be a non-empty array of conditions")]],
    ["empty Conditions", c("C", { Conditions: [] }), [p("Steps[0].Arguments.Conditions", "must be a non-empty array of conditions")]],
    ["IfSteps that are not a list", c("C", { Conditions: [gte(1)], IfSteps: "F" }), [p("Steps[0].Arguments.IfSteps", "must be an array of steps")]],
    ["a branch naming no step", c("C", { Conditions: [gte(1)], IfSteps: ["Nope"] }), [p("Steps[0].Arguments.IfSteps[0]", '"Nope": no step is named so')]],
    [
      "a branch entry that is neither a name nor a step",
      c("C", { Conditions: [gte(1)], IfSteps: [5, null] }),
      [p("Steps[0].Arguments.IfSteps[0]", "must be a step object with Name, Type and Arguments"), p("Steps[0].Arguments.IfSteps[1]", "must be a step object with Name, Type and Arguments")],
    ],
    ["a branch naming the Condition itself makes no cycle", c("C", { Conditions: [gte(1)], IfSteps: ["C"] }), []],
    [
      "a condition reading a step its branch runs (by name): a cycle",
      c("C", { Conditions: [gte({ Get: "Steps.P.Properties.X" })], IfSteps: ["P"] }, proc("P")),
      [p("Steps[0]", "dependency cycle: C → P → C")],
    ],
    [
      "a condition reading a step its branch runs (nested): a cycle",
      c("C", { Conditions: [gte({ Get: "Steps.P.Properties.X" })], ElseSteps: [proc("P")] }),
      [p("Steps[0]", "dependency cycle: C → P → C")],
    ],
  ])("%s", (_label, document, expected) => {
    expect(problems(document)).toEqual(expected);
  });
});

describe("conditions", () => {
  const TYPES = "GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, Equals, NotEquals, In, NotIn, Or, Not";
  const at = "Steps[0].Arguments.Conditions[0]";
  it.each([
    ["not an object", 5, [p(at, "must be a condition object with Type")]],
    ["no Type", { LeftValue: 1 }, [p(`${at}.Type`, `is not a condition type (got null); one of ${TYPES}`)]],
    ["a Type that is a number", { Type: 5 }, [p(`${at}.Type`, `is not a condition type (got 5); one of ${TYPES}`)]],
    ["In without Value and In", { Type: "In" }, [p(`${at}.Value`, "is required"), p(`${at}.In`, "must be an array")]],
    ["NotIn complete", { Type: "NotIn", Value: 1, In: [1, 2] }, []],
    ["In with In not a list", { Type: "In", Value: 1, In: 2 }, [p(`${at}.In`, "must be an array")]],
    ["Or without a list", { Type: "Or", Conditions: 5 }, [p(`${at}.Conditions`, "must be an array of conditions")]],
    ["Or with a bad member", { Type: "Or", Conditions: [gte(1), { Type: "Equals", LeftValue: 1 }] }, [p(`${at}.Conditions[1].RightValue`, "is required")]],
    ["Not of a bad expression", { Type: "Not", Expression: { Type: "LessThan" } }, [p(`${at}.Expression.LeftValue`, "is required"), p(`${at}.Expression.RightValue`, "is required")]],
    ["Not without an expression", { Type: "Not" }, [p(`${at}.Expression`, "must be a condition object with Type")]],
  ])("%s", (_label, condition, expected) => {
    expect(problems(def([cond("C", { Conditions: [condition] })]))).toEqual(expected);
  });
});

describe("parameters", () => {
  const withParameters = (Parameters: unknown) => def([fail("F")], { Parameters });
  it.each([
    ["none declared", def([fail("F")]), []],
    ["not a list", withParameters("x"), [p("Parameters", "must be an array of {Name, Type, DefaultValue}")]],
    ["a member that is not an object", withParameters([5]), [p("Parameters[0]", "must be an object {Name, Type, DefaultValue}")]],
    ["a name that is a number", withParameters([{ Name: 5 }]), [p("Parameters[0].Name", `${NAME_RULE} (got 5)`)]],
    ["a Type that is a number", withParameters([{ Name: "X", Type: 5 }]), [p("Parameters[0].Type", "must be String, Integer, Float or Boolean (got 5)")]],
    ["no default", withParameters([{ Name: "X", Type: "Integer" }]), []],
    ["a String with a number", withParameters([{ Name: "X", Type: "String", DefaultValue: 5 }]), [p("Parameters[0].DefaultValue", "5 is not a String")]],
    ["an Integer given as text", withParameters([{ Name: "X", Type: "Integer", DefaultValue: "5" }]), [p("Parameters[0].DefaultValue", '"5" is not a Integer')]],
    ["a Float given as text", withParameters([{ Name: "X", Type: "Float", DefaultValue: "0.5" }]), [p("Parameters[0].DefaultValue", '"0.5" is not a Float')]],
    ["a Float that is infinite", withParameters([{ Name: "X", Type: "Float", DefaultValue: Number.POSITIVE_INFINITY }]), [p("Parameters[0].DefaultValue", "null is not a Float")]],
  ])("%s", (_label, document, expected) => {
    expect(problems(document)).toEqual(expected);
  });
});

describe("references", () => {
  const reading = (value: unknown, ...more: unknown[]) => def([proc("S", { Arguments: { X: value } }), ...more]);
  const X = "Steps[0].Arguments.X";
  const EXECUTION = "Execution.PipelineExecutionId, Execution.PipelineExecutionArn, Execution.PipelineName, Execution.PipelineArn, Execution.StartDateTime, Execution.CurrentDateTime";
  const withFiles = (Name: string, files: unknown, Outputs?: unknown[]) =>
    proc(Name, { PropertyFiles: files, Arguments: Outputs ? { ProcessingOutputConfig: { Outputs } } : {} });
  const report = { PropertyFileName: "Rep", OutputName: "evaluation", FilePath: "evaluation.json" };

  it.each([
    ["a Get that is not a string", reading({ Get: 5 }), [p(`${X}.Get`, "must be a string such as Parameters.X, Steps.S.Properties… or Execution.PipelineExecutionId")]],
    ["an undeclared parameter, none declared", reading({ Get: "Parameters.Nope" }), [p(`${X}.Get`, '"Parameters.Nope": no parameter "Nope" is declared')]],
    ["an execution variable", reading({ Get: "Execution.PipelineName" }), []],
    ["an unknown execution variable", reading({ Get: "Execution.Nope" }), [p(`${X}.Get`, `"Execution.Nope": not an execution variable (${EXECUTION})`)]],
    ["a property file of a step that declares none", reading({ Get: "Steps.P.PropertyFiles.Rep" }, proc("P")), [p(`${X}.Get`, '"Steps.P.PropertyFiles.Rep": step P declares no property file "Rep"')]],
    ["Std:JsonGet that is not an object", reading({ "Std:JsonGet": 5 }), [p(`${X}.Std:JsonGet`, "must be an object {PropertyFile, Path}")]],
    [
      "Std:JsonGet with an empty Path and no PropertyFile",
      reading({ "Std:JsonGet": { Path: "" } }),
      [p(`${X}.Std:JsonGet.Path`, "is required: the JSON path to read in the property file"), p(`${X}.Std:JsonGet.PropertyFile`, 'is required: {"Get": "Steps.<step>.PropertyFiles.<name>"}')],
    ],
    [
      "a PropertyFile Get that reads properties, not a property file",
      reading({ "Std:JsonGet": { Path: "a", PropertyFile: { Get: "Steps.P.Properties.X" } } }, withFiles("P", [report])),
      [p(`${X}.Std:JsonGet.PropertyFile.Get`, '"Steps.P.Properties.X": a PropertyFile reference is Steps.<step>.PropertyFiles.<name>')],
    ],
    [
      "a PropertyFile Get with text before it",
      reading({ "Std:JsonGet": { Path: "a", PropertyFile: { Get: "xSteps.P.PropertyFiles.Rep" } } }, withFiles("P", [report])),
      [p(`${X}.Std:JsonGet.PropertyFile.Get`, '"xSteps.P.PropertyFiles.Rep": a PropertyFile reference is Steps.<step>.PropertyFiles.<name>')],
    ],
    [
      "a PropertyFile Get with text after it",
      reading({ "Std:JsonGet": { Path: "a", PropertyFile: { Get: "Steps.P.PropertyFiles.Rep.x" } } }, withFiles("P", [report])),
      [p(`${X}.Std:JsonGet.PropertyFile.Get`, '"Steps.P.PropertyFiles.Rep.x": a PropertyFile reference is Steps.<step>.PropertyFiles.<name>')],
    ],
    [
      "a PropertyFile Get that is not a string",
      reading({ "Std:JsonGet": { Path: "a", PropertyFile: { Get: 5 } } }),
      [p(`${X}.Std:JsonGet.PropertyFile.Get`, "must be a string such as Parameters.X, Steps.S.Properties… or Execution.PipelineExecutionId")],
    ],
    ["a step reading its own property file by name: no dependency", def([{ ...withFiles("P", [report]), Arguments: { X: { "Std:JsonGet": { Path: "a", PropertyFile: "Rep" } } } }]), []],
    [
      "a property file by name, declared by an unnamed step first and a named one after",
      reading({ "Std:JsonGet": { Path: "a", PropertyFile: "Rep" } }, withFiles(5 as unknown as string, [report]), withFiles("P", [report])),
      [p("Steps[1].Name", `${NAME_RULE} (got 5)`)],
    ],
    [
      "a property file by name makes a dependency: here a cycle",
      def([{ ...withFiles("P", [report]), DependsOn: ["S"] }, proc("S", { Arguments: { X: { "Std:JsonGet": { Path: "a", PropertyFile: "Rep" } } } })]),
      [p("Steps[0]", "dependency cycle: P → S → P")],
    ],
  ])("%s", (_label, document, expected) => {
    expect(problems(document)).toEqual(expected);
  });
});

describe("property files", () => {
  const files = (PropertyFiles: unknown, extra: Record<string, unknown> = {}) => def([proc("P", { PropertyFiles, ...extra })]);
  const F = "Steps[0].PropertyFiles";
  it.each([
    ["on a Training step", def([{ Name: "T", Type: "Training", Arguments: {}, PropertyFiles: [] }]), [p(F, "only Processing steps have property files (this step is Training)")]],
    [
      "on a step of no type",
      def([{ Name: "T", Type: 5, Arguments: {}, PropertyFiles: [] }]),
      [p("Steps[0].Type", expect.stringMatching(/^is not a step type/)), p(F, "only Processing steps have property files (this step is of no type)")],
    ],
    ["not a list", files("x"), [p(F, "must be an array of {PropertyFileName, OutputName, FilePath}")]],
    ["a member that is not an object", files(["x"]), [p(`${F}[0]`, "must be an object {PropertyFileName, OutputName, FilePath}")]],
    [
      "empty and missing fields",
      files([{ PropertyFileName: "", FilePath: 5 }]),
      [p(`${F}[0].PropertyFileName`, "is required (a string)"), p(`${F}[0].OutputName`, "is required (a string)"), p(`${F}[0].FilePath`, "is required (a string)")],
    ],
    [
      "two files without names are not declared twice",
      files([{ OutputName: "o", FilePath: "f" }, { OutputName: "o", FilePath: "f" }]),
      [p(`${F}[0].PropertyFileName`, "is required (a string)"), p(`${F}[1].PropertyFileName`, "is required (a string)")],
    ],
    [
      "a name declared twice",
      files([{ PropertyFileName: "R", OutputName: "o", FilePath: "f" }, { PropertyFileName: "R", OutputName: "o", FilePath: "f" }]),
      [p(`${F}[1].PropertyFileName`, '"R" is declared twice on this step')],
    ],
    [
      "an output the step does not have",
      files([{ PropertyFileName: "R", OutputName: "b", FilePath: "f" }], { Arguments: { ProcessingOutputConfig: { Outputs: [{ OutputName: "a" }] } } }),
      [p(`${F}[0].OutputName`, '"b" is not one of the step\'s ProcessingOutputConfig.Outputs (a)')],
    ],
    [
      "no OutputName where outputs are spelt out",
      files([{ PropertyFileName: "R", FilePath: "f" }], { Arguments: { ProcessingOutputConfig: { Outputs: [{ OutputName: "a" }] } } }),
      [p(`${F}[0].OutputName`, "is required (a string)")],
    ],
    [
      "outputs not all spelt out are not checked",
      files([{ PropertyFileName: "R", OutputName: "b", FilePath: "f" }], { Arguments: { ProcessingOutputConfig: { Outputs: [{ OutputName: "a" }, { S3Output: {} }] } } }),
      [],
    ],
  ])("%s", (_label, document, expected) => {
    expect(problems(document)).toEqual(expected);
  });
});

describe("dependencies", () => {
  it.each([
    ["DependsOn that is not a list", def([fail("F"), proc("S", { DependsOn: "F" })]), [p("Steps[1].DependsOn", "must be an array of step names")]],
    ["DependsOn naming no step", def([proc("S", { DependsOn: [5, "Nope"] })]), [p("Steps[0].DependsOn[0]", "5: no step is named so"), p("Steps[0].DependsOn[1]", '"Nope": no step is named so')]],
    ["DependsOn itself", def([proc("S", { DependsOn: ["S"] })]), [p("Steps[0].DependsOn[0]", '"S": a step cannot depend on itself')]],
    [
      "after a Fail step, whatever else it waits for",
      def([fail("F"), proc("A"), proc("S", { DependsOn: ["F", "A"] })]),
      [p("Steps[2]", "step S depends on F, a Fail step: nothing can run after a Fail step")],
    ],
  ])("%s", (_label, document, expected) => {
    expect(problems(document)).toEqual(expected);
  });

  it("of two cycles, the one through the first names in order is reported", () => {
    // A waits for C and B (in that order); both wait for A. Names are walked in sorted order: A, then B.
    const document = def([proc("A", { DependsOn: ["C", "B"] }), proc("B", { DependsOn: ["A"] }), proc("C", { DependsOn: ["A"] })]);
    expect(problems(document)).toEqual([p("Steps[0]", "dependency cycle: A → B → A")]);
  });

  it("a cycle after a step that is in none is found", () => {
    const document = def([proc("A", { DependsOn: ["X"] }), proc("X"), proc("B", { DependsOn: ["C"] }), proc("C", { DependsOn: ["B"] })]);
    expect(problems(document)).toEqual([p("Steps[2]", "dependency cycle: B → C → B")]);
  });
});

describe("sizes and parameter values", () => {
  it("a definition of exactly 1,048,576 bytes is over the body limit only", () => {
    expect(definitionSizeProblem(1_048_576)).toEqual({
      path: "(definition)",
      message:
        "is 1048576 bytes; a definition sent in the request (PipelineDefinition) is at most 102400 bytes (100 KB): a larger one must be uploaded to S3 and passed as PipelineDefinitionS3Location, which mlops pipeline upsert does not do",
    });
  });

  it("a String value of 1024 characters is accepted, 1025 refused (Parameter.Value ≤ 1024)", () => {
    expect(parseParameterValue("String", "v".repeat(1024))).toBe("v".repeat(1024));
    expect(() => parseParameterValue("String", "v".repeat(1025))).toThrow("is 1025 characters; a parameter value is at most 1024");
  });

  it.each([
    [" 12 ", 12],
    ["+5", 5],
    ["-5", -5],
  ])("Integer %j is %d", (text, value) => {
    expect(parseParameterValue("Integer", text)).toBe(value);
  });

  // 2^53 + 1 is written in digits but is no safe integer.
  it.each(["x12", "12x", "1.5", "9007199254740993"])("Integer %j is refused", (text) => {
    expect(() => parseParameterValue("Integer", text)).toThrow(`must be a whole number (an Integer parameter; got "${text}")`);
  });

  it.each([
    [" 0.5 ", 0.5],
    ["+1.5", 1.5],
    ["-1.5", -1.5],
    ["12.5", 12.5],
    ["12", 12],
    ["12.", 12],
    [".25", 0.25],
    ["1e5", 100000],
    ["1e+5", 100000],
    ["1E-2", 0.01],
    ["1e10", 1e10],
  ])("Float %j is %d", (text, value) => {
    expect(parseParameterValue("Float", text)).toBe(value);
  });

  // 1e400 is written as a number but is beyond a double: Infinity.
  it.each(["x1", "1x", ".", "1e", "1e400", "."])("Float %j is refused", (text) => {
    expect(() => parseParameterValue("Float", text)).toThrow(`must be a number (a Float parameter; got "${text}")`);
  });

  it.each([
    [" true ", true],
    ["TRUE", true],
    ["false", false],
    [" FALSE ", false],
  ])("Boolean %j is %s", (text, value) => {
    expect(parseParameterValue("Boolean", text)).toBe(value);
  });

  it.each(["xtrue", "truex", "yes"])("Boolean %j is refused", (text) => {
    expect(() => parseParameterValue("Boolean", text)).toThrow(`must be true or false (a Boolean parameter; got "${text}")`);
  });
});
