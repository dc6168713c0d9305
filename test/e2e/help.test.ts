import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, CreatePipelineCommand, SageMakerClient, StartPipelineExecutionCommand } from "@aws-sdk/client-sagemaker";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli";
import { EXIT_CODE_HELP } from "../../src/exit-codes";
import { cleanEnv, ROOT, runCli, spawnCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";
import { createTopic } from "../helpers/sns";
import type { OutputName } from "../../src/schemas/index";

/**
 * Help that matches behaviour: every command's help shows the global options it honours, its
 * MLOPS_* variables, examples and exit codes; every default it states is applied without a
 * terminal (checked below, option by option), and every value it says is required without a
 * terminal is named when missing.
 */
const sandbox = useSandbox({ timeScale: 500, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const MODEL = "s3://models/m.tar.gz";
const ROLE = "arn:aws:iam::000000000000:role/r";
const env = (extra: Record<string, string> = {}) => cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5", ...extra });

function leaves(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  if (command.commands.length === 0) return [{ path, command }];
  return command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}
const program = buildProgram(() => {
  throw new Error("the help walk runs no command");
});
const COMMANDS = leaves(program);

async function artifact(): Promise<void> {
  const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: "models" }));
  await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
}

/** Run with --json; the document is checked against the command's published schema. */
async function json(args: string[], extra: Record<string, string> = {}): Promise<any> {
  const r = await runCli([...args, "--json"], { env: env(extra) });
  expect(r.code, r.stderr).toBe(0);
  const name = (args[0] === "models" || args[0] === "endpoint" ? `${args[0] === "endpoint" ? "endpoint" : "models"}-${args[1]}` : args[0]) as OutputName;
  return parseJson(name, r.stdout);
}

const deployArgs = (endpoint: string) => ["deploy", "--endpoint", endpoint, "--image", IMAGE, "--model-data", MODEL];

