import { UsageError } from "../errors";

/** "90s", "15m", "1h30m", or plain seconds ("300"), as whole seconds. */
export function parseDuration(flag: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    if (!Number.isSafeInteger(Number(trimmed))) throw new UsageError(`${flag} "${text}" is too long a duration`);
    return Number(trimmed);
  }
  const parts = [...trimmed.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed) {
    throw new UsageError(`${flag} "${text}" is not a duration`, { hint: "e.g. 90s, 15m, 1h30m, or a number of seconds" });
  }
  // In the function, not a module constant, so that every test run sees a change to it.
  const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
  const total = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit!]!, 0);
  if (!Number.isSafeInteger(total)) throw new UsageError(`${flag} "${text}" is too long a duration`);
  return total;
}

/** 3725 → "1h 2m 5s"; 300 → "5m"; 0 → "0s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", rest || (!h && !m) ? `${rest}s` : ""].filter(Boolean);
  return parts.join(" ");
}
