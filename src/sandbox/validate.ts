/**
 * Request validation as AWS does it on the server: required members, lengths, patterns, enums,
 * ranges, with AWS's own message shape ("1 validation error detected: Value … at 'x' failed to
 * satisfy constraint: Member must …").
 */

export type Spec =
  | { type: "string"; required?: boolean; min?: number; max?: number; pattern?: RegExp; enum?: readonly string[] }
  | { type: "integer" | "number"; required?: boolean; min?: number; max?: number }
  | { type: "boolean" | "timestamp" | "blob" | "any"; required?: boolean }
  | { type: "list"; required?: boolean; min?: number; max?: number; member: Spec }
  | { type: "map"; required?: boolean; min?: number; max?: number; key?: Spec; value: Spec }
  | { type: "structure"; required?: boolean; members: Record<string, Spec> };

export const str = (options: Omit<Extract<Spec, { type: "string" }>, "type"> = {}): Spec => ({ type: "string", ...options });
export const int = (options: { required?: boolean; min?: number; max?: number } = {}): Spec => ({ type: "integer", ...options });
export const num = (options: { required?: boolean; min?: number; max?: number } = {}): Spec => ({ type: "number", ...options });
export const bool = (required = false): Spec => ({ type: "boolean", required });
export const list = (member: Spec, options: { required?: boolean; min?: number; max?: number } = {}): Spec => ({ type: "list", member, ...options });
export const map = (value: Spec, options: { required?: boolean; min?: number; max?: number; key?: Spec } = {}): Spec => ({ type: "map", value, ...options });
export const struct = (members: Record<string, Spec>, required = false): Spec => ({ type: "structure", members, required });
export const required = <S extends Spec>(spec: S): S => ({ ...spec, required: true });

/** AWS reports member paths with a lower-case first letter: ModelPackageGroupName → modelPackageGroupName. */
function awsPath(path: string): string {
  return path
    .split(".")
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join(".");
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function validate(spec: Record<string, Spec>, input: unknown): string[] {
  const problems: string[] = [];
  checkMembers(spec, (input ?? {}) as Record<string, unknown>, "", problems);
  return problems;
}

export function validationMessage(problems: string[]): string {
  return `${problems.length} validation error${problems.length > 1 ? "s" : ""} detected: ${problems.join("; ")}`;
}

function checkMembers(members: Record<string, Spec>, value: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const [name, spec] of Object.entries(members)) check(spec, value[name], prefix ? `${prefix}.${name}` : name, problems);
}

function check(spec: Spec, value: unknown, path: string, problems: string[]): void {
  const fail = (rule: string): void => void problems.push(`Value '${show(value)}' at '${awsPath(path)}' failed to satisfy constraint: Member must ${rule}`);
  if (value === undefined || value === null) {
    if (spec.required) problems.push(`Value null at '${awsPath(path)}' failed to satisfy constraint: Member must not be null`);
    return;
  }
  switch (spec.type) {
    case "string": {
      if (typeof value !== "string") return fail("be a string");
      if (spec.min !== undefined && value.length < spec.min) fail(`have length greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && value.length > spec.max) fail(`have length less than or equal to ${spec.max}`);
      if (spec.pattern && !new RegExp(`^(?:${spec.pattern.source})$`, spec.pattern.flags.replace("g", "")).test(value))
        fail(`satisfy regular expression pattern: ${spec.pattern.source}`);
      if (spec.enum && !spec.enum.includes(value)) fail(`satisfy enum value set: [${spec.enum.join(", ")}]`);
      return;
    }
    case "integer":
    case "number": {
      if (typeof value !== "number" || Number.isNaN(value) || (spec.type === "integer" && !Number.isInteger(value))) return fail(`be an ${spec.type}`);
      if (spec.min !== undefined && value < spec.min) fail(`have value greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) fail(`have value less than or equal to ${spec.max}`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") fail("be a boolean");
      return;
    case "list": {
      if (!Array.isArray(value)) return fail("be a list");
      if (spec.min !== undefined && value.length < spec.min) fail(`have length greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && value.length > spec.max) fail(`have length less than or equal to ${spec.max}`);
      value.forEach((item, i) => check(spec.member, item, `${path}.${i + 1}.member`, problems));
      return;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return fail("be a map");
      const entries = Object.entries(value as Record<string, unknown>);
      if (spec.min !== undefined && entries.length < spec.min) fail(`have length greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && entries.length > spec.max) fail(`have length less than or equal to ${spec.max}`);
      for (const [k, v] of entries) {
        if (spec.key) check(spec.key, k, `${path}.${k}.key`, problems);
        check(spec.value, v, `${path}.${k}.value`, problems);
      }
      return;
    }
    case "structure":
      if (typeof value !== "object" || Array.isArray(value)) return fail("be a structure");
      checkMembers(spec.members, value as Record<string, unknown>, path, problems);
      return;
    default:
      return;
  }
}
