import { wrapText } from "./wrap";
import { InterruptedError, MissingInputError, UsageError } from "../errors";
import { shellLine } from "./command-line";

export interface Choice<T extends string> {
  value: T;
  name?: string;
  description?: string;
}

/**
 * Checks a typed answer: true, or the message shown under the question, which is then asked
 * again. May be async (a look-up in AWS); it must not throw.
 */
export type Validate = (value: string) => true | string | Promise<true | string>;

/** What actually asks. Real: @inquirer/prompts on stderr. Tests: a scripted fake. */
export interface Asker {
  text(message: string, options: { default?: string; validate?: Validate }): Promise<string>;
  select<T extends string>(message: string, choices: ReadonlyArray<Choice<T>>, defaultValue?: T): Promise<T>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/** A question answered by typing, and the flag that answers it without a terminal. */
export interface TextQuestion {
  flag: string;
  message: string;
  /** Shown in brackets, and taken when Enter is pressed on an empty answer. */
  default?: string;
  /** The same check the flag gets; an answer it refuses is asked again, with its message. */
  validate?: Validate;
  /** What to say when Enter is pressed on an empty answer with no default (it is asked again). */
  required?: string;
  /**
   * The answer may be a secret (a token, a password): its value is never shown in the
   * equivalent command line printed at the end, nor the value of the same flag given on it.
   */
  secret?: boolean;
}

/** The flags that stand for the answers given at the prompts of one run, in order. */
interface Answer {
  flag: string;
  words: string[];
}

/**
 * The one prompt gate. Every question has a flag; when we may not ask, a missing value is a
 * usage error naming that flag, never a hang. Every answer given is kept as the flag that would
 * have given it, so that the run can end by saying how to do the same without questions
 * (`equivalentCommand`).
 */
export class Prompter {
  private readonly answers: Answer[] = [];
  private readonly secretFlags = new Set<string>();
  /** A destructive step was declined: there is no command line that does "the same" without asking. */
  private declined = false;

  constructor(
    readonly interactive: boolean,
    readonly yes: boolean,
    private readonly asker: () => Promise<Asker>,
  ) {}

  /**
   * Ask for a value. An empty answer (with no default) and an answer `validate` refuses are
   * refused at the prompt and asked again, so a person who answered every question never
   * gets an exit 2 for an answer. Spaces around an answer (a paste, a stray key) are dropped
   * before it is checked, as a flag's value in a shell would not have them.
   */
  async text(question: TextQuestion): Promise<string> {
    const asker = await this.need(question.flag);
    if (question.secret) this.secretFlags.add(question.flag);
    const required = question.required ?? "an answer is needed";
    const validate: Validate = (value) => {
      const trimmed = value.trim();
      if (trimmed === "" && (question.default === undefined || question.default === "")) return required;
      return question.validate ? question.validate(trimmed) : true;
    };
    const answer = (await asker.text(question.message, { default: question.default, validate })).trim();
    this.answers.push({ flag: question.flag, words: [question.flag, answer] });
    return answer;
  }

  async select<T extends string>(options: { flag: string; message: string; choices: ReadonlyArray<Choice<T>>; default?: T }): Promise<T> {
    const asker = await this.need(options.flag);
    const answer = await asker.select(options.message, options.choices, options.default);
    this.answers.push({ flag: options.flag, words: [options.flag, answer] });
    return answer;
  }

  /** A yes/no question that has a flag of its own (--gpu/--no-gpu): --yes does not answer it. */
  async yesNo(options: { flag: string; message: string; default?: boolean }): Promise<boolean> {
    const asker = await this.need(options.flag);
    const answer = await asker.confirm(options.message, options.default ?? false);
    this.answers.push({ flag: options.flag, words: [answer ? options.flag : `--no-${options.flag.replace(/^--/, "")}`] });
    return answer;
  }

  /** Confirmation of a destructive step: --yes answers it; otherwise only a person at a terminal can. */
  async confirm(options: { message: string; default?: boolean }): Promise<boolean> {
    if (this.yes) return true;
    const asker = await this.need("--yes");
    const answer = await asker.confirm(options.message, options.default ?? false);
    if (answer) this.answers.push({ flag: "--yes", words: ["--yes"] });
    else this.declined = true;
    return answer;
  }

  /** How many answers this run has given so far: a mark for `replaceAnswersSince`. */
  get answerCount(): number {
    return this.answers.length;
  }

  /**
   * Let the answers given since `mark` stand as one flag in the equivalent command line: questions
   * that only helped choose a value (init's "help me choose" runs the advise questions to pick an
   * endpoint type) are replaced by the value they chose.
   */
  replaceAnswersSince(mark: number, flag: string, value: string): void {
    this.answers.splice(mark, this.answers.length - mark, { flag, words: [flag, value] });
  }

  /**
   * Before asking anything: when nobody can answer, every missing value is named in one error
   * (MissingInputError), rather than one per run. `values` maps each flag to whether it was given.
   */
  requireAll(values: ReadonlyArray<[flag: string, given: boolean]>): void {
    const missing = values.filter(([, given]) => !given).map(([flag]) => flag);
    if (!this.interactive && missing.length > 0) throw new MissingInputError(missing);
  }

