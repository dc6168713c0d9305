import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, DescribeModelPackageCommand, SageMakerClient, UpdateModelPackageCommand } from "@aws-sdk/client-sagemaker";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ANSI, cleanEnv, runCli, spawnCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

const sandbox = useSandbox();
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4";
const MODEL = "s3://models/churn/model.tar.gz";
const REPORT = { binary_classification_metrics: { accuracy: { value: 0.93 }, recall: { value: 0.81 } }, regression_metrics: { mse: { value: 0.04 } } };

const sm = () => new SageMakerClient(sdkConfig(sandbox.current));
const env = (extra: Record<string, string> = {}) => cleanEnv({ ...sandbox.current.env(), ...extra });

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-registry-"));
  writeFileSync(join(dir, "evaluation.json"), JSON.stringify(REPORT));
  writeFileSync(join(dir, "flat.json"), JSON.stringify({ accuracy: 0.87, f1: 0.9 }));
  return dir;
}

/** A git work tree with one commit, so that lineage has something to record. */
function gitWorkdir(): { dir: string; commit: string } {
  const dir = workdir();
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "train-v2");
  git("add", ".");
  git("commit", "-q", "-m", "evaluation");
  return { dir, commit: git("rev-parse", "HEAD") };
}

const register = (args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) =>
  runCli(["register", "--group", "churn", "--image", IMAGE, "--model-data", MODEL, ...args], { cwd: options.cwd ?? workdir(), env: options.env ?? env() });

beforeEach(async () => {
  const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: "models" }));
  await s3.send(new PutObjectCommand({ Bucket: "models", Key: "churn/model.tar.gz", Body: "weights" }));
  await s3.send(new PutObjectCommand({ Bucket: "models", Key: "churn/evaluation.json", Body: JSON.stringify(REPORT) }));
  sandbox.current.requestLog.clear();
});

