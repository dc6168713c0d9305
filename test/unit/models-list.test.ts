import { describe, expect, it } from "vitest";
import { DEFAULT_LIMIT, listLimit } from "../../src/commands/models-list";
import { mapInOrder } from "../../src/core/map-in-order";

describe("models list: how many versions", () => {
  it("30 by default, N with --limit, every one with --all", () => {
    expect(DEFAULT_LIMIT).toBe(30);
    expect(listLimit({})).toBe(30);
    expect(listLimit({ limit: "5" })).toBe(5);
    expect(listLimit({ all: true })).toBe(Infinity);
  });

  it("refuses a bad --limit and --all with --limit, naming the flags", () => {
    expect(() => listLimit({ limit: "0x10" })).toThrow('--limit must be a whole number (got "0x10")');
    expect(() => listLimit({ limit: "0" })).toThrow("--limit must be at least 1 (got 0)");
    expect(() => listLimit({ all: true, limit: "5" })).toThrow("--all and --limit cannot be used together");
  });
});

/** A call per item that finishes when the test says so; records what is in flight. */
function controlled() {
  const pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  let most = 0;
  const map = (item: number) =>
    new Promise<string>((resolve, reject) => {
      pending.set(item, { resolve, reject });
      most = Math.max(most, pending.size);
    });
  const finish = (item: number, error?: Error) => {
    const p = pending.get(item)!;
    pending.delete(item);
    if (error) p.reject(error);
    else p.resolve(`r${item}`);
  };
  return { map, finish, pending, most: () => most };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Drain `iterator` in the background, into `out`. */
function collect(iterator: AsyncGenerator<string>, out: string[]) {
  return (async () => {
    for await (const value of iterator) out.push(value);
  })();
}

describe("mapInOrder", () => {
  it("keeps at most `concurrency` calls in flight and yields in item order, whatever order calls end in", async () => {
    const c = controlled();
    const out: string[] = [];
    const done = collect(mapInOrder([1, 2, 3, 4, 5, 6], c.map, { concurrency: 3, window: 10 }), out);
    await tick();
    expect([...c.pending.keys()]).toEqual([1, 2, 3]);
    c.finish(3);
    c.finish(2);
    await tick();
    // 2 and 3 are done but 1 is not: nothing yet; two more calls started.
    expect(out).toEqual([]);
    expect([...c.pending.keys()]).toEqual([1, 4, 5]);
    c.finish(1);
    await tick();
    expect(out).toEqual(["r1", "r2", "r3"]);
    for (const item of [6, 5, 4]) {
      await tick();
      c.finish(item);
    }
    await done;
    expect(out).toEqual(["r1", "r2", "r3", "r4", "r5", "r6"]);
    expect(c.most()).toBe(3);
  });

  it("runs past a slow item only up to `window` items, and pulls items only as calls start", async () => {
    const c = controlled();
    const pulled: number[] = [];
    async function* items() {
      for (let i = 1; i <= 100; i++) {
        pulled.push(i);
        yield i;
      }
    }
    const out: string[] = [];
    const done = collect(mapInOrder(items(), c.map, { concurrency: 2, window: 4 }), out);
    await tick();
    // Item 1 is slow; the others finish at once.
    for (let round = 0; round < 10; round++) {
      for (const item of [...c.pending.keys()].filter((i) => i !== 1)) c.finish(item);
      await tick();
    }
    expect(out).toEqual([]);
    expect(pulled).toEqual([1, 2, 3, 4]);
    c.finish(1);
    for (let round = 0; round < 200 && out.length < 100; round++) {
      for (const item of [...c.pending.keys()]) c.finish(item);
      await tick();
    }
    await done;
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => `r${i + 1}`));
  });

  it("throws the first failure in item order when its turn comes", async () => {
    const c = controlled();
    const out: string[] = [];
    const done = collect(mapInOrder([1, 2, 3], c.map, { concurrency: 3, window: 3 }), out);
    await tick();
    c.finish(3, new Error("three"));
    c.finish(2, new Error("two"));
    await tick();
    c.finish(1);
    await expect(done).rejects.toThrow("two");
    expect(out).toEqual(["r1"]);
  });
});
