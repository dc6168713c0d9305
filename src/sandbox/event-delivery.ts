import { randomUUID } from "node:crypto";
import { ServiceError } from "./errors";
import type { EventBus, SandboxEvent } from "./events";
import { operationContext, type Dispatcher } from "./server";
import type { ServiceDefinition } from "./service";
import type { Scope } from "./state";
import { matchingRules, type EventBridgeState, type RuleRecord, type TargetRecord } from "./services/eventbridge";
import { validate, validationMessage } from "./validate";

/**
 * EventBridge's delivery: every event on the sandbox's bus is matched against the enabled rules of
 * its own account and region, and each matching rule's targets are really invoked, by calling the
 * target service's operation as EventBridge would (SageMaker StartPipelineExecution, CodePipeline
 * StartPipelineExecution, SNS Publish). Every invocation, successful or failed, is recorded with
 * the input sent, like EventBridge's Invocations / FailedInvocations metrics.
 */

export interface Invocation {
  time: string;
  region: string;
  rule: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  /** The operation called, e.g. sagemaker:StartPipelineExecution. */
  operation: string;
  /** The input sent to the target's operation. */
  input: unknown;
  status: "Succeeded" | "Failed";
  /** Failed: the target service's error code and message. */
  error?: { code: string; message: string };
  /** Succeeded: what the operation answered. */
  output?: unknown;
}

type Deps = Pick<Dispatcher, "services" | "stateOf" | "clock" | "events" | "onInternalError" | "onMutation">;

/** A JSONPath as EventBridge accepts it ($, $.a.b, $.a[0]) read from a JSON value. */
export function readJsonPath(value: unknown, path: string): unknown {
  if (path === "$") return value;
  const m = /^\$((?:\.[^.[\]]+|\[\d+\])+)$/.exec(path);
  if (!m) return undefined;
  let at: unknown = value;
  for (const part of m[1]!.match(/\.[^.[\]]+|\[\d+\]/g)!) {
    if (at === null || typeof at !== "object") return undefined;
    at = part.startsWith("[") ? (at as unknown[])[Number(part.slice(1, -1))] : (at as Record<string, unknown>)[part.slice(1)];
  }
  return at;
}

/**
 * What EventBridge sends a target: the event, or Input (constant JSON), InputPath (part of the
 * event) or InputTransformer (a template with <name> placeholders filled from InputPathsMap).
 * doc: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function targetInput(target: TargetRecord, event: SandboxEvent): unknown {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath !== undefined) return readJsonPath(event, target.InputPath);
  if (target.InputTransformer) {
    const values = Object.fromEntries(Object.entries(target.InputTransformer.InputPathsMap ?? {}).map(([k, p]) => [k, readJsonPath(event, p)]));
    const text = target.InputTransformer.InputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (all, name: string) => {
      if (name === "aws.events.event.json") return JSON.stringify(event);
      if (!Object.hasOwn(values, name)) return all;
      const v = values[name];
      return typeof v === "string" ? v : JSON.stringify(v ?? null);
    });
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return event;
}

/**
 * SageMaker pipeline parameters as EventBridge passes them: a value that is a JSONPath into the
 * event ("$.detail.object.key") is replaced by what it names (dynamic path parameters,
 * doc: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html#targets-specifics-path-parameters).
 */
export function pipelineParameters(target: TargetRecord, event: SandboxEvent): Array<{ Name: string; Value: string }> {
  return (target.SageMakerPipelineParameters?.PipelineParameterList ?? []).map(({ Name, Value }) => {
    if (!Value.startsWith("$.")) return { Name, Value };
    const v = readJsonPath(event, Value);
    return { Name, Value: v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v) };
  });
}

