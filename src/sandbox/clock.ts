/**
 * Sandbox time. Runs `scale` times faster than real time, can be jumped forward, and fires
 * timers in sandbox time: at scale 100 a 300 s bake takes 3 real seconds.
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
    this.anchorSandbox = options.start ?? this.anchorReal;
  }

  /** Sandbox time in epoch milliseconds. */
  now(): number {
    return this.anchorSandbox + (Date.now() - this.anchorReal) * this.currentScale;
  }

  date(): Date {
    return new Date(this.now());
  }

  get scale(): number {
    return this.currentScale;
  }

  setScale(scale: number): void {
    this.reanchor();
    this.currentScale = checkScale(scale);
    this.schedule();
  }

  /** Jump sandbox time forward, firing every timer that falls due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError("advance needs a non-negative number of milliseconds");
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
    if (!next) return;
    const wait = Math.max(0, Math.ceil(this.toRealMs(next.due - this.now())));
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
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`time scale must be a positive number, got ${scale}`);
  return scale;
}
