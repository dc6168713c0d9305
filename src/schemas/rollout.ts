import { z } from "zod";
import type { Ending } from "../core/reconcile";
import type { Strategy } from "../core/rollout-plan";
import type { RolloutCommand, RolloutEngine, RolloutPhase } from "../core/rollout-state";
import type { Outcome } from "../rollout/types";
import { alarm, isoTime, note, orError, type Expect, type Same } from "./common";

/** What `deploy`, `rollback`, `promote` and `abort` print (one report shape), and what `status` prints. */

const OUTCOMES = ["created", "deployed", "rolled-back", "no-change", "timed-out", "failed", "started", "paused"] as const;
const STRATEGIES = ["all-at-once", "canary", "linear", "blue-green", "rolling"] as const;
const ENGINES = ["guardrails", "traffic", "serverless", "create", "rollback"] as const;
const PHASES = ["updating", "preparing", "shifting", "baking", "paused", "finalizing", "rolling-back", "done", "rolled-back", "interrupted", "failed", "superseded"] as const;
const ENDINGS = ["deployed", "created", "rolled-back", "interrupted", "failed", "superseded"] as const;
const COMMANDS = ["promote", "promote-full", "abort"] as const;
export type SchemaChecks = [
  Expect<Same<(typeof OUTCOMES)[number], Outcome>>,
  Expect<Same<(typeof STRATEGIES)[number], Strategy>>,
  Expect<Same<(typeof ENGINES)[number], RolloutEngine>>,
  Expect<Same<(typeof PHASES)[number], RolloutPhase>>,
  Expect<Same<(typeof ENDINGS)[number], Ending>>,
  Expect<Same<(typeof COMMANDS)[number], RolloutCommand>>,
];

const OUTCOME_TEXT =
  "created: a new endpoint serves; deployed: the new version serves alone; rolled-back: an alarm (or abort, or SageMaker) took the traffic back, the previous version serves (exit 3 for deploy and promote); " +
  "no-change: it already served; timed-out: mlops stopped waiting (exit 5); failed: exit 1; started: --no-wait, the rollout goes on; paused: a traffic rollout waits for promote or abort; " +
  "dry-run: nothing was changed; declined: the confirmation was answered no, nothing was changed (exit 7)";

const reportFields = {
  endpoint: z.string(),
  outcome: z.enum([...OUTCOMES, "dry-run", "declined"]).describe(OUTCOME_TEXT),
  strategy: z.enum(STRATEGIES).describe("The strategy that ran (a serverless endpoint runs all-at-once, whatever was asked)."),
  engine: z.enum(["guardrails", "traffic"]).nullable().describe("null when an endpoint was created: no rollout ran."),
  endpointConfig: z.string().describe("The endpoint config serving at the end (the target, for a dry run or a rollout still going)."),
  previousEndpointConfig: z.string().nullable().describe("The config that served before, which `mlops rollback` goes back to; null when there was none (a new endpoint, no change)."),
  previousEndpointConfigMissing: z.boolean().optional().describe("true: that config was deleted outside mlops, so there is no way back to it."),
  alarms: z.array(alarm).describe("The alarms the rollout watches, each with its state when last read."),
  failureReason: z.string().nullable(),
  rollbackReactionSeconds: z.number().nullable().describe("From the alarm entering ALARM (firedAlarmAt) until mlops saw the traffic safe."),
  durationSeconds: z.number(),
  firedAlarm: z.string().nullable().describe("The alarm that caused a rollback."),
  firedAlarmAt: isoTime.nullable(),
  modelPackageArn: z.string().nullable().describe("The registered model version deployed, when it came from the Model Registry (--model-package)."),
  rolloutId: z.string().nullable().describe("The rollout's id: in its record on the endpoint, and in the names of what it made."),
  notes: z.array(note),
  command: z.literal("rollback").optional().describe("Set by `mlops rollback`."),
};

/** The report every rollout command builds (the union of what each prints; each command's schema below is narrower). */
export const rolloutReport = z.strictObject(reportFields);
export type RolloutReport = z.infer<typeof rolloutReport>;

const dryRunFields = {
  plan: z.array(z.strictObject({ operation: z.string().describe("service:Operation"), detail: z.string() })).describe("Every AWS call the deploy would make, in order."),
  expectedSeconds: z.number().describe("How long the rollout should take on AWS."),
  settings: z
    .strictObject({
      type: z.enum(["realtime", "serverless", "async"]),
      instanceType: z.string(),
      instanceCount: z.int(),
      memoryMb: z.int().describe("Serverless memory, MB."),
      maxConcurrency: z.int().describe("Serverless max concurrency."),
      asyncConcurrency: z.int().nullable().describe("Asynchronous requests per instance; null: SageMaker's choice."),
      strategy: z.enum(["all-at-once", "canary", "linear", "blue-green", "rolling"]),
      engine: z.enum(["guardrails", "traffic"]).nullable().describe("null when the endpoint is created."),
      canaryPercent: z.number(),
      linearStep: z.number(),
      bakeSeconds: z.number(),
      finalBakeSeconds: z.number(),
      maxErrorRate: z.number().describe("A fraction, 0–1."),
      maxLatencyMs: z.number(),
      pollSeconds: z.number(),
      timeoutSeconds: z.number(),
      keepOld: z.boolean(),
      roleArn: z.string().nullable(),
    })
    .describe("The values the deploy would use, after flags, MLOPS_* variables, mlops.yaml, the defaults and the endpoint's own capacity."),
};

