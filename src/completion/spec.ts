import type { Argument, Command, Option } from "commander";

/**
 * What shell completion knows about the CLI, read from the commander program itself (src/cli.ts
 * buildProgram), so that completion cannot drift from the commands, flags and values it offers.
 */
export interface CompletionSpec {
  /** The program's name: `mlops`. */
  name: string;
  version: string;
  /** Every command, the program itself first (path []). */
  commands: CommandSpec[];
}

export interface CommandSpec {
  /** Words after the program name: [] for mlops itself, ["models", "list"] for `mlops models list`. */
  path: string[];
  description: string;
  subcommands: Array<{ name: string; description: string }>;
  /** Its own options, then those of the commands above it (commander accepts them after it too). */
  options: OptionSpec[];
  /** Positional arguments, in order. */
  args: ArgSpec[];
}

export interface OptionSpec {
  /** `--strategy`, `--no-wait`. */
  long?: string;
  /** `-y`. */
  short?: string;
  description: string;
  takesValue: boolean;
  /** The value is one of these. */
  values?: readonly string[];
  /** The value is a file name (its placeholder says file or path: `<file>`, `<path>`, `<file|s3uri>`). */
  files: boolean;
}

export interface ArgSpec {
  name: string;
  values?: readonly string[];
}

/** Placeholders like <file>, <path> or <file|s3uri>: the value may be a local file. */
const FILE_PLACEHOLDER = /[<[][^>\]]*\b(file|path)\b/;

export function completionSpec(program: Command, version: string): CompletionSpec {
  const commands: CommandSpec[] = [];
  const help = program.createHelp();
  const walk = (command: Command, path: string[], inherited: OptionSpec[]): void => {
    const own = help.visibleOptions(command).map(optionSpec);
    const subs = help.visibleCommands(command);
    commands.push({
      path,
      description: firstLine(command.description()),
      subcommands: subs.map((sub) => ({ name: sub.name(), description: firstLine(sub.description()) })),
      options: [...own, ...inherited.filter((o) => !own.some((mine) => (o.long && o.long === mine.long) || (o.short && o.short === mine.short)))],
      args: command.registeredArguments.map(argSpec),
    });
    // What a subcommand inherits: every option of this command but help (each command has its own)
    // and the version (a program-wide question, noise after a command).
    const passOn = [...inherited, ...command.options.filter((o) => !o.hidden && o.long !== "--version" && o.long !== "--help").map(optionSpec)];
    for (const sub of subs) {
      const subPath = [...path, sub.name()];
      // commander's own `help [command]` takes a sibling command's name.
      if (!command.commands.includes(sub)) commands.push(helpCommandSpec(sub, subPath, command, help));
      else walk(sub, subPath, passOn);
    }
  };
  walk(program, [], []);
  return { name: program.name(), version, commands };
}

function helpCommandSpec(helpCommand: Command, path: string[], parent: Command, help: ReturnType<Command["createHelp"]>): CommandSpec {
  const siblings = help.visibleCommands(parent).filter((c) => c !== helpCommand).map((c) => c.name());
  return {
    path,
    description: firstLine(helpCommand.description()),
    subcommands: [],
    options: [],
    args: helpCommand.registeredArguments.map((a) => ({ name: a.name(), values: siblings })),
  };
}

function optionSpec(option: Option): OptionSpec {
  const takesValue = option.required || option.optional;
  return {
    long: option.long,
    short: option.short,
    description: firstLine(option.description),
    takesValue,
    values: takesValue && option.argChoices ? [...option.argChoices] : undefined,
    files: takesValue && FILE_PLACEHOLDER.test(option.flags),
  };
}

function argSpec(argument: Argument): ArgSpec {
  return { name: argument.name(), values: argument.argChoices ? [...argument.argChoices] : undefined };
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0]!.trim();
}

/** The command at `path`. */
export function commandAt(spec: CompletionSpec, path: readonly string[]): CommandSpec | undefined {
  return spec.commands.find((c) => c.path.length === path.length && c.path.every((w, i) => w === path[i]));
}

/** Every name of an option: `-y --yes`. */
export function optionNames(option: OptionSpec): string[] {
  return [option.short, option.long].filter((n): n is string => n !== undefined);
}

/** The names of a command's options (all of them, or those the test picks). */
export function namesOf(command: CommandSpec, test: (option: OptionSpec) => boolean = () => true): string[] {
  return command.options.filter(test).flatMap(optionNames);
}

/**
 * A command's closed sets of values, keyed as the scripts look them up: each name of an option
 * (`--strategy`), and `#1`, `#2`… for positional arguments.
 */
export function valueSets(command: CommandSpec): Array<{ key: string; values: readonly string[] }> {
  const options = command.options.flatMap((o) => (o.values ? optionNames(o).map((key) => ({ key, values: o.values! })) : []));
  const args = command.args.flatMap((a, i) => (a.values ? [{ key: `#${i + 1}`, values: a.values }] : []));
  return [...options, ...args];
}

/** A name usable in a shell function name. */
export function identifier(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

/** A word in single quotes for bash or zsh: safe for any text. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
