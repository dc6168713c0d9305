import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, runInTerminal, type CliResult } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

/**
 * Prompts on a real terminal: a wrong answer is refused at the prompt and asked again (never an
 * exit 2 after every question was answered), the run ends with the command line that does the
 * same without questions, and that line, pasted into a shell with no terminal, does the same.
 */

const sandbox = useSandbox();
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4";
const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";
/** A terminal session: no CI, a TTY on every stream. */
const terminalEnv = () => cleanEnv({ ...sandbox.current.env(), CI: undefined });
/** Ctrl-U: readline's "delete to the start of the line", to type a new answer over a refused one. */
const CLEAR_LINE = "\x15";
/** A colour or style escape (SGR): ESC [ … m. Cursor moves are not colour. */
const SGR = /\u001b\[[0-9;]*m/;

/** A directory holding an `mlops` that runs the built CLI, as an installed mlops would be on PATH. */
function pathWithMlops(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-bin-"));
  const shim = join(dir, "mlops");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  return `${dir}:${process.env.PATH}`;
}

/** The equivalent command line a terminal run printed at its end (after "# next time, without questions: "). */
function equivalentLine(screen: string): string {
  const match = /# next time, without questions: ([^\r\n]*)/.exec(screen);
  if (!match) throw new Error(`no equivalent command line on the terminal; it shows:\n${screen}`);
  return match[1]!;
}

/** Run a command line through /bin/sh as a script would: CI=true, no terminal, stdin closed. */
function runInShell(line: string): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn("/bin/sh", ["-c", line], { env: cleanEnv({ ...sandbox.current.env(), CI: "true", PATH: pathWithMlops() }), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, durationMs: performance.now() - started });
    });
    child.stdin.end();
  });
}

async function artifact(key: string): Promise<void> {
  const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: "models" })).catch(() => undefined);
  await s3.send(new PutObjectCommand({ Bucket: "models", Key: key, Body: "weights" }));
}

async function pendingVersion(group: string): Promise<string> {
  const sm = new SageMakerClient(sdkConfig(sandbox.current));
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group })).catch(() => undefined);
  const { ModelPackageArn } = await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: group, InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
  return ModelPackageArn!;
}

