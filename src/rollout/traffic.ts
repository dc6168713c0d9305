import { alarmStates, type AlarmState } from "../aws/alarms";
import { describeEndpoint, listTags, updateEndpoint, updateWeights, type Endpoint } from "../aws/endpoints";
import { decodeRollout, HEARTBEAT_SECONDS, type RolloutPhase, type RolloutState } from "../core/rollout-state";
import { AwsError, MlopsError, SettledInterruptError } from "../errors";
import { isTransient, MAX_BACKOFF_SECONDS, pollUntil, retrying, Timeout } from "./poll";
import { removeRecordFields, saveRecord, saveRecordFields } from "./record";
import type { RolloutEnv, RolloutResult } from "./types";

/**
 * mlops's own traffic engine. The new version joins as a production variant of its own at weight 0
 * (the mixed config, already taken by the time the driver starts); mlops moves the weights step by
 * step (UpdateEndpointWeightsAndCapacities), watching the alarms between and during steps; an
 * alarm sends the new variant to weight 0 at once, then the endpoint goes back to its old config.
 * On success it moves to a config with the new version alone, under the endpoint's variant name.
 *
 * Serverless endpoints hold one variant: the "serverless" mode has replaced the config all at once
 * and watches the alarms for the bake, going back to the old config on an alarm.
 *
 * Whatever stops a rollout early (an alarm, `abort`, Ctrl-C, a timeout, an AWS error) ends in
 * the same place: all traffic back on the old version. Throttling is not one of them: reads back
 * off and try again, and a step moves on only after the alarms were read at its end.
 *
 * The record lives in the endpoint's tags with the driver's token; it is written on each phase
 * change, with a heartbeat at most every HEARTBEAT_SECONDS. Another shell can leave a command
 * (promote, abort), or take over a rollout whose driver stopped beating: the driver that finds
 * another token in the record stops at once and leaves the traffic to it.
 */

/** Alarms are cheap to read: read them this often (seconds) during a bake, whatever the poll. */
export const ALARM_POLL_SECONDS = 3;
/** Commands taken, remembered in the record so that each shell can tell whether its own was. */
const MAX_TAKEN_COMMANDS = 5;
/** While the traffic goes back, check the endpoint this often (seconds): the reaction is what counts. */
const BRISK_POLL_SECONDS = 1;

type Ended = { result: RolloutResult };

/** Another process drives the rollout now: this one stops without touching the traffic. */
export class TakenOverError extends MlopsError {
  override name = "TakenOverError";
}

export class TrafficDriver {
  private alarms: AlarmState[] = [];
  private lastBeat: number;

  constructor(
    private readonly env: RolloutEnv,
    private readonly arn: string,
    private readonly state: RolloutState,
    /** This process's driver token. */
    private readonly token: string,
  ) {
    this.lastBeat = state.heartbeat;
  }

  /**
   * Carry a rollout on from its record: the deploy that took the endpoint (`justTook`: its update
   * may not show yet), or promote/abort from elsewhere.
   */
  async drive(options: { stopBeforeTraffic: boolean; justTook?: boolean }): Promise<RolloutResult> {
    this.justTook = !!options.justTook;
    try {
      return (await this.steps(options)).result;
    } catch (error) {
      throw await this.stopped(error);
    }
  }

  /** Set when this process has just sent the update, which a describe may not show yet. */
  // Stryker disable next-line BooleanLiteral: drive() sets it before anything reads it
  private justTook = false;

