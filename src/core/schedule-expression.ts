/**
 * EventBridge schedule expressions for `mlops trigger add schedule`: checks that name the field and
 * say the rule, the normalised `ScheduleExpression` for PutRule, and the next run times. Pure.
 *
 * Rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html,
 * eb-cron-expressions.html; ../shared/reference/aws-facts.md §5.3):
 * - `cron(minutes hours day-of-month month day-of-week year)`, six fields separated by white space, UTC:
 *   minutes 0-59 `, - * /`; hours 0-23 `, - * /`; day-of-month 1-31 `, - * ? / L W`; month 1-12 or
 *   JAN-DEC `, - * /`; day-of-week 1-7 or SUN-SAT (1 = SUN) `, - * ? L #`; year 1970-2199 `, - * /`.
 *   Exactly one of day-of-month and day-of-week is `?`.
 * - The special forms AWS documents, and the only ones accepted here: day-of-month `L` (the last
 *   day of the month) and `nW` (`3W`: the weekday nearest the 3rd); day-of-week `L` (the last day of
 *   the week, i.e. every Saturday), `nL` (`6L`: the last Friday of the month, from the put-rule
 *   example `cron(15 10 ? * 6L 2019-2022)`) and `n#k` (`3#2`: the second Tuesday), `#` in one
 *   expression only (`3#1,6#3` is invalid).
 * - A range may wrap around: AWS's own example `cron(0/30 20-2 ? * MON-FRI *)` runs from 22:00 to
 *   02:00; so does `FRI-MON`. A year range cannot wrap (there is no year after 2199).
 * - `rate(value unit)`: value a positive whole number; unit minute|minutes|hour|hours|day|days, the
 *   singular exactly when the value is 1.
 * - The whole ScheduleExpression is at most 256 characters (botocore events PutRule).
 *
 * Not verifiable from AWS's documentation, so refused here (a user can always write the documented
 * form, and a refusal before any call is better than a ValidationException after others): Quartz's
 * `LW` and `L-n` in day-of-month, names before `L`/`#` (`FRIL`, `FRI#3`: write `6L`, `6#3`), `L`/`W`/
 * `#` inside a list or range, and a step after `/` larger than the field's highest value (Quartz
 * refuses `0/60`; AWS answers "Parameter ScheduleExpression is not valid." to `cron(*\/60 * * * ? *)`,
 * aws/aws-sdk-js#4212). `*\/n` is accepted (`*\/1` works on AWS, cds-snc/notification-terraform#344).
 * Names are accepted in any case and sent upper-case (AWS's own spelling).
 */
import AwsCronParser from "aws-cron-parser";

/** ok: the expression as PutRule's ScheduleExpression takes it, e.g. "cron(0 3 * * ? *)" or "rate(1 day)". */
export type ScheduleCheck = { ok: true; expression: string } | { ok: false; problem: string };

/** botocore events PutRule: ScheduleExpression max 256. */
const MAX_EXPRESSION_LENGTH = 256;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const EXAMPLE_CRON = '"0 3 * * ? *"';
const DAY_HINT = "(6#3 = third Friday)";

interface FieldRule {
  name: string;
  lo: number;
  hi: number;
  names?: readonly string[];
  /** Words for the allowed values, e.g. "1-12 or JAN-DEC". */
  values: string;
  /** Whether `/` is allowed (not in day-of-week). */
  step: boolean;
  /** Whether a range may wrap past the highest value (not in year). */
  wrap: boolean;
  /** The largest step after `/` (Quartz's bound, and AWS refuses `*\/60` in minutes; see the module comment). */
  maxStep: number;
}

const FIELDS: readonly FieldRule[] = [
  { name: "minutes", lo: 0, hi: 59, values: "0-59", step: true, wrap: true, maxStep: 59 },
  { name: "hours", lo: 0, hi: 23, values: "0-23", step: true, wrap: true, maxStep: 23 },
  { name: "day-of-month", lo: 1, hi: 31, values: "1-31", step: true, wrap: true, maxStep: 31 },
  { name: "month", lo: 1, hi: 12, names: MONTHS, values: "1-12 or JAN-DEC", step: true, wrap: true, maxStep: 12 },
  { name: "day-of-week", lo: 1, hi: 7, names: DAYS, values: "1-7 or SUN-SAT (1 = SUN)", step: false, wrap: true, maxStep: 7 },
  { name: "year", lo: 1970, hi: 2199, values: "1970-2199", step: true, wrap: false, maxStep: 229 },
];
const DAY_OF_MONTH = FIELDS[2]!;
const DAY_OF_WEEK = FIELDS[4]!;

