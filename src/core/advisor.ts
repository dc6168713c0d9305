/**
 * Which SageMaker inference option fits: real-time, serverless, asynchronous or batch transform.
 * Pure. Hard limits first (a broken one rules an option out, and says so with numbers), then
 * fit (traffic shape, whether callers wait), then cost.
 */

export type InferenceType = "realtime" | "serverless" | "async" | "batch";
export type TrafficShape = "steady" | "spiky" | "intermittent" | "batch";

export interface AdviceInput {
  /** Acceptable latency per request in ms, when callers wait. */
  latencyMs?: number;
  payloadMb: number;
  responseMb: number;
  processingSeconds: number;
  traffic: TrafficShape;
  requestsPerDay: number;
  peakRps: number;
  /** Callers need the answer in the same request. */
  sync: boolean;
  coldStartOk: boolean;
  gpu: boolean;
  imageGb: number;
  memoryGb: number;
}

export interface InstancePrice {
  vcpu: number;
  memoryGb: number;
  gpu: number;
  hourly: number;
  note?: string;
}

export interface PriceTable {
  asOf: string;
  region: string;
  currency: string;
  approximate: boolean;
  source: string;
  hoursPerMonth: number;
  instances: Record<string, InstancePrice>;
  serverless: { perGbSecond: number; perGbProcessed: number };
}

export interface OptionAdvice {
  type: InferenceType;
  feasible: boolean;
  monthlyCostUsd: number | null;
  settings: Record<string, unknown>;
  /** Why not, for every option but the recommendation; the broken limit with numbers first. */
  why: string[];
}

export interface Advice {
  recommendation: { type: InferenceType; settings: Record<string, unknown>; monthlyCostUsd: number; reasons: string[] } | null;
  options: OptionAdvice[];
  /** When nothing fits: what would have to change. */
  blocked?: string;
}

/** The limits the decision rests on (aws-facts §1.1, §1.2). */
export const LIMITS = {
  realtime: { payloadMb: 6, processingSeconds: 60 },
  serverless: { payloadMb: 4, processingSeconds: 60, memoryGb: 6, imageGb: 10, maxConcurrency: 200 },
  async: { payloadMb: 1024, processingSeconds: 3600 },
  batch: { recordMb: 100, processingSeconds: 3600 },
} as const;

const DAYS_PER_MONTH = 30.4;

function size(mb: number): string {
  return mb >= 1024 ? `${round(mb / 1024)} GB` : `${round(mb)} MB`;
}

function seconds(s: number): string {
  return s >= 3600 ? `${round(s / 3600)} h` : s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${round(s)} s`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function money(usd: number): string {
  return usd >= 100 ? `$${Math.round(usd).toLocaleString("en-US")}` : `$${usd.toFixed(2)}`;
}

/** The cheapest instance with enough memory (and a GPU when needed). */
export function pickInstance(prices: PriceTable, input: Pick<AdviceInput, "gpu" | "memoryGb">): [string, InstancePrice] | undefined {
  return Object.entries(prices.instances)
    .filter(([, i]) => (input.gpu ? i.gpu > 0 : i.gpu === 0) && i.memoryGb >= input.memoryGb)
    .sort((a, b) => a[1].hourly - b[1].hourly)[0];
}

/** Requests one instance works on at once: one per vCPU, or per GPU. */
function workers(instance: InstancePrice): number {
  return Math.max(1, instance.gpu > 0 ? instance.gpu : instance.vcpu);
}

function realtime(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why: string[] = [];
  const l = LIMITS.realtime;
  if (input.payloadMb > l.payloadMb) why.push(`payload ${size(input.payloadMb)} exceeds the ${l.payloadMb} MB real-time limit`);
  if (input.responseMb > l.payloadMb) why.push(`response ${size(input.responseMb)} exceeds the ${l.payloadMb} MB real-time limit`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} exceeds the ${l.processingSeconds} s real-time limit`);
  const picked = pickInstance(prices, input);
  if (!picked) why.push(`no instance in the price table has ${input.memoryGb} GB of memory${input.gpu ? " and a GPU" : ""}`);
  if (!picked) return { type: "realtime", feasible: false, monthlyCostUsd: null, settings: {}, why };
  const [instanceType, instance] = picked;
  const instanceCount = Math.max(1, Math.ceil((input.peakRps * input.processingSeconds) / workers(instance)));
  const monthly = instanceCount * instance.hourly * prices.hoursPerMonth;
  return { type: "realtime", feasible: why.length === 0, monthlyCostUsd: round(monthly), settings: { instanceType, instanceCount }, why };
}