  private async steps(options: { stopBeforeTraffic: boolean }): Promise<Ended> {
    const s = this.state;
    let command = s.command;
    // A command left in the record is taken here: booked as taken (a shell waiting on its id sees
    // that), and gone from the record, id included, so a later save does not write it back.
    if (s.commandId) s.takenCommandIds = [...s.takenCommandIds, s.commandId].slice(-MAX_TAKEN_COMMANDS);
    s.command = undefined;
    s.commandId = undefined;
    if (s.driver !== this.token) {
      s.driver = this.token;
      await this.save(s.phase, true);
    }
    if (command) await removeRecordFields(this.env.aws, this.env, this.arn, ["command", "command-id"]);
    if (command === "abort" || s.phase === "rolling-back" || s.phase === "interrupted" || s.phase === "rolled-back") return this.rollback("aborted by `mlops abort`", undefined);
    if (s.phase === "finalizing") return this.finalize();
    if (s.phase === "preparing") {
      const up = await this.waitServing(this.target(), this.justTook);
      if (up !== true) return this.ended("rolled-back", s.oldConfig, `the new version did not come up, so SageMaker kept the old config: ${up}`);
      if (options.stopBeforeTraffic && s.mode === "traffic") {
        await this.save("paused");
        return this.ended("paused", this.target(), null);
      }
    }
    // Carrying on a rollout another process started: its alarms come first, and a bake that
    // process did not finish is finished, before any traffic moves on.
    if (!this.justTook && s.step >= 0) {
      const step = s.steps[s.step]!;
      const left = s.phase === "baking" && command !== "promote-full" ? Math.max(0, step.bake - (this.env.clock.now().getTime() - s.phaseSince) / 1000) : 0;
      const outcome = await this.watch("baking", left);
      if (typeof outcome === "object") return outcome;
      if (outcome === "promote-full") command = outcome;
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

  /**
   * Watch alarms and commands for `seconds` (Infinity: until promoted). Alarms are read every
   * ALARM_POLL_SECONDS, the record (commands, who drives) every poll; a transient error backs
   * off and tries again. The watch ends only after a read of the alarms at or after its end.
   */
  private async watch(phase: RolloutPhase, seconds: number): Promise<Ended | "promote" | "promote-full" | undefined> {
    await this.save(phase);
    const { clock } = this.env;
    const start = clock.now().getTime();
    // A hold (Infinity) stays Infinity.
    const until = start + seconds * 1000;
    const alarmEvery = Math.min(this.env.pollSeconds, ALARM_POLL_SECONDS) * 1000;
    let nextRecordCheck = start;
    let lastRead = -Infinity;
    let backoff = 0;
    // Stryker disable next-line EqualityOperator,UpdateOperator: a bound for a clock that stops, never reached by a clock that moves (the deadline ends the loop first)
    for (let i = 0; i < 10_000_000; i++) {
      const now = clock.now().getTime();
      if (now >= this.env.deadline) throw new Timeout();
      // Alarms and commands are read apart: AWS throttling one does not hide the other.
      let throttled = false;
      // No alarms to watch: alarmStates makes no call and answers [].
      const alarms = await this.transient(() => alarmStates(this.env.aws, this.state.alarms));
      if (alarms) {
        this.alarms = alarms;
        lastRead = now;
        this.view(phase === "paused" ? "paused: waiting for `mlops promote`" : "baking", until === Infinity ? undefined : Math.max(0, (until - now) / 1000));
        const fired = alarms.find((a) => a.state === "ALARM");
        if (fired) return this.rollback(`alarm ${fired.name} went into ALARM: ${fired.reason}`, fired);
      } else throttled = true;
      if (now >= nextRecordCheck) {
        const command = await this.transient(() => this.takeCommand());
        if (command === undefined) throttled = true;
        else {
          if (command === "abort") return this.rollback("aborted by `mlops abort`", undefined);
          if (command) return command;
          nextRecordCheck = now + this.env.pollSeconds * 1000;
          await this.transient(() => this.beat());
        }
      }
      if (throttled && backoff === 0) this.env.io.info(`${this.env.io.timestamp()} AWS is throttling: backing off; the rollout goes on`);
      backoff = throttled ? Math.min(MAX_BACKOFF_SECONDS * 1000, backoff === 0 ? alarmEvery : backoff * 2) : 0;
      if (lastRead >= until) return undefined;
      const wait = backoff > 0 ? backoff : Math.max(1, Math.min(alarmEvery, until - now));
      await clock.sleep(Math.min(wait, Math.max(1, this.env.deadline - now)), this.env.signal);
    }
    throw new Timeout();
  }

  /** The call's result, or undefined when AWS said "not now" (throttling, a 5xx); other errors are thrown. */
  private async transient<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (isTransient(error)) return undefined;
      throw error;
    }
  }

