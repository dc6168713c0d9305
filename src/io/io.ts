import { Chalk, type ChalkInstance } from "chalk";
import { createRedactor, type Redactor } from "./redact";
import { canAnimate, colorLevel, type Env, type StreamInfo } from "./terminal";
import { createProgress, type Progress } from "./progress";
import { terminalColumns, wrapText } from "./wrap";

export interface OutStream extends StreamInfo {
  write(chunk: string): unknown;
}

export interface IoStreams {
  stdin: StreamInfo;
  stdout: OutStream;
  stderr: OutStream;
}

export interface ListOutput<T> {
  add(item: T): void;
  /**
   * Ends the document; returns how many items were written. With --json the document ends with
   * `"complete"`: true only when the list holds every item there is, i.e. neither cut short by
   * an `error` (then also `"error": {…}`) nor cut on purpose with items left (`more: true`, then
   * also `"more": true`). `more: false` is written as `"more": false`; left out, it is not written.
   */
  close(end?: ListEnd): number;
}

/** How a streamed list ended: see ListOutput.close. */
export interface ListEnd {
  /** The error document of a failure that cut the list short. */
  error?: object;
  /** Whether items exist beyond those written (a limit was reached); undefined when not known. */
  more?: boolean;
}

export interface IoOptions {
  streams: IoStreams;
  env: Env;
  json: boolean;
  noColor: boolean;
  debug: boolean;
  now?: () => Date;
}

/**
 * All terminal output goes through here. stdout carries only the result (emit); everything
 * else goes to stderr. With --json, emit writes exactly one JSON document.
 */
export class Io {
  readonly json: boolean;
  readonly debugEnabled: boolean;
  /** Styles for stdout and stderr; each is plain when its stream should not get colour. */
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;
  readonly animate: boolean;
  readonly streams: IoStreams;
  readonly redact: Redactor;
  private readonly now: () => Date;
  private emitted = false;
  /** A block redrawn in place on stderr (the rollout view): other stderr lines go above it. */
  private live: { printAbove(text: string): void } | undefined;

  constructor(options: IoOptions) {
    this.streams = options.streams;
    this.json = options.json;
    this.debugEnabled = options.debug;
    this.now = options.now ?? (() => new Date());
    this.out = new Chalk({ level: colorLevel(options.env, options.streams.stdout, options.noColor) });
    this.err = new Chalk({ level: colorLevel(options.env, options.streams.stderr, options.noColor) });
    this.animate = canAnimate(options.env, options.streams.stderr);
    this.redact = createRedactor(options.env);
  }

  /**
   * Print the command's result: the JSON document with --json, otherwise the human rendering.
   * A command emits once; a second emit in JSON mode would break `| jq`, so it is a bug.
   */
  emit<T>(data: T, render: (data: T, style: ChalkInstance) => string): void {
    if (this.json) {
      if (this.emitted) throw new Error("internal: a command emitted two JSON documents");
      const pretty = this.streams.stdout.isTTY ? 2 : undefined;
      this.streams.stdout.write(this.redact(JSON.stringify(data, null, pretty)) + "\n");
    } else {
      const text = render(data, this.out);
      if (text !== "") this.streams.stdout.write(this.fit(this.streams.stdout, this.redact(text.endsWith("\n") ? text : text + "\n")));
    }
    this.emitted = true;
  }

  /**
   * A result printed item by item as it arrives, so that memory does not grow with its length.
   * With --json it is still one document, `{...head, [key]: [items…]}`; otherwise a header
   * line and one line per item.
   */
  openList<T>(options: { head: Record<string, unknown>; key: string; header?: string; render: (item: T, style: ChalkInstance) => string }): ListOutput<T> {
    if (this.emitted) throw new Error("internal: a command emitted two results");
    this.emitted = true;
    const out = this.streams.stdout;
    let count = 0;
    if (this.json) {
      const head = JSON.stringify(options.head);
      out.write(`${head.slice(0, -1)}${head.length > 2 ? "," : ""}${JSON.stringify(options.key)}:[`);
    } else if (options.header) {
      out.write(this.fit(out, this.redact(options.header)) + "\n");
    }
    return {
      add: (item) => {
        if (this.json) out.write((count > 0 ? "," : "") + this.redact(JSON.stringify(item)));
        else out.write(this.fit(out, this.redact(options.render(item, this.out))) + "\n");
        count += 1;
      },
      close: ({ error, more } = {}) => {
        if (this.json) {
          const tail = { complete: error === undefined && more !== true, more, error };
          out.write(`],${this.redact(JSON.stringify(tail).slice(1))}\n`);
        }
        return count;
      },
    };
  }

  get hasEmitted(): boolean {
    return this.emitted;
  }

  /**
   * A message on stderr, wrapped at the terminal's width on a terminal. `wrap: false` keeps it on
   * one line, for text a person copies whole (a command line to paste into a shell).
   */
  info(message: string, options: { wrap?: boolean } = {}): void {
    this.writeErr(message, options.wrap ?? true);
  }

  warn(message: string): void {
    this.writeErr(`${this.err.yellow("warning:")} ${message}`);
  }

  error(message: string): void {
    this.writeErr(`${this.err.red("error:")} ${message}`);
  }

  debug(message: string): void {
    if (this.debugEnabled) this.writeErr(this.err.dim(`debug ${this.timestamp()} ${message}`));
  }

  /** A line per state change off a terminal; a spinner on one. */
  progress(text: string): Progress {
    return createProgress(text, {
      animate: this.animate,
      stream: this.streams.stderr,
      style: this.err,
      write: (line) => this.writeErr(line),
      timestamp: () => this.timestamp(),
    });
  }

  /** While `live` is set, info, warnings and errors are printed above its block instead of through it. */
  attachLive(live: { printAbove(text: string): void } | undefined): void {
    this.live = live;
  }

  /**
   * A terminal echoes Ctrl-C as `^C` where the cursor is; what follows starts on the next line
   * ("^CChanges made…" otherwise). A live block redraws over the echo itself.
   */
  afterInterrupt(reason: unknown): void {
    if (reason === "SIGINT" && this.streams.stderr.isTTY && !this.live) this.streams.stderr.write("\n");
  }

  timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  private writeErr(message: string, wrap = true): void {
    const redacted = this.redact(message);
    const text = wrap ? this.fit(this.streams.stderr, redacted) : redacted;
    if (this.live) this.live.printAbove(text);
    else this.streams.stderr.write(text + "\n");
  }

  /** Human text fitted to the stream's width when it is a terminal; piped text stays as it is. */
  private fit(stream: OutStream, text: string): string {
    return wrapText(text, terminalColumns(stream));
  }
}
