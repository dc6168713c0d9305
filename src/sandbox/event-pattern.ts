/**
 * EventBridge event patterns: checking a pattern and matching an event against it. Pure: no I/O.
 *
 * Semantics (doc: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * and eb-create-pattern-operators.html):
 * - a pattern is a JSON object; each key names a field of the event; every key must match (AND);
 * - a leaf is an array of matchers, any of which may match (OR); an object value descends into
 *   the event's object at that key; `$or` is an array of sub-patterns, any of which may match;
 * - when the event's value is an array, the field matches if any element matches;
 * - matchers: a string, number, boolean or null literal (exact), or an object with one of
 *   `prefix`, `suffix` (each a string or `{"equals-ignore-case": s}`), `wildcard` (`*` any run of
 *   characters), `anything-but` (a value, a list of values, or `{prefix|suffix|wildcard|equals-ignore-case}`),
 *   `numeric` (`[op, n, op?, n?]`, ops `= < <= > >=`), `exists` (true/false), `equals-ignore-case`.
 *   `exists: false` matches a missing field; every other matcher needs the field present.
 */

export class InvalidEventPattern extends Error {}

type Pattern = Record<string, unknown>;

const NUMERIC_OPS = new Set(["=", "<", "<=", ">", ">="]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const bad = (reason: string): never => {
  throw new InvalidEventPattern(`Event pattern is not valid. Reason: ${reason}`);
};

/** Parse and check a pattern's JSON; throws InvalidEventPattern with the reason. */
export function parseEventPattern(text: string): Pattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return bad("Filter is not valid JSON");
  }
  if (!isObject(parsed)) return bad("Filter is not an object");
  checkPattern(parsed, true);
  return parsed;
}

function checkPattern(pattern: Pattern, top: boolean): void {
  if (top && Object.keys(pattern).length === 0) bad("Empty objects are not allowed");
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2) bad("Or relationship must be an array of at least two objects");
      for (const sub of value as unknown[]) isObject(sub) ? checkPattern(sub, true) : bad("Or relationship must be an array of objects");
    } else if (Array.isArray(value)) {
      if (value.length === 0) bad(`Empty arrays are not allowed at "${key}"`);
      for (const m of value) checkMatcher(m, key);
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) bad(`Empty objects are not allowed at "${key}"`);
      // Stryker disable next-line BooleanLiteral: `top` only refuses an empty object, which the line above already did
      checkPattern(value, false);
    } else {
      bad(`"${key}" must be an object or an array`);
    }
  }
}

function checkString(v: unknown, what: string): void {
  if (typeof v === "string") return;
  // Stryker disable next-line LogicalOperator: a JSON value other than an object cannot have an "equals-ignore-case" string
  if (isObject(v) && Object.keys(v).length === 1 && typeof v["equals-ignore-case"] === "string") return;
  bad(`${what} match pattern must be a string`);
}

function checkMatcher(m: unknown, key: string): void {
  if (m === null || typeof m === "string" || typeof m === "number" || typeof m === "boolean") return;
  if (!isObject(m)) return bad(`Match value at "${key}" must be a string, number, boolean, null or an object`);
  const keys = Object.keys(m);
  if (keys.length !== 1) return bad(`Only one key allowed in match expression at "${key}"`);
  const [op] = keys as [string];
  const v = m[op];
  switch (op) {
    case "prefix":
    case "suffix":
      return checkString(v, op);
    case "wildcard":
      if (typeof v !== "string") bad("wildcard match pattern must be a string");
      if ((v as string).includes("**")) bad("Consecutive wildcard characters at pos " + (v as string).indexOf("**"));
      return;
    case "equals-ignore-case":
      if (typeof v !== "string") bad("equals-ignore-case match pattern must be a string");
      return;
    case "exists":
      if (typeof v !== "boolean") bad("exists match pattern must be either true or false.");
      return;
    case "numeric":
      return checkNumeric(v);
    case "anything-but":
      if (Array.isArray(v)) {
        if (v.length === 0) bad("Inside anything but list, empty arrays are not allowed");
        if (!v.every((x) => typeof x === "string") && !v.every((x) => typeof x === "number")) bad("Inside anything but list, start|null|boolean is not supported.");
        return;
      }
      if (typeof v === "string" || typeof v === "number") return;
      if (isObject(v) && Object.keys(v).length === 1) {
        const [inner] = Object.keys(v) as [string];
        if (inner === "prefix" || inner === "suffix" || inner === "wildcard" || inner === "equals-ignore-case") {
          const iv = v[inner];
          if (typeof iv === "string" || (Array.isArray(iv) && iv.length > 0 && iv.every((x) => typeof x === "string"))) return;
          return bad(`${inner} match pattern must be a string`);
        }
      }
      return bad("Value of anything-but must be an array or single string/number value.");
    default:
      return bad(`Unrecognized match type ${op}`);
  }
}