/** Which operation an ARN's target means, and its input. */
function callFor(target: TargetRecord, event: SandboxEvent): { service: string; operation: string; input: Record<string, unknown> } | undefined {
  const arn = /^arn:aws[\w-]*:([a-z0-9-]+):([^:]*):(\d{12}):(.+)$/.exec(target.Arn);
  if (!arn) return undefined;
  const [, service, , , resource] = arn as unknown as [string, string, string, string, string];
  if (service === "sagemaker" && resource.startsWith("pipeline/")) {
    const PipelineParameters = pipelineParameters(target, event);
    return {
      service: "sagemaker",
      operation: "StartPipelineExecution",
      input: { PipelineName: resource.slice("pipeline/".length), ClientRequestToken: randomUUID(), ...(PipelineParameters.length ? { PipelineParameters } : {}) },
    };
  }
  if (service === "codepipeline") return { service: "codepipeline", operation: "StartPipelineExecution", input: { name: resource } };
  if (service === "sns") {
    const input = targetInput(target, event);
    return { service: "sns", operation: "Publish", input: { TopicArn: target.Arn, Message: typeof input === "string" ? input : JSON.stringify(input) } };
  }
  return undefined;
}

export class EventDelivery {
  private log: Invocation[] = [];
  private queue: Array<{ event: SandboxEvent; rules?: RuleRecord[] }> = [];
  private draining = false;

  constructor(
    private readonly deps: Deps,
    private readonly limit = 10_000,
  ) {}

  /** Start delivering the bus's events; returns the unsubscribe function. */
  attach(bus: EventBus): () => void {
    return bus.subscribe((event) => this.enqueue(event));
  }

  invocations(filter: { rule?: string; region?: string } = {}): Invocation[] {
    return this.log.filter((i) => (!filter.rule || i.rule === filter.rule) && (!filter.region || i.region === filter.region));
  }

  clear(): void {
    this.log = [];
  }

  /** Deliver an event to the given rules only (a scheduled rule firing), or to every matching rule. */
  enqueue(event: SandboxEvent, rules?: RuleRecord[]): void {
    this.queue.push({ event, rules });
    // Targets publish events of their own (an execution starting): those are delivered after this one, not inside it.
    if (this.draining) return;
    this.draining = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) this.deliver(item.event, item.rules);
    } finally {
      this.draining = false;
    }
  }

  private deliver(event: SandboxEvent, only?: RuleRecord[]): void {
    const scope: Scope = { accountId: event.account, region: event.region };
    let rules: RuleRecord[];
    try {
      rules = only ?? matchingRules(this.deps.stateOf("events", scope) as EventBridgeState, event);
    } catch (error) {
      this.deps.onInternalError(error, "events", "deliver");
      return;
    }
    for (const rule of rules) for (const target of rule.Targets) this.invoke(scope, rule, target, event);
  }

  private invoke(scope: Scope, rule: RuleRecord, target: TargetRecord, event: SandboxEvent): void {
    const base = { time: this.deps.clock.date().toISOString(), region: scope.region, rule: rule.Name, targetId: target.Id, targetArn: target.Arn, eventId: event.id };
    const call = callFor(target, event);
    if (!call) {
      this.record({ ...base, operation: "none", input: targetInput(target, event), status: "Failed", error: { code: "UnsupportedTarget", message: `The mlops sandbox cannot invoke targets like ${target.Arn}.` } });
      return;
    }
    const operation = `${call.service}:${call.operation}`;
    const done = (output: unknown) => {
      this.record({ ...base, operation, input: call.input, status: "Succeeded", output });
      // The target's state changed outside a request: the state file must hear of it.
      this.deps.onMutation();
    };
    const failed = (error: unknown) => {
      const e = error instanceof ServiceError ? { code: error.code, message: error.message } : { code: "InternalFailure", message: String(error) };
      this.record({ ...base, operation, input: call.input, status: "Failed", error: e });
    };
    try {
      const service = this.deps.services.find((s) => s.name === call.service);
      const op = service && Object.hasOwn(service.operations, call.operation) ? service.operations[call.operation] : undefined;
      if (!service || !op) throw new ServiceError("UnsupportedTarget", `The mlops sandbox has no ${operation}.`);
      const problems = op.input ? validate(op.input, call.input) : [];
      if (problems.length) throw service.errors.validation(validationMessage(problems));
      const ctx = { ...operationContext(this.deps, service as ServiceDefinition, scope, randomUUID()), invokedBy: { ruleArn: rule.Arn } };
      const result = op.handler(call.input, ctx);
      if (result instanceof Promise) result.then(done, failed);
      else done(result);
    } catch (error) {
      failed(error);
    }
  }

  private record(invocation: Invocation): void {
    this.log.push(invocation);
    if (this.log.length > this.limit) this.log.shift();
  }
}
