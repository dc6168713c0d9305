import { describe, expect, it } from "vitest";
import { Io } from "../../src/io/io";
import { ANSI } from "../helpers/cli";

function capture(isTTY = false) {
  const out = { text: "", isTTY, write(s: string) { this.text += s; } };
  const err = { text: "", isTTY, write(s: string) { this.text += s; } };
  return { out, err, streams: { stdin: { isTTY }, stdout: out, stderr: err } };
}

const fixedNow = () => new Date("2026-11-21T10:00:00.123Z");

describe("Io", () => {
  it("with --json, emit writes exactly one JSON document on stdout and refuses a second", () => {
    const c = capture();
    const io = new Io({ streams: c.streams, env: {}, json: true, noColor: false, debug: false });
    io.emit({ a: 1 }, () => "human");
    expect(JSON.parse(c.out.text)).toEqual({ a: 1 });
    expect(() => io.emit({ b: 2 }, () => "")).toThrow(/two JSON documents/);
    io.info("progress");
    expect(c.out.text).toBe('{"a":1}\n');
    expect(c.err.text).toBe("progress\n");
  });

  it("without --json, emit writes the rendering; messages go to stderr", () => {
    const c = capture();
    const io = new Io({ streams: c.streams, env: {}, json: false, noColor: false, debug: false });
    io.emit({ a: 1 }, (d, style) => style.green(`a=${d.a}`));
    io.warn("careful");
    io.error("broken");
    io.debug("hidden without --debug");
    expect(c.out.text).toBe("a=1\n");
    expect(c.err.text).toBe("warning: careful\nerror: broken\n");
    expect(c.out.text + c.err.text).not.toMatch(ANSI);
  });

  it("after Ctrl-C on a terminal, the next message starts on a new line (not after the terminal's ^C echo)", () => {
    const cases = [
      { tty: true, reason: "SIGINT", live: false, expected: "\nChanges made\n" },
      { tty: true, reason: "SIGTERM", live: false, expected: "Changes made\n" },
      { tty: false, reason: "SIGINT", live: false, expected: "Changes made\n" },
      { tty: true, reason: "SIGINT", live: true, expected: "" },
    ];
    for (const c of cases) {
      const streams = capture(c.tty);
      const io = new Io({ streams: streams.streams, env: { TERM: "xterm" }, json: false, noColor: true, debug: false });
      if (c.live) io.attachLive({ printAbove: () => undefined });
      io.afterInterrupt(c.reason);
      io.info("Changes made");
      expect(streams.err.text, JSON.stringify(c)).toBe(c.expected);
    }
  });

  it("a streamed list is one JSON document that says whether it is complete", () => {
    const ok = capture();
    const io = new Io({ streams: ok.streams, env: {}, json: true, noColor: false, debug: false });
    const list = io.openList<{ v: number }>({ head: { group: "g" }, key: "models", render: (i) => String(i.v) });
    list.add({ v: 2 });
    list.add({ v: 1 });
    expect(list.close()).toBe(2);
    expect(JSON.parse(ok.out.text)).toEqual({ group: "g", models: [{ v: 2 }, { v: 1 }], complete: true });

    const cut = capture();
    const io2 = new Io({ streams: cut.streams, env: {}, json: true, noColor: false, debug: false });
    const partial = io2.openList<{ v: number }>({ head: {}, key: "models", render: () => "" });
    partial.add({ v: 9 });
    partial.close({ error: { name: "AwsError", exitCode: 1, message: "boom" } });
    expect(JSON.parse(cut.out.text)).toEqual({ models: [{ v: 9 }], complete: false, error: { name: "AwsError", exitCode: 1, message: "boom" } });

    const limited = capture();
    const io3 = new Io({ streams: limited.streams, env: {}, json: true, noColor: false, debug: false });
    const page = io3.openList<{ v: number }>({ head: { limit: 1 }, key: "models", render: () => "" });
    page.add({ v: 5 });
    expect(page.close({ more: true })).toBe(1);
    expect(JSON.parse(limited.out.text)).toEqual({ limit: 1, models: [{ v: 5 }], complete: false, more: true });
  });

  it("off a terminal, progress is one timestamped line per change, without escape codes", () => {
    const c = capture();
    const io = new Io({ streams: c.streams, env: { CI: "true" }, json: false, noColor: false, debug: false, now: fixedNow });
    const p = io.progress("Creating endpoint");
    p.update("Creating endpoint");
    p.update("Waiting for InService");
    p.succeed("Endpoint in service");
    expect(c.err.text).toBe(
      "2026-11-21T10:00:00Z Creating endpoint\n2026-11-21T10:00:00Z Waiting for InService\n2026-11-21T10:00:00Z ✓ Endpoint in service\n",
    );
  });

  it("colours a terminal unless NO_COLOR, and never leaks secrets from the env", () => {
    const c = capture(true);
    const io = new Io({ streams: c.streams, env: { AWS_SECRET_ACCESS_KEY: "supersecretvalue123" }, json: false, noColor: false, debug: true, now: fixedNow });
    io.emit("x", (_d, style) => style.red("red"));
    io.debug("signing with supersecretvalue123");
    expect(c.out.text).toMatch(ANSI);
    expect(c.err.text).toContain("signing with ****");
    expect(c.err.text).not.toContain("supersecretvalue123");
    const plain = capture(true);
    new Io({ streams: plain.streams, env: { NO_COLOR: "1" }, json: false, noColor: false, debug: false }).emit("x", (_d, s) => s.red("red"));
    expect(plain.out.text).toBe("red\n");
  });
});