/**
 * One field, understood: `values` (sorted, unique) for plain fields; `any` for `?`; or a special
 * day form: `last` (day-of-month `L`), `weekday` (`nW`, day n), `lastWeekday` (day-of-week `nL`,
 * day 1-7), `nth` (`n#k`).
 */
type Field =
  | { kind: "values"; values: number[] }
  | { kind: "any" }
  | { kind: "last" }
  | { kind: "weekday"; day: number }
  | { kind: "lastWeekday"; day: number }
  | { kind: "nth"; day: number; week: number };

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
const fail = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

/** --cron value: the six fields ("0 3 * * ? *"), or the same wrapped as "cron(0 3 * * ? *)". */
export function checkCronExpression(text: string): ScheduleCheck {
  const fields = parseCron(text);
  if (!fields.ok) return fields;
  return withinLength(`cron(${fields.value.text.join(" ")})`);
}

/** --rate value: "1 day", "5 minutes", or "rate(5 minutes)". */
export function checkRateExpression(text: string): ScheduleCheck {
  const rate = parseRate(text);
  return rate.ok ? withinLength(`rate(${rate.value.value} ${rate.value.unit})`) : rate;
}

/**
 * The next `count` run times strictly after fromMs (epoch ms, UTC), fewer when the schedule ends
 * (year field). For rate(): fromMs + k × period. Only for an expression these checks accepted
 * (throws otherwise: a programming error, not a user's).
 */
export function nextRunTimes(expression: string, fromMs: number, count: number): number[] {
  if (expression.startsWith("rate(")) {
    const rate = parseRate(expression);
    if (!rate.ok) throw new Error(`nextRunTimes: not an accepted expression: ${expression}`);
    const { periodMs } = rate.value;
    return Array.from({ length: count }, (_, k) => fromMs + (k + 1) * periodMs);
  }
  const cron = parseCron(expression);
  if (!cron.ok) throw new Error(`nextRunTimes: not an accepted expression: ${expression}`);
  const out: number[] = [];
  let after = fromMs;
  while (out.length < count) {
    const next = nextCronTime(cron.value.fields, after);
    if (next === undefined) break;
    out.push(next);
    after = next;
  }
  return out;
}

function withinLength(expression: string): ScheduleCheck {
  if (expression.length > MAX_EXPRESSION_LENGTH) return fail(`is ${expression.length} characters as "${expression.slice(0, 20)}…"; EventBridge takes at most ${MAX_EXPRESSION_LENGTH}`);
  return { ok: true, expression };
}

// ---------------------------------------------------------------------------------------------
// rate

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The words of a text: its runs of non-space characters. */
const wordsOf = (text: string): string[] => text.match(/\S+/g) ?? [];

/** value and unit as written (unit lower-cased), and the period in ms. */
function parseRate(text: string): Parsed<{ value: number; unit: string; periodMs: number }> {
  const inner = unwrap(text, "rate");
  if (!inner.ok) return inner;
  const words = wordsOf(inner.value);
  if (words.length === 0) return fail('is empty; give a value and a unit, e.g. "5 minutes" or "1 day"');
  if (words.length > 2) return fail(`has ${words.length} words; a rate is a value and a unit, e.g. "5 minutes" or "1 day"`);
  const [valueText, unitText] = words as [string, string?];
  if (unitText === undefined) return fail(`has no unit; give a value and a unit, minute(s), hour(s) or day(s), e.g. "${/^\d+$/.test(valueText) ? valueText : 5} minutes"`);
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) {
    const hint = valueText.includes(".") ? ' (e.g. "90 minutes" rather than "1.5 hours")' : "";
    return fail(`value "${valueText}": must be a whole number of at least 1${hint}`);
  }
  const value = Number(valueText);
  const unit = unitText.toLowerCase();
  const singular = unit.replace(/s$/, "");
  if (!(singular in UNIT_MS)) return fail(`unit "${unitText}": must be minute(s), hour(s) or day(s)`);
  if ((value === 1) !== (unit === singular)) {
    const right = value === 1 ? singular : `${singular}s`;
    return fail(`unit "${unitText}": use "${value} ${right}": EventBridge wants the singular for 1 and the plural above 1`);
  }
  // EventBridge documents no upper bound; past ten years a rate is a mistake (and past
  // Number.MAX_SAFE_INTEGER not even a number of minutes).
  const periodMs = value * UNIT_MS[singular]!;
  if (periodMs > MAX_RATE_MS) return fail(`value "${valueText}": a rate of at most ${MAX_RATE_MS / UNIT_MS.day!} days (ten years) is taken`);
  return { ok: true, value: { value, unit, periodMs } };
}

