/**
 * EventBridge schedule expressions, pure: `rate(value unit)` and six-field `cron(minutes hours
 * day-of-month month day-of-week year)` (UTC), their checks and the next time each fires.
 * doc: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 * - rate: a positive whole number and minute|minutes|hour|hours|day|days, singular only for 1;
 * - cron: minutes 0-59, hours 0-23, day-of-month 1-31 (also `L`, `W`, `?`), month 1-12 or JAN-DEC,
 *   day-of-week 1-7 or SUN-SAT (also `L`, `#`, `?`; no `/`), year 1970-2199; `, - * /`; exactly one of
 *   day-of-month and day-of-week is `?`.
 * - a range may wrap past the field's end (AWS's example `cron(0/30 20-2 ? * MON-FRI *)`), except in year;
 * - the special forms AWS documents only: day-of-month `L`, `nW`; day-of-week `L` (the last day of the
 *   week: every Saturday), `nL`, `n#k` with n a number 1-7. Quartz's `LW`, `L-n`, `FRIL`, `FRI#3` and
 *   steps above the field's highest value (`0/60`) are refused: AWS does not document them.
 */

export type Schedule = { kind: "rate"; periodMs: number } | { kind: "cron"; fields: CronFields };

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  years: Set<number>;
  /** Whether a UTC day (year, month 1-12, day 1-31) matches the day-of-month and day-of-week fields. */
  day(year: number, month: number, day: number): boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Parses an expression; undefined when EventBridge would refuse it. */
export function parseScheduleExpression(expression: string): Schedule | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1 || (n === 1) === (rate[3] === "s")) return undefined;
    return { kind: "rate", periodMs: n * UNIT_MS[rate[2]!]! };
  }
  const cron = /^cron\(([^)]*)\)$/.exec(expression);
  if (!cron) return undefined;
  const f = cron[1]!.trim().split(/\s+/);
  if (f.length !== 6) return undefined;
  const [min, hour, dom, month, dow, year] = f as [string, string, string, string, string, string];
  if ((dom === "?") === (dow === "?")) return undefined;
  const minutes = values(min, 0, 59);
  const hours = values(hour, 0, 23);
  const months = values(month, 1, 12, MONTHS);
  const years = values(year, 1970, 2199, undefined, { wrap: false, maxStep: 229 });
  const day = dom === "?" ? dayOfWeek(dow) : dayOfMonth(dom);
  if (!minutes || !hours || !months || !years || !day) return undefined;
  return { kind: "cron", fields: { minutes, hours, months, years, day } };
}

/**
 * `*`, `a`, `a-b`, `a/n`, `*\/n`, `a-b/n`, comma lists; names where given (index + first). A range
 * a-b with b < a wraps past `hi` when `wrap`; a step is 1..maxStep (default `hi`), none when 0.
 */
function values(field: string, lo: number, hi: number, names?: string[], opts: { wrap?: boolean; maxStep?: number } = {}): Set<number> | undefined {
  const { wrap = true, maxStep = hi } = opts;
  const span = hi - lo + 1;
  const out = new Set<number>();
  const num = (s: string) => {
    const i = names ? names.indexOf(s.toUpperCase()) : -1;
    if (i >= 0) return lo + i;
    return /^\d+$/.test(s) ? Number(s) : NaN;
  };
  for (const part of field.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let [a, b] = m[1] === "*" ? [lo, hi] : m[1]!.split("-").map(num) as [number, number?];
    if (b === undefined) b = m[2] === undefined ? a : hi;
    if (!(a >= lo && a <= hi && b >= lo && b <= hi && (a <= b || wrap) && step >= 1 && step <= maxStep)) return undefined;
    const count = a <= b ? b - a : b - a + span;
    for (let k = 0; k <= count; k += step) out.add(((a - lo + k) % span) + lo);
  }
  return out;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekday = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay();

function dayOfMonth(field: string): CronFields["day"] | undefined {
  if (field === "L") return (y, m, d) => d === daysIn(y, m);
  const w = /^(\d+)W$/.exec(field);
  if (w) {
    const target = Number(w[1]);
    if (target < 1 || target > 31) return undefined;
    // The weekday nearest the given day, within the month.
    return (y, m, d) => {
      const last = daysIn(y, m);
      const t = Math.min(target, last);
      const wd = weekday(y, m, t);
      let nearest = t;
      if (wd === 6) nearest = t === 1 ? 3 : t - 1;
      else if (wd === 0) nearest = t === last ? t - 2 : t + 1;
      return d === nearest;
    };
  }
  const set = values(field, 1, 31);
  return set && ((_y, _m, d) => set.has(d));
}

function dayOfWeek(field: string): CronFields["day"] | undefined {
  const nth = /^([1-7])#([1-5])$/.exec(field);
  if (nth) {
    const dw = Number(nth[1]);
    const n = Number(nth[2]);
    return (y, m, d) => weekday(y, m, d) === dw - 1 && Math.ceil(d / 7) === n;
  }
  // `L` alone is the last day of the week: every Saturday.
  if (field === "L") return (y, m, d) => weekday(y, m, d) === 6;
  const last = /^([1-7])L$/.exec(field);
  if (last) {
    // `5L`: the month's last Thursday.
    const dw = Number(last[1]);
    return (y, m, d) => weekday(y, m, d) === dw - 1 && d + 7 > daysIn(y, m);
  }
  if (field.includes("/")) return undefined;
  const set = values(field, 1, 7, DAYS);
  return set && ((y, m, d) => set.has(weekday(y, m, d) + 1));
}

/** The first firing strictly after `afterMs` (epoch ms), or undefined when there is none (years run out). */
export function nextCronTime(fields: CronFields, afterMs: number): number | undefined {
  const start = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth() + 1;
  let d = start.getUTCDate();
  let firstDay = true;
  // At most ~230 years of days; each day's check is cheap, and a year that never matches is skipped whole.
  while (y <= 2199) {
    if (!fields.years.has(y)) {
      [y, m, d, firstDay] = [y + 1, 1, 1, false];
      continue;
    }
    if (!fields.months.has(m)) {
      [m, d, firstDay] = [m + 1, 1, false];
      if (m > 12) [y, m] = [y + 1, 1];
      continue;
    }
    if (fields.day(y, m, d)) {
      for (const h of [...fields.hours].sort((a, b) => a - b)) {
        if (firstDay && h < start.getUTCHours()) continue;
        for (const min of [...fields.minutes].sort((a, b) => a - b)) {
          if (firstDay && h === start.getUTCHours() && min < start.getUTCMinutes()) continue;
          return Date.UTC(y, m - 1, d, h, min);
        }
      }
    }
    firstDay = false;
    d += 1;
    if (d > daysIn(y, m)) {
      [m, d] = [m + 1, 1];
      if (m > 12) [y, m] = [y + 1, 1];
    }
  }
  return undefined;
}

/** When a schedule next fires after `afterMs`. */
export function nextFireTime(schedule: Schedule, afterMs: number): number | undefined {
  return schedule.kind === "rate" ? afterMs + schedule.periodMs : nextCronTime(schedule.fields, afterMs);
}
