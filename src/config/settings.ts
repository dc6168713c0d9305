import { UsageError } from "../errors";
import type { Env } from "../io/terminal";
import { isHttpUrl, REGION_PATTERN } from "../core/aws-names";
import type { MlopsConfig } from "./schema";

/** Where a setting came from, for `mlops doctor` and error messages. */
export interface Resolved<T> {
  value: T;
  source: string;
}

export interface GlobalFlags {
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export interface Settings {
  region?: Resolved<string>;
  profile?: Resolved<string>;
  endpointUrl?: Resolved<string>;
}

interface SettingSpec {
  flag: string;
  env: readonly string[];
  validate?: (value: string) => string | undefined;
}

const validRegion = (v: string) => (REGION_PATTERN.test(v) ? undefined : "must be an AWS region such as us-east-1");
const validUrl = (v: string) => (isHttpUrl(v) ? undefined : "must be an http:// or https:// URL");

/** Precedence: flag > MLOPS_* env > the AWS env the SDK reads too > mlops.yaml. */
const SPECS: Record<keyof Settings, SettingSpec> = {
  region: { flag: "--region", env: ["MLOPS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"], validate: validRegion },
  profile: { flag: "--profile", env: ["MLOPS_PROFILE", "AWS_PROFILE"] },
  endpointUrl: { flag: "--endpoint-url", env: ["MLOPS_ENDPOINT_URL"], validate: validUrl },
};

export interface SettingsResult {
  settings: Settings;
  /** Invalid values, each naming where it came from. Commands refuse to run; doctor reports them. */
  problems: UsageError[];
}

export function resolveSettings(flags: GlobalFlags, env: Env, file: { path?: string; values: MlopsConfig }): SettingsResult {
  const settings: Settings = {};
  const problems: UsageError[] = [];
  for (const key of Object.keys(SPECS) as Array<keyof Settings>) {
    const spec = SPECS[key];
    // An empty flag is a mistake (an unset variable in a script), not "use the next source".
    if (flags[key] === "") {
      problems.push(new UsageError(`${spec.flag} is empty: give a value, or leave the flag out`));
      continue;
    }
    const found = pick(flags[key], spec.flag) ?? firstEnv(env, spec.env) ?? pick(file.values[key], file.path ?? "mlops.yaml");
    if (!found) continue;
    const problem = spec.validate?.(found.value);
    if (problem) problems.push(new UsageError(`${found.source}: ${problem} (got "${found.value}")`));
    else settings[key] = found;
  }
  return { settings, problems };
}

function pick(value: string | undefined, source: string): Resolved<string> | undefined {
  return value === undefined || value === "" ? undefined : { value, source };
}

function firstEnv(env: Env, names: readonly string[]): Resolved<string> | undefined {
  for (const name of names) {
    const found = pick(env[name], name);
    if (found) return found;
  }
  return undefined;
}
