import { explainMissingProfile } from "./aws/profiles";
import { createContext, type Context, type ContextOptions, type GlobalOptions, type Runtime } from "./context";
import { InterruptedError, MlopsError } from "./errors";
import { ExitCode, FORCE_EXIT_SIGNALS } from "./exit-codes";
import { reportError } from "./report-error";

/** What every module under src/commands exports. */
export interface CommandModule<O> {
  run(options: O, ctx: Context, args: string[]): Promise<void>;
  contextOptions?: ContextOptions;
  /** The command watches ctx.signal itself (cleans up, then returns or throws). */
  handlesInterrupt?: boolean;
}

/**
 * Run one command: build its context, run it, report an error once, and clean up. A run that
 * asked questions ends by printing the command line that does the same without them; `typed`
 * is what was typed after `mlops`.
 */
export async function runCommand<O>(
  load: () => Promise<CommandModule<O>>,
  args: string[],
  options: O,
  globals: GlobalOptions,
  runtime: Runtime,
  typed: readonly string[] = [],
): Promise<void> {
  const command = await load();
  const ctx = await createContext(globals, runtime, command.contextOptions);
  const stopListening = runtime.onRepeatedSignal?.((count) => {
    if (count < FORCE_EXIT_SIGNALS) {
      ctx.io.warn(`still stopping safely${command.handlesInterrupt ? " (putting things back as they were)" : ""}; one more signal leaves at once`);
      return;
    }
    const left = ctx.aws.journal.leftBehind();
    ctx.io.error(`left at once, before ${command.handlesInterrupt ? "putting things back" : "finishing"}${left.length > 0 ? `; changes made:\n${left.map((l) => `  ${l}`).join("\n")}` : ""}`);
    ctx.io.info(`${ctx.io.err.dim("hint:")} see what remains with \`mlops status\`; any later mlops command on the endpoint finishes what it can`);
  });
  try {
    const running = command.run(options, ctx, args);
    // An interrupt aborts AWS calls, prompts and waits; the command then unwinds by itself. A
    // command that does not unwind within the grace period is left behind rather than waited for.
    await (command.handlesInterrupt ? running : Promise.race([running, givenUp(ctx.signal, UNWIND_GRACE_MS)]));
    printEquivalent(ctx, typed);
  } catch (caught) {
    const error = ctx.signal.aborted && !(caught instanceof InterruptedError) ? new InterruptedError("interrupted", { cause: caught }) : await explainMissingProfile(caught, ctx.settings.profile);
    // Before the error, which stays the last line; not after an interrupt, which may have cut the answers short.
    if (!(error instanceof InterruptedError)) printEquivalent(ctx, typed);
    // What the run changed matters when it was cut short, not when it ended on a known outcome.
    const cutShort = !(error instanceof MlopsError) || error instanceof InterruptedError || error.exitCode === ExitCode.Failed;
    reportError(error, ctx.io, cutShort ? ctx.aws.journal.leftBehind() : []);
    throw error;
  } finally {
    stopListening?.();
    await ctx.dispose();
  }
}

const UNWIND_GRACE_MS = 5_000;

/**
 * After a run that asked questions: the same command with every answer as a flag, dim on stderr,
 * on one line (never wrapped: it is meant to be pasted into a shell or a script).
 */
function printEquivalent(ctx: Context, typed: readonly string[]): void {
  // A run cut short by Ctrl-C did not do what its answers asked for, even when it ends quietly.
  if (ctx.signal.aborted) return;
  const line = ctx.prompt.equivalentCommand(typed);
  if (line) ctx.io.info(ctx.io.err.dim(`# next time, without questions: ${line}`), { wrap: false });
}

/** Rejects `grace` ms after the signal aborts. */
function givenUp(signal: AbortSignal, grace: number): Promise<never> {
  return new Promise((_, reject) => {
    const later = () => setTimeout(() => reject(new InterruptedError("interrupted")), grace).unref();
    if (signal.aborted) later();
    else signal.addEventListener("abort", later, { once: true });
  });
}
