import { UsageError } from "../errors";

/** Parsing of flag values shared by commands: each failure names the flag and the rule. */


/**
 * A whole number in decimal digits ("16", not "0x10" or "1e3"), within `range`; a number from
 * mlops.yaml must be a safe integer. Throws UsageError naming `flag`.
 */
export function parseInteger(flag: string, raw: string | number, range: { min?: number; max?: number } = {}): number {
  // Inside the function, not module constants: a regex is then a mutant every test run can see.
  const WHOLE = /^[+-]?\d+$/;
  const text = String(raw).trim();
  // Stryker disable next-line ConditionalExpression: String() of a safe integer is its digits and of any other number not a safe integer once read back: the same value or refusal
  const value = typeof raw === "number" ? raw : WHOLE.test(text) ? Number(text) : NaN;
  if (typeof raw === "string" && WHOLE.test(text) && !Number.isSafeInteger(value)) throw new UsageError(`${flag} is too large a number (got "${raw}")`);
  if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} must be a whole number (got "${raw}")`);
  checkRange(flag, value, range);
  return value;
}

/** A finite decimal number within `range` (Infinity and 1e999 are refused). Throws UsageError naming `flag`. */
export function parseNumber(flag: string, raw: string | number, range: { min?: number; max?: number; exclusiveMin?: number } = {}): number {
  /** Decimal numbers only: JavaScript's Number() also takes "0x10", "0b1", "Infinity" and "". */
  const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const text = String(raw).trim();
  const value = typeof raw === "number" ? raw : DECIMAL.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value)) throw new UsageError(`${flag} must be a number (got "${raw}")`);
  if (!Number.isFinite(value)) throw new UsageError(`${flag} is too large a number (got "${raw}")`);
  if (range.exclusiveMin !== undefined && !(value > range.exclusiveMin)) throw new UsageError(`${flag} must be greater than ${range.exclusiveMin} (got ${value})`);
  checkRange(flag, value, range);
  return value;
}

function checkRange(flag: string, value: number, range: { min?: number; max?: number }): void {
  const { min, max } = range;
  // Stryker disable next-line ConditionalExpression: a comparison with undefined is false, so the undefined checks only say intent
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const rule = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
    throw new UsageError(`${flag} must be ${rule} (got ${value})`);
  }
}

/** `20.19.0` ≥ `20.19`? Compares dotted numeric versions; missing parts count as 0. */
export function versionAtLeast(version: string, minimum: string): boolean {
  // Stryker disable next-line Regex: a version is digits and dots after an optional leading v; there is no other v to remove
  const a = version.replace(/^v/, "").split(".").map(Number);
  // Stryker disable next-line Regex: as above
  const b = minimum.replace(/^v/, "").split(".").map(Number);
  // Stryker disable next-line EqualityOperator: one step past the end compares 0 with 0 and moves on
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    // Stryker disable next-line EqualityOperator: x !== y here, so x >= y is x > y
    if (x !== y) return x > y;
  }
  return true;
}
