import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/mlops.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A home directory with no ~/.aws, so the host's profiles never leak into a test. */
export function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), "mlops-home-"));
}

/**
 * The environment a CI job would give us: CI=true, no colour forced, no AWS settings from the
 * host, instance metadata off (it would leave 127.0.0.1), plus what the test adds.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: emptyHome(),
    CI: "true",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Run the built CLI as a user would, with a hard time limit. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, durationMs: performance.now() - started });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** ESC [ … — any ANSI escape sequence. */
export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/;

/** Start the CLI and keep it running (e.g. `sandbox start`); wait for output with `waitFor`. */
export function spawnCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) =>
    child.on("close", (code, signal) => resolvePromise({ code, signal })),
  );
  const waitFor = async (stream: "stdout" | "stderr", pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = output[stream].match(pattern);
      if (match) return match;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms; stdout=${output.stdout} stderr=${output.stderr}`);
  };
  return { child, output, exited, waitFor };
}

/**
 * The CLI in a real pseudo-terminal (through test/helpers/pty_bridge.py): type keys, read the
 * screen. The terminal is 100 columns wide unless `columns` says otherwise.
 */
export function runInTerminal(args: string[], options: { env?: Record<string, string>; cwd?: string; columns?: number } = {}) {
  const child = spawn("python3", [join(ROOT, "test/helpers/pty_bridge.py"), process.execPath, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { TERM: "xterm-256color", ...(options.env ?? cleanEnv({ CI: undefined })), PTY_BRIDGE_COLUMNS: String(options.columns ?? 100) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  child.stdout.on("data", (d: Buffer) => (screen += d.toString()));
  const exited = new Promise<number | null>((resolvePromise) => child.on("close", (code) => resolvePromise(code)));
  return {
    /** Everything the terminal received, escape codes and all. */
    raw: () => screen,
    /** Everything shown so far, escape codes removed. */
    text: () => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ""),
    async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (pattern.test(this.text())) return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no ${pattern} on the terminal within ${timeoutMs} ms; it shows:\n${this.text()}`);
    },
    type: (keys: string) => child.stdin.write(keys),
    exited,
    kill: () => child.kill("SIGKILL"),
  };
}
