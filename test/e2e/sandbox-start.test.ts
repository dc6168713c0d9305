import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli, spawnCli } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function exportsFrom(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("mlops sandbox start", () => {
  it("prints the exports; doctor passes with them; SIGTERM stops it cleanly", async () => {
    const port = await freePort();
    const sandbox = spawnCli(["sandbox", "start", "--port", String(port)]);
    try {
      await sandbox.waitFor("stderr", /listening on/);
      const env = exportsFrom(sandbox.output.stdout);
      expect(env).toMatchObject({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_REGION: "us-east-1" });
      expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();

      const doctor = await runCli(["doctor", "--json"], { env: cleanEnv(env) });
      expect(doctor.code).toBe(0);
      expect(parseJson("doctor", doctor.stdout)).toMatchObject({ ok: true, account: "000000000000" });
      // Each request is logged on the sandbox's stderr.
      await sandbox.waitFor("stderr", /sts GetCallerIdentity → 200/);

      // A second, independent client (the AWS CLI v1, botocore) works with the same exports alone.
      expect(env.AWS_DEFAULT_REGION).toBe("us-east-1");
      const aws = (...args: string[]) => promisify(execFile)("aws", args, { env: cleanEnv(env) });
      await aws("s3", "mb", "s3://models");
      const listed = JSON.parse((await aws("s3api", "list-buckets", "--output", "json")).stdout);
      expect(listed.Buckets.map((b: { Name: string }) => b.Name)).toEqual(["models"]);
      const identity = JSON.parse((await aws("sts", "get-caller-identity", "--output", "json")).stdout);
      expect(identity.Account).toBe("000000000000");
    } finally {
      sandbox.child.kill("SIGTERM");
    }
    const exit = await sandbox.exited;
    expect(exit.code).toBe(0);
    expect(sandbox.output.stderr).toContain("mlops sandbox stopped");
  });

  it("keeps state across restarts with --state-file, and reports a busy port as a usage error", async () => {
    const port = await freePort();
    const stateFile = join(mkdtempSync(join(tmpdir(), "mlops-sandbox-")), "state.json");
    const first = spawnCli(["sandbox", "start", "--port", String(port), "--state-file", stateFile, "--account", "123456789012", "--quiet"]);
    try {
      await first.waitFor("stderr", /listening on/);
      const busy = await runCli(["sandbox", "start", "--port", String(port)]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      const doctor = await runCli(["doctor", "--json"], { env: cleanEnv(exportsFrom(first.output.stdout)) });
      expect(parseJson("doctor", doctor.stdout).account).toBe("123456789012");
    } finally {
      first.child.kill("SIGINT");
    }
    expect((await first.exited).code).toBe(0);
    expect(first.output.stderr).toContain(`state saved to ${stateFile}`);
    expect(first.output.stderr).not.toContain("GetCallerIdentity");
  });

  it("--json prints one document with where it listens and the exports", async () => {
    const run = spawnCli(["sandbox", "start", "--port", "0", "--time-scale", "50", "--quiet", "--json"]);
    try {
      await run.waitFor("stderr", /listening on/);
      const doc = parseJson("sandbox-start", run.output.stdout);
      expect(doc).toMatchObject({ url: `http://127.0.0.1:${doc.port}`, region: "us-east-1", accountId: "000000000000", timeScale: 50, env: { AWS_ENDPOINT_URL: doc.url } });
      expect(doc.port).toBeGreaterThan(0);
    } finally {
      run.child.kill("SIGTERM");
    }
    expect((await run.exited).code).toBe(0);
  });

  it("refuses a state file it cannot write, before listening", async () => {
    const r = await runCli(["sandbox", "start", "--port", "0", "--state-file", "/nonexistent-dir/s.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--state-file: cannot write the state file /nonexistent-dir/s.json: ENOENT");
    expect(r.stdout).toBe("");
  });

  it("refuses a file that is not a sandbox state, and a time scale past the clock's bound: exit 2, the file untouched", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mlops-state-")), "s.json");
    writeFileSync(path, '{"version": 2, "clock": "soon"}');
    const r = await runCli(["sandbox", "start", "--port", "0", "--state-file", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--state-file: the state file ${path}`);
    expect(readFileSync(path, "utf8")).toBe('{"version": 2, "clock": "soon"}');
    const scale = await runCli(["sandbox", "start", "--port", "0", "--time-scale", "1e308"]);
    expect(scale.code).toBe(2);
    expect(scale.stderr).toContain("--time-scale");
    expect(scale.stdout).toBe("");
  });

  it("prints the sandbox's dummy secret in its exports even when it is already exported", async () => {
    const port = await freePort();
    const run = spawnCli(["sandbox", "start", "--port", String(port)], { env: cleanEnv({ AWS_SECRET_ACCESS_KEY: "mlops-sandbox-dummy-secret-key" }) });
    try {
      await run.waitFor("stderr", /listening on/);
      expect(run.output.stdout).toContain("export AWS_SECRET_ACCESS_KEY=mlops-sandbox-dummy-secret-key");
    } finally {
      run.child.kill("SIGTERM");
    }
    await run.exited;
  });

  it("rejects a bad --faults spec before starting", async () => {
    const r = await runCli(["sandbox", "start", "--port", "0", "--faults", "GetCallerIdentity:throttle=3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--faults: throttle must be between 0 and 1");
  });
});
