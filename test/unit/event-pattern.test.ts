import { describe, expect, it } from "vitest";
import { objectCreatedEvent } from "../helpers/events";
import { InvalidEventPattern, matchesEventPattern, parseEventPattern } from "../../src/sandbox/event-pattern";
import { nextFireTime, parseScheduleExpression } from "../../src/sandbox/schedule";

const EVENT = objectCreatedEvent({ tags: ["a", "b"], empty: null, flag: false });

const matches = (pattern: object, event: object = EVENT) => matchesEventPattern(parseEventPattern(JSON.stringify(pattern)), event);

describe("event patterns match as EventBridge does", () => {
  it.each([
    ["exact string", { source: ["aws.s3"] }, true],
    ["exact string, no match", { source: ["aws.sagemaker"] }, false],
    ["array as OR", { source: ["aws.sagemaker", "aws.s3"] }, true],
    ["nested objects", { detail: { bucket: { name: ["raw-data"] } } }, true],
    ["every field must match (AND)", { source: ["aws.s3"], detail: { bucket: { name: ["other"] } } }, false],
    ["a number", { detail: { object: { size: [42] } } }, true],
    ["null", { detail: { empty: [null] } }, true],
    ["boolean", { detail: { flag: [false] } }, true],
    ["event array: any element", { detail: { tags: ["b"] } }, true],
    ["event array: no element", { detail: { tags: ["c"] } }, false],
    ["prefix", { detail: { object: { key: [{ prefix: "data/" }] } } }, true],
    ["prefix, no match", { detail: { object: { key: [{ prefix: "other/" }] } } }, false],
    ["prefix ignoring case", { detail: { object: { key: [{ prefix: { "equals-ignore-case": "DATA/" } }] } } }, true],
    ["suffix", { detail: { object: { key: [{ suffix: ".csv" }] } } }, true],
    ["suffix ignoring case", { detail: { object: { key: [{ suffix: { "equals-ignore-case": ".CSV" } }] } } }, true],
    ["wildcard", { detail: { object: { key: [{ wildcard: "data/*.csv" }] } } }, true],
    ["wildcard, no match", { detail: { object: { key: [{ wildcard: "data/*.txt" }] } } }, false],
    ["wildcard: regex characters are literal", { detail: { object: { key: [{ wildcard: "data/x.cs." }] } } }, false],
    ["equals-ignore-case", { "detail-type": [{ "equals-ignore-case": "object created" }] }, true],
    ["anything-but a value", { source: [{ "anything-but": "aws.sagemaker" }] }, true],
    ["anything-but a list", { source: [{ "anything-but": ["aws.s3", "x"] }] }, false],
    ["anything-but prefix", { source: [{ "anything-but": { prefix: "aws." } }] }, false],
    ["anything-but suffix", { detail: { object: { key: [{ "anything-but": { suffix: ".txt" } }] } } }, true],
    ["anything-but wildcard", { detail: { object: { key: [{ "anything-but": { wildcard: "data/*" } }] } } }, false],
    ["anything-but a number", { detail: { object: { size: [{ "anything-but": [1, 2] }] } } }, true],
    ["numeric range", { detail: { object: { size: [{ numeric: [">", 0, "<=", 42] }] } } }, true],
    ["numeric, no match", { detail: { object: { size: [{ numeric: ["<", 10] }] } } }, false],
    ["numeric = on a string", { source: [{ numeric: ["=", 1] }] }, false],
    ["exists true", { detail: { object: { key: [{ exists: true }] } } }, true],
    ["exists true on an object is false", { detail: { object: [{ exists: true }] } }, false],
    ["exists false on a missing field", { detail: { missing: [{ exists: false }] } }, true],
    ["exists false on a present field", { detail: { object: { key: [{ exists: false }] } } }, false],
    ["a missing field never matches a value", { detail: { missing: ["x"] } }, false],
    ["anything-but needs the field", { detail: { missing: [{ "anything-but": "x" }] } }, false],
    ["$or: one branch", { $or: [{ source: ["nope"] }, { detail: { object: { size: [42] } } }] }, true],
    ["$or: no branch", { $or: [{ source: ["nope"] }, { detail: { object: { size: [1] } } }] }, false],
    ["$or nested", { detail: { $or: [{ bucket: { name: ["raw-data"] } }, { missing: ["x"] }] } }, true],
    ["resources", { resources: ["arn:aws:s3:::raw-data"] }, true],
  ])("%s", (_name, pattern, expected) => {
    expect(matches(pattern)).toBe(expected);
  });
  it("wildcard: \\* is a literal asterisk and \\\\ a literal backslash; * alone is any run", () => {
    const key = (k: string) => objectCreatedEvent({ object: { key: k } });
    const pattern = { detail: { object: { key: [{ wildcard: "st\\*r/*.csv" }] } } };
    expect(matches(pattern, key("st*r/a.csv"))).toBe(true);
    expect(matches(pattern, key("stXr/a.csv"))).toBe(false);
    expect(matches({ detail: { object: { key: [{ wildcard: "a\\\\b*" }] } } }, key("a\\bc"))).toBe(true);
  });


  it("is case-sensitive for exact values", () => {
    expect(matches({ source: ["AWS.S3"] })).toBe(false);
  });
});

