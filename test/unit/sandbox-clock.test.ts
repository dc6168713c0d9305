import { describe, expect, it, vi } from "vitest";
import { SandboxClock } from "../../src/sandbox/clock";

describe("SandboxClock", () => {
  it("runs N times faster than real time: at ×1000 a 300 s wait takes about 0.3 s", async () => {
    const clock = new SandboxClock({ scale: 1000 });
    const startReal = performance.now();
    const startSandbox = clock.now();
    await clock.sleep(300_000);
    const real = performance.now() - startReal;
    expect(clock.now() - startSandbox).toBeGreaterThanOrEqual(300_000);
    expect(real).toBeGreaterThanOrEqual(290);
    expect(real).toBeLessThan(2_000);
    clock.dispose();
  });

  it("advance() jumps time and fires every timer that falls due, in order", () => {
    const clock = new SandboxClock({ scale: 1 });
    const fired: string[] = [];
    clock.setTimer(60_000, () => fired.push("b"));
    clock.setTimer(30_000, () => fired.push("a"));
    clock.setTimer(600_000, () => fired.push("c"));
    clock.advance(61_000);
    expect(fired).toEqual(["a", "b"]);
    clock.advance(600_000);
    expect(fired).toEqual(["a", "b", "c"]);
    clock.dispose();
  });

  it("a timer can be cleared; a new scale applies to waits already scheduled", async () => {
    const clock = new SandboxClock({ scale: 1 });
    let cleared = false;
    const id = clock.setTimer(10, () => (cleared = true));
    clock.clearTimer(id);
    const started = performance.now();
    const wait = clock.sleep(100_000);
    clock.setScale(1_000_000);
    await wait;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(cleared).toBe(false);
    expect(() => clock.setScale(0)).toThrow(/positive/);
    clock.dispose();
  });

  it("waits past setTimeout's 2^31-1 ms limit without re-arming every millisecond", async () => {
    const clock = new SandboxClock({ scale: 1e-6 });
    const arm = vi.spyOn(globalThis, "setTimeout");
    // An hour of sandbox time is 3.6e12 ms of real time at this scale.
    clock.setTimer(3_600_000, () => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const armed = arm.mock.calls.filter(([, ms]) => typeof ms === "number" && ms > 1000);
    // One wait for the timer (capped), and no storm of 1 ms re-arms.
    expect(armed).toHaveLength(1);
    expect(armed[0]![1]).toBe(2 ** 31 - 1);
    expect(arm.mock.calls.length).toBeLessThan(5);
    arm.mockRestore();
    clock.dispose();
  });
});
