// Rollouts on the sandbox: how fast the traffic engine reacts to an alarm (alarm in ALARM → new
// variant at weight 0), and how many calls a watch makes. Times are sandbox seconds, which stand
// for real seconds on AWS; the sandbox runs 100 times faster so that 20 rollouts take a minute or two.
import { spawn } from "node:child_process";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BIN, median, table } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_ROLLOUT_RUNS ?? 20);
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const ROLE = "arn:aws:iam::000000000000:role/bench";

function mlops(sandbox, args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, "--json"], {
      env: { ...process.env, ...sandbox.env(), CI: "true", AWS_EC2_METADATA_DISABLED: "true", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve({ code, report: JSON.parse(out), stderr: err });
      } catch {
        reject(new Error(`mlops ${args.join(" ")} exited ${code}: ${err}`));
      }
    });
  });
}

function countCalls(entries) {
  const counts = {};
  for (const e of entries) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
  return counts;
}

export async function run() {
  const { startSandbox } = await import("../dist/sandbox.js");
  const sandbox = await startSandbox({ port: 0, timeScale: 100, endpointTiming: { launch: 60 } });
  try {
    const s3 = new S3Client({ endpoint: sandbox.url, region: sandbox.region, forcePathStyle: true, credentials: { accessKeyId: "AKIAMLOPSSANDBOX0000", secretAccessKey: "x" } });
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    const base = (endpoint) => ["deploy", "--endpoint", endpoint, "--image", IMAGE, "--model-data", "s3://models/m.tar.gz", "--role-arn", ROLE];

    // Rollback reaction of the traffic engine, at the default poll of 15 s.
    const reactions = [];
    let trafficCalls;
    for (let i = 0; i < RUNS; i++) {
      const endpoint = `reaction-${i}`;
      const created = await mlops(sandbox, base(endpoint));
      if (created.code !== 0) throw new Error(created.stderr);
      const since = sandbox.requestLog.lastSeq;
      const bad = await mlops(sandbox, [...base(endpoint), "--engine", "traffic", "--auto-alarms", "--env", "MLOPS_SANDBOX_ERROR_RATE=0.5", "--bake", "600"]);
      if (bad.code !== 3 || bad.report.rollbackReactionSeconds === null) throw new Error(`expected a rollback, got exit ${bad.code}: ${bad.stderr}`);
      reactions.push(bad.report.rollbackReactionSeconds);
      trafficCalls ??= countCalls(sandbox.requestLog.entries({ since }));
      process.stderr.write(`rollback ${i + 1}/${RUNS}: ${bad.report.rollbackReactionSeconds} s\n`);
    }
    const sorted = [...reactions].sort((a, b) => a - b);
    table(
      `Traffic engine: alarm in ALARM → new variant at weight 0, ${RUNS} rollbacks (poll 15 s; sandbox seconds)`,
      ["runs", "median", "p90", "max", "min"],
      [[RUNS, `${median(reactions).toFixed(1)} s`, `${sorted[Math.floor(0.9 * (sorted.length - 1))].toFixed(1)} s`, `${sorted[sorted.length - 1].toFixed(1)} s`, `${sorted[0].toFixed(1)} s`]],
    );

    // A guardrails canary watched to its end: DescribeEndpoint calls per minute, and every call.
    const created = await mlops(sandbox, [...base("watch"), "--instance-count", "2"]);
    if (created.code !== 0) throw new Error(created.stderr);
    const since = sandbox.requestLog.lastSeq;
    const good = await mlops(sandbox, [...base("watch"), "--instance-count", "2", "--canary-percent", "50", "--engine", "guardrails", "--auto-alarms", "--env", "V=2"]);
    if (good.report.outcome !== "deployed") throw new Error(good.stderr);
    const guardrailCalls = countCalls(sandbox.requestLog.entries({ since }));
    const minutes = good.report.durationSeconds / 60;
    table(
      `Guardrails canary watched for ${minutes.toFixed(1)} sandbox minutes (poll 15 s)`,
      ["DescribeEndpoint calls", "per minute"],
      [[guardrailCalls.DescribeEndpoint ?? 0, ((guardrailCalls.DescribeEndpoint ?? 0) / minutes).toFixed(1)]],
    );
    const operations = [...new Set([...Object.keys(guardrailCalls), ...Object.keys(trafficCalls)])].sort();
    table("API calls per rollout", ["operation", "guardrails canary (good)", "traffic canary (rolled back)"], operations.map((op) => [op, guardrailCalls[op] ?? 0, trafficCalls[op] ?? 0]));
  } finally {
    await sandbox.stop();
  }
}
