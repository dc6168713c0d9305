/**
 * Checks of a SageMaker Pipelines definition (the JSON that CreatePipeline and UpdatePipeline take
 * as PipelineDefinition), before any call: each problem names the JSON path it is at
 * (`Steps[3].Arguments.Conditions[0].LeftValue.Std:JsonGet.PropertyFile.Get`). Pure: no I/O.
 *
 * Sources: the pipeline definition JSON schema (aws-sagemaker-mlops/
 * sagemaker-model-building-pipeline-definition-JSON-schema: Version, Parameters with Type String,
 * Integer, Float or Boolean and a DefaultValue of that type, names `[A-Za-z0-9\-_]{1,64}`, step
 * types, Condition steps with Conditions/IfSteps/ElseSteps, the Get and Std:JsonGet functions), and
 * botocore's sagemaker 2017-07-24 model (PipelineName, PipelineDefinition, StepName, Parameter).
 */

/** The only definition version there is. */
export const DEFINITION_VERSION = "2020-12-01";

/** botocore `PipelineName`: 1–256 characters, pattern `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}`. */
export const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
export const PIPELINE_NAME_MAX = 256;

/** botocore `PipelineDefinition` max length: 1,048,576 characters. */
export const DEFINITION_MAX_CHARS = 1_048_576;
/**
 * SageMaker's limit on a definition sent in the request body (PipelineDefinition): 100 KB. A larger
 * one must be uploaded to S3 and named with PipelineDefinitionS3Location instead.
 */
export const DEFINITION_BODY_MAX_BYTES = 100 * 1024;

/** Step and parameter names: `[A-Za-z0-9\-_]{1,64}` (definition schema; botocore StepName max 64). */
const NAME = /^[A-Za-z0-9\-_]{1,64}$/;

/** Step types, as the SageMaker Python SDK's StepTypeEnum spells them. */
export const STEP_TYPES = [
  "Processing",
  "Training",
  "Transform",
  "Tuning",
  "CreateModel",
  "RegisterModel",
  "Condition",
  "Fail",
  "Lambda",
  "Callback",
  "QualityCheck",
  "ClarifyCheck",
  "EMR",
  "AutoML",
] as const;