/** The longest rate mlops takes: ten years of days. */
const MAX_RATE_MS = 3650 * 86_400_000;

/** The text inside `kind(...)`, or the text itself when not wrapped; refuses the other kind's wrapper. */
function unwrap(text: string, kind: "cron" | "rate"): Parsed<string> {
  const trimmed = text.trim();
  const wrapper = /^(cron|rate)\s*\(/i.exec(trimmed);
  if (!wrapper) return { ok: true, value: trimmed };
  const found = wrapper[1]!.toLowerCase();
  if (found !== kind) return fail(`is a ${found} expression, not a ${kind} expression`);
  if (!trimmed.endsWith(")")) return fail(`has "${wrapper[0]}" without its closing ")"`);
  return { ok: true, value: trimmed.slice(wrapper[0].length, -1) };
}

// ---------------------------------------------------------------------------------------------
// cron: checks

function parseCron(text: string): Parsed<{ text: string[]; fields: Field[] }> {
  const inner = unwrap(text, "cron");
  if (!inner.ok) return inner;
  const words = wordsOf(inner.value);
  if (words.length !== 6) {
    const order = `EventBridge cron takes 6: minutes hours day-of-month month day-of-week year (e.g. ${EXAMPLE_CRON})`;
    const unix = words.length === 5 ? '; for a 5-field Unix cron, add a year field "*" and put "?" in day-of-month or day-of-week' : "";
    return fail(`has ${words.length} field${words.length === 1 ? "" : "s"}; ${order}${unix}`);
  }
  const upper = words.map((w) => w.toUpperCase());
  const fields: Field[] = [];
  for (const [i, rule] of FIELDS.entries()) {
    const field = parseField(upper[i]!, words[i]!, rule);
    if (!field.ok) return field;
    fields.push(field.value);
  }
  const dom = fields[2]!;
  const dow = fields[4]!;
  if ((dom.kind === "any") === (dow.kind === "any")) {
    return dom.kind === "any"
      ? fail('day-of-month and day-of-week are both "?"; exactly one of them must be "?" (e.g. "0 3 * * ? *" or "0 3 ? * MON *")')
      : fail(`day-of-month and day-of-week are both given ("${words[2]}" and "${words[4]}"); one of them must be "?" (e.g. "0 3 * * ? *" or "0 3 ? * MON *")`);
  }
  return { ok: true, value: { text: upper, fields } };
}

/** `text` upper-cased; `raw` as the user wrote it, for messages. */
function parseField(text: string, raw: string, rule: FieldRule): Parsed<Field> {
  const at = (why: string) => fail(`${rule.name} "${raw}": ${why}`);
  const dayField = rule === DAY_OF_MONTH || rule === DAY_OF_WEEK;
  if (text.includes("?")) {
    if (!dayField) return at("? is allowed only in day-of-month and day-of-week");
    return text === "?" ? { ok: true, value: { kind: "any" } } : at('"?" stands alone');
  }
  // L or W as a letter of its own (5L, 3W, L), not inside a word (JUL, WED, JANUARY).
  const letter = /(?<![A-Z])[LW](?![A-Z])/.exec(text)?.[0];
  if (letter === "L" && !dayField) return at("L is allowed only in day-of-month and day-of-week");
  if (letter === "W" && rule !== DAY_OF_MONTH) return at("W is allowed only in day-of-month");
  if (text.includes("#") && rule !== DAY_OF_WEEK) return at("# is allowed only in day-of-week");
  if (rule === DAY_OF_MONTH) {
    const special = dayOfMonthSpecial(text);
    if (special) return special.ok ? special : at(special.problem);
  }
  if (rule === DAY_OF_WEEK) {
    const special = dayOfWeekSpecial(text);
    if (special) return special.ok ? special : at(special.problem);
  }
  const values = parseList(text, rule);
  return values.ok ? { ok: true, value: { kind: "values", values: values.value } } : at(values.problem);
}

/** Day-of-month `L` and `nW`; undefined when the field has neither letter. */
function dayOfMonthSpecial(text: string): Parsed<Field> | undefined {
  if (text === "L") return { ok: true, value: { kind: "last" } };
  if (text.includes("L")) return fail("L stands alone in day-of-month (the last day of the month); EventBridge does not document LW or L-n");
  if (!text.includes("W")) return undefined;
  const w = /^(\d+)W$/.exec(text);
  const day = w ? Number(w[1]) : NaN;
  if (!(day >= 1 && day <= 31)) return fail("W goes after one day 1-31 and stands alone (15W = the weekday nearest the 15th)");
  return { ok: true, value: { kind: "weekday", day } };
}

/** Day-of-week `L`, `nL` and `n#k`; undefined when the field has neither. */
function dayOfWeekSpecial(text: string): Parsed<Field> | undefined {
  if (text.includes("#")) {
    if (/[,-]/.test(text)) return fail(`# takes one expression only, not a list or range ${DAY_HINT}`);
    const [day = "", week = "", ...rest] = text.split("#");
    if (rest.length > 0) return fail(`# appears once ${DAY_HINT}`);
    const named = DAYS.indexOf(day as (typeof DAYS)[number]);
    if (named >= 0) return fail(`write the day before # as a number 1-7: "${named + 1}#${week || 1}" (1 = SUN; 6#3 = third Friday)`);
    if (!/^[1-7]$/.test(day)) return fail(`the day before # must be 1-7 (1 = SUN) ${DAY_HINT}`);
    if (!/^[1-5]$/.test(week)) return fail(`# takes a week 1-5 ${DAY_HINT}`);
    return { ok: true, value: { kind: "nth", day: Number(day), week: Number(week) } };
  }
  if (!DAYS.reduce((t, name) => t.replaceAll(name, ""), text).includes("L")) return undefined;
  if (text === "L") return { ok: true, value: { kind: "values", values: [7] } };
  const last = /^([1-7])L$/.exec(text);
  if (last) return { ok: true, value: { kind: "lastWeekday", day: Number(last[1]) } };
  return fail("L stands alone (the last day of the week, SAT) or after one day 1-7 (6L = the last Friday of the month)");
}

/** `*`, `a`, `a-b`, `a/n`, `*\/n`, `a-b/n`, comma lists; names where the field has them. Sorted, unique. */
function parseList(text: string, rule: FieldRule): Parsed<number[]> {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") return fail("a list has an empty item (write 1,2 not 1,,2)");
    const [base = "", step, ...more] = item.split("/");
    if (more.length > 0) return fail(`${quoted(item, text)}has more than one /`);
    let by = 1;
    if (step !== undefined) {
      if (!rule.step) return fail(`/ is not allowed in ${rule.name} (it takes , - * ? L #)`);
      if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > rule.maxStep) return fail(`the step after / must be 1-${rule.maxStep}`);
      by = Number(step);
    }
    let from: number;
    let to: number;
    if (base === "*") [from, to] = [rule.lo, rule.hi];
    else {
      const ends = base.split("-");
      if (ends.length > 2 || ends.some((e) => e === "")) return fail(`${quoted(item, text)}is not a value or a range a-b; values must be ${rule.values}`);
      const nums = ends.map((e) => value(e, rule));
      const bad = nums.findIndex((n) => n === undefined);
      if (bad >= 0) return fail(`${ends.length > 1 || step !== undefined ? `"${ends[bad]}" ` : ""}must be ${rule.values}`);
      from = nums[0]!;
      to = nums.length === 2 ? nums[1]! : step === undefined ? from : rule.hi;
      if (to < from && !rule.wrap) return fail(`a ${rule.name} range must go from the lower ${rule.name} to the higher; ${rule.name}s do not wrap around`);
    }
    const span = rule.hi - rule.lo + 1;
    const count = to >= from ? to - from : to - from + span;
    for (let k = 0; k <= count; k += by) out.add(((from - rule.lo + k) % span) + rule.lo);
  }
  return { ok: true, value: [...out].sort((a, b) => a - b) };
}

