import { AwsClients } from "./aws/clients";
import { loadConfigFile, type LoadedConfigFile } from "./config/load";
import { resolveSettings, type Settings } from "./config/settings";
import { sandboxClock, systemClock, timerClock, type Clock } from "./core/clock";
import { UsageError } from "./errors";
import { Io, type IoStreams } from "./io/io";
import { inquirerAsker, Prompter } from "./io/prompt";
import { canPrompt, type Env } from "./io/terminal";

/** The global flags, as commander hands them to every command. */
export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
  color?: boolean;
  input?: boolean;
  yes?: boolean;
  debug?: boolean;
  config?: string;
  sandbox?: boolean;
}

export interface Runtime {
  streams: IoStreams & { stdin: NodeJS.ReadableStream & { isTTY?: boolean }; stdinIsTTY?: boolean };
  env: Env;
  cwd: string;
  /** Aborted by the first Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
  /**
   * Told of every further signal (2 = the second): the first one is being handled (traffic going
   * back, say), and cutting that short could leave a bad version serving.
   */
  onRepeatedSignal?: (listener: (count: number) => void) => () => void;
  clock?: Clock;
}

/** Everything a command may touch, built once per run. */
export interface Context {
  io: Io;
  prompt: Prompter;
  aws: AwsClients;
  config: LoadedConfigFile;
  /** Set only when the command tolerates a broken config (doctor); others fail before running. */
  configError?: UsageError;
  settings: Settings;
  settingProblems: UsageError[];
  clock: Clock;
  env: Env;
  cwd: string;
  signal: AbortSignal;
  /** Register cleanup that runs when the command ends, however it ends. */
  defer(cleanup: () => unknown): void;
  dispose(): Promise<void>;
}

/** `--sandbox` runs its throwaway sandbox this many times faster than real time. */
const SANDBOX_TIME_SCALE = 100;

export interface ContextOptions {
  tolerateConfigErrors?: boolean;
}

export function createIo(globals: GlobalOptions, runtime: Pick<Runtime, "streams" | "env">, now?: () => Date): Io {
  return new Io({
    streams: runtime.streams,
    env: runtime.env,
    json: !!globals.json,
    noColor: globals.color === false,
    debug: !!globals.debug,
    now,
  });
}

export async function createContext(globals: GlobalOptions, runtime: Runtime, options: ContextOptions = {}): Promise<Context> {
  // Progress lines carry the command's clock (a sandbox's, when one is followed), like the times in its reports.
  let clock = runtime.clock ?? (runtime.env.MLOPS_SANDBOX_CLOCK ? sandboxClock(runtime.env.MLOPS_SANDBOX_CLOCK) : undefined);
  const io = createIo(globals, runtime, () => (clock ?? systemClock).now());
  const cleanups: Array<() => unknown> = [];

  let config: LoadedConfigFile = { values: {} };
  let configError: UsageError | undefined;
  try {
    config = await loadConfigFile({ cwd: runtime.cwd, explicitPath: globals.config ?? runtime.env.MLOPS_CONFIG });
  } catch (error) {
    if (!(error instanceof UsageError) || !options.tolerateConfigErrors) throw error;
    configError = error;
  }

  const { settings, problems } = resolveSettings(globals, runtime.env, config);
  if (problems.length > 0 && !options.tolerateConfigErrors) throw problems[0];

  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (globals.sandbox) {
    // Given both on one command line, one of them would be silently ignored.
    if (settings.endpointUrl?.source === "--endpoint-url") throw new UsageError("--sandbox and --endpoint-url cannot be used together: --sandbox starts its own local AWS", { hint: "leave out one of them" });
    // A throwaway local AWS for this one run: no account, no network beyond 127.0.0.1. Its time
    // runs 100 times faster, so that a deploy with bakes finishes while you watch.
    const { startSandbox, SANDBOX_CREDENTIALS } = await import("./sandbox/index");
    const sandbox = await startSandbox({ port: 0, timeScale: SANDBOX_TIME_SCALE });
    cleanups.push(() => sandbox.stop());
    settings.endpointUrl = { value: sandbox.url, source: "--sandbox" };
    settings.region ??= { value: sandbox.region, source: "--sandbox" };
    credentials = SANDBOX_CREDENTIALS;
    clock = timerClock(sandbox.clock);
  }

  const aws = new AwsClients({
    region: settings.region?.value,
    profile: settings.profile?.value,
    endpoint: settings.endpointUrl?.value,
    credentials,
    debug: io.debugEnabled ? (m) => io.debug(m) : undefined,
    env: runtime.env,
    signal: runtime.signal,
  });
  cleanups.push(() => aws.destroy());
  const onInterrupt = () => io.afterInterrupt(runtime.signal.reason);
  runtime.signal.addEventListener("abort", onInterrupt, { once: true });
  cleanups.push(() => runtime.signal.removeEventListener("abort", onInterrupt));

  const { streams } = runtime;
  const prompt = new Prompter(
    canPrompt(runtime.env, { stdin: { isTTY: streams.stdinIsTTY ?? streams.stdin.isTTY }, stdout: streams.stdout, stderr: streams.stderr }, globals.input === false),
    !!globals.yes,
    // Prompts render on stderr, so they take its colour: none with --no-color or NO_COLOR.
    () => inquirerAsker(streams.stdin, streams.stderr as unknown as NodeJS.WritableStream, runtime.signal, { color: io.err.level > 0 }),
  );

  return {
    io,
    prompt,
    aws,
    config,
    configError,
    settings,
    settingProblems: problems,
    clock: clock ?? systemClock,
    env: runtime.env,
    cwd: runtime.cwd,
    signal: runtime.signal,
    defer: (cleanup) => cleanups.push(cleanup),
    dispose: async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}
