/**
 * Records keyed by names users choose (endpoints, buckets, keys, alarms, tags…). A plain `{}`
 * answers `toString`, `constructor` or `__proto__` from Object.prototype, and writing
 * `__proto__` replaces its prototype; records made here have no prototype, so every name is
 * just a name.
 */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * A deep copy of JSON-like `value` whose objects (not arrays) have no prototype. Iterative, so
 * that no depth of nesting overflows the stack.
 */
export function withoutPrototypes<T>(value: T): T {
  const copy = (v: unknown): unknown => (Array.isArray(v) ? [...v] : v !== null && typeof v === "object" ? Object.assign(record(), v) : v);
  const root = copy(value);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
    for (const k of keys) {
      const child = (node as Record<string | number, unknown>)[k];
      if (child === null || typeof child !== "object") continue;
      const copied = copy(child);
      (node as Record<string | number, unknown>)[k] = copied;
      stack.push(copied);
    }
  }
  return root as T;
}
