import { alarmStates, type AlarmState } from "../aws/alarms";
import { addTags, deleteTags, describeEndpoint, listTags, updateEndpoint, updateWeights } from "../aws/endpoints";
import { encodeRollout, decodeRollout, ROLLOUT_TAG_PREFIX, type RolloutPhase, type RolloutState } from "../core/rollout-state";
import { InterruptedError, MlopsError } from "../errors";
import { bake, pollUntil, type Pace } from "./poll";
import type { RolloutEnv, RolloutResult } from "./types";

/**
 * mlops's own traffic engine. The new version joins as a second production variant at weight 0;
 * mlops moves the weights step by step (UpdateEndpointWeightsAndCapacities), watching the
 * alarms between and during steps; an alarm sends the new variant to weight 0 at once, then the
 * endpoint goes back to its old config. On success it moves to a config with the new version
 * alone. The state lives in the endpoint's tags, so that another shell can promote or abort, or
 * drive the rollout on when nobody does.
 *
 * Serverless endpoints hold one variant: the "serverless" mode updates the config all at once
 * and watches the alarms for the bake, going back to the old config on an alarm.
 */

type Ended = { result: RolloutResult };

export class TrafficDriver {
  private alarms: AlarmState[] = [];

  constructor(
    private readonly env: RolloutEnv,
    private readonly arn: string,
    private readonly state: RolloutState,
  ) {}

  /** Start a new rollout: clear the last rollout's tags, record this one, update the endpoint. */
  async start(options: { stopAtFirstStep: boolean }): Promise<RolloutResult> {
    const previous = await listTags(this.env.aws, this.arn);
    await deleteTags(this.env.aws, this.arn, Object.keys(previous).filter((k) => k.startsWith(ROLLOUT_TAG_PREFIX)));
    await this.save("preparing");
    await updateEndpoint(this.env.aws, this.env.endpoint, this.state.mode === "serverless" ? this.state.newConfig : this.state.mixConfig!);
    return this.drive(options);
  }

  /** Carry a rollout on from its state: the one that started it, or `promote`/`abort` from elsewhere. */
  async drive(options: { stopAtFirstStep: boolean }): Promise<RolloutResult> {
    try {
      const ended = await this.steps(options);
      return ended.result;
    } catch (error) {
      if (this.env.signal.aborted) throw await this.interrupted();
      throw error;
    }
  }

  private async steps(options: { stopAtFirstStep: boolean }): Promise<Ended> {
    const s = this.state;
    if (s.phase === "preparing") {
      const target = s.mode === "serverless" ? s.newConfig : s.mixConfig!;
      const up = await this.waitServing(target);
      if (up !== true) return this.ended("rolled-back", s.oldConfig, `the new version did not come up, so SageMaker kept the old config: ${up}`);
      if (s.mode === "serverless") s.weight = 100;
    }
    if (s.command === "abort") return this.rollback("aborted by `mlops abort`", undefined);

    for (let i = s.step + 1; i < s.steps.length; i++) {
      const step = s.steps[i]!;
      const last = i === s.steps.length - 1;
      if (s.mode === "traffic") await this.shift(step.weight);
      s.step = i;
      s.weight = step.weight;
      if (i === 0 && !last && (s.pause || options.stopAtFirstStep)) {
        if (options.stopAtFirstStep && !s.pause) {
          await this.save("paused");
          return this.ended("paused", s.mode === "traffic" ? s.mixConfig! : s.newConfig, null);
        }
        const held = await this.watch("paused", Infinity);
        if (typeof held === "object") return held;
        if (held === "promote-full") i = s.steps.length - 2;
        continue;
      }
      const baked = await this.watch("baking", step.bake);
      if (typeof baked === "object") return baked;
      if (baked === "promote-full") i = s.steps.length - 2;
    }
    return this.finalize();
  }

