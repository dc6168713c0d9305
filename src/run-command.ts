import { createContext, type Context, type ContextOptions, type GlobalOptions, type Runtime } from "./context";
import { InterruptedError } from "./errors";
import { reportError } from "./report-error";

/** What every module under src/commands exports. */
export interface CommandModule<O> {
  run(options: O, ctx: Context, args: string[]): Promise<void>;
  contextOptions?: ContextOptions;
  /** The command watches ctx.signal itself (cleans up, then returns or throws). */
  handlesInterrupt?: boolean;
}

export async function runCommand<O>(
  load: () => Promise<CommandModule<O>>,
  args: string[],
  options: O,
  globals: GlobalOptions,
  runtime: Runtime,
): Promise<void> {
  const command = await load();
  const ctx = await createContext(globals, runtime, command.contextOptions);
  try {
    const running = command.run(options, ctx, args);
    if (command.handlesInterrupt) {
      await running;
    } else {
      // Nothing to undo: an interrupt ends the command at once.
      await Promise.race([running, interrupted(ctx.signal)]);
    }
  } catch (error) {
    reportError(error, ctx.io);
    throw error;
  } finally {
    await ctx.dispose();
  }
}

function interrupted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new InterruptedError("interrupted"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}
