import type { Context } from "../context";
import { checkResourceName } from "../core/aws-names";
import { formatDuration } from "../core/duration";
import { STRATEGY_WORDS } from "../core/rollout-plan";
import { resolvePollSeconds } from "../core/deploy-settings";
import { MissingInputError, MlopsError, RolledBackError } from "../errors";
import { watchGuardrails } from "../rollout/guardrails";
import { observe, type Observation } from "../rollout/observe";
import { pollUntil, Timeout, type Pace } from "../rollout/poll";
import { timedOut } from "../rollout/report";
import { RolloutView } from "../rollout/view";

interface StatusOptions {
  endpoint?: string;
  watch?: boolean;
  poll?: string;
}

export interface StatusReport {
  endpoint: string;
  status: string;
  endpointConfig: string | null;
  failureReason: string | null;
  variants: Array<{ name: string; currentWeight: number | null; desiredWeight: number | null; instances: number | null; serverless: boolean }>;
  deployment: { endpointConfig: string; phase: string; share: number | null; bakeLeftSeconds: number | null } | null;
  rollout: {
    id: string;
    engine: string;
    strategy: string;
    phase: string;
    step: number;
    steps: number;
    weight: number;
    oldConfig: string;
    newConfig: string;
    driven: boolean;
    heartbeatAgeSeconds: number;
  } | null;
  alarms: Array<{ name: string; state: string }>;
  previousEndpointConfig: string | null;
}

export function statusReport(o: Observation, now: Date): StatusReport {
  const e = o.endpoint;
  const r = o.rollout;
  return {
    endpoint: e.EndpointName!,
    status: e.EndpointStatus!,
    endpointConfig: e.EndpointConfigName ?? null,
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
        }
      : null,
    alarms: o.alarms.map((a) => ({ name: a.name, state: a.state })),
    previousEndpointConfig: o.previousConfig ?? null,
  };
}

export function renderStatus(s: StatusReport, style: { bold(x: string): string; dim(x: string): string; red(x: string): string; green(x: string): string }): string {
  const total = s.variants.reduce((sum, v) => sum + (v.currentWeight ?? 0), 0) || 1;
  const lines = [`${style.bold(s.endpoint)}  ${s.status}  serving ${s.endpointConfig ?? "-"}`];
  for (const v of s.variants) {
    const share = `${Math.round((100 * (v.currentWeight ?? 0)) / total)}%`;
    lines.push(`  variant     ${v.name}  ${share}${v.desiredWeight !== v.currentWeight ? ` → weight ${v.desiredWeight}` : ""}  ${v.serverless ? "serverless" : `${v.instances ?? "?"} instance(s)`}`);
  }
  if (s.deployment) {
    const d = s.deployment;
    lines.push(`  deployment  guardrails → ${d.endpointConfig}: ${d.phase}${d.share !== null ? ` · ${Math.round(d.share)}% on the new version` : ""}${d.bakeLeftSeconds !== null ? ` · ${formatDuration(d.bakeLeftSeconds)} left` : ""}`);
  }
  if (s.rollout) {
    const r = s.rollout;
    const driver = ["done", "rolled-back", "interrupted", "failed"].includes(r.phase) ? "" : r.driven ? ` · driven (heartbeat ${r.heartbeatAgeSeconds}s ago)` : " · nobody drives it: `mlops promote` or `mlops abort` carries it on";
    lines.push(`  rollout     ${r.id}: ${STRATEGY_WORDS[r.strategy as keyof typeof STRATEGY_WORDS] ?? r.strategy} on the ${r.engine} engine, ${r.phase}, step ${Math.max(0, r.step)}/${r.steps} · ${r.weight}% on ${r.newConfig}${driver}`);
  }
  if (s.alarms.length > 0) lines.push(`  alarms      ${s.alarms.map((a) => `${a.name} ${a.state === "ALARM" ? style.red(a.state) : a.state}`).join(", ")}`);
  if (s.previousEndpointConfig) lines.push(`  rollback    to ${s.previousEndpointConfig}`);
  if (s.failureReason) lines.push(`  failure     ${s.failureReason}`);
  return lines.join("\n");
}

