import { isReadOnlyOperation } from "../core/aws-names";

/** Every request the sandbox answered, in order: what tests read to prove "nothing was changed". */

export interface RequestLogEntry {
  seq: number;
  /** Sandbox time, ISO 8601. */
  time: string;
  service: string;
  operation: string;
  input: unknown;
  /** Whether the operation changes state (Create/Put/Update/Delete/…), whatever its outcome. */
  mutating: boolean;
  status: number;
  error?: string;
  fault?: "throttle" | "error";
  durationMs: number;
}

export class RequestLog {
  private items: RequestLogEntry[] = [];
  private seq = 0;
  private listeners = new Set<(entry: RequestLogEntry) => void>();

  constructor(private readonly limit = 100_000) {}

  record(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { ...entry, seq: ++this.seq };
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

/** For operations the sandbox does not know: a name that does not read is assumed to write. */
export function looksMutating(operation: string): boolean {
  return !isReadOnlyOperation(operation);
}
