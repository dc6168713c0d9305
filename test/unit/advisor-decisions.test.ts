import { describe, expect, it } from "vitest";
import { advise, money, pickInstance, type AdviceInput, type PriceTable } from "../../src/core/advisor";

/**
 * The advisor's choice, its settings, prices and reasons, on a small made-up price table whose
 * numbers make hand computation easy (30 days of 24 h = 720 h a month). Every expected number
 * below is computed by hand from the rules in advisor.ts and the limits in aws-facts.md §1.1–1.2
 * (real-time 6 MB / 60 s, serverless 4 MB / 60 s / 6 GB / 200 concurrent, asynchronous 1 GB / 1 h,
 * batch 100 MB MaxPayloadInMB, MaxConcurrentTransforms × MaxPayloadInMB ≤ 100).
 */
const table: PriceTable = {
  asOf: "2026-01-01",
  region: "test-1",
  currency: "USD",
  approximate: true,
  source: "hand-made",
  hoursPerMonth: 720,
  instances: {
    // Listed dearest first, so that "the first one" is never "the cheapest" by accident.
    // 8 workers at $0.40: $0.05 a worker, like ml.small's 2 at $0.10.
    "ml.big": { vcpu: 8, memoryGb: 32, gpu: 0, hourly: 0.4 },
    "ml.small": { vcpu: 2, memoryGb: 8, gpu: 0, hourly: 0.1 },
    // Cheapest of all, but only for models that need a GPU; 1 GPU = 1 worker.
    "ml.gpu": { vcpu: 4, memoryGb: 16, gpu: 1, hourly: 0.05 },
  },
  serverless: { perGbSecond: 0.00002, perGbProcessed: 0.016 },
};

const base: AdviceInput = {
  payloadMb: 0.5,
  responseMb: 0.1,
  processingSeconds: 0.2,
  traffic: "steady",
  requestsPerDay: 1000,
  peakRps: 10,
  sync: true,
  coldStartOk: false,
  gpu: false,
  imageGb: 2,
  memoryGb: 2,
};

const optionOf = (input: AdviceInput, type: string) => advise(input, table).options.find((o) => o.type === type)!;

const COLD_STARTS = "cold starts (seconds, when scaling up from idle) are not acceptable; provisioned concurrency would avoid them at extra cost";
const ASYNC_SYNC = "callers need the answer in the same request; asynchronous inference answers later, through S3 and a notification";
const BATCH_SYNC = "callers need the answer in the same request; a batch job answers nobody waiting";
const TWO_INSTANCES = "use 2 or more instances in production, so that the endpoint survives the loss of an instance or an Availability Zone";
const QUOTA = "check the account's serverless concurrency quota in Service Quotas: newer accounts may allow as few as 10 concurrent invocations in all";
const DATASET = "a whole dataset on a schedule with nobody waiting: batch transform runs only while the job runs, and nothing stays up in between";
const ASYNC_QUEUE = "callers do not need the answer in the same request: requests queue, the answer lands in S3 and a notification says so";
const ASYNC_SCALING = "with an Application Auto Scaling policy at MinCapacity 0, the instances scale to zero when the queue is empty (mlops deploy does not create the policy)";

describe("money", () => {
  it.each([
    [99.994, "$99.99"],
    [100, "$100"],
    [1234.5, "$1,235"],
    [0.5, "$0.50"],
  ])("%d → %s", (usd, text) => {
    expect(money(usd)).toBe(text);
  });
});

describe("pickInstance: the cheapest type with enough memory, a GPU exactly when needed", () => {
  it.each([
    [{ gpu: false, memoryGb: 1 }, "ml.small"],
    [{ gpu: false, memoryGb: 8 }, "ml.small"],
    [{ gpu: false, memoryGb: 9 }, "ml.big"],
    [{ gpu: true, memoryGb: 16 }, "ml.gpu"],
  ])("%j → %s", (need, name) => {
    expect(pickInstance(table, need)?.[0]).toBe(name);
  });

  it("none with too much memory", () => {
    expect(pickInstance(table, { gpu: true, memoryGb: 17 })).toBeUndefined();
  });
});

