import { ExitCode } from "./exit-codes";

/**
 * The stable, public name of each kind of error: `error.name` in the JSON error document. Scripts
 * may switch on these; the classes below are internal and may change. README lists them.
 */
export const ERROR_NAMES = [
  "usage",
  "missing-input",
  "declined",
  "failed",
  "aws",
  "rolled-back",
  "gate-failed",
  "timed-out",
  "credentials",
  "interrupted",
  "unexpected",
] as const;

export type ErrorName = (typeof ERROR_NAMES)[number];

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * Base of every error we raise on purpose. Only src/cli.ts turns these into exit codes.
 * Names are spelt out (not taken from the class) because the bundle is minified.
 */
export class MlopsError extends Error {
  override name = "MlopsError";
  /** What the JSON error document calls it (stable, kebab-case); `name` stays the class's, for debugging. */
  readonly publicName: ErrorName = "failed";
  readonly exitCode: number = ExitCode.Failed;
  readonly hint?: string;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** Bad flags, bad config or bad input. Nothing was changed. */
export class UsageError extends MlopsError {
  override name = "UsageError";
  override readonly publicName: ErrorName = "usage";
  override readonly exitCode = ExitCode.Usage;
}

/** A value we would ask for, but cannot: no TTY, CI, or --no-input. */
/** Values that only a prompt could have supplied, all named at once: one run tells everything missing. */
export class MissingInputError extends UsageError {
  override name = "MissingInputError";
  override readonly publicName: ErrorName = "missing-input";
  constructor(flags: string | readonly string[], options: ErrorOptions = {}) {
    const list = typeof flags === "string" ? [flags] : flags;
    const names = list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : list[0];
    super(`${names} ${list.length > 1 ? "are" : "is"} required when not running interactively`, options);
  }
}

export class RolledBackError extends MlopsError {
  override name = "RolledBackError";
  override readonly publicName: ErrorName = "rolled-back";
  override readonly exitCode = ExitCode.RolledBack;
}

export class GateError extends MlopsError {
  override name = "GateError";
  override readonly publicName: ErrorName = "gate-failed";
  override readonly exitCode = ExitCode.GateNotMet;
}

export class WaitTimeoutError extends MlopsError {
  override name = "WaitTimeoutError";
  override readonly publicName: ErrorName = "timed-out";
  override readonly exitCode = ExitCode.TimedOut;
}

export class CredentialsError extends MlopsError {
  override name = "CredentialsError";
  override readonly publicName: ErrorName = "credentials";
  override readonly exitCode = ExitCode.Credentials;
}

export class InterruptedError extends MlopsError {
  override name = "InterruptedError";
  override readonly publicName: ErrorName = "interrupted";
  override readonly exitCode = ExitCode.Interrupted;
}

/**
 * A confirmation answered no (only a person at a terminal can): nothing was changed. Not a
 * failure: reported without `error:`, with an exit code of its own.
 */
export class DeclinedError extends MlopsError {
  override name = "DeclinedError";
  override readonly publicName: ErrorName = "declined";
  override readonly exitCode = ExitCode.Declined;
}

/** Ctrl-C after the command itself put things in a known state, which its message tells. */
export class SettledInterruptError extends InterruptedError {
  override name = "SettledInterruptError";
}

/** An AWS call failed for a reason that is not the caller's input or credentials. */
export class AwsError extends MlopsError {
  override name = "AwsError";
  override readonly publicName: ErrorName = "aws";
  readonly operation: string;
  readonly code: string;
  readonly requestId?: string;

  constructor(operation: string, code: string, message: string, requestId?: string, options: ErrorOptions = {}) {
    super(`${operation} failed: ${code}: ${message}${requestId ? ` (request id ${requestId})` : ""}`, options);
    this.operation = operation;
    this.code = code;
    this.requestId = requestId;
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof MlopsError ? error.exitCode : ExitCode.Failed;
}

/** The public name of any error: one of ours, or `unexpected` (a bug, or something nobody foresaw). */
export function publicNameOf(error: unknown): ErrorName {
  return error instanceof MlopsError ? error.publicName : "unexpected";
}

/** The same error, its message extended (its class and exit code kept). */
export function appendToMessage(error: unknown, text: string): unknown {
  if (error instanceof Error) {
    error.message += text;
    return error;
  }
  return new MlopsError(`${String(error)}${text}`);
}
