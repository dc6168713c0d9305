import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli, runInTerminal } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();
const workdir = () => mkdtempSync(join(tmpdir(), "mlops-advise-"));
const advise = (args: string[], cwd = workdir(), env: Record<string, string> = cleanEnv()) => runCli(["endpoint", "advise", ...args], { cwd, env });

/** Intermittent, small, fast requests where cold starts are fine: serverless. */
const SIZES = ["--memory-gb", "2", "--image-gb", "2"];
const INTERMITTENT = ["--traffic", "intermittent", "--payload-mb", "0.5", "--response-mb", "0.5", "--processing-seconds", "0.2", "--requests-per-day", "2000", "--cold-start-ok", "--no-gpu", "--latency-ms", "1000", ...SIZES];

describe("mlops endpoint advise", () => {
  it("--json: the recommendation, every option with why (not), and the inputs", async () => {
    const r = await advise([...INTERMITTENT, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("endpoint-advise", r.stdout);
    expect(doc.recommendation).toMatchObject({ type: "serverless", settings: { memoryMb: 2048, maxConcurrency: expect.any(Number) }, monthlyCostUsd: expect.any(Number) });
    expect(doc.recommendation.reasons.length).toBeGreaterThan(0);
    expect(doc.options.map((o: { type: string }) => o.type)).toEqual(["realtime", "serverless", "async", "batch"]);
    for (const o of doc.options) expect(Object.keys(o)).toEqual(expect.arrayContaining(["type", "feasible", "monthlyCostUsd", "why"]));
    expect(doc.options.find((o: { type: string }) => o.type === "async").why.join(" ")).toContain("callers need the answer in the same request");
    expect(doc.inputs).toMatchObject({ traffic: "intermittent", payloadMb: 0.5, processingSeconds: 0.2, requestsPerDay: 2000, sync: true, coldStartOk: true, gpu: false, latencyMs: 1000 });
    expect(doc.prices).toMatchObject({ region: "us-east-1", approximate: true });
  });

  it("names the broken limit with numbers, and picks asynchronous for long jobs nobody waits on", async () => {
    const r = await advise(["--traffic", "spiky", "--payload-mb", "40", "--response-mb", "1", "--processing-seconds", "300", "--requests-per-day", "500", "--no-sync", "--no-gpu", ...SIZES, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("endpoint-advise", r.stdout);
    expect(doc.recommendation.type).toBe("async");
    const why = (type: string) => doc.options.find((o: { type: string }) => o.type === type).why.join(" ");
    expect(why("realtime")).toContain("payload 40 MB exceeds the 6 MB real-time limit");
    expect(why("realtime")).toContain("processing 5 min exceeds the 60 s real-time limit");
    expect(why("serverless")).toContain("payload 40 MB exceeds the 4 MB serverless limit");
  });

  it("without a terminal, every missing answer with no safe default is named in one error, at once", async () => {
    const env = cleanEnv({ CI: "true" });
    // With CI=true and no flags: one run names them all.
    const none = await advise(["--json"], workdir(), env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--traffic, --payload-mb, --processing-seconds, --requests-per-day, --gpu or --no-gpu, --memory-gb and --image-gb are required when not running interactively");
    // Nothing is waited for (no prompt, no AWS call): a hang would take the test's whole time limit.
    expect(none.durationMs).toBeLessThan(10_000);
    expect(JSON.parse(none.stdout).error).toMatchObject({ exitCode: 2 });
    const noPayload = await advise(["--traffic", "steady", "--processing-seconds", "0.1", "--requests-per-day", "1000", "--no-gpu", ...SIZES], workdir(), env);
    expect(noPayload.code).toBe(2);
    expect(noPayload.stderr).toContain("error: --payload-mb is required when not running interactively");
    const noGpu = await advise(["--traffic", "steady", "--payload-mb", "1", "--processing-seconds", "0.1", "--requests-per-day", "1000", ...SIZES, "--json"], workdir(), env);
    expect(noGpu.code).toBe(2);
    expect(noGpu.stderr).toContain("error: --gpu or --no-gpu is required");
    expect(parseJson("endpoint-advise", noGpu.stdout).error).toMatchObject({ name: "missing-input", exitCode: 2 });
    // Sizes have no safe guess either: too small a one could pick an option that cannot hold the model.
    const noMemory = await advise(INTERMITTENT.filter((a, i, all) => a !== "--memory-gb" && all[i - 1] !== "--memory-gb"), workdir(), env);
    expect(noMemory.code).toBe(2);
    expect(noMemory.stderr).toContain("error: --memory-gb is required when not running interactively");
  });

  it("applies each default its help states without a terminal: the response is the payload's size", async () => {
    const r = await advise(["--traffic", "steady", "--payload-mb", "3", "--processing-seconds", "0.1", "--requests-per-day", "1000", "--no-gpu", ...SIZES, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.inputs).toMatchObject({ payloadMb: 3, responseMb: 3, sync: true, coldStartOk: false, peakRps: Math.ceil((1000 / 86_400) * 2 * 1000) / 1000 });
    expect(doc.assumed).toContain("--response-mb 3 (the payload size)");
  });

  it("piped, the costs are text only: no bar chart, and lines are not wrapped", async () => {
    const r = await advise(INTERMITTENT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/serverless\s+✓ recommended\s+~\$[\d.]+\/month/);
    expect(r.stdout).not.toContain("█");
    expect(r.stdout).not.toContain("Monthly cost of the options that fit");
    // A long line stays one line for grep, whatever the width a terminal would have.
    expect(r.stdout).toMatch(/^Recommendation: serverless {2}about \$[\d.]+ a month \(approximate, us-east-1 on-demand prices as of [\d-]+\)$/m);
  });

  it("says what it assumed, and refuses bad values naming the flag", async () => {
    const r = await advise(["--traffic", "steady", "--payload-mb", "1", "--response-mb", "0.1", "--processing-seconds", "0.05", "--requests-per-day", "100000", "--no-gpu", ...SIZES]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Recommendation: realtime/);
    expect(r.stdout).toContain("Assumed: --sync (callers wait for each answer, the safe assumption)");
    expect(r.stdout).toContain("--no-cold-start-ok (cold starts are not acceptable, the safe assumption)");
    const bad = await advise(["--traffic", "bursty", "--payload-mb", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--traffic "bursty" must be one of: steady, spiky, intermittent, batch');
    const zero = await advise(["--traffic", "steady", "--payload-mb", "0", "--no-gpu"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--payload-mb must be greater than 0/);
    const lowPeak = await advise([...INTERMITTENT, "--peak-rps", "0.001"]);
    expect(lowPeak.code).toBe(2);
    expect(lowPeak.stderr).toContain("--peak-rps 0.001 is below the daily average of 0.023 requests per second");
  });

  it("exits 1 when nothing fits, saying what would have to change", async () => {
    const r = await advise(["--traffic", "steady", "--payload-mb", "1", "--response-mb", "1", "--processing-seconds", "7200", "--requests-per-day", "10", "--no-gpu", "--no-sync", ...SIZES, "--json"]);
    expect(r.code).toBe(1);
    const doc = parseJson("endpoint-advise", r.stdout);
    expect(doc.recommendation).toBeNull();
    expect(r.stderr).toContain("exceeds every SageMaker inference option (1 h at most)");
  });

  it("--price-file replaces the prices, and a bad one exits 2 naming the key", async () => {
    const dir = workdir();
    const prices = JSON.parse(readFileSync(join(import.meta.dirname, "../../data/prices.json"), "utf8"));
    prices.serverless.perGbSecond *= 10;
    writeFileSync(join(dir, "prices.json"), JSON.stringify(prices));
    const base = parseJson("endpoint-advise", (await advise([...INTERMITTENT, "--json"], dir)).stdout);
    const dearer = parseJson("endpoint-advise", (await advise([...INTERMITTENT, "--json", "--price-file", "prices.json"], dir)).stdout);
    const serverlessCost = (doc: { options: Array<{ type: string; monthlyCostUsd: number }> }) => doc.options.find((o) => o.type === "serverless")!.monthlyCostUsd;
    expect(serverlessCost(dearer)).toBeGreaterThan(serverlessCost(base) * 3);
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ ...prices, instances: { "ml.m5.large": { vcpu: 2 } } }));
    const broken = await advise([...INTERMITTENT, "--price-file", "broken.json"], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("--price-file: broken.json: instances.ml.m5.large.memoryGb");
    writeFileSync(join(dir, "made-up.json"), JSON.stringify({ ...prices, instances: { ...prices.instances, "ml.cheap.large": { vcpu: 2, memoryGb: 8, gpu: 0, hourly: 0.01 } } }));
    const madeUp = await advise([...INTERMITTENT, "--price-file", "made-up.json"], dir);
    expect(madeUp.code).toBe(2);
    expect(madeUp.stderr).toContain("instances.ml.cheap.large: not an instance type SageMaker hosts");
  });

  it("an interactive run on a real terminal asks each question and prints the summary", async () => {
    const term = runInTerminal(["endpoint", "advise"], { cwd: workdir(), env: cleanEnv({ CI: undefined }) });
    try {
      await term.waitFor(/How does the traffic come\?/);
      term.type("\u001b[B\u001b[B\r"); // steady → spiky → intermittent
      await term.waitFor(/Do callers wait for the answer in the same request\?/);
      term.type("y\r");
      await term.waitFor(/Acceptable latency per request/);
      term.type("500\r");
      await term.waitFor(/Request payload size/);
      term.type("0.2\r");
      await term.waitFor(/Response size/);
      term.type("0.1\r");
      await term.waitFor(/Processing time per request/);
      term.type("0.1\r");
      await term.waitFor(/Requests per day/);
      term.type("3000\r");
      await term.waitFor(/Peak requests per second/);
      term.type("\r");
      await term.waitFor(/Are cold starts of a few seconds acceptable/);
      term.type("y\r");
      await term.waitFor(/Does the model need a GPU\?/);
      term.type("n\r");
      await term.waitFor(/Memory the model needs/);
      term.type("3\r");
      await term.waitFor(/Container image size/);
      term.type("4\r");
      await term.waitFor(/Recommendation: serverless/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    const screen = term.text();
    expect(screen).toContain("Every option");
    expect(screen).toMatch(/Monthly cost of the options that fit[\s\S]*█/);
  });
});

describe("--save, then deploy", () => {
  const commented = [
    "# Team settings for the churn model",
    "region: us-east-1 # where prod lives",
    "",
    "endpoint:",
    "  name: churn-prod # do not rename: dashboards use it",
    "  roleArn: arn:aws:iam::000000000000:role/sagemaker-execution",
    "  instanceType: ml.m5.xlarge",
    "  asyncOutput: s3://models/async-out/",
    "",
    "deploy:",
    "  # canary first, always",
    "  strategy: canary",
    "  bake: 10m",
    "",
  ].join("\n");
  const KEPT = ["# Team settings for the churn model", "region: us-east-1 # where prod lives", "  name: churn-prod # do not rename: dashboards use it", "  # canary first, always", "  bake: 10m"];

  /** A directory with the commented mlops.yaml, and the sandbox holding the model artifact. */
  async function project(): Promise<{ dir: string; file: string }> {
    const dir = workdir();
    const file = join(dir, "mlops.yaml");
    writeFileSync(file, commented);
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    return { dir, file };
  }

  /** `mlops deploy --dry-run` in `dir` with no capacity flags: the CreateEndpointConfig line it plans. */
  async function plannedConfig(dir: string): Promise<string> {
    const seq = sandbox.current.requestLog.lastSeq;
    const dry = await runCli(["deploy", "--image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", "--model-data", "s3://models/m.tar.gz", "--dry-run", "--json"], { cwd: dir, env: cleanEnv(sandbox.current.env()) });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = parseJson("deploy", dry.stdout);
    expect(plan.endpoint).toBe("churn-prod");
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
    return plan.plan.find((c: { operation: string }) => c.operation === "sagemaker:CreateEndpointConfig").detail;
  }

  it("serverless: keeps the file's comments and other keys, says what it replaced, and deploy --dry-run uses the exact settings", async () => {
    const { dir, file } = await project();
    chmodSync(file, 0o640);
    const sizes = INTERMITTENT.map((a, i) => (INTERMITTENT[i - 1] === "--memory-gb" ? "3.5" : a));
    const r = await advise([...sizes, "--save", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("endpoint-advise", r.stdout);
    expect(doc.recommendation.settings).toMatchObject({ memoryMb: 4096 });
    expect(doc.saved).toBe(file);
    expect(doc.notes).toContainEqual({ level: "info", message: expect.stringContaining("endpoint.instanceType (ml.m5.xlarge) removed") });
    const text = readFileSync(file, "utf8");
    for (const line of KEPT) expect(text).toContain(line);
    expect(text).toMatch(/endpoint:[\s\S]*type: serverless[\s\S]*memoryMb: 4096[\s\S]*maxConcurrency: \d+[\s\S]*deploy:/);
    expect(text).not.toContain("instanceType");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(await plannedConfig(dir)).toContain(`ServerlessConfig=4096MB/${doc.recommendation.settings.maxConcurrency}`);
  });

  it("real-time: the recommended instance type and count", async () => {
    const { dir } = await project();
    const r = await advise(["--traffic", "steady", "--payload-mb", "1", "--response-mb", "0.1", "--processing-seconds", "0.05", "--requests-per-day", "5000000", "--no-gpu", ...SIZES, "--save", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const { instanceType, instanceCount } = parseJson("endpoint-advise", r.stdout).recommendation.settings;
    expect(instanceCount).toBeGreaterThan(1);
    expect(parseJson("endpoint-advise", r.stdout).notes).toContainEqual({ level: "info", message: expect.stringContaining("endpoint.instanceType was ml.m5.xlarge") });
    expect(await plannedConfig(dir)).toContain(`${instanceType}×${instanceCount}`);
  });

  it("real-time after asynchronous: the asynchronous concurrency the real-time type ignores is removed, and said so", async () => {
    const { dir } = await project();
    const file = join(dir, "mlops.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("endpoint:\n", "endpoint:\n  type: async\n  asyncMaxConcurrentInvocations: 4\n"));
    const r = await advise(["--traffic", "steady", "--payload-mb", "1", "--response-mb", "0.1", "--processing-seconds", "0.05", "--requests-per-day", "5000000", "--no-gpu", ...SIZES, "--save", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).not.toContain("asyncMaxConcurrentInvocations");
    expect(parseJson("endpoint-advise", r.stdout).notes.map((n: { message: string }) => n.message).join(" ")).toContain("endpoint.asyncMaxConcurrentInvocations (4) removed");
  });

  it("asynchronous: instance type and concurrency per instance, with the output location the file had", async () => {
    const { dir } = await project();
    const r = await advise(["--traffic", "spiky", "--payload-mb", "40", "--response-mb", "1", "--processing-seconds", "300", "--requests-per-day", "500", "--no-sync", "--no-gpu", ...SIZES, "--save", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("endpoint-advise", r.stdout);
    expect(doc.recommendation.type).toBe("async");
    expect(doc.notes).toContainEqual({ level: "warning", message: expect.stringMatching(/^saved with 1 instance: .*needs an Application Auto Scaling policy \(MinCapacity 0\)/) });
    const detail = await plannedConfig(dir);
    expect(detail).toContain(`${doc.recommendation.settings.instanceType}×1`);
    expect(detail).toContain(`AsyncInferenceConfig=s3://models/async-out/ MaxConcurrentInvocationsPerInstance=${doc.recommendation.settings.maxConcurrentInvocationsPerInstance}`);
  });

  it("creates mlops.yaml when there is none, and saves a batch choice under batch:", async () => {
    const dir = workdir();
    const r = await advise(["--traffic", "batch", "--payload-mb", "2", "--response-mb", "0.1", "--processing-seconds", "0.5", "--requests-per-day", "1000000", "--no-gpu", ...SIZES, "--save"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Recommendation: batch/);
    // Notes read as before on a terminal: no JSON, no doubled prefix.
    expect(r.stdout).toContain("\n  note: saved under batch: for your batch transform jobs; mlops deploy serves endpoints and does not read it");
    const text = readFileSync(join(dir, "mlops.yaml"), "utf8");
    expect(text).toMatch(/^batch:\n {2}instanceType: ml\.[a-z0-9.]+\n {2}instanceCount: \d+\n {2}maxPayloadMb: \d+\n {2}strategy: MultiRecord\n {2}splitType: Line\n/m);
    // What it wrote, mlops reads back.
    const doctor = await runCli(["doctor", "--json"], { cwd: dir, env: cleanEnv(sandbox.current.env()) });
    expect(parseJson("doctor", doctor.stdout).checks.find((c: { name: string }) => c.name === "config")).toMatchObject({ ok: true });
  });

  it("fills a section left empty, keeping the commented-out keys under it", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "mlops.yaml"), "endpoint:\n  # name: churn-prod\ndeploy:\n  strategy: canary\n");
    const r = await advise([...INTERMITTENT, "--save"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "mlops.yaml"), "utf8")).toBe("endpoint:\n  # name: churn-prod\n  type: serverless\n  memoryMb: 2048\n  maxConcurrency: 1\ndeploy:\n  strategy: canary\n");
  });

  it("writes through a symlink to its target and keeps Windows line endings", async () => {
    const dir = workdir();
    const real = join(dir, "shared.yaml");
    writeFileSync(real, "# shared\r\nregion: us-east-1\r\n");
    symlinkSync(real, join(dir, "mlops.yaml"));
    const r = await advise([...INTERMITTENT, "--save"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, "mlops.yaml")).isSymbolicLink()).toBe(true);
    const text = readFileSync(real, "utf8");
    expect(text).toContain("# shared\r\nregion: us-east-1\r\n");
    expect(text).toContain("type: serverless\r\n");
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
  });
});
