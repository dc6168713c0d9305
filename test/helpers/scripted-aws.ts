import type { DescribeEndpointOutput } from "@aws-sdk/client-sagemaker";
import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { AwsClients } from "../../src/aws/clients";
import type { Clock } from "../../src/core/clock";
import { Io } from "../../src/io/io";
import { RolloutView } from "../../src/rollout/view";
import type { RolloutEnv } from "../../src/rollout/types";

/**
 * Scripted AWS for the rollout engines' unit tests (issue 14): each SDK command goes to a handler
 * the test writes, so a test can play states the sandbox never produces (InService on the old
 * config right after UpdateEndpoint, Failed, UpdateRollbackFailed, a stale FailureReason). No
 * HTTP: narrow unit tests only; the engines meet the real sandbox in the e2e tests.
 */

export type EndpointState = Partial<Omit<DescribeEndpointOutput, "$metadata">>;
type Handler = (input: any) => unknown;

/** An SDK error as the client throws it: `name` is AWS's error code. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

/** One call as the engine made it: the operation (without "Command") and its input. */
export interface Call {
  op: string;
  input: any;
  /** Clock time of the call (epoch ms). */
  at: number;
}

/**
 * A fake clock whose sleeps pass at once, and a timeline of things that happen at given clock
 * times (an alarm fires, another shell leaves a command). Bounded: a run past `limitMs` of clock
 * time throws, so a loop that would never end fails the test instead.
 */
export class FakeClock implements Clock {
  private events: Array<{ at: number; run: () => void }> = [];
  private readonly start: number;
  sleeps = 0;

  constructor(
    public t = 1_800_000_000_000,
    private readonly limitMs = 30 * 86_400_000,
  ) {
    this.start = t;
  }

  now(): Date {
    return new Date(this.t);
  }

  /** Run `run` once the clock reaches `at` (epoch ms) or `in` ms from now. */
  at(when: { at?: number; in?: number }, run: () => void): void {
    this.events.push({ at: when.at ?? this.t + (when.in ?? 0), run });
    this.events.sort((a, b) => a.at - b.at);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps++;
    this.t += Math.max(0, ms);
    if (this.t - this.start > this.limitMs) throw new Error(`FakeClock: more than ${this.limitMs} ms of clock time passed: the code under test does not stop`);
    while (this.events.length > 0 && this.events[0]!.at <= this.t) this.events.shift()!.run();
    if (signal?.aborted) throw signal.reason;
  }
}

/** AWS clients whose every call goes to the test's handlers; calls are logged in order. */
export class ScriptedAws extends AwsClients {
  readonly calls: Call[] = [];
  /** The endpoint's tags (the rollout record lives there). */
  tags: Record<string, string> = {};
  /** What DescribeAlarms answers, by alarm name. */
  alarms = new Map<string, MetricAlarm>();
  readonly handlers: Record<string, Handler>;

  constructor(
    private readonly clock: FakeClock,
    handlers: Record<string, Handler>,
  ) {
    super({ region: "us-east-1" });
    this.handlers = {
      ListTags: () => ({ Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })) }),
      AddTags: (input: { Tags: Array<{ Key: string; Value: string }> }) => {
        for (const t of input.Tags) this.tags[t.Key] = t.Value;
        return {};
      },
      DeleteTags: (input: { TagKeys: string[] }) => {
        for (const k of input.TagKeys) delete this.tags[k];
        return {};
      },
      DescribeAlarms: (input: { AlarmNames: string[] }) => ({ MetricAlarms: input.AlarmNames.flatMap((n) => (this.alarms.has(n) ? [this.alarms.get(n)!] : [])) }),
      ...handlers,
    };
  }

  /** Set an alarm's state, since now on the clock (or `since`, epoch ms). */
  setAlarm(name: string, state: "OK" | "ALARM" | "INSUFFICIENT_DATA", since = this.clock.t): void {
    this.alarms.set(name, { AlarmName: name, StateValue: state, StateReason: `${name} is ${state}`, StateUpdatedTimestamp: new Date(since) });
  }

  /** The calls of one operation, in order. */
  callsOf(op: string): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  override get<C>(): C {
    const send = async (command: { constructor: { name: string }; input: unknown }) => {
      const op = command.constructor.name.replace(/Command$/, "");
      this.calls.push({ op, input: structuredClone(command.input), at: this.clock.t });
      const handler = this.handlers[op];
      if (!handler) throw new Error(`ScriptedAws: no handler for ${op}`);
      return structuredClone(await handler(command.input));
    };
    return { send, destroy() {}, middlewareStack: { add() {} } } as C;
  }

  override detached(): AwsClients {
    return this;
  }
}

/** Io that keeps what it writes; no TTY, so views log plain lines. */
export function captureIo(): { io: Io; stderr: () => string } {
  const err = { text: "", isTTY: false, write(s: string) { this.text += s; } };
  const out = { text: "", isTTY: false, write(s: string) { this.text += s; } };
  const io = new Io({ streams: { stdin: { isTTY: false }, stdout: out, stderr: err }, env: {}, json: false, noColor: true, debug: false });
  return { io, stderr: () => err.text };
}

/** What an engine works with, on the scripted AWS and the fake clock. */
export function scriptedEnv(aws: ScriptedAws, clock: FakeClock, options: { endpoint?: string; pollSeconds?: number; deadlineSeconds?: number; signal?: AbortSignal } = {}): RolloutEnv & { stderr: () => string } {
  const { io, stderr } = captureIo();
  const endpoint = options.endpoint ?? "churn";
  return {
    aws,
    io,
    view: new RolloutView(io, endpoint),
    endpoint,
    clock,
    signal: options.signal ?? new AbortController().signal,
    pollSeconds: options.pollSeconds ?? 10,
    deadline: clock.t + (options.deadlineSeconds ?? 86_400) * 1000,
    stderr,
  };
}
