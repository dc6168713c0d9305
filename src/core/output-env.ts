/**
 * `--output-env FILE`: the values a later build phase needs (ARNs, names, statuses), as KEY=VALUE
 * lines that a POSIX shell can source (`set -a; . ./FILE; set +a`) and a dotenv parser reads.
 * Pure: the file is written by src/io/output-env.ts.
 *
 * Only the keys below are ever written: never an environment variable, a credential or a token.
 */

/** The keys each command writes. */
export const OUTPUT_ENV_KEYS = {
  "pipeline start": ["PIPELINE_EXECUTION_ARN", "PIPELINE_EXECUTION_STATUS", "MODEL_PACKAGE_ARN"],
  register: ["MODEL_PACKAGE_ARN", "MODEL_PACKAGE_VERSION", "APPROVAL_STATUS"],
  deploy: ["ENDPOINT_NAME", "ENDPOINT_CONFIG", "DEPLOY_OUTCOME"],
} as const;

export type OutputEnvCommand = keyof typeof OUTPUT_ENV_KEYS;
export type OutputEnvValues<C extends OutputEnvCommand> = Partial<Record<(typeof OUTPUT_ENV_KEYS)[C][number], string>>;

/**
 * One line, the value in single quotes: a shell takes it literally ($, `, \ and spaces included),
 * and dotenv parsers strip the quotes. A value holding a quote, a newline or another control
 * character cannot be written that way for both, so it is refused (none of the values mlops
 * writes, ARNs, names and statuses, can hold one).
 */
export function envLine(key: string, value: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(key)) throw new Error(`internal: ${JSON.stringify(key)} is not an environment variable name`);
  // eslint-disable-next-line no-control-regex
  if (/['\u0000-\u001f\u007f]/.test(value)) throw new Error(`internal: the value of ${key} holds a quote or a control character and cannot be written to an env file`);
  return `${key}='${value}'`;
}

/**
 * The file's new text: the lines of `existing` that do not set one of `values`' keys (so a file
 * shared by several commands keeps the others' values, and a rerun does not pile up duplicates),
 * then one line per value, in the command's key order. Keys other than the command's are refused.
 */
export function mergeEnvFile<C extends OutputEnvCommand>(command: C, existing: string, values: OutputEnvValues<C>): string {
  const allowed: readonly string[] = OUTPUT_ENV_KEYS[command];
  for (const key of Object.keys(values)) if (!allowed.includes(key)) throw new Error(`internal: ${key} is not one of the keys mlops ${command} writes`);
  const keys = allowed.filter((k) => (values as Record<string, string | undefined>)[k] !== undefined);
  const kept = existing
    .split("\n")
    .filter((line) => line !== "")
    .filter((line) => !keys.some((k) => new RegExp(`^\\s*(export\\s+)?${k}=`).test(line)));
  const added = keys.map((k) => envLine(k, (values as Record<string, string>)[k]!));
  return [...kept, ...added].join("\n") + "\n";
}

/** KEY=VALUE lines back into a record (the quotes removed): for tests and for reading a file back. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    // No $ after (.*): it would refuse a line ending in \r (a file saved with CRLF); trim() drops the \r.
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)/.exec(line);
    if (!m) continue;
    const raw = m[2]!.trim();
    out[m[1]!] = /^'.*'$/.test(raw) || /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return out;
}
