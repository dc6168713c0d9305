import type { Clock } from "../core/clock";
import { AwsError } from "../errors";

/** The rollout's pace: poll interval, deadline, clock and Ctrl-C. */
export interface Pace {
  clock: Clock;
  signal: AbortSignal;
  pollSeconds: number;
  /** Epoch ms (clock time) after which the rollout is timed out. */
  deadline: number;
}

export class Timeout extends Error {
  constructor() {
    super("timed out");
  }
}

const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

/**
 * Call `check` every poll until it returns a value. Throttling (after the SDK's own retries)
 * doubles the interval, up to 2 minutes; the deadline ends the wait with Timeout.
 */
export async function pollUntil<T>(pace: Pace, check: () => Promise<T | undefined>): Promise<T> {
  let interval = pace.pollSeconds;
  // A bound on iterations as well as the deadline: a clock that stops cannot loop us forever.
  for (let i = 0; i < 10_000_000; i++) {
    let result: T | undefined;
    try {
      result = await check();
      interval = pace.pollSeconds;
    } catch (error) {
      if (!(error instanceof AwsError && THROTTLED.test(error.code))) throw error;
      interval = Math.min(120, interval * 2);
    }
    if (result !== undefined) return result;
    if (pace.clock.now().getTime() >= pace.deadline) throw new Timeout();
    await pace.clock.sleep(Math.min(interval * 1000, Math.max(0, pace.deadline - pace.clock.now().getTime()) + 1), pace.signal);
  }
  throw new Timeout();
}

/** Wait `seconds` of clock time in poll-sized slices, calling `each` after every slice; `each` may end the wait early. */
export async function bake<T>(pace: Pace, seconds: number, each: (left: number) => Promise<T | undefined>): Promise<T | undefined> {
  const until = pace.clock.now().getTime() + seconds * 1000;
  for (let i = 0; i < 10_000_000; i++) {
    const left = (until - pace.clock.now().getTime()) / 1000;
    const stop = await each(Math.max(0, left));
    if (stop !== undefined) return stop;
    if (left <= 0) return undefined;
    if (pace.clock.now().getTime() >= pace.deadline) throw new Timeout();
    await pace.clock.sleep(Math.min(pace.pollSeconds, left) * 1000, pace.signal);
  }
  return undefined;
}
