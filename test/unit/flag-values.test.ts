import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/core/duration";
import { parseInteger, parseNumber, versionAtLeast } from "../../src/core/flags";
import { parseRequirement } from "../../src/core/gate";

/**
 * Values typed on the command line: which spellings are numbers, durations and gates, and which
 * are refused. Expected values are the decimal reading of the text (hand-computed).
 */
describe("parseNumber: decimal spellings only", () => {
  it.each([
    ["5", 5],
    ["+5", 5],
    ["-2.5", -2.5],
    ["12.5", 12.5],
    ["12.55", 12.55],
    ["1", 1],
    ["7.", 7],
    [".25", 0.25],
    [".5", 0.5],
    ["1e3", 1000],
    ["1E3", 1000],
    ["1e-3", 0.001],
    ["1e+3", 1000],
    ["1e10", 1e10],
    [" 0.5 ", 0.5],
  ])("%j is %d", (text, value) => {
    expect(parseNumber("--x", text)).toBe(value);
  });

  it.each(["0x10", "0b1", "a5", "5a", "1e", "e3", "Infinity", "", "."])("%j is not a number", (text) => {
    expect(() => parseNumber("--x", text)).toThrow(`--x must be a number (got "${text}")`);
  });

  it("a number beyond double range, as text or as a number, is too large", () => {
    expect(() => parseNumber("--x", "1e999")).toThrow('--x is too large a number (got "1e999")');
    expect(() => parseNumber("--x", Infinity)).toThrow('--x is too large a number (got "Infinity")');
  });
});

describe("parseInteger: whole decimal numbers", () => {
  it.each([
    ["16", 16],
    ["-3", -3],
    ["+12", 12],
    ["5", 5],
  ])("%j is %d", (text, value) => {
    expect(parseInteger("--n", text)).toBe(value);
  });

  it.each(["a5", "5a", "0x10", "1e3", "1.5"])("%j is not a whole number", (text) => {
    expect(() => parseInteger("--n", text)).toThrow(`--n must be a whole number (got "${text}")`);
  });

  it("digits beyond 2^53 are too large; a number from mlops.yaml beyond it is not whole", () => {
    expect(() => parseInteger("--n", "9007199254740993")).toThrow('--n is too large a number (got "9007199254740993")');
    // 2^53 = 9007199254740992 is the first integer a double cannot tell from its neighbour.
    expect(() => parseInteger("--n", 2 ** 53)).toThrow('--n must be a whole number (got "9007199254740992")');
  });

  it("a range bound is inclusive, and the message names only the bounds given", () => {
    expect(parseInteger("--n", "10", { max: 10 })).toBe(10);
    expect(parseInteger("--n", "1", { min: 1 })).toBe(1);
    expect(() => parseInteger("--n", "11", { max: 10 })).toThrow("--n must be at most 10 (got 11)");
    expect(() => parseInteger("--n", "0", { min: 1 })).toThrow("--n must be at least 1 (got 0)");
    expect(() => parseInteger("--n", "0", { min: 1, max: 10 })).toThrow("--n must be between 1 and 10 (got 0)");
  });
});

describe("versionAtLeast", () => {
  it.each([
    ["20.19.0", "20.19", true],
    ["v20.19.1", "20.19", true],
    ["20", "20.1", false],
    ["20.1", "20", true],
    ["20.18.9", "20.19", false],
    ["22.0.0", "20.19", true],
  ])("%s ≥ %s: %s", (version, minimum, expected) => {
    expect(versionAtLeast(version, minimum)).toBe(expected);
  });
});

describe("parseDuration", () => {
  it.each([
    [" 90s ", 90],
    ["1d", 86_400],
    ["1h30m", 5400],
    ["2m5s", 125],
    [" 300 ", 300],
  ])("%j is %d s", (text, seconds) => {
    expect(parseDuration("--bake", text)).toBe(seconds);
  });

  it("more seconds than a double holds exactly is too long, as digits or with units", () => {
    expect(() => parseDuration("--bake", "99999999999999999999")).toThrow('--bake "99999999999999999999" is too long a duration');
    // 9007199254740991 d = 9007199254740991 × 86400 s, far beyond 2^53.
    expect(() => parseDuration("--bake", "9007199254740991d")).toThrow('--bake "9007199254740991d" is too long a duration');
  });

  it("a word that is not a duration says what one looks like", () => {
    expect(() => parseDuration("--bake", "soon")).toThrow(expect.objectContaining({ message: '--bake "soon" is not a duration', hint: "e.g. 90s, 15m, 1h30m, or a number of seconds" }));
  });
});

describe("parseRequirement: the numbers a gate takes", () => {
  it.each([
    ["latency_ms<100.5", 100.5],
    ["loss<.25", 0.25],
    ["count>=10", 10],
    ["count<1e5", 1e5],
    ["mse<1e-10", 1e-10],
    ["n<2e10", 2e10],
  ])("%s has threshold %d", (expr, threshold) => {
    expect(parseRequirement(expr).threshold).toBe(threshold);
  });
});
