/** Bounded, order-keeping concurrency for streams of work (no I/O of its own). */

export interface MapInOrderOptions {
  /** Calls of `map` in flight at once, ≥ 1. */
  concurrency: number;
  /**
   * Results started but not yet yielded, ≥ concurrency: how far calls may run ahead of a slow
   * one at the head, and so the most results held in memory.
   */
  window: number;
}

interface Started<R> {
  result: Promise<R>;
  /** Resolves (never rejects) when `result` settles. */
  settled: Promise<void>;
  done: boolean;
}

/**
 * Map `items` as they arrive, with at most `concurrency` calls of `map` in flight and at most
 * `window` started, yielding the results in the order of the items. A slow item does not stop
 * the others: calls go on past it, up to `window` items ahead. Items are pulled only when a call
 * can start, so a lazy source (pages fetched on demand) is read no further than needed.
 *
 * The first failing item (in item order) throws its error when its turn to be yielded comes;
 * calls already started are left to finish on their own. Stopping the iteration early starts
 * nothing more.
 */
export async function* mapInOrder<T, R>(items: AsyncIterable<T> | Iterable<T>, map: (item: T) => Promise<R>, options: MapInOrderOptions): AsyncGenerator<R> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const window = Math.max(concurrency, Math.floor(options.window));
  const started: Started<R>[] = [];
  const inFlight = () => started.filter((s) => !s.done);
  const source = (async function* () {
    yield* items;
  })();
  try {
    for (;;) {
      // Room first, then the next item. Each pass settles at least one call or yields one
      // result: at most window + concurrency passes.
      while (started.length >= window || inFlight().length >= concurrency) {
        // A head not done is in flight, so the race below always has it to wait for.
        if (started[0]!.done) yield await started.shift()!.result;
        else await Promise.race(inFlight().map((s) => s.settled));
      }
      const next = await source.next();
      if (next.done) break;
      const entry = { done: false } as Started<R>;
      entry.result = map(next.value);
      entry.settled = entry.result.then(
        () => void (entry.done = true),
        () => void (entry.done = true),
      );
      started.push(entry);
      // Results already in hand go out at once, so rows appear as they arrive.
      while (started[0]?.done) yield await started.shift()!.result;
    }
    while (started.length > 0) yield await started.shift()!.result;
  } finally {
    await source.return(undefined);
  }
}