function serverless(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why: string[] = [];
  const l = LIMITS.serverless;
  if (input.payloadMb > l.payloadMb) why.push(`payload ${size(input.payloadMb)} exceeds the ${l.payloadMb} MB serverless limit`);
  if (input.responseMb > l.payloadMb) why.push(`response ${size(input.responseMb)} exceeds the ${l.payloadMb} MB serverless limit`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} exceeds the ${l.processingSeconds} s serverless limit`);
  if (input.gpu) why.push("serverless endpoints have no GPUs");
  if (input.memoryGb > l.memoryGb) why.push(`the model needs ${input.memoryGb} GB of memory; serverless offers at most ${l.memoryGb} GB`);
  if (input.imageGb > l.imageGb) why.push(`the ${input.imageGb} GB container image exceeds serverless' ${l.imageGb} GB limit`);
  if (!input.coldStartOk) why.push("cold starts (seconds, when scaling up from idle) are not acceptable; provisioned concurrency would avoid them at extra cost");
  const concurrency = Math.max(1, Math.ceil(input.peakRps * input.processingSeconds));
  if (concurrency > l.maxConcurrency) why.push(`needs ${concurrency} concurrent requests at peak; serverless allows ${l.maxConcurrency} per endpoint`);
  const memoryGb = Math.min(l.memoryGb, Math.max(1, Math.ceil(input.memoryGb)));
  const requests = input.requestsPerDay * DAYS_PER_MONTH;
  const compute = requests * input.processingSeconds * memoryGb * prices.serverless.perGbSecond;
  const data = (requests * (input.payloadMb + input.responseMb) * prices.serverless.perGbProcessed) / 1024;
  return {
    type: "serverless",
    feasible: why.length === 0,
    monthlyCostUsd: round(compute + data),
    settings: { memoryMb: memoryGb * 1024, maxConcurrency: Math.min(l.maxConcurrency, concurrency) },
    why,
  };
}

function asynchronous(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why: string[] = [];
  const l = LIMITS.async;
  if (input.payloadMb > l.payloadMb) why.push(`payload ${size(input.payloadMb)} exceeds asynchronous inference's 1 GB limit`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} exceeds asynchronous inference's 1 h per request`);
  if (input.sync) why.push("callers need the answer in the same request; asynchronous inference answers later, through S3 and a notification");
  const picked = pickInstance(prices, input);
  if (!picked) return { type: "async", feasible: false, monthlyCostUsd: null, settings: {}, why: [...why, `no instance in the price table has ${input.memoryGb} GB of memory${input.gpu ? " and a GPU" : ""}`] };
  const [instanceType, instance] = picked;
  const maxInstances = Math.max(1, Math.ceil((input.peakRps * input.processingSeconds) / workers(instance)));
  // Scaled to zero between bursts: billed while busy, plus time to scale in (about an hour a day).
  const busyHours = (input.requestsPerDay * DAYS_PER_MONTH * input.processingSeconds) / workers(instance) / 3600;
  const billedHours = Math.min(maxInstances * prices.hoursPerMonth, busyHours * 1.25 + DAYS_PER_MONTH);
  return {
    type: "async",
    feasible: why.length === 0,
    monthlyCostUsd: round(billedHours * instance.hourly),
    settings: { instanceType, maxInstances, minInstances: 0, scaleToZero: true, maxConcurrentInvocationsPerInstance: workers(instance) },
    why,
  };
}

function batch(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why: string[] = [];
  const l = LIMITS.batch;
  if (input.traffic !== "batch") why.push(`requests arrive one by one (${input.traffic} traffic); batch transform processes whole datasets on a schedule`);
  if (input.sync) why.push("callers need the answer in the same request; a batch job answers nobody waiting");
  if (input.payloadMb > l.recordMb) why.push(`records of ${size(input.payloadMb)} exceed batch transform's ${l.recordMb} MB MaxPayloadInMB`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} per record exceeds batch transform's 1 h per invocation`);
  const picked = pickInstance(prices, input);
  if (!picked) return { type: "batch", feasible: false, monthlyCostUsd: null, settings: {}, why: [...why, `no instance in the price table has ${input.memoryGb} GB of memory${input.gpu ? " and a GPU" : ""}`] };
  const [instanceType, instance] = picked;
  const dailyHours = (input.requestsPerDay * input.processingSeconds) / workers(instance) / 3600;
  // Enough instances to finish a day's job within about an hour; each adds start-up time (~6 min).
  const instanceCount = Math.min(100, Math.max(1, Math.ceil(dailyHours)));
  const billedHours = DAYS_PER_MONTH * (dailyHours + instanceCount * 0.1);
  const maxPayloadInMB = Math.min(l.recordMb, Math.max(1, Math.ceil(input.payloadMb)));
  return {
    type: "batch",
    feasible: why.length === 0,
    monthlyCostUsd: round(billedHours * instance.hourly),
    settings: {
      instanceType,
      instanceCount,
      maxPayloadInMB,
      batchStrategy: input.payloadMb <= 6 ? "MultiRecord" : "SingleRecord",
      splitType: "Line",
      // MaxConcurrentTransforms × MaxPayloadInMB must stay within 100.
      maxConcurrentTransforms: Math.max(1, Math.min(workers(instance), Math.floor(100 / maxPayloadInMB))),
    },
    why,
  };
}

