import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxClock } from "./clock";
import { ServiceError } from "./errors";
import type { EventBus } from "./events";
import type { FaultInjector } from "./faults";
import { callerOf, identifyService } from "./protocols/identify";
import { decodeJsonRequest, encodeJsonError, encodeJsonResult } from "./protocols/json";
import { decodeQueryRequest, encodeQueryError, encodeQueryResult } from "./protocols/query";
import { MalformedRequest, type SandboxRequest } from "./protocols/request";
import { encodeRestXmlError } from "./protocols/restxml";
import { mutatesByName, UNNAMED_OPERATION, type RequestLog } from "./request-log";
import type { HttpAnswer, OperationContext, ServiceDefinition } from "./service";
import { REGION_NAME, type Scope } from "./state";
import { validate, validationMessage } from "./validate";

export interface Dispatcher {
  services: readonly ServiceDefinition[];
  /** A service's state in an account and region. */
  stateOf(service: string, scope: Scope): unknown;
  clock: SandboxClock;
  faults: FaultInjector;
  log: RequestLog;
  events: EventBus;
  accountId: string;
  /** The sandbox's default region: for requests that name none. */
  region: string;
  /** When set, only these access key ids are accepted; others get the service's invalid-token error. */
  acceptedAccessKeyIds?: ReadonlySet<string>;
  onMutation(): void;
  onInternalError(error: unknown, service: string, operation: string): void;
}

/** Largest body buffered by default (a model.tar.gz in tests is far smaller). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export async function readRequest(req: IncomingMessage, maxBodyBytes = MAX_BODY_BYTES): Promise<SandboxRequest> {
  const url = new URL(req.url ?? "/", "http://sandbox");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new ServiceError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
}

export function writeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  const body = typeof answer.body === "string" ? Buffer.from(answer.body, "utf8") : answer.body;
  const headers = { ...answer.headers };
  headers["content-length"] ??= String(body.length);
  res.writeHead(answer.status, headers);
  res.end(body);
}

function encodeResult(service: ServiceDefinition, operation: string, output: unknown, requestId: string): HttpAnswer {
  const p = service.protocol;
  if (p.kind === "json") return encodeJsonResult(p, output, requestId);
  if (p.kind === "query") return encodeQueryResult(p, operation, output, requestId);
  const rest = (output ?? {}) as Partial<HttpAnswer>;
  return { status: rest.status ?? 200, headers: { "x-amz-request-id": requestId, "x-amz-id-2": requestId, ...rest.headers }, body: rest.body ?? "" };
}

function encodeError(service: ServiceDefinition, error: ServiceError, requestId: string, method: string): HttpAnswer {
  const p = service.protocol;
  if (p.kind === "json") return encodeJsonError(p, error, requestId);
  if (p.kind === "query") return encodeQueryError(p, error, requestId);
  return encodeRestXmlError(error, requestId, method);
}

/**
 * The account and region a request is answered in: the region of its SigV4 credential scope,
 * as AWS answers each region at its own endpoint. Unsigned requests, and scopes that do not
 * name a region (the sandbox then cannot tell), get the sandbox's default region.
 */
export function scopeOf(d: Pick<Dispatcher, "accountId" | "region">, caller: { region?: string }): Scope {
  return { accountId: d.accountId, region: caller.region && REGION_NAME.test(caller.region) ? caller.region : d.region };
}

/** The context a handler (or attach hook) gets for one service in one scope. */
export function operationContext(d: Pick<Dispatcher, "stateOf" | "clock" | "events">, service: ServiceDefinition, scope: Scope, requestId: string): OperationContext<unknown> {
  return {
    state: d.stateOf(service.name, scope),
    clock: d.clock,
    events: d.events.in(scope.accountId, scope.region),
    accountId: scope.accountId,
    region: scope.region,
    requestId,
    errors: service.errors,
    arn: (resource) => `arn:aws:${service.arnService}:${scope.region}:${scope.accountId}:${resource}`,
    peer: (name) => d.stateOf(name, scope),
  };
}

function decode(service: ServiceDefinition, req: SandboxRequest): { operation: string; input: unknown } {
  const p = service.protocol;
  if (p.kind === "json") return decodeJsonRequest(req, p);
  if (p.kind === "query") return decodeQueryRequest(req);
  return service.route!(req);
}