export const PARAMETER_TYPES = ["String", "Integer", "Float", "Boolean"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Condition types of the definition schema (BinaryCondition, InCondition, Or, Not). */
const CONDITION_TYPES: readonly string[] = ["GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo", "Equals", "NotEquals", "In", "NotIn", "Or", "Not"];

/** `{"Get": "Execution.X"}`: the execution variables SageMaker fills in. */
const EXECUTION_VARIABLES = ["PipelineExecutionId", "PipelineExecutionArn", "PipelineName", "PipelineArn", "StartDateTime", "CurrentDateTime"];

export interface DefinitionProblem {
  /** JSON path in the definition, or "(definition)" for the whole document. */
  path: string;
  message: string;
}

export interface DeclaredParameter {
  name: string;
  type: ParameterType;
  defaultValue?: string | number | boolean;
}

export interface DefinitionStep {
  name: string;
  type: string;
  path: string;
}

export interface CheckedDefinition {
  /** The parsed document (undefined when it is not JSON). */
  document?: Record<string, unknown>;
  parameters: DeclaredParameter[];
  /** Every step, those inside Condition branches too. */
  steps: DefinitionStep[];
  problems: DefinitionProblem[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);
/** Whether `value` is one of `values`: a value of another type is not (includes compares without coercion). */
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => (values as readonly unknown[]).includes(value);
const at = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Check a definition given as JSON text. Every problem found is returned, in document order. */
export function checkDefinitionText(text: string): CheckedDefinition {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { parameters: [], steps: [], problems: [{ path: "(definition)", message: `not JSON: ${(error as Error).message}` }] };
  }
  return checkDefinition(document);
}

/** Check a parsed definition. */
export function checkDefinition(document: unknown): CheckedDefinition {
  const problems: DefinitionProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(document)) {
    report("(definition)", "must be a JSON object with Version, Parameters and Steps");
    return { parameters: [], steps: [], problems };
  }
  if (document.Version !== DEFINITION_VERSION) {
    report("Version", document.Version === undefined ? `is missing; it must be "${DEFINITION_VERSION}"` : `must be "${DEFINITION_VERSION}" (got ${JSON.stringify(document.Version)})`);
  }

  const parameters = checkParameters(document.Parameters, report);

  // Every step, nested ones included, with its path; names must be unique across all of them.
  const steps: Array<DefinitionStep & { node: Record<string, Json> }> = [];
  const collectSteps = (list: unknown, path: string) => {
    if (!Array.isArray(list)) {
      report(path, "must be an array of steps");
      return;
    }
    list.forEach((step, i) => {
      const stepPath = at(path, i);
      if (!isObject(step)) {
        // A step name in a Condition branch is a reference, checked below.
        if (typeof step !== "string" || path === "Steps") report(stepPath, "must be a step object with Name, Type and Arguments");
        return;
      }
      const name = step.Name;
      const type = step.Type;
      if (typeof name !== "string" || !NAME.test(name)) report(at(stepPath, "Name"), `must be 1–64 letters, digits, - or _ (got ${JSON.stringify(name ?? null)})`);
      if (!isOneOf(STEP_TYPES, type)) {
        report(at(stepPath, "Type"), `is not a step type SageMaker knows (got ${JSON.stringify(type ?? null)}); one of ${STEP_TYPES.join(", ")}`);
      }
      steps.push({ name: typeof name === "string" ? name : "", type: typeof type === "string" ? type : "", path: stepPath, node: step });
      if (type === "Condition" && isObject(step.Arguments)) {
        for (const branch of ["IfSteps", "ElseSteps"]) if (step.Arguments[branch] !== undefined) collectSteps(step.Arguments[branch], at(at(stepPath, "Arguments"), branch));
      }
    });
  };
  if (document.Steps === undefined) report("Steps", "is missing: a pipeline needs at least one step");
  else if (Array.isArray(document.Steps) && document.Steps.length === 0) report("Steps", "is empty: a pipeline needs at least one step");
  else collectSteps(document.Steps, "Steps");

  const byName = new Map<string, (typeof steps)[number]>();
  for (const step of steps) {
    if (!step.name) continue;
    const first = byName.get(step.name);
    if (first) report(at(step.path, "Name"), `"${step.name}" is already the name of ${first.path}; step names must be unique`);
    else byName.set(step.name, step);
  }

  /** A name of a step: byName holds only strings, so anything else is not one. */
  const isStepName = (value: unknown): value is string => byName.has(value as string);

  // Property files: declared on Processing steps, each named once per step.
  const propertyFiles = new Map<string, Set<string>>();
  for (const step of steps) {
    const files = step.node.PropertyFiles;
    if (files === undefined) continue;
    const path = at(step.path, "PropertyFiles");
    if (step.type !== "Processing") report(path, `only Processing steps have property files (this step is ${step.type || "of no type"})`);
    if (!Array.isArray(files)) {
      report(path, "must be an array of {PropertyFileName, OutputName, FilePath}");
      continue;
    }
    const names = new Set<string>();
    const outputs = processingOutputs(step.node);
    files.forEach((file, i) => {
      const filePath = at(path, i);
      if (!isObject(file)) return report(filePath, "must be an object {PropertyFileName, OutputName, FilePath}");
      for (const key of ["PropertyFileName", "OutputName", "FilePath"]) if (typeof file[key] !== "string" || file[key] === "") report(at(filePath, key), "is required (a string)");
      if (typeof file.PropertyFileName === "string") {
        if (names.has(file.PropertyFileName)) report(at(filePath, "PropertyFileName"), `"${file.PropertyFileName}" is declared twice on this step`);
        names.add(file.PropertyFileName);
      }
      if (outputs && typeof file.OutputName === "string" && !outputs.includes(file.OutputName)) {
        report(at(filePath, "OutputName"), `"${file.OutputName}" is not one of the step's ProcessingOutputConfig.Outputs (${outputs.join(", ") || "none"})`);
      }
    });
    if (step.name) propertyFiles.set(step.name, names);
  }

  // References: each Get and Std:JsonGet resolves; they and DependsOn give the dependency edges.
  const declared = new Set(parameters.map((p) => p.name));
  const edges = new Map<string, Set<string>>(); // step → the steps it waits for
  const dependOn = (step: string, on: string) => {
    if (!edges.has(step)) edges.set(step, new Set());
    edges.get(step)!.add(on);
  };
  const resolveGet = (reference: unknown, path: string, step: DefinitionStep): string | undefined => {
    if (typeof reference !== "string") {
      report(path, "must be a string such as Parameters.X, Steps.S.Properties… or Execution.PipelineExecutionId");
      return undefined;
    }
    const [root, name, kind, ...rest] = reference.split(".");
    if (root === "Parameters") {
      if (!name || !declared.has(name)) report(path, `"${reference}": no parameter ${name ? `"${name}" ` : ""}is declared${declared.size > 0 ? ` (declared: ${[...declared].join(", ")})` : ""}`);
      return undefined;
    }
    if (root === "Execution") {
      if (!name || !EXECUTION_VARIABLES.includes(name)) report(path, `"${reference}": not an execution variable (${EXECUTION_VARIABLES.map((v) => `Execution.${v}`).join(", ")})`);
      return undefined;
    }
    if (root === "Steps") {
      if (!name || !byName.has(name)) {
        report(path, `"${reference}": no step is named "${name ?? ""}"`);
        return undefined;
      }
      if (name === step.name) report(path, `"${reference}": a step cannot read its own properties`);
      else dependOn(step.name, name);
      if (kind === "PropertyFiles") {
        const file = rest.join(".");
        if (!propertyFiles.get(name)?.has(file)) report(path, `"${reference}": step ${name} declares no property file "${file}"${propertyFiles.get(name)?.size ? ` (it declares ${[...propertyFiles.get(name)!].join(", ")})` : ""}`);
      }
      return name;
    }
    report(path, `"${reference}": a reference starts with Parameters., Steps. or Execution.`);
    return undefined;
  };
  const walk = (value: unknown, path: string, step: DefinitionStep) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, at(path, i), step));
    if (!isObject(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      const innerPath = at(path, key);
      if (key === "Get") resolveGet(inner, innerPath, step);
      else if (key === "Std:JsonGet") {
        if (!isObject(inner)) {
          report(innerPath, "must be an object {PropertyFile, Path}");
          continue;
        }
        if (typeof inner.Path !== "string" || inner.Path === "") report(at(innerPath, "Path"), "is required: the JSON path to read in the property file");
        const file = inner.PropertyFile;
        if (isObject(file) && "Get" in file) {
          const ref = file.Get;
          if (typeof ref === "string" && !/^Steps\.[^.]+\.PropertyFiles\.[^.]+$/.test(ref)) report(at(at(innerPath, "PropertyFile"), "Get"), `"${ref}": a PropertyFile reference is Steps.<step>.PropertyFiles.<name>`);
          else resolveGet(ref, at(at(innerPath, "PropertyFile"), "Get"), step);
        } else if (typeof file === "string") {
          // The older form: the property file's name alone.
          const owner = [...propertyFiles].find(([, names]) => names.has(file))?.[0];
          if (!owner) report(at(innerPath, "PropertyFile"), `no step declares a property file "${file}"`);
          else if (owner !== step.name) dependOn(step.name, owner);
        } else report(at(innerPath, "PropertyFile"), "is required: {\"Get\": \"Steps.<step>.PropertyFiles.<name>\"}");
      } else walk(inner, innerPath, step);
    }
  };

  for (const step of steps) {
    if (!step.name) continue;
    const args = step.node.Arguments;
    const argsPath = at(step.path, "Arguments");
    if (step.type === "Condition") {
      if (!isObject(args)) report(argsPath, "must be an object with Conditions, IfSteps and ElseSteps");
      else {
        if (!Array.isArray(args.Conditions) || args.Conditions.length === 0) report(at(argsPath, "Conditions"), "must be a non-empty array of conditions");
        else args.Conditions.forEach((c, i) => checkCondition(c, at(at(argsPath, "Conditions"), i), report));
        walk(args.Conditions, at(argsPath, "Conditions"), step);
        for (const branch of ["IfSteps", "ElseSteps"]) {
          const list = args[branch];
          if (!Array.isArray(list)) continue;
          list.forEach((entry, i) => {
            const target = typeof entry === "string" ? entry : isObject(entry) && typeof entry.Name === "string" ? entry.Name : undefined;
            if (typeof entry === "string" && !byName.has(entry)) report(at(at(argsPath, branch), i), `"${entry}": no step is named so`);
            else if (target && target !== step.name) dependOn(target, step.name);
          });
        }
      }
    } else if (args !== undefined) walk(args, argsPath, step);
    else if (step.type !== "Fail") report(argsPath, `is missing: a ${step.type || "step"} step needs its Arguments`);

    const dependsOn = step.node.DependsOn;
    if (dependsOn !== undefined) {
      const path = at(step.path, "DependsOn");
      if (!Array.isArray(dependsOn)) report(path, "must be an array of step names");
      else
        dependsOn.forEach((name, i) => {
          if (!isStepName(name)) report(at(path, i), `${JSON.stringify(name)}: no step is named so`);
          else if (name === step.name) report(at(path, i), `"${name}": a step cannot depend on itself`);
          else dependOn(step.name, name);
        });
    }
  }

  // A Fail step ends the execution: nothing can run after it (SageMaker refuses such a definition).
  for (const [name, waitsFor] of edges) {
    // Every step an edge names is in byName: edges come from resolved references and collected steps.
    for (const on of waitsFor) if (byName.get(on)!.type === "Fail") report(byName.get(name)!.path, `step ${name} depends on ${on}, a Fail step: nothing can run after a Fail step`);
  }
  const cycle = findCycle(edges);
  if (cycle) report(byName.get(cycle[0]!)!.path, `dependency cycle: ${cycle.join(" → ")}`);

  return { document, parameters, steps: steps.map(({ name, type, path }) => ({ name, type, path })), problems };
}