const PREFERENCE: InferenceType[] = ["realtime", "serverless", "async", "batch"];

export function advise(input: AdviceInput, prices: PriceTable): Advice {
  const options = [realtime(input, prices), serverless(input, prices), asynchronous(input, prices), batch(input, prices)];
  const feasible = options.filter((o) => o.feasible);
  let chosen: OptionAdvice | undefined;
  const reasons: string[] = [];

  const batchOption = options.find((o) => o.type === "batch")!;
  if (input.traffic === "batch" && batchOption.feasible) {
    chosen = batchOption;
    reasons.push("a whole dataset on a schedule with nobody waiting: batch transform runs only while the job runs, and nothing stays up in between");
  } else {
    const online = feasible.filter((o) => o.type !== "batch").sort((a, b) => (a.monthlyCostUsd ?? Infinity) - (b.monthlyCostUsd ?? Infinity) || PREFERENCE.indexOf(a.type) - PREFERENCE.indexOf(b.type));
    chosen = online[0];
    if (chosen) reasons.push(...fitReasons(chosen, input, online));
  }
  if (!chosen) return { recommendation: null, options, blocked: blockedBy(input) };

  if (input.latencyMs !== undefined && input.sync && input.processingSeconds * 1000 > input.latencyMs) {
    reasons.push(`warning: the model takes ${seconds(input.processingSeconds)} per request, more than the ${input.latencyMs} ms acceptable; no endpoint type makes the model itself faster`);
  }
  if (chosen.type === "realtime" && chosen.settings.instanceCount === 1) reasons.push("use 2 or more instances in production, so that the endpoint survives the loss of an instance or an Availability Zone");
  if (chosen.type === "serverless") reasons.push("check the account's serverless concurrency quota in Service Quotas: newer accounts may allow as few as 10 concurrent invocations in all");
  for (const other of options) {
    if (other === chosen || !other.feasible) continue;
    other.why.push(`costs about ${money(other.monthlyCostUsd ?? 0)} a month against ${money(chosen.monthlyCostUsd ?? 0)} for ${chosen.type}`);
  }
  return { recommendation: { type: chosen.type, settings: chosen.settings, monthlyCostUsd: chosen.monthlyCostUsd ?? 0, reasons }, options };
}

function fitReasons(chosen: OptionAdvice, input: AdviceInput, online: OptionAdvice[]): string[] {
  const reasons: string[] = [];
  const runnerUp = online.find((o) => o !== chosen);
  const cheaper = runnerUp ? `about ${money(chosen.monthlyCostUsd ?? 0)} a month, against ${money(runnerUp.monthlyCostUsd ?? 0)} for ${runnerUp.type}` : `about ${money(chosen.monthlyCostUsd ?? 0)} a month`;
  switch (chosen.type) {
    case "realtime":
      reasons.push(`${input.traffic} traffic that callers wait for: always-on instances answer at once, with no cold starts`);
      reasons.push(`payload ${size(input.payloadMb)} and ${seconds(input.processingSeconds)} per request are within real-time limits (6 MB, 60 s)`);
      break;
    case "serverless":
      reasons.push(`${input.traffic} traffic: serverless scales to zero between requests and bills by the millisecond of compute`);
      reasons.push(`payload ${size(input.payloadMb)}, ${seconds(input.processingSeconds)} per request and ${input.memoryGb} GB of memory are within serverless limits (4 MB, 60 s, 6 GB), and cold starts are acceptable`);
      break;
    case "async":
      reasons.push("callers do not need the answer in the same request: requests queue, the answer lands in S3 and a notification says so");
      if (input.processingSeconds > LIMITS.realtime.processingSeconds || input.payloadMb > LIMITS.realtime.payloadMb) {
        reasons.push(`payload ${size(input.payloadMb)} or ${seconds(input.processingSeconds)} per request is too much for real-time (6 MB, 60 s) but within asynchronous limits (1 GB, 1 h)`);
      }
      reasons.push("the instances scale to zero when the queue is empty");
      break;
    default:
      break;
  }
  reasons.push(`cheapest option that fits: ${cheaper}`);
  return reasons;
}

function blockedBy(input: AdviceInput): string {
  if (input.processingSeconds > LIMITS.async.processingSeconds) return `processing ${seconds(input.processingSeconds)} per request exceeds every SageMaker inference option (1 h at most): split the work, or run it as a SageMaker Processing job`;
  if (input.payloadMb > LIMITS.async.payloadMb) return `payload ${size(input.payloadMb)} exceeds every SageMaker inference option (1 GB at most for asynchronous inference): split the input, or use batch transform over a dataset`;
  return "no option fits both the limits and whether callers wait: with --no-sync asynchronous inference (up to 1 GB, 1 h) becomes possible";
}
