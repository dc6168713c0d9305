import { CreateModelPackageGroupCommand, DescribeModelPackageGroupCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSandbox } from "../../src/sandbox/index";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();

afterEach(() => vi.unstubAllEnvs());

describe("fault injection", () => {
  it("with 30 % throttling and AWS_MAX_ATTEMPTS=5, all 20 GetCallerIdentity calls succeed through retries", async () => {
    vi.stubEnv("AWS_MAX_ATTEMPTS", "5");
    sandbox.current.faults.set([{ service: "sts", operation: "GetCallerIdentity", throttle: 0.3 }]);
    const sts = new STSClient(sdkConfig(sandbox.current));
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await sts.send(new GetCallerIdentityCommand({})));
    expect(results.every((r) => r.Account === "000000000000")).toBe(true);
    const log = sandbox.current.requestLog.entries({ operation: "GetCallerIdentity" });
    const throttled = log.filter((e) => e.fault === "throttle");
    // 20 successes and the throttled attempts in between: exactly 30 % of all attempts.
    expect(log.length - throttled.length).toBe(20);
    expect(throttled.length / log.length).toBeCloseTo(0.3, 1);
    expect(throttled.every((e) => e.status === 400 && e.error === "Throttling")).toBe(true);
    // The SDK retried: some results needed more than one attempt.
    expect(Math.max(...results.map((r) => r.$metadata.attempts ?? 1))).toBeGreaterThan(1);
  });

  it("a 5xx on every attempt fails after the configured attempts, each logged", async () => {
    sandbox.current.faults.set([{ operation: "GetCallerIdentity", error: 1 }]);
    const sts = new STSClient(sdkConfig(sandbox.current, { maxAttempts: 3, retryStrategy: undefined }));
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "InternalFailure", $metadata: { httpStatusCode: 500 } });
    expect(sandbox.current.requestLog.entries({ operation: "GetCallerIdentity" }).map((e) => e.status)).toEqual([500, 500, 500]);
  });

  it("adds latency to matching operations only", async () => {
    sandbox.current.faults.set([{ service: "sts", operation: "*", latencyMs: 150 }]);
    const sts = new STSClient(sdkConfig(sandbox.current));
    const started = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    const sm = new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "fast" }));
    // The sandbox's own time for each answer, which the injected wait is part of: only STS's has it.
    const [slow] = sandbox.current.requestLog.entries({ operation: "GetCallerIdentity" });
    const [fast] = sandbox.current.requestLog.entries({ operation: "CreateModelPackageGroup" });
    expect(slow!.durationMs).toBeGreaterThanOrEqual(145);
    expect(fast!.durationMs).toBeLessThan(145);
  });
});

describe("credentials", () => {
  it("refuses access keys it was not told to accept, in the service's own error", async () => {
    const strict = await startSandbox({ port: 0, acceptedAccessKeyIds: ["AKIAONLYTHISONE00000"] });
    try {
      const sts = new STSClient({ ...sdkConfig(strict), maxAttempts: 1 });
      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "InvalidClientTokenId", $metadata: { httpStatusCode: 403 } });
      const sm = new SageMakerClient({ ...sdkConfig(strict), maxAttempts: 1 });
      await expect(sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "x" }))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
      const allowed = new STSClient({ ...sdkConfig(strict), credentials: { accessKeyId: "AKIAONLYTHISONE00000", secretAccessKey: "s" } });
      expect((await allowed.send(new GetCallerIdentityCommand({}))).Account).toBe("000000000000");
    } finally {
      await strict.stop();
    }
  });
});

