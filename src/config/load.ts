import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { UsageError } from "../errors";
import type { MlopsConfig } from "./schema";
import { loadYaml } from "./yaml";

export const CONFIG_FILE_NAME = "mlops.yaml";
/** 1 MiB: far more than any real mlops.yaml. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedConfigFile {
  /** Absolute path of the file, or undefined when none was found. */
  path?: string;
  values: MlopsConfig;
}

/** Walk up from `cwd` like git does; the first mlops.yaml wins. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Read and validate mlops.yaml. An explicit path must exist; a discovered one may be absent.
 * Errors name the file and the key path, e.g. `mlops.yaml: region: must be an AWS region`.
 */
export async function loadConfigFile(options: { cwd: string; explicitPath?: string }): Promise<LoadedConfigFile> {
  const path = options.explicitPath ? resolve(options.cwd, options.explicitPath) : findConfigFile(options.cwd);
  if (!path) return { values: {} };
  let text: string;
  try {
    // A config file is a few lines: refuse a huge one by its size, before reading it.
    const { size } = await stat(path);
    if (size > MAX_CONFIG_BYTES) throw new UsageError(`${path} is ${size} bytes; an mlops.yaml is at most ${MAX_CONFIG_BYTES} bytes`);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read config file ${path}: ${code === "ENOENT" ? "no such file" : String(error)}`, {
      hint: "pass --config with the path of an existing mlops.yaml, or leave it out to search upwards",
    });
  }
  return { path, values: await parseConfigText(text, path) };
}

export async function parseConfigText(text: string, path: string): Promise<MlopsConfig> {
  // yaml and zod load only when there is a file to read.
  const [{ parseDocument }, { ConfigSchema }] = await Promise.all([loadYaml(), import("./schema")]);
  const doc = parseDocument(text, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    throw new UsageError(`${path}${line ? `:${line.line}:${line.col}` : ""}: invalid YAML: ${yamlError.message.split("\n")[0]}`);
  }
  // A section left empty (`endpoint:` with its keys commented out) is absent, not an error.
  let js: unknown;
  try {
    // yaml refuses documents that expand aliases past its limit (a "billion laughs" file).
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new UsageError(`${path}: cannot be read as configuration: ${(error as Error).message}`);
  }
  const raw: unknown = withoutEmptySections(js ?? {});
  const parsed = ConfigSchema.safeParse(raw, { error: configIssueMessage });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${path}: ${describeIssue(issue)}`, { hint: "fix the key above; `mlops doctor` checks the whole file" });
  }
  return parsed.data;
}

function withoutEmptySections(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/**
 * The words our flags use ("must be at most 86400"), not zod's defaults ("Too big: expected number
 * to be <=86400"). Undefined keeps a schema's own message.
 */
function configIssueMessage(issue: { code: string; expected?: unknown; origin?: unknown; maximum?: unknown; minimum?: unknown; inclusive?: boolean; values?: unknown[] }): string | undefined {
  const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
  switch (issue.code) {
    case "too_big":
      if (issue.origin === "number") return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`;
      return `must have at most ${issue.maximum}${unit}`;
    case "too_small":
      if (issue.origin === "number") return issue.inclusive === false ? `must be more than ${issue.minimum}` : `must be at least ${issue.minimum}`;
      return `must have at least ${issue.minimum}${unit}`;
    case "invalid_type":
      return issue.expected === "int" ? "must be a whole number" : `must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
    case "invalid_value":
      return issue.values ? `must be one of: ${issue.values.map(String).join(", ")}` : undefined;
    default:
      return undefined;
  }
}

type Issue = { path: PropertyKey[]; message: string; code: string; keys?: string[] };

function describeIssue(issue: Issue): string {
  const at = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys" && issue.keys) {
    const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k));
    return `unknown key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`;
  }
  return at ? `${at}: ${issue.message}` : issue.message;
}
