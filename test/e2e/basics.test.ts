import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANSI, cleanEnv, ROOT, runCli } from "../helpers/cli";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

describe("mlops (built binary)", () => {
  it("--help lists every command with a one-line description, the global flags and the exit codes", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\s+doctor\s+\S.+$/m);
    expect(r.stdout).toMatch(/^\s+sandbox\s+\S.+$/m);
    for (const flag of ["--region", "--profile", "--endpoint-url", "--json", "--no-color", "--no-input", "--yes", "--debug", "--config"]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Exit codes:\n\s+0\s+done/);
    for (const code of [1, 2, 3, 4, 5, 6, 130]) expect(r.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\w`, "m"));
    expect(r.stdout).not.toMatch(ANSI);
  });

  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("an unknown option is a usage error (exit 2) on stderr", async () => {
    const r = await runCli(["doctor", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });

  it("a bad global value is a usage error naming its source, with a JSON error document under --json", async () => {
    const r = await runCli(["sandbox", "start", "--port", "99999", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--port must be between 0 and 65535");
    expect(JSON.parse(r.stdout)).toEqual({ error: { name: "UsageError", exitCode: 2, message: "--port must be between 0 and 65535 (got 99999)" } });
  });

  it("a usage error under --json still prints one JSON document", async () => {
    const unknown = await runCli(["models", "list", "--json", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({ error: { name: "UsageError", exitCode: 2, message: "unknown option '--bogus'" } });
    const missing = await runCli(["models", "show", "--json"]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.message).toBe("missing required argument 'ref'");
  });

  it("prints no Node or SDK warnings on stderr", async () => {
    const r = await runCli(["doctor", "--sandbox"], { env: cleanEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning|NodeVersionSupport/i);
  });
});
