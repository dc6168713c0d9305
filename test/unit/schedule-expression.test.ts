import { describe, expect, it } from "vitest";
import { checkCronExpression, checkRateExpression, nextRunTimes } from "../../src/core/schedule-expression";
import { nextFireTime, parseScheduleExpression } from "../../src/sandbox/schedule";

/** Monday 2026-11-30 09:00 UTC. */
const FROM = Date.UTC(2026, 10, 30, 9, 0);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

/** The sandbox's own evaluator: the next `count` fire times strictly after `from`. */
function sandboxRunTimes(expression: string, from: number, count: number): number[] {
  const schedule = parseScheduleExpression(expression);
  if (!schedule) throw new Error(`the sandbox refuses ${expression}`);
  const out: number[] = [];
  for (let t = from; out.length < count; ) {
    const next = nextFireTime(schedule, t);
    if (next === undefined) break;
    out.push((t = next));
  }
  return out;
}

/** [input, the field the problem must name, a word of the rule it must say]. */
const BAD_CRON: [string, string, string][] = [
  ["0 3 * * *", "has 5 fields", 'add a year field "*"'],
  ["0 3 * * ? * *", "has 7 fields", "takes 6"],
  ["", "has 0 fields", "takes 6"],
  ["cron(0 3 * * ? *", "cron(", "closing"],
  ["rate(5 minutes)", "rate expression", "cron"],
  ["61 3 * * ? *", 'minutes "61"', "must be 0-59"],
  ["-1 3 * * ? *", 'minutes "-1"', "0-59"],
  ["L 3 * * ? *", 'minutes "L"', "L is allowed only in day-of-month and day-of-week"],
  ["1,,2 3 * * ? *", 'minutes "1,,2"', "empty item"],
  ["*/0 3 * * ? *", 'minutes "*/0"', "step after / must be 1-59"],
  ["0/60 3 * * ? *", 'minutes "0/60"', "1-59"],
  ["1/2/3 3 * * ? *", 'minutes "1/2/3"', "more than one /"],
  ["5,1/2/3 3 * * ? *", 'minutes "5,1/2/3": "1/2/3" has', "more than one /"],
  ["0 24 * * ? *", 'hours "24"', "must be 0-23"],
  ["0 ? * * ? *", 'hours "?"', "? is allowed only in day-of-month and day-of-week"],
  ["0 3W * * ? *", 'hours "3W"', "W is allowed only in day-of-month"],
  ["0 3 32 * ? *", 'day-of-month "32"', "must be 1-31"],
  ["0 3 0 * ? *", 'day-of-month "0"', "1-31"],
  ["0 3 W * ? *", 'day-of-month "W"', "W goes after one day 1-31"],
  ["0 3 32W * ? *", 'day-of-month "32W"', "1-31"],
  ["0 3 1-5W * ? *", 'day-of-month "1-5W"', "stands alone"],
  ["0 3 LW * ? *", 'day-of-month "LW"', "L stands alone"],
  ["0 3 L-2 * ? *", 'day-of-month "L-2"', "L stands alone"],
  ["0 3 ?,5 * * *", 'day-of-month "?,5"', "stands alone"],
  ["0 3 1#2 * ? *", 'day-of-month "1#2"', "# is allowed only in day-of-week"],
  ["0 3 * JANUARY ? *", 'month "JANUARY"', "must be 1-12 or JAN-DEC"],
  ["0 3 * 13 ? *", 'month "13"', "1-12 or JAN-DEC"],
  ["0 3 * L ? *", 'month "L"', "L is allowed only"],
  ["0 3 ? * 8 *", 'day-of-week "8"', "must be 1-7 or SUN-SAT (1 = SUN)"],
  ["0 3 ? * 0 *", 'day-of-week "0"', "1 = SUN"],
  ["0 3 ? * MONDAY *", 'day-of-week "MONDAY"', "SUN-SAT"],
  ["0 3 ? * 6#6 *", 'day-of-week "6#6"', "# takes a week 1-5 (6#3 = third Friday)"],
  ["0 3 ? * 8#2 *", 'day-of-week "8#2"', "the day before # must be 1-7"],
  ["0 3 ? * FRI#3 *", 'day-of-week "FRI#3"', 'as a number 1-7: "6#3"'],
  ["JUL 3 * * ? *", 'minutes "JUL"', "must be 0-59"],
  ["0 3 * 5L ? *", 'month "5L"', "L is allowed only"],
  ["0 3 ? * 3#1,6#3 *", 'day-of-week "3#1,6#3"', "one expression only"],
  ["0 3 ? * 8L *", 'day-of-week "8L"', "after one day 1-7"],
  ["0 3 ? * FRIL *", 'day-of-week "FRIL"', "6L = the last Friday"],
  ["0 3 ? * */2 *", 'day-of-week "*/2"', "/ is not allowed in day-of-week"],
  ["0 3 ? * 2W *", 'day-of-week "2W"', "W is allowed only in day-of-month"],
  ["0 3 * * ? 1969", 'year "1969"', "must be 1970-2199"],
  ["0 3 * * ? 2200", 'year "2200"', "1970-2199"],
  ["0 3 * * ? 2030-2025", 'year "2030-2025"', "from the lower year to the higher; years do not wrap around"],
  ["0 3 * * ? L", 'year "L"', "L is allowed only"],
  ["0 3 * * MON *", 'day-of-month and day-of-week are both given ("*" and "MON")', 'one of them must be "?"'],
  ["0 3 ? * ? *", 'day-of-month and day-of-week are both "?"', 'exactly one of them must be "?"'],
  ["0 3 5- * ? *", 'day-of-month "5-"', "not a value or a range"],
  ["0 3-25 * * ? *", 'hours "3-25"', '"25" must be 0-23'],
  [`0 3 * * ? ${Array.from({ length: 60 }, (_, i) => 1970 + i).join(",")}`, "characters", "at most 256"],
];

