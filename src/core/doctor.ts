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

export function renderChecks(checks: readonly Check[], style: { green(s: string): string; red(s: string): string; dim(s: string): string }): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.flatMap((c) => {
    const mark = c.ok ? style.green("✓") : style.red("✗");
    const line = `${mark} ${c.name.padEnd(width)}  ${c.detail}`;
    return !c.ok && c.hint ? [line, `  ${" ".repeat(width)}  ${style.dim(`fix: ${c.hint}`)}`] : [line];
  });
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? "All checks passed." : `${failed} of ${checks.length} checks failed.`);
  return lines.join("\n");
}
