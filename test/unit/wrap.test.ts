import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { Io } from "../../src/io/io";
import { terminalColumns, wrapText } from "../../src/io/wrap";
import { ANSI } from "../helpers/cli";

const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");
const words = (s: string) => strip(s).split(/\s+/).filter(Boolean);
const widest = (s: string) => Math.max(...strip(s).split("\n").map((l) => l.length));

const HINT =
  "hint: sign in (`aws sso login`), choose a profile (--profile or AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run mlops doctor again";

describe("wrapText", () => {
  it("breaks a long line at spaces to fit the width, never inside a word, and keeps every word in order", () => {
    const wrapped = wrapText(HINT, 40);
    expect(wrapped.split("\n").length).toBeGreaterThan(3);
    expect(widest(wrapped)).toBeLessThanOrEqual(40);
    expect(words(wrapped)).toEqual(words(HINT));
  });

  it("leaves a word longer than the line whole, on a line of its own", () => {
    const url = "s3://ml-artifacts/churn/2026-11-30/very-long-prefix/model.tar.gz";
    const wrapped = wrapText(`error: --model-data: ${url} does not exist in the bucket`, 30);
    expect(wrapped.split("\n")).toContain(url);
    expect(words(wrapped)).toEqual(words(`error: --model-data: ${url} does not exist in the bucket`));
  });

  it("keeps colours: the escape codes stay, take no width, and each colour is closed and reopened across the break", () => {
    const red = new Chalk({ level: 1 }).red;
    const text = `${red("error:")} ${red("the endpoint churn-prod is updating and refuses a second deployment until it ends")}`;
    const wrapped = wrapText(text, 30);
    expect(wrapped).toMatch(ANSI);
    expect(widest(wrapped)).toBeLessThanOrEqual(30);
    expect(words(wrapped)).toEqual(words(text));
    // Every row that shows red text opens red itself, so a terminal shows it red.
    for (const row of wrapped.split("\n")) if (strip(row).trim() !== "") expect(row).toContain("\u001b[31m");
  });

  it("continues a line under its text: indentation, list marks and a label's column", () => {
    const bullet = wrapText("  • payload 0.5 MB and 0.1 s per request are within real-time limits, at any traffic", 40);
    expect(bullet.split("\n").slice(1).every((l) => l.startsWith("    ") && l[4] !== " ")).toBe(true);
    const check = wrapText("✗ credentials  no AWS credentials found for sts:GetCallerIdentity in this shell", 40);
    const [first, ...rest] = check.split("\n");
    expect(first!.startsWith("✗ credentials  no")).toBe(true);
    expect(rest.every((l) => l.startsWith(" ".repeat(15)) && l[15] !== " ")).toBe(true);
  });

  it("does nothing without a width, or to lines that fit", () => {
    expect(wrapText(HINT, undefined)).toBe(HINT);
    expect(wrapText("short line\n  indented  ", 80)).toBe("short line\n  indented  ");
  });
});

describe("terminalColumns", () => {
  it("is the stream's columns on a terminal, and nothing for a pipe or a file", () => {
    expect(terminalColumns({ isTTY: true, columns: 72 })).toBe(72);
    expect(terminalColumns({ isTTY: false, columns: 72 })).toBeUndefined();
    expect(terminalColumns({ isTTY: true })).toBeUndefined();
    expect(terminalColumns({})).toBeUndefined();
  });
});

describe("Io wraps human text at the terminal's width", () => {
  function streams(isTTY: boolean, columns: number) {
    const out = { text: "", isTTY, columns, write(s: string) { this.text += s; } };
    const err = { text: "", isTTY, columns, write(s: string) { this.text += s; } };
    return { out, err, streams: { stdin: { isTTY }, stdout: out, stderr: err } };
  }

  it("on a terminal: stderr messages and stdout reports, each at its own stream's width", () => {
    const s = streams(true, 50);
    s.err.columns = 40;
    const io = new Io({ streams: s.streams, env: {}, json: false, noColor: true, debug: false });
    io.emit({}, () => HINT);
    io.info(HINT);
    expect(widest(s.out.text)).toBeLessThanOrEqual(50);
    expect(widest(s.out.text)).toBeGreaterThan(40);
    expect(widest(s.err.text)).toBeLessThanOrEqual(40);
    expect(words(s.out.text)).toEqual(words(HINT));
  });

  it("piped: every line stays whole, for grep", () => {
    const s = streams(false, 40);
    const io = new Io({ streams: s.streams, env: {}, json: false, noColor: true, debug: false });
    io.emit({}, () => HINT);
    io.warn(HINT);
    expect(s.out.text).toBe(`${HINT}\n`);
    expect(s.err.text).toBe(`warning: ${HINT}\n`);
  });

  it("never wraps --json, nor a message that asks not to be (a command line to paste)", () => {
    const s = streams(true, 40);
    const io = new Io({ streams: s.streams, env: {}, json: true, noColor: true, debug: false });
    io.info(`# next time: ${HINT}`, { wrap: false });
    io.emit({ hint: HINT }, () => "");
    expect(s.err.text).toBe(`# next time: ${HINT}\n`);
    expect(JSON.parse(s.out.text)).toEqual({ hint: HINT });
  });
});