describe("a steady model callers wait for, without cold starts → one real-time instance", () => {
  it("is pinned whole: all four options, their prices, settings and reasons", () => {
    // Peak: 10 rps × 0.2 s = 2 requests at once → 1 × ml.small (2 workers, $0.10/h × 720 h = $72).
    // Asynchronous, sized alike, costs while busy: 1000 × 30 × 0.2 s / 2 workers / 3600 = 5/6 h.
    // Batch: 1000 × 0.2 s / 2 / 3600 h a day → 1 instance; 6 MB / 0.5 MB = 12 records an invocation,
    // MaxPayloadInMB 12 × 0.5 = 6, MaxConcurrentTransforms min(2 workers, 100 / 6) = 2.
    expect(advise(base, table)).toEqual({
      recommendation: {
        type: "realtime",
        settings: { instanceType: "ml.small", instanceCount: 1 },
        monthlyCostUsd: 72,
        reasons: [
          "steady traffic that callers wait for: always-on instances answer at once, with no cold starts",
          "payload 0.5 MB and 0.2 s per request are within real-time limits (6 MB, 60 s)",
          "cheapest option that fits: about $72.00 a month",
          TWO_INSTANCES,
        ],
      },
      options: [
        {
          type: "realtime",
          feasible: true,
          monthlyCostUsd: 72,
          costBasis: "1 × ml.small sized for the peak, up around the clock (720 h a month, no autoscaling)",
          settings: { instanceType: "ml.small", instanceCount: 1 },
          why: [],
        },
        { type: "serverless", feasible: false, monthlyCostUsd: null, costBasis: null, settings: { memoryMb: 2048, maxConcurrency: 2 }, why: [COLD_STARTS] },
        {
          type: "async",
          feasible: false,
          monthlyCostUsd: null,
          costBasis: null,
          settings: { instanceType: "ml.small", maxInstances: 1, minInstances: 0, scaleToZero: true, maxConcurrentInvocationsPerInstance: 2, invocationTimeoutSeconds: 900 },
          why: [ASYNC_SYNC],
        },
        {
          type: "batch",
          feasible: false,
          monthlyCostUsd: null,
          costBasis: null,
          settings: { instanceType: "ml.small", instanceCount: 1, maxPayloadInMB: 6, batchStrategy: "MultiRecord", splitType: "Line", maxConcurrentTransforms: 2, invocationsTimeoutSeconds: 600 },
          why: ["requests arrive one by one (steady traffic); batch transform processes whole datasets on a schedule", BATCH_SYNC],
        },
      ],
    });
  });

  it("a model slower than the acceptable latency gets a warning; exactly as slow, none", () => {
    // 0.2 s = 200 ms > 100 ms; 0.1 s = 100 ms is not more than 100 ms.
    const slow = advise({ ...base, latencyMs: 100 }, table).recommendation!.reasons;
    expect(slow).toContain("warning: the model takes 0.2 s per request, more than the 100 ms acceptable; no endpoint type makes the model itself faster");
    expect(advise({ ...base, latencyMs: 100, processingSeconds: 0.1 }, table).recommendation!.reasons.some((r) => r.includes("ms acceptable"))).toBe(false);
    expect(advise({ ...base, latencyMs: 300 }, table).recommendation!.reasons.some((r) => r.includes("ms acceptable"))).toBe(false);
  });

  it("a minute per request: the latency and near-timeout warnings, and no single instance", () => {
    // 0.1 rps × 60 s = 6 at once: 3 × ml.small ($0.30/h) beats 1 × ml.big ($0.40/h); 3 × 0.1 × 720 = $216.
    expect(advise({ ...base, latencyMs: 500, processingSeconds: 60, peakRps: 0.1 }, table).recommendation).toEqual({
      type: "realtime",
      settings: { instanceType: "ml.small", instanceCount: 3 },
      monthlyCostUsd: 216,
      reasons: [
        "steady traffic that callers wait for: always-on instances answer at once, with no cold starts",
        "payload 0.5 MB and 1 min per request are within real-time limits (6 MB, 60 s)",
        "cheapest option that fits: about $216 a month",
        "warning: the model takes 1 min per request, more than the 500 ms acceptable; no endpoint type makes the model itself faster",
        "warning: 1 min per request is close to the 60 s limit; set the callers' socket timeout to about 70 s",
      ],
    });
  });

  it.each([
    [50, false],
    [51, true],
  ])("%d s per request on real-time: near-timeout warning %s (above 50 s)", (processingSeconds, warned) => {
    const reasons = advise({ ...base, processingSeconds, peakRps: 0.01 }, table).recommendation!.reasons;
    expect(reasons.some((r) => r.includes("close to the 60 s limit"))).toBe(warned);
  });

  it("a dataset that must be answered while callers wait is not a batch job: real-time", () => {
    expect(advise({ ...base, traffic: "batch" }, table).recommendation?.type).toBe("realtime");
  });
});

