import { randomUUID } from "node:crypto";

/** An event as EventBridge delivers it. */
export interface SandboxEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * The sandbox's internal bus: services publish what AWS would send to the default event bus
 * (model package state changes, S3 object created, …); EventBridge rules subscribe.
 */
export class EventBus {
  private listeners = new Set<(event: SandboxEvent) => void>();
  private history: SandboxEvent[] = [];

  constructor(
    private readonly account: string,
    private readonly region: string,
    private readonly now: () => Date,
    private readonly historyLimit = 10_000,
  ) {}

  publish(event: { source: string; detailType: string; resources?: string[]; detail: Record<string, unknown> }): SandboxEvent {
    const full: SandboxEvent = {
      version: "0",
      id: randomUUID(),
      "detail-type": event.detailType,
      source: event.source,
      account: this.account,
      time: this.now().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: this.region,
      resources: event.resources ?? [],
      detail: event.detail,
    };
    this.history.push(full);
    if (this.history.length > this.historyLimit) this.history.shift();
    for (const listener of this.listeners) listener(full);
    return full;
  }

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(filter: { detailType?: string } = {}): SandboxEvent[] {
    return this.history.filter((e) => !filter.detailType || e["detail-type"] === filter.detailType);
  }

  clear(): void {
    this.history = [];
  }
}
