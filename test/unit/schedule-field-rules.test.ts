import { describe, expect, it } from "vitest";
import { checkCronExpression, checkRateExpression, nextRunTimes, parserDaysOfMonth } from "../../src/core/schedule-expression";

/**
 * The rules of each cron field and of rate(), pinned by their whole message, at their edges.
 * Rules: eb-cron-expressions.html, eb-scheduled-rule-pattern.html, aws-facts.md §5.3; the
 * module comment of schedule-expression.ts for what mlops refuses beyond AWS's words.
 */

/** Monday 2026-11-30 09:00 UTC. */
const FROM = Date.UTC(2026, 10, 30, 9, 0);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const problem = (check: { ok: true } | { ok: false; problem: string }) => (check.ok ? "accepted" : check.problem);

const WEEK_HINT = "(6#3 = third Friday)";

describe("cron fields: the whole message names the field as written and the rule", () => {
  it.each([
    ["0", 'has 1 field; EventBridge cron takes 6: minutes hours day-of-month month day-of-week year (e.g. "0 3 * * ? *")'],
    ["0 3 * * ? * *", 'has 7 fields; EventBridge cron takes 6: minutes hours day-of-month month day-of-week year (e.g. "0 3 * * ? *")'],
    ["61 3 * * ? *", 'minutes "61": must be 0-59'],
    ["61/5 3 * * ? *", 'minutes "61/5": "61" must be 0-59'],
    ["5e1 3 * * ? *", 'minutes "5e1": must be 0-59'],
    ["+5 3 * * ? *", 'minutes "+5": must be 0-59'],
    ["1/2/3 3 * * ? *", 'minutes "1/2/3": has more than one /'],
    ["1-2-3 3 * * ? *", 'minutes "1-2-3": is not a value or a range a-b; values must be 0-59'],
    ["*/x5 3 * * ? *", 'minutes "*/x5": the step after / must be 1-59'],
    ["*/5x 3 * * ? *", 'minutes "*/5x": the step after / must be 1-59'],
    ["0 3W,5 * * ? *", 'hours "3W,5": W is allowed only in day-of-month'],
    ["0 0 15W5 * ? *", 'day-of-month "15W5": W goes after one day 1-31 and stands alone (15W = the weekday nearest the 15th)'],
    ["0 0 0W * ? *", 'day-of-month "0W": W goes after one day 1-31 and stands alone (15W = the weekday nearest the 15th)'],
    ["0 0 ? * 1#2#3 *", `day-of-week "1#2#3": # appears once ${WEEK_HINT}`],
    ["0 0 ? * SUN#2 *", 'day-of-week "SUN#2": write the day before # as a number 1-7: "1#2" (1 = SUN; 6#3 = third Friday)'],
    ["0 0 ? * 17#2 *", `day-of-week "17#2": the day before # must be 1-7 (1 = SUN) ${WEEK_HINT}`],
    ["0 0 ? * 71#2 *", `day-of-week "71#2": the day before # must be 1-7 (1 = SUN) ${WEEK_HINT}`],
    ["0 0 ? * 1#25 *", `day-of-week "1#25": # takes a week 1-5 ${WEEK_HINT}`],
    ["0 0 ? * 1#52 *", `day-of-week "1#52": # takes a week 1-5 ${WEEK_HINT}`],
    ["0 0 ? * 17L *", 'day-of-week "17L": L stands alone (the last day of the week, SAT) or after one day 1-7 (6L = the last Friday of the month)'],
    ["0 0 ? * 6LL *", 'day-of-week "6LL": L stands alone (the last day of the week, SAT) or after one day 1-7 (6L = the last Friday of the month)'],
    // A wrapper inside the text is not a wrapper: the year field is "*cron()".
    ["0 3 * * ? *cron()", 'year "*cron()": must be 1970-2199'],
  ])("%j: %s", (input, message) => {
    expect(problem(checkCronExpression(input))).toBe(message);
  });

  it("the 5-field hint is for 5 fields only", () => {
    expect(problem(checkCronExpression("0 3 * * ? * *"))).not.toContain("Unix");
  });

  it.each([
    ["cron (0 3 * * ? *)", "cron(0 3 * * ? *)"],
    ["*/1 * * * ? *", "cron(*/1 * * * ? *)"],
    ["0/59 * * * ? *", "cron(0/59 * * * ? *)"],
    ["0 0 1/31 * ? *", "cron(0 0 1/31 * ? *)"],
    ["0 0 1 1/12 ? *", "cron(0 0 1 1/12 ? *)"],
  ])("accepted at the edges: %j → %s", (input, expression) => {
    expect(checkCronExpression(input)).toEqual({ ok: true, expression });
  });

  it("a step of 1 runs every minute; a step of 59 from 0 runs at :00 and :59", () => {
    expect(iso(nextRunTimes("cron(*/1 * * * ? *)", FROM, 3))).toEqual(["2026-11-30T09:01:00.000Z", "2026-11-30T09:02:00.000Z", "2026-11-30T09:03:00.000Z"]);
    expect(iso(nextRunTimes("cron(0/59 * * * ? *)", FROM, 3))).toEqual(["2026-11-30T09:59:00.000Z", "2026-11-30T10:00:00.000Z", "2026-11-30T10:59:00.000Z"]);
  });

  it("256 characters is EventBridge's limit: exactly 256 is taken, 257 is not", () => {
    // "cron(" 5 + "01 3 * * ? " 11 + 48 years × 5 - 1 = 239 + ")" 1 = 256.
    const years = Array.from({ length: 48 }, (_, i) => 1970 + i).join(",");
    expect(checkCronExpression(`01 3 * * ? ${years}`)).toEqual({ ok: true, expression: `cron(01 3 * * ? ${years})` });
    expect(problem(checkCronExpression(`001 3 * * ? ${years}`))).toBe('is 257 characters as "cron(001 3 * * ? 197…"; EventBridge takes at most 256');
  });
});

