import { statusWords } from "../core/endpoint-phase";
import { describeEndpoint, describeEndpointConfig } from "../aws/endpoints";
import type { Context } from "../context";
import { checkResourceName } from "../core/aws-names";
import { formatDuration } from "../core/duration";
import { STRATEGY_WORDS } from "../core/rollout-plan";
import { resolvePollSeconds } from "../core/deploy-settings";
import { resolveSetting } from "../core/sources";
import { validator } from "../io/prompt";
import { MissingInputError, MlopsError, RolledBackError, UsageError } from "../errors";
import { pollUntil, Timeout, type Pace } from "../rollout/poll";
import { observe, reconcile, type Booked, type Observation } from "../rollout/reconcile";
import { endingExitCode, timedOut } from "../rollout/report";
import { ExitCode } from "../exit-codes";
import type { StatusReport } from "../schemas/rollout";
import { RolloutView } from "../rollout/view";

interface StatusOptions {
  endpoint?: string;
  watch?: boolean;
  poll?: string;
}

/** What `mlops status --json` prints: src/schemas/rollout.ts, published as docs/schemas/status.schema.json. */
export type { StatusReport };

export function statusReport(o: Observation, now: Date, booked?: Booked, servingMissing = false): StatusReport {
  const e = o.endpoint;
  const r = o.rollout;
  return {
    endpoint: e.EndpointName!,
    status: e.EndpointStatus!,
    endpointConfig: e.EndpointConfigName ?? null,
    endpointConfigMissing: servingMissing,
    failureReason: e.FailureReason ?? null,
    variants: (e.ProductionVariants ?? []).map((v) => ({
      name: v.VariantName!,
      currentWeight: v.CurrentWeight ?? null,
      desiredWeight: v.DesiredWeight ?? null,
      instances: v.CurrentInstanceCount ?? null,
      serverless: !!v.CurrentServerlessConfig,
    })),
    deployment: o.deployment ? { endpointConfig: o.deployment.config, phase: o.deployment.phase.phase, share: o.deployment.phase.share ?? null, bakeLeftSeconds: o.deployment.phase.bakeLeft ?? null } : null,
    rollout: r
      ? {
          id: r.id,
          engine: r.mode,
          strategy: r.strategy,
          phase: r.phase,
          step: r.step + 1,
          steps: r.steps.length,
          weight: r.weight,
          oldConfig: r.oldConfig,
          newConfig: r.newConfig,
          driven: o.driverLive,
          heartbeatAgeSeconds: Math.round((now.getTime() - r.heartbeat) / 1000),
          finished: r.finished,
          phaseSince: new Date(r.endedAt ?? r.phaseSince).toISOString(),
        }
      : null,
    alarms: [...o.alarms.map((a) => ({ name: a.name, state: a.state })), ...o.unreadAlarms.map((name) => ({ name, state: null }))],
    previousEndpointConfig: o.wayBack ?? null,
    previousEndpointConfigMissing: o.wayBackMissing,
    reconciled: booked ? { rolloutId: booked.rolloutId, outcome: booked.outcome, removed: booked.deleted, previousEndpointConfig: booked.wayBack?.previous ?? null } : null,
  };
}

/** "canary on the traffic engine", "creation", "rollback": what a rollout was. */
function rolloutWords(r: { engine: string; strategy: string }): string {
  if (r.engine === "create") return "creation";
  if (r.engine === "rollback") return "rollback";
  const strategy = STRATEGY_WORDS[r.strategy as keyof typeof STRATEGY_WORDS] ?? r.strategy;
  return `${strategy} on the ${r.engine === "serverless" ? "serverless replacement" : `${r.engine} engine`}`;
}

/** What an ended rollout did, in words; undefined while it runs. */
function endedWords(r: { engine: string; phase: string; oldConfig: string; newConfig: string }): string | undefined {
  switch (r.phase) {
    case "done":
      return r.engine === "create" ? `created the endpoint with ${r.newConfig}` : r.engine === "rollback" ? `went back to ${r.newConfig}` : `deployed ${r.newConfig}`;
    case "rolled-back":
      return `rolled back to ${r.oldConfig}`;
    case "interrupted":
      return `interrupted; traffic went back to ${r.oldConfig}`;
    case "failed":
      return "failed";
    case "superseded":
      return "superseded by a change made outside mlops";
    default:
      return undefined;
  }
}

/** "2026-11-30 07:49 UTC" from an ISO time. */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

