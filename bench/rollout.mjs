// Rollouts on the sandbox: how fast the traffic engine reacts to an alarm, and how many calls a
// rollout makes. Times are sandbox seconds, which stand for real seconds on AWS; the sandbox runs
// 100 times faster so that 20 rollouts take a minute or two.
//
// Reaction is measured on SageMaker's side: from the moment the alarm entered ALARM (CloudWatch's
// StateUpdatedTimestamp, as the deploy reports it) to the moment the new variant's weight is 0 on
// the endpoint (the UpdateEndpointWeightsAndCapacities call that set it, plus the time the sandbox
// takes to apply weights), not when mlops next looked.
import { spawn } from "node:child_process";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BIN, median, table } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_ROLLOUT_RUNS ?? 20);
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const ROLE = "arn:aws:iam::000000000000:role/bench";
const TIMING = { launch: 60, weights: 10 };
const HEARTBEAT_SECONDS = 300;

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

const sandboxMs = (entry) => new Date(entry.time).getTime();

/** When the new variant's weight reached 0 on the endpoint: the call that set it, once applied. */
function weightZeroAt(entries) {
  const call = entries.find((e) => e.operation === "UpdateEndpointWeightsAndCapacities" && e.status === 200 && e.input.DesiredWeightsAndCapacities.some((w) => w.VariantName.startsWith("mlops-") && w.DesiredWeight === 0));
  return call ? sandboxMs(call) + TIMING.weights * 1000 : undefined;
}

/** DescribeEndpoint calls per minute over [from, to] (sandbox ms). */
function describesPerMinute(entries, from, to) {
  const n = entries.filter((e) => e.operation === "DescribeEndpoint" && sandboxMs(e) >= from && sandboxMs(e) <= to).length;
  return n / Math.max(1e-9, (to - from) / 60_000);
}

