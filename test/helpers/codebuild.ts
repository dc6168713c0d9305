import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { BIN } from "./cli";

/**
 * Playing AWS CodeBuild: a buildspec (version 0.2) run as CodeBuild runs it — its phases' commands
 * in order, in ONE bash shell (0.2 keeps variables from one command to the next), stdin not a
 * terminal, CODEBUILD_* set, `env.variables` exported, and `mlops` on the PATH as an installed CLI
 * would be. The install phase is skipped: it installs mlops, which the PATH already has.
 */

/** CodeBuild's own variables for a build of `project` number `n` started by CodePipeline `pipeline`. */
export function codebuildEnv(project: string, n: number, pipeline?: string): Record<string, string | undefined> {
  const id = `${project}:5e1f0c1a-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return {
    CODEBUILD_BUILD_ID: id,
    CODEBUILD_BUILD_NUMBER: String(n),
    CODEBUILD_BUILD_ARN: `arn:aws:codebuild:us-east-1:000000000000:build/${id}`,
    CODEBUILD_RESOLVED_SOURCE_VERSION: "1a2b3c4d5e6f",
    CODEBUILD_INITIATOR: pipeline ? `codepipeline/${pipeline}` : "mlops-test",
    CI: undefined,
  };
}

/** A directory whose `mlops` runs the built CLI: put it first on PATH. */
export function mlopsOnPath(): string {
  const bin = mkdtempSync(join(tmpdir(), "mlops-bin-"));
  writeFileSync(join(bin, "mlops"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, "mlops"), 0o755);
  return bin;
}

interface Buildspec {
  version: unknown;
  env?: { variables?: Record<string, string> };
  phases: Record<string, { commands?: string[] }>;
}

/** The commands of the phases CodeBuild runs after install, in order. */
export function buildspecCommands(file: string): { spec: Buildspec; commands: string[] } {
  const spec = parseYaml(readFileSync(file, "utf8")) as Buildspec;
  const commands = ["pre_build", "build", "post_build"].flatMap((phase) => spec.phases[phase]?.commands ?? []);
  return { spec, commands };
}

/**
 * Runs the buildspec in `dir` (bash, `set -e`: the first failing command fails the build) with
 * `env`; resolves with the exit code and both streams. At most `timeoutMs`.
 */
export async function playBuildspec(dir: string, file: string, env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spec, commands } = buildspecCommands(join(dir, file));
  const variables = Object.entries(spec.env?.variables ?? {}).map(([k, v]) => `export ${k}=${JSON.stringify(String(v))}`);
  const script = ["set -e", ...variables, ...commands].join("\n");
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code: number | null) => resolve({ code, stdout, stderr }));
  });
}
