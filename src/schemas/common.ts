import { z } from "zod";
import { ERROR_NAMES } from "../errors";

/**
 * The shapes every `--json` document shares. Each command's output is a zod schema under
 * src/schemas; the command types what it prints as `z.infer` of it (with `import type`, so that
 * zod is never loaded to print), and `npm run schemas` writes them to docs/schemas/ as JSON
 * Schema. Objects are strict (no keys beyond those listed) so that a renamed or added field shows
 * up as a difference in the published schema, and fails the e2e tests until it is published.
 */

/** The `error` member of a JSON document: what failed, its exit code, the hint. */
export const errorDetail = z
  .strictObject({
    name: z.enum(ERROR_NAMES).describe("A stable public code for the kind of error (kebab-case); scripts may switch on it. See README, Exit codes."),
    exitCode: z.int().min(1).max(255).describe("The process's exit code, as the README's table lists them."),
    message: z.string().describe("What went wrong, for people (not stable)."),
    hint: z.string().optional().describe("What to do about it, when mlops knows."),
    leftBehind: z.array(z.string()).optional().describe("What the run changed before it stopped (and any call in flight that may have happened)."),
  })
  .meta({ title: "error", description: "The error member: its name, exit code, message, and a hint when there is one." });

export type ErrorDetail = z.infer<typeof errorDetail>;

/** What stdout holds under --json when a command fails without a report of its own. */
export const errorOutput = z
  .strictObject({ error: errorDetail })
  .meta({ title: "mlops error document", description: "What `mlops … --json` prints on stdout when a command fails (a usage error included) and has no report of its own." });

export type ErrorOutput = z.infer<typeof errorOutput>;

/** Something a command wants said beside its result: plain information, or a warning. */
export const note = z
  .strictObject({
    level: z.enum(["info", "warning"]).describe("info: how mlops read or decided something; warning: something that may not be what you want."),
    message: z.string().describe("The note itself, without any `note:` or `warning:` prefix."),
  })
  .meta({ title: "note" });

export type Note = z.infer<typeof note>;

export const ALARM_STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

/** An alarm and its state as last read. */
export const alarm = z.strictObject({
  name: z.string(),
  state: z.enum(ALARM_STATES).nullable().describe("CloudWatch's StateValue when last read; null when it could not be read (a dry run's alarms do not exist yet; a read AWS refused)."),
});

/** A time, ISO 8601 in UTC. */
export const isoTime = z.iso.datetime().describe("ISO 8601, UTC");

/** A command's output, or the error document when it failed before it had one. */
export function orError<T extends z.ZodType>(output: T, meta: { title: string; description: string }) {
  return z.union([output, errorOutput]).meta(meta);
}

/** Compile-time check that two types are the same (a schema's enum against the code's union): `Expect<Same<A, B>>`. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Expect<T extends true> = T;
