import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkClockChange, SandboxClock } from "./clock";
import { EventBus } from "./events";
import { FaultInjector, parseFaultSpec, type FaultRule } from "./faults";
import { RequestLog } from "./request-log";
import { dispatch, errorAnswer, operationContext, readRequest, writeAnswer, type Dispatcher } from "./server";
import { header, type SandboxRequest } from "./protocols/request";
import { ServiceError } from "./errors";
import type { ServiceDefinition } from "./service";
import { readStateFile, REGION_NAME, StateStore, writeStateFile, type Scope } from "./state";
import { SANDBOX_CREDENTIALS } from "./credentials";
import { alarmStates, cloudwatch, evaluateAlarms, pruneMetrics, type CloudWatchState } from "./services/cloudwatch";
import { codepipeline } from "./services/codepipeline";
import { checkedSchedule, eventbridge, type EventBridgeState } from "./services/eventbridge";
import { nextFireTime } from "./schedule";
import { randomUUID } from "node:crypto";
import { EventDelivery, type Invocation } from "./event-delivery";
import { s3 } from "./services/s3";
import { createSageMaker, type SageMakerState } from "./services/sagemaker/index";
import { DEFAULT_TIMING, settleEndpoint, type EndpointTiming } from "./services/sagemaker/endpoints";
import { TrafficSimulator } from "./traffic";
import { sts } from "./services/sts";
import { createSns, SnsDeliveryLog, type SnsDelivery } from "./services/sns";

export type { RequestLogEntry } from "./request-log";
export type { FaultRule } from "./faults";
export type { Invocation } from "./event-delivery";
export type { SnsDelivery } from "./services/sns";
export { parseFaultSpec } from "./faults";

export { SANDBOX_CREDENTIALS } from "./credentials";
export { StateFileError } from "./state";


export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Sandbox time runs this many times faster than real time. */
  timeScale?: number;
  faults?: string | FaultRule[];
  /** Load state from this file if it exists, and save to it after every change and on stop. */
  stateFile?: string;
  /** Accept only these access key ids (default: any), to exercise rejected credentials. */
  acceptedAccessKeyIds?: string[];
  requestLogLimit?: number;
  /** Largest request body accepted (default 256 MiB); larger ones get the service's 413 error. */
  maxBodyBytes?: number;
  /** How long endpoint work takes, in sandbox seconds (launching instances, moving traffic, …). */
  endpointTiming?: Partial<EndpointTiming>;
  /** Synthetic requests per second sent to every serving endpoint (default 20; 0 for none). */
  trafficRps?: number;
  /** How late, in sandbox seconds, metrics reach alarm evaluation (default 60, as CloudWatch). */
  metricDelaySeconds?: number;
  /** How often, in sandbox seconds, traffic is simulated, alarms evaluated and endpoints advanced (default 5). */
  tickSeconds?: number;
  /** Called with every unexpected exception inside a handler (a sandbox bug). */
  onInternalError?(error: unknown, service: string, operation: string): void;
  /** Called when saving the state file fails; the sandbox keeps serving and tries again on the next change. */
  onSaveError?(error: unknown): void;
}

export interface Sandbox {
  url: string;
  port: number;
  region: string;
  accountId: string;
  requestLog: RequestLog;
  faults: FaultInjector;
  clock: SandboxClock;
  events: EventBus;
  /** Every EventBridge target invocation (succeeded or failed, with the input sent), oldest first. */
  invocations(filter?: { rule?: string; region?: string }): Invocation[];
  /** Every message published to an SNS topic (the sandbox has no subscribers; this is what they would get), oldest first. */
  snsDeliveries(filter?: { topicArn?: string }): SnsDelivery[];
  /** The env that points AWS SDKs and CLIs at this sandbox. */
  env(): Record<string, string>;
  /** Forget all state, requests, events and faults. */
  reset(): void;
  /** A deep copy of all state, every account and region (regions never used left out), to compare before and after. */
  snapshot(): unknown;
  /** Every operation the sandbox implements, with whether it changes state. */
  operations(): Array<{ service: string; operation: string; mutates: boolean }>;
  /** Save state now (when a state file is set). */
  save(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  if (!/^\d{12}$/.test(accountId)) throw new RangeError(`account id must be 12 digits, got "${accountId}"`);
  if (!REGION_NAME.test(region)) throw new RangeError(`region must be a region name such as us-east-1, got "${region}"`);
  const home: Scope = { accountId, region };

  const timing: EndpointTiming = { ...DEFAULT_TIMING, ...options.endpointTiming };
  // SageMaker's guardrails read CloudWatch's alarm states, in the same account and region.
  const snsDeliveries = new SnsDeliveryLog();
  const SERVICES: readonly ServiceDefinition[] = [
    sts,
    s3,
    createSageMaker({ timing, alarms: (peer) => (names) => alarmStates(peer("cloudwatch") as CloudWatchState, names) }),
    cloudwatch,
    eventbridge,
    codepipeline,
    createSns(snsDeliveries),
  ];
  const saved = options.stateFile ? await readStateFile(options.stateFile, SERVICES, home) : undefined;
  const clock = new SandboxClock({ scale: options.timeScale ?? 1, start: Math.max(Date.now(), saved?.clock ?? 0) });
  const faults = new FaultInjector(typeof options.faults === "string" ? parseFaultSpec(options.faults) : (options.faults ?? []));
  const requestLog = new RequestLog(options.requestLogLimit);
  const events = new EventBus(() => clock.date());
  // Status machines and the like attach to each region's state when it is first made.
  const state: StateStore = new StateStore(SERVICES, home, (scope) => {
    for (const service of SERVICES) service.attach?.(operationContext(dispatcher, service, scope, "attach"));
  });

  let saving: Promise<void> = Promise.resolve();
  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    if (!options.stateFile) return Promise.resolve();
    const file = options.stateFile;
    // A failed write is reported, and does not break the chain for the next one.
    saving = saving.then(() => writeStateFile(file, state.toFile(clock.now()))).catch((error) => options.onSaveError?.(error));
    return saving;
  };

