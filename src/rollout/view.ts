import type { ChalkInstance } from "chalk";
import { formatDuration } from "../core/duration";
import type { Io } from "../io/io";
import { LiveArea } from "../io/live";
import { terminalColumns, wrapText } from "../io/wrap";

/** Columns of the traffic bar: at most this wide, and no narrower than this on a narrow terminal. */
const MAX_BAR = 30;
const MIN_BAR = 10;

export interface ViewSnapshot {
  /** Short phase name: "launching", "baking", "paused", "rolling back"… */
  phase: string;
  /** Percent of traffic on the new version, when known. */
  share?: number;
  alarms: Array<{ name: string; state: string }>;
  /** Seconds of bake left, when baking. */
  bakeLeft?: number;
  detail?: string;
}

/**
 * What a person sees during a rollout. On a terminal: a block redrawn in place (phase, a bar of
 * the traffic on the new version, each alarm, time left). Elsewhere: one plain, timestamped line
 * per change, without the countdown (which would change every poll).
 */
export class RolloutView {
  private live: LiveArea | undefined;
  private lastLine = "";

  constructor(
    private readonly io: Io,
    private readonly title: string,
  ) {}

  update(s: ViewSnapshot): void {
    if (this.io.animate) this.redraw(s);
    else this.log(s);
  }

  /** Leave the last block on screen, and stop redrawing it. */
  done(): void {
    if (!this.live) return;
    this.live.done();
    this.io.attachLive(undefined);
    this.live = undefined;
  }

  private log(s: ViewSnapshot): void {
    const parts = [
      s.phase,
      s.share === undefined ? "" : `${Math.round(s.share)}% on the new version`,
      s.alarms.length > 0 ? `alarms: ${s.alarms.map((a) => `${a.name} ${a.state}`).join(", ")}` : "",
      s.detail ?? "",
    ].filter(Boolean);
    const line = parts.join(" · ");
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.io.info(`${this.io.timestamp()} ${line}`);
  }

  private redraw(s: ViewSnapshot): void {
    const style = this.io.err;
    const columns = terminalColumns(this.io.streams.stderr);
    const share = s.share === undefined ? undefined : Math.min(100, Math.max(0, s.share));
    // The bar shrinks with the terminal so that it never wraps: 2 columns of indent, the longest
    // label (" 100% new") and one spare column, as a line filling the last column wraps in some terminals.
    const width = columns === undefined ? MAX_BAR : Math.max(MIN_BAR, Math.min(MAX_BAR, columns - 2 - " 100% new".length - 1));
    const bar = share === undefined ? "" : trafficBar(share, width, style);
    const bakeLeft = s.bakeLeft ?? 0;
    const lines = [
      `${style.bold(this.title)}  ${style.cyan(s.phase)}${bakeLeft > 0 ? style.dim(`  ${formatDuration(bakeLeft)} left`) : ""}`,
      ...(bar ? [`  ${bar}`] : []),
      // The state before the name: a long alarm name wraps, its state stays in sight.
      ...s.alarms.map((a) => `  ${a.state === "ALARM" ? style.red("● ALARM") : a.state === "OK" ? style.green("● OK") : style.dim(`● ${a.state}`)} ${a.name}`),
      ...(s.detail ? [`  ${style.dim(s.detail)}`] : []),
    ];
    const block = wrapText(lines.join("\n"), columns);
    if (!this.live) {
      this.live = new LiveArea(this.io.streams.stderr);
      this.io.attachLive(this.live);
    }
    this.live.draw(block);
  }
}

/** The bar of `share` percent (0–100) on the new version, `width` columns, then the share in words. */
function trafficBar(share: number, width: number, style: ChalkInstance): string {
  const filled = Math.round((width * share) / 100);
  return `${style.green("█".repeat(filled))}${style.dim("░".repeat(width - filled))} ${Math.round(share)}% new`;
}
