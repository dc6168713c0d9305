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

  /** Lines for the user: what was changed, and what may have been. */
  leftBehind(): string[] {
    return this.entries
      .filter((e) => e.state !== "failed")
      .map((e) => `${e.operation} ${e.target}${e.state === "in flight" ? " (was in flight when stopped: it may have happened)" : ""}`.trim());
  }
}

function serviceOf(clientName: string | undefined): string {
  return (clientName ?? "").replace(/Client$/, "").toLowerCase();
}

/** The call's subject: its first *Name or *Arn input, e.g. EndpointName=churn. */
function targetOf(input: Record<string, unknown> | undefined): string {
  const key = Object.keys(input ?? {}).find((k) => /(Name|Arn)$/.test(k) && typeof input![k] === "string");
  return key ? `${key}=${String(input![key])}` : "";
}
