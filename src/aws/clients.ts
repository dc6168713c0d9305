import { ChangeJournal } from "./journal";

/**
 * One factory for every AWS SDK v3 client. It imports no SDK itself: facades pass the client
 * class, so a client's code loads only with the command that needs it.
 */

export interface AwsClientSettings {
  region?: string;
  profile?: string;
  /** Endpoint override (--endpoint-url, MLOPS_ENDPOINT_URL, mlops.yaml, --sandbox). AWS_ENDPOINT_URL* the SDK reads itself. */
  endpoint?: string;
  /** Static credentials, used only for the in-process sandbox. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  debug?: (message: string) => void;
  /** The process env, to see the SDK's own endpoint overrides (AWS_ENDPOINT_URL*). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborts every call in flight (Ctrl-C). */
  signal?: AbortSignal;
}

/** The part of every SDK v3 client we touch; loose on purpose, each client's own types are precise. */
interface SdkClient {
  destroy(): void;
  send: (...args: any[]) => Promise<any>;
  middlewareStack: { add: (...args: any[]) => void };
}

type ClientClass<C> = new (config: Record<string, unknown>) => C;

/** Attempts per AWS call (the SDK's standard retry, with its back-off) when AWS_MAX_ATTEMPTS is not set. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export class AwsClients {
  private readonly clients = new Map<ClientClass<unknown>, SdkClient>();
  private readonly children: AwsClients[] = [];

  /** `journal`: every change this run made (or may have made) in AWS. */
  constructor(
    readonly settings: AwsClientSettings,
    readonly journal = new ChangeJournal(),
  ) {}

  /**
   * The same clients without the abort signal, sharing the journal: for the calls that must
   * still run after Ctrl-C (returning traffic to the old version, cleaning up).
   */
  detached(): AwsClients {
    const copy = new AwsClients({ ...this.settings, signal: undefined }, this.journal);
    this.children.push(copy);
    return copy;
  }

  /** The endpoint in effect for a service, and what set it, for doctor and error hints. */
  endpointFor(serviceEnvId: string, env: Readonly<Record<string, string | undefined>> = this.settings.env ?? {}): { url: string; source: string } | undefined {
    if (this.settings.endpoint) return { url: this.settings.endpoint, source: "settings" };
    const specific = `AWS_ENDPOINT_URL_${serviceEnvId}`;
    if (env[specific]) return { url: env[specific]!, source: specific };
    if (env.AWS_ENDPOINT_URL) return { url: env.AWS_ENDPOINT_URL, source: "AWS_ENDPOINT_URL" };
    return undefined;
  }

  get<C extends SdkClient>(Client: ClientClass<C>, extra: Record<string, unknown> = {}): C {
    const existing = this.clients.get(Client as ClientClass<unknown>);
    if (existing) return existing as C;
    const { region, profile, endpoint, credentials } = this.settings;
    const config: Record<string, unknown> = { ...extra };
    // AWS throttles bursts of calls (a rollout and a status at once, several deploys): try a few
    // more times than the SDK's default 3, unless AWS_MAX_ATTEMPTS says otherwise.
    if (!this.settings.env?.AWS_MAX_ATTEMPTS && !("maxAttempts" in extra)) config.maxAttempts = DEFAULT_MAX_ATTEMPTS;
    if (region) config.region = region;
    if (profile) config.profile = profile;
    if (endpoint) config.endpoint = endpoint;
    if (credentials) config.credentials = credentials;
    const client = new Client(config);
    if (this.settings.debug) client.middlewareStack.add(debugMiddleware(this.settings.debug), { step: "deserialize", name: "mlopsDebug", priority: "low" });
    client.middlewareStack.add(this.journal.middleware(), { step: "initialize", name: "mlopsJournal" });
    const { signal } = this.settings;
    if (signal) {
      // Ctrl-C cancels whatever call is in flight instead of leaving it to finish unobserved.
      const send = client.send.bind(client);
      client.send = (command: unknown, options?: object) => send(command, { abortSignal: signal, ...options });
    }
    this.clients.set(Client as ClientClass<unknown>, client);
    return client;
  }

  /** Close keep-alive sockets so the process can exit at once. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    for (const child of this.children) child.destroy();
  }
}

/** One line per HTTP attempt: service, operation, status, time. Never headers or bodies. */
function debugMiddleware(debug: (message: string) => void) {
  return (next: (args: unknown) => Promise<{ response: { statusCode?: number } }>, context: { clientName?: string; commandName?: string }) =>
    async (args: unknown) => {
      const started = performance.now();
      const label = `${(context.clientName ?? "").replace(/Client$/, "")}.${(context.commandName ?? "").replace(/Command$/, "")}`;
      try {
        const result = await next(args);
        debug(`aws ${label} → ${result.response.statusCode ?? "?"} (${Math.round(performance.now() - started)} ms)`);
        return result;
      } catch (error) {
        const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
        const what = [e.$metadata?.httpStatusCode, e.code ?? e.name].filter(Boolean).join(" ");
        debug(`aws ${label} → ${what} (${Math.round(performance.now() - started)} ms)`);
        throw error;
      }
    };
}
