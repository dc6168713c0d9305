import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index";
import { ANSI, cleanEnv, emptyHome, runCli, runInTerminal } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";

let sandbox: Sandbox;
let strict: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  strict = await startSandbox({ port: 0, acceptedAccessKeyIds: ["AKIANOBODYHAS0000000"] });
});
afterAll(async () => {
  await sandbox.stop();
  await strict.stop();
});

function dir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), "mlops-doctor-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe("mlops doctor against a sandbox", () => {
  it("passes every check with the sandbox's exports and reports the account", async () => {
    const r = await runCli(["doctor"], { env: cleanEnv(sandbox.env()), cwd: dir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Node\.js/);
    expect(r.stdout).toMatch(/✓ region\s+us-east-1 \(from AWS_REGION\)/);
    expect(r.stdout).toMatch(/✓ credentials\s+account 000000000000 as arn:aws:iam::000000000000:user\/mlops-sandbox/);
    expect(r.stdout).toContain(`✓ endpoint     ${sandbox.url} (from AWS_ENDPOINT_URL)`);
    expect(r.stdout).toContain("All checks passed.");
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
    expect(sandbox.requestLog.entries({ operation: "GetCallerIdentity" }).length).toBeGreaterThan(0);
  });

  it("--json prints one parseable document with the account id", async () => {
    const r = await runCli(["doctor", "--json"], { env: cleanEnv(sandbox.env()), cwd: dir() });
    expect(r.code).toBe(0);
    const report = parseJson("doctor", r.stdout);
    expect(report).toMatchObject({ ok: true, account: "000000000000", region: "us-east-1", regionSource: "AWS_REGION", endpointUrl: sandbox.url });
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(["Node.js", "config", "profile", "region", "credentials", "endpoint"]);
  });

  it("flags, MLOPS_* env and mlops.yaml are honoured in that order", async () => {
    const cwd = dir({ "mlops.yaml": `region: eu-west-1\nendpointUrl: ${sandbox.url}\n` });
    const env = cleanEnv({ AWS_ACCESS_KEY_ID: "AKIAFROMENV000000000", AWS_SECRET_ACCESS_KEY: "x" });
    const fromFile = parseJson("doctor", (await runCli(["doctor", "--json"], { env, cwd })).stdout);
    expect(fromFile).toMatchObject({ ok: true, region: "eu-west-1", regionSource: "mlops.yaml region", endpointUrl: sandbox.url });
    const fromEnv = parseJson("doctor", (await runCli(["doctor", "--json"], { env: { ...env, MLOPS_REGION: "ap-south-1" }, cwd })).stdout);
    expect(fromEnv).toMatchObject({ region: "ap-south-1", regionSource: "MLOPS_REGION" });
    const fromFlag = parseJson("doctor", (await runCli(["doctor", "--json", "--region", "us-west-2"], { env: { ...env, MLOPS_REGION: "ap-south-1" }, cwd })).stdout);
    expect(fromFlag).toMatchObject({ region: "us-west-2", regionSource: "--region" });
  });

  it("exits 6 when the credentials are refused", async () => {
    const r = await runCli(["doctor", "--json"], { env: cleanEnv(strict.env()), cwd: dir() });
    expect(r.code).toBe(6);
    const report = parseJson("doctor", r.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: { name: string }) => c.name === "credentials")).toMatchObject({ ok: false, detail: expect.stringContaining("InvalidClientTokenId") });
    expect(r.stderr).toContain("error: 1 of 6 checks failed: credentials");
  });

  it("exits 6 when there are no credentials at all", async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...env } = sandbox.env();
    const r = await runCli(["doctor"], { env: cleanEnv(env), cwd: dir() });
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/✗ credentials\s+no AWS credentials found/);
    expect(r.stdout).toMatch(/fix: sign in/);
  });

  it("shows each failure once, with its fix; the last line sums up without repeating them", async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...env } = sandbox.env();
    const r = await runCli(["doctor"], { env: cleanEnv(env), cwd: dir() });
    expect(r.code).toBe(6);
    const all = r.stdout + r.stderr;
    const count = (text: string) => all.split(text).length - 1;
    expect(count("no AWS credentials found")).toBe(1);
    expect(count("sign in (`aws sso login`)")).toBe(1);
    expect(count("checks failed")).toBe(1);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("error: 1 of 6 checks failed: credentials");

    // Two failures: both named in the summary, each detail still shown once.
    const down = await runCli(["doctor"], { env: cleanEnv({ ...sandbox.env(), AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" }), cwd: dir() });
    expect(down.code).toBe(1);
    expect(down.stderr.trimEnd().split("\n").at(-1)).toBe("error: 2 of 6 checks failed: credentials, endpoint");
    expect((down.stdout + down.stderr).split("start the sandbox").length - 1).toBe(1);
  });

  it("on a narrow terminal, wraps its lines at the width without breaking a word", async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...env } = sandbox.env();
    const term = runInTerminal(["doctor"], { env: cleanEnv({ ...env, CI: undefined }), cwd: dir(), columns: 60 });
    expect(await term.exited).toBe(6);
    // Screen rows: a spinner redraws its row from column 1 (ESC [ 1 G), so that starts a row too.
    const lines = term.raw().split(/\r|\n|\u001b\[\d*G/).map((l) => l.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ""));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    // The fix, a line of more than 60 characters piped, is there word for word, continued under itself.
    const fix = "fix: sign in (`aws sso login`), choose a profile (--profile or AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    expect(term.text().replace(/\s+/g, " ")).toContain(fix);
    expect(lines.filter((l) => /^ {15}\S/.test(l)).length).toBeGreaterThan(2);
  });

  it("exits 1 and names the key path when mlops.yaml is invalid", async () => {
    const cwd = dir({ "mlops.yaml": "region: mars-north-1\n" });
    const r = await runCli(["doctor"], { env: cleanEnv(sandbox.env()), cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ config\s+.*mlops\.yaml: region: must be an AWS region such as us-east-1/);
  });

  it("exits 1 with an endpoint hint when nothing listens at the endpoint", async () => {
    const r = await runCli(["doctor"], { env: cleanEnv({ ...sandbox.env(), AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" }), cwd: dir() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ endpoint\s+http:\/\/127\.0\.0\.1:9 \(from AWS_ENDPOINT_URL\)/);
  });

  it("never prints secrets, even with --debug and a failing call", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    const r = await runCli(["doctor", "--debug"], { env: cleanEnv({ ...strict.env(), AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: "IQoJb3JpZ2luX2VjSESSIONTOKEN" }), cwd: dir() });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("debug");
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain("IQoJb3JpZ2luX2VjSESSIONTOKEN");
    expect(r.stdout + r.stderr).not.toMatch(/Signature=[0-9a-f]{8}/);
  });

  it("hides a secret wherever it would be printed: pasted as a flag's value, or as the password in an endpoint URL", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    // A secret key pasted where a profile name goes: doctor names the profile it could not find.
    const pasted = await runCli(["doctor", "--debug", "--profile", secret], { env: cleanEnv({ AWS_SECRET_ACCESS_KEY: secret, HOME: emptyHome() }), cwd: dir() });
    expect(pasted.code).toBe(1);
    expect(pasted.stdout + pasted.stderr).not.toContain(secret);
    expect(pasted.stdout).toMatch(/\*\*\*\* \(from --profile\) is not in the AWS config or credentials file/);
    // A password in the endpoint URL: doctor shows the endpoint, without it.
    const url = await runCli(["doctor", "--debug"], { env: cleanEnv({ AWS_ENDPOINT_URL: "http://admin:hunter2-long-password@127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" }), cwd: dir() });
    expect(url.stdout + url.stderr).not.toContain("hunter2-long-password");
    expect(url.stdout).toContain("http://****@127.0.0.1:9 (from AWS_ENDPOINT_URL)");
  });

  it("--sandbox runs against a throwaway in-process sandbox with no AWS settings at all", async () => {
    const r = await runCli(["doctor", "--sandbox", "--json"], { env: cleanEnv(), cwd: dir() });
    expect(r.code).toBe(0);
    expect(parseJson("doctor", r.stdout)).toMatchObject({ ok: true, account: "000000000000", endpointSource: "--sandbox" });
  });

  it("names a profile that does not exist, and accepts one that does", async () => {
    const home = emptyHome();
    mkdirSync(join(home, ".aws"));
    writeFileSync(join(home, ".aws", "config"), "[profile prod]\nregion = eu-west-1\n");
    writeFileSync(join(home, ".aws", "credentials"), "[prod]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
    const missing = await runCli(["doctor", "--profile", "nope", "--json"], { env: cleanEnv({ HOME: home }) });
    expect(missing.code).toBe(1);
    const profile = JSON.parse(missing.stdout).checks.find((c: { name: string }) => c.name === "profile");
    expect(profile).toMatchObject({ ok: false, detail: "nope (from --profile) is not in the AWS config or credentials file" });
    expect(profile.hint).toContain("aws configure --profile nope");
    expect(profile.hint).toContain("prod");
    const found = await runCli(["doctor", "--json"], { env: cleanEnv({ HOME: home, AWS_PROFILE: "prod" }) });
    expect(JSON.parse(found.stdout).checks.find((c: { name: string }) => c.name === "profile")).toMatchObject({ ok: true, detail: "prod (from AWS_PROFILE)" });
  });

  it("every command names a missing profile when credentials cannot be found, not only doctor", async () => {
    const home = emptyHome();
    mkdirSync(join(home, ".aws"));
    writeFileSync(join(home, ".aws", "config"), "[profile prod]\nregion = eu-west-1\n");
    const r = await runCli(["status", "--endpoint", "churn", "--profile", "nope", "--region", "us-east-1"], { env: cleanEnv({ HOME: home }), cwd: dir() });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('profile "nope" (from --profile) is not in the AWS config or credentials file');
    expect(r.stderr).toContain("aws configure --profile nope");
    expect(r.stderr).toContain("prod");
  });

  it("--sandbox with --endpoint-url is refused: the sandbox is the endpoint", async () => {
    const r = await runCli(["doctor", "--sandbox", "--endpoint-url", "http://127.0.0.1:1"], { env: cleanEnv(), cwd: dir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--sandbox and --endpoint-url");
  });
});
