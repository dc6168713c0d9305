import { UsageError } from "../errors";

/** A metric gate: `--require "accuracy>=0.9"`; every requirement must hold. */

export type Comparison = ">=" | ">" | "<=" | "<" | "==";

export interface Requirement {
  /** As the user wrote it, normalised: `accuracy>=0.9`. */
  expr: string;
  metric: string;
  op: Comparison;
  threshold: number;
}

export interface GateCheck {
  expr: string;
  metric: string;
  op: Comparison;
  threshold: number;
  actual: number;
  passed: boolean;
}

export function parseRequirement(expr: string): Requirement {
  // In the function, not a module constant, so that every test run sees a change to it.
  const match = /^\s*([A-Za-z_][\w.-]*)\s*(>=|<=|==|>|<)\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(expr);
  if (!match) {
    throw new UsageError(`--require "${expr}": expected <metric><op><number> with op one of >= > <= < ==`, {
      hint: 'e.g. --require "accuracy>=0.9" --require "regression_metrics.mse.value<0.05"',
    });
  }
  const [, metric, op, number] = match as unknown as [string, string, Comparison, string];
  // "1e999" is Infinity: a gate that would always pass (or never).
  if (!Number.isFinite(Number(number))) throw new UsageError(`--require "${expr}": ${number} is too large a threshold`);
  return { expr: `${metric}${op}${number}`, metric, op, threshold: Number(number) };
}

export function compare(actual: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case ">=":
      return actual >= threshold;
    case ">":
      return actual > threshold;
    case "<=":
      return actual <= threshold;
    case "<":
      return actual < threshold;
    case "==":
      return actual === threshold;
  }
}

export function evaluateGate(requirements: readonly Requirement[], valueOf: (metric: string) => number): GateCheck[] {
  return requirements.map((r) => {
    const actual = valueOf(r.metric);
    return { ...r, actual, passed: compare(actual, r.op, r.threshold) };
  });
}

/** Comparison as words, for places that do not allow < and > (SageMaker metadata values). */
export const OP_WORDS: Record<Comparison, string> = { ">=": "ge", ">": "gt", "<=": "le", "<": "lt", "==": "eq" };
