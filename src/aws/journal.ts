import { isReadOnlyOperation } from "../core/aws-names";

/**
 * What this run changed in AWS, call by call: so that an interrupted or failed command can say
 * what it left behind, including a change that was in flight and may have happened.
 */
export interface JournalEntry {
  operation: string;
  target: string;
  state: "in flight" | "done" | "failed";
}

export class ChangeJournal {
  private readonly entries: JournalEntry[] = [];

  /** An SDK middleware recording every call that is not read-only. */
  middleware() {
    return (next: (args: { input?: Record<string, unknown> }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
      async (args: { input?: Record<string, unknown> }) => {
        const operation = (context.commandName ?? "").replace(/Command$/, "");
        if (isReadOnlyOperation(operation)) return next(args);
        const entry: JournalEntry = { operation: `${serviceOf(context.clientName)}:${operation}`, target: targetOf(args.input), state: "in flight" };
        this.entries.push(entry);
        try {
          const result = await next(args);
          entry.state = "done";
          return result;
        } catch (error) {
          // An aborted call may still have reached AWS: it stays "in flight".
          if ((error as Error).name !== "AbortError") entry.state = "failed";
          throw error;
        }
      };
  }

  /** Whether this run called `service:Operation` (whatever came of it). */
  called(operation: string): boolean {
    return this.entries.some((e) => e.operation.toLowerCase() === operation.toLowerCase());
  }

  /**
   * Lines for the user: what was changed, and what may have been. Repeated calls fold into one
   * line (`sagemaker:AddTags ×25 …`); something made and deleted again in this run is left out.
   */
  leftBehind(): string[] {
    const kept = this.entries.filter((e) => e.state !== "failed");
    const deleted = new Set(kept.filter((e) => e.state === "done" && /:Delete/.test(e.operation)).flatMap((e) => namesOf(e).map((n) => `${serviceOfEntry(e)}:${n}`)));
    const undone = (e: JournalEntry) => /:(Create|Put)/.test(e.operation) && namesOf(e).some((n) => deleted.has(`${serviceOfEntry(e)}:${n}`));
    const netDeleted = (e: JournalEntry) => /:Delete/.test(e.operation) && e.state === "done" && namesOf(e).every((n) => kept.some((c) => c !== e && undone(c) && namesOf(c).includes(n)));
    const lines = new Map<string, { entry: JournalEntry; count: number }>();
    for (const e of kept) {
      if (undone(e) || netDeleted(e)) continue;
      const key = `${e.operation} ${e.target} ${e.state}`;
      const line = lines.get(key);
      if (line) line.count += 1;
      else lines.set(key, { entry: e, count: 1 });
    }
    return [...lines.values()].map(({ entry: e, count }) => `${e.operation}${count > 1 ? ` ×${count}` : ""} ${e.target}${e.state === "in flight" ? " (was in flight when stopped: it may have happened)" : ""}`.trim());
  }
}

/** The service part of "service:Operation". */
function serviceOfEntry(e: JournalEntry): string {
  return e.operation.split(":")[0]!;
}

/** The names a call's target holds: `ModelName=m` → [m]; `AlarmNames=a,b` → [a, b]. */
function namesOf(e: JournalEntry): string[] {
  const value = e.target.slice(e.target.indexOf("=") + 1);
  return value ? value.split(",") : [];
}

function serviceOf(clientName: string | undefined): string {
  return (clientName ?? "").replace(/Client$/, "").toLowerCase();
}

/** The call's subject: its first *Name or *Arn input, e.g. EndpointName=churn, or a list of names (AlarmNames=a,b). */
function targetOf(input: Record<string, unknown> | undefined): string {
  const keys = Object.keys(input ?? {});
  const key = keys.find((k) => /(Name|Arn)$/.test(k) && typeof input![k] === "string");
  if (key) return `${key}=${String(input![key])}`;
  const list = keys.find((k) => /Names$/.test(k) && Array.isArray(input![k]));
  return list ? `${list}=${(input![list] as unknown[]).join(",")}` : "";
}
