/**
 * Sandbox time. Runs `scale` times faster than real time, can be jumped forward, and fires
 * timers in sandbox time: at scale 100 a 300 s bake takes 3 real seconds.
 */

/** The last moment sandbox time can reach: the end of year 9999, the last one ISO 8601 writes in four digits. */
export const MAX_SANDBOX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The fastest sandbox time may run: a day in a tenth of a second of real time. */
export const MAX_SCALE = 1_000_000;
/** The longest single jump forward: a year. */
export const MAX_ADVANCE_MS = 366 * 24 * 3600_000;

/*
 * Why bounds: past them, sandbox time stops being a number that moves. At a scale of 1e308 it
 * becomes Infinity within a millisecond; after a jump of 1e300 ms, adding a 5-second timer
 * delay no longer changes it. Either way a timer that re-arms itself is due again at once and
 * the clock fires it forever, answering nothing, SIGTERM included.
 */

interface Timer {
  id: number;
  due: number;
  fire: () => void;
}

export class SandboxClock {
  private anchorReal: number;
  private anchorSandbox: number;
  private currentScale: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private realTimer: NodeJS.Timeout | undefined;

  constructor(options: { scale?: number; start?: number } = {}) {
    this.currentScale = checkScale(options.scale ?? 1);
    this.anchorReal = Date.now();
    this.anchorSandbox = checkTime(options.start ?? this.anchorReal);
  }

  /** Sandbox time in epoch milliseconds; it stops at MAX_SANDBOX_TIME. */
  now(): number {
    return Math.min(MAX_SANDBOX_TIME, this.anchorSandbox + (Date.now() - this.anchorReal) * this.currentScale);
  }

  date(): Date {
    return new Date(this.now());
  }

  get scale(): number {
    return this.currentScale;
  }

  setScale(scale: number): void {
    const checked = checkScale(scale);
    this.reanchor();
    this.currentScale = checked;
    this.schedule();
  }

  /**
   * Jump sandbox time forward, firing every timer that falls due.
   * @throws RangeError unless 0 ≤ ms ≤ MAX_ADVANCE_MS and the clock stays before MAX_SANDBOX_TIME.
   */
  advance(ms: number): void {
    if (typeof ms !== "number" || !(ms >= 0 && ms <= MAX_ADVANCE_MS)) throw new RangeError(`advance needs a number of milliseconds from 0 to ${MAX_ADVANCE_MS} (a year), got ${ms}`);
    if (this.now() + ms > MAX_SANDBOX_TIME) throw new RangeError(`advancing ${ms} ms would take sandbox time past the year 9999`);
    this.reanchor();
    this.anchorSandbox += ms;
    this.fireDue();
    this.schedule();
  }

  /** Call `fire` after `delay` sandbox milliseconds. */
  setTimer(delay: number, fire: () => void): number {
    const timer = { id: this.nextId++, due: this.now() + Math.max(0, delay), fire };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due);
    this.schedule();
    return timer.id;
  }

  clearTimer(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
    this.schedule();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** Real milliseconds that `sandboxMs` of sandbox time take at the current scale. */
  toRealMs(sandboxMs: number): number {
    return sandboxMs / this.currentScale;
  }

  dispose(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.timers = [];
  }

  private reanchor(): void {
    const now = this.now();
    this.anchorReal = Date.now();
    this.anchorSandbox = now;
  }

  private fireDue(): void {
    const now = this.now();
    while (this.timers.length > 0 && this.timers[0]!.due <= now) {
      const timer = this.timers.shift()!;
      timer.fire();
    }
  }

  private schedule(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    const next = this.timers[0];
    // Timers past the end of sandbox time never fire.
    if (!next || next.due > MAX_SANDBOX_TIME) return;
    // setTimeout takes at most 2^31-1 ms; longer waits (tiny scales) would fire at once, and again, forever.
    const wait = Math.min(2 ** 31 - 1, Math.max(0, Math.ceil(this.toRealMs(next.due - this.now()))));
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      this.fireDue();
      this.schedule();
    }, wait);
    // The sandbox's server keeps the process alive; pending sandbox timers alone should not.
    this.realTimer.unref();
  }
}

function checkScale(scale: number): number {
  if (typeof scale !== "number" || !(scale > 0 && scale <= MAX_SCALE)) throw new RangeError(`time scale must be a positive number, at most ${MAX_SCALE}, got ${scale}`);
  return scale;
}

function checkTime(ms: number): number {
  if (typeof ms !== "number" || !(ms >= 0 && ms <= MAX_SANDBOX_TIME)) throw new RangeError(`sandbox time must be between 1970 and the end of 9999, got ${ms}`);
  return ms;
}

/**
 * Check a change asked through the control API (PUT /_mlops/clock) before applying any of it.
 * @throws RangeError naming the bound broken (see MAX_SCALE, MAX_ADVANCE_MS, MAX_SANDBOX_TIME).
 */
export function checkClockChange(clock: SandboxClock, scale: unknown, advanceMs: unknown): { scale?: number; advanceMs?: number } {
  if (scale !== undefined) checkScale(scale as number);
  if (advanceMs !== undefined) {
    if (typeof advanceMs !== "number" || !(advanceMs >= 0 && advanceMs <= MAX_ADVANCE_MS)) throw new RangeError(`advanceMs must be a number of milliseconds from 0 to ${MAX_ADVANCE_MS} (a year), got ${JSON.stringify(advanceMs)}`);
    if (clock.now() + advanceMs > MAX_SANDBOX_TIME) throw new RangeError(`advancing ${advanceMs} ms would take sandbox time past the year 9999`);
  }
  return { scale: scale as number | undefined, advanceMs: advanceMs as number | undefined };
}
