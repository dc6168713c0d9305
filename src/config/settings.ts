import { UsageError } from "../errors";
import type { Env } from "../io/terminal";
import { isHttpUrl, REGION_PATTERN } from "../core/aws-names";
import { firstGiven } from "../core/sources";
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

/** The global settings, each from its first given source (see firstGiven); invalid ones become `problems`. */
export function resolveSettings(flags: GlobalFlags, env: Env, file: { values: MlopsConfig }): SettingsResult {
  const settings: Settings = {};
  const problems: UsageError[] = [];
  for (const key of Object.keys(SPECS) as Array<keyof Settings>) {
    const spec = SPECS[key];
    // An empty flag is a mistake (an unset variable in a script), not "use the next source".
    if (flags[key] === "") {
      problems.push(new UsageError(`${spec.flag} is empty: give a value, or leave the flag out`));
      continue;
    }
    const fileValue = file.values[key] === "" ? undefined : file.values[key];
    const found = firstGiven({ flag: [spec.flag, flags[key]], env: spec.env, file: [key, fileValue] }, env);
    if (!found) continue;
    const value = String(found.value);
    const problem = spec.validate?.(value);
    if (problem) problems.push(new UsageError(`${found.source}: ${problem} (got "${value}")`));
    else settings[key] = { value, source: found.source };
  }
  return { settings, problems };
}
