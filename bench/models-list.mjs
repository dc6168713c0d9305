// `mlops models list` over large groups: the default view (the 30 newest versions), `--all`
// and `--all --no-metrics`, with wall time, peak memory of the CLI process, and the API calls
// each made. The default view should cost one list page and one describe per row shown, however
// large the group; `--all` memory should stay flat as the group grows, because rows are streamed.
import { spawn } from "node:child_process";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { BIN, ROOT, median, table } from "./lib.mjs";

const SIZES = (process.env.BENCH_MODEL_COUNTS ?? "1000,10000").split(",").map(Number);
const HEAP_CAP_MB = 16;
/** Runs of the default view per size (it is short, so noise matters): the median is reported. */
const DEFAULT_VIEW_RUNS = Number(process.env.BENCH_RUNS_DEFAULT_VIEW ?? 5);
const DEFAULT_VIEW_GOAL_SECONDS = 1;
const DEFAULT_ROWS = 30;

async function seed(sandbox, group, count) {
  const sm = new SageMakerClient({ endpoint: sandbox.url, region: sandbox.region, credentials: { accessKeyId: "AKIAMLOPSSANDBOX0000", secretAccessKey: "x" } });
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const v = next++;
      await sm.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelApprovalStatus: v % 10 === 0 ? "Approved" : "PendingManualApproval",
          InferenceSpecification: { Containers: [{ Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", ModelDataUrl: "s3://models/churn/model.tar.gz" }] },
          CustomerMetadataProperties: { "mlops:metric:binary_classification_metrics.accuracy": "0.93", "mlops:git:commit": "0123456789abcdef", "mlops:git:branch": "main" },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  sm.destroy();
}

/** Run `mlops models list --json` with `args`, count the rows it streams, and read its peak memory and the calls it made. */
function listGroup(sandbox, group, args, nodeFlags = []) {
  const since = sandbox.requestLog.lastSeq;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeFlags, "-r", `${ROOT}bench/report-rss.cjs`, BIN, "models", "list", "--group", group, "--json", ...args], {
      env: { ...process.env, ...sandbox.env(), CI: "true", AWS_EC2_METADATA_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let rows = 0;
    let tail = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      const text = chunk.toString();
      rows += (text.match(/"version":/g) ?? []).length;
      tail = (tail + text).slice(-200);
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`models list ${args.join(" ")} exited ${code}: ${stderr}`));
      const rssKb = Number(/MLOPS_BENCH_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
      const calls = sandbox.requestLog.entries({ since });
      const list = calls.filter((e) => e.operation === "ListModelPackages").length;
      const describe = calls.filter((e) => e.operation === "DescribeModelPackage").length;
      resolve({ seconds, rows, rssMb: rssKb / 1024, complete: /"complete":true/.test(tail), list, describe, other: calls.length - list - describe });
    });
  });
}

export async function run() {
  const { startSandbox } = await import("../dist/sandbox.js");
  const sandbox = await startSandbox({ port: 0, requestLogLimit: 1_000_000 });
  const rows = [];
  const defaultViews = [];
  try {
    for (const count of SIZES) {
      const group = `bench-${count}`;
      const seeding = Date.now();
      await seed(sandbox, group, count);
      process.stderr.write(`seeded ${count} versions in ${((Date.now() - seeding) / 1000).toFixed(1)} s\n`);
      const size = count.toLocaleString("en");
      const row = (view, r, capped) => [
        size,
        view,
        `${r.seconds.toFixed(2)} s`,
        `${r.rssMb.toFixed(1)} MB`,
        capped ? (capped.rows === r.rows ? `${capped.rssMb.toFixed(1)} MB` : "failed") : "",
        r.rows,
        r.complete ? "yes" : "no",
        r.list,
        r.describe,
        r.other,
      ];

      const runs = [];
      for (let i = 0; i < DEFAULT_VIEW_RUNS; i++) runs.push(await listGroup(sandbox, group, []));
      const typical = { ...runs[runs.length - 1], seconds: median(runs.map((r) => r.seconds)), rssMb: median(runs.map((r) => r.rssMb)) };
      rows.push(row(`default (median of ${DEFAULT_VIEW_RUNS})`, typical));
      defaultViews.push({ size, ...typical, max: Math.max(...runs.map((r) => r.seconds)) });

      const brief = await listGroup(sandbox, group, ["--all", "--no-metrics"]);
      rows.push(row("--all --no-metrics", brief, await listGroup(sandbox, group, ["--all", "--no-metrics"], [`--max-old-space-size=${HEAP_CAP_MB}`])));
      const all = await listGroup(sandbox, group, ["--all"]);
      // V8 grows its heap lazily when memory is plentiful; a hard cap shows what is really kept.
      rows.push(row("--all", all, await listGroup(sandbox, group, ["--all"], [`--max-old-space-size=${HEAP_CAP_MB}`])));
    }
  } finally {
    await sandbox.stop();
  }
  table(
    "mlops models list --json, one group (sandbox in-process; rows streamed)",
    ["versions", "view", "wall", "peak RSS", `peak RSS, ${HEAP_CAP_MB} MB heap cap`, "rows", "complete", "ListModelPackages", "DescribeModelPackage", "other calls"],
    rows,
  );
  for (const v of defaultViews) {
    const callsOk = v.list === 1 && v.describe === DEFAULT_ROWS && v.other === 0;
    console.log(
      `default view of ${v.size} versions: ${v.seconds.toFixed(2)} s median (max ${v.max.toFixed(2)} s) — ${v.seconds <= DEFAULT_VIEW_GOAL_SECONDS ? "within" : "OVER"} the ${DEFAULT_VIEW_GOAL_SECONDS} s goal; ` +
        `${v.list} list page + ${v.describe} describes + ${v.other} other calls — ${callsOk ? "as" : "NOT as"} the goal (1 page + ${DEFAULT_ROWS} describes)`,
    );
  }
  const allRows = rows.filter((r) => r[1] === "--all");
  if (allRows.length > 1) {
    const growth = (column) => {
      const first = parseFloat(allRows[0][column]);
      const last = parseFloat(allRows[allRows.length - 1][column]);
      return `${last >= first ? "+" : ""}${(last - first).toFixed(1)} MB`;
    };
    console.log(`--all peak memory from ${allRows[0][0]} to ${allRows[allRows.length - 1][0]} versions: ${growth(3)} with the default heap, ${growth(4)} with the heap capped at ${HEAP_CAP_MB} MB (every row still listed)`);
  }
}