describe("fleets: the cheapest that takes the peak, fewer instances on a tie", () => {
  it.each([
    // 3 at once: 2 × small ($0.20) < 1 × big ($0.40)
    [3, { instanceType: "ml.small", instanceCount: 2 }],
    // 8 at once: 4 × small ($0.40) = 1 × big ($0.40): fewer instances
    [8, { instanceType: "ml.big", instanceCount: 1 }],
  ])("%d requests at once → %j", (peakRps, settings) => {
    expect(optionOf({ ...base, processingSeconds: 1, peakRps }, "realtime").settings).toEqual(settings);
  });

  it("on a tie, fewer instances whichever type the price table lists first", () => {
    // 8 at once: 4 × small ($0.40) = 1 × big ($0.40), with ml.small listed before ml.big this time.
    const smallFirst: PriceTable = { ...table, instances: { "ml.small": table.instances["ml.small"]!, "ml.big": table.instances["ml.big"]! } };
    expect(advise({ ...base, processingSeconds: 1, peakRps: 8 }, smallFirst).options.find((o) => o.type === "realtime")!.settings).toEqual({ instanceType: "ml.big", instanceCount: 1 });
  });

  it("a GPU model counts one request per GPU: 2 at once need 2 × ml.gpu", () => {
    // 2 × $0.05 × 720 = $72
    expect(optionOf({ ...base, gpu: true, memoryGb: 4, processingSeconds: 1, peakRps: 2 }, "realtime")).toMatchObject({ settings: { instanceType: "ml.gpu", instanceCount: 2 }, monthlyCostUsd: 72 });
  });

  it("no type with the memory: each instance option says so, and so does the advice", () => {
    const advice = advise({ ...base, memoryGb: 64 }, table);
    const missing = "no instance in the price table has 64 GB of memory: add one with --price-file";
    expect(advice.options.find((o) => o.type === "realtime")!.why).toEqual([missing]);
    expect(advice.options.find((o) => o.type === "batch")!.why).toEqual(["requests arrive one by one (steady traffic); batch transform processes whole datasets on a schedule", BATCH_SYNC, missing]);
    expect(advice.blocked).toBe("no instance in the price table has 64 GB of memory, so no option can be sized: add one with --price-file");
  });
});

describe("serverless, when it fits and costs least", () => {
  it("is pinned whole, with the dearer real-time option saying what it costs against it", () => {
    // 1000 requests a day × 30 = 30,000 a month; compute 30,000 × 0.2 s × 2 GB × $0.00002 = $0.24;
    // data 30,000 × (0.5 + 0.1) MB × $0.016 / 1024 = $0.28125; together $0.52 (rounded to cents).
    const advice = advise({ ...base, traffic: "intermittent", coldStartOk: true }, table);
    expect(advice.recommendation).toEqual({
      type: "serverless",
      settings: { memoryMb: 2048, maxConcurrency: 2 },
      monthlyCostUsd: 0.52,
      reasons: [
        "intermittent traffic: serverless scales to zero between requests and bills by the millisecond of compute",
        "payload 0.5 MB, 0.2 s per request and 2 GB of memory are within serverless limits (4 MB, 60 s, 6 GB), and cold starts are acceptable",
        "cheapest option that fits: about $0.52 a month, against $72.00 for realtime",
        QUOTA,
      ],
    });
    expect(advice.options.map((o) => [o.type, o.feasible, o.monthlyCostUsd, o.costBasis])).toEqual([
      ["realtime", true, 72, "1 × ml.small sized for the peak, up around the clock (720 h a month, no autoscaling)"],
      ["serverless", true, 0.52, "2 GB × 0.2 s for each of 30,000 requests a month, plus data processed"],
      ["async", false, null, null],
      ["batch", false, null, null],
    ]);
    expect(advice.options[0]!.why).toEqual(["costs about $72.00 a month against $0.52 for serverless"]);
    expect(advice.options[1]!.why).toEqual([]);
  });

  it("51 s per request on serverless also gets the near-timeout warning", () => {
    // 10 requests a day: serverless 300 × 51 s × 2 GB × $0.00002 ≈ $0.61 + data, far below real-time.
    const reasons = advise({ ...base, traffic: "intermittent", coldStartOk: true, processingSeconds: 51, requestsPerDay: 10, peakRps: 0.01 }, table).recommendation!.reasons;
    expect(reasons).toContain("warning: 51 s per request is close to the 60 s limit; set the callers' socket timeout to about 70 s");
  });
});