export async function resolveEndpointName(options: { endpoint?: string }, ctx: Context): Promise<string> {
  const name = options.endpoint ?? ctx.config.values.endpoint?.name;
  if (name === undefined) {
    if (!ctx.prompt.interactive) throw new MissingInputError("--endpoint");
    return checkResourceName("--endpoint", await ctx.prompt.text({ flag: "--endpoint", message: "Endpoint name" }));
  }
  return checkResourceName("--endpoint", name);
}

export async function run(options: StatusOptions, ctx: Context): Promise<void> {
  const endpoint = await resolveEndpointName(options, ctx);
  const pollSeconds = resolvePollSeconds(options.poll, ctx.env, ctx.config.values);
  const first = await observe(ctx.aws, endpoint, ctx.clock.now());
  if (!options.watch || (!first.deployment && !first.rolloutActive && first.endpoint.EndpointStatus === "InService")) {
    ctx.io.emit(statusReport(first, ctx.clock.now()), renderStatus);
    return;
  }

  // Watch until nothing is in progress; the exit code tells how it ended.
  const view = new RolloutView(ctx.io, endpoint);
  const pace = { clock: ctx.clock, signal: ctx.signal, pollSeconds, deadline: ctx.clock.now().getTime() + WATCH_LIMIT_MS };
  let ending: Ending;
  try {
    ending = first.deployment ? await watchDeployment(first, pace, view, ctx) : await watchRollout(first, pace, view, ctx);
  } catch (error) {
    if (error instanceof Timeout) throw timedOut(endpoint, "still in progress after 7 days of watching");
    throw error;
  }
  view.done();
  const last = await observe(ctx.aws, endpoint, ctx.clock.now());
  ctx.io.emit(statusReport(last, ctx.clock.now()), renderStatus);
  if (ending === "rolled-back") throw new RolledBackError(`the rollout on ${endpoint} was rolled back; ${last.endpoint.EndpointConfigName} serves`);
  if (ending === "failed") throw new MlopsError(`${endpoint} ${last.rollout?.phase === "failed" ? "rollout failed" : `is ${last.endpoint.EndpointStatus}`}: ${last.endpoint.FailureReason ?? "see \`mlops status\`"}`);
}

const WATCH_LIMIT_MS = 7 * 86_400_000;
type Ending = "ok" | "rolled-back" | "failed";

async function watchDeployment(first: Observation, pace: Pace, view: RolloutView, ctx: Context): Promise<Ending> {
  const result = await watchGuardrails({ ...pace, aws: ctx.aws, io: ctx.io, view, endpoint: first.endpoint.EndpointName! }, first.deployment!.config, first.deployment!.alarms);
  return result.outcome === "rolled-back" ? "rolled-back" : result.outcome === "failed" ? "failed" : "ok";
}

/** Follow a traffic rollout (or an endpoint changing state) until it settles, fails or rolls back. */
async function watchRollout(first: Observation, pace: Pace, view: RolloutView, ctx: Context): Promise<Ending> {
  const endpoint = first.endpoint.EndpointName!;
  return pollUntil(pace, async (): Promise<Ending | undefined> => {
    const o = await observe(ctx.aws, endpoint, ctx.clock.now());
    const r = o.rollout;
    const status = o.endpoint.EndpointStatus!;
    view.update({ phase: r && o.rolloutActive ? r.phase : status.toLowerCase(), share: o.rolloutActive ? r?.weight : undefined, alarms: o.alarms.map((a) => ({ name: a.name, state: a.state })) });
    if (status === "Failed" || status === "UpdateRollbackFailed") return "failed";
    if (o.rolloutActive || status !== "InService") return undefined;
    // Only a rollout that ended while we watched speaks for the exit code.
    const same = r && first.rollout && r.id === first.rollout.id && first.rolloutActive;
    if (same && r.phase === "rolled-back") return "rolled-back";
    if (same && (r.phase === "failed" || r.phase === "interrupted")) return "failed";
    return "ok";
  });
}
