import wrapAnsi from "wrap-ansi";

/**
 * Human text fitted to a terminal's width: lines are broken at spaces, never inside a word (a word
 * longer than the line stays whole), colours carry over to the next line, and a continued line
 * starts under the text it continues rather than at column 0:
 *
 *   ✗ credentials  no AWS credentials found for sts:GetCallerIdentity; sign in
 *                  with `aws sso login`
 *
 * Piped output is never wrapped (see `terminalColumns`), so scripts can grep whole lines.
 */

/** Any ANSI escape sequence (colours, cursor moves). */
const ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;

const STICKY_ESCAPE = new RegExp(ESCAPE.source, "y");

/**
 * Where a continued line starts, read from the line's beginning: its indentation, a list or
 * status mark (`•`, `-`, `1.`, `✓`, `✗`, `●`, `▸`), and a short label followed by two spaces or
 * more (`credentials  `, `  variant     `), the way our reports line up their columns.
 */
const HANGING = /^(\s*(?:(?:[•*▸●✓✗-]|\d+\.)\s+)?)((?:[^\s]+ ?){1,3}? {2,}(?=\S))?/u;

/** A label wider than this share of the line is not hung under: the text would be too narrow. */
const MAX_HANG_SHARE = 0.4;

/** The width to wrap a stream's text at: its columns when it is a terminal, else undefined (no wrapping). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY && typeof stream.columns === "number" && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * `text` (one or more lines) wrapped at `columns`, or unchanged when `columns` is undefined.
 * Each line is wrapped on its own; escape codes take no width.
 */
export function wrapText(text: string, columns: number | undefined): string {
  if (columns === undefined || columns < 10) return text;
  return text
    .split("\n")
    .map((line) => wrapLine(line, columns))
    .join("\n");
}

function wrapLine(line: string, columns: number): string {
  const plain = line.replace(ESCAPE, "");
  // Short enough even if every character were two columns wide (CJK, emoji): nothing to do.
  if (plain.length * 2 <= columns) return line;
  const hang = hangingIndent(plain, columns);
  const [head, rest] = splitVisible(line, hang);
  const rows = wrapAnsi(rest, columns - hang, { hard: false, trim: true, wordWrap: true }).split("\n");
  if (rows.length <= 1) return line;
  const pad = " ".repeat(hang);
  return rows.map((row, i) => (i === 0 ? head + row : pad + row)).join("\n");
}

/** How many columns a continued line is indented: see HANGING. */
function hangingIndent(plain: string, columns: number): number {
  const match = HANGING.exec(plain);
  const lead = match?.[1]?.length ?? 0;
  const label = match?.[2]?.length ?? 0;
  const limit = Math.floor(columns * MAX_HANG_SHARE);
  if (lead + label <= limit) return lead + label;
  return lead <= limit ? lead : 0;
}

/** The line cut after `visible` characters (escape codes count for nothing and stay with the head). */
function splitVisible(line: string, visible: number): [string, string] {
  let seen = 0;
  let i = 0;
  while (i < line.length && seen < visible) {
    STICKY_ESCAPE.lastIndex = i;
    const escape = STICKY_ESCAPE.exec(line);
    if (escape) {
      i += escape[0].length;
      continue;
    }
    const code = line.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
    seen += 1;
  }
  return [line.slice(0, i), line.slice(i)];
}
