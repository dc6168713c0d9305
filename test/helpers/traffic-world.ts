import { encodeRollout, rolloutSteps, type RolloutState } from "../../src/core/rollout-state";
import type { Strategy } from "../../src/core/rollout-plan";
import { TrafficDriver } from "../../src/rollout/traffic";
import { FakeClock, ScriptedAws, scriptedEnv, type EndpointState } from "./scripted-aws";

/**
 * One scripted world for the traffic engine's unit tests (src/rollout/traffic.ts): the endpoint
 * "churn" moving from churn-old to churn-new through the mix config churn-mix, its rollout record
 * in the endpoint's tags, and a TrafficDriver over them, on ScriptedAws and a FakeClock. Each test
 * file keeps its own setup (its defaults and its helpers) built from the pieces here.
 */

export const ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn";
/** The config that served before the rollout. */
export const OLD = "churn-old";
/** The old variants plus the new one (traffic mode). */
export const MIX = "churn-mix";
/** The config that serves once the rollout is done. */
export const NEW = "churn-new";
/** The new version's variant in the mix config. */
export const NEW_VARIANT = "v-new";
/** The alarm the record watches unless a test says otherwise. */
export const ALARM = "churn-5xx";
/** This process's driver token. */
export const TOKEN = "me";

/** Variant weights by variant name (SageMaker's relative weights, not percents). */
export type Weights = Record<string, number>;

/** The variant weights each config starts with once an update to it is done. */
export const CONFIG_WEIGHTS: Record<string, Weights> = { [OLD]: { AllTraffic: 1 }, [MIX]: { AllTraffic: 1, [NEW_VARIANT]: 0 }, [NEW]: { AllTraffic: 1 } };

/** One weights entry of UpdateEndpointWeightsAndCapacities. */
export interface DesiredWeight {
  VariantName: string;
  DesiredWeight: number;
}

/**
 * An endpoint that serves `config` with `weights`, takes weight changes at once and a config
 * update one describe later (Updating, then InService on the new config with its CONFIG_WEIGHTS).
 * A test scripts around it: `script` answers the next describes instead of the model;
 * `afterWeights` and `afterUpdate` are queued onto `script` by the next weights call or config
 * update; `onUpdate[config]` runs instead of starting an update to that config.
 */
export class ScriptedEndpoint {
  /** The EndpointArn a describe shows; none unless set. */
  arn: string | undefined;
  weights: Weights;
  status: NonNullable<EndpointState["EndpointStatus"]> = "InService";
  failureReason: string | undefined;
  /** The config an update is on its way to (shown on the next describe, then applied). */
  pending: string | undefined;
  /** Describes to give before the model's own answer, in order. */
  script: EndpointState[] = [];
  /** Describes queued onto `script` by the next weights call. */
  afterWeights: EndpointState[] = [];
  /** Describes queued onto `script` by the next config update. */
  afterUpdate: EndpointState[] = [];
  /** What an update to a config does instead of starting (a test's choice). */
  onUpdate: Record<string, (endpoint: ScriptedEndpoint) => void> = {};

  /** `weights` is copied. */
  constructor(
    public config: string,
    weights: Weights,
  ) {
    this.weights = { ...weights };
  }

  /**
   * A describe answer, for `script`: `config` in `status`, AllTraffic at weight 1 and the new
   * variant at its current/desired weight ("absent": no new variant; "no variants": no
   * ProductionVariants at all).
   */
  static view(config: string, status: EndpointState["EndpointStatus"], newVariant?: { current: number; desired: number } | "absent" | "no variants"): EndpointState {
    const variants =
      newVariant === "no variants"
        ? undefined
        : [{ VariantName: "AllTraffic", CurrentWeight: 1, DesiredWeight: 1 }, ...(newVariant === undefined || newVariant === "absent" ? [] : [{ VariantName: NEW_VARIANT, CurrentWeight: newVariant.current, DesiredWeight: newVariant.desired }])];
    return { EndpointName: "churn", EndpointStatus: status, EndpointConfigName: config, ...(variants ? { ProductionVariants: variants } : {}) };
  }

  /** DescribeEndpoint: the next scripted answer, else the model (which then finishes a pending update). */
  describe(): EndpointState {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const answer: EndpointState = {
      EndpointName: "churn",
      ...(this.arn === undefined ? {} : { EndpointArn: this.arn }),
      EndpointStatus: this.pending ? "Updating" : this.status,
      EndpointConfigName: this.config,
      FailureReason: this.failureReason,
      ProductionVariants: Object.entries(this.weights).map(([VariantName, w]) => ({ VariantName, CurrentWeight: w, DesiredWeight: w })),
      ...(this.pending ? { PendingDeploymentSummary: { EndpointConfigName: this.pending } } : {}),
    };
    // An update shows as Updating for one describe, then it is done.
    if (this.pending) {
      this.config = this.pending;
      this.weights = { ...CONFIG_WEIGHTS[this.pending] };
      this.pending = undefined;
    }
    return answer;
  }

  /** UpdateEndpointWeightsAndCapacities: the weights apply at once; `afterWeights` is queued. */
  setWeights(weights: DesiredWeight[]): void {
    for (const w of weights) this.weights[w.VariantName] = w.DesiredWeight;
    this.script.push(...this.afterWeights.splice(0));
  }

  /** UpdateEndpoint: `afterUpdate` is queued, then `onUpdate[config]` runs or the update starts. */
  update(config: string): void {
    this.script.push(...this.afterUpdate.splice(0));
    const instead = this.onUpdate[config];
    if (instead) instead(this);
    else this.pending = config;
  }
}