describe("a refused answer is asked again", () => {
  it("models reject: an empty reason is asked again, then the reason given is recorded; the printed line does the same", async () => {
    const arn = await pendingVersion("churn");
    const term = runInTerminal(["models", "reject", "churn/1"], { env: terminalEnv() });
    try {
      await term.waitFor(/Why is churn\/\d rejected\?/);
      term.type("\r");
      await term.waitFor(/a reason is needed: it is recorded with the rejection/);
      term.type("it's biased & slow\r");
      await term.waitFor(/churn\/1: pending → rejected/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    expect(await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).toMatchObject({ ModelApprovalStatus: "Rejected", ApprovalDescription: "it's biased & slow" });

    // The line quotes the reason for a shell: run as it is printed, it rejects the version again with the same words.
    const line = equivalentLine(term.text());
    expect(line).toBe(`mlops models reject churn/1 --reason "it's biased & slow"`);
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: "Approved", ApprovalDescription: "looked fine" }));
    const replay = await runInShell(line);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain("churn/1: approved → rejected");
    expect(await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).toMatchObject({ ModelApprovalStatus: "Rejected", ApprovalDescription: "it's biased & slow" });
  });

  it("--no-input on a terminal asks nothing: the missing values are named and nothing changes (exit 2)", async () => {
    const setupDone = sandbox.current.requestLog.lastSeq;
    const term = runInTerminal(["register", "--no-input"], { env: terminalEnv() });
    try {
      expect(await term.exited).toBe(2);
    } finally {
      term.kill();
    }
    expect(term.text()).toMatch(/--group, --image and --model-data are required when not running interactively/);
    expect(term.text()).not.toMatch(/Model package group/);
    expect(sandbox.current.requestLog.mutatingCalls({ since: setupDone })).toEqual([]);
  });

  it("register: an artifact that is not in S3 is asked again, then a good one registers; the printed line registers the same", async () => {
    await artifact("churn/model.tar.gz");
    const setupDone = sandbox.current.requestLog.lastSeq;
    const term = runInTerminal(["register"], { env: terminalEnv() });
    try {
      await term.waitFor(/Model package group/);
      term.type("churn\r");
      await term.waitFor(/Inference image URI/);
      term.type(`${IMAGE}\r`);
      await term.waitFor(/Model artifact/);
      term.type("s3://models/churn/modle.tar.gz\r");
      await term.waitFor(/--model-data: s3:\/\/models\/churn\/modle\.tar\.gz does not exist/);
      // Nothing was created while the answer was wrong.
      expect(sandbox.current.requestLog.mutatingCalls({ since: setupDone })).toEqual([]);
      term.type(`${CLEAR_LINE}s3://models/churn/model.tar.gz\r`);
      await term.waitFor(/churn\/1\s+PendingManualApproval/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    expect(sandbox.current.requestLog.mutatingCalls({ since: setupDone }).map((e) => e.operation)).toEqual(["CreateModelPackageGroup", "CreateModelPackage"]);

    const line = equivalentLine(term.text());
    expect(line).toBe(`mlops register --group churn --image ${IMAGE} --model-data s3://models/churn/model.tar.gz`);
    const replay = await runInShell(line);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/churn\/2\s+PendingManualApproval/);
    // Nothing printed the line again: the replay asked nothing.
    expect(replay.stderr).not.toContain("next time");
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    const container = async (version: number) =>
      (await sm.send(new DescribeModelPackageCommand({ ModelPackageName: `arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/${version}` }))).InferenceSpecification!.Containers![0];
    expect(await container(2)).toMatchObject({ Image: IMAGE, ModelDataUrl: "s3://models/churn/model.tar.gz" });
    expect(await container(2)).toEqual(await container(1));
  });

  it("endpoint advise: Enter on a question with no default and a non-number are asked again; Enter takes a default shown; the printed line advises the same", async () => {
    const term = runInTerminal(
      ["endpoint", "advise", "--traffic", "steady", "--sync", "--latency-ms", "500", "--processing-seconds", "0.1", "--requests-per-day", "86400", "--no-cold-start-ok", "--memory-gb", "2", "--image-gb", "2"],
      { env: terminalEnv() },
    );
    try {
      await term.waitFor(/Request payload size, in MB/);
      term.type("\r");
      await term.waitFor(/a number is needed: this question has no default/);
      term.type("lots\r");
      await term.waitFor(/--payload-mb must be a number \(got "lots"\)/);
      term.type(`${CLEAR_LINE}0.5\r`);
      // The response size defaults to the payload size, shown in brackets: Enter takes it.
      await term.waitFor(/Response size, in MB \(0\.5\)/);
      term.type("\r");
      await term.waitFor(/Peak requests per second \(2\)/);
      term.type("\r");
      await term.waitFor(/Does the model need a GPU\?/);
      term.type("n\r");
      await term.waitFor(/Recommendation: realtime/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    const screen = term.text();
    const line = equivalentLine(screen);
    expect(line).toBe(
      "mlops endpoint advise --traffic steady --sync --latency-ms 500 --processing-seconds 0.1 --requests-per-day 86400 --no-cold-start-ok --memory-gb 2 --image-gb 2 --payload-mb 0.5 --response-mb 0.5 --peak-rps 2 --no-gpu",
    );
    const replay = await runInShell(line);
    expect(replay.code, replay.stderr).toBe(0);
    // The terminal's copy is wrapped at its width: compare the option and its price.
    const recommendation = (text: string) => /Recommendation: (\w+)\s+about (\$[\d.,]+) a month/.exec(text)?.slice(1);
    expect(recommendation(replay.stdout)).toBeDefined();
    expect(recommendation(replay.stdout)).toEqual(recommendation(screen));
    // Piped, the same advice has no bar chart.
    expect(replay.stdout).not.toContain("█");
  });

  it("deploy: a version that does not exist or is not approved, and a role that is not a role ARN, are asked again", async () => {
    await pendingVersion("churn");
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    const approved = await pendingVersion("churn");
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: approved, ModelApprovalStatus: "Approved" }));
    const setupDone = sandbox.current.requestLog.lastSeq;
    const term = runInTerminal(["deploy", "--endpoint", "churn", "--dry-run"], { env: terminalEnv() });
    try {
      await term.waitFor(/Model version to deploy/);
      term.type("churn/9\r");
      await term.waitFor(/model version churn\/9 does not exist/);
      term.type(`${CLEAR_LINE}churn/1\r`);
      await term.waitFor(/churn\/1 is PendingManualApproval: only approved versions can be deployed/);
      term.type(`${CLEAR_LINE}churn@latest-approved\r`);
      await term.waitFor(/IAM role SageMaker uses/);
      term.type("sagemaker-role\r");
      await term.waitFor(/--role-arn "sagemaker-role" is not an IAM role ARN/);
      term.type(`${CLEAR_LINE}${ROLE}\r`);
      await term.waitFor(/Dry run/i);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    expect(equivalentLine(term.text())).toBe(`mlops deploy --endpoint churn --dry-run --model-package churn@latest-approved --role-arn ${ROLE}`);
    // A dry run: the answers were checked with reads only.
    expect(sandbox.current.requestLog.mutatingCalls({ since: setupDone })).toEqual([]);
  });

  it("models list and status: a group or an endpoint that does not exist is asked again", async () => {
    await pendingVersion("churn");
    const list = runInTerminal(["models", "list"], { env: terminalEnv() });
    try {
      await list.waitFor(/Model package group/);
      list.type("chrun\r");
      await list.waitFor(/model package group chrun does not exist/);
      list.type(`${CLEAR_LINE}churn\r`);
      await list.waitFor(/VERSION\s+STATUS/);
      expect(await list.exited).toBe(0);
    } finally {
      list.kill();
    }
    expect(equivalentLine(list.text())).toBe("mlops models list --group churn");

    const status = runInTerminal(["status"], { env: terminalEnv() });
    try {
      await status.waitFor(/Endpoint name/);
      status.type("churn-prod\r");
      await status.waitFor(/there is no endpoint named churn-prod/);
      status.type("\x03");
      expect(await status.exited).toBe(130);
    } finally {
      status.kill();
    }
  });
});

describe("--no-color reaches the prompts", () => {
  it("prompts and messages carry no colour escapes with --no-color, and do without it", async () => {
    await pendingVersion("churn");
    await pendingVersion("churn");
    const answer = async (args: string[]) => {
      const term = runInTerminal(args, { env: terminalEnv() });
      try {
        await term.waitFor(/Why is churn\/\d rejected\?/);
        term.type("\r");
        await term.waitFor(/a reason is needed/);
        term.type("bias\r");
        await term.waitFor(/churn\/\d: pending → rejected/);
        expect(await term.exited).toBe(0);
      } finally {
        term.kill();
      }
      return term.raw();
    };
    // The same run on the same terminal is coloured without the flag: the check below can fail.
    expect(await answer(["models", "reject", "churn/1"])).toMatch(SGR);
    const plain = await answer(["--no-color", "models", "reject", "churn/2"]);
    expect(plain).not.toMatch(SGR);
    // The prompt itself was there, with its marks, and the equivalent line too.
    expect(plain).toContain("? Why is churn/2 rejected?");
    expect(plain).toContain("> a reason is needed");
    expect(plain).toContain("# next time, without questions: mlops --no-color models reject churn/2 --reason bias");
  });
});