  /**
   * The command line that does what this run did without asking: `mlops`, the words it was given
   * (`argv`, as typed after `mlops`) and a flag for each answer, quoted for a POSIX shell.
   * Undefined when nothing was asked, when a confirmation was declined (the run did nothing to
   * repeat), or when a word cannot be shown safely on one line (a control character). The value
   * of a secret flag is left out, and the line says so.
   */
  equivalentCommand(argv: readonly string[]): string | undefined {
    if (this.answers.length === 0 || this.declined) return undefined;
    const end = argv.indexOf("--");
    const given = end === -1 ? [...argv] : argv.slice(0, end);
    const afterEnd = end === -1 ? [] : argv.slice(end);
    const hidden: string[] = [];
    const shown = this.withoutSecrets(given, hidden);
    for (const answer of this.answers) {
      if (this.secretFlags.has(answer.flag)) hidden.push(answer.flag);
      else shown.push(...answer.words);
    }
    const line = shellLine(["mlops", ...shown, ...afterEnd]);
    if (line === undefined) return undefined;
    const missing = [...new Set(hidden)];
    return missing.length === 0 ? line : `${line}  (add ${missing.join(", ")}: not shown, ${missing.length > 1 ? "they are" : "it is"} secret)`;
  }

  /** `words` without the secret flags' values (`--token X` and `--token=X`); their names go to `hidden`. */
  private withoutSecrets(words: readonly string[], hidden: string[]): string[] {
    const kept: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const flag = word.includes("=") ? word.slice(0, word.indexOf("=")) : word;
      if (!this.secretFlags.has(flag)) {
        kept.push(word);
        continue;
      }
      hidden.push(flag);
      if (flag === word) i += 1;
    }
    return kept;
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

/**
 * The prompts' look without colour, for `--no-color` and NO_COLOR: @inquirer/prompts colours with
 * its own theme (node:util styleText), which reads neither our flag nor, on Node 20, NO_COLOR.
 * The same marks and layout as the default theme, without escape codes.
 */
export const PLAIN_THEME = {
  prefix: { idle: "?", done: "✔" },
  spinner: { interval: 80, frames: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] },
  style: {
    answer: (text: string) => text,
    message: (text: string) => text,
    error: (text: string) => `> ${text}`,
    defaultAnswer: (text: string) => `(${text})`,
    help: (text: string) => text,
    highlight: (text: string) => text,
    key: (text: string) => `<${text}>`,
    // select
    disabled: (text: string) => text,
    description: (text: string) => text,
    keysHelpTip: (keys: Array<[string, string]>) => keys.map(([key, action]) => `${key} ${action}`).join(" • "),
    // confirm: the default side in capitals, as the default theme does for letters
    confirmDefault: (text: string) => (text[0] ?? "").toUpperCase() + text.slice(1),
  },
};

/** Columns a question leaves free on its last line: the "? " mark and a few characters of the answer. */
const QUESTION_MARGIN = 12;

/** @inquirer/prompts, rendered on stderr so stdout stays the result's alone; without colour when `color` is false. */
export async function inquirerAsker(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  signal?: AbortSignal,
  options: { color?: boolean } = {},
): Promise<Asker> {
  const inquirer = await import("@inquirer/prompts");
  const context = { input, output, signal };
  // The library breaks a long question at the last column, inside words: wrap it at spaces first,
  // leaving room for its "? " mark and the answer's first characters.
  const fit = (message: string) => wrapText(message, ((output as { columns?: number }).columns ?? 0) - QUESTION_MARGIN || undefined);
  // Each prompt takes the parts of the theme it knows; the rest is ignored.
  const theme = options.color === false ? (PLAIN_THEME as object) : undefined;
  const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (error) {
      throw promptCancel(error) ?? error;
    }
  };
  return {
    text: (message, options) =>
      guard(() => inquirer.input({ message: fit(message), default: options.default, validate: options.validate, theme }, context)),
    select: (message, choices, defaultValue) =>
      guard(() =>
        inquirer.select(
          { message: fit(message), default: defaultValue, theme, choices: choices.map((c) => ({ value: c.value, name: c.name ?? c.value, description: c.description })) },
          context,
        ),
      ),
    confirm: (message, defaultValue) => guard(() => inquirer.confirm({ message: fit(message), default: defaultValue, theme }, context)),
  };
}

/**
 * Turn a check that throws into a prompt validator: true, or the message of the UsageError it
 * threw (with its hint), shown under the question, which is then asked again. The check may be
 * async. Any other error (AWS unreachable, access denied) is not the answer's fault: the answer
 * is taken, and the command's own check of the value, which runs after the prompt as it does for
 * the flag, reports it.
 */
export function validator(check: (value: string) => unknown): (value: string) => Promise<true | string> {
  return async (value) => {
    try {
      await check(value);
      return true;
    } catch (error) {
      if (!(error instanceof UsageError)) return true;
      return error.hint ? `${error.message} (${error.hint})` : error.message;
    }
  };
}