function checkParameters(list: unknown, report: (path: string, message: string) => void): DeclaredParameter[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    report("Parameters", "must be an array of {Name, Type, DefaultValue}");
    return [];
  }
  const out: DeclaredParameter[] = [];
  list.forEach((p, i) => {
    const path = at("Parameters", i);
    if (!isObject(p)) return report(path, "must be an object {Name, Type, DefaultValue}");
    const name = p.Name;
    if (typeof name !== "string" || !NAME.test(name)) return report(at(path, "Name"), `must be 1–64 letters, digits, - or _ (got ${JSON.stringify(name ?? null)})`);
    if (out.some((o) => o.name === name)) return report(at(path, "Name"), `"${name}" is declared twice`);
    // The schema lets a String parameter leave out its Type.
    const type = p.Type ?? "String";
    if (!isOneOf(PARAMETER_TYPES, type)) {
      return report(at(path, "Type"), `must be String, Integer, Float or Boolean (got ${JSON.stringify(type)})`);
    }
    const parameter: DeclaredParameter = { name, type };
    if (p.DefaultValue !== undefined) {
      if (!defaultFits(type, p.DefaultValue)) report(at(path, "DefaultValue"), `${JSON.stringify(p.DefaultValue)} is not a ${type}`);
      else parameter.defaultValue = p.DefaultValue as string | number | boolean;
    }
    out.push(parameter);
  });
  return out;
}

