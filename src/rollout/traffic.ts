import { alarmStates, type AlarmState } from "../aws/alarms";
import { addTags, deleteTags, describeEndpoint, listTags, updateEndpoint, updateWeights, type Endpoint } from "../aws/endpoints";
import { encodeRollout, decodeRollout, ROLLOUT_TAG_PREFIX, type RolloutPhase, type RolloutState } from "../core/rollout-state";
import { MlopsError, SettledInterruptError } from "../errors";
import { bake, pollUntil, Timeout } from "./poll";
import type { RolloutEnv, RolloutResult } from "./types";

/**
 * mlops's own traffic engine. The new version joins as a second production variant at weight 0;
 * mlops moves the weights step by step (UpdateEndpointWeightsAndCapacities), watching the
 * alarms between and during steps; an alarm sends the new variant to weight 0 at once, then the
 * endpoint goes back to its old config. On success it moves to a config with the new version
 * alone. The state lives in the endpoint's tags, with a heartbeat on every poll, so that another
 * shell can promote or abort, or drive the rollout on when nobody does.
 *
 * Serverless endpoints hold one variant: the "serverless" mode updates the config all at once
 * and watches the alarms for the bake, going back to the old config on an alarm.
 *
 * Whatever stops a rollout early (an alarm, `abort`, Ctrl-C, a timeout, an AWS error) ends in
 * the same place: all traffic back on the old version.
 */

type Ended = { result: RolloutResult };

export class TrafficDriver {
  private alarms: AlarmState[] = [];
  private lastBeat = 0;

  constructor(
    private readonly env: RolloutEnv,
    private readonly arn: string,
    private readonly state: RolloutState,
  ) {}

  /** Start a new rollout: clear the last rollout's tags, record this one, update the endpoint. */
  async start(options: { stopBeforeTraffic: boolean }): Promise<RolloutResult> {
    const previous = await listTags(this.env.aws, this.arn);
    await deleteTags(this.env.aws, this.arn, Object.keys(previous).filter((k) => k.startsWith(ROLLOUT_TAG_PREFIX)));
    await this.save("preparing");
    await updateEndpoint(this.env.aws, this.env.endpoint, this.target());
    this.updateIssued = true;
    return this.drive(options);
  }

  /** Set when this process has just started the update, which a describe may not show yet. */
  private updateIssued = false;

  /** Carry a rollout on from its state: the one that started it, or `promote`/`abort` from elsewhere. */
  async drive(options: { stopBeforeTraffic: boolean }): Promise<RolloutResult> {
    try {
      return (await this.steps(options)).result;
    } catch (error) {
      throw await this.stopped(error);
    }
  }

  private async steps(options: { stopBeforeTraffic: boolean }): Promise<Ended> {
    const s = this.state;
    const command = s.command;
    if (command) {
      s.command = undefined;
      await deleteTags(this.env.aws, this.arn, [`${ROLLOUT_TAG_PREFIX}command`]);
    }
    if (command === "abort" || s.phase === "rolling-back") return this.rollback("aborted by `mlops abort`", undefined);
    if (s.phase === "finalizing") return this.finalize();
    if (s.phase === "preparing") {
      const up = await this.prepare();
      if (up !== true) return this.ended("rolled-back", s.oldConfig, `the new version did not come up, so SageMaker kept the old config: ${up}`);
      if (s.mode === "serverless") s.weight = 100;
      if (options.stopBeforeTraffic && s.mode === "traffic") {
        await this.save("paused");
        return this.ended("paused", this.target(), null);
      }
    }
    // A promote from another shell: --full skips to the last step, a plain one goes on.
    let i = command === "promote-full" ? s.steps.length - 1 : s.step + 1;
    for (; i < s.steps.length; i++) {
      const step = s.steps[i]!;
      const last = i === s.steps.length - 1;
      if (s.mode === "traffic") await this.shift(step.weight);
      s.step = i;
      s.weight = step.weight;
      const hold = i === 0 && !last && s.pause && command === undefined;
      const outcome = await this.watch(hold ? "paused" : "baking", hold ? Infinity : step.bake);
      if (typeof outcome === "object") return outcome;
      if (outcome === "promote-full") i = s.steps.length - 2;
    }
    return this.finalize();
  }

  /** Make sure the update to the mix (or serverless new) config went out, then wait for it. */
  private async prepare(): Promise<true | string> {
    const endpoint = await this.describe();
    // Resuming after a crash between recording the rollout and starting the update: start it now.
    if (!this.updateIssued && endpoint.EndpointStatus === "InService" && endpoint.EndpointConfigName === this.state.oldConfig && !endpoint.PendingDeploymentSummary) {
      await updateEndpoint(this.env.aws, this.env.endpoint, this.target());
    }
    return this.waitServing(this.target());
  }

