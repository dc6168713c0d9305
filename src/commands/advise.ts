import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import defaultPrices from "../../data/prices.json";
import { CONFIG_FILE_NAME } from "../config/load";
import { editConfigFile } from "../config/save";
import type { Context } from "../context";
import { advise, money, type Advice, type InferenceType, type AdviceInput, type PriceTable, type TrafficShape } from "../core/advisor";
import { isOneOf, TRAFFIC_SHAPES } from "../core/choices";
import { parseNumber } from "../core/flags";
import { MissingInputError, MlopsError, UsageError } from "../errors";
import { validator } from "../io/prompt";
import { info, warning, type Note } from "../core/notes";
import type { AdviseReport } from "../schemas/misc";

interface AdviseFlags {
  latencyMs?: string;
  payloadMb?: string;
  responseMb?: string;
  processingSeconds?: string;
  traffic?: string;
  requestsPerDay?: string;
  peakRps?: string;
  sync?: boolean;
  coldStartOk?: boolean;
  gpu?: boolean;
  imageGb?: string;
  memoryGb?: string;
  priceFile?: string;
  save?: boolean;
}

const SHAPE_TEXT: Record<TrafficShape, string> = {
  steady: "requests all day long, at a similar rate",
  spiky: "quiet, then bursts many times the usual rate",
  intermittent: "long idle gaps between requests",
  batch: "a whole dataset on a schedule, nobody waiting for each answer",
};
const SHAPES = TRAFFIC_SHAPES.map((value) => ({ value, name: value, description: SHAPE_TEXT[value] }));

/** Numeric flags: the flag and its range, shared by the up-front check and the questions. */
const NUMBER_FLAGS = {
  latencyMs: ["--latency-ms", { exclusiveMin: 0 }],
  payloadMb: ["--payload-mb", { exclusiveMin: 0 }],
  responseMb: ["--response-mb", { exclusiveMin: 0 }],
  processingSeconds: ["--processing-seconds", { exclusiveMin: 0 }],
  requestsPerDay: ["--requests-per-day", { min: 0 }],
  peakRps: ["--peak-rps", { min: 0 }],
  memoryGb: ["--memory-gb", { exclusiveMin: 0 }],
  imageGb: ["--image-gb", { exclusiveMin: 0 }],
} as const satisfies Record<string, readonly [string, { exclusiveMin?: number; min?: number }]>;

function trafficShape(value: string): TrafficShape {
  if (!isOneOf(TRAFFIC_SHAPES, value)) throw new UsageError(`--traffic "${value}" must be one of: ${TRAFFIC_SHAPES.join(", ")}`);
  return value;
}

/** Peak over average rate, when only the daily volume is known. */
const PEAK_FACTOR: Record<TrafficShape, number> = { steady: 2, spiky: 10, intermittent: 20, batch: 1 };


/** What `mlops endpoint advise --json` prints: src/schemas/misc.ts, published as docs/schemas/endpoint-advise.schema.json. */
export type { AdviseReport };

export async function run(flags: AdviseFlags, ctx: Context): Promise<void> {
  const prices = await loadPrices(flags.priceFile, ctx.cwd);
  const { input, assumed } = await questions(flags, ctx);
  const advice = advise(input, prices);
  const report: AdviseReport = {
    ...advice,
    inputs: input,
    assumed,
    prices: { asOf: prices.asOf, region: prices.region, currency: prices.currency, approximate: prices.approximate, source: prices.source },
    saved: null,
    notes: [],
  };
  if (flags.save && advice.recommendation) {
    const saved = await saveChoice(ctx, advice);
    report.saved = saved.path;
    report.notes = saved.notes;
  }
  // The bar chart is for a person at a terminal; piped output has the same costs as text.
  ctx.io.emit(report, (r, style) => renderAdvice(r, style, { chart: !!ctx.io.streams.stdout.isTTY }));
  if (!advice.recommendation) throw new MlopsError(`no SageMaker inference option fits${flags.save ? ", so nothing was saved" : ""}: ${advice.blocked}`);
}

/**
 * The advise questionnaire on its own, for another command that helps choose an endpoint type
 * (`mlops init`): every question asked, the built-in prices. The advice has no recommendation
 * when no option fits (`blocked` says why).
 */
export async function adviseByQuestions(ctx: Context): Promise<Advice> {
  const { input } = await questions({}, ctx);
  return advise(input, defaultPrices as PriceTable);
}