function defaultFits(type: ParameterType, value: unknown): boolean {
  switch (type) {
    case "String":
      return typeof value === "string";
    case "Integer":
      return typeof value === "number" && Number.isInteger(value);
    case "Float":
      return typeof value === "number" && Number.isFinite(value);
    case "Boolean":
      return typeof value === "boolean";
  }
}

function checkCondition(condition: unknown, path: string, report: (path: string, message: string) => void): void {
  if (!isObject(condition)) return report(path, "must be a condition object with Type");
  if (!isOneOf(CONDITION_TYPES, condition.Type)) {
    return report(at(path, "Type"), `is not a condition type (got ${JSON.stringify(condition.Type ?? null)}); one of ${CONDITION_TYPES.join(", ")}`);
  }
  if (["In", "NotIn"].includes(condition.Type)) {
    if (condition.Value === undefined) report(at(path, "Value"), "is required");
    if (!Array.isArray(condition.In)) report(at(path, "In"), "must be an array");
  } else if (condition.Type === "Or") {
    if (!Array.isArray(condition.Conditions)) report(at(path, "Conditions"), "must be an array of conditions");
    else condition.Conditions.forEach((c, i) => checkCondition(c, at(at(path, "Conditions"), i), report));
  } else if (condition.Type === "Not") {
    checkCondition(condition.Expression, at(path, "Expression"), report);
  } else {
    for (const side of ["LeftValue", "RightValue"]) if (condition[side] === undefined) report(at(path, side), "is required");
  }
}

