import { formatDuration } from "../core/duration";
import type { Io } from "../io/io";
import { LiveArea } from "../io/live";

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
    const width = 30;
    const filled = s.share === undefined ? 0 : Math.round((width * Math.min(100, Math.max(0, s.share))) / 100);
    const bar = s.share === undefined ? "" : `${style.green("█".repeat(filled))}${style.dim("░".repeat(width - filled))} ${Math.round(s.share)}% new`;
    const block = [
      `${style.bold(this.title)}  ${style.cyan(s.phase)}${s.bakeLeft !== undefined && s.bakeLeft > 0 ? style.dim(`  ${formatDuration(s.bakeLeft)} left`) : ""}`,
      ...(bar ? [`  ${bar}`] : []),
      ...s.alarms.map((a) => `  ${a.state === "ALARM" ? style.red("●") : a.state === "OK" ? style.green("●") : style.dim("●")} ${a.name} ${style.dim(a.state)}`),
      ...(s.detail ? [`  ${style.dim(s.detail)}`] : []),
    ];
    if (!this.live) {
      this.live = new LiveArea(this.io.streams.stderr);
      this.io.attachLive(this.live);
    }
    this.live.draw(block.join("\n"));
  }
}
