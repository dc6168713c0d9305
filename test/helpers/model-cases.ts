import type { Spec } from "../../src/sandbox/validate";
import { modelRegExp, type ServiceModel, type Shape } from "./aws-models";

/**
 * Inputs that break one constraint of botocore's model each, made from a valid base input:
 * a missing required member, a value outside an enum, one past each length or range bound, a
 * string against each pattern. Members the sandbox's Spec declares are covered (generated when the
 * base lacks them); the undeclared ones are listed apart (see `undeclaredMembers`).
 */

export interface InvalidCase {
  /** e.g. `ProductionVariants.1.InstanceType: enum`. */
  label: string;
  input: Record<string, unknown>;
}

/** A map's key on a path: navigates like a member, shows as `{key}` in labels. */
class MapKey {
  constructor(readonly key: string) {}
  toString(): string {
    return `{${this.key}}`;
  }
}

type Path = Array<string | number | MapKey>;
const step = (part: string | number | MapKey) => (part instanceof MapKey ? part.key : part);

const MAX_DEPTH = 8;

/** Strings tried, in order, as valid values for a pattern. */
const CANDIDATES = [
  "a",
  "abc",
  "abc-1",
  "AKIAIOSFODNN7EXAMPLE",
  "ml.m5.large",
  "s3://bucket/key",
  "arn:aws:sagemaker:us-east-1:000000000000:model-package/group/1",
  "arn:aws:iam::000000000000:role/role",
  "sha256:" + "0".repeat(64),
  "1.0",
  "text/csv",
];

/** Strings tried, in order, as values breaking a pattern. */
const BREAKERS = ["!", "-", " ", "!!", "a!", "\u0000", "::", "ml."];

function fullMatch(pattern: string, value: string): boolean | undefined {
  const re = modelRegExp(`^(?:${pattern})$`);
  return re ? re.test(value) : undefined;
}

function fits(shape: Shape, value: string): boolean {
  if (shape.min !== undefined && value.length < shape.min) return false;
  if (shape.max !== undefined && value.length > shape.max) return false;
  return shape.pattern === undefined || fullMatch(shape.pattern, value) === true;
}

/** A valid value for a shape: required members only, lists of one (or `min`) items; undefined when none can be made. */
export function validValue(model: ServiceModel, shapeName: string, depth = 0): unknown {
  const shape = model.shapes[shapeName]!;
  if (depth > MAX_DEPTH) return undefined;
  switch (shape.type) {
    case "structure": {
      const out: Record<string, unknown> = {};
      for (const name of shape.required ?? []) {
        const value = validValue(model, shape.members![name]!.shape, depth + 1);
        if (value === undefined) return undefined;
        out[name] = value;
      }
      return out;
    }
    case "list": {
      const item = validValue(model, shape.member!.shape, depth + 1);
      return item === undefined ? undefined : Array.from({ length: Math.max(1, shape.min ?? 0) }, () => structuredClone(item));
    }
    case "map": {
      const key = validValue(model, shape.key!.shape, depth + 1);
      const value = validValue(model, shape.value!.shape, depth + 1);
      return key === undefined || value === undefined ? undefined : { [key as string]: value };
    }
    case "string": {
      if (shape.enum) return shape.enum[0];
      for (const candidate of CANDIDATES) {
        const padded = candidate.padEnd(shape.min ?? 0, candidate.slice(-1));
        if (fits(shape, padded)) return padded;
      }
      return undefined;
    }
    case "integer":
    case "long":
    case "float":
    case "double":
      return Math.min(Math.max(1, shape.min ?? 1), shape.max ?? Infinity);
    case "boolean":
      return true;
    case "timestamp":
      return new Date();
    case "blob":
      return new Uint8Array([1]);
  }
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let node: any = copy;
  path.slice(0, -1).forEach((key) => (node = node[step(key)]));
  const last = step(path[path.length - 1]!);
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return copy;
}

const DELETE = Symbol("delete");