/** A Processing step's output names, or undefined when they are not spelt out (a Get, say). */
function processingOutputs(step: Record<string, Json>): string[] | undefined {
  const args = step.Arguments;
  if (!isObject(args) || !isObject(args.ProcessingOutputConfig) || !Array.isArray(args.ProcessingOutputConfig.Outputs)) return undefined;
  const names = args.ProcessingOutputConfig.Outputs.map((o) => (isObject(o) ? o.OutputName : undefined));
  return names.every((n) => typeof n === "string") ? (names as string[]) : undefined;
}

/** A cycle in `edges` (step → the steps it waits for) as [a, b, …, a], or undefined. */
function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  // Stryker disable next-line ArrayDeclaration: a cycle is cut from the stack at indexOf(next), so anything below the first node is never part of it
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === "visiting") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    // Stryker disable next-line ConditionalExpression: visiting a done node again only re-walks done nodes, which visit() skips: no cycle found, the same answer
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

/** Problems with a pipeline name (botocore PipelineName), naming `source` (a flag, a variable, mlops.yaml). */
export function pipelineNameProblem(name: string): string | undefined {
  if (name.length > PIPELINE_NAME_MAX) return `is ${name.length} characters; a pipeline name is at most ${PIPELINE_NAME_MAX}`;
  if (!PIPELINE_NAME.test(name)) return "must be letters, digits and inner hyphens (pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})";
  return undefined;
}

/**
 * Where a definition of `bytes` (UTF-8) may go: in the request body up to 100 KB; above, only
 * through S3 (PipelineDefinitionS3Location); above the model's PipelineDefinition maximum, nowhere.
 */
export function definitionSizeProblem(bytes: number): DefinitionProblem | undefined {
  if (bytes > DEFINITION_MAX_CHARS) return { path: "(definition)", message: `is ${bytes} bytes; SageMaker takes a pipeline definition of at most ${DEFINITION_MAX_CHARS} characters` };
  if (bytes > DEFINITION_BODY_MAX_BYTES) {
    return {
      path: "(definition)",
      message: `is ${bytes} bytes; a definition sent in the request (PipelineDefinition) is at most ${DEFINITION_BODY_MAX_BYTES} bytes (100 KB): a larger one must be uploaded to S3 and passed as PipelineDefinitionS3Location, which mlops pipeline upsert does not do`,
    };
  }
  return undefined;
}

/** JSON with object keys sorted at every level, without whitespace: two definitions that mean the same compare equal. */
export function normalizeJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
  return JSON.stringify(sort(value));
}

/**
 * A parameter value given as text (`--param K=V`, `--param-default K=V`), checked against its
 * declared type. Returns the value as the definition holds it (a default) or as SageMaker's
 * Parameter.Value takes it (a string, at most 1024 characters); throws a message otherwise.
 */
export function parseParameterValue(type: ParameterType, text: string): string | number | boolean {
  switch (type) {
    case "String":
      if (text.length > 1024) throw new Error(`is ${text.length} characters; a parameter value is at most 1024`);
      return text;
    case "Integer":
      if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) throw new Error(`must be a whole number (an Integer parameter; got "${text}")`);
      return Number(text);
    case "Float":
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) || !Number.isFinite(Number(text))) throw new Error(`must be a number (a Float parameter; got "${text}")`);
      return Number(text);
    case "Boolean":
      if (!/^(true|false)$/i.test(text.trim())) throw new Error(`must be true or false (a Boolean parameter; got "${text}")`);
      return text.trim().toLowerCase() === "true";
  }
}
