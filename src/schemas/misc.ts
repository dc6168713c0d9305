import { z } from "zod";
import type { InferenceType, TrafficShape } from "../core/advisor";
import { note, orError, type Expect, type Same } from "./common";

/** What `endpoint advise`, `doctor`, `demo` and `sandbox start` print. */

const INFERENCE_TYPES = ["realtime", "serverless", "async", "batch"] as const;
const TRAFFIC_SHAPES = ["steady", "spiky", "intermittent", "batch"] as const;
export type SchemaChecks = [Expect<Same<(typeof INFERENCE_TYPES)[number], InferenceType>>, Expect<Same<(typeof TRAFFIC_SHAPES)[number], TrafficShape>>];

const settings = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe("The option's settings (instance type and count, serverless memory and concurrency, …).");
const money = z.number().describe("US dollars a month, approximate.");

export const adviseReport = z.strictObject({
  recommendation: z
    .strictObject({ type: z.enum(INFERENCE_TYPES), settings, monthlyCostUsd: money, reasons: z.array(z.string()) })
    .nullable()
    .describe("null when no option fits (exit 1): then `blocked` says what would have to change."),
  options: z.array(
    z.strictObject({
      type: z.enum(INFERENCE_TYPES),
      feasible: z.boolean(),
      monthlyCostUsd: money.nullable().describe("Only for options that fit."),
      costBasis: z.string().nullable().describe("What the price assumes."),
      settings,
      why: z.array(z.string()).describe("Why not (the broken limit, with numbers, first), or how it compares."),
    }),
  ),
  blocked: z.string().optional(),
  inputs: z.strictObject({
    latencyMs: z.number().optional(),
    payloadMb: z.number(),
    responseMb: z.number(),
    processingSeconds: z.number(),
    traffic: z.enum(TRAFFIC_SHAPES),
    requestsPerDay: z.number(),
    peakRps: z.number(),
    sync: z.boolean(),
    coldStartOk: z.boolean(),
    gpu: z.boolean(),
    imageGb: z.number(),
    memoryGb: z.number(),
  }),
  assumed: z.array(z.string()).describe("Answers taken by default, without a terminal to ask."),
  prices: z.strictObject({ asOf: z.string(), region: z.string(), currency: z.string(), approximate: z.boolean(), source: z.string() }),
  saved: z.string().nullable().describe("The mlops.yaml written by --save."),
  notes: z.array(note).describe("What --save replaced, and what the saved settings leave to do."),
});
export type AdviseReport = z.infer<typeof adviseReport>;

export const adviseOutput = orError(adviseReport, { title: "mlops endpoint advise --json", description: "The recommendation, every option with its reasons and monthly cost, and what was assumed. Or the error document." });

export const doctorReport = z.strictObject({
  ok: z.boolean(),
  checks: z.array(
    z.strictObject({
      name: z.string(),
      ok: z.boolean(),
      detail: z.string(),
      hint: z.string().optional().describe("How to fix a failed check."),
      credentials: z.boolean().optional().describe("The check failed on who you are (missing or refused credentials): exit 6."),
    }),
  ),
  node: z.string(),
  configPath: z.string().nullable(),
  region: z.string().nullable(),
  regionSource: z.string().nullable(),
  endpointUrl: z.string().nullable(),
  endpointSource: z.string().nullable(),
  account: z.string().nullable(),
  arn: z.string().nullable(),
});
export type DoctorReport = z.infer<typeof doctorReport>;

export const doctorOutput = orError(doctorReport, { title: "mlops doctor --json", description: "Each check, and what was found. Or the error document." });

const demoStep = z.strictObject({
  title: z.string(),
  outcome: z.string(),
  sandboxSeconds: z.number().describe("Time it took on the sandbox's clock: as long as it would on AWS."),
  realSeconds: z.number(),
  detail: z.array(z.string()),
});
export type DemoStep = z.infer<typeof demoStep>;

export const deployStory = z.strictObject({
  story: z.literal("deploy").describe("`mlops demo` (--story deploy, the default)."),
  ok: z.boolean().describe("It all went as it should: the bad version was rolled back."),
  timeScale: z.number(),
  steps: z.array(demoStep),
  badVersionMaxPercent: z.number().describe("The bad version's largest share of any minute's traffic, from the sandbox's CloudWatch metrics, in whole percents."),
});
export type DeployStory = z.infer<typeof deployStory>;

export const releaseStory = z.strictObject({
  story: z.literal("release").describe("`mlops demo --story release`."),
  ok: z.boolean().describe("It all went as it should: the pipeline registered a model, the release waited at its approval and then succeeded."),
  timeScale: z.number(),
  steps: z.array(demoStep),
  modelPackageArn: z.string().describe("The model version the SageMaker pipeline's RegisterModel step created."),
  releaseExecutionId: z.string().nullable().describe("The CodePipeline execution that was approved."),
});
export type ReleaseStory = z.infer<typeof releaseStory>;

export const demoStory = z.union([deployStory, releaseStory]);
export type DemoStory = z.infer<typeof demoStory>;

export const demoOutput = orError(demoStory, { title: "mlops demo --json", description: "What happened at each step of the story (deploy, the default, or release). Or the error document." });

export const sandboxStarted = z.strictObject({
  url: z.string(),
  port: z.int(),
  region: z.string(),
  accountId: z.string(),
  timeScale: z.number(),
  env: z.record(z.string(), z.string()).describe("The environment variables that point AWS SDKs and CLIs at the sandbox."),
});
export type SandboxStarted = z.infer<typeof sandboxStarted>;

export const sandboxStartOutput = orError(sandboxStarted, { title: "mlops sandbox start --json", description: "Where the sandbox listens, printed once it does. Or the error document." });

export const completionResult = z.strictObject({
  shell: z.enum(["bash", "zsh", "fish"]),
  script: z.string().describe("The completion script, to source or save."),
});
export type CompletionResult = z.infer<typeof completionResult>;

export const completionOutput = orError(completionResult, { title: "mlops completion --json", description: "The shell's completion script. Or the error document." });
