import { describe, expect, it } from "vitest";
import { doctorExitCode, doctorSummary, renderChecks } from "../../src/core/doctor";
import { parseInteger, parseNumber, versionAtLeast } from "../../src/core/flags";

describe("doctor outcome", () => {
  const ok = { name: "a", ok: true, detail: "" };
  it.each([
    [[ok, ok], 0],
    [[ok, { name: "credentials", ok: false, detail: "", credentials: true }], 6],
    [[{ name: "config", ok: false, detail: "" }, ok], 1],
    [[{ name: "config", ok: false, detail: "" }, { name: "credentials", ok: false, detail: "", credentials: true }], 6],
  ])("%j → %i", (checks, code) => {
    expect(doctorExitCode(checks)).toBe(code);
  });

  it("renders marks and fixes for failures; the summary of failures is a line of its own that repeats none", () => {
    const plain = { green: (s: string) => s, red: (s: string) => s, dim: (s: string) => s };
    const checks = [ok, { name: "region", ok: false, detail: "no region set", hint: "pass --region" }, { name: "credentials", ok: false, detail: "not checked" }];
    expect(renderChecks(checks, plain).split("\n")).toEqual(["✓ a            ", "✗ region       no region set", "               fix: pass --region", "✗ credentials  not checked"]);
    expect(doctorSummary(checks)).toBe("2 of 3 checks failed: region, credentials");
    expect(renderChecks([ok, ok], plain).split("\n").at(-1)).toBe("All checks passed.");
  });
});

describe("flag parsing", () => {
  it("parses whole numbers in range and names the flag otherwise", () => {
    expect(parseInteger("--port", "4599", { min: 0, max: 65535 })).toBe(4599);
    expect(() => parseInteger("--port", "45.5")).toThrow('--port must be a whole number (got "45.5")');
    expect(() => parseInteger("--port", "")).toThrow(/--port must be a whole number/);
    expect(() => parseInteger("--port", "70000", { min: 0, max: 65535 })).toThrow("--port must be between 0 and 65535 (got 70000)");
  });

  it("takes decimal digits only: hex, exponents and infinities are refused, not reinterpreted", () => {
    expect(parseInteger("--limit", " 42 ", { min: 1 })).toBe(42);
    expect(parseInteger("--limit", "+7", { min: 1 })).toBe(7);
    expect(parseInteger("--count", 3)).toBe(3);
    expect(() => parseInteger("--limit", "99999999999999999999", { min: 1 })).toThrow('--limit is too large a number (got "99999999999999999999")');
    for (const raw of ["0x10", "1e3", "12.0", "Infinity", "-Infinity", "NaN", "0b1", "1_000"]) {
      expect(() => parseInteger("--limit", raw, { min: 1 })).toThrow(`--limit must be a whole number (got "${raw}")`);
    }
    expect(() => parseInteger("--limit", Infinity)).toThrow("--limit must be a whole number");
    expect(() => parseInteger("--limit", "0", { min: 1 })).toThrow("--limit must be at least 1 (got 0)");
    expect(() => parseInteger("--limit", "-3", { min: 1 })).toThrow("--limit must be at least 1 (got -3)");
  });

  it("parses numbers with exclusive minimums", () => {
    expect(parseNumber("--time-scale", "0.5", { exclusiveMin: 0 })).toBe(0.5);
    expect(() => parseNumber("--time-scale", "0", { exclusiveMin: 0 })).toThrow("--time-scale must be greater than 0 (got 0)");
    expect(() => parseNumber("--time-scale", "fast")).toThrow(/must be a number/);
  });

  it("compares versions", () => {
    expect(versionAtLeast("20.19.0", "20.19.0")).toBe(true);
    expect(versionAtLeast("v20.20.2", "20.19.0")).toBe(true);
    expect(versionAtLeast("20.18.9", "20.19")).toBe(false);
    expect(versionAtLeast("22.0.0", "20.19.0")).toBe(true);
  });
});

describe("statusWords", async () => {
  const { statusWords } = await import("../../src/core/endpoint-phase");
  it("speaks AWS's statuses in mlops's words", () => {
    expect(statusWords("InService")).toBe("in service");
    expect(statusWords("RollingBack")).toBe("rolling back");
    expect(statusWords("UpdateRollbackFailed")).toBe("update rollback failed");
    expect(statusWords(undefined, "creating")).toBe("creating");
  });
});
