import { ExitCode } from "../exit-codes";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
  /** A failure of who-you-are (missing or refused credentials) rather than of anything else. */
  credentials?: boolean;
}

export const MINIMUM_NODE = "20.19.0";

/** 0 when all pass; 6 when credentials are missing or refused; 1 for any other failure. */
export function doctorExitCode(checks: readonly Check[]): number {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return ExitCode.Ok;
  return failed.some((c) => c.credentials) ? ExitCode.Credentials : ExitCode.Failed;
}

/**
 * Each check on a line, ✓ or ✗ with its detail, and under a failure how to fix it. "All checks
 * passed." ends the list when they did; when some failed, the error line that ends the run
 * (`doctorSummary`) says how many, so the list does not say it twice.
 */
export function renderChecks(checks: readonly Check[], style: { green(s: string): string; red(s: string): string; dim(s: string): string }): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.flatMap((c) => {
    const mark = c.ok ? style.green("✓") : style.red("✗");
    const line = `${mark} ${c.name.padEnd(width)}  ${c.detail}`;
    return !c.ok && c.hint ? [line, `  ${" ".repeat(width)}  ${style.dim(`fix: ${c.hint}`)}`] : [line];
  });
  if (checks.every((c) => c.ok)) lines.push("All checks passed.");
  return lines.join("\n");
}

/**
 * The last line of a run with failures: how many checks failed, and which, without repeating
 * what each one said (the list above shows that, with its fix), e.g. `2 of 5 checks failed:
 * region, credentials`.
 */
export function doctorSummary(checks: readonly Check[]): string {
  const failed = checks.filter((c) => !c.ok);
  return `${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.name).join(", ")}`;
}
