import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildView, INIT_DEFAULTS, type InitAnswers } from "../../src/core/init-choices";
import { builtinTemplatesDir, renderTemplate } from "../../src/io/template-dir";
import { buildspecCommands } from "../helpers/codebuild";

/**
 * buildspec.yml's pre_build decides whether a release run trains: not when a model approval's rule
 * started it, yes for a push, and yes for a new source zip (S3 source), whose rule starts the run too.
 * Its shell runs here against an `aws` that answers what CodePipeline would say of the run.
 */
async function approvalRun(source: InitAnswers["source"], trigger: string | undefined): Promise<boolean> {
  const answers: InitAnswers = { ...INIT_DEFAULTS, name: "p", source };
  const { files } = await renderTemplate(join(builtinTemplatesDir(), "default"), answers, buildView(answers, "0.0.0"));
  const dir = mkdtempSync(join(tmpdir(), "mlops-buildspec-"));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  const bin = mkdtempSync(join(tmpdir(), "mlops-aws-"));
  // get-pipeline-execution answers "TYPE<TAB>DETAIL"; every other call (s3 cp) succeeds quietly.
  writeFileSync(join(bin, "aws"), `#!/bin/sh\ncase "$*" in *get-pipeline-execution*) printf '%s\\n' "$TRIGGER_TEXT" ;; esac\n`);
  chmodSync(join(bin, "aws"), 0o755);
  const { spec } = buildspecCommands(join(dir, "buildspec.yml"));
  const script = ["set -e", ...(spec.phases.pre_build?.commands ?? [])].join("\n");
  const env = { PATH: `${bin}:${process.env.PATH}`, DATA_BUCKET: "p-data", TRIGGER_TEXT: trigger ?? "", ...(trigger ? { RELEASE_EXECUTION_ID: "e1" } : {}) };
  const run = spawnSync("bash", ["-c", script], { cwd: dir, env, encoding: "utf8", timeout: 20_000 });
  expect(run.status, run.stderr).toBe(0);
  return existsSync(join(dir, ".approval-run"));
}

describe("buildspec.yml: which release runs train", () => {
  const rule = (name: string) => `arn:aws:events:us-east-1:123456789012:rule/${name}`;
  it.each([
    ["github", undefined, false],
    ["github", `Webhook\tarn:aws:codeconnections:us-east-1:123456789012:connection/x`, false],
    ["github", `CloudWatchEvent\t${rule("p-model-approved")}`, true],
    ["s3", `CloudWatchEvent\t${rule("p-source-changed")}`, false],
    ["s3", `CloudWatchEvent\t${rule("mlops-model-approved-0123456789")}`, true],
  ] as const)("source %s, trigger %s: an approval run (trains nothing) is %s", async (source, trigger, expected) => {
    expect(await approvalRun(source, trigger)).toBe(expected);
  });
});

describe("state machine: job names", () => {
  it("stay within SageMaker's 63 characters for the longest project name, whatever the execution is called", async () => {
    const answers: InitAnswers = { ...INIT_DEFAULTS, name: "p".repeat(32), orchestrator: "step-functions" };
    const { files } = await renderTemplate(join(builtinTemplatesDir(), "default"), answers, buildView(answers, "0.0.0"));
    const asl = JSON.parse(files.find((f) => f.path === "pipelines/state-machine.asl.json")!.text) as { States: Record<string, { Parameters?: Record<string, unknown> }> };
    const names = Object.values(asl.States).flatMap((s) => Object.entries(s.Parameters ?? {}).filter(([k]) => /JobName\.\$$/.test(k)).map(([, v]) => String(v)));
    expect(names).toHaveLength(3);
    for (const name of names) {
      // The one placeholder is the first 8 hex digits of a UUID.
      const format = /^States\.Format\('([^']*)', States\.ArrayGetItem\(States\.StringSplit\(States\.UUID\(\), '-'\), 0\)\)$/.exec(name)?.[1];
      expect(format, name).toBeDefined();
      expect(format!.replace("{}", "0123abcd")).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    }
  });
});
