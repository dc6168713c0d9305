import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../../src/sandbox/index";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/index";

/**
 * The AWS CLI v1 (botocore: a second implementation of AWS's wire protocols) pointed at a
 * sandbox. `AwsCli` keeps one python3 process running the CLI's own driver (awscli_driver.py),
 * so that each command costs milliseconds rather than a process start.
 */

export interface CliResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (`--output json`), or undefined when empty. */
  json?: any;
  /** The error code the CLI reports ("An error occurred (Code) when calling …"). */
  errorCode?: string;
}

/** Only the sandbox's dummy credentials and region: no profile, config file or real endpoint leaks in. */
export function cliEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return {
    ...env,
    AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: sandbox.region,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

/** Arguments every call gets: the sandbox endpoint and JSON output. */
export const cliArgs = (sandbox: Sandbox) => ["--endpoint-url", sandbox.url, "--output", "json"];

export function parseCliResult(rc: number, stdout: string, stderr: string): CliResult {
  const errorCode = /An error occurred \(([^)]+)\)/.exec(stderr)?.[1];
  return { rc, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined, errorCode };
}

export class AwsCli {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(line: string) => void> = [];
  private stderr = "";

  constructor(private readonly sandbox: Sandbox) {
    const driver = fileURLToPath(new URL("./awscli_driver.py", import.meta.url));
    this.child = spawn("python3", [driver], { env: cliEnv(sandbox) });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    createInterface({ input: this.child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
    this.child.on("exit", (code) => {
      for (const resolve of this.waiting.splice(0)) resolve(JSON.stringify({ rc: -1, stdout: "", stderr: `the AWS CLI driver exited (${code}): ${this.stderr}` }));
    });
  }

  /** Run `aws <args> --endpoint-url <sandbox> --output json`. */
  run(args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      this.waiting.push((line) => {
        const { rc, stdout, stderr } = JSON.parse(line) as { rc: number; stdout: string; stderr: string };
        resolve(parseCliResult(rc, stdout, stderr));
      });
      this.child.stdin.write(JSON.stringify([...args, ...cliArgs(this.sandbox)]) + "\n");
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.stdin.end();
    });
  }
}