describe("mlops register", () => {
  it("registers a pending version behind a passing gate, with metrics and lineage metadata", async () => {
    const { dir, commit } = gitWorkdir();
    const buildArn = "arn:aws:codebuild:us-east-1:000000000000:build/churn-train:42";
    const r = await register(["--metrics", "evaluation.json", "--require", "accuracy>=0.9", "--require", "regression_metrics.mse.value<0.05", "--meta", "team=fraud", "--env", "THRESHOLD=0.5", "--json"], {
      cwd: dir,
      env: env({ CODEBUILD_BUILD_ARN: buildArn, CODEBUILD_BUILD_ID: "churn-train:42", CODEBUILD_RESOLVED_SOURCE_VERSION: commit }),
    });
    expect(r.code).toBe(0);
    const out = parseJson("register", r.stdout);
    expect(out).toEqual({
      modelPackageArn: "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1",
      group: "churn",
      version: 1,
      approvalStatus: "PendingManualApproval",
      metrics: { accuracy: 0.93, "regression_metrics.mse.value": 0.04 },
      gate: [
        { expr: "accuracy>=0.9", actual: 0.93, passed: true },
        { expr: "regression_metrics.mse.value<0.05", actual: 0.04, passed: true },
      ],
    });
    const pkg = await sm().send(new DescribeModelPackageCommand({ ModelPackageName: out.modelPackageArn }));
    expect(pkg.ModelApprovalStatus).toBe("PendingManualApproval");
    expect(pkg.InferenceSpecification?.Containers?.[0]).toMatchObject({ Image: IMAGE, ModelDataUrl: MODEL, Environment: { THRESHOLD: "0.5" } });
    expect(pkg.CustomerMetadataProperties).toEqual({
      team: "fraud",
      "mlops:metric:binary_classification_metrics.accuracy": "0.93",
      "mlops:gate:binary_classification_metrics.accuracy": "ge 0.9",
      "mlops:metric:regression_metrics.mse": "0.04",
      "mlops:gate:regression_metrics.mse": "lt 0.05",
      "mlops:registered-by": expect.stringMatching(/^mlops\/\d+\.\d+\.\d+/),
      "mlops:git:commit": commit,
      "mlops:git:branch": "train-v2",
      "mlops:codebuild:build-arn": buildArn,
      "mlops:codebuild:source-version": commit,
    });
    expect(pkg.MetadataProperties).toEqual({ CommitId: commit, GeneratedBy: buildArn });
    // The group did not exist: it was created first.
    expect(sandbox.current.requestLog.mutatingCalls().map((e) => e.operation)).toEqual(["CreateModelPackageGroup", "CreateModelPackage"]);
  });

  it("attaches metrics read from S3 as ModelQuality statistics", async () => {
    const r = await register(["--metrics", "s3://models/churn/evaluation.json", "--require", "recall>0.8", "--json"]);
    expect(r.code).toBe(0);
    const pkg = await sm().send(new DescribeModelPackageCommand({ ModelPackageName: parseJson("register", r.stdout).modelPackageArn }));
    expect(pkg.ModelMetrics).toEqual({ ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: "s3://models/churn/evaluation.json" } } });
    expect(pkg.CustomerMetadataProperties?.["mlops:metric:binary_classification_metrics.recall"]).toBe("0.81");
  });

  it("a failing gate exits 4, shows metric/condition/actual, and makes no mutating call", async () => {
    const r = await register(["--metrics", "flat.json", "--require", "accuracy>=0.9", "--require", "f1>0.8"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/METRIC\s+CONDITION\s+ACTUAL\s+RESULT/);
    expect(r.stdout).toMatch(/accuracy\s+>= 0\.9\s+0\.87\s+✗ failed/);
    expect(r.stdout).toMatch(/f1\s+> 0\.8\s+0\.9\s+✓ passed/);
    expect(r.stderr).toContain("gate not met: accuracy>=0.9 (actual 0.87); nothing was registered");
    expect(sandbox.current.requestLog.mutatingCalls()).toEqual([]);

    // Every --require holds, not only the first: the failing one given last still stops it.
    const last = await register(["--metrics", "flat.json", "--require", "f1>0.8", "--require", "accuracy>=0.9"]);
    expect(last.code).toBe(4);
    expect(last.stderr).toContain("gate not met: accuracy>=0.9 (actual 0.87); nothing was registered");
    expect(sandbox.current.requestLog.mutatingCalls()).toEqual([]);

    const json = await register(["--metrics", "flat.json", "--require", "accuracy>=0.9", "--json"]);
    expect(json.code).toBe(4);
    expect(parseJson("register", json.stdout)).toMatchObject({ modelPackageArn: null, version: null, gate: [{ expr: "accuracy>=0.9", actual: 0.87, passed: false }] });
    expect(sandbox.current.requestLog.mutatingCalls()).toEqual([]);
  });

  it("--dry-run evaluates the gate and prints the calls, changing nothing", async () => {
    const r = await register(["--metrics", "evaluation.json", "--require", "accuracy>=0.9", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Dry run: nothing was changed");
    expect(r.stdout).toMatch(/1\. sagemaker:CreateModelPackageGroup\s+ModelPackageGroupName=churn/);
    expect(r.stdout).toMatch(/2\. sagemaker:CreateModelPackage\s+ModelPackageGroupName=churn ModelApprovalStatus=PendingManualApproval/);
    expect(sandbox.current.requestLog.mutatingCalls()).toEqual([]);
  });

  it("creates the group once: a second registration reuses it", async () => {
    expect((await register([])).code).toBe(0);
    expect((await register(["--approval", "approved"])).code).toBe(0);
    expect(sandbox.current.requestLog.mutatingCalls().map((e) => e.operation)).toEqual(["CreateModelPackageGroup", "CreateModelPackage", "CreateModelPackage"]);
  });

  it("Ctrl-C during a call stops at once (exit 130) and says what may have been changed", async () => {
    sandbox.current.faults.set([{ operation: "CreateModelPackageGroup", latencyMs: 3_000 }]);
    const run = spawnCli(["register", "--group", "churn", "--image", IMAGE, "--model-data", MODEL, "--json"], { env: env(), cwd: workdir() });
    await run.waitFor("stderr", /Registering a new version in churn/);
    await new Promise((r) => setTimeout(r, 300));
    const stopped = Date.now();
    run.child.kill("SIGINT");
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    expect(Date.now() - stopped).toBeLessThan(2_000);
    expect(run.output.stderr).toContain("Changes made before stopping:");
    expect(run.output.stderr).toContain("sagemaker:CreateModelPackageGroup ModelPackageGroupName=churn (was in flight when stopped: it may have happened)");
    expect(parseJson("register", run.output.stdout).error).toMatchObject({ name: "interrupted", exitCode: 130, leftBehind: [expect.stringContaining("CreateModelPackageGroup")] });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sandbox.current.requestLog.entries({ operation: "CreateModelPackage" })).toEqual([]);
  });

  it("with CI=true and no TTY, a missing --group exits 2 at once, naming the flag, without ANSI codes", async () => {
    const r = await runCli(["register", "--image", IMAGE, "--model-data", MODEL], { env: env(), cwd: workdir() });
    expect(r.code).toBe(2);
    // Nothing is waited for (no prompt, no AWS call): a hang would take the test's whole time limit.
    expect(r.durationMs).toBeLessThan(10_000);
    expect(r.stderr).toContain("--group is required when not running interactively");
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
    expect(sandbox.current.requestLog.entries()).toEqual([]);
  });

  // Each case: flags that replace the valid defaults, further arguments, and what the message must say.
  const badInputs: Array<[string, Record<string, string>, string[], RegExp]> = [
    ["group pattern", { "--group": "churn_model" }, [], /--group "churn_model" must be letters, digits and inner hyphens/],
    ["group length", { "--group": "a".repeat(64) }, [], /--group "a{64}" is 64 characters; the limit is 63/],
    ["model data not S3", { "--model-data": "model.tar.gz" }, [], /--model-data "model.tar.gz" must be an S3 URI/],
    ["model data bucket", { "--model-data": "s3://Models/x.tar.gz" }, [], /--model-data .*"Models" is not a valid S3 bucket name/],
    ["model data missing in S3", { "--model-data": "s3://models/churn/absent.tar.gz" }, [], /--model-data: s3:\/\/models\/churn\/absent\.tar\.gz does not exist/],
    ["image form", { "--image": "churn:latest" }, [], /--image "churn:latest" is not an image URI/],
    ["require grammar", {}, ["--metrics", "evaluation.json", "--require", "accuracy=>0.9"], /--require "accuracy=>0\.9": expected <metric><op><number>/],
    ["require without metrics", {}, ["--require", "accuracy>=0.9"], /--require needs --metrics/],
    ["missing metric", {}, ["--metrics", "evaluation.json", "--require", "auc>=0.8"], /metric "auc" is not in the metrics file/],
    ["ambiguous metric", {}, ["--metrics", "both.json", "--require", "recall>=0.5"], /metric "recall" is ambiguous/],
    ["metrics file missing", {}, ["--metrics", "nope.json", "--require", "accuracy>=0.9"], /--metrics: cannot read nope\.json: no such file/],
    ["metrics not JSON", {}, ["--metrics", "bad.json", "--require", "accuracy>=0.9"], /--metrics: bad\.json is not valid JSON/],
    ["metrics S3 object missing", {}, ["--metrics", "s3://models/churn/missing.json", "--require", "accuracy>=0.9"], /--metrics: s3:\/\/models\/churn\/missing\.json does not exist/],
    ["approval value", {}, ["--approval", "maybe"], /--approval "maybe" must be one of: pending, approved, rejected/],
    ["meta key characters", {}, ["--meta", "team#1=x"], /--meta key "team#1" may only contain/],
    ["meta value length", {}, ["--meta", `note=${"x".repeat(257)}`], /--meta note: the value is 257 characters; the limit is 256/],
    ["meta form", {}, ["--meta", "novalue"], /--meta "novalue" must be KEY=VALUE/],
    ["env name", {}, ["--env", "1BAD=x"], /--env "1BAD": names are letters, digits and _/],
    ["instance type", {}, ["--instance-type", "m5.large"], /--instance-type "m5\.large" is not a SageMaker instance type/],
    ["description length", {}, ["--description", "d".repeat(1025)], /--description is 1025 characters; the limit is 1024/],
    ["description control characters", {}, ["--description", "two\nlines"], /--description may not contain control characters/],
    ["unknown instance type", {}, ["--instance-type", "ml.m5.huge"], /--instance-type "ml\.m5\.huge" is not an instance type SageMaker hosts/],
  ];

  it.each(badInputs)("bad input (%s) exits 2 naming the field, and creates nothing", async (_name, overrides, extra, message) => {
    const dir = workdir();
    writeFileSync(join(dir, "bad.json"), "{not json");
    writeFileSync(join(dir, "both.json"), JSON.stringify({ a_metrics: { recall: 0.7 }, b_metrics: { recall: 0.6 } }));
    const flags = { "--group": "churn", "--image": IMAGE, "--model-data": MODEL, ...overrides };
    const r = await runCli(["register", ...Object.entries(flags).flat(), ...extra], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sandbox.current.requestLog.mutatingCalls()).toEqual([]);
  });
});

