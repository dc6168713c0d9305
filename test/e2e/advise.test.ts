import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli, runInTerminal } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();
const workdir = () => mkdtempSync(join(tmpdir(), "mlops-advise-"));
const advise = (args: string[], cwd = workdir(), env: Record<string, string> = cleanEnv()) => runCli(["endpoint", "advise", ...args], { cwd, env });

/** Intermittent, small, fast requests where cold starts are fine: serverless. */
const INTERMITTENT = ["--traffic", "intermittent", "--payload-mb", "0.5", "--processing-seconds", "0.2", "--requests-per-day", "2000", "--cold-start-ok", "--no-gpu", "--latency-ms", "1000"];

describe("mlops endpoint advise", () => {
  it("--json: the recommendation, every option with why (not), and the inputs", async () => {
    const r = await advise([...INTERMITTENT, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.recommendation).toMatchObject({ type: "serverless", settings: { memoryMb: 2048, maxConcurrency: expect.any(Number) }, monthlyCostUsd: expect.any(Number) });
    expect(doc.recommendation.reasons.length).toBeGreaterThan(0);
    expect(doc.options.map((o: { type: string }) => o.type)).toEqual(["realtime", "serverless", "async", "batch"]);
    for (const o of doc.options) expect(Object.keys(o)).toEqual(expect.arrayContaining(["type", "feasible", "monthlyCostUsd", "why"]));
    expect(doc.options.find((o: { type: string }) => o.type === "async").why.join(" ")).toContain("callers need the answer in the same request");
    expect(doc.inputs).toMatchObject({ traffic: "intermittent", payloadMb: 0.5, processingSeconds: 0.2, requestsPerDay: 2000, sync: true, coldStartOk: true, gpu: false, latencyMs: 1000 });
    expect(doc.prices).toMatchObject({ region: "us-east-1", approximate: true });
  });

  it("names the broken limit with numbers, and picks asynchronous for long jobs nobody waits on", async () => {
    const r = await advise(["--traffic", "spiky", "--payload-mb", "40", "--processing-seconds", "300", "--requests-per-day", "500", "--no-sync", "--no-gpu", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.recommendation.type).toBe("async");
    const why = (type: string) => doc.options.find((o: { type: string }) => o.type === type).why.join(" ");
    expect(why("realtime")).toContain("payload 40 MB exceeds the 6 MB real-time limit");
    expect(why("realtime")).toContain("processing 5 min exceeds the 60 s real-time limit");
    expect(why("serverless")).toContain("payload 40 MB exceeds the 4 MB serverless limit");
  });

  it("without a terminal, a missing answer with no safe default exits 2 naming its flag, at once", async () => {
    const env = cleanEnv({ CI: "true" });
    const noPayload = await advise(["--traffic", "steady", "--processing-seconds", "0.1", "--requests-per-day", "1000", "--no-gpu"], workdir(), env);
    expect(noPayload.code).toBe(2);
    expect(noPayload.stderr).toContain("--payload-mb is required when not running interactively");
    expect(noPayload.durationMs).toBeLessThan(2000);
    const noGpu = await advise(["--traffic", "steady", "--payload-mb", "1", "--processing-seconds", "0.1", "--requests-per-day", "1000", "--json"], workdir(), env);
    expect(noGpu.code).toBe(2);
    expect(noGpu.stderr).toContain("--gpu or --no-gpu is required");
    expect(JSON.parse(noGpu.stdout).error).toMatchObject({ name: "MissingInputError", exitCode: 2 });
    const noTraffic = await advise(["--payload-mb", "1"], workdir(), env);
    expect(noTraffic.code).toBe(2);
    expect(noTraffic.stderr).toContain("--traffic is required");
  });

  it("says what it assumed, and refuses bad values naming the flag", async () => {
    const r = await advise(["--traffic", "steady", "--payload-mb", "1", "--processing-seconds", "0.05", "--requests-per-day", "100000", "--no-gpu"]);
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
  });

  it("exits 1 when nothing fits, saying what would have to change", async () => {
    const r = await advise(["--traffic", "steady", "--payload-mb", "1", "--processing-seconds", "7200", "--requests-per-day", "10", "--no-gpu", "--no-sync", "--json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.recommendation).toBeNull();
    expect(r.stderr).toContain("exceeds every SageMaker inference option (1 h at most)");
  });

  it("--price-file replaces the prices, and a bad one exits 2 naming the key", async () => {
    const dir = workdir();
    const prices = JSON.parse(readFileSync(join(import.meta.dirname, "../../data/prices.json"), "utf8"));
    prices.serverless.perGbSecond *= 10;
    writeFileSync(join(dir, "prices.json"), JSON.stringify(prices));
    const base = JSON.parse((await advise([...INTERMITTENT, "--json"], dir)).stdout);
    const dearer = JSON.parse((await advise([...INTERMITTENT, "--json", "--price-file", "prices.json"], dir)).stdout);
    const serverlessCost = (doc: { options: Array<{ type: string; monthlyCostUsd: number }> }) => doc.options.find((o) => o.type === "serverless")!.monthlyCostUsd;
    expect(serverlessCost(dearer)).toBeGreaterThan(serverlessCost(base) * 3);
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ ...prices, instances: { "ml.m5.large": { vcpu: 2 } } }));
    const broken = await advise([...INTERMITTENT, "--price-file", "broken.json"], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("--price-file: broken.json: instances.ml.m5.large.memoryGb");
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
      term.type("\r"); // default: as large as the request
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
      term.type("\r");
      await term.waitFor(/Container image size/);
      term.type("\r");
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
    "",
    "deploy:",
    "  # canary first, always",
    "  strategy: canary",
    "  bake: 10m",
    "",
  ].join("\n");

  it("keeps the file's comments and other keys, says what it replaced, and deploy --dry-run uses the choice", async () => {
    const dir = workdir();
    const file = join(dir, "mlops.yaml");
    writeFileSync(file, commented);
    chmodSync(file, 0o640);
    const r = await advise([...INTERMITTENT, "--save", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.saved).toBe(file);
    expect(doc.notes.join(" ")).toContain("endpoint.instanceType (ml.m5.xlarge) removed");
    const text = readFileSync(file, "utf8");
    for (const line of ["# Team settings for the churn model", "region: us-east-1 # where prod lives", "  name: churn-prod # do not rename: dashboards use it", "  # canary first, always", "  bake: 10m"]) expect(text).toContain(line);
    expect(text).toMatch(/endpoint:[\s\S]*type: serverless[\s\S]*memoryMb: 2048[\s\S]*maxConcurrency: \d+[\s\S]*deploy:/);
    expect(text).not.toContain("instanceType");
    expect(statSync(file).mode & 0o777).toBe(0o640);

    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    const seq = sandbox.current.requestLog.lastSeq;
    const dry = await runCli(["deploy", "--image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", "--model-data", "s3://models/m.tar.gz", "--dry-run", "--json"], {
      cwd: dir,
      env: cleanEnv(sandbox.current.env()),
    });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.endpoint).toBe("churn-prod");
    expect(plan.plan.map((c: { detail: string }) => c.detail).join("\n")).toMatch(/ServerlessConfig=2048MB\/\d+/);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });

  it("creates mlops.yaml when there is none, and saves a batch choice under batch:", async () => {
    const dir = workdir();
    const r = await advise(["--traffic", "batch", "--payload-mb", "2", "--processing-seconds", "0.5", "--requests-per-day", "1000000", "--no-gpu", "--save"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Recommendation: batch/);
    const text = readFileSync(join(dir, "mlops.yaml"), "utf8");
    expect(text).toMatch(/^batch:\n {2}instanceType: ml\.[a-z0-9.]+\n {2}instanceCount: \d+\n {2}maxPayloadMb: 2\n {2}strategy: MultiRecord\n/m);
    // What it wrote, mlops reads back.
    const doctor = await runCli(["doctor", "--json"], { cwd: dir, env: cleanEnv(sandbox.current.env()) });
    expect(JSON.parse(doctor.stdout).checks.find((c: { name: string }) => /config/i.test(c.name))).toMatchObject({ ok: true });
  });
});
