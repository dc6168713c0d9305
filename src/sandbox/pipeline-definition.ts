/**
 * SageMaker Pipelines definitions (PipelineDefinition JSON, Version 2020-12-01), read the way the
 * service reads them: parsing and the checks CreatePipeline makes, references between steps,
 * parameters and execution variables, and evaluation of values and conditions. Pure: whatever
 * needs the outside world (a step's properties, a property file in S3) comes in as a callback.
 *
 * Shapes follow what the SageMaker Python SDK generates (`pipeline.definition()`) and the
 * published JSON schema (github.com/aws-sagemaker-mlops/sagemaker-model-building-pipeline-definition-JSON-schema):
 * - `Parameters: [{Name, Type: String|Integer|Float|Boolean, DefaultValue?}]`
 * - `Steps: [{Name, Type, Arguments, DependsOn?, PropertyFiles?: [{PropertyFileName, OutputName, FilePath}]}]`
 * - a Condition step's `Arguments.IfSteps` / `ElseSteps` hold whole step objects (not names);
 *   they are not repeated in `Steps`.
 * - values: `{"Get": "Parameters.X" | "Execution.PipelineExecutionId" | "Steps.S.<property path>"}`,
 *   `{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.S.PropertyFiles.F"}, "Path": "a.b[0].c"}}`,
 *   `{"Std:Join": {"On": "/", "Values": [...]}}`.
 */