/** Every question has a flag; on a terminal the missing ones are asked, elsewhere they must be given. */
async function questions(flags: AdviseFlags, ctx: Context): Promise<{ input: AdviceInput; assumed: string[] }> {
  const assumed: string[] = [];
  const number = async (key: keyof typeof NUMBER_FLAGS, message: string, fallback?: { value: number; note: string }) => {
    const [flag, range] = NUMBER_FLAGS[key];
    const raw = flags[key];
    if (raw !== undefined) return parseNumber(flag, raw, range);
    if (!ctx.prompt.interactive && fallback) {
      assumed.push(`${flag} ${fallback.value} (${fallback.note})`);
      return fallback.value;
    }
    // Enter takes the default shown; with none, an empty answer is asked again, as is one that is not a number in range.
    const answer = await ctx.prompt.text({
      flag,
      message,
      default: fallback ? String(fallback.value) : undefined,
      required: "a number is needed: this question has no default",
      validate: validator((v) => parseNumber(flag, v, range)),
    });
    return parseNumber(flag, answer, range);
  };
  /** `assume` only where a wrong guess cannot lead to an option that breaks: otherwise exit 2 without a terminal. */
  const yesNo = async (flag: string, value: boolean | undefined, message: string, choice: { default: boolean; assume?: string }) => {
    if (value !== undefined) return value;
    if (!ctx.prompt.interactive) {
      if (choice.assume === undefined) throw new MissingInputError(`${flag} or --no-${flag.slice(2)}`);
      assumed.push(`${choice.default ? flag : `--no-${flag.slice(2)}`} (${choice.assume})`);
      return choice.default;
    }
    return ctx.prompt.yesNo({ flag, message, default: choice.default });
  };

  // Values given are checked first; then, without a terminal, every missing one is named at once.
  if (flags.traffic !== undefined) trafficShape(flags.traffic);
  for (const [key, [flag, range]] of Object.entries(NUMBER_FLAGS) as Array<[keyof typeof NUMBER_FLAGS, (typeof NUMBER_FLAGS)[keyof typeof NUMBER_FLAGS]]>) {
    if (flags[key] !== undefined) parseNumber(flag, flags[key], range);
  }
  ctx.prompt.requireAll([
    ["--traffic", flags.traffic !== undefined],
    ["--payload-mb", flags.payloadMb !== undefined],
    ["--processing-seconds", flags.processingSeconds !== undefined],
    ["--requests-per-day", flags.requestsPerDay !== undefined],
    ["--gpu or --no-gpu", flags.gpu !== undefined],
    ["--memory-gb", flags.memoryGb !== undefined],
    ["--image-gb", flags.imageGb !== undefined],
  ]);
  let traffic = flags.traffic === undefined ? undefined : trafficShape(flags.traffic);
  traffic ??= await ctx.prompt.select({ flag: "--traffic", message: "How does the traffic come?", choices: SHAPES });

  // A dataset on a schedule has nobody waiting, unless told otherwise.
  let sync: boolean;
  if (traffic !== "batch") sync = await yesNo("--sync", flags.sync, "Do callers wait for the answer in the same request?", { default: true, assume: "callers wait for each answer, the safe assumption" });
  else {
    sync = flags.sync ?? false;
    if (flags.sync === undefined) assumed.push("--no-sync (a batch job: nobody waits for each answer)");
  }
  // Latency only adds a warning, so without a terminal it may stay unsaid.
  let latencyMs: number | undefined;
  if (sync) {
    if (flags.latencyMs !== undefined || ctx.prompt.interactive) latencyMs = await number("latencyMs", "Acceptable latency per request, in milliseconds");
    else assumed.push("no --latency-ms (no latency goal is checked)");
  }
  const payloadMb = await number("payloadMb", "Request payload size, in MB");
  const responseMb = await number("responseMb", "Response size, in MB", { value: payloadMb, note: "the payload size" });
  const processingSeconds = await number("processingSeconds", "Processing time per request, in seconds");
  const requestsPerDay = await number("requestsPerDay", traffic === "batch" ? "Records per day" : "Requests per day");
  const averageRps = requestsPerDay / 86_400;
  const peakRps = await number("peakRps", "Peak requests per second", { value: Math.ceil(averageRps * PEAK_FACTOR[traffic] * 1000) / 1000, note: `${PEAK_FACTOR[traffic]}× the average for ${traffic} traffic` });
  if (peakRps < averageRps - 1e-9) throw new UsageError(`--peak-rps ${peakRps} is below the daily average of ${round(averageRps)} requests per second (--requests-per-day ${requestsPerDay})`);
  // Cold starts matter only to someone waiting.
  const coldStartOk = !sync
    ? true
    : await yesNo("--cold-start-ok", flags.coldStartOk, "Are cold starts of a few seconds acceptable after idle periods?", { default: false, assume: "cold starts are not acceptable, the safe assumption" });
  // No safe guess: assuming no GPU could recommend serverless for a model that cannot run there.
  const gpu = await yesNo("--gpu", flags.gpu, "Does the model need a GPU?", { default: false });
  // Sizes have no safe guess: too small a one could pick serverless, or an instance, that cannot hold the model.
  const memoryGb = await number("memoryGb", "Memory the model needs, in GB");
  const imageGb = await number("imageGb", "Container image size, in GB");
  return { input: { latencyMs, payloadMb, responseMb, processingSeconds, traffic, requestsPerDay, peakRps, sync, coldStartOk, gpu, imageGb, memoryGb }, assumed };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

async function loadPrices(file: string | undefined, cwd: string): Promise<PriceTable> {
  if (!file) return defaultPrices as PriceTable;
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`--price-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const { z } = await import("zod");
  const instance = z.object({ vcpu: z.number().positive(), memoryGb: z.number().positive(), gpu: z.number().min(0), hourly: z.number().nonnegative(), note: z.string().optional() });
  const schema = z.object({
    asOf: z.string(),
    region: z.string(),
    currency: z.string(),
    approximate: z.boolean().default(true),
    source: z.string(),
    hoursPerMonth: z.number().positive().default(730),
    instances: z.record(z.string().regex(/^ml\./), instance).refine((r) => Object.keys(r).length > 0, { message: "needs at least one instance type" }),
    serverless: z.object({ perGbSecond: z.number().nonnegative(), perGbProcessed: z.number().nonnegative() }),
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--price-file: ${file} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--price-file: ${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`, { hint: "use data/prices.json in the mlops repository as the template" });
  }
  // A type SageMaker does not host would be recommended, saved, and then refused by deploy.
  const { ProductionVariantInstanceType } = await import("@aws-sdk/client-sagemaker");
  const hosted = new Set<string>(Object.values(ProductionVariantInstanceType));
  const unknown = Object.keys(parsed.data.instances).find((name) => !hosted.has(name));
  if (unknown) throw new UsageError(`--price-file: ${file}: instances.${unknown}: not an instance type SageMaker hosts`);
  return parsed.data as PriceTable;
}