/** What the rollout record holds; every field has a default (a fresh canary, before its first step). */
export interface RecordOptions {
  /** Default "traffic" (with MIX and NEW_VARIANT in the record). */
  mode?: "traffic" | "serverless";
  /** Default "canary" (10 %). */
  strategy?: Strategy;
  /** Default "preparing". */
  phase?: RolloutState["phase"];
  /** Index of the step reached; default -1 (before the first). */
  step?: number;
  /** Percent of traffic on the new version; default 0. */
  weight?: number;
  /** Seconds; default 60. */
  bake?: number;
  /** Seconds; default 30. */
  finalBake?: number;
  /** Percent a linear step moves; default 25. */
  linearStep?: number;
  /** Alarms watched; default [ALARM]. */
  alarms?: string[];
  /** Seconds; default 10. */
  pollSeconds?: number;
  /** Hold at each step for a promote; default false. */
  pause?: boolean;
  /** Seconds before `start` the rollout began; default 0. */
  startedAgo?: number;
  /** Seconds before `start` the record's phase began; default 0. */
  phaseAgo?: number;
  /**
   * The driver named in the record: default TOKEN (this process) when the key is left out; a key
   * given as undefined means the record names no driver.
   */
  driver?: string;
}

/** A rollout record from churn-old to churn-new as of `start` (epoch ms); its heartbeat is `start`. */
export function trafficRecord(start: number, o: RecordOptions = {}): RolloutState {
  const mode = o.mode ?? "traffic";
  const strategy = o.strategy ?? "canary";
  const plan = { canaryPercent: 10, linearStep: o.linearStep ?? 25, bake: o.bake ?? 60, finalBake: o.finalBake ?? 30 };
  const alarms = o.alarms ?? [ALARM];
  return {
    id: "r-1",
    mode,
    strategy,
    phase: o.phase ?? "preparing",
    finished: false,
    plan,
    steps: rolloutSteps(mode, strategy, plan, alarms),
    step: o.step ?? -1,
    weight: o.weight ?? 0,
    oldConfig: OLD,
    newConfig: NEW,
    ...(mode === "traffic" ? { mixConfig: MIX, newVariant: NEW_VARIANT } : {}),
    oldVariants: [{ name: "AllTraffic", weight: 1 }],
    alarms,
    ownedAlarms: [],
    pollSeconds: o.pollSeconds ?? 10,
    keepOld: false,
    pause: o.pause ?? false,
    startedAt: start - (o.startedAgo ?? 0) * 1000,
    phaseSince: start - (o.phaseAgo ?? 0) * 1000,
    heartbeat: start,
    driver: "driver" in o ? o.driver : TOKEN,
    takenCommandIds: [],
  };
}

/**
 * ScriptedAws whose DescribeEndpoint, UpdateEndpointWeightsAndCapacities and UpdateEndpoint go
 * to `endpoint` (tags and alarms as ScriptedAws keeps them).
 */
export function endpointAws(clock: FakeClock, endpoint: ScriptedEndpoint): ScriptedAws {
  return new ScriptedAws(clock, {
    DescribeEndpoint: () => endpoint.describe(),
    UpdateEndpointWeightsAndCapacities: (input: { DesiredWeightsAndCapacities: DesiredWeight[] }) => {
      endpoint.setWeights(input.DesiredWeightsAndCapacities);
      return {};
    },
    UpdateEndpoint: (input: { EndpointConfigName: string }) => {
      endpoint.update(input.EndpointConfigName);
      return {};
    },
  });
}

export interface WorldOptions extends RecordOptions {
  /** The config the endpoint serves; default MIX in traffic mode, else NEW. */
  serving?: string;
  /** The weights it serves them with; default CONFIG_WEIGHTS[serving]. */
  weights?: Weights;
  /** Tags the endpoint has besides the record. */
  tags?: Record<string, string>;
  /** The drive's deadline, in seconds from the start; default scriptedEnv's (a day). */
  deadlineSeconds?: number;
  signal?: AbortSignal;
  /** What `drive` passes as justTook when the test does not say (the file's own default). */
  justTook: boolean;
}

/** What drive() passes on to TrafficDriver.drive (stopBeforeTraffic defaults to false). */
export interface DriveOptions {
  stopBeforeTraffic?: boolean;
  justTook?: boolean;
}

/**
 * The record (trafficRecord) on a ScriptedEndpoint's tags, its alarms OK since a minute before the
 * start, the env (poll as in the record) and a TrafficDriver with token TOKEN. `start` is the
 * clock's time at the start (epoch ms); `seconds(at)` turns a clock time (epoch ms) into seconds
 * from the start.
 */
export function trafficWorld(o: WorldOptions) {
  const clock = new FakeClock();
  const start = clock.t;
  const state = trafficRecord(start, o);
  const serving = o.serving ?? (state.mode === "traffic" ? MIX : NEW);
  const endpoint = new ScriptedEndpoint(serving, o.weights ?? CONFIG_WEIGHTS[serving]!);
  const aws = endpointAws(clock, endpoint);
  aws.tags = { ...o.tags, ...encodeRollout(state) };
  for (const a of state.alarms) aws.setAlarm(a, "OK", start - 60_000);
  const env = scriptedEnv(aws, clock, { pollSeconds: state.pollSeconds, deadlineSeconds: o.deadlineSeconds, signal: o.signal });
  const driver = new TrafficDriver(env, ARN, state, TOKEN);
  return {
    clock,
    start,
    state,
    endpoint,
    aws,
    env,
    drive: (options: DriveOptions = {}) => driver.drive({ stopBeforeTraffic: options.stopBeforeTraffic ?? false, justTook: options.justTook ?? o.justTook }),
    seconds: (at: number) => (at - start) / 1000,
  };
}