  /**
   * The record on the endpoint, after checking that it is still this rollout's and that this
   * process drives it (`takingOver`: this process is about to, whoever did before).
   */
  private async ownRecord(takingOver = false): Promise<RolloutState> {
    const record = decodeRollout(await listTags(this.env.aws, this.arn));
    if (!record || record.id !== this.state.id) throw new TakenOverError(`the rollout record on ${this.env.endpoint} is no longer ${this.state.id}: another update took the endpoint`);
    // A rollout whose ending is booked is over: nobody takes it over to move it again.
    if (takingOver && record.finished) throw new TakenOverError(`rollout ${this.state.id} on ${this.env.endpoint} has ended (${record.phase})`);
    if (!takingOver && record.driver && record.driver !== this.token) throw new TakenOverError(`another mlops process took over rollout ${this.state.id} on ${this.env.endpoint}; it drives the traffic now`);
    return record;
  }

  /** A command left by another shell (removed once taken), or null; after checking that this process still drives. */
  private async takeCommand(): Promise<RolloutState["command"] | null> {
    const record = await this.ownRecord();
    if (!record.command) return null;
    // Say whose command was taken (two shells may have given one at the same time), before removing
    // it: a shell waiting for its answer then always sees its command either pending or taken.
    if (record.commandId) {
      this.state.takenCommandIds = [...record.takenCommandIds, record.commandId].slice(-MAX_TAKEN_COMMANDS);
      await saveRecordFields(this.env.aws, this.env, this.arn, { "taken-commands": this.state.takenCommandIds.join(" ") });
    }
    await removeRecordFields(this.env.aws, this.env, this.arn, ["command", "command-id"]);
    return record.command;
  }

  /** Move `weight` percent of the traffic to the new variant, the rest to the old ones as they were split. */
  private async shift(weight: number): Promise<void> {
    await this.save("shifting");
    const endpoint = await this.waitInService();
    if (endpoint.EndpointConfigName !== this.state.mixConfig) {
      throw new TakenOverError(`${this.env.endpoint} serves ${endpoint.EndpointConfigName}, not this rollout's ${this.state.mixConfig}: another update took the endpoint`);
    }
    await updateWeights(this.env.aws, this.env.endpoint, this.weights(weight));
    this.state.weight = weight;
    this.view(`moving ${weight}% of traffic to the new version`);
    await this.waitWeight(weight, this.env);
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
    // The traffic first, the record after: a rollback is judged by how soon the traffic is safe.
    const safeAt = await this.returnToOld(true);
    await this.save("rolling-back");
    const reaction = alarm ? Math.max(0, (safeAt - alarm.since) / 1000) : null;
    const back = await this.waitServing(this.state.oldConfig, true);
    if (back !== true) throw new MlopsError(`the endpoint did not go back to ${this.state.oldConfig}: ${back}`, { hint: `see \`mlops status --endpoint ${this.env.endpoint}\`` });
    return this.ended("rolled-back", this.state.oldConfig, reason, alarm?.name ?? null, reaction, alarm?.since ?? null);
  }