const BAD_RATE: [string, string, string][] = [
  ["1 days", 'unit "days"', 'use "1 day": EventBridge wants the singular for 1 and the plural above 1'],
  ["5 minute", 'unit "minute"', 'use "5 minutes"'],
  ["0 minutes", 'value "0"', "must be a whole number of at least 1"],
  ["1.5 hours", 'value "1.5"', '"90 minutes" rather than "1.5 hours"'],
  ["-5 minutes", 'value "-5"', "whole number"],
  ["5 mins", 'unit "mins"', "must be minute(s), hour(s) or day(s)"],
  ["2 weeks", 'unit "weeks"', "minute(s), hour(s) or day(s)"],
  ["", "is empty", "a value and a unit"],
  ["5", "has no unit", '"5 minutes"'],
  ["rate(5 minutes", "rate(", "closing"],
  ["cron(0 3 * * ? *)", "cron expression", "rate"],
  ["every 5 minutes", "has 3 words", "a value and a unit"],
];

describe("checkCronExpression names the field and the rule", () => {
  it.each(BAD_CRON)("refuses %j: names %s", (input, field, rule) => {
    const check = checkCronExpression(input);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem).toContain(field);
    expect(check.problem).toContain(rule);
  });
});

describe("checkRateExpression names the field and the rule", () => {
  it.each(BAD_RATE)("refuses %j: names %s", (input, field, rule) => {
    const check = checkRateExpression(input);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem).toContain(field);
    expect(check.problem).toContain(rule);
  });
});

