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

/** A SageMaker "does not exist" answer, as DescribeEndpointConfig/DescribeModel/ListTags give it. */
export const notFound = (what: string): Error => awsError("ValidationException", `Could not find ${what}`);

/**
 * Endpoint configs, models and alarms kept in memory with their tags, for code that creates,
 * looks up and deletes them (rollout execution, cleanup, reconcile). Installs handlers on `aws`
 * for Create/Describe/Delete of configs and models, ListEndpointConfigs, ListTags by ARN (the
 * endpoint's own ARN answers `aws.tags`), PutMetricAlarm, ListTagsForResource and DeleteAlarms.
 * Handlers the test gave ScriptedAws itself win over these, except ListTags.
 */
export interface ScriptedResources {
  /** Endpoint configs by name: the models their variants serve, tags, creation time (epoch ms). */
  configs: Map<string, { models: string[]; tags: Record<string, string>; created: number }>;
  models: Map<string, { tags: Record<string, string> }>;
  /** Tags of the alarms in `aws.alarms`, by alarm name (an alarm without an entry has none). */
  alarmTags: Map<string, Record<string, string>>;
}

export const configArn = (name: string) => `arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${name}`;
export const modelArn = (name: string) => `arn:aws:sagemaker:us-east-1:111122223333:model/${name}`;
export const alarmArn = (name: string) => `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${name}`;

export function scriptResources(aws: ScriptedAws, endpointArn: string, clock: FakeClock): ScriptedResources {
  const store: ScriptedResources = { configs: new Map(), models: new Map(), alarmTags: new Map() };
  const tagsOf = (list?: Array<{ Key: string; Value: string }>) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value]));
  const byArn = (arn: string): Record<string, string> | undefined => {
    if (arn === endpointArn) return aws.tags;
    const [, kind, name] = /:(endpoint-config|model)\/(.+)$/.exec(arn) ?? [];
    return kind === "model" ? store.models.get(name!)?.tags : store.configs.get(name!)?.tags;
  };
  const defaults: Record<string, Handler> = {
    DescribeEndpointConfig: ({ EndpointConfigName: name }) => {
      // As SageMaker: a missing name is a validation error, not "does not exist".
      if (!name) throw awsError("ValidationException", "1 validation error detected: Value null at 'endpointConfigName' failed to satisfy constraint: Member must not be null");
      const c = store.configs.get(name);
      if (!c) throw notFound(`endpoint configuration "${name}"`);
      return { EndpointConfigName: name, EndpointConfigArn: configArn(name), ProductionVariants: c.models.map((m, i) => ({ VariantName: `v${i}`, ModelName: m })) };
    },
    DescribeModel: ({ ModelName: name }) => {
      if (!store.models.has(name)) throw notFound(`model "${name}"`);
      return { ModelName: name, ModelArn: modelArn(name) };
    },
    CreateModel: (input) => {
      store.models.set(input.ModelName, { tags: tagsOf(input.Tags) });
      return {};
    },
    CreateEndpointConfig: (input) => {
      store.configs.set(input.EndpointConfigName, { models: input.ProductionVariants.map((v: { ModelName: string }) => v.ModelName), tags: tagsOf(input.Tags), created: clock.t });
      return {};
    },
    DeleteEndpointConfig: ({ EndpointConfigName: name }) => {
      if (!store.configs.delete(name)) throw notFound(`endpoint configuration "${name}"`);
      return {};
    },
    DeleteModel: ({ ModelName: name }) => {
      if (!store.models.delete(name)) throw notFound(`model "${name}"`);
      return {};
    },
    ListEndpointConfigs: ({ NameContains }) => ({
      EndpointConfigs: [...store.configs].filter(([n]) => n.includes(NameContains ?? "")).map(([n, c]) => ({ EndpointConfigName: n, CreationTime: new Date(c.created) })),
    }),
    PutMetricAlarm: (input) => {
      aws.setAlarm(input.AlarmName, "INSUFFICIENT_DATA");
      store.alarmTags.set(input.AlarmName, tagsOf(input.Tags));
      return {};
    },
    ListTagsForResource: ({ ResourceARN }) => {
      const name = String(ResourceARN).split(":alarm:")[1]!;
      if (!aws.alarms.has(name)) throw awsError("ResourceNotFoundException", `alarm ${name} not found`);
      return { Tags: Object.entries(store.alarmTags.get(name) ?? {}).map(([Key, Value]) => ({ Key, Value })) };
    },
    DeleteAlarms: ({ AlarmNames }) => {
      for (const n of AlarmNames) aws.alarms.delete(n);
      return {};
    },
  };
  for (const [op, handler] of Object.entries(defaults)) if (!(op in aws.handlers)) aws.handlers[op] = handler;
  aws.handlers.ListTags = ({ ResourceArn }) => {
    const tags = byArn(ResourceArn);
    if (!tags) throw notFound(`resource ${ResourceArn}`);
    return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
  };
  const describeAlarms = aws.handlers.DescribeAlarms!;
  aws.handlers.DescribeAlarms = (input) => {
    const out = describeAlarms(input) as { MetricAlarms: MetricAlarm[] };
    return { MetricAlarms: out.MetricAlarms.map((a) => ({ ...a, AlarmArn: alarmArn(a.AlarmName!) })) };
  };
  return store;
}