describe("asynchronous, when callers do not wait", () => {
  const audio: AdviceInput = { ...base, latencyMs: 500, payloadMb: 300, processingSeconds: 2, requestsPerDay: 3600, peakRps: 1, sync: false };

  it("is pinned whole: billed while busy plus a quarter, and an hour a day", () => {
    // 1 rps × 2 s = 2 at once → 1 × ml.small (2 workers). Busy: 3600 × 30 × 2 s / 2 / 3600 = 30 h;
    // billed min(1 × 720, 30 × 1.25 + 30) = 67.5 h × $0.10 = $6.75. No latency warning: nobody waits.
    const advice = advise(audio, table);
    expect(advice.recommendation).toEqual({
      type: "async",
      settings: { instanceType: "ml.small", maxInstances: 1, minInstances: 0, scaleToZero: true, maxConcurrentInvocationsPerInstance: 2, invocationTimeoutSeconds: 900 },
      monthlyCostUsd: 6.75,
      reasons: [
        ASYNC_QUEUE,
        "payload 300 MB or 2 s per request is too much for real-time (6 MB, 60 s) but within asynchronous limits (1 GB, 1 h)",
        ASYNC_SCALING,
        "cheapest option that fits: about $6.75 a month",
      ],
    });
    expect(advice.options.find((o) => o.type === "serverless")!.why).toEqual(["payload 300 MB exceeds the 4 MB serverless limit", COLD_STARTS]);
  });

  it.each([
    [6, 2, false],
    [6.5, 2, true],
    [0.5, 60, false],
    [0.5, 61, true],
  ])("payload %d MB, %d s: 'too much for real-time' said: %s", (payloadMb, processingSeconds, said) => {
    const advice = advise({ ...audio, payloadMb, processingSeconds, requestsPerDay: 10, peakRps: 0.01 }, table);
    expect(advice.recommendation?.type).toBe("async");
    expect(advice.recommendation!.reasons.some((r) => r.includes("too much for real-time"))).toBe(said);
  });

  it("busy around the clock: asynchronous costs as much as real-time, and the tie goes to real-time", () => {
    // 10 rps × 0.2 s = 2 at once → 1 × ml.small either way. Busy: 1,000,000 × 30 × 0.2 s / 2 / 3600
    // = 833 h; billed min(720, 833 × 1.25 + 30) = 720 h × $0.10 = $72, the same as real-time's
    // 720 h. Real-time answers at once, so it is preferred on equal cost.
    const input: AdviceInput = { ...base, sync: false, requestsPerDay: 1_000_000 };
    const advice = advise(input, table);
    expect(advice.options.filter((o) => o.feasible).map((o) => [o.type, o.monthlyCostUsd])).toEqual([
      ["realtime", 72],
      ["async", 72],
    ]);
    expect(advice.recommendation?.type).toBe("realtime");
  });

  it.each([
    [900, 900, undefined],
    // 1000 s × 1.2 = 1200 s
    [1000, 1200, "callers must pass InvocationTimeoutSeconds=1200 to InvokeEndpointAsync: the default gives a request up after 900 s"],
  ])("%d s per request: InvocationTimeoutSeconds %d", (processingSeconds, timeout, reason) => {
    const rec = advise({ ...audio, processingSeconds, requestsPerDay: 10, peakRps: 0.001 }, table).recommendation!;
    expect(rec.settings.invocationTimeoutSeconds).toBe(timeout);
    expect(rec.reasons.filter((r) => r.includes("InvocationTimeoutSeconds"))).toEqual(reason ? [reason] : []);
  });
});