describe("accepted expressions come back as PutRule takes them", () => {
  it.each([
    ["0 3 * * ? *", "cron(0 3 * * ? *)"],
    ["cron(0 3 * * ? *)", "cron(0 3 * * ? *)"],
    ["  cron(  0   3 *\t* ?   * )  ", "cron(0 3 * * ? *)"],
    ["0 18 ? * mon-fri *", "cron(0 18 ? * MON-FRI *)"],
    ["0 0 1 jan,Jul ? 2027", "cron(0 0 1 JAN,JUL ? 2027)"],
    ["0 0 l * ? *", "cron(0 0 L * ? *)"],
    ["0 0 15w * ? *", "cron(0 0 15W * ? *)"],
    ["15 10 ? * 6l 2019-2022", "cron(15 10 ? * 6L 2019-2022)"],
    ["0 12 ? * 6#3 *", "cron(0 12 ? * 6#3 *)"],
    ["0 0 ? * L *", "cron(0 0 ? * L *)"],
    ["0/30 20-2 ? * MON-FRI *", "cron(0/30 20-2 ? * MON-FRI *)"],
    ["*/5 * * * ? *", "cron(*/5 * * * ? *)"],
    ["0 0 1 */3 ? *", "cron(0 0 1 */3 ? *)"],
  ])("cron %j → %s", (input, expression) => {
    expect(checkCronExpression(input)).toEqual({ ok: true, expression });
  });

  it.each([
    ["1 day", "rate(1 day)"],
    ["5 minutes", "rate(5 minutes)"],
    ["rate(5 minutes)", "rate(5 minutes)"],
    [" rate( 12   Hours ) ", "rate(12 hours)"],
    ["1 MINUTE", "rate(1 minute)"],
  ])("rate %j → %s", (input, expression) => {
    expect(checkRateExpression(input)).toEqual({ ok: true, expression });
  });
});

