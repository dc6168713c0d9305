import type { Io } from "./io/io";
import { exitCodeOf, MlopsError, publicNameOf } from "./errors";
import type { ErrorDetail } from "./schemas/common";

const REPORTED = Symbol.for("mlops.errorReported");

/**
 * Control characters from the user's input (an escape sequence in a flag value) are shown as
 * \u001b and the like, never sent raw to the terminal. Newlines and tabs stay.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function wasReported(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[REPORTED] === true;
}

/**
 * The `error` member of a JSON document: the error's stable public name (`usage`, `aws`, …, never
 * a class name), its exit code, the message and the hint (docs/schemas/error.schema.json).
 */
export function errorDocument(error: unknown, leftBehind: readonly string[] = []): ErrorDetail {
  const known = error instanceof MlopsError;
  return {
    name: publicNameOf(error),
    exitCode: exitCodeOf(error),
    message: error instanceof Error ? error.message : String(error),
    hint: known ? error.hint : undefined,
    leftBehind: leftBehind.length > 0 ? [...leftBehind] : undefined,
  };
}

/**
 * Print an error once: any changes already made, then the message and a hint, on stderr; with --json
 * also `{"error": …}` on stdout, unless the command already printed its own document. A declined
 * confirmation is no failure: its message is printed without `error:`.
 */
export function reportError(error: unknown, io: Io, leftBehind: readonly string[] = []): void {
  if (wasReported(error)) return;
  const known = error instanceof MlopsError;
  const message = error instanceof Error ? error.message : String(error);
  // What was changed first, the outcome last: it is the line a person reads.
  if (leftBehind.length > 0) io.info(`Changes made before stopping:\n${leftBehind.map((l) => `  ${l}`).join("\n")}`);
  if (known && error.publicName === "declined") io.info(printable(message));
  else io.error(printable(known ? message : `unexpected: ${message}`));
  if (known && error.hint) io.info(`${io.err.dim("hint:")} ${printable(error.hint)}`);
  if (io.debugEnabled && error instanceof Error && error.stack) io.debug(error.stack);
  else if (!known) io.info(io.err.dim("run with --debug for the stack trace"));
  if (io.json && !io.hasEmitted) io.emit({ error: errorDocument(error, leftBehind) }, () => "");
  if (typeof error === "object" && error !== null) (error as Record<symbol, unknown>)[REPORTED] = true;
}
