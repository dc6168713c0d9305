import { describe, expect, it } from "vitest";
import { FaultInjector, parseFaultSpec } from "../../src/sandbox/faults";

describe("fault specs", () => {
  it("parses rules with and without a service", () => {
    expect(parseFaultSpec("sts:GetCallerIdentity:throttle=0.3,latency=20; *:5xx=0.1")).toEqual([
      { service: "sts", operation: "GetCallerIdentity", throttle: 0.3, latencyMs: 20 },
      { operation: "*", error: 0.1 },
    ]);
  });

  it.each([
    ["GetCallerIdentity", /expected \[service:\]Operation/],
    ["X:throttle=1.5", /between 0 and 1/],
    ["X:latency=-1", /latency must be/],
    ["X:jitter=1", /unknown fault/],
    ["X:throttle=", /expected key=number/],
  ])("rejects %j", (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe("fault injection", () => {
  it("spreads a rate evenly: 30 % of 100 requests, never two in a row", () => {
    const faults = new FaultInjector([{ operation: "Op", throttle: 0.3 }]);
    const decisions = Array.from({ length: 100 }, () => faults.decide("svc", "Op").fault);
    expect(decisions.filter((d) => d === "throttle")).toHaveLength(30);
    expect(decisions.some((d, i) => d && decisions[i + 1])).toBe(false);
  });

  it("matches by service and operation, sums latency, and counts per operation", () => {
    const faults = new FaultInjector([
      { service: "sts", operation: "*", latencyMs: 10 },
      { operation: "A", latencyMs: 5, error: 0.5 },
    ]);
    expect(faults.decide("sts", "A")).toEqual({ latencyMs: 15 });
    expect(faults.decide("sts", "A")).toEqual({ latencyMs: 15, fault: "error" });
    expect(faults.decide("s3", "B")).toEqual({ latencyMs: 0 });
    expect(faults.decide("s3", "A")).toEqual({ latencyMs: 5 });
  });
});
