import { describe, expect, it } from "vitest";
import { checkExpression, evaluate, expressionIds } from "../../src/sandbox/services/metric-math";

/**
 * The sandbox's metric math: the arithmetic subset of CloudWatch metric math (numbers, metric ids,
 * + - * /, parentheses, unary minus). Expected values are hand-computed arithmetic; a missing
 * operand or a division by zero gives no datapoint, as CloudWatch drops such points.
 */
const VALUES: Record<string, number | undefined> = { m1: 2, m2: 6, zero: 0, gone: undefined };
const value = (expression: string) => evaluate(expression, (id) => VALUES[id]);

describe("metric math reads numbers as CloudWatch writes them", () => {
  it.each([
    ["12", 12],
    ["12.25", 12.25],
    ["1e3", 1000],
    ["1e10", 1e10],
    ["2E+2", 200],
    ["5e-1", 0.5],
    ["1.5e2", 150],
  ])("%s is %d", (expression, expected) => {
    expect(value(expression)).toBe(expected);
  });
});

describe("metric math computes with the usual precedence", () => {
  it.each([
    ["m1 + m2", 8],
    ["m2 - m1", 4],
    ["m1 * m2", 12],
    ["m2 / m1", 3],
    ["m2 - m1 - 1", 3],
    ["m2 / m1 / 3", 1],
    ["m1 + m2 * 2", 14],
    ["(m1 + m2) * 2", 16],
    ["-m1 * 3", -6],
    ["- -m1", 2],
    ["  m1   +   m2  ", 8],
    ["m1+m2", 8],
  ])("%s = %d", (expression, expected) => {
    expect(value(expression)).toBe(expected);
  });
});

describe("metric math gives no value when an operand is missing or a divisor is zero", () => {
  it.each([
    ["gone + 1"],
    ["1 + gone"],
    ["gone - 1"],
    ["gone * 2"],
    ["2 * gone"],
    ["gone / 2"],
    ["2 / gone"],
    ["m1 / zero"],
    ["-gone"],
    ["unknown"],
    ["(gone)"],
  ])("%s has no value", (expression) => {
    expect(value(expression)).toBeUndefined();
  });

  it("a zero numerator is a value: 0 / m1 = 0", () => {
    expect(value("zero / m1")).toBe(0);
  });
});

describe("metric math refuses what it cannot parse, saying why", () => {
  it.each([
    ["m1$2", 'cannot read the expression at "$2"'],
    ["m1 +", "the expression ends too early"],
    ["", "the expression ends too early"],
    ["* 2", 'unexpected "*"'],
    [")", 'unexpected ")"'],
    ["(m1 + 1", "a ( is not closed"],
    ["(m1 + 2 (", "a ( is not closed"],
    ["m1 m2", "unexpected text after the expression"],
    ["1 2", "unexpected text after the expression"],
    ["1.", 'cannot read the expression at "."'],
  ])("%j: %s", (expression, reason) => {
    expect(() => value(expression)).toThrow(new Error(reason));
    expect(() => checkExpression(expression)).toThrow(new Error(reason));
  });

  it("checkExpression accepts what parses, whatever the metrics' values", () => {
    expect(() => checkExpression("failed / (failed + done)")).not.toThrow();
    expect(() => checkExpression("-m1 * 1e3 - 2")).not.toThrow();
  });

  it("expressionIds lists the ids an expression reads, in order, numbers and operators left out", () => {
    expect(expressionIds("a1 * (b_2 + 3) / A1 - 1e3")).toEqual(["a1", "b_2", "A1"]);
    expect(expressionIds("  x  ")).toEqual(["x"]);
  });
});
