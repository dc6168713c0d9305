import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/commands/init";
import type { Context } from "../../src/context";
import { createIo } from "../../src/context";
import { Prompter, type Asker, type Validate } from "../../src/io/prompt";
import { ROOT } from "../helpers/cli";

/**
 * The init questionnaire with a scripted asker: "help me choose" runs the endpoint advise
 * questions, takes their recommendation, and the command line printed at the end says
 * --endpoint-type with it (not the advise answers).
 */

const MINI = join(ROOT, "test/fixtures/templates/mini");

/** Answers by question: the first pattern that matches the message answers it; any other question fails the test. */
function byQuestion(script: Array<[RegExp, string | boolean]>): { asker: () => Promise<Asker>; asked: string[] } {
  const asked: string[] = [];
  const answer = (message: string) => {
    asked.push(message);
    const found = script.find(([pattern]) => pattern.test(message));
    if (!found) throw new Error(`unexpected question: ${message}`);
    return found[1];
  };
  const text = async (message: string, options: { default?: string; validate?: Validate }) => {
    const typed = answer(message) as string;
    const value = typed === "" && options.default !== undefined ? options.default : typed;
    const verdict = options.validate ? await options.validate(value) : true;
    if (verdict !== true) throw new Error(`refused "${value}" at "${message}": ${verdict}`);
    return value;
  };
  return { asked, asker: async () => ({ text, select: async (message) => answer(message) as never, confirm: async (message) => answer(message) as boolean }) };
}

function context(cwd: string, asker: () => Promise<Asker>): { ctx: Context; out: () => string; err: () => string; prompt: Prompter } {
  let out = "";
  let err = "";
  const streams = { stdin: {}, stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) } };
  const io = createIo({}, { streams: streams as unknown as Parameters<typeof createIo>[1]["streams"], env: {} });
  const prompt = new Prompter(true, false, asker);
  const ctx = { io, prompt, settings: {}, cwd, env: {} } as unknown as Context;
  return { ctx, out: () => out, err: () => err, prompt };
}

describe("init on a terminal: help me choose the endpoint type", () => {
  it("runs the advise questions, takes the recommended type, and the equivalent line names only --endpoint-type", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "mlops-init-unit-"));
    const script = byQuestion([
      [/Project name/, ""],
      [/framework/, "sklearn"],
      [/workflow touch/, "sagemaker-pipelines"],
      [/code from/, "s3"],
      [/kind of endpoint serves/, "help-me-choose"],
      [/How does the traffic come/, "intermittent"],
      [/wait for the answer/, true],
      [/latency/i, "2000"],
      [/payload size/, "0.1"],
      [/Response size/, ""],
      [/Processing time/, "0.2"],
      [/Requests per day/, "200"],
      [/Peak requests/, ""],
      [/cold starts/, true],
      [/GPU/, false],
      [/Memory the model needs/, "2"],
      [/image size/, "1"],
      [/take the traffic/, "linear"],
      [/Metric/, ""],
      [/Lowest/, "0.7"],
    ]);
    const { ctx, err, prompt, out } = context(cwd, script.asker);
    await run({ template: MINI }, ctx, ["churn"]);
    expect(script.asked.some((q) => /traffic come/.test(q))).toBe(true);
    expect(err()).toMatch(/→ serverless: /);
    // What the advice sized is said, for mlops.yaml.
    expect(err()).toMatch(/ {2}sized: .*memoryMb \d+.* \(set these under endpoint: in the project's mlops\.yaml/);
    expect(out()).toContain("serverless endpoint, linear rollout");
    expect(JSON.parse(readFileSync(join(cwd, "churn/project.json"), "utf8"))).toMatchObject({ name: "churn", threshold: "0.7" });
    expect(prompt.equivalentCommand(["init", "churn"])).toBe(
      "mlops init churn --name churn --framework sklearn --orchestrator sagemaker-pipelines --source s3 --endpoint-type serverless --strategy linear --metric accuracy --threshold 0.7",
    );
  });

  it("a batch transform is not asked for a rollout strategy", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "mlops-init-unit-"));
    const script = byQuestion([
      [/Project name/, "scores"],
      [/framework/, "xgboost"],
      [/workflow touch/, "airflow"],
      [/code from/, "github"],
      [/kind of endpoint serves/, "batch"],
      [/Metric/, "auc"],
      [/Lowest/, ""],
    ]);
    const { ctx, err } = context(cwd, script.asker);
    await run({ template: MINI }, ctx, ["."]);
    expect(err()).toMatch(/→ Airflow \(Amazon MWAA\): /);
    expect(script.asked.some((q) => /take the traffic/.test(q))).toBe(false);
    expect(JSON.parse(readFileSync(join(cwd, "project.json"), "utf8"))).toMatchObject({ name: "scores", metric: "auc", threshold: "0.8" });
  });
});
