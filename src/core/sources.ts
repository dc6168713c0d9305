import type { Env } from "../io/terminal";

/**
 * One rule for every way a value arrives: a flag, an MLOPS_* variable, or a key of mlops.yaml.
 * The first one given wins, and the same check applies to each, naming where the value came
 * from ("--canary-percent", "MLOPS_POLL_SECONDS", "mlops.yaml deploy.canaryPercent").
 */
export interface Given<T> {
  value: T;
  source: string;
}

/** A value as given: flags and variables are strings (or a flag's boolean), mlops.yaml may hold numbers. */
export type RawValue = string | number | boolean;

/**
 * Where one setting may come from, in order of precedence: the flag, then each variable in order
 * (e.g. MLOPS_REGION before the AWS_REGION the SDK reads too), then `file`, a key path under mlops.yaml.
 */
export interface SettingSources {
  flag: [name: string, value: string | boolean | undefined];
  env?: string | readonly string[];
  file?: [path: string, value: RawValue | undefined];
}

/** The first given source of a setting; an empty variable counts as not set. */
export function firstGiven(sources: SettingSources, env: Env): Given<RawValue> | undefined {
  const [flag, flagValue] = sources.flag;
  if (flagValue !== undefined) return { value: flagValue, source: flag };
  for (const name of typeof sources.env === "string" ? [sources.env] : (sources.env ?? [])) {
    const value = env[name];
    if (value !== undefined && value !== "") return { value, source: name };
  }
  if (sources.file && sources.file[1] !== undefined) return { value: sources.file[1], source: `mlops.yaml ${sources.file[0]}` };
  return undefined;
}

/** The setting checked by `parse` (which names `source` in its errors), or undefined when none is given. */
export function resolveSetting<R>(sources: SettingSources, env: Env, parse: (source: string, value: RawValue) => R): R | undefined {
  const given = firstGiven(sources, env);
  return given === undefined ? undefined : parse(given.source, given.value);
}
