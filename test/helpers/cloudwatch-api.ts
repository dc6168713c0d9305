import type { EventInput } from "../../src/sandbox/events";
import { cloudwatch, type CloudWatchState } from "../../src/sandbox/services/cloudwatch";

/**
 * The sandbox's CloudWatch operations, called as the dispatcher calls them once the input has
 * passed the model's checks (no HTTP): for unit tests of its rules.
 */
export const ACCOUNT = "111122223333";
export const arnOf = (name: string) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`;

/** The operations over a fresh state at sandbox time `now` (ms), with the events they publish. */
export function api(now = 600_000) {
  const state = cloudwatch.initialState() as CloudWatchState;
  const events: EventInput[] = [];
  const ctx = {
    state,
    clock: { now: () => now },
    events: { publish: (e: EventInput) => events.push(e) },
    accountId: ACCOUNT,
    region: "us-east-1",
    requestId: "r",
    errors: cloudwatch.errors,
    arn: (resource: string) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:${resource}`,
    peer: () => undefined,
  };
  const call = (operation: string, input: object): any => (cloudwatch.operations[operation]!.handler as (i: object, c: unknown) => unknown)(input, ctx);
  /** The error a call throws, as {code, queryCode, status, message}. */
  const failure = (operation: string, input: object) => {
    try {
      call(operation, input);
    } catch (error) {
      const e = error as { code: string; queryCode?: string; status: number; message: string };
      return { code: e.code, queryCode: e.queryCode, status: e.status, message: e.message };
    }
    throw new Error(`${operation} did not fail`);
  };
  return { state, events, call, failure };
}
