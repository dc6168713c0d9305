import { createLogUpdate } from "log-update";
import wrapAnsi from "wrap-ansi";
import type { OutStream } from "./io";

/**
 * A block of lines redrawn in place on a terminal (the rollout view). log-update wraps the block
 * by screen columns, so a long endpoint name on a narrow terminal is still erased whole, starts
 * each redraw at column 0 (after a `^C` echo too), and writes each frame in one write, so a
 * terminal never shows a cleared, empty frame.
 */
export class LiveArea {
  private readonly render: ReturnType<typeof createLogUpdate>;
  private frame = "";

  constructor(private readonly stream: OutStream) {
    this.render = createLogUpdate(stream as NodeJS.WriteStream, { showCursor: false });
  }

  /** Replace the block with `frame` (lines joined by "\n", no trailing newline). */
  draw(frame: string): void {
    const rows = this.rowsOf(frame);
    // log-update 7.2 redraws only the lines that changed, assuming the unchanged tail stays where
    // it was; when a frame gains or loses a row in the middle the tail moves and an old line is
    // left behind. So a frame of another height is drawn whole: clear and draw in one write.
    if (this.frame && rows !== this.rowsOf(this.frame)) {
      const stream = this.stream as Partial<NodeJS.WriteStream>;
      stream.cork?.();
      this.render.clear();
      this.render(frame);
      stream.uncork?.();
    } else {
      this.render(frame);
    }
    this.frame = frame;
  }

  /** Screen rows of a frame, counted as log-update counts them (hard-wrapped at the width). */
  private rowsOf(frame: string): number {
    return wrapAnsi(frame, (this.stream as { columns?: number }).columns ?? 80, { trim: false, hard: true, wordWrap: false }).split("\n").length;
  }

  /**
   * Print `text` (one or more lines) above the block, which is drawn again below it. Both go out
   * in one write (the stream is corked), so the block never disappears for a frame.
   */
  printAbove(text: string): void {
    const stream = this.stream as Partial<NodeJS.WriteStream>;
    stream.cork?.();
    this.render.persist(text);
    if (this.frame) this.render(this.frame);
    stream.uncork?.();
  }

  /** Leave the last block on screen as it is; later output goes below it. */
  done(): void {
    this.render.done();
    this.frame = "";
  }
}