  /** Watch alarms and commands for `seconds` (Infinity: until promoted). */
  private async watch(phase: RolloutPhase, seconds: number): Promise<Ended | "promote" | "promote-full" | undefined> {
    await this.save(phase);
    const forever = seconds === Infinity;
    return bake(this.env, forever ? Number.MAX_SAFE_INTEGER / 2000 : seconds, async (left) => {
      this.alarms = this.state.alarms.length > 0 ? await alarmStates(this.env.aws, this.state.alarms) : [];
      this.view(phase === "paused" ? "paused: waiting for `mlops promote`" : "baking", forever ? undefined : left);
      const fired = this.alarms.find((a) => a.state === "ALARM");
      if (fired) return this.rollback(`alarm ${fired.name} went into ALARM: ${fired.reason}`, fired);
      const command = decodeRollout(await listTags(this.env.aws, this.arn))?.command;
      if (command) {
        await deleteTags(this.env.aws, this.arn, [`${ROLLOUT_TAG_PREFIX}command`]);
        if (command === "abort") return this.rollback("aborted by `mlops abort`", undefined);
        return command;
      }
      await this.beat();
      return undefined;
    });
  }

  /** Move `weight` percent of the traffic to the new variant, the rest to the old ones as they were split. */
  private async shift(weight: number): Promise<void> {
    await this.save("shifting");
    await this.waitInService();
    await updateWeights(this.env.aws, this.env.endpoint, this.weights(weight));
    this.state.weight = weight;
    this.view(`moving ${weight}% of traffic to the new version`);
    await this.waitWeight(weight);
  }

  private weights(weight: number) {
    const s = this.state;
    const total = s.oldVariants.reduce((sum, v) => sum + v.weight, 0) || 1;
    return [
      ...s.oldVariants.map((v) => ({ VariantName: v.name, DesiredWeight: Math.round(((100 - weight) * v.weight * 1000) / total) / 1000 })),
      { VariantName: s.newVariant!, DesiredWeight: weight },
    ];
  }

  /** Traffic back to the old version, then wait until the old config serves alone. */
  private async rollback(reason: string, alarm: AlarmState | undefined): Promise<Ended> {
    await this.save("rolling-back");
    const safeAt = await this.returnToOld();
    const reaction = alarm ? Math.max(0, (safeAt - alarm.since) / 1000) : null;
    const back = await this.waitServing(this.state.oldConfig);
    if (back !== true) throw new MlopsError(`the endpoint did not go back to ${this.state.oldConfig}: ${back}`, { hint: `see \`mlops status --endpoint ${this.env.endpoint}\`` });
    return this.ended("rolled-back", this.state.oldConfig, reason, alarm?.name ?? null, reaction);
  }