describe("rate: value and unit", () => {
  it.each([
    ["55", 'has no unit; give a value and a unit, minute(s), hour(s) or day(s), e.g. "55 minutes"'],
    ["x5", 'has no unit; give a value and a unit, minute(s), hour(s) or day(s), e.g. "5 minutes"'],
    ["5x", 'has no unit; give a value and a unit, minute(s), hour(s) or day(s), e.g. "5 minutes"'],
    ["1 sminute", 'unit "sminute": must be minute(s), hour(s) or day(s)'],
    // Ten years: 3650 days = 87,600 hours = 5,256,000 minutes.
    ["3651 days", 'value "3651": a rate of at most 3650 days (ten years) is taken'],
    ["87601 hours", 'value "87601": a rate of at most 3650 days (ten years) is taken'],
    ["5256001 minutes", 'value "5256001": a rate of at most 3650 days (ten years) is taken'],
  ])("%j: %s", (input, message) => {
    expect(problem(checkRateExpression(input))).toBe(message);
  });

  it.each([
    ["3650 days", "rate(3650 days)"],
    ["87600 hours", "rate(87600 hours)"],
    ["5256000 minutes", "rate(5256000 minutes)"],
  ])("ten years exactly is taken: %j", (input, expression) => {
    expect(checkRateExpression(input)).toEqual({ ok: true, expression });
  });

  it("next runs are whole periods after the start; an expression the checks refuse throws", () => {
    expect(iso(nextRunTimes("rate(2 hours)", FROM, 2))).toEqual(["2026-11-30T11:00:00.000Z", "2026-11-30T13:00:00.000Z"]);
    expect(iso(nextRunTimes("rate(1 minute)", FROM, 1))).toEqual(["2026-11-30T09:01:00.000Z"]);
    expect(() => nextRunTimes("rate(0 minutes)", FROM, 1)).toThrow("nextRunTimes: not an accepted expression: rate(0 minutes)");
  });
});

describe("the day-of-month list aws-cron-parser is given for one month", () => {
  it.each([
    // October 2026: the 31st is a Saturday (30 days before Monday 30 November), so Sunday the 25th is the last Sunday.
    ["cron(0 0 ? 10 1L 2026)", 2026, 10, [25]],
    ["cron(0 0 ? * 7L *)", 2026, 10, [31]],
    // February 2027: the 1st is a Monday (1 January 2027 is a Friday, +31 days), the 28th a Sunday: last Friday the 26th.
    ["cron(0 0 ? * 6L *)", 2027, 2, [26]],
    // Days past the month's end are dropped.
    ["cron(0 0 5,31,30 * ? *)", 2026, 2, [5]],
    ["cron(0 0 31 * ? *)", 2026, 4, []],
    // nW past the month's end: the month's last day.
    ["cron(0 0 30W * ? *)", 2026, 2, ["W", 28]],
    ["cron(0 0 30W * ? *)", 2026, 4, ["W", 30]],
  ])("%s in %d-%d: %j", (expression, year, month, days) => {
    expect(parserDaysOfMonth(expression, year, month)).toEqual(days);
  });

  it("refuses an expression the checks refuse", () => {
    expect(() => parserDaysOfMonth("cron(0 0 * * * *)", 2026, 1)).toThrow("parserDaysOfMonth: not an accepted expression: cron(0 0 * * * *)");
  });
});
