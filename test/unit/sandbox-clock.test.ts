import { describe, expect, it } from "vitest";
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
});