  /** Watch alarms and commands for `seconds` (Infinity: until promoted); beat the heartbeat on every poll. */
  private async watch(phase: RolloutPhase, seconds: number): Promise<Ended | "promote" | "promote-full" | undefined> {
    await this.save(phase);
    const untilPromoted = seconds === Infinity;
    const pace: Pace = untilPromoted ? { ...this.env, deadline: this.env.deadline } : this.env;
    return bake(pace, untilPromoted ? Number.MAX_SAFE_INTEGER / 2000 : seconds, async (left) => {
      this.alarms = this.s().alarms.length > 0 ? await alarmStates(this.env.aws, this.s().alarms) : [];
      this.view(phase === "paused" ? "paused: waiting for `mlops promote`" : "baking", untilPromoted ? undefined : left);
      const fired = this.alarms.find((a) => a.state === "ALARM");
      if (fired) return this.rollback(`alarm ${fired.name} went into ALARM: ${fired.reason}`, fired);
      const tags = await listTags(this.env.aws, this.arn);
      const command = decodeRollout(tags)?.command;
      if (command) {
        this.s().command = undefined;
        await deleteTags(this.env.aws, this.arn, [`${ROLLOUT_TAG_PREFIX}command`]);
        if (command === "abort") return this.rollback("aborted by `mlops abort`", undefined);
        return command;
      }
      this.s().heartbeat = this.env.clock.now().getTime();
      await addTags(this.env.aws, this.arn, { [`${ROLLOUT_TAG_PREFIX}heartbeat`]: String(this.s().heartbeat) });
      return undefined;
    });
  }