export function renderStatus(s: StatusReport, style: { bold(x: string): string; dim(x: string): string; red(x: string): string; green(x: string): string }): string {
  const total = s.variants.reduce((sum, v) => sum + (v.currentWeight ?? 0), 0) || 1;
  const lines = [`${style.bold(s.endpoint)}  ${s.status}  serving ${s.endpointConfig ?? "-"}${s.endpointConfigMissing ? style.red(" (missing: deleted outside mlops)") : ""}`];
  for (const v of s.variants) {
    const share = `${Math.round((100 * (v.currentWeight ?? 0)) / total)}%`;
    lines.push(`  variant     ${v.name}  ${share}${v.desiredWeight !== v.currentWeight ? ` → weight ${v.desiredWeight}` : ""}  ${v.serverless ? "serverless" : `${v.instances ?? "?"} instance(s)`}`);
  }
  if (s.deployment) {
    const d = s.deployment;
    lines.push(`  deployment  → ${d.endpointConfig}: ${d.phase}${d.share !== null ? ` · ${Math.round(d.share)}% on the new version` : ""}${d.bakeLeftSeconds !== null ? ` · ${formatDuration(d.bakeLeftSeconds)} left` : ""}`);
  }
  if (s.rollout) {
    const r = s.rollout;
    const outcome = endedWords(r);
    if (outcome) {
      // History, not the present: when it ended and what it left serving.
      lines.push(`  last        rollout ${r.id} (${rolloutWords(r)}) ended ${utcMinute(r.phaseSince)}: ${outcome}${r.finished ? "" : " · its ending is not booked yet"}`);
    } else if (r.engine === "traffic" || r.engine === "serverless") {
      const driver = r.driven ? ` · driven (heartbeat ${r.heartbeatAgeSeconds}s ago)` : " · nobody drives it: `mlops promote` or `mlops abort` carries it on";
      lines.push(`  rollout     ${r.id}: ${rolloutWords(r)}, ${r.phase}, step ${Math.max(0, r.step)}/${r.steps} · ${r.weight}% on ${r.newConfig}${driver}`);
    } else {
      lines.push(`  rollout     ${r.id}: ${rolloutWords(r)} to ${r.newConfig}, ${r.phase}`);
    }
  }
  if (s.alarms.length > 0) lines.push(`  alarms      ${s.alarms.map((a) => `${a.name} ${a.state === "ALARM" ? style.red(a.state) : (a.state ?? "(not read: AWS is throttling)")}`).join(", ")}`);
  if (s.previousEndpointConfig) lines.push(`  rollback    to ${s.previousEndpointConfig}${s.previousEndpointConfigMissing ? style.red(" (missing: deleted outside mlops)") : ""}`);
  if (s.failureReason) lines.push(`  failure     ${s.failureReason}`);
  return lines.join("\n");
}

/**
 * The endpoint a command works on: --endpoint, MLOPS_ENDPOINT, mlops.yaml endpoint.name, else
 * asked on a terminal. Throws UsageError (MissingInputError when it cannot ask).
 */
export async function resolveEndpointName(options: { endpoint?: string }, ctx: Context): Promise<string> {
  const name = resolveSetting({ flag: ["--endpoint", options.endpoint], env: "MLOPS_ENDPOINT", file: ["endpoint.name", ctx.config.values.endpoint?.name] }, ctx.env, (source, v) =>
    checkResourceName(source, String(v)),
  );
  if (name !== undefined) return name;
  if (!ctx.prompt.interactive) throw new MissingInputError("--endpoint");
  return ctx.prompt.text({
    flag: "--endpoint",
    message: "Endpoint name",
    // The name's rule, and an endpoint that exists: every command that asks here works on one.
    validate: validator(async (v) => {
      checkResourceName("--endpoint", v);
      if (!(await describeEndpoint(ctx.aws, v))) throw new UsageError(`there is no endpoint named ${v}`, { hint: "check the name and region (`mlops doctor` shows the region)" });
    }),
  });
}

/** The pace of a command that reads an endpoint (and books what ended): poll, clock, Ctrl-C. */
export function commandPace(ctx: Context, pollSeconds: number, limitMs = 900_000): Pace {
  return { clock: ctx.clock, signal: ctx.signal, pollSeconds, deadline: ctx.clock.now().getTime() + limitMs };
}