describe("invalid event patterns are refused with a reason", () => {
  it.each([
    ["not JSON", "{"],
    ["not an object", "[]"],
    ["an empty object", "{}"],
    ["a bare value", JSON.stringify({ source: "aws.s3" })],
    ["an empty array", JSON.stringify({ source: [] })],
    ["an unknown operator", JSON.stringify({ source: [{ regex: "a" }] })],
    ["two operators in one matcher", JSON.stringify({ source: [{ prefix: "a", suffix: "b" }] })],
    ["numeric without numbers", JSON.stringify({ n: [{ numeric: [">", "1"] }] })],
    ["numeric with an unknown operator", JSON.stringify({ n: [{ numeric: ["!=", 1] }] })],
    ["numeric range upside down", JSON.stringify({ n: [{ numeric: [">", 5, "<", 1] }] })],
    ["exists not a boolean", JSON.stringify({ n: [{ exists: "yes" }] })],
    ["prefix not a string", JSON.stringify({ n: [{ prefix: 1 }] })],
    ["consecutive wildcards", JSON.stringify({ n: [{ wildcard: "a**b" }] })],
    ["anything-but with an empty list", JSON.stringify({ n: [{ "anything-but": [] }] })],
    ["$or with one branch", JSON.stringify({ $or: [{ a: ["x"] }] })],
  ])("%s", (_name, text) => {
    expect(() => parseEventPattern(text)).toThrow(InvalidEventPattern);
    expect(() => parseEventPattern(text)).toThrow(/^Event pattern is not valid\. Reason: /);
  });
});

describe("schedule expressions", () => {
  const at = Date.UTC(2026, 0, 1, 0, 0); // a Thursday
  const next = (expression: string, from = at) => {
    const s = parseScheduleExpression(expression);
    if (!s) throw new Error(`refused ${expression}`);
    const t = nextFireTime(s, from);
    return t === undefined ? undefined : new Date(t).toISOString();
  };

  it.each([
    ["rate(5 minutes)", "2026-01-01T00:05:00.000Z"],
    ["rate(1 day)", "2026-01-02T00:00:00.000Z"],
    ["cron(0 3 * * ? *)", "2026-01-01T03:00:00.000Z"],
    ["cron(0/15 * * * ? *)", "2026-01-01T00:15:00.000Z"],
    ["cron(0 9 ? * MON-FRI *)", "2026-01-01T09:00:00.000Z"],
    ["cron(0 9 ? * SAT *)", "2026-01-03T09:00:00.000Z"],
    ["cron(0 0 L * ? *)", "2026-01-31T00:00:00.000Z"],
    ["cron(0 0 ? * 6L *)", "2026-01-30T00:00:00.000Z"],
    ["cron(0 0 ? * 2#1 *)", "2026-01-05T00:00:00.000Z"],
    ["cron(0 0 3W * ? *)", "2026-01-02T00:00:00.000Z"],
    ["cron(30 12 1 JAN,JUL ? 2027)", "2027-01-01T12:30:00.000Z"],
    // A range wraps past the field's end (AWS's own example): Thursday 00:00 is within 20-2.
    ["cron(0/30 20-2 ? * MON-FRI *)", "2026-01-01T00:30:00.000Z"],
    ["cron(0 1 ? * FRI-MON *)", "2026-01-02T01:00:00.000Z"],
    // Bare L in day-of-week is the last day of the week: every Saturday, not only the month's last.
    ["cron(0 0 ? * L *)", "2026-01-03T00:00:00.000Z"],
  ])("%s next fires at %s", (expression, expected) => {
    expect(next(expression)).toBe(expected);
  });

  it.each(["rate(0 minutes)", "rate(1 minutes)", "rate(5 minute)", "rate(5 weeks)", "cron(0 3 * * *)", "cron(0 3 * * * *)", "cron(0 3 ? * ? *)", "cron(60 3 * * ? *)", "cron(0 24 * * ? *)", "cron(0 0 32 * ? *)", "cron(0 0 ? * 8 *)", "cron(0 0 ? FOO * *)", "every day",
    // Not in AWS's documentation: / in day-of-week, a wrapping year range, Quartz's LW, L-n, FRIL, FRI#3, a step above the field.
    "cron(0 0 ? * */2 *)", "cron(0 0 * * ? 2030-2025)", "cron(0 0 LW * ? *)", "cron(0 0 L-2 * ? *)", "cron(0 0 ? * FRIL *)", "cron(0 0 ? * FRI#3 *)", "cron(0/60 * * * ? *)"])(
    "refuses %s",
    (expression) => {
      expect(parseScheduleExpression(expression)).toBeUndefined();
    },
  );
});