  /**
   * Put all traffic back on the old version from whatever serves now, and start the update back
   * to the old config. Returns when the traffic is safe (epoch ms): the new variant's weight at 0
   * in the traffic mode, the old config serving again in the serverless one.
   */
  private async returnToOld(): Promise<number> {
    const s = this.state;
    let endpoint = await this.describe();
    if (endpoint.EndpointStatus !== "InService") {
      await this.waitInService();
      endpoint = await this.describe();
    }
    const serving = endpoint.EndpointConfigName;
    if (serving === s.oldConfig) return this.env.clock.now().getTime();
    if (serving === s.mixConfig && s.newVariant) {
      const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === s.newVariant);
      if ((variant?.CurrentWeight ?? 0) > 0 || (variant?.DesiredWeight ?? 0) > 0) {
        await updateWeights(this.env.aws, this.env.endpoint, this.weights(0));
        s.weight = 0;
        this.view("rolling back: traffic is going back to the old version");
        await this.waitWeight(0);
      }
      const safeAt = this.env.clock.now().getTime();
      s.weight = 0;
      await this.save("rolling-back");
      await updateEndpoint(this.env.aws, this.env.endpoint, s.oldConfig);
      return safeAt;
    }
    // Serverless, or the new config alone: only the old config takes the traffic back.
    await updateEndpoint(this.env.aws, this.env.endpoint, s.oldConfig);
    this.view("rolling back: the endpoint is going back to the old config");
    const back = await this.waitServing(s.oldConfig);
    s.weight = 0;
    if (back !== true) throw new MlopsError(`the endpoint did not go back to ${s.oldConfig}: ${back}`);
    return this.env.clock.now().getTime();
  }

  private async finalize(): Promise<Ended> {
    const s = this.state;
    if (s.mode === "traffic") {
      await this.save("finalizing");
      this.view("moving to the new version alone");
      const endpoint = await this.describe();
      if (endpoint.EndpointConfigName !== s.newConfig) {
        await this.waitInService();
        await updateEndpoint(this.env.aws, this.env.endpoint, s.newConfig);
      }
      const done = await this.waitServing(s.newConfig);
      if (done !== true) return this.ended("failed", s.mixConfig!, `the final update to ${s.newConfig} did not happen: ${done}`);
    }
    return this.ended("deployed", s.newConfig, null);
  }

  private async ended(outcome: RolloutResult["outcome"], config: string, reason: string | null, firedAlarm: string | null = null, reaction: number | null = null): Promise<Ended> {
    const phase: RolloutPhase = outcome === "deployed" ? "done" : outcome === "paused" ? "paused" : outcome === "failed" ? "failed" : "rolled-back";
    await this.save(phase);
    this.view(outcome === "deployed" ? "done" : outcome === "paused" ? "paused at weight 0: `mlops promote` moves the traffic" : outcome);
    return { result: { outcome, endpointConfig: config, alarms: this.alarms.map((a) => ({ name: a.name, state: a.state })), failureReason: reason, firedAlarm, rollbackReactionSeconds: reaction } };
  }

  /**
   * Ctrl-C, a timeout or an AWS error: the rollout cannot go on, so put the traffic back on the
   * old version first, with calls that are not aborted and a deadline of their own.
   */
  private async stopped(error: unknown): Promise<unknown> {
    const interrupted = this.env.signal.aborted;
    const env: RolloutEnv = { ...this.env, aws: this.env.aws.detached(), signal: new AbortController().signal, deadline: this.env.clock.now().getTime() + 900_000 };
    const safe = new TrafficDriver(env, this.arn, this.state);
    let restored: string;
    try {
      await safe.returnToOld();
      await safe.save(interrupted ? "interrupted" : "rolled-back");
      restored = `all traffic is back on the old version; the endpoint is going back to ${this.state.oldConfig}`;
    } catch (cleanupError) {
      restored = `returning the traffic to the old version failed too (${(cleanupError as Error).message}); run \`mlops rollback --endpoint ${this.env.endpoint} --to ${this.state.oldConfig}\``;
    }
    if (interrupted) return new SettledInterruptError(`interrupted: ${restored}`, { hint: `follow it with \`mlops status --endpoint ${this.env.endpoint} --watch\`` });
    if (error instanceof Timeout) return Object.assign(error, { note: restored });
    this.env.io.warn(`the rollout stopped on an error: ${restored}`);
    return error;
  }

  private view(phase: string, bakeLeft?: number): void {
    this.env.view.update({ phase, share: this.state.weight, alarms: this.alarms.map((a) => ({ name: a.name, state: a.state })), bakeLeft });
  }

  private target(): string {
    return this.state.mode === "serverless" ? this.state.newConfig : this.state.mixConfig!;
  }

  private async save(phase: RolloutPhase): Promise<void> {
    const now = this.env.clock.now().getTime();
    if (this.state.phase !== phase) this.state.phaseSince = now;
    this.state.phase = phase;
    this.state.heartbeat = now;
    this.lastBeat = now;
    await addTags(this.env.aws, this.arn, encodeRollout(this.state));
  }

  /** Tell other shells a process drives this rollout: at most once per poll. */
  private async beat(): Promise<void> {
    const now = this.env.clock.now().getTime();
    if (now - this.lastBeat < this.env.pollSeconds * 1000) return;
    this.lastBeat = now;
    this.state.heartbeat = now;
    await addTags(this.env.aws, this.arn, { [`${ROLLOUT_TAG_PREFIX}heartbeat`]: String(now) });
  }

  private async describe(): Promise<Endpoint> {
    const endpoint = await describeEndpoint(this.env.aws, this.env.endpoint);
    if (!endpoint) throw new MlopsError(`endpoint ${this.env.endpoint} disappeared during the rollout`);
    return endpoint;
  }

  /** Poll, beating the heartbeat while waiting, so that no other shell takes over a live rollout. */
  private poll<T>(check: (endpoint: Endpoint) => T | undefined): Promise<T> {
    return pollUntil(this.env, async () => {
      await this.beat();
      return check(await this.describe());
    });
  }

  private waitInService(): Promise<true> {
    return this.poll((endpoint) => {
      if (endpoint.EndpointStatus === "Failed") throw new MlopsError(`endpoint ${this.env.endpoint} failed: ${endpoint.FailureReason ?? "no reason given"}`);
      return endpoint.EndpointStatus === "InService" ? true : undefined;
    });
  }

  private waitWeight(weight: number): Promise<true> {
    return this.poll((endpoint) => {
      const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === this.state.newVariant);
      return endpoint.EndpointStatus === "InService" && variant && Math.abs((variant.CurrentWeight ?? 0) - weight) < 1e-6 ? true : undefined;
    });
  }

  /** true once `config` serves; otherwise why not (the update was rolled back or failed). */
  private waitServing(config: string): Promise<true | string> {
    let sawUpdate = false;
    return this.poll((endpoint) => {
      if (endpoint.EndpointStatus !== "InService") sawUpdate = true;
      this.view(endpoint.EndpointStatus === "InService" ? "in service" : `updating to ${config}`);
      if (endpoint.EndpointStatus === "Failed" || endpoint.EndpointStatus === "UpdateRollbackFailed") return `${endpoint.EndpointStatus}: ${endpoint.FailureReason ?? "no reason given"}`;
      if (endpoint.EndpointStatus !== "InService") return undefined;
      if (endpoint.EndpointConfigName === config) return true;
      return sawUpdate ? (endpoint.FailureReason ?? `SageMaker kept ${endpoint.EndpointConfigName}`) : undefined;
    });
  }
}
