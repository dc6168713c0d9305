import { quote } from "shell-quote";

/**
 * Command lines a person can paste into a POSIX shell (sh, bash, zsh) or a script.
 *
 * Words made only of characters no shell treats specially are left bare, so the usual line reads
 * as typed (`--model-data s3://models/churn/model.tar.gz`); every other word is quoted by
 * shell-quote. `=` is bare only inside a word: zsh expands a word that starts with it.
 */
const PLAIN = /^[\w@%+:,./-][\w@%+=:,./-]*$/;

/** Control characters (ESC, newline, …) have no safe one-line form; see `shellLine`. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** One word, quoted for a POSIX shell only when it needs to be. */
export function shellWord(word: string): string {
  return PLAIN.test(word) ? word : quote([word]);
}

/**
 * The words as one shell command line, or undefined when a word holds a control character: such
 * a line would either not paste back as the same words or send raw escape codes to the terminal.
 */
export function shellLine(words: readonly string[]): string | undefined {
  if (words.some((w) => CONTROL.test(w))) return undefined;
  return words.map(shellWord).join(" ");
}
