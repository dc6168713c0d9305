import type { ChalkInstance } from "chalk";
import type { Ora } from "ora";
import type { OutStream } from "./io";

export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

interface ProgressOptions {
  animate: boolean;
  stream: OutStream;
  style: ChalkInstance;
  write(line: string): void;
  timestamp(): string;
}

export function createProgress(text: string, options: ProgressOptions): Progress {
  return options.animate ? new SpinnerProgress(text, options) : new LineProgress(text, options);
}

/** CI and pipes: one timestamped line per change, no escape codes. */
class LineProgress implements Progress {
  private last = "";
  constructor(text: string, private readonly options: ProgressOptions) {
    this.update(text);
  }
  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    this.options.write(`${this.options.timestamp()} ${text}`);
  }
  succeed(text?: string): void {
    this.options.write(`${this.options.timestamp()} ✓ ${text ?? this.last}`);
  }
  fail(text?: string): void {
    this.options.write(`${this.options.timestamp()} ✗ ${text ?? this.last}`);
  }
  stop(): void {}
}

/** A terminal: an ora spinner, loaded lazily so commands that never spin never pay for it. */
class SpinnerProgress implements Progress {
  private spinner: Ora | undefined;
  private text: string;
  private done = false;

  constructor(text: string, private readonly options: ProgressOptions) {
    this.text = text;
    void import("ora").then(({ default: ora }) => {
      if (this.done) return;
      this.spinner = ora({
        text: this.text,
        stream: options.stream as NodeJS.WritableStream,
        isEnabled: true,
        color: options.style.level > 0 ? "cyan" : false,
        discardStdin: false,
      }).start();
    });
  }
  update(text: string): void {
    this.text = text;
    if (this.spinner) this.spinner.text = text;
  }
  succeed(text?: string): void {
    this.finish(`${this.options.style.green("✓")} ${text ?? this.text}`);
  }
  fail(text?: string): void {
    this.finish(`${this.options.style.red("✗")} ${text ?? this.text}`);
  }
  stop(): void {
    this.done = true;
    this.spinner?.stop();
  }
  private finish(line: string): void {
    this.stop();
    this.options.write(line);
  }
}