  /**
   * Put all traffic back on the old version from whatever serves now, and start the update back
   * to the old config. Returns when the traffic is safe (epoch ms): the new variant's weight at 0
   * in the traffic mode, the old config serving again in the serverless one. The endpoint is
   * checked briskly meanwhile: how soon the traffic is safe is what a rollback is judged by.
   */
  private async returnToOld(fromBake = false): Promise<number> {
    const s = this.state;
    const brisk = { ...this.env, pollSeconds: BRISK_POLL_SECONDS };
    // From a bake the endpoint is known to serve the mix in service: no need to look first.
    if (fromBake && s.mode === "traffic" && s.weight > 0 && (await this.weightsToZero())) {
      s.weight = 0;
      this.view("rolling back: traffic is going back to the old version");
      await this.waitWeight(0, brisk);
    }
    let endpoint = await retrying(this.env, () => this.describe());
    if (endpoint.EndpointStatus !== "InService") endpoint = await this.waitInService(brisk);
    const serving = endpoint.EndpointConfigName;
    if (serving === s.oldConfig) {
      s.weight = 0;
      return this.env.clock.now().getTime();
    }
    if (serving === s.mixConfig && s.newVariant) {
      const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === s.newVariant);
      if ((variant?.CurrentWeight ?? 0) > 0 || (variant?.DesiredWeight ?? 0) > 0) {
        await retrying(this.env, () => updateWeights(this.env.aws, this.env.endpoint, this.weights(0)));
        s.weight = 0;
        this.view("rolling back: traffic is going back to the old version");
        await this.waitWeight(0, brisk);
      }
      const safeAt = this.env.clock.now().getTime();
      s.weight = 0;
      await retrying(this.env, () => updateEndpoint(this.env.aws, this.env.endpoint, s.oldConfig));
      await this.save("rolling-back");
      return safeAt;
    }
    // Serverless, or the new config alone: only the old config takes the traffic back.
    await retrying(this.env, () => updateEndpoint(this.env.aws, this.env.endpoint, s.oldConfig));
    this.view("rolling back: the endpoint is going back to the old config");
    const back = await this.waitServing(s.oldConfig, true, brisk);
    s.weight = 0;
    if (back !== true) throw new MlopsError(`the endpoint did not go back to ${s.oldConfig}: ${back}`);
    return this.env.clock.now().getTime();
  }

  /** Send the new variant to weight 0 at once; false if the endpoint would not take it now. */
  private async weightsToZero(): Promise<boolean> {
    try {
      await updateWeights(this.env.aws, this.env.endpoint, this.weights(0));
      return true;
    } catch (error) {
      if (error instanceof MlopsError && !(error instanceof AwsError)) throw error;
      return false;
    }
  }

  private async finalize(): Promise<Ended> {
    const s = this.state;
    if (s.mode === "traffic") {
      await this.save("finalizing");
      this.view("moving to the new version alone");
      const endpoint = await this.waitInService();
      const sent = endpoint.EndpointConfigName !== s.newConfig;
      if (sent) await updateEndpoint(this.env.aws, this.env.endpoint, s.newConfig);
      const done = await this.waitServing(s.newConfig, sent);
      if (done !== true) return this.ended("failed", s.mixConfig!, `the final update to ${s.newConfig} did not happen: ${done}`);
    }
    return this.ended("deployed", s.newConfig, null);
  }

  private async ended(outcome: RolloutResult["outcome"], config: string, reason: string | null, firedAlarm: string | null = null, reaction: number | null = null, firedAt: number | null = null): Promise<Ended> {
    const phase: RolloutPhase = outcome === "deployed" ? "done" : outcome === "paused" ? "paused" : outcome === "failed" ? "failed" : "rolled-back";
    // Nobody drives it any more: a paused rollout waits for promote or abort from any shell.
    this.state.driver = undefined;
    await this.save(phase);
    await removeRecordFields(this.env.aws, this.env, this.arn, ["driver"]);
    this.view(outcome === "deployed" ? "done" : outcome === "paused" ? "paused at weight 0: `mlops promote` moves the traffic" : outcome);
    return {
      result: {
        outcome,
        endpointConfig: config,
        alarms: this.alarms.map((a) => ({ name: a.name, state: a.state })),
        failureReason: reason,
        firedAlarm,
        firedAt,
        rollbackReactionSeconds: reaction,
      },
    };
  }

  /**
   * Ctrl-C, a timeout or an AWS error: the rollout cannot go on, so put the traffic back on the
   * old version first, with calls that are not aborted and a deadline of their own. A driver that
   * was taken over leaves the traffic alone: another process drives it.
   */
  private async stopped(error: unknown): Promise<unknown> {
    if (error instanceof TakenOverError) return error;
    const interrupted = this.env.signal.aborted;
    const env: RolloutEnv = { ...this.env, aws: this.env.aws.detached(), signal: new AbortController().signal, deadline: this.env.clock.now().getTime() + 900_000 };
    const safe = new TrafficDriver(env, this.arn, this.state, this.token);
    const s = this.state;
    let restored: string;
    try {
      await safe.returnToOld();
      s.driver = undefined;
      await safe.save(interrupted ? "interrupted" : "rolled-back");
      await removeRecordFields(env.aws, env, this.arn, ["driver"]);
      const leftovers = [s.mixConfig, s.newConfig].filter(Boolean).join(" and ");
      restored = `all traffic is back on the old version; the endpoint is going back to ${s.oldConfig}. Once it is there, the next mlops command on ${this.env.endpoint} (e.g. \`mlops status --endpoint ${this.env.endpoint}\`) removes ${leftovers}, their model and the rollout's alarms`;
    } catch (cleanupError) {
      restored = `returning the traffic to the old version failed too (${(cleanupError as Error).message}); run \`mlops abort --endpoint ${this.env.endpoint}\``;
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

  /**
   * Write the whole record: on phase changes (and when a driver takes over). Never over another
   * rollout's record, nor while another process drives this one.
   */
  private async save(phase: RolloutPhase, takingOver = false): Promise<void> {
    await retrying(this.env, () => this.ownRecord(takingOver));
    const now = this.env.clock.now().getTime();
    if (this.state.phase !== phase) this.state.phaseSince = now;
    this.state.phase = phase;
    this.state.heartbeat = now;
    this.lastBeat = now;
    await saveRecord(this.env.aws, this.env, this.arn, this.state);
  }

  /** Tell other shells a process drives this rollout: at most every HEARTBEAT_SECONDS. */
  private async beat(): Promise<void> {
    const now = this.env.clock.now().getTime();
    if (now - this.lastBeat < HEARTBEAT_SECONDS * 1000) return;
    this.lastBeat = now;
    this.state.heartbeat = now;
    await saveRecordFields(this.env.aws, this.env, this.arn, { heartbeat: String(now) });
  }

  private async describe(): Promise<Endpoint> {
    const endpoint = await describeEndpoint(this.env.aws, this.env.endpoint);
    if (!endpoint) throw new MlopsError(`endpoint ${this.env.endpoint} disappeared during the rollout`);
    return endpoint;
  }

  /**
   * Poll, beating the heartbeat while waiting, so that no other shell takes over a live rollout.
   * An endpoint serving or updating to a config this rollout does not know was taken by another
   * update: waiting on would wait for nothing.
   */
  private poll<T>(check: (endpoint: Endpoint) => T | undefined, pace = this.env): Promise<T> {
    const known = [this.state.oldConfig, this.state.mixConfig, this.state.newConfig];
    return pollUntil(pace, async () => {
      await this.beat();
      const endpoint = await this.describe();
      // While an update runs, what serves is whatever served before it: only where it goes counts.
      const pending = endpoint.PendingDeploymentSummary?.EndpointConfigName;
      const stranger = pending ? (known.includes(pending) ? undefined : pending) : known.includes(endpoint.EndpointConfigName) ? undefined : endpoint.EndpointConfigName;
      if (stranger) throw new TakenOverError(`${this.env.endpoint} ${pending ? "is being updated to" : "serves"} ${stranger}, which this rollout did not set: another update took the endpoint`);
      return check(endpoint);
    });
  }

  private waitInService(pace = this.env): Promise<Endpoint> {
    return this.poll((endpoint) => {
      if (endpoint.EndpointStatus === "Failed") throw new MlopsError(`endpoint ${this.env.endpoint} failed: ${endpoint.FailureReason ?? "no reason given"}`);
      return endpoint.EndpointStatus === "InService" ? endpoint : undefined;
    }, pace);
  }

  private waitWeight(weight: number, pace: RolloutEnv): Promise<true> {
    return this.poll((endpoint) => {
      const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === this.state.newVariant);
      // Stryker disable next-line BooleanLiteral: any value but undefined ends the poll, and callers only await it (true → false is the same wait)
      return endpoint.EndpointStatus === "InService" && variant && Math.abs((variant.CurrentWeight ?? 0) - weight) < 1e-6 ? true : undefined;
    }, pace);
  }

  /** true once `config` serves; otherwise why not (the update was rolled back or failed). */
  private waitServing(config: string, afterOwnUpdate: boolean, pace = this.env): Promise<true | string> {
    // Right after our own update, a describe may still show the endpoint as it was.
    let sawUpdate = !afterOwnUpdate;
    return this.poll((endpoint) => {
      if (endpoint.EndpointStatus !== "InService") sawUpdate = true;
      this.view(endpoint.EndpointStatus === "InService" ? "in service" : `updating to ${config}`);
      if (endpoint.EndpointStatus === "Failed" || endpoint.EndpointStatus === "UpdateRollbackFailed") return `${endpoint.EndpointStatus}: ${endpoint.FailureReason ?? "no reason given"}`;
      if (endpoint.EndpointStatus !== "InService") return undefined;
      if (endpoint.EndpointConfigName === config) return true;
      if (!sawUpdate) return undefined;
      return endpoint.FailureReason ?? `SageMaker kept ${endpoint.EndpointConfigName}`;
    }, pace);
  }
}