/** Each stated default, by "command --flag": how to see it applied without a terminal. */
const DEFAULT_CHECKS: Record<string, () => Promise<void>> = {
  "demo --time-scale": async () => {
    const r = await runCli(["demo", "--json"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const story = parseJson("demo", r.stdout);
    expect(story.timeScale).toBe(200);
    // --story deploy by default.
    expect(story.story).toBe("deploy");
    expect(story.badVersionMaxPercent).toBeTypeOf("number");
  },
  "register --approval": async () => {
    await artifact();
    const r = await runCli(["register", "--group", "churn", "--image", IMAGE, "--model-data", MODEL, "--dry-run", "--json"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("PendingManualApproval");
  },
  "models list --limit": async () => {
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    for (let v = 1; v <= 31; v++) await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    const doc = await json(["models", "list", "--group", "churn", "--no-metrics"]);
    expect(doc.models).toHaveLength(30);
    expect(doc.complete).toBe(false);
  },
  "deploy (a new endpoint)": async () => {
    await artifact();
    const doc = await json([...deployArgs("fresh"), "--role-arn", ROLE, "--dry-run"], { MLOPS_POLL_SECONDS: "" });
    expect(doc.settings).toMatchObject({
      type: "realtime",
      instanceType: "ml.m5.large",
      instanceCount: 1,
      memoryMb: 2048,
      maxConcurrency: 10,
      asyncConcurrency: null,
      strategy: "canary",
      canaryPercent: 10,
      linearStep: 20,
      bakeSeconds: 300,
      finalBakeSeconds: 300,
      maxErrorRate: 0.01,
      maxLatencyMs: 1000,
      pollSeconds: 15,
      keepOld: false,
    });
    expect(doc.settings.timeoutSeconds).toBeGreaterThan(doc.expectedSeconds);
  },
  "deploy (a redeploy)": async () => {
    await artifact();
    const created = await runCli([...deployArgs("churn"), "--role-arn", ROLE, "--instance-type", "ml.c5.xlarge", "--instance-count", "2"], { env: env() });
    expect(created.code, created.stderr).toBe(0);
    const doc = await json([...deployArgs("churn"), "--env", "V=2", "--strategy", "all-at-once", "--dry-run"]);
    // The endpoint's own type, size and role; SageMaker's engine where it supports the rollout.
    expect(doc.settings).toMatchObject({ type: "realtime", instanceType: "ml.c5.xlarge", instanceCount: 2, roleArn: ROLE, engine: "guardrails" });
    const paused = await json([...deployArgs("churn"), "--env", "V=2", "--pause", "--dry-run"]);
    expect(paused.settings.engine).toBe("traffic");
    // rollback --to defaults to the config before the last deploy.
    const first = (await json(["status", "--endpoint", "churn"])).endpointConfig;
    const second = await runCli([...deployArgs("churn"), "--env", "V=2", "--strategy", "all-at-once", "--bake", "0", "--final-bake", "0"], { env: env() });
    expect(second.code, second.stderr).toBe(0);
    const back = await json(["rollback", "--endpoint", "churn", "--yes"]);
    expect(back.endpointConfig).toBe(first);
  },
  "endpoint advise": async () => {
    const base = ["endpoint", "advise", "--payload-mb", "3", "--processing-seconds", "0.1", "--requests-per-day", "1000", "--no-gpu", "--memory-gb", "2", "--image-gb", "2"];
    const steady = await json([...base, "--traffic", "steady"]);
    expect(steady.inputs).toMatchObject({ responseMb: 3, sync: true, coldStartOk: false, peakRps: Math.ceil((1000 / 86_400) * 2 * 1000) / 1000 });
    const batch = await json([...base, "--traffic", "batch"]);
    expect(batch.inputs.sync).toBe(false);
  },
  "pipeline status --execution": async () => {
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    const definition = readFileSync(join(ROOT, "test/fixtures/pipeline.json"), "utf8");
    await sm.send(new CreatePipelineCommand({ PipelineName: "churn", PipelineDefinition: definition, RoleArn: ROLE, ClientRequestToken: "create-churn-pipeline-0000000000001" }));
    const arns: string[] = [];
    for (const token of ["start-churn-pipeline-0000000000001", "start-churn-pipeline-0000000000002"]) arns.push((await sm.send(new StartPipelineExecutionCommand({ PipelineName: "churn", ClientRequestToken: token }))).PipelineExecutionArn!);
    const r = await runCli(["pipeline", "status", "--name", "churn", "--json"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("pipeline-status", r.stdout).pipelineExecutionArn).toBe(arns[1]);
  },
  "trigger add": async () => {
    // --name: mlops-<kind>-<10 hex>; alarm --state: ALARM; pipeline-status --status: the outcomes.
    await createTopic(sandbox.current, "ml-team");
    const add = async (args: string[]) => {
      const r = await runCli(["trigger", "add", ...args, "--target", "sns:ml-team", "--json"], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      return parseJson("trigger-add", r.stdout);
    };
    const alarm = await add(["alarm", "--alarm", "churn-drift"]);
    expect(alarm.ruleName).toMatch(/^mlops-alarm-[0-9a-f]{10}$/);
    expect(alarm.eventPattern.detail.state).toEqual({ value: ["ALARM"] });
    const status = await add(["pipeline-status", "--pipeline", "train"]);
    expect(status.ruleName).toMatch(/^mlops-pipeline-status-[0-9a-f]{10}$/);
    expect(status.eventPattern.detail.currentPipelineExecutionStatus).toEqual(["Failed", "Stopped", "Succeeded"]);
  },
  init: async () => {
    // Every value from its default; the name from the folder's (a fresh one, so that nothing is in the way).
    const cwd = mkdtempSync(join(tmpdir(), "mlops-help-init-"));
    const r = await runCli(["init", "churn", "--template", join(ROOT, "test/fixtures/templates/mini"), "--dry-run", "--json"], { cwd, env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("init", r.stdout).answers).toEqual({ name: "churn", region: "us-east-1", framework: "sklearn", orchestrator: "sagemaker-pipelines", source: "github", endpointType: "realtime", strategy: "canary", metric: "accuracy", threshold: "0.8" });
  },
  "sandbox start": async () => {
    const started = spawnCli(["sandbox", "start", "--json", "--quiet"], { env: cleanEnv() });
    try {
      await started.waitFor("stderr", /listening on/, 15_000);
      expect(parseJson("sandbox-start", started.output.stdout)).toMatchObject({ port: 4599, timeScale: 1, accountId: "000000000000" });
    } finally {
      started.child.kill("SIGTERM");
      await started.exited;
    }
  },
};

/** Which check covers each option whose help states a default. */
const COVERED_BY: Record<string, string> = {
  "demo --time-scale": "demo --time-scale",
  "demo --story": "demo --time-scale",
  "register --approval": "register --approval",
  "models list --limit": "models list --limit",
  "endpoint advise --response-mb": "endpoint advise",
  "endpoint advise --peak-rps": "endpoint advise",
  "endpoint advise --sync": "endpoint advise",
  "endpoint advise --no-cold-start-ok": "endpoint advise",
  "init --name": "init",
  "init --framework": "init",
  "init --orchestrator": "init",
  "init --source": "init",
  "init --endpoint-type": "init",
  "init --strategy": "init",
  "init --metric": "init",
  "init --threshold": "init",
  "sandbox start --port": "sandbox start",
  "sandbox start --time-scale": "sandbox start",
  "sandbox start --account": "sandbox start",
  "deploy --type": "deploy (a redeploy)",
  "deploy --instance-type": "deploy (a redeploy)",
  "deploy --instance-count": "deploy (a redeploy)",
  "deploy --memory-mb": "deploy (a new endpoint)",
  "deploy --max-concurrency": "deploy (a new endpoint)",
  "deploy --async-concurrency": "deploy (a new endpoint)",
  "deploy --strategy": "deploy (a new endpoint)",
  "deploy --canary-percent": "deploy (a new endpoint)",
  "deploy --linear-step": "deploy (a new endpoint)",
  "deploy --bake": "deploy (a new endpoint)",
  "deploy --final-bake": "deploy (a new endpoint)",
  "deploy --max-error-rate": "deploy (a new endpoint)",
  "deploy --max-latency-ms": "deploy (a new endpoint)",
  "deploy --engine": "deploy (a redeploy)",
  "deploy --timeout": "deploy (a new endpoint)",
  // status, rollback, promote and abort read --poll through the same resolver as deploy.
  "deploy --poll": "deploy (a new endpoint)",
  "status --poll": "deploy (a new endpoint)",
  "rollback --poll": "deploy (a new endpoint)",
  "promote --poll": "deploy (a new endpoint)",
  "abort --poll": "deploy (a new endpoint)",
  "release approve --poll": "deploy (a new endpoint)",
  "release reject --poll": "deploy (a new endpoint)",
  "release start --poll": "deploy (a new endpoint)",
  "deploy --keep-old": "deploy (a new endpoint)",
  "deploy --role-arn": "deploy (a redeploy)",
  "rollback --to": "deploy (a redeploy)",
  "pipeline status --execution": "pipeline status --execution",
  "trigger add s3 --name": "trigger add",
  "trigger add schedule --name": "trigger add",
  "trigger add model-approved --name": "trigger add",
  "trigger add alarm --name": "trigger add",
  "trigger add alarm --state": "trigger add",
  "trigger add pipeline-status --name": "trigger add",
  "trigger add pipeline-status --status": "trigger add",
};

/** A run without a terminal and without the required flags: its error names them all. */
const REQUIRED_RUNS: Record<string, { args: string[]; names: string[] }> = {
  register: { args: ["register"], names: ["--group", "--image", "--model-data"] },
  "models list": { args: ["models", "list"], names: ["--group"] },
  "models reject": { args: ["models", "reject", "churn/1"], names: ["--reason"] },
  deploy: { args: ["deploy"], names: ["--endpoint", "--model-package"] },
  "deploy --role-arn": { args: ["deploy", "--endpoint", "fresh", "--image", IMAGE, "--model-data", MODEL, "--dry-run"], names: ["--role-arn"] },
  status: { args: ["status"], names: ["--endpoint"] },
  rollback: { args: ["rollback"], names: ["--endpoint"] },
  promote: { args: ["promote"], names: ["--endpoint"] },
  abort: { args: ["abort"], names: ["--endpoint"] },
  "release status": { args: ["release", "status"], names: ["--pipeline"] },
  "release approve": { args: ["release", "approve"], names: ["--pipeline", "--summary"] },
  "release reject": { args: ["release", "reject"], names: ["--pipeline", "--summary"] },
  "release start": { args: ["release", "start"], names: ["--pipeline"] },
  "endpoint advise": { args: ["endpoint", "advise"], names: ["--traffic", "--payload-mb", "--processing-seconds", "--requests-per-day", "--gpu", "--memory-gb", "--image-gb"] },
};

describe("every command's help", () => {
  it.each(COMMANDS.map((c) => [c.path.join(" "), c] as const))("mlops %s --help: global options, environment, examples, exit codes", async (_name, { path, command }) => {
    const r = await runCli([...path, "--help"]);
    expect(r.code).toBe(0);
    const help = r.stdout;
    // Within its own section: a regex across lines would also accept --json listed anywhere after it.
    const globals = help.split("Global Options:\n")[1]?.split("\n\n")[0]?.split("\n") ?? [];
    expect(globals.some((l) => /^\s+--json\b/.test(l)), help).toBe(true);
    const exitCodes = help.split("Exit codes:\n")[1]?.split("\n\n")[0]?.trimEnd().split("\n") ?? [];
    expect(exitCodes).toEqual(EXIT_CODE_HELP.map(([code, text]) => `  ${`${code}`.padEnd(5)}${text}`));
    const examples = help.split("Examples:\n")[1]?.split("\n\n")[0]?.split("\n").filter((l) => l.startsWith("  $ ")) ?? [];
    expect(examples.length, help).toBeGreaterThanOrEqual(2);
    // Each MLOPS_* variable an option names is listed under Environment.
    const environment = help.split("Environment:\n")[1]?.split("\n\n")[0] ?? "";
    const named = new Set(help.split("Environment:\n")[0]!.match(/MLOPS_[A-Z_]+/g) ?? []);
    for (const name of named) expect(environment, `${path.join(" ")}: ${name}`).toContain(name);
    // Each option that states a default, or says it is required without a terminal, is checked below.
    for (const option of command.options) {
      const key = `${path.join(" ")} ${option.long}`;
      if (/default/.test(option.description) || option.defaultValue !== undefined && option.defaultValue !== false && !Array.isArray(option.defaultValue) && option.long !== "--color") {
        if (option.negate && !/default/.test(option.description)) continue;
        expect(COVERED_BY[key], `${key} states a default: add a check that it is applied`).toBeDefined();
        expect(DEFAULT_CHECKS[COVERED_BY[key]!]).toBeDefined();
      }
      if (/required without one/.test(option.description)) {
        const run = REQUIRED_RUNS[key] ?? REQUIRED_RUNS[path.join(" ")];
        expect(run?.names, `${key} says it is required without a terminal: add a run that shows it`).toContain(option.long!.replace(/^--no-/, "--"));
      }
    }
  });
});

describe("every stated default is applied without a terminal", () => {
  it.each(Object.keys(DEFAULT_CHECKS))("%s", async (name) => {
    await DEFAULT_CHECKS[name]!();
  });
});

describe("every value the help says is required without a terminal is named, all at once", () => {
  it.each(Object.entries(REQUIRED_RUNS))("%s", async (_name, { args, names }) => {
    if (args.includes(MODEL)) await artifact();
    const r = await runCli(args, { env: env() });
    expect(r.code, r.stderr).toBe(2);
    const line = r.stderr.split("\n").find((l) => l.startsWith("error:"))!;
    expect(line).toMatch(/required (when not running interactively|for a new endpoint)/);
    for (const name of names) expect(line).toContain(name);
  });

  it("MLOPS_ENDPOINT names the endpoint for status, like --endpoint", async () => {
    await artifact();
    const created = await runCli([...deployArgs("churn"), "--role-arn", ROLE], { env: env() });
    expect(created.code, created.stderr).toBe(0);
    const doc = await json(["status"], { MLOPS_ENDPOINT: "churn" });
    expect(doc).toMatchObject({ endpoint: "churn", status: "InService" });
  });
});