/** Values that break one constraint of a scalar, list or map shape, each with its rule's name. */
function breaking(shape: Shape, value: unknown): Array<{ rule: string; value: unknown }> {
  const out: Array<{ rule: string; value: unknown }> = [];
  if (shape.type === "string") {
    const text = typeof value === "string" ? value : "a";
    if (shape.enum) out.push({ rule: "enum", value: "not-in-the-enum" });
    if (shape.min !== undefined && shape.min > 0) out.push({ rule: "min", value: text.slice(0, shape.min - 1) });
    if (shape.max !== undefined) out.push({ rule: "max", value: text.padEnd(shape.max + 1, text.slice(-1) || "a") });
    if (shape.pattern !== undefined) {
      const breaker = BREAKERS.map((b) => b.padEnd(shape.min ?? 0, "!")).find((b) => (shape.max === undefined || b.length <= shape.max) && fullMatch(shape.pattern!, b) === false);
      if (breaker !== undefined) out.push({ rule: "pattern", value: breaker });
    }
  } else if (["integer", "long", "float", "double"].includes(shape.type)) {
    if (shape.min !== undefined) out.push({ rule: "min", value: shape.min - 1 });
    if (shape.max !== undefined) out.push({ rule: "max", value: shape.max + 1 });
  } else if (shape.type === "list") {
    const items = value as unknown[];
    if (shape.min !== undefined && shape.min > 0) out.push({ rule: "min", value: items.slice(0, shape.min - 1) });
    if (shape.max !== undefined) out.push({ rule: "max", value: Array.from({ length: shape.max + 1 }, () => structuredClone(items[0])) });
  } else if (shape.type === "map") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (shape.min !== undefined && shape.min > 0) out.push({ rule: "min", value: Object.fromEntries(entries.slice(0, shape.min - 1)) });
    if (shape.max !== undefined && entries[0]) {
      const [key, item] = entries[0];
      out.push({ rule: "max", value: Object.fromEntries(Array.from({ length: shape.max + 1 }, (_, i) => [`${key}${i}`, item])) });
    }
  }
  return out;
}

/** The Spec a list or map holds, or a structure's members. */
function inner(spec: Spec | undefined): Spec | undefined {
  if (!spec) return undefined;
  if (spec.type === "list") return spec.member;
  if (spec.type === "map") return spec.value;
  return spec;
}

/**
 * Every invalid variant of `base` for the operation's input shape, covering the members that
 * `spec` declares (and everything present in `base`). `notes` collects constraints no value
 * could be made for.
 */
export function invalidCases(model: ServiceModel, inputShape: string, base: Record<string, unknown>, spec: Record<string, Spec>): { cases: InvalidCase[]; notes: string[] } {
  const cases: InvalidCase[] = [];
  const notes: string[] = [];
  const label = (path: Path, rule: string) => `${path.join(".")}: ${rule}`;

  const visit = (root: Record<string, unknown>, shapeName: string, path: Path, value: unknown, specHere: Spec | undefined, depth: number): void => {
    const shape = model.shapes[shapeName]!;
    if (depth > MAX_DEPTH) return;
    if (path.length > 0) for (const b of breaking(shape, value)) cases.push({ label: label(path, b.rule), input: setAt(root, path, b.value) });
    if (shape.type === "structure") {
      const members = specHere?.type === "structure" ? specHere.members : {};
      const record = value as Record<string, unknown>;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const present = record[name] !== undefined;
        // SDKs and the CLI fill in an idempotency token a caller leaves out, so no client can send that case.
        if ((shape.required ?? []).includes(name) && present && !ref.idempotencyToken) cases.push({ label: label([...path, name], "required"), input: setAt(root, [...path, name], DELETE) });
        if (!present && !members[name]) continue;
        const memberValue = present ? record[name] : validValue(model, ref.shape);
        if (memberValue === undefined) {
          notes.push(`${[...path, name].join(".")}: no valid value could be generated`);
          continue;
        }
        const nextRoot = present ? root : setAt(root, [...path, name], memberValue);
        visit(nextRoot, ref.shape, [...path, name], memberValue, members[name], depth + 1);
      }
    } else if (shape.type === "list") {
      const items = value as unknown[];
      if (items.length > 0) visit(root, shape.member!.shape, [...path, 0], items[0], inner(specHere), depth + 1);
    } else if (shape.type === "map") {
      const first = Object.entries(value as Record<string, unknown>)[0];
      if (first) visit(root, shape.value!.shape, [...path, new MapKey(first[0])], first[1], inner(specHere), depth + 1);
      // Keys: one past the key's own bounds and pattern, keeping the value.
      if (first) {
        const keyShape = model.shapes[shape.key!.shape]!;
        for (const b of breaking(keyShape, first[0])) {
          const rest = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => k !== first[0]));
          cases.push({ label: label([...path, "{key}"], b.rule), input: setAt(root, path, { ...rest, [String(b.value)]: first[1] }) });
        }
      }
    }
  };
  visit(base, inputShape, [], base, { type: "structure", members: spec }, 0);
  return { cases, notes };
}
