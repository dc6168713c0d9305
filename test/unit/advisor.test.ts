import { describe, expect, it } from "vitest";
import prices from "../../data/prices.json";
import { advise, pickInstance, type AdviceInput, type PriceTable } from "../../src/core/advisor";

const table = prices as PriceTable;

/** A small, steady, synchronous model; each case changes what it is about. */
const base: AdviceInput = {
  latencyMs: 500,
  payloadMb: 0.05,
  responseMb: 0.01,
  processingSeconds: 0.1,
  traffic: "steady",
  requestsPerDay: 500_000,
  peakRps: 20,
  sync: true,
  coldStartOk: false,
  gpu: false,
  imageGb: 2,
  memoryGb: 2,
};

const option = (input: AdviceInput, type: string) => advise(input, table).options.find((o) => o.type === type)!;

describe("the seeds' worked cases", () => {
  it("30-minute audio files taking 5 minutes each → asynchronous", () => {
    const advice = advise({ ...base, payloadMb: 300, responseMb: 0.1, processingSeconds: 300, sync: false, requestsPerDay: 200, peakRps: 0.05 }, table);
    expect(advice.recommendation?.type).toBe("async");
    expect(advice.recommendation?.settings).toMatchObject({ scaleToZero: true, minInstances: 0 });
    expect(option({ ...base, payloadMb: 300, processingSeconds: 300, sync: false, peakRps: 0.05 }, "realtime").why).toEqual([
      "payload 300 MB exceeds the 6 MB real-time limit",
      "processing 5 min exceeds the 60 s real-time limit",
    ]);
  });

  it("intermittent, cost-sensitive traffic → serverless", () => {
    const advice = advise({ ...base, traffic: "intermittent", requestsPerDay: 2_000, peakRps: 2, coldStartOk: true }, table);
    expect(advice.recommendation).toMatchObject({ type: "serverless", settings: { memoryMb: 2048, maxConcurrency: 1 } });
    expect(advice.recommendation!.monthlyCostUsd).toBeLessThan(5);
    expect(advice.recommendation!.reasons.join(" ")).toMatch(/scales to zero/);
    expect(advice.options.find((o) => o.type === "realtime")!.why.at(-1)).toMatch(/^costs about \$\d+\.\d\d a month against \$\d\.\d\d for serverless$/);
  });

  it("steady traffic that needs low latency → real-time", () => {
    const advice = advise({ ...base, latencyMs: 100, requestsPerDay: 5_000_000, peakRps: 120, processingSeconds: 0.05 }, table);
    expect(advice.recommendation).toMatchObject({ type: "realtime", settings: { instanceType: "ml.m5.large", instanceCount: 3 } });
    expect(option({ ...base }, "serverless").why).toContain("cold starts (seconds, when scaling up from idle) are not acceptable; provisioned concurrency would avoid them at extra cost");
  });

  it("a nightly job over a whole dataset → batch", () => {
    const advice = advise({ ...base, traffic: "batch", sync: false, requestsPerDay: 2_000_000, processingSeconds: 0.02, latencyMs: undefined }, table);
    expect(advice.recommendation).toMatchObject({ type: "batch", settings: { batchStrategy: "MultiRecord", splitType: "Line" } });
    expect(advice.recommendation!.reasons[0]).toMatch(/whole dataset on a schedule/);
  });

  it("1 GB inputs → asynchronous (and nothing above 1 GB)", () => {
    const bigInputs = { ...base, processingSeconds: 120, sync: false, requestsPerDay: 500, peakRps: 0.1 };
    expect(advise({ ...bigInputs, payloadMb: 1024 }, table).recommendation?.type).toBe("async");
    const over = advise({ ...bigInputs, payloadMb: 1025 }, table);
    expect(over.recommendation).toBeNull();
    // Never a rounded "1 GB exceeds 1 GB".
    expect(over.blocked).toMatch(/payload 1025 MB exceeds every SageMaker inference option \(1 GB at most/);
    expect(over.blocked).toContain("records of at most 100 MB for batch transform");
  });

  it("a GPU model with intermittent traffic → not serverless", () => {
    const input = { ...base, gpu: true, memoryGb: 12, traffic: "intermittent" as const, coldStartOk: true, requestsPerDay: 1_000, peakRps: 1 };
    const advice = advise(input, table);
    expect(advice.recommendation?.type).toBe("realtime");
    expect(advice.recommendation?.settings.instanceType).toBe("ml.g4dn.xlarge");
    expect(option(input, "serverless")).toMatchObject({ feasible: false, why: expect.arrayContaining(["serverless endpoints have no GPUs", "the model needs 12 GB of memory; serverless offers at most 6 GB"]) });
  });
});

describe("both sides of every limit", () => {
  it.each([
    ["real-time payload", { payloadMb: 6 }, "realtime", true],
    ["real-time payload", { payloadMb: 6.01 }, "realtime", false],
    ["real-time processing", { processingSeconds: 60, peakRps: 1 }, "realtime", true],
    ["real-time processing", { processingSeconds: 60.5, peakRps: 1 }, "realtime", false],
    ["real-time response", { responseMb: 6 }, "realtime", true],
    ["real-time response", { responseMb: 6.01 }, "realtime", false],
    ["serverless payload", { payloadMb: 4, coldStartOk: true }, "serverless", true],
    ["serverless payload", { payloadMb: 4.01, coldStartOk: true }, "serverless", false],
    ["serverless response", { responseMb: 4.01, coldStartOk: true }, "serverless", false],
    ["serverless processing", { processingSeconds: 60, coldStartOk: true, peakRps: 1 }, "serverless", true],
    ["serverless processing", { processingSeconds: 61, coldStartOk: true, peakRps: 1 }, "serverless", false],
    ["serverless memory", { memoryGb: 6, coldStartOk: true }, "serverless", true],
    ["serverless memory", { memoryGb: 6.5, coldStartOk: true }, "serverless", false],
    ["serverless image", { imageGb: 10, coldStartOk: true }, "serverless", true],
    ["serverless image", { imageGb: 10.5, coldStartOk: true }, "serverless", false],
    ["serverless concurrency", { peakRps: 2000, processingSeconds: 0.1, coldStartOk: true }, "serverless", true],
    ["serverless concurrency", { peakRps: 2010, processingSeconds: 0.1, coldStartOk: true }, "serverless", false],
    ["async processing", { processingSeconds: 3600, sync: false, peakRps: 0.01 }, "async", true],
    ["async processing", { processingSeconds: 3601, sync: false, peakRps: 0.01 }, "async", false],
    ["batch processing", { traffic: "batch", sync: false, processingSeconds: 3600, requestsPerDay: 10 }, "batch", true],
    ["batch processing", { traffic: "batch", sync: false, processingSeconds: 3601, requestsPerDay: 10 }, "batch", false],
    ["real-time fleet", { peakRps: 3200, processingSeconds: 0.25 }, "realtime", true],
    ["real-time fleet", { peakRps: 3300, processingSeconds: 0.25 }, "realtime", false],
    ["async payload", { payloadMb: 1024, sync: false }, "async", true],
    ["async payload", { payloadMb: 1025, sync: false }, "async", false],
    ["async needs callers not to wait", { sync: true }, "async", false],
    ["batch record size", { traffic: "batch", sync: false, payloadMb: 100 }, "batch", true],
    ["batch record size", { traffic: "batch", sync: false, payloadMb: 101 }, "batch", false],
    ["batch needs a dataset", { traffic: "steady", sync: false }, "batch", false],
  ] as const)("%s: %j → %s feasible=%s", (_name, change, type, feasible) => {
    const o = option({ ...base, ...change } as AdviceInput, type);
    expect(o.feasible, o.why.join("; ")).toBe(feasible);
  });

  it("names the broken limit with numbers", () => {
    expect(option({ ...base, payloadMb: 10 }, "realtime").why[0]).toBe("payload 10 MB exceeds the 6 MB real-time limit");
    expect(option({ ...base, payloadMb: 5, coldStartOk: true }, "serverless").why[0]).toBe("payload 5 MB exceeds the 4 MB serverless limit");
    expect(option({ ...base, processingSeconds: 7200, sync: false }, "async").why[0]).toBe("processing 2 h exceeds asynchronous inference's 1 h per request");
  });

  it("nothing fits when callers wait longer than 60 s: says so, and what would change it", () => {
    const advice = advise({ ...base, processingSeconds: 300, sync: true, peakRps: 0.1 }, table);
    expect(advice.recommendation).toBeNull();
    expect(advice.blocked).toMatch(/with --no-sync asynchronous inference/);
    expect(advise({ ...base, processingSeconds: 7200, sync: false }, table).blocked).toMatch(/exceeds every SageMaker inference option \(1 h at most\)/);
  });
});

describe("edge cases", () => {
  it("a model bigger than every instance in the table: nothing can be sized, and it says so", () => {
    const advice = advise({ ...base, memoryGb: 64, sync: false }, table);
    expect(advice.recommendation).toBeNull();
    expect(advice.blocked).toBe("no instance in the price table has 64 GB of memory, so no option can be sized: add one with --price-file");
  });

  it("a fleet beyond 100 instances is ruled out with the number, and a bigger type is used when it is cheaper per worker", () => {
    const o = option({ ...base, peakRps: 10_000, processingSeconds: 0.5 }, "realtime");
    expect(o).toMatchObject({ feasible: false, monthlyCostUsd: null });
    expect(o.why).toContain("needs 625 instances at peak, more than the 100 a variant takes: split the traffic over several endpoints");
    // 800 concurrent requests: 400 × m5.large would break the cap; 100 × m5.2xlarge (8 vCPU) does not.
    expect(option({ ...base, peakRps: 1600, processingSeconds: 0.5 }, "realtime").settings).toEqual({ instanceType: "ml.m5.2xlarge", instanceCount: 100 });
  });

  it("no traffic at all still sizes one instance, and serverless costs nothing", () => {
    expect(option({ ...base, requestsPerDay: 0, peakRps: 0 }, "realtime").settings).toMatchObject({ instanceCount: 1 });
    expect(option({ ...base, requestsPerDay: 0, peakRps: 0, coldStartOk: true }, "serverless").monthlyCostUsd).toBe(0);
  });

  it("serverless memory goes up to the next whole GB", () => {
    expect(option({ ...base, memoryGb: 2.5, coldStartOk: true }, "serverless").settings.memoryMb).toBe(3072);
  });

  it("batch: MaxConcurrentTransforms × MaxPayloadInMB stays within 100; large records go one at a time", () => {
    for (const payloadMb of [0.01, 2, 6, 40, 100]) {
      const s = option({ ...base, traffic: "batch", sync: false, payloadMb }, "batch").settings as { maxPayloadInMB: number; maxConcurrentTransforms: number; batchStrategy: string; splitType: string };
      expect(s.maxPayloadInMB * s.maxConcurrentTransforms).toBeLessThanOrEqual(100);
      expect(s.maxPayloadInMB).toBeGreaterThanOrEqual(Math.ceil(payloadMb));
      expect([s.batchStrategy, s.splitType]).toEqual(payloadMb <= 6 ? ["MultiRecord", "Line"] : ["SingleRecord", "None"]);
    }
  });

  it("batch: slow records go fewer to an invocation, and a long invocation gets its timeout named", () => {
    const advice = advise({ ...base, traffic: "batch", sync: false, payloadMb: 0.1, processingSeconds: 30, requestsPerDay: 1000 }, table);
    expect(advice.recommendation?.settings).toMatchObject({ maxPayloadInMB: 6, invocationsTimeoutSeconds: 2160 });
    expect(advice.recommendation?.reasons.join(" ")).toContain("InvocationsTimeoutInSeconds=2160");
  });

  it("a GPU batch job is sized on a GPU instance; a batch dataset that callers wait on is not batch", () => {
    expect(advise({ ...base, traffic: "batch", sync: false, gpu: true, memoryGb: 8 }, table).recommendation?.settings.instanceType).toBe("ml.g4dn.xlarge");
    expect(option({ ...base, traffic: "batch", sync: true }, "batch").why).toContain("callers need the answer in the same request; a batch job answers nobody waiting");
  });

  it("options that do not fit have no price", () => {
    for (const o of advise({ ...base, payloadMb: 10, sync: false }, table).options) expect(o.monthlyCostUsd === null).toBe(!o.feasible);
  });

  it("warns near the 60 s limit and names the async invocation timeout past 900 s", () => {
    expect(advise({ ...base, processingSeconds: 55, peakRps: 0.1 }, table).recommendation?.reasons.join(" ")).toContain("close to the 60 s limit");
    const long = advise({ ...base, processingSeconds: 1200, sync: false, peakRps: 0.01, requestsPerDay: 50 }, table);
    expect(long.recommendation?.reasons.join(" ")).toContain("InvocationTimeoutSeconds=1440");
  });
});

describe("cost", () => {
  it("prices real-time by instance-hours, serverless by GB-seconds, async by busy hours, batch by job hours", () => {
    expect(option(base, "realtime")).toMatchObject({ monthlyCostUsd: 0.115 * 730, settings: { instanceType: "ml.m5.large", instanceCount: 1 } });
    const serverless = option({ ...base, coldStartOk: true }, "serverless");
    // 500k requests a day × 30.4 days × 0.1 s × 2 GB × $0.00002, plus data processed.
    expect(serverless.monthlyCostUsd).toBeCloseTo(500_000 * 30.4 * 0.1 * 2 * 0.00002 + (500_000 * 30.4 * 0.06 * 0.016) / 1024, 1);
    expect(option({ ...base, sync: false, requestsPerDay: 100 }, "async").monthlyCostUsd).toBeLessThan(option(base, "realtime").monthlyCostUsd!);
  });

  it("picks the cheapest instance with the memory and GPU the model needs", () => {
    expect(pickInstance(table, { gpu: false, memoryGb: 4 })?.[0]).toBe("ml.m5.large");
    expect(pickInstance(table, { gpu: false, memoryGb: 12 })?.[0]).toBe("ml.m5.xlarge");
    expect(pickInstance(table, { gpu: true, memoryGb: 4 })?.[0]).toBe("ml.g4dn.xlarge");
    expect(pickInstance(table, { gpu: false, memoryGb: 64 })).toBeUndefined();
  });
});
