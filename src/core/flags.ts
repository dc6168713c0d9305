import { UsageError } from "../errors";

/** Parsing of flag values shared by commands: each failure names the flag and the rule. */

/** Decimal digits with an optional sign: what a person means by a whole number on a command line. */
const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * A whole number from a flag (a string) or a config value (a number), within `range`
 * (inclusive). Only decimal digits with an optional sign are taken: `0x10`, `1e3`, `12.0`,
 * `Infinity` and numbers beyond 2^53 are refused rather than read as something else.
 * Throws UsageError (exit 2) naming the flag and the rule.
 */
export function parseInteger(flag: string, raw: string | number, range: { min?: number; max?: number } = {}): number {
  const text = String(raw).trim();
  const value = typeof raw === "number" ? raw : DECIMAL_INTEGER.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} must be a whole number (got "${raw}")`);
  checkRange(flag, value, range);
  return value;
}

export function parseNumber(flag: string, raw: string | number, range: { min?: number; max?: number; exclusiveMin?: number } = {}): number {
  const value = typeof raw === "number" ? raw : Number(raw);
  if (String(raw).trim() === "" || !Number.isFinite(value)) throw new UsageError(`${flag} must be a number (got "${raw}")`);
  if (range.exclusiveMin !== undefined && !(value > range.exclusiveMin)) throw new UsageError(`${flag} must be greater than ${range.exclusiveMin} (got ${value})`);
  checkRange(flag, value, range);
  return value;
}

function checkRange(flag: string, value: number, range: { min?: number; max?: number }): void {
  const { min, max } = range;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const rule = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
    throw new UsageError(`${flag} must be ${rule} (got ${value})`);
  }
}

/** `20.19.0` ≥ `20.19`? Compares dotted numeric versions; missing parts count as 0. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.replace(/^v/, "").split(".").map(Number);
  const b = minimum.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
