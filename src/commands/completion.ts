import type { Command } from "commander";
import { bashScript } from "../completion/bash";
import { fishScript } from "../completion/fish";
import { completionSpec, type CompletionSpec } from "../completion/spec";
import { zshScript } from "../completion/zsh";
import { isOneOf, SHELLS, type Shell } from "../core/choices";
import { UsageError } from "../errors";
import type { CommandModule } from "../run-command";
import { VERSION } from "../version";

/**
 * `mlops completion SHELL`: print a completion script generated from the commander program, so
 * that it offers exactly the commands, options and values the CLI has.
 *
 * Our own generator rather than a library. @bomb.sh/tab (the well-kept one, with a commander
 * adapter) runs `mlops complete -- …` on every TAB, and its bash script (0.0.22) needs the
 * bash-completion package (without it every TAB prints "_get_comp_words_by_ref: command not found"
 * and offers the top-level commands wherever the cursor is), declares unprefixed readonly
 * variables (loading it twice, or beside another tab-based CLI, prints errors) and never falls back
 * to file names. omelette, @pnpm/tabtab and tabtab are dynamic too, maintained little or not at
 * all, and the latter two edit shell rc files; commander-completion is for commander 2 and bash
 * only. A static script from the program itself needs nothing at TAB time and cannot drift from
 * the CLI that printed it.
 */

const GENERATORS: Record<Shell, (spec: CompletionSpec) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

export interface CompletionDocument {
  shell: Shell;
  script: string;
}

export function completionScript(program: Command, shell: Shell): string {
  return GENERATORS[shell](completionSpec(program, VERSION));
}

export function parseShell(shell: string | undefined): Shell {
  const choices = SHELLS.join(", ");
  if (shell === undefined) throw new UsageError(`which shell? mlops completion takes one of: ${choices}`, { hint: "e.g. source <(mlops completion bash)" });
  if (!isOneOf(SHELLS, shell)) throw new UsageError(`shell "${shell}" must be one of: ${choices}`);
  return shell;
}

/** The command module; it describes the program it belongs to, which src/cli.ts hands over. */
export function completionCommand(program: Command): CommandModule<unknown> {
  return {
    // Completion does not read mlops.yaml: a broken one must not stop it.
    contextOptions: { tolerateConfigErrors: true },
    async run(_options, ctx, [shell]) {
      const chosen = parseShell(shell);
      const document: CompletionDocument = { shell: chosen, script: completionScript(program, chosen) };
      ctx.io.emit(document, (d) => d.script);
    },
  };
}
