import { createLogUpdate } from "log-update";
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
    this.frame = frame;
    this.render(frame);
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