  /** Move `weight` percent of the traffic to the new variant, the rest to the old ones as they were split. */
  private async shift(weight: number): Promise<void> {
    const s = this.state;
    await this.save("shifting");
    await this.waitInService();
    await updateWeights(this.env.aws, this.env.endpoint, this.weights(weight));
    s.weight = weight;
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

  /** Traffic back to the old version: weight 0 at once (traffic mode), then the old config. */
  private async rollback(reason: string, alarm: AlarmState | undefined): Promise<Ended> {
    const s = this.state;
    let reaction: number | null = null;
    await this.save("rolling-back");
    if (s.mode === "traffic") {
      await this.waitInService();
      await updateWeights(this.env.aws, this.env.endpoint, this.weights(0));
    } else {
      await this.waitInService();
      await updateEndpoint(this.env.aws, this.env.endpoint, s.oldConfig);
    }
    if (alarm) reaction = Math.max(0, (this.env.clock.now().getTime() - alarm.since) / 1000);
    s.weight = 0;
    this.view("rolling back: traffic is going back to the old version");
    await this.save("rolling-back");
    if (s.mode === "traffic") {
      await this.waitWeight(0);
      await updateEndpoint(this.env.aws, this.env.endpoint, s.oldConfig);
    }
    const back = await this.waitServing(s.oldConfig);
    if (back !== true) throw new MlopsError(`the endpoint did not go back to ${s.oldConfig}: ${back}`, { hint: `see \`mlops status --endpoint ${this.env.endpoint}\`` });
    return this.ended("rolled-back", s.oldConfig, reason, alarm?.name ?? null, reaction);
  }

  private async finalize(): Promise<Ended> {
    const s = this.state;
    if (s.mode === "traffic") {
      await this.save("finalizing");
      this.view("moving to the new version alone");
      await this.waitInService();
      await updateEndpoint(this.env.aws, this.env.endpoint, s.newConfig);
      const done = await this.waitServing(s.newConfig);
      if (done !== true) return this.ended("failed", s.mixConfig!, `the final update to ${s.newConfig} did not happen: ${done}`);
    }
    return this.ended("deployed", s.newConfig, null);
  }

  private async ended(outcome: RolloutResult["outcome"], config: string, reason: string | null, firedAlarm: string | null = null, reaction: number | null = null): Promise<Ended> {
    const phase: RolloutPhase = outcome === "deployed" ? "done" : outcome === "paused" ? "paused" : outcome === "failed" ? "failed" : "rolled-back";
    await this.save(phase);
    this.view(outcome === "deployed" ? "done" : outcome === "paused" ? "paused: continue with `mlops promote`" : outcome);
    return {
      result: {
        outcome,
        endpointConfig: config,
        alarms: this.alarms.map((a) => ({ name: a.name, state: a.state })),
        failureReason: reason,
        firedAlarm,
        rollbackReactionSeconds: reaction,
      },
    };
  }

  /**
   * Ctrl-C: put all traffic back on the old version before leaving, with calls that are not
   * aborted, then start the update back to the old config and say what was left.
   */
  private async interrupted(): Promise<InterruptedError> {
    const s = this.state;
    const env: RolloutEnv = { ...this.env, aws: this.env.aws.detached(), signal: new AbortController().signal, deadline: this.env.clock.now().getTime() + 600_000 };
    const safe = new TrafficDriver(env, this.arn, s);
    try {
      const endpoint = await describeEndpoint(env.aws, env.endpoint);
      const serving = endpoint?.EndpointConfigName;
      if (s.mode === "traffic" && serving === s.mixConfig) {
        await safe.waitInService();
        await updateWeights(env.aws, env.endpoint, safe.weights(0));
        s.weight = 0;
        await safe.waitWeight(0);
        await updateEndpoint(env.aws, env.endpoint, s.oldConfig);
      } else if (serving !== s.oldConfig) {
        await safe.waitInService();
        await updateEndpoint(env.aws, env.endpoint, s.oldConfig);
      }
      s.weight = 0;
      await safe.save("interrupted");
      return new InterruptedError(`interrupted: all traffic is back on the old version; the endpoint is updating back to ${s.oldConfig}`, {
        hint: `follow it with \`mlops status --endpoint ${env.endpoint} --watch\``,
      });
    } catch (error) {
      return new InterruptedError(`interrupted, and returning traffic to the old version failed: ${(error as Error).message}`, {
        hint: `check \`mlops status --endpoint ${env.endpoint}\` and run \`mlops rollback --endpoint ${env.endpoint} --to ${s.oldConfig}\``,
      });
    }
  }

  private s(): RolloutState {
    return this.state;
  }

  private view(phase: string, bakeLeft?: number): void {
    this.env.view.update({ phase, share: this.state.weight, alarms: this.alarms.map((a) => ({ name: a.name, state: a.state })), bakeLeft });
  }

  private async save(phase: RolloutPhase): Promise<void> {
    const now = this.env.clock.now().getTime();
    if (this.state.phase !== phase) this.state.phaseSince = now;
    this.state.phase = phase;
    this.state.heartbeat = now;
    await addTags(this.env.aws, this.arn, encodeRollout(this.state));
  }

  private async waitInService(): Promise<void> {
    await pollUntil(this.env, async () => {
      const endpoint = await describeEndpoint(this.env.aws, this.env.endpoint);
      if (!endpoint) throw new MlopsError(`endpoint ${this.env.endpoint} disappeared during the rollout`);
      if (endpoint.EndpointStatus === "Failed") throw new MlopsError(`endpoint ${this.env.endpoint} failed: ${endpoint.FailureReason ?? "no reason given"}`);
      return endpoint.EndpointStatus === "InService" ? true : undefined;
    });
  }

  private async waitWeight(weight: number): Promise<void> {
    await pollUntil(this.env, async () => {
      const endpoint = await describeEndpoint(this.env.aws, this.env.endpoint);
      const variant = endpoint?.ProductionVariants?.find((v) => v.VariantName === this.state.newVariant);
      return endpoint?.EndpointStatus === "InService" && variant && Math.abs((variant.CurrentWeight ?? 0) - weight) < 1e-6 ? true : undefined;
    });
  }

  /** true once `config` serves; otherwise why not (the update was rolled back). */
  private async waitServing(config: string): Promise<true | string> {
    let sawUpdate = false;
    return pollUntil(this.env, async () => {
      const endpoint = await describeEndpoint(this.env.aws, this.env.endpoint);
      if (!endpoint) throw new MlopsError(`endpoint ${this.env.endpoint} disappeared during the rollout`);
      if (endpoint.EndpointStatus !== "InService") sawUpdate = true;
      this.view(endpoint.EndpointStatus === "InService" ? "in service" : `updating to ${config}`);
      if (endpoint.EndpointStatus === "Failed" || endpoint.EndpointStatus === "UpdateRollbackFailed") return `${endpoint.EndpointStatus}: ${endpoint.FailureReason ?? "no reason given"}`;
      if (endpoint.EndpointStatus !== "InService") return undefined;
      if (endpoint.EndpointConfigName === config) return true;
      return sawUpdate ? (endpoint.FailureReason ?? `SageMaker kept ${endpoint.EndpointConfigName}`) : undefined;
    });
  }
}
