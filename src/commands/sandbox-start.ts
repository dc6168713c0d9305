import type { Context } from "../context";
import { parseInteger, parseNumber } from "../core/flags";
import { UsageError } from "../errors";
import type { SandboxStarted } from "../schemas/misc";

interface SandboxStartOptions {
  port: string;
  timeScale: string;
  faults?: string;
  stateFile?: string;
  account: string;
  quiet?: boolean;
}

/** Runs until Ctrl-C or SIGTERM, then stops the server and saves state. */
export const handlesInterrupt = true;

export async function run(options: SandboxStartOptions, ctx: Context): Promise<void> {
  const port = parseInteger("--port", options.port, { min: 0, max: 65535 });
  // The sandbox clock's own bound (clock.ts MAX_SCALE): a larger scale would make time meaningless.
  const timeScale = parseNumber("--time-scale", options.timeScale, { exclusiveMin: 0, max: 1_000_000 });
  if (!/^\d{12}$/.test(options.account)) throw new UsageError(`--account must be 12 digits (got "${options.account}")`);
  const { startSandbox, parseFaultSpec, StateFileError } = await import("../sandbox/index");
  let faults;
  try {
    faults = options.faults ? parseFaultSpec(options.faults) : [];
  } catch (error) {
    throw new UsageError(`--faults: ${(error as Error).message}`, { hint: "e.g. --faults 'GetCallerIdentity:throttle=0.3;*:latency=50'" });
  }

  let sandbox;
  try {
    sandbox = await startSandbox({
      port,
      timeScale,
      faults,
      stateFile: options.stateFile,
      accountId: options.account,
      region: ctx.settings.region?.value,
      onInternalError: (error, service, operation) => ctx.io.error(`sandbox bug in ${service}:${operation}: ${(error as Error).stack ?? error}`),
      onSaveError: (error) => ctx.io.warn(`could not save ${options.stateFile}: ${(error as Error).message}`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UsageError(`port ${port} on 127.0.0.1 is in use`, { hint: "pass another --port, or --port 0 for a free one" });
    }
    if (/cannot write the state file/.test((error as Error).message)) throw new UsageError(`--state-file: ${(error as Error).message}`);
    // A file that is not a sandbox state (or another version's): left as it was, named in the message.
    if (error instanceof StateFileError) throw new UsageError(`--state-file: ${error.message}`, { hint: "point --state-file at another path, or move the file away to start empty" });
    throw error;
  }

  if (!options.quiet) {
    sandbox.requestLog.onRecord((e) => {
      const outcome = e.error ? `${e.status} ${e.error}${e.fault ? " (injected)" : ""}` : String(e.status);
      ctx.io.info(`${ctx.io.timestamp()} ${e.service} ${e.operation} → ${outcome} (${e.durationMs} ms)`);
    });
  }

  const env = sandbox.env();
  const started: SandboxStarted = { url: sandbox.url, port: sandbox.port, region: sandbox.region, accountId: sandbox.accountId, timeScale, env };
  ctx.io.emit(started, () =>
    Object.entries(env)
      .map(([k, v]) => `export ${k}=${v}`)
      .join("\n"),
  );
  ctx.io.info(
    `mlops sandbox listening on ${sandbox.url} (account ${sandbox.accountId}, ${sandbox.region}${timeScale !== 1 ? `, time ×${timeScale}` : ""}). ` +
      (ctx.io.json ? "The document's env holds the variables that point AWS tools at it; Ctrl-C stops it." : "Run the exports above in another shell; Ctrl-C stops it."),
  );

  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await sandbox.stop();
  ctx.io.info(`mlops sandbox stopped${options.stateFile ? `; state saved to ${options.stateFile}` : ""}.`);
}