  const dispatcher: Dispatcher = {
    services: SERVICES,
    stateOf: (name, scope) => state.get(name, scope),
    clock,
    faults,
    log: requestLog,
    events,
    accountId,
    region,
    acceptedAccessKeyIds: options.acceptedAccessKeyIds ? new Set(options.acceptedAccessKeyIds) : undefined,
    onMutation: () => {
      if (!options.stateFile || saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        void save();
      }, 50);
    },
    onInternalError: options.onInternalError ?? (() => {}),
  };
  if (saved) state.fromFile(saved);
  const delivery = new EventDelivery(dispatcher);
  delivery.attach(events);

  // Find out now, not at the first change, whether the state file can be written.
  if (options.stateFile) {
    try {
      await writeStateFile(options.stateFile, state.toFile(clock.now()));
    } catch (error) {
      throw new Error(`cannot write the state file ${options.stateFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }

  // The world moves on its own, in every region that has state: traffic arrives, alarms are
  // evaluated, endpoints advance.
  const simulators = new Map<string, TrafficSimulator>();
  const tickMs = (options.tickSeconds ?? 5) * 1000;
  // A tick that re-arms itself at once would keep the clock firing it and nothing else.
  if (!(tickMs >= 100 && Number.isFinite(tickMs))) throw new RangeError(`tickSeconds must be at least 0.1, got ${options.tickSeconds}`);
  const metricDelay = options.metricDelaySeconds ?? 60;
  let lastTick = clock.now();
  /** Scheduled rules (rate and cron) fire on the sandbox clock: a "Scheduled Event" to that rule's targets only (doc: eb-scheduled-rule-pattern). */
  const fireSchedules = (eb: EventBridgeState, scope: Scope, now: number) => {
    for (const rule of Object.values(eb.rules)) {
      if (rule.nextFire === undefined || rule.ScheduleExpression === undefined || rule.nextFire > now) continue;
      const schedule = checkedSchedule(rule.ScheduleExpression);
      const due = rule.nextFire;
      // Missed firings while time jumped are not replayed one by one: one event, for the latest due time.
      let next: number | undefined = due;
      let latest = due;
      while (next !== undefined && next <= now) [latest, next] = [next, nextFireTime(schedule, next)];
      rule.nextFire = next;
      if (rule.State === "DISABLED") continue;
      const event = { version: "0" as const, id: randomUUID(), "detail-type": "Scheduled Event", source: "aws.events", account: scope.accountId, time: new Date(latest).toISOString().replace(/\.\d{3}Z$/, "Z"), region: scope.region, resources: [rule.Arn], detail: {} };
      delivery.enqueue(event, [rule]);
    }
  };

  const tick = () => {
    const now = clock.now();
    for (const r of state.regions()) {
      const scope = { accountId, region: r };
      try {
        const sm = state.get("sagemaker", scope) as SageMakerState;
        const cw = state.get("cloudwatch", scope) as CloudWatchState;
        if (!simulators.has(r)) simulators.set(r, new TrafficSimulator(options.trafficRps ?? 20));
        simulators.get(r)!.run(sm, cw, lastTick, now);
        evaluateAlarms(cw, now, metricDelay, (event) => events.publish(event, accountId, r));
        for (const ep of Object.values(sm.endpoints)) settleEndpoint(sm, ep, now, (names) => alarmStates(cw, names), timing);
        pruneMetrics(cw, now);
        fireSchedules(state.get("events", scope) as EventBridgeState, scope, now);
      } catch (error) {
        // A sandbox bug in one region must not stop time in the others.
        dispatcher.onInternalError(error, "sandbox", `tick ${r}`);
      }
    }
    lastTick = now;
    clock.setTimer(tickMs, tick);
  };
  clock.setTimer(tickMs, tick);

  const reset = () => {
    state.reset();
    simulators.clear();
    requestLog.clear();
    events.clear();
    delivery.clear();
    snsDeliveries.clear();
    faults.clear();
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      if (!res.headersSent) writeAnswer(res, { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ __type: "InternalFailure", message: String(error) }) });
    });
  });
  // Keep idle connections longer than Node's 5 s default: the SDK reuses them, and a server closing
  // one just as a client sends on it is a "socket hang up" that a loaded machine makes likely.
  server.keepAliveTimeout = 60_000;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let request;
    try {
      request = await readRequest(req, options.maxBodyBytes);
    } catch (error) {
      const e = error instanceof ServiceError ? error : new ServiceError("InternalFailure", String(error), { status: 500 });
      return writeAnswer(res, errorAnswer(SERVICES, req, e));
    }
    if (request.path.startsWith("/_mlops/")) return admin(request, res);
    writeAnswer(res, await dispatch(dispatcher, request));
  };

  /**
   * A small control API, so that tools in another process can inspect and steer a running
   * sandbox. Only for this host's own tools: the Host header must name the sandbox (no DNS
   * rebinding), and changes need a custom header, which a web page cannot send across origins.
   */
  const admin = (request: SandboxRequest, res: ServerResponse) => {
    const { method, path, query } = request;
    const body = request.body.toString("utf8");
    const json = (status: number, value: unknown) =>
      writeAnswer(res, { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
    const host = header(request, "host") ?? "";
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return json(403, { message: "the sandbox control API answers only requests addressed to 127.0.0.1 or localhost" });
    if (method !== "GET" && header(request, "x-mlops-control") !== "1") return json(403, { message: "changes through the control API need the header x-mlops-control: 1" });
    try {
      if (path === "/_mlops/health") return json(200, { ok: true, region, accountId, timeScale: clock.scale, time: clock.date().toISOString() });
      if (path === "/_mlops/requests" && method === "GET") return json(200, requestLog.entries({ since: query.has("since") ? Number(query.get("since")) : undefined }));
      if (path === "/_mlops/invocations" && method === "GET") return json(200, delivery.invocations({ rule: query.get("rule") ?? undefined, region: query.get("region") ?? undefined }));
      if (path === "/_mlops/sns-deliveries" && method === "GET") return json(200, snsDeliveries.list({ topicArn: query.get("topicArn") ?? undefined }));
      if (path === "/_mlops/reset" && method === "POST") return (reset(), json(200, { ok: true }));
      if (path === "/_mlops/faults" && method === "PUT") return (faults.set(parseFaultSpec(body)), json(200, faults.list()));
      if (path === "/_mlops/faults" && method === "DELETE") return (faults.clear(), json(200, []));
      if (path === "/_mlops/clock" && method === "PUT") {
        // Both checked before either applies: a refused request changes nothing.
        const { scale, advanceMs } = JSON.parse(body || "{}") as { scale?: unknown; advanceMs?: unknown };
        const checked = checkClockChange(clock, scale, advanceMs);
        if (checked.scale !== undefined) clock.setScale(checked.scale);
        if (checked.advanceMs !== undefined) clock.advance(checked.advanceMs);
        return json(200, { timeScale: clock.scale, time: clock.date().toISOString() });
      }
      return json(404, { message: `no sandbox control route ${method} ${path}` });
    } catch (error) {
      return json(400, { message: (error as Error).message });
    }
  };

  // 127.0.0.1 only, never another address.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    region,
    accountId,
    requestLog,
    faults,
    clock,
    events,
    invocations: (filter) => delivery.invocations(filter),
    snsDeliveries: (filter) => snsDeliveries.list(filter),
    env: () => ({
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
      AWS_REGION: region,
      // The AWS CLI v1 (botocore) reads only this one.
      AWS_DEFAULT_REGION: region,
      // A fast sandbox clock: mlops follows it, so that bakes and polls pass at the sandbox's pace.
      ...(clock.scale !== 1 ? { MLOPS_SANDBOX_CLOCK: `${Date.now()},${clock.now()},${clock.scale}` } : {}),
    }),
    reset,
    snapshot: () => state.snapshot(),
    operations: () => SERVICES.flatMap((service) => Object.entries(service.operations).map(([operation, op]) => ({ service: service.name, operation, mutates: op.mutates }))),
    save,
    stop: async () => {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = undefined;
      await save();
      clock.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