/** Write the choice into mlops.yaml under `endpoint:` (or `batch:`): the file mlops found, or a new one here. */
async function saveChoice(ctx: Context, advice: Advice): Promise<{ path: string; notes: Note[] }> {
  const rec = advice.recommendation!;
  const path = ctx.config.path ?? join(ctx.cwd, CONFIG_FILE_NAME);
  const values = savedValues(rec.type, rec.settings);
  let hasAsyncOutput = false;
  const changed = await editConfigFile(path, (doc) => {
    // Say what the save replaces: the user's own values change only because --save asked.
    const changes: string[] = [];
    for (const [keys, value] of values) {
      const before = doc.getIn(keys);
      if (before !== undefined && before !== null && before !== value) changes.push(`${keys.join(".")} was ${String(before)}`);
      doc.setIn(keys, value);
    }
    // A serverless endpoint has no instances, and an instance endpoint no serverless settings: drop what a previous choice left.
    // Real-time has no asynchronous settings either (an async endpoint's output location stays: it is the user's bucket, and a later async choice needs it).
    const stale =
      rec.type === "serverless" ? ["instanceType", "instanceCount", "asyncMaxConcurrentInvocations"] : rec.type === "batch" ? [] : rec.type === "realtime" ? ["memoryMb", "maxConcurrency", "asyncMaxConcurrentInvocations"] : ["memoryMb", "maxConcurrency"];
    for (const key of stale) {
      const before = doc.getIn(["endpoint", key]);
      if (before === undefined) continue;
      changes.push(`endpoint.${key} (${String(before)}) removed`);
      doc.deleteIn(["endpoint", key]);
    }
    hasAsyncOutput = doc.getIn(["endpoint", "asyncOutput"]) !== undefined;
    return changes;
  });
  const notes = changed.length > 0 ? [info(`replaced: ${changed.join(", ")}`)] : [];
  if (resolve(dirname(path)) !== resolve(ctx.cwd)) notes.push(info(`saved to the mlops.yaml mlops found above this directory: ${path}`));
  return { path, notes: [...notes, ...saveNotes(rec.type, rec.settings, hasAsyncOutput)] };
}