export const DEFINITION_VERSION = "2020-12-01";
export const PARAMETER_TYPES = ["String", "Integer", "Float", "Boolean"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
/** Step types the sandbox runs; others are refused at CreatePipeline (see docs/sandbox.md). */
export const STEP_TYPES = ["Processing", "Training", "Condition", "RegisterModel", "Fail"] as const;
export type StepType = (typeof STEP_TYPES)[number];
/** Execution variables (`{"Get": "Execution.X"}`), as the SDK's ExecutionVariables names them. */
export const EXECUTION_VARIABLES = ["StartDateTime", "CurrentDateTime", "PipelineName", "PipelineArn", "PipelineExecutionId", "PipelineExecutionArn"] as const;
/** Step names: the model's StepName pattern and length (PipelineExecutionStep.StepName). */
const STEP_NAME = /^[A-Za-z0-9\-_]{1,64}$/;
const PARAMETER_NAME = /^[A-Za-z0-9\-_]{1,256}$/;

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type ParameterValue = string | number | boolean;

export interface ParameterDef {
  Name: string;
  Type: ParameterType;
  DefaultValue?: ParameterValue;
}

export interface PropertyFileDef {
  PropertyFileName: string;
  OutputName: string;
  FilePath: string;
}

export interface StepDef {
  Name: string;
  Type: StepType;
  Arguments?: { [key: string]: Value };
  DependsOn?: string[];
  PropertyFiles?: PropertyFileDef[];
  DisplayName?: string;
  Description?: string;
}

export interface Definition {
  Version: string;
  Parameters: ParameterDef[];
  Steps: StepDef[];
}

/** A step with where it sits: at the top, or in one branch of a Condition step. */
export interface PlacedStep {
  step: StepDef;
  branch?: { condition: string; outcome: boolean };
  /** Steps that must succeed first: DependsOn, steps its values refer to, and its Condition step. */
  after: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parse and check a definition as CreatePipeline does. Returns the problems found (each naming its
 * JSON path), or the definition and its steps in place.
 */
export function readDefinition(text: string): { problems: string[] } | { definition: Definition; steps: PlacedStep[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problems: [`the definition is not valid JSON: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  if (!isObject(parsed)) return { problems: ["the definition must be a JSON object"] };
  if (parsed.Version !== DEFINITION_VERSION) problems.push(`Version must be "${DEFINITION_VERSION}", got ${JSON.stringify(parsed.Version)}`);
  const parameters = Array.isArray(parsed.Parameters) ? parsed.Parameters : parsed.Parameters === undefined ? [] : (problems.push("Parameters must be a list"), []);
  const declared = new Map<string, ParameterType>();
  parameters.forEach((p: unknown, i: number) => {
    const at = `Parameters[${i}]`;
    if (!isObject(p) || typeof p.Name !== "string" || !PARAMETER_NAME.test(p.Name)) return void problems.push(`${at}.Name must be 1-256 letters, digits, hyphens or underscores`);
    if (declared.has(p.Name)) problems.push(`${at}.Name: parameter ${p.Name} is declared twice`);
    // Declared even with a bad type, so that references to it are not reported as well.
    declared.set(p.Name, p.Type as ParameterType);
    if (!PARAMETER_TYPES.includes(p.Type as ParameterType)) return void problems.push(`${at}.Type must be one of ${PARAMETER_TYPES.join(", ")}, got ${JSON.stringify(p.Type)}`);
    if (p.DefaultValue !== undefined && !fitsType(p.DefaultValue, p.Type as ParameterType)) problems.push(`${at}.DefaultValue ${JSON.stringify(p.DefaultValue)} is not a ${p.Type}`);
  });
  if (!Array.isArray(parsed.Steps) || parsed.Steps.length === 0) {
    problems.push("Steps must be a non-empty list");
    return { problems };
  }
  const placed: PlacedStep[] = [];
  const paths = new Map<string, string>();
  const place = (raw: unknown, at: string, branch?: PlacedStep["branch"]) => {
    if (!isObject(raw)) return void problems.push(`${at} must be an object`);
    if (typeof raw.Name !== "string" || !STEP_NAME.test(raw.Name)) return void problems.push(`${at}.Name must be 1-64 letters, digits, hyphens or underscores`);
    if (paths.has(raw.Name)) return void problems.push(`${at}.Name: step name ${raw.Name} is already used at ${paths.get(raw.Name)}`);
    paths.set(raw.Name, at);
    if (!STEP_TYPES.includes(raw.Type as StepType)) problems.push(`${at}.Type: the sandbox runs ${STEP_TYPES.join(", ")} steps, got ${JSON.stringify(raw.Type)}`);
    if (raw.Arguments !== undefined && !isObject(raw.Arguments)) problems.push(`${at}.Arguments must be an object`);
    if (raw.DependsOn !== undefined && !(Array.isArray(raw.DependsOn) && raw.DependsOn.every((d) => typeof d === "string"))) problems.push(`${at}.DependsOn must be a list of step names`);
    const step = raw as unknown as StepDef;
    placed.push({ step, branch, after: [] });
    if (step.Type === "Condition") {
      const args = (step.Arguments ?? {}) as Record<string, unknown>;
      if (!Array.isArray(args.Conditions) || args.Conditions.length === 0) problems.push(`${at}.Arguments.Conditions must be a non-empty list`);
      for (const [key, outcome] of [["IfSteps", true], ["ElseSteps", false]] as const) {
        const list = args[key] ?? [];
        if (!Array.isArray(list)) problems.push(`${at}.Arguments.${key} must be a list of steps`);
        else list.forEach((s, i) => place(s, `${at}.Arguments.${key}[${i}]`, { condition: step.Name, outcome }));
      }
    }
  };
  parsed.Steps.forEach((s, i) => place(s, `Steps[${i}]`));
  const byName = new Map(placed.map((p) => [p.step.Name, p]));
  for (const p of placed) {
    const at = paths.get(p.step.Name)!;
    const after = new Set<string>(p.branch ? [p.branch.condition] : []);
    for (const d of p.step.DependsOn ?? []) {
      if (!byName.has(d)) problems.push(`${at}.DependsOn: step ${d} does not exist`);
      else after.add(d);
    }
    // A Condition step's branches are its own: references inside them belong to those steps.
    const own = p.step.Type === "Condition" ? { ...p.step.Arguments, IfSteps: undefined, ElseSteps: undefined } : p.step.Arguments;
    for (const ref of references(own)) {
      const problem = checkReference(ref, declared, byName);
      if (problem) problems.push(`${at}.Arguments: ${problem}`);
      else if (ref.startsWith("Steps.")) after.add(ref.split(".")[1]!);
    }
    after.delete(p.step.Name);
    p.after = [...after];
    // A Fail step ends the execution: nothing can run after it (the service's words, seen in the SageMaker Python SDK's integration tests).
    for (const name of p.after) if (byName.get(name)?.step.Type === "Fail") problems.push(`${at}: ${p.step.Name} can not depends on ${name}, a Fail step`);
  }
  if (problems.length === 0) {
    const cycle = findCycle(placed);
    if (cycle) problems.push(`the steps depend on each other in a cycle: ${cycle.join(" -> ")}`);
  }
  return problems.length > 0 ? { problems } : { definition: { Version: DEFINITION_VERSION, Parameters: parameters as ParameterDef[], Steps: parsed.Steps as StepDef[] }, steps: placed };
}

function checkReference(ref: string, declared: Map<string, ParameterType>, steps: Map<string, PlacedStep>): string | undefined {
  const [root, name, ...rest] = ref.split(".");
  if (root === "Parameters") return declared.has(name ?? "") && rest.length === 0 ? undefined : `{"Get": "${ref}"} names no declared parameter`;
  if (root === "Execution") return (EXECUTION_VARIABLES as readonly string[]).includes(name ?? "") ? undefined : `{"Get": "${ref}"} names no execution variable`;
  if (root === "Steps") {
    const step = steps.get(name ?? "");
    if (!step) return `{"Get": "${ref}"} refers to step ${name}, which does not exist`;
    if (rest[0] === "PropertyFiles" && !(step.step.PropertyFiles ?? []).some((f) => f.PropertyFileName === rest[1]))
      return `{"Get": "${ref}"}: step ${name} has no property file ${rest[1]}`;
    return rest.length === 0 ? `{"Get": "${ref}"} names a step but no property of it` : undefined;
  }
  return `{"Get": "${ref}"} must start with Parameters., Execution. or Steps.`;
}

function findCycle(steps: PlacedStep[]): string[] | undefined {
  const after = new Map(steps.map((p) => [p.step.Name, p.after]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, "visiting");
    for (const d of after.get(name) ?? []) {
      const cycle = visit(d, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, "done");
    return undefined;
  };
  for (const p of steps) {
    const cycle = visit(p.step.Name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every `{"Get": …}` reference in a value, including those inside Std:JsonGet and Std:Join. */
export function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (!isObject(value)) return [];
  if (typeof value.Get === "string" && Object.keys(value).length === 1) return [value.Get];
  return Object.values(value).flatMap(references);
}

export function fitsType(value: unknown, type: ParameterType): boolean {
  switch (type) {
    case "String":
      return typeof value === "string";
    case "Integer":
      return typeof value === "number" && Number.isInteger(value);
    case "Float":
      return typeof value === "number";
    case "Boolean":
      return typeof value === "boolean";
  }
}

/**
 * A parameter's value from StartPipelineExecution's PipelineParameters (always strings on the
 * wire), converted to the declared type; undefined when it does not convert.
 */
export function parameterFromString(text: string, type: ParameterType): ParameterValue | undefined {
  if (type === "String") return text;
  if (type === "Boolean") return text === "true" ? true : text === "false" ? false : undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) return undefined;
  return type === "Integer" && !Number.isInteger(n) ? undefined : n;
}

/** What resolving a value needs from the running execution. */
export interface Scope {
  parameters: Record<string, ParameterValue>;
  execution: Record<string, string>;
  /** A finished step's properties (its job's description); undefined if it has none (yet). */
  stepProperties(name: string): Value | undefined;
  /** The parsed JSON of a step's property file; throws (with a reason) when it cannot be read. */
  propertyFile(step: string, file: string): Value;
}

/** Raised when a value cannot be resolved at run time; the step fails with this message. */
export class ResolveError extends Error {}

/** A value with every Get, Std:JsonGet and Std:Join replaced by what it stands for. */
export function resolve(value: unknown, scope: Scope): Value {
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  if (!isObject(value)) return value as Value;
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.Get === "string") return get(value.Get, scope);
  if (keys.length === 1 && isObject(value["Std:JsonGet"])) {
    const { PropertyFile, Path } = value["Std:JsonGet"] as { PropertyFile?: { Get?: string }; Path?: unknown };
    const ref = PropertyFile?.Get?.split(".") ?? [];
    if (ref[0] !== "Steps" || ref[2] !== "PropertyFiles" || !ref[3]) throw new ResolveError(`Std:JsonGet needs a PropertyFile of the form {"Get": "Steps.<step>.PropertyFiles.<name>"}`);
    const path = resolve(Path, scope);
    if (typeof path !== "string") throw new ResolveError("Std:JsonGet needs a Path string");
    const found = lookup(scope.propertyFile(ref[1]!, ref[3]), path, false);
    if (found === undefined) throw new ResolveError(`Std:JsonGet: path ${path} not found in property file ${ref[3]} of step ${ref[1]}`);
    return found;
  }
  if (keys.length === 1 && isObject(value["Std:Join"])) {
    const { On, Values } = value["Std:Join"] as { On?: unknown; Values?: unknown };
    if (!Array.isArray(Values)) throw new ResolveError("Std:Join needs a list of Values");
    return Values.map((v) => resolve(v, scope)).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(typeof On === "string" ? On : "");
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, scope)]));
}

function get(ref: string, scope: Scope): Value {
  const [root, name, ...rest] = ref.split(".");
  if (root === "Parameters") return scope.parameters[name!] ?? null;
  if (root === "Execution") return scope.execution[name!] ?? null;
  const properties = scope.stepProperties(name!);
  if (properties === undefined) throw new ResolveError(`step ${name} has not produced properties`);
  const found = lookup(properties, rest.join("."), true);
  if (found === undefined) throw new ResolveError(`{"Get": "${ref}"}: step ${name} has no such property`);
  return found;
}

/**
 * Follow a path such as `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri` or
 * `metrics.accuracy.value` / `a[0].b`. In step properties (`named`), `List['x']` picks the
 * member whose name field (OutputName, ChannelName, MetricName, …) is x, as the SDK's
 * PropertiesList does.
 */
export function lookup(root: Value, path: string, named: boolean): Value | undefined {
  const tokens = path.match(/[^.[\]]+|\[(?:'[^']*'|"[^"]*"|\d+)\]/g) ?? [];
  let current: Value | undefined = root;
  for (const token of tokens) {
    if (current === undefined || current === null) return undefined;
    const index = /^\[(\d+)\]$/.exec(token);
    const key = /^\[['"](.*)['"]\]$/.exec(token);
    if (index) current = Array.isArray(current) ? current[Number(index[1])] : undefined;
    else if (key && Array.isArray(current) && named) current = current.find((m) => isObject(m) && Object.entries(m).some(([k, v]) => k.endsWith("Name") && v === key[1]));
    else if (key) current = isObject(current) ? current[key[1]!] : undefined;
    else current = isObject(current) ? current[token] : undefined;
  }
  return current;
}

/** SageMaker's condition types (the SDK's ConditionTypeEnum). */
export const CONDITION_TYPES = ["Equals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo", "In", "Not", "Or"] as const;

/** Evaluate one condition; a Condition step's Conditions all have to hold (they are ANDed). */
export function evaluate(condition: unknown, scope: Scope): boolean {
  if (!isObject(condition)) throw new ResolveError("a condition must be an object");
  const value = (v: unknown) => resolve(v, scope);
  const ordered = (compare: (a: number | string, b: number | string) => boolean) => {
    const [a, b] = [value(condition.LeftValue), value(condition.RightValue)];
    const bothNumbers = typeof a === "number" && typeof b === "number";
    const bothStrings = typeof a === "string" && typeof b === "string";
    if (!bothNumbers && !bothStrings) throw new ResolveError(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)} (${condition.Type})`);
    return compare(a, b);
  };
  switch (condition.Type) {
    case "Equals":
      return JSON.stringify(value(condition.LeftValue)) === JSON.stringify(value(condition.RightValue));
    case "GreaterThan":
      return ordered((a, b) => a > b);
    case "GreaterThanOrEqualTo":
      return ordered((a, b) => a >= b);
    case "LessThan":
      return ordered((a, b) => a < b);
    case "LessThanOrEqualTo":
      return ordered((a, b) => a <= b);
    case "In": {
      const query = JSON.stringify(value(condition.QueryValue));
      const values = condition.Values;
      if (!Array.isArray(values)) throw new ResolveError("an In condition needs a list of Values");
      return values.some((v) => JSON.stringify(value(v)) === query);
    }
    case "Not":
      return !evaluate(condition.Expression, scope);
    case "Or": {
      if (!Array.isArray(condition.Conditions)) throw new ResolveError("an Or condition needs a list of Conditions");
      return condition.Conditions.some((c) => evaluate(c, scope));
    }
    default:
      throw new ResolveError(`unknown condition type ${JSON.stringify(condition.Type)}; SageMaker's are ${CONDITION_TYPES.join(", ")}`);
  }
}
