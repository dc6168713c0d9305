import { UsageError } from "../errors";

/**
 * Reading metrics from an evaluation report. Two layouts are accepted:
 * - SageMaker's evaluation report: `{"binary_classification_metrics": {"accuracy": {"value": 0.93, …}}}`,
 *   `regression_metrics.mse.value`, `multiclass_classification_metrics…`: by dotted path, or by bare
 *   name when exactly one `*_metrics` section has it;
 * - a flat document: `{"accuracy": 0.93}`, by bare name.
 */

type Json = unknown;

/** An evaluation report is at most a few kilobytes; 8 MiB leaves room and refuses a stray dataset by its size. */
export const MAX_METRICS_BYTES = 8 * 1024 * 1024;
/** SageMaker's reports nest 3 levels deep; far deeper is not a metrics file (and would exhaust the stack). */
const MAX_METRICS_DEPTH = 32;

/**
 * Parse a metrics document: JSON, nested at most MAX_METRICS_DEPTH levels. Throws UsageError
 * naming `where` (a path or s3:// URI).
 */
export function parseMetricsDocument(text: string, where: string): Json {
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--metrics: ${where} is not valid JSON (${(error as Error).message})`);
  }
  if (depthOf(doc, MAX_METRICS_DEPTH + 1) > MAX_METRICS_DEPTH) throw new UsageError(`--metrics: ${where} nests deeper than ${MAX_METRICS_DEPTH} levels; it is not an evaluation report`);
  return doc;
}

/** How deep `doc` nests, counting no further than `limit` (iterative: no recursion to overflow). */
function depthOf(doc: Json, limit: number): number {
  let deepest = 0;
  const stack: Array<[Json, number]> = [[doc, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; walking on finds a depth over the limit all the same
    if (deepest >= limit) return deepest;
    if (node && typeof node === "object") for (const value of Object.values(node)) stack.push([value, depth + 1]);
  }
  return deepest;
}

/** Number.isFinite, which is false for anything not a number (no coercion). */
const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

function numberAt(node: Json): number | undefined {
  if (isFiniteNumber(node)) return node;
  // Not an array; a string, number or boolean has no "value" property, so only objects give one.
  if (node && !Array.isArray(node)) {
    const value = (node as Record<string, Json>).value;
    if (isFiniteNumber(value)) return value;
  }
  return undefined;
}

function child(node: Json, key: string): Json {
  return node && typeof node === "object" && !Array.isArray(node) ? (node as Record<string, Json>)[key] : undefined;
}

/** Every metric the document offers, as the paths `--require` accepts. */
export function metricPaths(doc: Json, prefix = ""): string[] {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return [];
  return Object.entries(doc as Record<string, Json>).flatMap(([key, node]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (numberAt(node) !== undefined) return [path];
    return metricPaths(node, path);
  });
}

export interface FoundMetric {
  /** The full path in the document, e.g. binary_classification_metrics.accuracy */
  path: string;
  value: number;
}

export function findMetric(doc: Json, name: string): FoundMetric {
  const direct = numberAt(name.split(".").reduce<Json>((node, key) => child(node, key), doc));
  if (direct !== undefined) return { path: name.replace(/\.value$/, ""), value: direct };
  if (!name.includes(".")) {
    // The keys of a string or an array are indexes, which the filter drops like any other.
    const sections = Object.keys((doc ?? {}) as object).filter((k) => k.endsWith("_metrics") || k === "metrics");
    const matches = sections.flatMap((section) => {
      const value = numberAt(child(child(doc, section), name));
      return value === undefined ? [] : [{ path: `${section}.${name}`, value }];
    });
    if (matches.length === 1) return matches[0]!;
    // Several (exactly one was returned above).
    if (matches.length > 0) {
      throw new UsageError(`metric "${name}" is ambiguous in the metrics file: ${matches.map((m) => m.path).join(", ")}`, {
        hint: "name it by its full path in --require",
      });
    }
  }
  const available = metricPaths(doc);
  throw new UsageError(`metric "${name}" is not in the metrics file`, {
    hint: available.length > 0 ? `available: ${available.slice(0, 12).join(", ")}${available.length > 12 ? ", …" : ""}` : "the file has no numeric metrics",
  });
}

/** The short name shown in tables: binary_classification_metrics.accuracy → accuracy. */
export function shortMetricName(path: string): string {
  const parts = path.replace(/\.value$/, "").split(".");
  return parts[parts.length - 1]!;
}
