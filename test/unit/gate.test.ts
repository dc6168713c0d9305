import { describe, expect, it } from "vitest";
import { evaluateGate, parseRequirement } from "../../src/core/gate";
import { EXIT_CODE_HELP, ExitCode } from "../../src/exit-codes";

/**
 * The metric gate decides whether a model enters the registry: each comparison pinned on both
 * sides of its threshold and on it (mutation testing found `>=` → `true` and the like unnoticed).
 */
describe("the metric gate", () => {
  it.each([
    ["accuracy>=0.9", 0.89, false],
    ["accuracy>=0.9", 0.9, true],
    ["accuracy>=0.9", 0.91, true],
    ["accuracy>0.9", 0.9, false],
    ["accuracy>0.9", 0.91, true],
    ["mse<=0.05", 0.05, true],
    ["mse<=0.05", 0.051, false],
    ["mse<0.05", 0.05, false],
    ["mse<0.05", 0.049, true],
    ["auc==1", 1, true],
    ["auc==1", 0.999, false],
  ] as const)("%s with %s passes: %s", (expr, actual, passed) => {
    expect(evaluateGate([parseRequirement(expr)], () => actual)).toEqual([expect.objectContaining({ expr, actual, passed })]);
  });

  it("reads numbers as written: several digits before and after the point, a leading point, exponents with or without a sign", () => {
    expect(parseRequirement("a>=12.5").threshold).toBe(12.5);
    expect(parseRequirement("a>=.25").threshold).toBe(0.25);
    expect(parseRequirement("a<1e10").threshold).toBe(1e10);
    expect(parseRequirement("a<1e-12").threshold).toBe(1e-12);
    expect(parseRequirement("a<2.5E+3").threshold).toBe(2500);
  });

  it("refuses what it cannot read, with an example, and thresholds beyond a number", () => {
    expect(() => parseRequirement("accuracy=>0.9")).toThrow(expect.objectContaining({ hint: expect.stringMatching(/e\.g\. --require "accuracy>=0\.9"/) }));
    expect(() => parseRequirement("a>=1e999")).toThrow(/1e999 is too large a threshold/);
  });
});

describe("the exit code table", () => {
  it("lists every exit code once, in order, each with its meaning", () => {
    const codes = EXIT_CODE_HELP.map(([code]) => code);
    expect(codes).toEqual([...Object.values(ExitCode)].sort((a, b) => a - b));
    expect(new Set(codes).size).toBe(codes.length);
    for (const [, meaning] of EXIT_CODE_HELP) expect(meaning.length).toBeGreaterThan(3);
  });
});