export async function run(options: StatusOptions, ctx: Context): Promise<void> {
  const endpoint = await resolveEndpointName(options, ctx);
  const pollSeconds = resolvePollSeconds(options.poll, ctx.env, ctx.config.values);
  const pace = commandPace(ctx, pollSeconds);
  const { observation: first, booked } = await reconcile({ aws: ctx.aws, io: ctx.io, clock: ctx.clock, pace }, endpoint);
  if (!options.watch || !inProgress(first)) {
    ctx.io.emit(statusReport(first, ctx.clock.now(), booked, await servingConfigMissing(ctx, first)), renderStatus);
    // --watch on a rollout that ended just before: its ending, booked now, is what the watch reports.
    if (options.watch && booked) exitFor(endpoint, first, booked.outcome);
    return;
  }

  // Watch until nothing is in progress, then book the ending; the exit code tells how it ended.
  if (first.verdict.kind === "stalled") ctx.io.info(`rollout ${first.rollout!.id} on ${endpoint} waits with nobody driving it (${first.verdict.why}): the watch goes on until \`mlops promote\` or \`mlops abort\` moves it`);
  else if (first.rollout?.phase === "paused") ctx.io.info(`rollout ${first.rollout.id} on ${endpoint} is paused at ${first.rollout.weight}% on the new version: the watch goes on until \`mlops promote\` or \`mlops abort\` moves it`);
  const view = new RolloutView(ctx.io, endpoint);
  const watchPace = { ...pace, deadline: ctx.clock.now().getTime() + WATCH_LIMIT_MS };
  try {
    await pollUntil(watchPace, async () => {
      const o = await observe(ctx.aws, endpoint, ctx.clock.now());
      // Phase and weight come from the record only where mlops moves the traffic; a guardrail
      // update's record stays "updating" at weight 0 until booked, which is not the endpoint's truth.
      const driven = o.rolloutActive && o.rollout && (o.rollout.mode === "traffic" || o.rollout.mode === "serverless") ? o.rollout : undefined;
      const phase = o.deployment ? o.deployment.phase : driven ? { phase: driven.phase, share: driven.weight } : { phase: statusWords(o.endpoint.EndpointStatus) };
      view.update({ ...phase, alarms: o.alarms.map((a) => ({ name: a.name, state: a.state })) });
      return inProgress(o) ? undefined : true;
    });
  } catch (error) {
    if (error instanceof Timeout) throw timedOut(endpoint, "still in progress after 7 days of watching");
    throw error;
  }
  view.done();
  const last = await reconcile({ aws: ctx.aws, io: ctx.io, clock: ctx.clock, pace }, endpoint, true);
  ctx.io.emit(statusReport(last.observation, ctx.clock.now(), last.booked, await servingConfigMissing(ctx, last.observation)), renderStatus);
  // Only the rollout that was under way when the watch began speaks for the exit code.
  const r = last.observation.rollout;
  const same = !!r && !!first.rollout && r.id === first.rollout.id;
  exitFor(endpoint, last.observation, same ? r.phase : undefined);
}

/** How a watched rollout ended, as an exit code: rolled back (3), failed (1), or done (0). */
function exitFor(endpoint: string, o: Observation, ending: string | undefined): void {
  const status = o.endpoint.EndpointStatus!;
  const code = endingExitCode(ending, status);
  if (code === ExitCode.Failed) {
    throw new MlopsError(`${endpoint} ${ending === "failed" && status === "InService" ? "rollout failed" : `is ${status}`}: ${o.endpoint.FailureReason ?? "see `mlops status`"}`);
  }
  if (code === ExitCode.RolledBack) throw new RolledBackError(`the rollout on ${endpoint} was rolled back; ${o.endpoint.EndpointConfigName} serves`);
}

const WATCH_LIMIT_MS = 7 * 86_400_000;

/** Whether the config the endpoint serves was deleted outside mlops (one read). */
async function servingConfigMissing(ctx: Context, o: Observation): Promise<boolean> {
  const serving = o.endpoint.EndpointConfigName;
  return !!serving && !(await describeEndpointConfig(ctx.aws, serving));
}

/** Something is still moving: SageMaker updates the endpoint, or a rollout runs or waits for promote/abort. */
function inProgress(o: Observation): boolean {
  const status = o.endpoint.EndpointStatus;
  if (status === "Failed" || status === "UpdateRollbackFailed") return false;
  return status !== "InService" || !!o.endpoint.PendingDeploymentSummary || o.verdict.kind === "running" || o.verdict.kind === "stalled";
}
