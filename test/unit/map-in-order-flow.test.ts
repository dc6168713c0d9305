import { describe, expect, it } from "vitest";
import { mapInOrder } from "../../src/core/map-in-order";

/** A promise resolved or rejected from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A lazy source of 0..n-1 that counts what was pulled and whether it was closed. */
function source(n: number) {
  const seen = { pulled: 0, closed: false };
  const items = (function* () {
    try {
      for (let i = 0; i < n; i++) {
        seen.pulled++;
        yield i;
      }
    } finally {
      seen.closed = true;
    }
  })();
  return { items, seen };
}

/** Let every queued promise callback run (a bounded number of macrotask turns, no timers). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe("mapInOrder", () => {
  it("yields every result in item order when all calls are fast", async () => {
    const { items } = source(5);
    const out: number[] = [];
    for await (const r of mapInOrder(items, async (i) => i * 10, { concurrency: 2, window: 4 })) out.push(r);
    expect(out).toEqual([0, 10, 20, 30, 40]);
  });

  it("a slow head holds at most `window` items started", async () => {
    const slow = deferred<number>();
    const { items, seen } = source(6);
    const run = mapInOrder(items, (i) => (i === 0 ? slow.promise : Promise.resolve(i)), { concurrency: 2, window: 3 });
    const first = run.next();
    await settle();
    expect(seen.pulled).toBe(3); // items 0, 1, 2: the window is full, waiting for 0
    slow.resolve(0);
    expect(await first).toEqual({ value: 0, done: false });
    await run.return(undefined);
  });

  it("a result in hand goes out while a later call is still running", async () => {
    const head = deferred<number>();
    const slow = deferred<number>();
    const { items } = source(3);
    const run = mapInOrder(items, (i) => (i === 0 ? head.promise : i === 1 ? slow.promise : Promise.resolve(i)), { concurrency: 2, window: 3 });
    const first = run.next();
    await settle();
    head.resolve(0);
    let got: unknown = "nothing yet";
    void first.then((r) => (got = r));
    await settle();
    expect(got).toEqual({ value: 0, done: false }); // item 1 is still running
    slow.resolve(1);
    expect(await run.next()).toEqual({ value: 1, done: false });
    expect(await run.next()).toEqual({ value: 2, done: false });
    expect(await run.next()).toEqual({ value: undefined, done: true });
  });

  it("the first result comes before a fast source is read to its end", async () => {
    const slow = deferred<number>();
    const { items, seen } = source(6);
    const run = mapInOrder(items, (i) => (i === 1 ? slow.promise : Promise.resolve(i)), { concurrency: 3, window: 10 });
    expect(await run.next()).toEqual({ value: 0, done: false });
    expect(seen.pulled).toBeLessThan(6);
    slow.resolve(1);
    const rest: number[] = [];
    for await (const r of run) rest.push(r);
    expect(rest).toEqual([1, 2, 3, 4, 5]);
  });

  it("a failing item throws its error at its turn", async () => {
    const { items } = source(3);
    const run = mapInOrder(items, (i) => (i === 1 ? Promise.reject(new Error("boom")) : Promise.resolve(i)), { concurrency: 1, window: 2 });
    expect(await run.next()).toEqual({ value: 0, done: false });
    await expect(run.next()).rejects.toThrow("boom");
  });

  it("stopping early closes the source", async () => {
    const { items, seen } = source(10);
    for await (const r of mapInOrder(items, async (i) => i, { concurrency: 2, window: 4 })) {
      expect(r).toBe(0);
      break;
    }
    expect(seen.closed).toBe(true);
    expect(seen.pulled).toBeLessThan(10);
  });
});
