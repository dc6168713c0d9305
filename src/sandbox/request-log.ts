/** Every request the sandbox answered, in order: what tests read to prove "nothing was changed". */

export interface RequestLogEntry {
  seq: number;
  /** Sandbox time, ISO 8601. */
  time: string;
  service: string;
  /** The region the call was answered in (its SigV4 scope, else the sandbox's default). */
  region: string;
  /** The operation the request named; UNNAMED_OPERATION when it named none the sandbox could read. */
  operation: string;
  /** The input as decoded, cut to LOG_INPUT_LIMITS. */
  input: unknown;
  /**
   * Whether the operation changes state, whatever its outcome: the sandbox operation's own
   * `mutates`; for an operation the sandbox does not implement, `mutatesByName`.
   */
  mutating: boolean;
  status: number;
  error?: string;
  fault?: "throttle" | "error";
  durationMs: number;
}

/** The name logged for a request that named no operation the sandbox could read. */
export const UNNAMED_OPERATION = "Unknown";

/**
 * AWS's naming convention for operations that only read. The sandbox's own list, kept apart
 * from the client's on purpose: a witness that shares the client's rule would agree with it by
 * construction.
 */
const READS = /^(Describe|Get|List|Head|Search|BatchGet|BatchDescribe|Query|Scan|Select)[A-Z]/;

/**
 * For operations the sandbox does not implement: a name that does not read by AWS's convention
 * is taken to write, and so is a request that named no operation at all (it may be anything).
 */
export function mutatesByName(operation: string): boolean {
  return operation === UNNAMED_OPERATION || !READS.test(operation);
}

/**
 * How much of an input the log keeps: nesting depth, entries per object or list, string
 * length, and values overall. Deeper or larger parts are replaced by a marker, so that any
 * request, however built, can be logged and served back by GET /_mlops/requests.
 */
export const LOG_INPUT_LIMITS = { depth: 16, entries: 1000, stringLength: 8192, values: 20_000 } as const;

/** A copy of `value` within LOG_INPUT_LIMITS. Iterative: no input can overflow the stack. */
export function boundedCopy(value: unknown): unknown {
  let budget = LOG_INPUT_LIMITS.values;
  const leaf = (v: unknown): unknown => {
    if (typeof v === "string" && v.length > LOG_INPUT_LIMITS.stringLength) return `${v.slice(0, LOG_INPUT_LIMITS.stringLength)}…[${v.length - LOG_INPUT_LIMITS.stringLength} more characters]`;
    if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol") return String(v);
    return v;
  };
  // defineProperty, not assignment: an input member named __proto__ stays a member.
  const set = (into: Record<string | number, unknown>, key: string | number, v: unknown) => Object.defineProperty(into, key, { value: v, enumerable: true, writable: true, configurable: true });
  const root: { value?: unknown } = {};
  const work: Array<{ from: unknown; into: Record<string | number, unknown>; key: string | number; depth: number }> = [{ from: value, into: root, key: "value", depth: 0 }];
  while (work.length > 0) {
    const { from, into, key, depth } = work.pop()!;
    if (--budget < 0) {
      set(into, key, "[…]");
      continue;
    }
    if (from === null || typeof from !== "object" || from instanceof Date) {
      set(into, key, leaf(from));
      continue;
    }
    if (Buffer.isBuffer(from)) {
      set(into, key, `[${from.length} bytes]`);
      continue;
    }
    if (depth >= LOG_INPUT_LIMITS.depth) {
      set(into, key, "[… nested deeper than the log keeps]");
      continue;
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(from) ? from.map((v, i) => [i, v]) : Object.entries(from);
    const copy: Record<string | number, unknown> = Array.isArray(from) ? ([] as unknown as Record<number, unknown>) : {};
    set(into, key, copy);
    entries.slice(0, LOG_INPUT_LIMITS.entries).forEach(([k, v]) => work.push({ from: v, into: copy, key: k, depth: depth + 1 }));
    if (entries.length > LOG_INPUT_LIMITS.entries) set(copy, Array.isArray(from) ? LOG_INPUT_LIMITS.entries : "…", `[${entries.length - LOG_INPUT_LIMITS.entries} more entries]`);
  }
  return root.value;
}

export class RequestLog {
  private items: RequestLogEntry[] = [];
  private seq = 0;
  private listeners = new Set<(entry: RequestLogEntry) => void>();

  constructor(private readonly limit = 100_000) {}

  record(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { ...entry, input: boundedCopy(entry.input), seq: ++this.seq };
    this.items.push(full);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  entries(filter: { service?: string; operation?: string; since?: number } = {}): RequestLogEntry[] {
    return this.items.filter(
      (e) =>
        (!filter.service || e.service === filter.service) &&
        (!filter.operation || e.operation === filter.operation) &&
        (filter.since === undefined || e.seq > filter.since),
    );
  }

  /** Every call to a mutating operation, accepted or not: "validate before mutate" means none. */
  mutatingCalls(filter: { since?: number } = {}): RequestLogEntry[] {
    return this.entries(filter).filter((e) => e.mutating);
  }

  /** The sequence number of the latest entry, to ask "what happened since?" later. */
  get lastSeq(): number {
    return this.seq;
  }

  onRecord(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.items = [];
  }
}
