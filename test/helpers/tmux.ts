import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BIN } from "./cli";

const run = promisify(execFile);
/** The line the wrapper prints once the CLI has exited, so a capture can tell the end. */
export const EXIT_MARK = "[mlops exited";

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The CLI in a real terminal: a tmux session of `columns` × `rows` on a server of its own, so
 * that the screen can be captured as a person would see it (`capture-pane`).
 */
export async function startInTmux(args: string[], options: { env: Record<string, string>; columns: number; rows: number }) {
  const dir = mkdtempSync(join(tmpdir(), "mlops-tmux-"));
  const socket = `mlops-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const script = join(dir, "run.sh");
  // env -i: the session sees exactly the test's environment, not the tmux server's. The shell
  // outlives a Ctrl-C (its trap runs a command, so the CLI still gets the default SIGINT) to say how the CLI exited.
  const env = Object.entries({ ...options.env, TERM: "xterm-256color" }).map(([k, v]) => `${k}=${shellQuote(v)}`);
  writeFileSync(
    script,
    `exec env -i ${env.join(" ")} sh -c ${shellQuote(`trap true INT; ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(" ")}; echo "${EXIT_MARK} $?]"; sleep 120`)}\n`,
  );
  const tmux = (...a: string[]) => run("tmux", ["-L", socket, "-f", "/dev/null", ...a]);
  await tmux("new-session", "-d", "-s", "t", "-x", String(options.columns), "-y", String(options.rows), `sh ${shellQuote(script)}`);
  return {
    /** The visible screen, one string per row (`joined`: wrapped rows joined into their logical line). */
    capture: async (joined = false) => (await tmux("capture-pane", "-p", ...(joined ? ["-J"] : []), "-t", "t")).stdout.replace(/\n$/, "").split("\n"),
    keys: (...keys: string[]) => tmux("send-keys", "-t", "t", ...keys),
    stop: () => tmux("kill-server").catch(() => undefined),
  };
}
