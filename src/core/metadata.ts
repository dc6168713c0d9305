import { UsageError } from "../errors";

/**
 * SageMaker's CustomerMetadataProperties: 1–50 entries, keys ≤ 128, values ≤ 256, both drawn
 * from letters, digits, spaces and `_ . : / = + - @`. The user's own entries must fit or the
 * command stops (exit 2); the entries mlops adds are cut to fit, with a warning, never sent bad.
 */
export const METADATA_LIMITS = { entries: 50, key: 128, value: 256 } as const;

const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const DISALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;
const RULE = "letters, digits, spaces and _ . : / = + - @";

export function checkUserMetadata(flag: string, pairs: ReadonlyArray<[string, string]>): Record<string, string> {
  if (pairs.length > METADATA_LIMITS.entries) throw new UsageError(`${flag}: ${pairs.length} entries; a model version takes at most ${METADATA_LIMITS.entries}`);
  for (const [key, value] of pairs) {
    if (key.length > METADATA_LIMITS.key) throw new UsageError(`${flag} key "${key.slice(0, 20)}…" is ${key.length} characters; the limit is ${METADATA_LIMITS.key}`);
    if (!ALLOWED.test(key)) throw new UsageError(`${flag} key "${key}" may only contain ${RULE}`);
    if (value.length === 0) throw new UsageError(`${flag} ${key}: the value is empty`);
    if (value.length > METADATA_LIMITS.value) throw new UsageError(`${flag} ${key}: the value is ${value.length} characters; the limit is ${METADATA_LIMITS.value}`);
    if (!ALLOWED.test(value)) throw new UsageError(`${flag} ${key}: the value "${value}" may only contain ${RULE}`);
    if (key.startsWith("mlops:")) throw new UsageError(`${flag} key "${key}": the mlops: prefix is kept for what mlops records itself`);
  }
  return Object.fromEntries(pairs);
}

export interface FittedMetadata {
  properties: Record<string, string>;
  warnings: string[];
}

/** The user's entries as given, then mlops's own, in order of importance, made to fit. */
export function fitMetadata(user: Record<string, string>, automatic: ReadonlyArray<[string, string]>): FittedMetadata {
  const properties = { ...user };
  const warnings: string[] = [];
  for (const [rawKey, rawValue] of automatic) {
    if (Object.keys(properties).length >= METADATA_LIMITS.entries) {
      warnings.push(`metadata ${rawKey} not recorded: a model version takes at most ${METADATA_LIMITS.entries} entries`);
      continue;
    }
    const key = rawKey.replace(DISALLOWED, "_").slice(0, METADATA_LIMITS.key);
    let value = rawValue.replace(DISALLOWED, "_");
    if (value !== rawValue) warnings.push(`metadata ${key}: characters SageMaker does not allow were replaced by _`);
    if (value.length > METADATA_LIMITS.value) {
      value = value.slice(0, METADATA_LIMITS.value);
      warnings.push(`metadata ${key}: value cut to ${METADATA_LIMITS.value} characters`);
    }
    if (value === "") continue;
    properties[key] = value;
  }
  return { properties, warnings };
}