function checkNumeric(v: unknown): void {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 4)) return bad("Value of numeric must be an array.");
  for (let i = 0; i < v.length; i += 2) {
    if (!NUMERIC_OPS.has(v[i])) bad(`Unrecognized numeric range operator: ${String(v[i])}`);
    if (typeof v[i + 1] !== "number") bad("Value of numeric range must be a number");
  }
  if (v.length === 4) {
    const [lo, hi] = [v[0] as string, v[2] as string];
    if (!(lo === ">" || lo === ">=") || !(hi === "<" || hi === "<=")) bad("Bad numeric range operator");
    if ((v[1] as number) >= (v[3] as number)) bad("Bottom must be less than top");
  }
}

/** Whether `event` (any JSON object) matches a pattern already checked by parseEventPattern. */
export function matchesEventPattern(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Pattern, value: unknown): boolean {
  const obj = isObject(value) ? value : {};
  for (const [key, p] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!(p as Pattern[]).some((sub) => matchObject(sub, value))) return false;
      continue;
    }
    const field = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (Array.isArray(p)) {
      if (!matchLeaf(p, field, Object.hasOwn(obj, key))) return false;
    } else if (Array.isArray(field)) {
      if (!field.some((item) => matchObject(p as Pattern, item))) return false;
    } else if (!matchObject(p as Pattern, field)) return false;
  }
  return true;
}

function matchLeaf(matchers: unknown[], field: unknown, present: boolean): boolean {
  const values = Array.isArray(field) ? field : [field];
  return matchers.some((m) => {
    if (isObject(m) && "exists" in m) return m.exists === (present && !isObject(field) && !(Array.isArray(field) && field.length === 0));
    if (!present) return false;
    return values.some((v) => !isObject(v) && matchOne(m, v));
  });
}

const textOf = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function affix(p: unknown, v: string, test: (value: string, affix: string) => boolean): boolean {
  if (typeof p === "string") return test(v, p);
  const s = (p as Record<string, string>)["equals-ignore-case"]!;
  return test(v.toLowerCase(), s.toLowerCase());
}

/** `*` is any run of characters; `\*` a literal asterisk and `\\` a literal backslash (eb-create-pattern-operators, wildcard matching). */
function wildcard(pattern: string, v: string): boolean {
  const source = pattern.replace(/\\([\\*])|\*|[.+?^${}()|[\]\\]/g, (token: string, escaped: string | undefined) => (escaped !== undefined ? `\\${escaped}` : token === "*" ? ".*" : `\\${token}`));
  return new RegExp(`^${source}$`, "s").test(v);
}

function matchOne(m: unknown, v: unknown): boolean {
  if (!isObject(m)) return m === v;
  const [op] = Object.keys(m) as [string];
  const p = m[op];
  const s = textOf(v);
  switch (op) {
    case "prefix":
      return s !== undefined && affix(p, s, (a, b) => a.startsWith(b));
    case "suffix":
      return s !== undefined && affix(p, s, (a, b) => a.endsWith(b));
    case "wildcard":
      return s !== undefined && wildcard(p as string, s);
    case "equals-ignore-case":
      return s !== undefined && s.toLowerCase() === (p as string).toLowerCase();
    case "numeric":
      return typeof v === "number" && numeric(p as Array<string | number>, v);
    case "anything-but":
      return anythingBut(p, v);
    // Stryker disable ConditionalExpression,BooleanLiteral: unreachable; checkMatcher allows no other operator and matchLeaf handles exists
    default:
      return false;
    // Stryker restore ConditionalExpression,BooleanLiteral
  }
}

function numeric(range: Array<string | number>, v: number): boolean {
  for (let i = 0; i < range.length; i += 2) {
    const n = range[i + 1] as number;
    const ok = { "=": v === n, "<": v < n, "<=": v <= n, ">": v > n, ">=": v >= n }[range[i] as string];
    if (!ok) return false;
  }
  return true;
}

function anythingBut(p: unknown, v: unknown): boolean {
  if (Array.isArray(p)) return !p.includes(v);
  if (!isObject(p)) return p !== v;
  const [op] = Object.keys(p) as [string];
  const s = textOf(v);
  if (s === undefined) return true;
  const list = ([] as string[]).concat(p[op] as string | string[]);
  const hit = {
    prefix: (x: string) => s.startsWith(x),
    suffix: (x: string) => s.endsWith(x),
    wildcard: (x: string) => wildcard(x, s),
    "equals-ignore-case": (x: string) => s.toLowerCase() === x.toLowerCase(),
  }[op as "prefix"];
  return !list.some(hit);
}
