/**
 * How an endpoint update unfolds over time, as pure functions of the DeploymentConfig and the
 * clock. An update is a list of phases; the endpoint's state at any moment is read off it, so
 * that time can jump (clock.advance) and a restarted sandbox resumes where it was.
 */

export type PhaseStatus = "Creating" | "ActivatingTraffic" | "Baking";

export interface Phase {
  status: PhaseStatus;
  message: string;
  /** Seconds from the update's start. */
  start: number;
  duration: number;
  /** Share of traffic on the new fleet from this phase's start, 0–1. */
  share: number;
  /** New instances running from this phase's start. */
  instances: number;
  /** Whether rollback alarms are watched during this phase. */
  monitored: boolean;
}

export interface Timing {
  /** Seconds to launch instances (or a serverless fleet) and pass health checks. */
  launch: number;
  /** Seconds to move traffic in one step. */
  activate: number;
}

interface CapacitySize {
  Type?: string;
  Value?: number;
}

export interface DeploymentConfig {
  BlueGreenUpdatePolicy?: {
    TrafficRoutingConfiguration?: { Type?: string; WaitIntervalInSeconds?: number; CanarySize?: CapacitySize; LinearStepSize?: CapacitySize };
    TerminationWaitInSeconds?: number;
    MaximumExecutionTimeoutInSeconds?: number;
  };
  RollingUpdatePolicy?: { MaximumBatchSize?: CapacitySize; WaitIntervalInSeconds?: number; MaximumExecutionTimeoutInSeconds?: number };
  AutoRollbackConfiguration?: { Alarms?: Array<{ AlarmName?: string }> };
}

/** Instances that a capacity size stands for, out of `total`. At least one. */
export function instancesFor(size: CapacitySize | undefined, total: number): number {
  if (!size?.Value) return total;
  const n = size.Type === "INSTANCE_COUNT" ? size.Value : Math.ceil((total * size.Value) / 100);
  return Math.max(1, Math.min(total, n));
}

/** The phases of an update to a fleet of `total` instances. Without a config: blue/green, all at once, no bake. */
export function planUpdate(config: DeploymentConfig | undefined, total: number, timing: Timing): Phase[] {
  const phases: Phase[] = [];
  let t = 0;
  const add = (status: PhaseStatus, message: string, duration: number, share: number, instances: number, monitored: boolean) => {
    phases.push({ status, message, start: t, duration, share, instances, monitored });
    t += duration;
  };
  const rolling = config?.RollingUpdatePolicy;
  if (rolling) {
    const batch = instancesFor(rolling.MaximumBatchSize, total);
    let done = 0;
    while (done < total) {
      const next = Math.min(total, done + batch);
      add("Creating", `Launching ${next - done} instance(s).`, timing.launch, done / total, done, done > 0);
      add("ActivatingTraffic", `Activating traffic on ${next} instance(s) of ${total}.`, timing.activate, next / total, next, true);
      add("Baking", `Baking for ${rolling.WaitIntervalInSeconds ?? 0} seconds (WaitIntervalInSeconds) with traffic enabled on ${next} instance(s).`, rolling.WaitIntervalInSeconds ?? 0, next / total, next, true);
      done = next;
    }
    return phases;
  }
  const policy = config?.BlueGreenUpdatePolicy;
  const routing = policy?.TrafficRoutingConfiguration;
  const wait = routing?.WaitIntervalInSeconds ?? 0;
  add("Creating", `Launching ${total} instance(s).`, timing.launch, 0, 0, false);
  if (routing?.Type === "CANARY") {
    const canary = instancesFor(routing.CanarySize, total);
    add("ActivatingTraffic", `Activating traffic on canary capacity of ${canary} instance(s).`, timing.activate, canary / total, total, true);
    add("Baking", `Baking for ${wait} seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of ${canary} instance(s).`, wait, canary / total, total, true);
  } else if (routing?.Type === "LINEAR") {
    const step = instancesFor(routing.LinearStepSize, total);
    for (let on = step; on < total; on += step) {
      add("ActivatingTraffic", `Activating traffic on ${on} instance(s) of ${total}.`, timing.activate, on / total, total, true);
      add("Baking", `Baking for ${wait} seconds (WaitIntervalInSeconds) with traffic enabled on ${on} instance(s).`, wait, on / total, total, true);
    }
  }
  add("ActivatingTraffic", `Activating traffic on full capacity of ${total} instance(s).`, timing.activate, 1, total, true);
  if (routing?.Type === "ALL_AT_ONCE" && wait > 0) add("Baking", `Baking for ${wait} seconds (WaitIntervalInSeconds) with traffic enabled on full capacity of ${total} instance(s).`, wait, 1, total, true);
  const termination = policy?.TerminationWaitInSeconds ?? 0;
  add("Baking", `Baking for ${termination} seconds (TerminationWaitInSeconds) with traffic enabled on full capacity of ${total} instance(s).`, termination, 1, total, true);
  return phases;
}

export function totalSeconds(phases: readonly Phase[]): number {
  const last = phases[phases.length - 1];
  return last ? last.start + last.duration : 0;
}

/** The phase running `elapsed` seconds into the update (the last one once it is over). */
export function phaseAt(phases: readonly Phase[], elapsed: number): Phase | undefined {
  let current: Phase | undefined;
  for (const phase of phases) if (phase.start <= elapsed) current = phase;
  return current;
}

/** The execution limit SageMaker applies: the policy's own, else its maximum of 8 hours. */
export function executionLimit(config: DeploymentConfig | undefined): number {
  return config?.RollingUpdatePolicy?.MaximumExecutionTimeoutInSeconds ?? config?.BlueGreenUpdatePolicy?.MaximumExecutionTimeoutInSeconds ?? 28_800;
}
