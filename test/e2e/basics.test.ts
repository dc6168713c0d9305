import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANSI, cleanEnv, ROOT, runCli } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";

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
    // The section whole, row by row: a row lost or out of place fails.
    const exitCodes = r.stdout.split("Exit codes:\n")[1]?.split("\n\n")[0]?.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/)) ?? [];
    expect(exitCodes.map(([code]) => Number(code))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 130]);
    expect(exitCodes[0]).toEqual(["0", "done"]);
    expect(exitCodes[3]).toEqual(["3", "deployment rolled back; the previous version serves"]);
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
    expect(parseJson("sandbox-start", r.stdout)).toEqual({ error: { name: "usage", exitCode: 2, message: "--port must be between 0 and 65535 (got 99999)" } });
  });

  it("a usage error under --json still prints one JSON document", async () => {
    const unknown = await runCli(["models", "list", "--json", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(parseJson("models-list", unknown.stdout)).toEqual({ error: { name: "usage", exitCode: 2, message: "unknown option '--bogus'" } });
    const missing = await runCli(["models", "show", "--json"]);
    expect(missing.code).toBe(2);
    expect(parseJson("models-show", missing.stdout).error.message).toBe("missing required argument 'ref'");
  });

  it("a command group without its command (bare mlops, mlops models) is a usage error: help on stderr, exit 2, one JSON document", async () => {
    const bare = await runCli(["--json"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: mlops \[options\] \[command\]/);
    expect(bare.stderr).toContain("error: mlops needs a command: demo, init, doctor, register, models,");
    expect(parseJson("error", bare.stdout)).toEqual({ error: { name: "usage", exitCode: 2, message: expect.stringMatching(/^mlops needs a command: demo, .*, sandbox or completion$/) } });
    const group = await runCli(["--region", "eu-west-1", "models", "--json"]);
    expect(group.code).toBe(2);
    expect(parseJson("error", group.stdout)).toEqual({ error: { name: "usage", exitCode: 2, message: "mlops models needs a command: list, show, approve or reject" } });
    const plain = await runCli(["models"]);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/Usage: mlops models[\s\S]*error: mlops models needs a command: list, show, approve or reject\n$/);
    // Asked for, help is a result: stdout, exit 0.
    const asked = await runCli(["help", "models"]);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toMatch(/^Usage: mlops models/);
  });

  it("--help loads no zod: the start-up bundle has none, and the output schemas are in no bundle at all", () => {
    const zod = readdirSync(join(ROOT, "dist/chunks")).find((f) => f.startsWith("zod-"));
    // The markers are zod's own: its chunk has them (a command that validates config loads it).
    expect(readFileSync(join(ROOT, "dist/chunks", zod!), "utf8")).toMatch(/toJSONSchema[\s\S]*ZodError|ZodError[\s\S]*toJSONSchema/);
    expect(readFileSync(join(ROOT, "dist/cli.cjs"), "utf8")).not.toMatch(/toJSONSchema|ZodError/);
    // Commands import their output types only: no schema text reaches dist/.
    const files = readdirSync(join(ROOT, "dist"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js") || f.endsWith(".cjs"));
    for (const file of files) expect(readFileSync(join(ROOT, "dist", file), "utf8"), file).not.toContain("A stable public code for the kind of error");
  });

  it("prints no Node or SDK warnings on stderr", async () => {
    const r = await runCli(["doctor", "--sandbox"], { env: cleanEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning|NodeVersionSupport/i);
  });
});
