import type { Spec } from "../../src/sandbox/validate";
import { normalizePattern, type ServiceModel, type Shape } from "./aws-models";

/** Which model types each Spec type stands for. */
const TYPES: Record<Spec["type"], readonly Shape["type"][]> = {
  string: ["string"],
  integer: ["integer", "long"],
  number: ["float", "double"],
  boolean: ["boolean"],
  timestamp: ["timestamp"],
  blob: ["blob"],
  any: ["structure", "list", "map", "string", "integer", "long", "float", "double", "boolean", "timestamp", "blob"],
  list: ["list"],
  map: ["map"],
  structure: ["structure"],
};

/** Patterns that every string satisfies: the same as no pattern. */
const ANY_STRING = new Set([".*", "[\\S\\s]*", "[\\s\\S]*"]);

/**
 * Every difference between a sandbox Spec and the model shape it declares, as readable lines
 * (`CreateModel.ModelName: max 63 ≠ model 64`): types, required, enums (as sets), min, max and
 * patterns (without outer anchors). Members the Spec declares must exist in the model.
 */
export function specDrift(model: ServiceModel, members: Record<string, Spec>, shapeName: string, path: string): string[] {
  const drift: string[] = [];
  const shape = model.shapes[shapeName];
  if (!shape || shape.type !== "structure") return [`${path}: the model has no input structure ${shapeName}`];
  for (const [name, spec] of Object.entries(members)) {
    const ref = shape.members?.[name];
    if (!ref) {
      drift.push(`${path}.${name}: not in the model`);
      continue;
    }
    const modelRequired = (shape.required ?? []).includes(name);
    if (!!spec.required !== modelRequired) drift.push(`${path}.${name}: required ${!!spec.required} ≠ model ${modelRequired}`);
    compare(model, spec, ref.shape, `${path}.${name}`, drift);
  }
  return drift;
}

function compare(model: ServiceModel, spec: Spec, shapeName: string, path: string, drift: string[]): void {
  const shape = model.shapes[shapeName]!;
  if (!TYPES[spec.type].includes(shape.type)) return void drift.push(`${path}: type ${spec.type} ≠ model ${shape.type}`);
  if (spec.type === "any") return;
  const bounds = spec as { min?: number; max?: number };
  // A length of at least 0 holds for every value: the same as no minimum.
  const lengthy = shape.type === "string" || shape.type === "list" || shape.type === "map";
  const modelMin = lengthy && shape.min === 0 ? undefined : shape.min;
  if (bounds.min !== modelMin) drift.push(`${path}: min ${bounds.min} ≠ model ${shape.min}`);
  if (bounds.max !== shape.max) drift.push(`${path}: max ${bounds.max} ≠ model ${shape.max}`);
  if (spec.type === "string") {
    const ours = spec.pattern ? normalizePattern(spec.pattern.source) : undefined;
    const theirs = shape.pattern !== undefined && !ANY_STRING.has(normalizePattern(shape.pattern)) ? normalizePattern(shape.pattern) : undefined;
    if (ours !== theirs) drift.push(`${path}: pattern ${ours} ≠ model ${theirs}`);
    const missing = (shape.enum ?? []).filter((v) => !spec.enum?.includes(v));
    const extra = (spec.enum ?? []).filter((v) => !shape.enum?.includes(v));
    if (missing.length > 0 || extra.length > 0) drift.push(`${path}: enum lacks [${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}] has extra [${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ", …" : ""}]`);
  }
  if (spec.type === "list") compare(model, spec.member, shape.member!.shape, `${path}[]`, drift);
  if (spec.type === "map") {
    if (spec.key) compare(model, spec.key, shape.key!.shape, `${path}{key}`, drift);
    compare(model, spec.value, shape.value!.shape, `${path}{value}`, drift);
  }
  if (spec.type === "structure") drift.push(...specDrift(model, spec.members, shapeName, path));
}

/** Whether a shape carries any constraint (required, enum, bounds, pattern), itself or below. */
function constrained(model: ServiceModel, shapeName: string, seen = new Set<string>()): boolean {
  const shape = model.shapes[shapeName]!;
  if (seen.has(shapeName)) return false;
  seen.add(shapeName);
  if (shape.min || shape.max !== undefined || shape.pattern || shape.enum || (shape.required?.length ?? 0) > 0) return true;
  if (shape.type === "structure") return Object.values(shape.members ?? {}).some((m) => constrained(model, m.shape, seen));
  if (shape.type === "list") return constrained(model, shape.member!.shape, seen);
  if (shape.type === "map") return constrained(model, shape.key!.shape, seen) || constrained(model, shape.value!.shape, seen);
  return false;
}

/**
 * Model members with constraints that a Spec does not declare, below the structures it does
 * declare (`Op.Member.Sub`): the sandbox accepts them without checking.
 */
export function undeclaredMembers(model: ServiceModel, members: Record<string, Spec>, shapeName: string, path: string): string[] {
  const out: string[] = [];
  for (const [name, ref] of Object.entries(model.shapes[shapeName]?.members ?? {})) {
    let spec = members[name];
    if (!spec) {
      if (constrained(model, ref.shape)) out.push(`${path}.${name}`);
      continue;
    }
    let shape = ref.shape;
    while (spec.type === "list" || spec.type === "map") {
      shape = spec.type === "list" ? model.shapes[shape]!.member!.shape : model.shapes[shape]!.value!.shape;
      spec = spec.type === "list" ? spec.member : spec.value;
    }
    if (spec.type === "structure") out.push(...undeclaredMembers(model, spec.members, shape, `${path}.${name}`));
  }
  return out;
}
