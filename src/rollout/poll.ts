import { isThrottlingCode } from "../aws/errors";
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

const SERVER_SIDE = /^(InternalFailure|InternalError|InternalServerError|InternalServiceFault|ServiceUnavailable|ServiceUnavailableException|RequestTimeout)$/;

/**
 * An AWS error that says "not now", not "no": throttling (after the SDK's own retries) or a
 * server-side failure. A rollout backs off and tries again; it never gives up a healthy rollout
 * for one of these.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof AwsError && (isThrottlingCode(error.code) || SERVER_SIDE.test(error.code));
}

/** The longest wait between tries while AWS throttles us, in seconds. */
export const MAX_BACKOFF_SECONDS = 120;

/**
 * Run `call` until it succeeds: transient errors wait (doubling from `firstSeconds`, up to 2
 * minutes) and try again until the deadline, which ends with Timeout; other errors are thrown.
 */
export async function retrying<T>(pace: Pace, call: () => Promise<T>, firstSeconds = 1): Promise<T> {
  let wait = firstSeconds;
  // Stryker disable next-line EqualityOperator,UpdateOperator: a bound for a clock that stops, never reached by a clock that moves (the deadline ends the loop first)
  for (let i = 0; i < 100_000; i++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (pace.clock.now().getTime() + wait * 1000 > pace.deadline) throw new Timeout();
      await pace.clock.sleep(wait * 1000, pace.signal);
      wait = Math.min(MAX_BACKOFF_SECONDS, wait * 2);
    }
  }
  throw new Timeout();
}

/**
 * Call `check` every poll until it returns a value. A transient error (throttling after the SDK's
 * own retries, a 5xx) doubles the interval, up to 2 minutes; the deadline ends the wait with Timeout.
 */
export async function pollUntil<T>(pace: Pace, check: () => Promise<T | undefined>): Promise<T> {
  let interval = pace.pollSeconds;
  // A bound on iterations as well as the deadline: a clock that stops cannot loop us forever.
  // Stryker disable next-line EqualityOperator,UpdateOperator: a bound for a clock that stops, never reached by a clock that moves (the deadline ends the loop first)
  for (let i = 0; i < 10_000_000; i++) {
    let result: T | undefined;
    try {
      result = await check();
      interval = pace.pollSeconds;
    } catch (error) {
      if (!isTransient(error)) throw error;
      interval = Math.min(MAX_BACKOFF_SECONDS, Math.max(1, interval) * 2);
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
  // Stryker disable next-line EqualityOperator,UpdateOperator: a bound for a clock that stops, never reached by a clock that moves (the deadline ends the loop first)
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
