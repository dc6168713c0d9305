import type { TrafficShape } from "./choices";

/**
 * Which SageMaker inference option fits: real-time, serverless, asynchronous or batch transform.
 * Pure. Hard limits first (a broken one rules an option out, and says so with numbers), then
 * fit (traffic shape, whether callers wait), then cost.
 */

export type InferenceType = "realtime" | "serverless" | "async" | "batch";
export type { TrafficShape };

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

/** An option's settings: instance type and count, serverless memory and concurrency, batch settings, … */
export type Settings = Record<string, string | number | boolean>;

export interface OptionAdvice {
  type: InferenceType;
  feasible: boolean;
  /** Only for options that fit: a price for what cannot run would mislead. */
  monthlyCostUsd: number | null;
  /** What the price assumes. */
  costBasis: string | null;
  settings: Settings;
  /** Why not, for every option but the recommendation; the broken limit with numbers first. */
  why: string[];
}

export interface Advice {
  recommendation: { type: InferenceType; settings: Settings; monthlyCostUsd: number; reasons: string[] } | null;
  options: OptionAdvice[];
  /** When nothing fits: what would have to change. */
  blocked?: string;
}

/** The limits the decision rests on (aws-facts §1.1, §1.2). */
export const LIMITS = {
  realtime: { payloadMb: 6, processingSeconds: 60 },
  serverless: { payloadMb: 4, processingSeconds: 60, memoryGb: 6, imageGb: 10, maxConcurrency: 200 },
  async: { payloadMb: 1024, processingSeconds: 3600 },
  batch: { recordMb: 100, processingSeconds: 3600, payloadTimesConcurrency: 100 },
  /** Instances per variant that mlops deploy accepts. */
  instances: 100,
} as const;

/** A real-time or serverless model this close to the 60 s limit needs a client timeout above it. */
const NEAR_TIMEOUT_SECONDS = 50;

