import { addTags, describeEndpointConfig, updateEndpoint } from "../aws/endpoints";
import type { Context } from "../context";
import { checkResourceName } from "../core/aws-names";
import { PREVIOUS_CONFIG_TAG } from "../core/rollout-state";
import { resolvePollSeconds } from "../core/deploy-settings";
import { MlopsError, UsageError } from "../errors";
import { watchGuardrails } from "../rollout/guardrails";
import { observe } from "../rollout/observe";
import { Timeout } from "../rollout/poll";
import { elapsedSeconds, newReport, renderReport, timedOut } from "../rollout/report";
import { RolloutView } from "../rollout/view";
import { resolveEndpointName } from "./status";

interface RollbackOptions {
  endpoint?: string;
  to?: string;
  poll?: string;
  wait?: boolean;
}

/**
 * Back to the previous config (or --to CONFIG) at once: one UpdateEndpoint, no bake. A
 * destructive step, so it is confirmed on a terminal and needs --yes elsewhere.
 */
export async function run(options: RollbackOptions, ctx: Context): Promise<void> {
  const endpoint = await resolveEndpointName(options, ctx);
  const pollSeconds = resolvePollSeconds(options.poll, ctx.env, ctx.config.values);
  if (options.to !== undefined) checkResourceName("--to", options.to);
  const started = ctx.clock.now().getTime();
  const o = await observe(ctx.aws, endpoint, ctx.clock.now());
  if (o.rolloutActive) throw new MlopsError(`a rollout on ${endpoint} is ${o.rollout!.phase}: stop it with \`mlops abort --endpoint ${endpoint}\`, which returns the traffic to the old version`);
  if (o.endpoint.EndpointStatus !== "InService") throw new MlopsError(`endpoint ${endpoint} is ${o.endpoint.EndpointStatus}: it can be rolled back once it is InService`, { hint: `for a deployment in progress, \`mlops abort --endpoint ${endpoint}\`` });
  const serving = o.endpoint.EndpointConfigName!;
  const target = options.to ?? o.previousConfig;
  if (!target) throw new UsageError(`no previous config is recorded on ${endpoint}: pass --to CONFIG`, { hint: "the previous config is recorded by a successful `mlops deploy`" });
  if (!(await describeEndpointConfig(ctx.aws, target))) throw new UsageError(`--to: there is no endpoint config named ${target}`);

  const report = newReport({ endpoint, strategy: "all-at-once", engine: "guardrails", endpointConfig: target, previousEndpointConfig: serving, command: "rollback" });
  if (target === serving) {
    report.previousEndpointConfig = null;
    ctx.io.emit(report, renderReport);
    return;
  }
  if (!(await ctx.prompt.confirm({ message: `Roll ${endpoint} back from ${serving} to ${target}, all at once?` }))) {
    throw new MlopsError("rollback cancelled; nothing was changed");
  }

  await updateEndpoint(ctx.aws, endpoint, target);
  if (options.wait !== false) {
    const view = new RolloutView(ctx.io, endpoint);
    try {
      const result = await watchGuardrails({ aws: ctx.aws, io: ctx.io, view, endpoint, clock: ctx.clock, signal: ctx.signal, pollSeconds, deadline: started + 3600_000 }, target, []);
      view.done();
      report.outcome = result.outcome;
      report.failureReason = result.failureReason;
    } catch (error) {
      if (error instanceof Timeout) throw timedOut(endpoint, `still going back to ${target}`);
      throw error;
    }
  } else {
    report.outcome = "started";
  }
  // The config we left becomes the way back.
  if (report.outcome === "deployed") await addTags(ctx.aws, o.endpoint.EndpointArn!, { [PREVIOUS_CONFIG_TAG]: serving });
  report.durationSeconds = elapsedSeconds(ctx.clock, started);
  ctx.io.emit(report, renderReport);
  if (report.outcome === "failed" || report.outcome === "rolled-back") throw new MlopsError(`the rollback of ${endpoint} to ${target} did not complete: ${report.failureReason}`);
}
