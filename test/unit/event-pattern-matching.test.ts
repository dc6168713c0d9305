import { describe, expect, it } from "vitest";
import { objectCreatedEvent } from "../helpers/events";
import { InvalidEventPattern, matchesEventPattern, parseEventPattern } from "../../src/sandbox/event-pattern";

/**
 * EventBridge event patterns, operator by operator, at their edges. Expected results follow the
 * EventBridge User Guide (eb-event-patterns.html, eb-create-pattern-operators.html): string
 * operators (prefix, suffix, wildcard, equals-ignore-case) match strings only; numeric matches
 * numbers only; anything-but matches every value but those named; exists matches a leaf that is
 * there (a missing field, an object or an empty array is not a leaf).
 */
const EVENT = objectCreatedEvent({ items: [{ name: "b" }, { name: "a" }], tags: ["x", "y"], none: [], count: "42" });
const matches = (pattern: object, event: object = EVENT) => matchesEventPattern(parseEventPattern(JSON.stringify(pattern)), event);
/** A pattern on the event's `detail.object.<field>`. */
const onObject = (field: string, matcher: unknown) => ({ detail: { object: { [field]: [matcher] } } });

describe("numeric comparisons at their boundary (size is 42)", () => {
  // [operator, value] → does 42 match?
  it.each([
    ["=", 42, true],
    ["=", 41, false],
    ["<", 43, true],
    ["<", 42, false],
    ["<=", 42, true],
    ["<=", 41, false],
    [">", 41, true],
    [">", 42, false],
    [">=", 42, true],
    [">=", 43, false],
  ])("%s %d → %s", (op, n, expected) => {
    expect(matches(onObject("size", { numeric: [op, n] }))).toBe(expected);
  });

  it.each([
    [[">=", 42, "<", 43], true],
    [[">", 41, "<=", 42], true],
    [[">", 42, "<", 50], false],
    [[">", 0, "<", 42], false],
  ])("range %j → %s", (range, expected) => {
    expect(matches(onObject("size", { numeric: range }))).toBe(expected);
  });

  it("numeric matches numbers only: the string \"42\" is not 42", () => {
    expect(matches({ detail: { count: [{ numeric: [">", 0] }] } })).toBe(false);
  });
});

describe("string operators match strings only (size is the number 42)", () => {
  it.each([
    ["prefix", { prefix: "4" }],
    ["suffix", { suffix: "2" }],
    ["wildcard", { wildcard: "*" }],
    ["equals-ignore-case", { "equals-ignore-case": "42" }],
    ["prefix ignoring case", { prefix: { "equals-ignore-case": "4" } }],
  ])("%s", (_name, matcher) => {
    expect(matches(onObject("size", matcher))).toBe(false);
  });

  it("equals-ignore-case needs the same letters", () => {
    expect(matches({ "detail-type": [{ "equals-ignore-case": "OBJECT CREATED" }] })).toBe(true);
    expect(matches({ "detail-type": [{ "equals-ignore-case": "Object Deleted" }] })).toBe(false);
  });
});

describe("anything-but", () => {
  it.each([
    ["the value itself", { "anything-but": "data/x.csv" }, false],
    ["another value", { "anything-but": "data/y.csv" }, true],
    ["a list holding the value", { "anything-but": ["a", "data/x.csv"] }, false],
    ["a suffix the key has", { "anything-but": { suffix: ".csv" } }, false],
    ["a suffix the key does not have", { "anything-but": { suffix: ".txt" } }, true],
    ["one of several prefixes", { "anything-but": { prefix: ["logs/", "data/"] } }, false],
    ["none of several prefixes", { "anything-but": { prefix: ["logs/", "tmp/"] } }, true],
    ["a value ignoring case", { "anything-but": { "equals-ignore-case": "DATA/X.CSV" } }, false],
    ["another value ignoring case", { "anything-but": { "equals-ignore-case": "DATA/Y.CSV" } }, true],
    ["a wildcard that matches", { "anything-but": { wildcard: "*.csv" } }, false],
  ])("on the key: %s → %s", (_name, matcher, expected) => {
    expect(matches(onObject("key", matcher))).toBe(expected);
  });

  it("a number: the number itself does not match, another does; a string prefix never names a number", () => {
    expect(matches(onObject("size", { "anything-but": 42 }))).toBe(false);
    expect(matches(onObject("size", { "anything-but": 7 }))).toBe(true);
    expect(matches(onObject("size", { "anything-but": { prefix: "4" } }))).toBe(true);
  });
});