describe("mlops models", () => {
  async function seed(count: number, status: (version: number) => "Approved" | "Rejected" | "PendingManualApproval" = () => "PendingManualApproval") {
    const client = sm();
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    for (let v = 1; v <= count; v++) {
      await client.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: "churn",
          ModelApprovalStatus: status(v),
          InferenceSpecification: { Containers: [{ Image: IMAGE, ModelDataUrl: MODEL }] },
          CustomerMetadataProperties: { "mlops:metric:binary_classification_metrics.accuracy": `0.${String(v).padStart(3, "0")}`, "mlops:git:commit": `c0ffee${v}`, team: "fraud" },
        }),
      );
    }
  }

  it("approve makes a version Approved and keeps everything else; approving again changes nothing", async () => {
    await seed(2);
    const before = await sm().send(new DescribeModelPackageCommand({ ModelPackageName: "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1" }));
    const r = await runCli(["models", "approve", "churn/1", "--reason", "offline eval ok"], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("churn/1: pending → approved\nchurn@latest-approved is now churn/1");
    const after = await sm().send(new DescribeModelPackageCommand({ ModelPackageName: before.ModelPackageArn }));
    expect(after.ModelApprovalStatus).toBe("Approved");
    expect(after.ApprovalDescription).toBe("offline eval ok");
    const { ModelApprovalStatus: _a, ApprovalDescription: _b, LastModifiedTime: _c, $metadata: _d, ...rest } = after;
    const { ModelApprovalStatus: _e, ApprovalDescription: _f, LastModifiedTime: _g, $metadata: _h, ...restBefore } = before;
    expect(rest).toEqual(restBefore);

    const logSeq = sandbox.current.requestLog.lastSeq;
    const again = await runCli(["models", "approve", "churn/1", "--json"], { env: env() });
    expect(again.code).toBe(0);
    expect(parseJson("models-approve", again.stdout)).toMatchObject({ version: 1, approvalStatus: "Approved", previousApprovalStatus: "Approved", changed: false });
    expect(sandbox.current.requestLog.mutatingCalls({ since: logSeq })).toEqual([]);
  });

  it("G@latest-approved skips newer pending and rejected versions; rejecting it moves to the previous approved one", async () => {
    await seed(6, (v) => (v === 2 || v === 4 ? "Approved" : v === 5 ? "Rejected" : "PendingManualApproval"));
    const show = await runCli(["models", "show", "churn@latest-approved", "--json"], { env: env() });
    expect(show.code).toBe(0);
    expect(parseJson("models-show", show.stdout)).toMatchObject({ group: "churn", version: 4, approvalStatus: "Approved", metrics: { accuracy: 0.004 }, source: "git c0ffee4", customerMetadata: { team: "fraud" } });
    const latest = await runCli(["models", "show", "churn@latest", "--json"], { env: env() });
    expect(parseJson("models-show", latest.stdout).version).toBe(6);

    const reject = await runCli(["models", "reject", "churn@latest-approved", "--reason", "drift in production"], { env: env() });
    expect(reject.code).toBe(0);
    expect(reject.stdout).toContain("churn/4: approved → rejected");
    expect(reject.stdout).toContain("churn@latest-approved is now churn/2");
    const arn = await runCli(["models", "show", "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/4", "--json"], { env: env() });
    expect(parseJson("models-show", arn.stdout)).toMatchObject({ approvalStatus: "Rejected", approvalDescription: "drift in production" });
  });

  it("approve and reject --json report the version G@latest-approved names after the change", async () => {
    await seed(3);
    const decide = async (verb: "approve" | "reject", ref: string) => {
      const r = await runCli(["models", verb, ref, "--reason", "r", "--json"], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      return parseJson(verb === "approve" ? "models-approve" : "models-reject", r.stdout);
    };
    expect(await decide("approve", "churn/2")).toMatchObject({ version: 2, changed: true, latestApproved: "churn/2" });
    // An older version approved: the newer approved one stays ahead of it.
    expect(await decide("approve", "churn/1")).toMatchObject({ version: 1, changed: true, latestApproved: "churn/2" });
    expect(await decide("approve", "churn/3")).toMatchObject({ version: 3, changed: true, latestApproved: "churn/3" });
    expect(await decide("approve", "churn/3")).toMatchObject({ version: 3, changed: false, latestApproved: "churn/3" });
    expect(await decide("reject", "churn/3")).toMatchObject({ version: 3, approvalStatus: "Rejected", latestApproved: "churn/2" });
    expect(await decide("reject", "churn/2")).toMatchObject({ latestApproved: "churn/1" });
    expect(await decide("reject", "churn/1")).toMatchObject({ latestApproved: null });
    const human = await runCli(["models", "approve", "churn/2"], { env: env() });
    expect(human.stdout).toBe("churn/2: rejected → approved\nchurn@latest-approved is now churn/2\n");
  });

  it("reject needs a reason; a bad or unknown REF fails without changing anything", async () => {
    await seed(1);
    const noReason = await runCli(["models", "reject", "churn/1"], { env: env() });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("--reason is required when not running interactively");
    const badRef = await runCli(["models", "approve", "churn"], { env: env() });
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('REF "churn" is not a model reference');
    const unknown = await runCli(["models", "approve", "churn/9"], { env: env() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("model version churn/9 does not exist");
    expect(sandbox.current.requestLog.mutatingCalls().filter((e) => e.operation === "UpdateModelPackage")).toEqual([]);
  });

  it("lists all 250 versions of a group, newest first, following every page", async () => {
    await seed(250, (v) => (v % 50 === 0 ? "Approved" : "PendingManualApproval"));
    const json = await runCli(["models", "list", "--group", "churn", "--all", "--json"], { env: env() });
    expect(json.code).toBe(0);
    const doc = parseJson("models-list", json.stdout);
    expect(doc.group).toBe("churn");
    expect(doc.models.map((m: { version: number }) => m.version)).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
    expect(doc.models[0]).toMatchObject({ approvalStatus: "Approved", metrics: { accuracy: 0.25 }, source: "git c0ffee2" });
    expect(doc.models[1]).toMatchObject({ version: 249, approvalStatus: "PendingManualApproval", metrics: { accuracy: 0.249 } });
    expect(sandbox.current.requestLog.entries({ operation: "ListModelPackages" }).length).toBe(3);

    const table = await runCli(["models", "list", "--group", "churn", "--all"], { env: env() });
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+STATUS\s+CREATED \(UTC\)\s+METRICS\s+SOURCE$/);
    expect(lines).toHaveLength(251);
    expect(lines[1]).toMatch(/^\s+250\s+approved\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+accuracy=0\.25\s+git c0ffee2$/);
    expect(table.stderr).toContain("250 versions in churn");

    const approved = parseJson("models-list", (await runCli(["models", "list", "--group", "churn", "--status", "approved", "--json"], { env: env() })).stdout);
    expect(approved.models.map((m: { version: number }) => m.version)).toEqual([250, 200, 150, 100, 50]);
    const limited = parseJson("models-list", (await runCli(["models", "list", "--group", "churn", "--limit", "3", "--json"], { env: env() })).stdout);
    expect(limited.models.map((m: { version: number }) => m.version)).toEqual([250, 249, 248]);
  });

  it("a listing cut short by an error says so in its JSON document", async () => {
    await seed(30);
    sandbox.current.faults.set([{ operation: "DescribeModelPackage", error: 0.5 }]);
    const r = await runCli(["models", "list", "--group", "churn", "--json"], { env: env({ AWS_MAX_ATTEMPTS: "1" }) });
    expect(r.code).toBe(1);
    const doc = parseJson("models-list", r.stdout);
    expect(doc).toMatchObject({ group: "churn", complete: false, error: { name: "aws", exitCode: 1 } });
    expect(doc.error.message).toContain("sagemaker:DescribeModelPackage failed: InternalFailure");
    const ok = parseJson("models-list", (await runCli(["models", "list", "--group", "churn", "--json", "--limit", "2"], { env: env({ AWS_MAX_ATTEMPTS: "10" }) })).stdout);
    expect(ok).toMatchObject({ complete: false, more: true, models: [{ version: 30 }, { version: 29 }] });
  });

  it("reject says when the latest approved version could not be looked up, instead of claiming there is none", async () => {
    await seed(3, (v) => (v === 3 ? "Approved" : "PendingManualApproval"));
    sandbox.current.faults.set([{ operation: "ListModelPackages", error: 1 }]);
    const r = await runCli(["models", "reject", "churn/3", "--reason", "drift"], { env: env({ AWS_MAX_ATTEMPTS: "1" }) });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("churn/3: approved → rejected");
    expect(r.stderr).toContain("the rejection was recorded, but the latest approved version could not be looked up");
  });

  it("says when the group does not exist instead of listing nothing", async () => {
    const r = await runCli(["models", "list", "--group", "nope"], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("model package group nope does not exist");
  });

  it("shows the reason of a rejected version and its metadata", async () => {
    await seed(1);
    await sm().send(new UpdateModelPackageCommand({ ModelPackageArn: "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1", ModelApprovalStatus: "Rejected", ApprovalDescription: "bias" }));
    const r = await runCli(["models", "show", "churn/1"], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^churn\/1 {2}arn:aws:sagemaker:us-east-1:000000000000:model-package\/churn\/1$/m);
    expect(r.stdout).toMatch(/approval {4}rejected: bias/);
    expect(r.stdout).toMatch(/metrics {5}accuracy=0\.001/);
    expect(r.stdout).toMatch(/metadata {4}team=fraud/);
  });
});