/** `"item" ` when a list item is only part of the field (the message already quotes the field). */
const quoted = (item: string, field: string) => (item === field ? "" : `"${item}" `);

/** A number in range, or a name (first name = lo). */
function value(text: string, rule: FieldRule): number | undefined {
  const i = rule.names ? rule.names.indexOf(text) : -1;
  if (i >= 0) return rule.lo + i;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= rule.lo && n <= rule.hi ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// cron: next run times, with aws-cron-parser

type ParsedCron = ReturnType<typeof AwsCronParser.parse>;

/** The text aws-cron-parser reads for one of our fields: explicit sorted lists (see nextCronTime). */
function parserText(field: Field): string {
  switch (field.kind) {
    case "values": return field.values.join(",");
    case "any": return "?";
    case "last": return "L";
    case "weekday": return `${field.day}W`;
    // Stryker disable next-line ConditionalExpression: equivalent: for nL, daysFor hands the parser the day of the month itself, so what it reads here is not used
    case "lastWeekday": return `${field.day}L`;
    case "nth": return `${field.day}#${field.week}`;
  }
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The first run strictly after `afterMs`, or undefined when none is left (years run out).
 * aws-cron-parser 1.1.12 does the calendar work (L, W, #, weekdays) and the search within one
 * month, with these workarounds for what it gets wrong (each covered by a test):
 * - it reads lists in the order written and expands no wrap-around range (`20-2` gives nothing,
 *   `30,0` skips :00): we hand it our own sorted value lists;
 * - it gives up after 10 steps ("iter > 10"), so a sparse schedule (`? 2 2#5 *`, a fifth Monday in
 *   February) or one that never runs (`31 2`) throws: we ask it one (year, month) at a time;
 * - a day past the month's end (31 in April) comes back as a day of the next month, and `nW`
 *   with n past the month's last day throws: we drop such days, and for `nW`: use the last day (the nearest
 *   weekday to the month's end, as the sandbox does; AWS does not document this case);
 * - `nL` in day-of-week adds 7 × 24 h in local time, so in a zone whose DST ends in a month's last
 *   week it misses that month's last weekday: we give it the day of the month ourselves.
 */
function nextCronTime(fields: Field[], afterMs: number): number | undefined {
  const parsed: ParsedCron = AwsCronParser.parse(fields.map(parserText).join(" "));
  const after = new Date(afterMs);
  const startYear = after.getUTCFullYear();
  for (const year of parsed.years as number[]) {
    // Stryker disable next-line ConditionalExpression: a shortcut: the parser finds nothing after `after` in an earlier year either
    if (year < startYear) continue;
    for (const month of parsed.months as number[]) {
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: a shortcut: the parser finds nothing after `after` in an earlier month either
      if (year === startYear && month < after.getUTCMonth() + 1) continue;
      const monthStart = Date.UTC(year, month - 1, 1);
      const slice: ParsedCron = { ...parsed, years: [year], months: [month], daysOfMonth: daysFor(fields, parsed, year, month) };
      // The parser starts at the minute after `from`: one minute before the month, or `after` itself.
      const next = AwsCronParser.next(slice, new Date(Math.max(afterMs, monthStart - 60_000)));
      if (next) return next.getTime();
    }
  }
  return undefined;
}

/** The parser's day-of-month entry for one month, with the workarounds above applied. */
function daysFor(fields: Field[], parsed: ParsedCron, year: number, month: number): ParsedCron["daysOfMonth"] {
  const dom = fields[2]!;
  const dow = fields[4]!;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: only nW has a day (undefined > n is false), and for n = the month's last day ["W", n] is what the parser made of nW itself
  if (dom.kind === "weekday" && dom.day > daysIn(year, month)) return ["W", daysIn(year, month)];
  if (dom.kind === "values") return dom.values.filter((d) => d <= daysIn(year, month));
  if (dow.kind === "lastWeekday") {
    const last = daysIn(year, month);
    const lastWeekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay() + 1;
    return [last - ((lastWeekday - dow.day + 7) % 7)];
  }
  return parsed.daysOfMonth;
}

/**
 * The day-of-month entry aws-cron-parser is given for one month (year, month 1-12) of an accepted
 * cron expression: the workarounds of nextCronTime, seen without the parser's local-time arithmetic
 * (which a test cannot change from a worker thread: TZ is read once per process).
 */
export function parserDaysOfMonth(expression: string, year: number, month: number): ParsedCron["daysOfMonth"] {
  const cron = parseCron(expression);
  if (!cron.ok) throw new Error(`parserDaysOfMonth: not an accepted expression: ${expression}`);
  return daysFor(cron.value.fields, AwsCronParser.parse(cron.value.fields.map(parserText).join(" ")), year, month);
}
