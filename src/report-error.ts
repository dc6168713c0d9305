import type { Io } from "./io/io";
import { exitCodeOf, MlopsError } from "./errors";

const REPORTED = Symbol.for("mlops.errorReported");

export function wasReported(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[REPORTED] === true;
}

/**
 * Print an error once: a message and a hint on stderr; with --json also a JSON document on
 * stdout, unless the command already printed its result (then that document stands).
 */
export function reportError(error: unknown, io: Io): void {
  if (wasReported(error)) return;
  const known = error instanceof MlopsError;
  const message = error instanceof Error ? error.message : String(error);
  io.error(known ? message : `unexpected: ${message}`);
  if (known && error.hint) io.info(`${io.err.dim("hint:")} ${error.hint}`);
  if (io.debugEnabled && error instanceof Error && error.stack) io.debug(error.stack);
  else if (!known) io.info(io.err.dim("run with --debug for the stack trace"));
  if (io.json && !io.hasEmitted) {
    const document =
      known && error.result !== undefined
        ? error.result
        : { error: { name: known ? error.name : "Error", exitCode: exitCodeOf(error), message, hint: known ? error.hint : undefined } };
    io.emit(document, () => "");
  }
  if (typeof error === "object" && error !== null) (error as Record<symbol, unknown>)[REPORTED] = true;
}