export const dryRunReport = z.strictObject({ ...reportFields, outcome: z.literal("dry-run"), ...dryRunFields });
export type DryRunReport = z.infer<typeof dryRunReport>;

const { command: _command, ...deployFields } = reportFields;

export const deployOutput = orError(
  z.union([z.strictObject({ ...deployFields, outcome: z.enum(OUTCOMES).describe(OUTCOME_TEXT) }), z.strictObject({ ...deployFields, outcome: z.literal("dry-run"), ...dryRunFields })]),
  { title: "mlops deploy --json", description: "The rollout's report; with --dry-run, also the calls it would make. Or the error document." },
);

export const rollbackOutput = orError(
  z.strictObject({ ...reportFields, outcome: z.enum([...OUTCOMES, "declined"]).describe(OUTCOME_TEXT), command: z.literal("rollback") }),
  { title: "mlops rollback --json", description: "The rollback's report (a rollback is a rollout of its own), including a declined confirmation. Or the error document." },
);

/** A command left for the process that drives a traffic rollout, which took it. */
export const commandAccepted = z.strictObject({
  endpoint: z.string(),
  command: z.enum(COMMANDS),
  acceptedBy: z.string().describe("Who took the command: the process driving the rollout."),
});
export type CommandAccepted = z.infer<typeof commandAccepted>;

const driven = (title: string, what: string) =>
  orError(z.union([z.strictObject({ ...deployFields, outcome: z.enum(OUTCOMES).describe(OUTCOME_TEXT) }), commandAccepted]), {
    title,
    description: `The report of the rollout ${what}, when this command drove it to its end; {endpoint, command, acceptedBy} when the process driving it took the command. Or the error document.`,
  });

export const promoteOutput = driven("mlops promote --json", "promoted");
export const abortOutput = driven("mlops abort --json", "aborted");

export const statusReport = z.strictObject({
  endpoint: z.string(),
  status: z.string().describe("SageMaker's EndpointStatus."),
  endpointConfig: z.string().nullable().describe("The config serving now."),
  endpointConfigMissing: z.boolean().describe("The serving config was deleted outside mlops (the endpoint goes on serving)."),
  failureReason: z.string().nullable(),
  variants: z.array(
    z.strictObject({
      name: z.string(),
      currentWeight: z.number().nullable(),
      desiredWeight: z.number().nullable(),
      instances: z.number().nullable(),
      serverless: z.boolean(),
    }),
  ),
  deployment: z
    .strictObject({
      endpointConfig: z.string(),
      phase: z.string(),
      share: z.number().nullable().describe("Percent of traffic on the new fleet, when SageMaker says."),
      bakeLeftSeconds: z.number().nullable(),
    })
    .nullable()
    .describe("An update SageMaker drives (guardrails, a rollback, a creation), in progress."),
  rollout: z
    .strictObject({
      id: z.string(),
      engine: z.enum(ENGINES),
      strategy: z.enum(STRATEGIES),
      phase: z.enum(PHASES),
      step: z.number(),
      steps: z.number(),
      weight: z.number().describe("Percent of traffic on the new version."),
      oldConfig: z.string(),
      newConfig: z.string(),
      driven: z.boolean().describe("A live process drives it."),
      heartbeatAgeSeconds: z.number(),
      finished: z.boolean().describe("Its ending is booked (way back moved, losers removed)."),
      phaseSince: z.string().describe("When it entered its phase (ISO 8601, UTC); for a rollout whose ending is booked, when it ended (SageMaker's last change to the endpoint, or when the ending was booked)."),
    })
    .nullable()
    .describe("The last rollout recorded on the endpoint: the current one, or the last one's outcome."),
  alarms: z.array(alarm),
  previousEndpointConfig: z.string().nullable().describe("The config `mlops rollback` goes back to."),
  previousEndpointConfigMissing: z.boolean(),
  reconciled: z
    .strictObject({
      rolloutId: z.string(),
      outcome: z.enum(ENDINGS),
      removed: z.array(z.string()),
      previousEndpointConfig: z.string().nullable(),
    })
    .nullable()
    .describe("A rollout that ended while nobody watched, booked by this command."),
});
export type StatusReport = z.infer<typeof statusReport>;

export const statusOutput = orError(statusReport, { title: "mlops status --json", description: "The endpoint, its rollout and alarms. Or the error document." });
