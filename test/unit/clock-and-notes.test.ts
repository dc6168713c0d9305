import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sandboxClock, systemClock, timerClock } from "../../src/core/clock";
import { info, sayNote, warning } from "../../src/core/notes";

/** Time as commands see it: real, a sped-up sandbox's, or a sandbox's own timers; sleeps end early on abort. */
describe("systemClock and sandboxClock (fake timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(3000);
  });
  afterEach(() => vi.useRealTimers());

  it("sleep resolves when its time has passed, not before, with or without a signal", async () => {
    let done = 0;
    void systemClock.sleep(1000).then(() => done++);
    void systemClock.sleep(1000, new AbortController().signal).then(() => done++);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(2);
  });

  it("an abort ends the sleep with the signal's reason and clears its timer", async () => {
    const controller = new AbortController();
    const slept = systemClock.sleep(1000, controller.signal);
    controller.abort(new Error("ctrl-c"));
    await expect(slept).rejects.toThrow("ctrl-c");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("an already aborted signal rejects at once, starting no timer", async () => {
    await expect(systemClock.sleep(1000, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a sandbox 10× faster: now is the sandbox anchor plus 10 × the real time since the real anchor", () => {
    // anchors: real 1000 ms, sandbox 5000 ms, scale 10; real now 3000 → 5000 + 2000 × 10 = 25000.
    expect(sandboxClock("1000,5000,10")!.now().getTime()).toBe(25_000);
  });

  it("a sandbox 10× faster sleeps a tenth of the time", async () => {
    let done = false;
    void sandboxClock("1000,5000,10")!.sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it.each(["x,5000,10", "1000,x,10", "1000,5000,0", "1000,5000,-1", "1000,5000"])("anchors %j are no clock", (spec) => {
    expect(sandboxClock(spec)).toBeUndefined();
  });
});

describe("timerClock: a sandbox's own timers", () => {
  function timers() {
    const pending = new Map<number, { at: number; fire: () => void }>();
    let now = 0;
    let next = 1;
    return {
      pending,
      now: () => now,
      setTimer: (ms: number, fire: () => void) => {
        pending.set(next, { at: now + ms, fire });
        return next++;
      },
      clearTimer: (id: number) => void pending.delete(id),
      advance(ms: number) {
        now += ms;
        for (const [id, t] of [...pending]) if (t.at <= now) (pending.delete(id), t.fire());
      },
    };
  }

  it("now is the source's time; a sleep ends when the source's timer fires", async () => {
    const source = timers();
    const clock = timerClock(source);
    source.advance(42);
    expect(clock.now().getTime()).toBe(42);
    let done = 0;
    const a = clock.sleep(500).then(() => done++);
    const b = clock.sleep(500, new AbortController().signal).then(() => done++);
    source.advance(499);
    await Promise.resolve();
    expect(done).toBe(0);
    source.advance(1);
    await Promise.all([a, b]);
    expect(done).toBe(2);
  });

  it("an abort clears the source's timer and rejects with the reason; an aborted signal sets none", async () => {
    const source = timers();
    const clock = timerClock(source);
    const controller = new AbortController();
    const slept = clock.sleep(500, controller.signal);
    expect(source.pending.size).toBe(1);
    controller.abort(new Error("ctrl-c"));
    await expect(slept).rejects.toThrow("ctrl-c");
    expect(source.pending.size).toBe(0);
    await expect(clock.sleep(500, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
    expect(source.pending.size).toBe(0);
  });
});

describe("notes", () => {
  it("info and warning carry their level and the bare message", () => {
    expect(info("cached")).toEqual({ level: "info", message: "cached" });
    expect(warning("slow")).toEqual({ level: "warning", message: "slow" });
  });

  it("a warning is said as a warning; an info as 'note: …'", () => {
    const said: string[] = [];
    const out = { info: (m: string) => said.push(`info ${m}`), warn: (m: string) => said.push(`warn ${m}`) };
    sayNote(out, warning("slow"));
    sayNote(out, info("cached"));
    expect(said).toEqual(["warn slow", "info note: cached"]);
  });
});
