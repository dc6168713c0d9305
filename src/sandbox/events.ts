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

/** What a service publishes; the bus adds the id, time, account and region. */
export interface EventInput {
  source: string;
  detailType: string;
  resources?: string[];
  detail: Record<string, unknown>;
}

/** Publishing, as a service handler sees it: into the account and region of the call it answers. */
export interface EventPublisher {
  publish(event: EventInput): SandboxEvent;
}

/**
 * The sandbox's internal bus: services publish what AWS would send to the default event bus
 * (model package state changes, S3 object created, …); EventBridge rules subscribe. Events
 * carry the account and region they happened in: a rule sees only its own region's (each
 * region has its own default bus in AWS).
 */
export class EventBus {
  private listeners = new Set<(event: SandboxEvent) => void>();
  private history: SandboxEvent[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly historyLimit = 10_000,
  ) {}

  /** A publisher for one account and region. */
  in(account: string, region: string): EventPublisher {
    return { publish: (event) => this.publish(event, account, region) };
  }

  publish(event: EventInput, account: string, region: string): SandboxEvent {
    const full: SandboxEvent = {
      version: "0",
      id: randomUUID(),
      "detail-type": event.detailType,
      source: event.source,
      account,
      time: this.now().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region,
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

  events(filter: { detailType?: string; region?: string } = {}): SandboxEvent[] {
    return this.history.filter((e) => (!filter.detailType || e["detail-type"] === filter.detailType) && (!filter.region || e.region === filter.region));
  }

  clear(): void {
    this.history = [];
  }
}
