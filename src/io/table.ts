/** Plain tables for terminals and logs. Widths count visible characters, not escape codes. */

const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const gap = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "right" ? gap + text : text + gap;
}

export interface Column {
  header: string;
  align?: "left" | "right";
}

/** A whole table, widths fitted to its rows. */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  return [columns.map((c) => c.header), ...rows].map((row) => formatRow(columns, widths, row)).join("\n");
}

/** One row at fixed widths, for tables printed row by row as data arrives. The last column is not padded. */
export function formatRow(columns: readonly Column[], widths: readonly number[], cells: readonly string[]): string {
  return cells
    .map((cell, i) => (i === cells.length - 1 && columns[i]?.align !== "right" ? cell : pad(cell, widths[i] ?? 0, columns[i]?.align ?? "left")))
    .join("  ")
    .trimEnd(); // empty last cells leave no padding behind
}

/** Cut to `width` visible characters with an ellipsis. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