describe("batch transform, for a dataset on a schedule", () => {
  const nightly: AdviceInput = { ...base, traffic: "batch", sync: false, payloadMb: 0.5 };

  it("is pinned whole: instances to finish in about an hour, records per invocation, payload × concurrency ≤ 100", () => {
    // 36,000 records × 0.5 s / 2 workers / 3600 = 2.5 h a day → 3 instances;
    // billed 30 × (2.5 + 3 × 0.1) = 84 h × $0.10 = $8.40. 12 records of 0.5 MB an invocation (6 MB),
    // 6 s each; MaxConcurrentTransforms min(2 workers, 100 / 6 → 16) = 2.
    expect(advise({ ...nightly, requestsPerDay: 36_000, processingSeconds: 0.5 }, table).recommendation).toEqual({
      type: "batch",
      settings: { instanceType: "ml.small", instanceCount: 3, maxPayloadInMB: 6, batchStrategy: "MultiRecord", splitType: "Line", maxConcurrentTransforms: 2, invocationsTimeoutSeconds: 600 },
      monthlyCostUsd: 8.4,
      reasons: [DATASET],
    });
  });

  it("slow records: as many an invocation as finish in half an hour, and a longer invocation timeout", () => {
    // 1800 s / 300 s = 6 records (fewer than 6 MB / 0.5 MB = 12) → 3 MB, 1800 s an invocation → 1800 × 1.2 = 2160 s.
    // 100 × 300 s / 2 / 3600 = 25/6 h a day → 5 instances; 30 × (25/6 + 0.5) = 140 h × $0.10 = $14.
    expect(advise({ ...nightly, requestsPerDay: 100, processingSeconds: 300 }, table).recommendation).toEqual({
      type: "batch",
      settings: { instanceType: "ml.small", instanceCount: 5, maxPayloadInMB: 3, batchStrategy: "MultiRecord", splitType: "Line", maxConcurrentTransforms: 2, invocationsTimeoutSeconds: 2160 },
      monthlyCostUsd: 14,
      reasons: [DATASET, "set ModelClientConfig.InvocationsTimeoutInSeconds=2160 on the transform job: the default gives an invocation up after 600 s"],
    });
  });

  it("an invocation of exactly 600 s keeps the default timeout", () => {
    // 12 records × 50 s = 600 s: not above the 600 s default.
    const rec = advise({ ...nightly, requestsPerDay: 100, processingSeconds: 50 }, table).recommendation!;
    expect(rec.settings.invocationsTimeoutSeconds).toBe(600);
    expect(rec.reasons).toEqual([DATASET]);
  });

  it("large records go one at a time, MaxConcurrentTransforms kept within 100 MB", () => {
    // 50 MB records on ml.big (16 GB model): 100 / 50 = 2 at once, fewer than its 8 workers.
    expect(advise({ ...nightly, memoryGb: 16, payloadMb: 50, requestsPerDay: 100, processingSeconds: 1 }, table).recommendation!.settings).toEqual({
      instanceType: "ml.big",
      instanceCount: 1,
      maxPayloadInMB: 50,
      batchStrategy: "SingleRecord",
      splitType: "None",
      maxConcurrentTransforms: 2,
      invocationsTimeoutSeconds: 600,
    });
  });
});

describe("size and time in the advisor's words", () => {
  it.each([
    [1024, "payload 1 GB exceeds the 6 MB real-time limit"],
    [2048, "payload 2 GB exceeds the 6 MB real-time limit"],
    [1536, "payload 1536 MB exceeds the 6 MB real-time limit"],
    [6.125, "payload 6.13 MB exceeds the 6 MB real-time limit"],
  ])("%d MB", (payloadMb, why) => {
    expect(optionOf({ ...base, payloadMb }, "realtime").why).toEqual([why]);
  });

  it.each([
    [3600, "1 h"],
    [7200, "2 h"],
    [5400, "90 min"],
    [3660, "61 min"],
    [120, "2 min"],
    [90, "90 s"],
    [60.5, "60.5 s"],
  ])("%d s is %s", (processingSeconds, words) => {
    expect(optionOf({ ...base, processingSeconds, peakRps: 0.001 }, "realtime").why).toEqual([`processing ${words} exceeds the 60 s real-time limit`]);
  });
});

describe("when nothing fits: the first thing to change", () => {
  it("1 h per request while callers wait: asynchronous would fit without waiting", () => {
    // Exactly 1 h and exactly 1 GB are within asynchronous limits.
    const waiting = "callers wait, and no option that answers in the same request fits: with --no-sync asynchronous inference (up to 1 GB, 1 h per request) becomes possible";
    expect(advise({ ...base, processingSeconds: 3600, peakRps: 0.001 }, table).blocked).toBe(waiting);
    expect(advise({ ...base, payloadMb: 1024, peakRps: 0.001 }, table).blocked).toBe(waiting);
  });

  it("a peak no 100 instances take: the first option's reason, whether callers wait or not", () => {
    // 1000 rps × 1 s = 1000 at once: 500 × small or 125 × big, both above 100.
    const why = "realtime: needs 125 instances at peak, more than the 100 a variant takes: split the traffic over several endpoints";
    expect(advise({ ...base, processingSeconds: 1, peakRps: 1000 }, table).blocked).toBe(`no option fits (${why})`);
    expect(advise({ ...base, processingSeconds: 1, peakRps: 1000, sync: false }, table).blocked).toBe(`no option fits (${why})`);
  });
});