describe("nextRunTimes", () => {
  it.each([
    ["cron(0 3 * * ? *)", FROM, ["2026-12-01T03:00:00.000Z", "2026-12-02T03:00:00.000Z", "2026-12-03T03:00:00.000Z"]],
    // Fridays in Dec 2026: 4, 11, 18; Jan 2027 starts on a Friday; Feb 2027: 5, 12, 19.
    ["cron(0 12 ? * 6#3 *)", FROM, ["2026-12-18T12:00:00.000Z", "2027-01-15T12:00:00.000Z", "2027-02-19T12:00:00.000Z"]],
    // 2026-11-30 00:00 has passed; 2027 is no leap year.
    ["cron(0 0 L * ? *)", FROM, ["2026-12-31T00:00:00.000Z", "2027-01-31T00:00:00.000Z", "2027-02-28T00:00:00.000Z"]],
    ["cron(0/15 * * * ? *)", FROM, ["2026-11-30T09:15:00.000Z", "2026-11-30T09:30:00.000Z", "2026-11-30T09:45:00.000Z"]],
    ["rate(1 day)", FROM, ["2026-12-01T09:00:00.000Z", "2026-12-02T09:00:00.000Z", "2026-12-03T09:00:00.000Z"]],
    ["rate(5 minutes)", FROM + 30_000, ["2026-11-30T09:05:30.000Z", "2026-11-30T09:10:30.000Z", "2026-11-30T09:15:30.000Z"]],
    // AWS's wrap-around example, from Friday 23:45: Saturday 00:00-02:30 is not MON-FRI, Monday's is.
    ["cron(0/30 20-2 ? * MON-FRI *)", Date.UTC(2026, 11, 4, 23, 45), ["2026-12-07T00:00:00.000Z", "2026-12-07T00:30:00.000Z", "2026-12-07T01:00:00.000Z"]],
    // Lists out of order (the parser alone skips 10:00).
    ["cron(30,0 * * * ? *)", FROM, ["2026-11-30T09:30:00.000Z", "2026-11-30T10:00:00.000Z", "2026-11-30T10:30:00.000Z"]],
    // Bare L in day-of-week is the last day of the week: every Saturday (the parser alone never ends).
    ["cron(0 0 ? * L *)", FROM, ["2026-12-05T00:00:00.000Z", "2026-12-12T00:00:00.000Z", "2026-12-19T00:00:00.000Z"]],
    // Feb 28 2026 is a Saturday: the weekday nearest the month's end is Friday 27th (the parser alone throws).
    ["cron(0 0 30W * ? *)", Date.UTC(2026, 1, 1), ["2026-02-27T00:00:00.000Z", "2026-03-30T00:00:00.000Z", "2026-04-30T00:00:00.000Z"]],
    // No 31st in April or June (the parser alone answers May 1st).
    ["cron(0 0 31 * ? *)", Date.UTC(2026, 3, 1), ["2026-05-31T00:00:00.000Z", "2026-07-31T00:00:00.000Z", "2026-08-31T00:00:00.000Z"]],
    // A fifth Monday in February: leap years whose Feb 1st is a Monday, every 28 years until 2100,
    // which is no leap year (the parser alone gives up after 10 steps).
    ["cron(0 0 ? 2 2#5 *)", FROM, ["2044-02-29T00:00:00.000Z", "2072-02-29T00:00:00.000Z", "2112-02-29T00:00:00.000Z"]],
    // Fewer when the schedule ends, none when it never runs.
    ["cron(0 0 1 1 ? 2027)", FROM, ["2027-01-01T00:00:00.000Z"]],
    ["cron(15 10 ? * 6L 2019-2022)", FROM, []],
    ["cron(0 0 31 2 ? *)", FROM, []],
  ])("%s from %d", (expression, from, want) => {
    expect(iso(nextRunTimes(expression, from, 3))).toEqual(want);
  });

  it("finds the last Sunday of October in a zone whose DST ends that day (the parser alone misses it)", () => {
    const saved = process.env.TZ;
    process.env.TZ = "Europe/Berlin";
    try {
      expect(iso(nextRunTimes("cron(0 0 ? 10 1L 2026)", Date.UTC(2026, 9, 1), 3))).toEqual(["2026-10-25T00:00:00.000Z"]);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("throws on an expression the checks did not accept", () => {
    expect(() => nextRunTimes("cron(0 3 * * * *)", FROM, 3)).toThrow(/not an accepted expression/);
  });
});

describe("two implementations agree: nextRunTimes (aws-cron-parser) and the sandbox's evaluator", () => {
  const CROSS = [
    "0 10 * * ? *", "15 12 * * ? *", "0 18 ? * MON-FRI *", "0 8 1 * ? *", "0/15 * * * ? *",
    "0/10 * ? * MON-FRI *", "0/5 8-17 ? * MON-FRI *", "0/30 20-2 ? * MON-FRI *", "5,35 14 * * ? *",
    "15 10 ? * 6L 2019-2030", "0 12 ? * 6#3 *", "0 9 ? * 2#1 *", "0 0 L * ? *", "0 0 3W * ? *", "0 0 1W * ? *",
    "0 0 15W * ? *", "0 0 31W * ? *", "30 12 1 JAN,JUL ? 2027", "0 1 ? * FRI-MON *", "0 0 ? * L *", "0 0 1 */3 ? *",
    "0 22-2/2 * * ? *", "45 23 L 12 ? *", "0 0 31 * ? *", "0 0 ? 2 2#5 *", "30,0 * * * ? *",
  ];
  const FROMS = [FROM, Date.UTC(2027, 1, 27, 23, 59, 30), Date.UTC(2028, 11, 31, 23, 59)];

  it.each(CROSS)("cron(%s)", (fields) => {
    const check = checkCronExpression(fields);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    for (const from of FROMS) expect(iso(nextRunTimes(check.expression, from, 3))).toEqual(iso(sandboxRunTimes(check.expression, from, 3)));
  });

  it("every expression the check accepts, the sandbox accepts", () => {
    for (const fields of CROSS) {
      const check = checkCronExpression(fields);
      expect(check.ok && parseScheduleExpression(check.expression) !== undefined, fields).toBe(true);
    }
    for (const rate of ["1 minute", "5 minutes", "1 hour", "12 hours", "1 day", "7 days"]) {
      const check = checkRateExpression(rate);
      expect(check.ok && parseScheduleExpression(check.expression) !== undefined, rate).toBe(true);
    }
  });

  it("every expression the check refuses, the sandbox refuses", () => {
    // PutRule's Spec refuses a ScheduleExpression over 256 characters before the parser sees it.
    const sandboxRefuses = (expression: string) => expression.length > 256 || parseScheduleExpression(expression) === undefined;
    const cases = [...BAD_CRON.map(([input]) => ["cron", input] as const), ...BAD_RATE.map(([input]) => ["rate", input] as const)];
    for (const [kind, input] of cases) {
      // "rate(5 minutes)" given to --cron is refused for its kind, not as an expression.
      if (new RegExp(`^${kind === "cron" ? "rate" : "cron"}\\(`).test(input)) continue;
      const expression = input.startsWith(`${kind}(`) ? input : `${kind}(${input})`;
      expect(sandboxRefuses(expression), expression).toBe(true);
    }
  });
});