function malformed(service: ServiceDefinition, message: string): ServiceError {
  const p = service.protocol;
  if (p.kind === "json") return new ServiceError("SerializationException", message, { queryCode: p.queryCompatible ? "MalformedInput" : undefined });
  if (p.kind === "query") return new ServiceError("MalformedInput", message);
  return new ServiceError("MalformedXML", message);
}

/** An error for a request whose body could not even be read (too large): in its service's own format. */
export function errorAnswer(services: readonly ServiceDefinition[], req: IncomingMessage, error: ServiceError): HttpAnswer {
  const head: SandboxRequest = { method: req.method ?? "GET", path: new URL(req.url ?? "/", "http://sandbox").pathname, query: new URL(req.url ?? "/", "http://sandbox").searchParams, headers: req.headers, body: Buffer.alloc(0) };
  const service = identifyService(head, callerOf(head), services);
  if (!service) return { status: error.status, headers: { "content-type": "application/json" }, body: JSON.stringify({ __type: error.code, message: error.message }) };
  return encodeError(service, error, randomUUID(), head.method);
}

/** Answer one AWS request and log it. Never throws: every failure is an answer in the caller's protocol. */
export async function dispatch(d: Dispatcher, req: SandboxRequest): Promise<HttpAnswer> {
  const started = performance.now();
  const requestId = randomUUID();
  const caller = callerOf(req);
  const service = identifyService(req, caller, d.services);
  if (!service) {
    return {
      status: 400,
      headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
      body: JSON.stringify({ __type: "UnknownServiceException", message: "The mlops sandbox does not know which AWS service this request is for." }),
    };
  }

  const scope = scopeOf(d, caller);
  let operation = UNNAMED_OPERATION;
  let input: unknown = {};
  let decoded = false;
  let fault: "throttle" | "error" | undefined;
  let errorCode: string | undefined;
  let answer: HttpAnswer;
  // Whether the call writes: the operation's own definition, else the sandbox's rule on its name.
  // Never the client's list: the log is a witness, and must not agree with mlops by construction.
  const mutatesNow = () => (Object.hasOwn(service.operations, operation) ? service.operations[operation]!.mutates : mutatesByName(operation));
  try {
    try {
      ({ operation, input } = decode(service, req));
      decoded = true;
    } catch (error) {
      // A body that does not parse still named its operation (X-Amz-Target, Action): log that name.
      if (error instanceof MalformedRequest) {
        operation = error.operation ?? UNNAMED_OPERATION;
        throw malformed(service, error.message);
      }
      throw error;
    }
    const op = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;

    if (!caller.accessKeyId) throw service.errors.missingAuthentication();
    if (d.acceptedAccessKeyIds && !d.acceptedAccessKeyIds.has(caller.accessKeyId)) throw service.errors.invalidAccessKey(caller.accessKeyId);

    const decision = d.faults.decide(service.name, operation);
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    fault = decision.fault;
    if (fault === "throttle") throw service.errors.throttling();
    if (fault === "error") throw service.errors.internal();

    if (!op) throw service.errors.unknownOperation(operation);
    if (op.input) {
      const problems = validate(op.input, input);
      if (problems.length > 0) throw service.errors.validation(validationMessage(problems));
    }
    const ctx = operationContext(d, service, scope, requestId);
    const output = await op.handler(input, ctx);
    answer = encodeResult(service, operation, output, requestId);
    if (op.mutates) d.onMutation();
  } catch (error) {
    if (!(error instanceof ServiceError)) d.onInternalError(error, service.name, operation);
    const serviceError = error instanceof ServiceError ? error : service.errors.internal();
    errorCode = serviceError.code;
    answer = encodeError(service, serviceError, requestId, req.method);
  }

  d.log.record({
    time: d.clock.date().toISOString(),
    service: service.name,
    region: scope.region,
    operation,
    input: service.logInput && decoded ? service.logInput(input) : input,
    mutating: mutatesNow(),
    status: answer.status,
    error: errorCode,
    fault,
    durationMs: Math.round(performance.now() - started),
  });
  return answer;
}