/** The mlops.yaml keys a recommendation sets. */
function savedValues(type: InferenceType, s: Record<string, unknown>): Array<[string[], unknown]> {
  switch (type) {
    case "batch":
      return [
        [["batch", "instanceType"], s.instanceType],
        [["batch", "instanceCount"], s.instanceCount],
        [["batch", "maxPayloadMb"], s.maxPayloadInMB],
        [["batch", "strategy"], s.batchStrategy],
        [["batch", "splitType"], s.splitType],
        [["batch", "maxConcurrentTransforms"], s.maxConcurrentTransforms],
        [["batch", "invocationsTimeoutSeconds"], s.invocationsTimeoutSeconds],
      ];
    case "serverless":
      return [
        [["endpoint", "type"], "serverless"],
        [["endpoint", "memoryMb"], s.memoryMb],
        [["endpoint", "maxConcurrency"], s.maxConcurrency],
      ];
    case "async":
      return [
        [["endpoint", "type"], "async"],
        [["endpoint", "instanceType"], s.instanceType],
        [["endpoint", "instanceCount"], 1],
        [["endpoint", "asyncMaxConcurrentInvocations"], s.maxConcurrentInvocationsPerInstance],
      ];
    default:
      return [
        [["endpoint", "type"], "realtime"],
        [["endpoint", "instanceType"], s.instanceType],
        [["endpoint", "instanceCount"], s.instanceCount],
      ];
  }
}

/** What a saved choice does not cover yet, so that nobody takes it for more than it is. */
function saveNotes(type: InferenceType, settings: Record<string, unknown>, hasAsyncOutput: boolean): Note[] {
  const notes: Note[] = [];
  if (type === "async") {
    if (!hasAsyncOutput) notes.push(warning("set endpoint.asyncOutput (s3://bucket/prefix/) in mlops.yaml, or pass --async-output to mlops deploy: an asynchronous endpoint needs one"));
    notes.push(warning(`saved with 1 instance: scaling to zero and up to ${settings.maxInstances} needs an Application Auto Scaling policy (MinCapacity 0), which mlops deploy does not create; until then it is billed around the clock`));
  }
  if (type === "batch") notes.push(info("saved under batch: for your batch transform jobs; mlops deploy serves endpoints and does not read it"));
  return notes;
}

/**
 * The advice as a person reads it: the recommendation with its reasons, every option with why it
 * fits or not and its monthly cost, and with `chart` (stdout is a terminal) a bar chart of the
 * costs of the options that fit.
 */
export function renderAdvice(
  r: AdviseReport,
  style: { bold(s: string): string; green(s: string): string; red(s: string): string; dim(s: string): string; cyan(s: string): string },
  options: { chart: boolean },
): string {
  const lines: string[] = [];
  const priced = `approximate, ${r.prices.region} on-demand prices as of ${r.prices.asOf}`;
  if (r.recommendation) {
    const rec = r.recommendation;
    lines.push(`${style.bold("Recommendation:")} ${style.cyan(rec.type)}  about ${money(rec.monthlyCostUsd)} a month ${style.dim(`(${priced})`)}`);
    lines.push(`  ${Object.entries(rec.settings).map(([k, v]) => `${k} ${v}`).join(" · ")}`);
    for (const reason of rec.reasons) lines.push(`  • ${reason}`);
  } else {
    lines.push(`${style.bold("No option fits:")} ${r.blocked}`);
  }
  lines.push("", style.bold("Every option"));
  const width = Math.max(...r.options.map((o) => o.type.length));
  for (const o of r.options) {
    const mark = r.recommendation?.type === o.type ? style.green("✓ recommended  ") : o.feasible ? style.green("✓ fits         ") : style.red("✗ does not fit ");
    lines.push(`  ${o.type.padEnd(width)}  ${mark}  ${o.monthlyCostUsd === null ? "" : `~${money(o.monthlyCostUsd)}/month`}`);
    if (o.costBasis) lines.push(`  ${" ".repeat(width)}    ${style.dim(`priced as ${o.costBasis}`)}`);
    for (const why of o.why) lines.push(`  ${" ".repeat(width)}    ${style.dim(why)}`);
  }
  const costs = r.options.filter((o) => o.feasible && o.monthlyCostUsd !== null);
  if (options.chart && costs.length > 0) {
    const max = Math.max(...costs.map((o) => o.monthlyCostUsd!), 0.01);
    lines.push("", style.bold(`Monthly cost of the options that fit (${priced})`));
    for (const o of costs) {
      const bar = "█".repeat(Math.max(1, Math.round((30 * o.monthlyCostUsd!) / max)));
      lines.push(`  ${o.type.padEnd(width)}  ${r.recommendation?.type === o.type ? style.green(bar) : style.dim(bar)} ${money(o.monthlyCostUsd!)}`);
    }
  }
  if (r.assumed.length > 0) lines.push("", style.dim(`Assumed: ${r.assumed.join("; ")}`));
  if (r.saved) lines.push("", `Saved to ${r.saved}: \`mlops deploy\` uses it when flags do not say otherwise.`, ...r.notes.map((n) => `  ${n.level === "warning" ? "warning" : "note"}: ${n.message}`));
  return lines.map((l) => l.trimEnd()).join("\n");
}
