import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, DescribeEndpointCommand, DescribeEndpointConfigCommand, ListTagsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { beforeEach, describe, expect, it } from "vitest";
import { cleanEnv, runCli, spawnCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

/**
 * Taking a traffic rollout in hand: Ctrl-C at each phase, timeouts, promote/abort from another
 * shell, redeploys that keep the endpoint's shape. Instances take 5 sandbox minutes to launch
 * (0.6 s here), long enough to interrupt a rollout before any traffic moves.
 */
const sandbox = useSandbox({ timeScale: 500, endpointTiming: { launch: 300, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";
const MODEL = "s3://models/churn/model.tar.gz";
const sm = () => new SageMakerClient(sdkConfig(sandbox.current));
const env = () => cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5" });
const source = ["--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL];
const deploy = (args: string[]) => runCli(["deploy", ...source, ...args], { env: env(), timeoutMs: 60_000 });
const mlops = (args: string[]) => runCli(args, { env: env(), timeoutMs: 60_000 });
const endpoint = () => sm().send(new DescribeEndpointCommand({ EndpointName: "churn" }));
const tagsOf = async (arn: string) => Object.fromEntries(((await sm().send(new ListTagsCommand({ ResourceArn: arn }))).Tags ?? []).map((t) => [t.Key!, t.Value!]));

beforeEach(async () => {
  const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: "models" }));
  await s3.send(new PutObjectCommand({ Bucket: "models", Key: "churn/model.tar.gz", Body: "weights" }));
});

async function serving(args: string[] = []): Promise<string> {
  const r = await deploy(["--role-arn", ROLE, "--json", ...args]);
  expect(r.code, r.stderr).toBe(0);
  return parseJson("deploy", r.stdout).endpointConfig as string;
}

/** Wait (bounded) until the endpoint is InService on `config`. */
async function settlesOn(config: string): Promise<void> {
  let live = await endpoint();
  for (let i = 0; i < 300 && !(live.EndpointStatus === "InService" && live.EndpointConfigName === config); i++) {
    await new Promise((r) => setTimeout(r, 20));
    live = await endpoint();
  }
  expect({ status: live.EndpointStatus, config: live.EndpointConfigName }).toEqual({ status: "InService", config });
}

/** The traffic calls made since `seq`: UpdateEndpoint targets and the new variant's weights. */
function trafficCalls(since: number): string[] {
  return sandbox.current.requestLog
    .mutatingCalls({ since })
    .filter((e) => e.operation === "UpdateEndpoint" || e.operation === "UpdateEndpointWeightsAndCapacities")
    .map((e) => {
      const input = e.input as { EndpointConfigName?: string; DesiredWeightsAndCapacities?: Array<{ VariantName: string; DesiredWeight: number }> };
      if (e.operation === "UpdateEndpoint") return `update ${input.EndpointConfigName}`;
      return `weight ${input.DesiredWeightsAndCapacities!.find((w) => w.VariantName.startsWith("mlops-"))!.DesiredWeight}`;
    });
}

describe("Ctrl-C and timeouts on the traffic engine", () => {
  it("Ctrl-C while the new variant is launching: no traffic ever moves, and the endpoint goes back to the old config", async () => {
    const old = await serving();
    const seq = sandbox.current.requestLog.lastSeq;
    const run = spawnCli(["deploy", ...source, "--env", "V=2", "--engine", "traffic", "--bake", "3600"], { env: env() });
    await run.waitFor("stderr", /updating to churn-mix-/, 30_000);
    run.child.kill("SIGINT");
    const exit = await run.exited;
    expect(exit.code, run.output.stderr).toBe(130);
    expect(run.output.stderr).toContain("interrupted: all traffic is back on the old version");
    const calls = trafficCalls(seq);
    expect(calls.filter((c) => c.startsWith("weight"))).toEqual([]);
    expect(calls).toEqual([expect.stringMatching(/^update churn-mix-/), `update ${old}`]);
    await settlesOn(old);
    expect((await tagsOf((await endpoint()).EndpointArn!))["mlops:rollout:phase"]).toBe("interrupted");
  });

  it("Ctrl-C while baking: the new variant goes to weight 0 and reaches it before the update back to the old config", async () => {
    const old = await serving();
    const seq = sandbox.current.requestLog.lastSeq;
    const run = spawnCli(["deploy", ...source, "--env", "V=2", "--engine", "traffic", "--bake", "3600"], { env: env() });
    await run.waitFor("stderr", /baking · 10% on the new version/, 30_000);
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(130);
    expect(trafficCalls(seq)).toEqual([expect.stringMatching(/^update churn-mix-/), "weight 10", "weight 0", `update ${old}`]);
    // The update back was sent only once DescribeEndpoint showed the new variant at weight 0.
    const log = sandbox.current.requestLog.entries({ since: seq });
    const zero = log.findIndex((e) => e.operation === "UpdateEndpointWeightsAndCapacities" && JSON.stringify(e.input).includes('"DesiredWeight":0'));
    const back = log.findIndex((e, i) => i > zero && e.operation === "UpdateEndpoint");
    expect(log.slice(zero + 1, back).some((e) => e.operation === "DescribeEndpoint")).toBe(true);
    await settlesOn(old);
  });

  it("a timeout on the traffic engine puts the traffic back and exits 5", async () => {
    const old = await serving();
    const r = await deploy(["--env", "V=2", "--engine", "traffic", "--bake", "3600", "--timeout", "20m", "--json"]);
    expect(r.code, r.stderr).toBe(5);
    const report = parseJson("deploy", r.stdout);
    expect(report.outcome).toBe("timed-out");
    expect(report.notes).toContainEqual({ level: "info", message: expect.stringContaining("all traffic is back on the old version") });
    expect(r.stderr).toContain("mlops status --endpoint churn --watch");
    await settlesOn(old);
  });
});

describe("promote and abort from another shell", () => {
  it("promote after --no-wait drives the rollout to the end, records the way back and removes the mixed config", async () => {
    const old = await serving();
    const paused = parseJson("deploy", (await deploy(["--env", "V=2", "--engine", "traffic", "--bake", "60", "--final-bake", "60", "--no-wait", "--json"])).stdout);
    expect(paused.outcome).toBe("paused");
    const before = await endpoint();
    expect(before.ProductionVariants?.find((v) => v.VariantName?.startsWith("mlops-"))).toMatchObject({ CurrentWeight: 0 });
    const mix = (await tagsOf(before.EndpointArn!))["mlops:rollout:mix-config"]!;

    const promoted = await mlops(["promote", "--endpoint", "churn", "--json"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stderr).toContain("nobody drives the rollout on churn: carrying it on here");
    const report = parseJson("promote", promoted.stdout);
    expect(report).toMatchObject({ outcome: "deployed", engine: "traffic" });
    const now = await endpoint();
    expect(now.EndpointConfigName).toBe(report.endpointConfig);
    expect((await tagsOf(now.EndpointArn!))["mlops:previous-config"]).toBe(old);
    await expect(sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: mix }))).rejects.toThrow(/Could not find/);

    const back = await mlops(["rollback", "--endpoint", "churn", "--yes", "--json"]);
    expect(back.code, back.stderr).toBe(0);
    expect(parseJson("rollback", back.stdout)).toMatchObject({ outcome: "deployed", endpointConfig: old });
  });

  it("promote and abort --json report the version, the config they replaced and the rollout, as deploy does", async () => {
    await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn-models" }));
    for (let v = 1; v <= 2; v++) {
      await sm().send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn-models", ModelApprovalStatus: "Approved", InferenceSpecification: { Containers: [{ Image: IMAGE, ModelDataUrl: MODEL }] } }));
    }
    const arn = (v: number) => `arn:aws:sagemaker:us-east-1:000000000000:model-package/churn-models/${v}`;
    const byPackage = (v: number, args: string[]) => mlops(["deploy", "--endpoint", "churn", "--model-package", `churn-models/${v}`, "--role-arn", ROLE, "--json", ...args]);
    const created = parseJson("deploy", (await byPackage(1, [])).stdout);
    expect(created).toMatchObject({ outcome: "created", modelPackageArn: arn(1) });
    const old = created.endpointConfig as string;

    const paused = parseJson("deploy", (await byPackage(2, ["--engine", "traffic", "--bake", "60", "--final-bake", "60", "--no-wait"])).stdout);
    expect(paused).toMatchObject({ outcome: "paused", previousEndpointConfig: old, modelPackageArn: arn(2) });
    const aborted = await mlops(["abort", "--endpoint", "churn", "--json"]);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(parseJson("abort", aborted.stdout)).toMatchObject({ outcome: "rolled-back", endpointConfig: old, previousEndpointConfig: old, modelPackageArn: arn(2), rolloutId: paused.rolloutId });

    const again = parseJson("deploy", (await byPackage(2, ["--engine", "traffic", "--bake", "60", "--final-bake", "60", "--no-wait"])).stdout);
    const promoted = await mlops(["promote", "--endpoint", "churn", "--json"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    const serves = (await endpoint()).EndpointConfigName;
    expect(parseJson("promote", promoted.stdout)).toMatchObject({ outcome: "deployed", endpointConfig: serves, previousEndpointConfig: old, modelPackageArn: arn(2), rolloutId: again.rolloutId });

    // A rollback names the version the config it goes back to serves.
    const back = await mlops(["rollback", "--endpoint", "churn", "--yes", "--json"]);
    expect(back.code, back.stderr).toBe(0);
    expect(parseJson("rollback", back.stdout)).toMatchObject({ outcome: "deployed", endpointConfig: old, previousEndpointConfig: serves, modelPackageArn: arn(1) });
  });

  it("promote --full skips the remaining steps: one move to 100 %", async () => {
    await serving();
    await deploy(["--env", "V=2", "--engine", "traffic", "--strategy", "linear", "--linear-step", "20", "--bake", "60", "--no-wait"]);
    const seq = sandbox.current.requestLog.lastSeq;
    const promoted = await mlops(["promote", "--endpoint", "churn", "--full", "--json"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(parseJson("promote", promoted.stdout).outcome).toBe("deployed");
    expect(trafficCalls(seq).filter((c) => c.startsWith("weight"))).toEqual(["weight 100"]);
  });

  it("status --watch follows a traffic rollout driven elsewhere: exit 3 when its alarm rolls it back", async () => {
    const old = await serving();
    await deploy(["--env", "MLOPS_SANDBOX_ERROR_RATE=0.5", "--auto-alarms", "--engine", "traffic", "--bake", "600", "--no-wait"]);
    const watch = spawnCli(["status", "--endpoint", "churn", "--watch", "--json"], { env: env() });
    const promoted = await mlops(["promote", "--endpoint", "churn", "--json"]);
    expect(promoted.code).toBe(3);
    const watched = await watch.exited;
    expect(watched.code, watch.output.stderr).toBe(3);
    expect(parseJson("status", watch.output.stdout)).toMatchObject({ endpointConfig: old, rollout: { phase: "rolled-back" } });
  });

  it("status --watch on an endpoint whose creation fails ends with exit 1", async () => {
    const started = await deploy(["--role-arn", ROLE, "--env", "MLOPS_SANDBOX_HEALTH=fail", "--no-wait", "--json"]);
    expect(parseJson("deploy", started.stdout).outcome).toBe("started");
    const watched = await mlops(["status", "--endpoint", "churn", "--watch", "--json"]);
    expect(watched.code).toBe(1);
    expect(parseJson("status", watched.stdout).status).toBe("Failed");
    expect(watched.stderr).toMatch(/churn is Failed/);
  });
});

describe("redeploys keep the endpoint's shape; engine choice", () => {
  it("a redeploy without capacity flags keeps the instance type and count", async () => {
    await serving(["--instance-type", "ml.c5.xlarge", "--instance-count", "3"]);
    const r = await deploy(["--env", "V=2", "--strategy", "all-at-once", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const config = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: parseJson("deploy", r.stdout).endpointConfig }));
    expect(config.ProductionVariants?.[0]).toMatchObject({ InstanceType: "ml.c5.xlarge", InitialInstanceCount: 3 });
  });

  it("says when the settings shrink the live fleet, and when --pause picks the traffic engine", async () => {
    await serving(["--instance-count", "2"]);
    const dir = mkdtempSync(join(tmpdir(), "mlops-shrink-"));
    writeFileSync(join(dir, "mlops.yaml"), "endpoint:\n  instanceCount: 1\n");
    const shrink = await runCli(["deploy", ...source, "--env", "V=2", "--dry-run", "--json"], { env: env(), cwd: dir });
    expect(shrink.code, shrink.stderr).toBe(0);
    expect(shrink.stderr).toContain("churn runs 2 instances now; the settings (--instance-count or mlops.yaml endpoint.instanceCount) ask for 1: the fleet shrinks (2 → 1 instances)");
    const same = await deploy(["--env", "V=2", "--instance-count", "2", "--dry-run"]);
    expect(same.stderr).not.toContain("the fleet shrinks");
    const paused = await deploy(["--env", "V=2", "--pause", "--dry-run", "--json"]);
    expect(JSON.parse(paused.stdout).engine).toBe("traffic");
    expect(paused.stderr).toContain("--pause runs on mlops's traffic engine");
  });

  it("an asynchronous endpoint keeps its output location without --async-output", async () => {
    await serving(["--type", "async", "--async-output", "s3://models/out/"]);
    const r = await deploy(["--env", "V=2", "--strategy", "all-at-once", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const config = await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: parseJson("deploy", r.stdout).endpointConfig }));
    expect(config.AsyncInferenceConfig?.OutputConfig?.S3OutputPath).toBe("s3://models/out/");
  });

  it("a fractional canary: refused on guardrails (exit 2), exact on the traffic engine chosen by default", async () => {
    await serving(["--instance-count", "4"]);
    const refused = await deploy(["--env", "V=2", "--canary-percent", "12.5", "--engine", "guardrails"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--canary-percent 12\.5/);
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await deploy(["--env", "V=2", "--canary-percent", "12.5", "--bake", "60", "--final-bake", "60", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "deployed", engine: "traffic" });
    expect(trafficCalls(seq).filter((c) => c.startsWith("weight"))).toEqual(["weight 12.5", "weight 100"]);
  });

  it("a linear rollout in 2 % steps on the traffic engine: 50 steps, its state still fits in the tags", async () => {
    await serving();
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await deploy(["--env", "V=2", "--engine", "traffic", "--strategy", "linear", "--linear-step", "2", "--bake", "10", "--final-bake", "10", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const weights = trafficCalls(seq).filter((c) => c.startsWith("weight"));
    expect(weights).toHaveLength(50);
    expect(weights.at(-1)).toBe("weight 100");
  });
});