// Whole units only: a rounded "1 GB exceeds 1 GB" would contradict itself.
function size(mb: number): string {
  // Stryker disable next-line ConditionalExpression: sizes are positive (advise's flags refuse 0), and below 1024 MB only 0 is a whole number of GB
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${round(mb)} MB`;
}

function seconds(s: number): string {
  // Stryker disable next-line ConditionalExpression: times are positive (advise's flags refuse 0), and below an hour only 0 is a whole number of hours
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  // Stryker disable next-line ConditionalExpression: as above, below a minute only 0 is a whole number of minutes
  return s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${round(s)} s`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function money(usd: number): string {
  return usd >= 100 ? `$${Math.round(usd).toLocaleString("en-US")}` : `$${usd.toFixed(2)}`;
}

function daysPerMonth(prices: PriceTable): number {
  return prices.hoursPerMonth / 24;
}

/** Instance types with enough memory, and a GPU exactly when the model needs one. */
function eligible(prices: PriceTable, input: Pick<AdviceInput, "gpu" | "memoryGb">): Array<[string, InstancePrice]> {
  return Object.entries(prices.instances).filter(([, i]) => (input.gpu ? i.gpu > 0 : i.gpu === 0) && i.memoryGb >= input.memoryGb);
}

/** The cheapest instance with enough memory (and a GPU when needed). */
export function pickInstance(prices: PriceTable, input: Pick<AdviceInput, "gpu" | "memoryGb">): [string, InstancePrice] | undefined {
  return eligible(prices, input).sort((a, b) => a[1].hourly - b[1].hourly)[0];
}

function noInstance(input: Pick<AdviceInput, "gpu" | "memoryGb">): string {
  return `no instance in the price table has ${input.memoryGb} GB of memory${input.gpu ? " and a GPU" : ""}`;
}

/** Requests one instance works on at once: one per vCPU, or per GPU. */
function workers(instance: InstancePrice): number {
  return Math.max(1, instance.gpu > 0 ? instance.gpu : instance.vcpu);
}

type Fleet = { instanceType: string; instance: InstancePrice; count: number };

/**
 * The cheapest fleet that works on `concurrent` requests at once, within mlops deploy's 100
 * instances: a bigger type can cost less per worker. A string says why there is none.
 */
function fleet(prices: PriceTable, input: AdviceInput, concurrent: number): Fleet | string {
  const candidates = eligible(prices, input).map(([instanceType, instance]) => ({ instanceType, instance, count: Math.max(1, Math.ceil(concurrent / workers(instance))) }));
  if (candidates.length === 0) return `${noInstance(input)}: add one with --price-file`;
  const fitting = candidates.filter((c) => c.count <= LIMITS.instances).sort((a, b) => a.count * a.instance.hourly - b.count * b.instance.hourly || a.count - b.count);
  if (fitting[0]) return fitting[0];
  const fewest = Math.min(...candidates.map((c) => c.count));
  return `needs ${fewest} instances at peak, more than the ${LIMITS.instances} a variant takes: split the traffic over several endpoints`;
}

/** A broken limit shared by real-time and serverless: payload, response, processing time. */
function synchronousLimits(input: AdviceInput, l: { payloadMb: number; processingSeconds: number }, name: string): string[] {
  const why: string[] = [];
  if (input.payloadMb > l.payloadMb) why.push(`payload ${size(input.payloadMb)} exceeds the ${l.payloadMb} MB ${name} limit`);
  if (input.responseMb > l.payloadMb) why.push(`response ${size(input.responseMb)} exceeds the ${l.payloadMb} MB ${name} limit`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} exceeds the ${l.processingSeconds} s ${name} limit`);
  return why;
}

/** An option that does not fit has no price: what it would cost to break a limit means nothing. */
function option(type: InferenceType, why: string[], monthly: number | null, costBasis: string, settings: Settings): OptionAdvice {
  const feasible = why.length === 0;
  // Stryker disable next-line ConditionalExpression: the options pass no price (null) only together with why they do not fit
  return { type, feasible, monthlyCostUsd: feasible && monthly !== null ? round(monthly) : null, costBasis: feasible ? costBasis : null, settings, why };
}

function realtime(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why = synchronousLimits(input, LIMITS.realtime, "real-time");
  const sized = fleet(prices, input, input.peakRps * input.processingSeconds);
  if (typeof sized === "string") return option("realtime", [...why, sized], null, "", {});
  const monthly = sized.count * sized.instance.hourly * prices.hoursPerMonth;
  return option("realtime", why, monthly, `${sized.count} × ${sized.instanceType} sized for the peak, up around the clock (${prices.hoursPerMonth} h a month, no autoscaling)`, {
    instanceType: sized.instanceType,
    instanceCount: sized.count,
  });
}

function serverless(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const l = LIMITS.serverless;
  const why = synchronousLimits(input, l, "serverless");
  if (input.gpu) why.push("serverless endpoints have no GPUs");
  if (input.memoryGb > l.memoryGb) why.push(`the model needs ${input.memoryGb} GB of memory; serverless offers at most ${l.memoryGb} GB`);
  if (input.imageGb > l.imageGb) why.push(`the ${input.imageGb} GB container image exceeds serverless' ${l.imageGb} GB limit`);
  if (!input.coldStartOk) why.push("cold starts (seconds, when scaling up from idle) are not acceptable; provisioned concurrency would avoid them at extra cost");
  const concurrency = Math.max(1, Math.ceil(input.peakRps * input.processingSeconds));
  if (concurrency > l.maxConcurrency) why.push(`needs ${concurrency} concurrent requests at peak; serverless allows ${l.maxConcurrency} per endpoint`);
  const memoryGb = Math.min(l.memoryGb, Math.max(1, Math.ceil(input.memoryGb)));
  const requests = input.requestsPerDay * daysPerMonth(prices);
  const compute = requests * input.processingSeconds * memoryGb * prices.serverless.perGbSecond;
  const data = (requests * (input.payloadMb + input.responseMb) * prices.serverless.perGbProcessed) / 1024;
  return option("serverless", why, compute + data, `${memoryGb} GB × ${input.processingSeconds} s for each of ${Math.round(requests).toLocaleString("en-US")} requests a month, plus data processed`, {
    memoryMb: memoryGb * 1024,
    maxConcurrency: Math.min(l.maxConcurrency, concurrency),
  });
}

function asynchronous(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why: string[] = [];
  const l = LIMITS.async;
  if (input.payloadMb > l.payloadMb) why.push(`payload ${size(input.payloadMb)} exceeds asynchronous inference's 1 GB limit`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} exceeds asynchronous inference's 1 h per request`);
  if (input.sync) why.push("callers need the answer in the same request; asynchronous inference answers later, through S3 and a notification");
  const sized = fleet(prices, input, input.peakRps * input.processingSeconds);
  if (typeof sized === "string") return option("async", [...why, sized], null, "", {});
  const perInstance = workers(sized.instance);
  // Scaled to zero between bursts: billed while busy (plus a quarter for scaling), and about an hour a day of scaling in.
  const busyHours = (input.requestsPerDay * daysPerMonth(prices) * input.processingSeconds) / perInstance / 3600;
  const billedHours = Math.min(sized.count * prices.hoursPerMonth, busyHours * 1.25 + daysPerMonth(prices));
  return option("async", why, billedHours * sized.instance.hourly, `${sized.instanceType} billed while busy (+25 % for scaling) and about an hour a day before scaling in, with a scale-to-zero policy (MinCapacity 0)`, {
    instanceType: sized.instanceType,
    maxInstances: sized.count,
    minInstances: 0,
    scaleToZero: true,
    maxConcurrentInvocationsPerInstance: perInstance,
    // InvokeEndpointAsync waits 900 s by default before it gives a request up.
    invocationTimeoutSeconds: input.processingSeconds > 900 ? Math.min(LIMITS.async.processingSeconds, Math.ceil(input.processingSeconds * 1.2)) : 900,
  });
}

function batch(input: AdviceInput, prices: PriceTable): OptionAdvice {
  const why: string[] = [];
  const l = LIMITS.batch;
  if (input.traffic !== "batch") why.push(`requests arrive one by one (${input.traffic} traffic); batch transform processes whole datasets on a schedule`);
  if (input.sync) why.push("callers need the answer in the same request; a batch job answers nobody waiting");
  if (input.payloadMb > l.recordMb) why.push(`records of ${size(input.payloadMb)} exceed batch transform's ${l.recordMb} MB MaxPayloadInMB`);
  if (input.processingSeconds > l.processingSeconds) why.push(`processing ${seconds(input.processingSeconds)} per record exceeds batch transform's 1 h per invocation`);
  const instance = pickInstance(prices, input);
  if (!instance) return option("batch", [...why, `${noInstance(input)}: add one with --price-file`], null, "", {});
  const [instanceType, price] = instance;
  const perInstance = workers(price);
  const dailyHours = (input.requestsPerDay * input.processingSeconds) / perInstance / 3600;
  // Enough instances to finish a day's job within about an hour; each adds start-up time (~6 min).
  const instanceCount = Math.min(LIMITS.instances, Math.max(1, Math.ceil(dailyHours)));
  const billedHours = daysPerMonth(prices) * (dailyHours + instanceCount * 0.1);
  // Small text records go several to an invocation, as many as finish within half the 1 h limit;
  // large or binary ones one at a time.
  const multi = input.payloadMb <= 6;
  const recordsPerInvocation = multi ? Math.max(1, Math.min(Math.floor(6 / input.payloadMb), Math.floor(l.processingSeconds / 2 / input.processingSeconds))) : 1;
  const maxPayloadInMB = Math.min(l.recordMb, Math.max(1, Math.ceil(recordsPerInvocation * input.payloadMb)));
  const invocationSeconds = recordsPerInvocation * input.processingSeconds;
  return option("batch", why, billedHours * price.hourly, `${instanceCount} × ${instanceType} for the job's hours each day, plus about 6 minutes of start-up per instance`, {
    instanceType,
    instanceCount,
    maxPayloadInMB,
    batchStrategy: multi ? "MultiRecord" : "SingleRecord",
    splitType: multi ? "Line" : "None",
    // MaxConcurrentTransforms × MaxPayloadInMB must stay within 100.
    maxConcurrentTransforms: Math.max(1, Math.min(perInstance, Math.floor(l.payloadTimesConcurrency / maxPayloadInMB))),
    // ModelClientConfig waits 600 s by default for one invocation.
    invocationsTimeoutSeconds: invocationSeconds > 600 ? Math.min(l.processingSeconds, Math.ceil(invocationSeconds * 1.2)) : 600,
  });
}

const PREFERENCE: InferenceType[] = ["realtime", "serverless", "async", "batch"];

export function advise(input: AdviceInput, prices: PriceTable): Advice {
  const options = [realtime(input, prices), serverless(input, prices), asynchronous(input, prices), batch(input, prices)];
  const feasible = options.filter((o) => o.feasible);
  let chosen: OptionAdvice | undefined;
  const reasons: string[] = [];

  const batchOption = options.find((o) => o.type === "batch")!;
  // Stryker disable next-line ConditionalExpression: batch is feasible only for batch traffic (batch() says why not otherwise)
  if (input.traffic === "batch" && batchOption.feasible) {
    chosen = batchOption;
    reasons.push("a whole dataset on a schedule with nobody waiting: batch transform runs only while the job runs, and nothing stays up in between");
  } else {
    // Stryker disable next-line MethodExpression,ConditionalExpression,LogicalOperator: batch is not feasible here (see above), and a feasible option always has a price
    const online = feasible.filter((o) => o.type !== "batch").sort((a, b) => (a.monthlyCostUsd ?? Infinity) - (b.monthlyCostUsd ?? Infinity) || PREFERENCE.indexOf(a.type) - PREFERENCE.indexOf(b.type));
    chosen = online[0];
    if (chosen) reasons.push(...fitReasons(chosen, input, online));
  }
  if (!chosen) return { recommendation: null, options, blocked: blockedBy(input, prices, options) };

  if (input.sync && input.processingSeconds * 1000 > (input.latencyMs ?? Infinity)) {
    reasons.push(`warning: the model takes ${seconds(input.processingSeconds)} per request, more than the ${input.latencyMs} ms acceptable; no endpoint type makes the model itself faster`);
  }
  if (chosen.type === "realtime" && chosen.settings.instanceCount === 1) reasons.push("use 2 or more instances in production, so that the endpoint survives the loss of an instance or an Availability Zone");
  if (chosen.type === "serverless") reasons.push("check the account's serverless concurrency quota in Service Quotas: newer accounts may allow as few as 10 concurrent invocations in all");
  if ((chosen.type === "realtime" || chosen.type === "serverless") && input.processingSeconds > NEAR_TIMEOUT_SECONDS) {
    reasons.push(`warning: ${seconds(input.processingSeconds)} per request is close to the 60 s limit; set the callers' socket timeout to about 70 s`);
  }
  const s = chosen.settings;
  // Stryker disable next-line ConditionalExpression: only the asynchronous option's settings have invocationTimeoutSeconds
  if (chosen.type === "async" && (s.invocationTimeoutSeconds as number) > 900) reasons.push(`callers must pass InvocationTimeoutSeconds=${s.invocationTimeoutSeconds} to InvokeEndpointAsync: the default gives a request up after 900 s`);
  // Stryker disable next-line ConditionalExpression: only the batch option's settings have invocationsTimeoutSeconds
  if (chosen.type === "batch" && (s.invocationsTimeoutSeconds as number) > 600) reasons.push(`set ModelClientConfig.InvocationsTimeoutInSeconds=${s.invocationsTimeoutSeconds} on the transform job: the default gives an invocation up after 600 s`);
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
      reasons.push("with an Application Auto Scaling policy at MinCapacity 0, the instances scale to zero when the queue is empty (mlops deploy does not create the policy)");
      break;
  }
  reasons.push(`cheapest option that fits: ${cheaper}`);
  return reasons;
}

/** When nothing fits: the first thing that would have to change, checked against the options themselves. */
function blockedBy(input: AdviceInput, prices: PriceTable, options: OptionAdvice[]): string {
  if (input.processingSeconds > LIMITS.async.processingSeconds) return `processing ${seconds(input.processingSeconds)} per request exceeds every SageMaker inference option (1 h at most): split the work, or run it as a SageMaker Processing job`;
  if (input.payloadMb > LIMITS.async.payloadMb) return `payload ${size(input.payloadMb)} exceeds every SageMaker inference option (1 GB at most, for asynchronous inference): split the input into pieces of at most 1 GB, or into records of at most 100 MB for batch transform`;
  if (!pickInstance(prices, input)) return `${noInstance(input)}, so no option can be sized: add one with --price-file`;
  if (input.sync && asynchronous({ ...input, sync: false }, prices).feasible) return "callers wait, and no option that answers in the same request fits: with --no-sync asynchronous inference (up to 1 GB, 1 h per request) becomes possible";
  const first = options.flatMap((o) => o.why.map((w) => `${o.type}: ${w}`))[0];
  return `no option fits${first ? ` (${first})` : ""}`;
}