describe("arrays and objects in the event", () => {
  it("a nested pattern matches an array of objects when any element matches", () => {
    expect(matches({ detail: { items: { name: ["a"] } } })).toBe(true);
    expect(matches({ detail: { items: { name: ["c"] } } })).toBe(false);
  });

  it("exists: an empty array is not there; a non-empty one is", () => {
    expect(matches({ detail: { none: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { none: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { tags: [{ exists: true }] } })).toBe(true);
  });
});

describe("invalid patterns are refused with EventBridge's reason", () => {
  const reason = (pattern: unknown) => {
    try {
      parseEventPattern(typeof pattern === "string" ? pattern : JSON.stringify(pattern));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventPattern);
      return (error as Error).message.replace("Event pattern is not valid. Reason: ", "");
    }
    return "accepted";
  };

  it.each([
    ["not JSON", "{", "Filter is not valid JSON"],
    ["a list", "[]", "Filter is not an object"],
    ["a string", '"x"', "Filter is not an object"],
    ["an empty $or branch", { $or: [{}, { a: ["x"] }] }, "Empty objects are not allowed"],
    ["a $or branch that is not an object", { $or: [["x"], { a: ["x"] }] }, "Or relationship must be an array of objects"],
    ["an empty nested object", { detail: {} }, 'Empty objects are not allowed at "detail"'],
    ["a list inside the matchers", { a: [["x"]] }, 'Match value at "a" must be a string, number, boolean, null or an object'],
    ["prefix with two keys", { a: [{ prefix: { "equals-ignore-case": "x", other: "y" } }] }, "prefix match pattern must be a string"],
    ["prefix with another key", { a: [{ prefix: { other: "y" } }] }, "prefix match pattern must be a string"],
    ["suffix ignoring case of a number", { a: [{ suffix: { "equals-ignore-case": 1 } }] }, "suffix match pattern must be a string"],
    ["wildcard of a number", { a: [{ wildcard: 1 }] }, "wildcard match pattern must be a string"],
    ["equals-ignore-case of a number", { a: [{ "equals-ignore-case": 1 }] }, "equals-ignore-case match pattern must be a string"],
    ["anything-but of strings and numbers", { a: [{ "anything-but": ["x", 1] }] }, "Inside anything but list, start|null|boolean is not supported."],
    ["anything-but of booleans", { a: [{ "anything-but": [true] }] }, "Inside anything but list, start|null|boolean is not supported."],
    ["anything-but null", { a: [{ "anything-but": null }] }, "Value of anything-but must be an array or single string/number value."],
    ["anything-but with two operators", { a: [{ "anything-but": { prefix: "x", suffix: "y" } }] }, "Value of anything-but must be an array or single string/number value."],
    ["anything-but numeric", { a: [{ "anything-but": { numeric: [">", 1] } }] }, "Value of anything-but must be an array or single string/number value."],
    ["anything-but an empty prefix list", { a: [{ "anything-but": { prefix: [] } }] }, "prefix match pattern must be a string"],
    ["anything-but a prefix list with a number", { a: [{ "anything-but": { prefix: ["x", 1] } }] }, "prefix match pattern must be a string"],
    ["numeric of a string", { a: [{ numeric: ">=" }] }, "Value of numeric must be an array."],
    ["numeric of three items", { a: [{ numeric: [">", 1, "<"] }] }, "Value of numeric must be an array."],
    ["numeric with a number for an operator", { a: [{ numeric: [1, 2] }] }, "Unrecognized numeric range operator: 1"],
    ["a range opening with <", { a: [{ numeric: ["<", 1, "<", 5] }] }, "Bad numeric range operator"],
    ["a range closing with >", { a: [{ numeric: [">", 1, ">", 5] }] }, "Bad numeric range operator"],
    ["an empty range", { a: [{ numeric: [">", 5, "<", 5] }] }, "Bottom must be less than top"],
  ])("%s", (_name, pattern, expected) => {
    expect(reason(pattern)).toBe(expected);
  });

  it.each([
    ["anything-but a number", { a: [{ "anything-but": 5 }] }],
    ["anything-but numbers", { a: [{ "anything-but": [1, 2] }] }],
    ["anything-but a prefix list", { a: [{ "anything-but": { prefix: ["x", "y"] } }] }],
    ["anything-but ignoring case", { a: [{ "anything-but": { "equals-ignore-case": "x" } }] }],
    ["a range from >=", { a: [{ numeric: [">=", 1, "<", 5] }] }],
    ["a range to <=", { a: [{ numeric: [">", 1, "<=", 5] }] }],
    ["prefix ignoring case", { a: [{ prefix: { "equals-ignore-case": "x" } }] }],
  ])("accepts %s", (_name, pattern) => {
    expect(reason(pattern)).toBe("accepted");
  });
});
