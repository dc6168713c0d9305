import type { Note } from "../schemas/common";

export type { Note };

/**
 * Notes a command says beside its result: `{level, message}` in `--json`, a line on stderr for a
 * person ("note: …", or a warning). The message carries no prefix of its own.
 */
export function info(message: string): Note {
  return { level: "info", message };
}

export function warning(message: string): Note {
  return { level: "warning", message };
}

/** Say a note to a person: a warning as a warning, anything else as "note: …". */
export function sayNote(out: { info(message: string): void; warn(message: string): void }, note: Note): void {
  if (note.level === "warning") out.warn(note.message);
  else out.info(`note: ${note.message}`);
}
