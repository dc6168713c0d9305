import { expect } from "vitest";
import { UsageError } from "../../src/errors";

/** The UsageError `run` throws, as {message, hint}; fails the test when it throws nothing or another error. */
export function usageErrorOf(run: () => unknown): { message: string; hint: string | undefined } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return { message: (error as UsageError).message, hint: (error as UsageError).hint };
  }
  throw new Error("expected a UsageError, nothing was thrown");
}
