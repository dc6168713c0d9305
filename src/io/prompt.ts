import { InterruptedError, MissingInputError } from "../errors";

export interface Choice<T extends string> {
  value: T;
  name?: string;
  description?: string;
}

/** What actually asks. Real: @inquirer/prompts on stderr. Tests: a scripted fake. */
export interface Asker {
  text(message: string, options: { default?: string; validate?: (v: string) => true | string }): Promise<string>;
  select<T extends string>(message: string, choices: ReadonlyArray<Choice<T>>, defaultValue?: T): Promise<T>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/**
 * The one prompt gate. Every question has a flag; when we may not ask, a missing value is a
 * usage error naming that flag, never a hang.
 */
export class Prompter {
  constructor(
    readonly interactive: boolean,
    private readonly yes: boolean,
    private readonly asker: () => Promise<Asker>,
  ) {}

  async text(options: { flag: string; message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
    const asker = await this.need(options.flag);
    return asker.text(options.message, options);
  }

  async select<T extends string>(options: { flag: string; message: string; choices: ReadonlyArray<Choice<T>>; default?: T }): Promise<T> {
    const asker = await this.need(options.flag);
    return asker.select(options.message, options.choices, options.default);
  }

  /** A yes/no question that has a flag of its own (--gpu/--no-gpu): --yes does not answer it. */
  async yesNo(options: { flag: string; message: string; default?: boolean }): Promise<boolean> {
    const asker = await this.need(options.flag);
    return asker.confirm(options.message, options.default ?? false);
  }

  /** Confirmation of a destructive step: --yes answers it; otherwise only a person at a terminal can. */
  async confirm(options: { message: string; default?: boolean }): Promise<boolean> {
    if (this.yes) return true;
    const asker = await this.need("--yes");
    return asker.confirm(options.message, options.default ?? false);
  }

  /**
   * Before asking anything: when nobody can answer, every missing value is named in one error
   * (MissingInputError), rather than one per run. `values` maps each flag to whether it was given.
   */
  requireAll(values: ReadonlyArray<[flag: string, given: boolean]>): void {
    const missing = values.filter(([, given]) => !given).map(([flag]) => flag);
    if (!this.interactive && missing.length > 0) throw new MissingInputError(missing);
  }

  private async need(flag: string): Promise<Asker> {
    if (!this.interactive) throw new MissingInputError(flag);
    return this.asker();
  }
}

/** Ctrl-C at a prompt (ExitPromptError) or an abort (AbortPromptError) is an interrupt, exit 130. */
export function promptCancel(error: unknown): InterruptedError | undefined {
  const name = error instanceof Error ? error.name : "";
  if (name === "ExitPromptError") return new InterruptedError("cancelled at the prompt");
  if (name === "AbortPromptError") return new InterruptedError("interrupted at the prompt");
  return undefined;
}

/** @inquirer/prompts, rendered on stderr so stdout stays the result's alone. */
export async function inquirerAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, signal?: AbortSignal): Promise<Asker> {
  const inquirer = await import("@inquirer/prompts");
  const context = { input, output, signal };
  const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (error) {
      throw promptCancel(error) ?? error;
    }
  };
  return {
    text: (message, options) =>
      guard(() => inquirer.input({ message, default: options.default, validate: options.validate }, context)),
    select: (message, choices, defaultValue) =>
      guard(() =>
        inquirer.select(
          { message, default: defaultValue, choices: choices.map((c) => ({ value: c.value, name: c.name ?? c.value, description: c.description })) },
          context,
        ),
      ),
    confirm: (message, defaultValue) => guard(() => inquirer.confirm({ message, default: defaultValue }, context)),
  };
}

/** Turn a check that throws into a prompt validator: true, or the error's message to show. */
export function validator(check: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      check(value);
      return true;
    } catch (error) {
      return (error as Error).message;
    }
  };
}