describe("state", () => {
  it("reset forgets resources, requests and faults", async () => {
    const sm = new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "kept" }));
    sandbox.current.faults.set([{ operation: "*", latencyMs: 1 }]);
    sandbox.current.reset();
    expect(sandbox.current.requestLog.entries()).toEqual([]);
    expect(sandbox.current.faults.list()).toEqual([]);
    await expect(sm.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "kept" }))).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("keeps state across restarts with a state file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "mlops-state-")), "state.json");
    const first = await startSandbox({ port: 0, stateFile: file });
    await new SageMakerClient(sdkConfig(first)).send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "persisted" }));
    await first.stop();
    const second = await startSandbox({ port: 0, stateFile: file });
    try {
      const out = await new SageMakerClient(sdkConfig(second)).send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: "persisted" }));
      expect(out.ModelPackageGroupArn).toContain("model-package-group/persisted");
    } finally {
      await second.stop();
    }
  });

  it("listens on 127.0.0.1 only: the same port on another loopback address refuses", async () => {
    expect(new URL(sandbox.current.url).hostname).toBe("127.0.0.1");
    const elsewhere = await fetch(`http://127.0.0.2:${sandbox.current.port}/_mlops/health`).catch((error: Error) => error);
    expect(elsewhere).toBeInstanceOf(Error);
    expect(String((elsewhere as Error & { cause?: { code?: string } }).cause?.code)).toBe("ECONNREFUSED");
  });

  it("reports a state file it cannot write at start, and keeps serving when a later save fails", async () => {
    await expect(startSandbox({ port: 0, stateFile: "/nonexistent-dir/state.json" })).rejects.toThrow("cannot write the state file /nonexistent-dir/state.json: ENOENT");
    const dir = mkdtempSync(join(tmpdir(), "mlops-state-"));
    const failures: unknown[] = [];
    const fragile = await startSandbox({ port: 0, stateFile: join(dir, "state.json"), onSaveError: (e) => failures.push(e) });
    try {
      rmSync(dir, { recursive: true });
      await new SageMakerClient(sdkConfig(fragile)).send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "a" }));
      await fragile.save();
      expect(failures.length).toBeGreaterThan(0);
      mkdirSync(dir);
      await fragile.save();
      expect(JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).accounts["000000000000"].regions["us-east-1"].sagemaker.modelPackageGroups.a.name).toBe("a");
    } finally {
      await fragile.stop();
    }
  });
});

describe("control API for other processes", () => {
  it("reports health, the request log, and takes faults and resets", async () => {
    const base = sandbox.current.url;
    expect(await (await fetch(`${base}/_mlops/health`)).json()).toMatchObject({ ok: true, accountId: "000000000000" });
    await new STSClient(sdkConfig(sandbox.current)).send(new GetCallerIdentityCommand({}));
    const log = (await (await fetch(`${base}/_mlops/requests`)).json()) as Array<{ operation: string }>;
    expect(log.map((e) => e.operation)).toEqual(["GetCallerIdentity"]);
    const control = { "x-mlops-control": "1" };
    const faults = await fetch(`${base}/_mlops/faults`, { method: "PUT", body: "sts:GetCallerIdentity:throttle=0.5", headers: control });
    expect(await faults.json()).toEqual([{ service: "sts", operation: "GetCallerIdentity", throttle: 0.5 }]);
    const bad = await fetch(`${base}/_mlops/faults`, { method: "PUT", body: "GetCallerIdentity:throttle=2", headers: control });
    expect(bad.status).toBe(400);
    await fetch(`${base}/_mlops/reset`, { method: "POST", headers: control });
    expect(sandbox.current.faults.list()).toEqual([]);
  });

  it("refuses changes without the control header, and requests addressed to another host name", async () => {
    const base = sandbox.current.url;
    sandbox.current.faults.set([{ operation: "*", latencyMs: 1 }]);
    const noHeader = await fetch(`${base}/_mlops/reset`, { method: "POST" });
    expect(noHeader.status).toBe(403);
    expect(sandbox.current.faults.list()).toHaveLength(1);
    // A page on attacker.example whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: sandbox.current.port, path: "/_mlops/requests", headers: { host: "attacker.example" } }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end();
    });
    expect(rebound).toBe(403);
  });
});
