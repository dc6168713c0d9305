/** Time as commands see it. Injected so tests and the demo can run it fast. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so `once` changes nothing
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export const systemClock: Clock = { now: () => new Date(), sleep: realSleep };

/**
 * The clock of a sandbox that runs `scale` times faster, from the anchors it exported
 * (MLOPS_SANDBOX_CLOCK="realMs,sandboxMs,scale"): bakes and polls then pass at the sandbox's pace,
 * and times agree with the sandbox's timestamps.
 */
export function sandboxClock(spec: string): Clock | undefined {
  const [real, sandbox, scale] = spec.split(",").map(Number);
  if (!Number.isFinite(real) || !Number.isFinite(sandbox) || !(scale! > 0)) return undefined;
  return {
    now: () => new Date(sandbox! + (Date.now() - real!) * scale!),
    sleep: (ms, signal) => realSleep(ms / scale!, signal),
  };
}

/** A clock with its own timers (the sandbox's, when mlops runs one in-process) as a Clock. */
export function timerClock(source: { now(): number; setTimer(ms: number, fire: () => void): number; clearTimer(id: number): void }): Clock {
  return {
    now: () => new Date(source.now()),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const id = source.setTimer(ms, () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
        const onAbort = () => {
          source.clearTimer(id);
          reject(signal!.reason);
        };
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so `once` changes nothing
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}
