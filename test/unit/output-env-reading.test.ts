import { describe, expect, it } from "vitest";
import { envLine, parseEnvFile } from "../../src/core/output-env";
import { firstGiven } from "../../src/core/sources";

describe("--output-env keys", () => {
  it.each(["lower", "1ABC", "ABC-D", "ABC D", ""])("%j is not written", (key) => {
    expect(() => envLine(key, "x")).toThrow(`internal: ${JSON.stringify(key)} is not an environment variable name`);
  });

  it.each(["A", "MODEL_PACKAGE_ARN", "A1_"])("%s is written", (key) => {
    expect(envLine(key, "x")).toBe(`${key}='x'`);
  });
});

describe("reading an env file back", () => {
  it.each([
    ["X=1", { X: "1" }],
    ["export X=1", { X: "1" }],
    ["export  X=1", { X: "1" }],
    ["  X='a b'", { X: "a b" }],
    ["X= 'a b' ", { X: "a b" }],
    ['X="ab"', { X: "ab" }],
    ["X=a'b'", { X: "a'b'" }],
    ["X='a'b", { X: "'a'b" }],
    ['X=a"b"', { X: 'a"b"' }],
    ['X="a"b', { X: '"a"b' }],
    ["# X=1", {}],
    ["exportX=1", { exportX: "1" }],
    ["X='a'\r\nY=2\r\n", { X: "a", Y: "2" }],
  ])("%j", (text, values) => {
    expect(parseEnvFile(text)).toEqual(values);
  });
});

describe("where a setting comes from", () => {
  it("an empty variable counts as not set: the next source is used", () => {
    expect(firstGiven({ flag: ["--region", undefined], env: ["MLOPS_REGION", "AWS_REGION"], file: ["region", "eu-west-1"] }, { MLOPS_REGION: "", AWS_REGION: "" })).toEqual({
      value: "eu-west-1",
      source: "mlops.yaml region",
    });
  });

  it("a setting with no variable falls through to the file", () => {
    expect(firstGiven({ flag: ["--region", undefined], file: ["region", "eu-west-1"] }, {})).toEqual({ value: "eu-west-1", source: "mlops.yaml region" });
  });
});