export async function run() {
  const { startSandbox } = await import("../dist/sandbox.js");
  const sandbox = await startSandbox({ port: 0, timeScale: 100, endpointTiming: TIMING });
  try {
    const s3 = new S3Client({ endpoint: sandbox.url, region: sandbox.region, forcePathStyle: true, credentials: { accessKeyId: "AKIAMLOPSSANDBOX0000", secretAccessKey: "x" } });
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    const base = (endpoint) => ["deploy", "--endpoint", endpoint, "--image", IMAGE, "--model-data", "s3://models/m.tar.gz", "--role-arn", ROLE];

    // Rollback reaction of the traffic engine, at the default poll of 15 s.
    const reactions = [];
    const reported = [];
    const bakeRates = [];
    let trafficCalls;
    for (let i = 0; i < RUNS; i++) {
      const endpoint = `reaction-${i}`;
      const created = await mlops(sandbox, base(endpoint));
      if (created.code !== 0) throw new Error(created.stderr);
      const since = sandbox.requestLog.lastSeq;
      const bad = await mlops(sandbox, [...base(endpoint), "--engine", "traffic", "--auto-alarms", "--env", "MLOPS_SANDBOX_ERROR_RATE=0.5", "--bake", "600"]);
      if (bad.code !== 3 || !bad.report.firedAlarmAt) throw new Error(`expected a rollback, got exit ${bad.code}: ${bad.stderr}`);
      const entries = sandbox.requestLog.entries({ since });
      const fired = new Date(bad.report.firedAlarmAt).getTime();
      const safe = weightZeroAt(entries);
      if (safe === undefined) throw new Error(`no weight-0 call in the rollback of ${endpoint}`);
      reactions.push((safe - fired) / 1000);
      reported.push(bad.report.rollbackReactionSeconds);
      // DescribeEndpoint while the canary bakes (from the 10 % shift to the alarm): the steady-state cost.
      const shifted = entries.find((e) => e.operation === "UpdateEndpointWeightsAndCapacities");
      bakeRates.push(describesPerMinute(entries, sandboxMs(shifted) + TIMING.weights * 1000 + 60_000, fired));
      trafficCalls ??= countCalls(entries);
      process.stderr.write(`rollback ${i + 1}/${RUNS}: ${((safe - fired) / 1000).toFixed(1)} s\n`);
    }
    const stats = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [`${median(values).toFixed(1)} s`, `${sorted[Math.floor(0.9 * (sorted.length - 1))].toFixed(1)} s`, `${sorted[sorted.length - 1].toFixed(1)} s`, `${sorted[0].toFixed(1)} s`];
    };
    table(
      `Traffic engine: alarm in ALARM → new variant at weight 0, ${RUNS} rollbacks (poll 15 s; sandbox seconds; goal: median ≤ 15 s)`,
      ["measured at", "median", "p90", "max", "min"],
      [
        ["SageMaker (weight applied)", ...stats(reactions)],
        ["mlops (weight seen)", ...stats(reported)],
      ],
    );
    table("DescribeEndpoint while a traffic canary bakes (goal: ≤ 4 per minute outside a rollback)", ["runs", "median per minute", "max per minute"], [[RUNS, median(bakeRates).toFixed(2), Math.max(...bakeRates).toFixed(2)]]);

    // A good traffic canary with long bakes: AddTags per rollout against the goal.
    await mlops(sandbox, base("tags"));
    const tagsSince = sandbox.requestLog.lastSeq;
    const good = await mlops(sandbox, [...base("tags"), "--engine", "traffic", "--auto-alarms", "--env", "V=2", "--bake", "1200", "--final-bake", "1200"]);
    if (good.report.outcome !== "deployed") throw new Error(good.stderr);
    const tagCalls = countCalls(sandbox.requestLog.entries({ since: tagsSince }));
    // Phases: preparing, shifting, baking, shifting, baking, finalizing, done; then the way back and the booked ending.
    const phaseChanges = 7 + 2;
    const goal = phaseChanges + Math.floor(good.report.durationSeconds / HEARTBEAT_SECONDS);
    table(
      `AddTags on a ${(good.report.durationSeconds / 60).toFixed(0)}-minute traffic canary (goal: one per phase change plus one per 5 minutes)`,
      ["AddTags", "goal (at most)", "phase changes"],
      [[tagCalls.AddTags ?? 0, goal, phaseChanges]],
    );

    // A guardrails canary watched to its end: DescribeEndpoint calls per minute, and every call.
    const created = await mlops(sandbox, [...base("watch"), "--instance-count", "2"]);
    if (created.code !== 0) throw new Error(created.stderr);
    const since = sandbox.requestLog.lastSeq;
    const watched = await mlops(sandbox, [...base("watch"), "--instance-count", "2", "--canary-percent", "50", "--engine", "guardrails", "--auto-alarms", "--env", "V=2"]);
    if (watched.report.outcome !== "deployed") throw new Error(watched.stderr);
    const guardrailCalls = countCalls(sandbox.requestLog.entries({ since }));
    const minutes = watched.report.durationSeconds / 60;
    table(
      `Guardrails canary watched for ${minutes.toFixed(1)} sandbox minutes (poll 15 s)`,
      ["DescribeEndpoint calls", "per minute"],
      [[guardrailCalls.DescribeEndpoint ?? 0, ((guardrailCalls.DescribeEndpoint ?? 0) / minutes).toFixed(1)]],
    );
    const operations = [...new Set([...Object.keys(guardrailCalls), ...Object.keys(trafficCalls), ...Object.keys(tagCalls)])].sort();
    table(
      "API calls per rollout",
      ["operation", "guardrails canary (good)", "traffic canary (rolled back)", "traffic canary (good, long bakes)"],
      operations.map((op) => [op, guardrailCalls[op] ?? 0, trafficCalls[op] ?? 0, tagCalls[op] ?? 0]),
    );
  } finally {
    await sandbox.stop();
  }
}
