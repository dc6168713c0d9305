// `mlops models list` over large groups: wall time and peak memory of the CLI process, and the
// API calls it made. Memory should stay flat as the group grows, because rows are streamed.
import { spawn } from "node:child_process";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { BIN, ROOT, table } from "./lib.mjs";

const SIZES = (process.env.BENCH_MODEL_COUNTS ?? "1000,10000").split(",").map(Number);
const HEAP_CAP_MB = 16;

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

/** Run the CLI, count the rows it streams, and read its peak memory. */
function listGroup(sandbox, group, nodeFlags = []) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeFlags, "-r", `${ROOT}bench/report-rss.cjs`, BIN, "models", "list", "--group", group, "--json"], {
      env: { ...process.env, ...sandbox.env(), CI: "true", AWS_EC2_METADATA_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let rows = 0;
    let stderr = "";
    child.stdout.on("data", (chunk) => (rows += (chunk.toString().match(/"version":/g) ?? []).length));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`models list exited ${code}: ${stderr}`));
      const rssKb = Number(/MLOPS_BENCH_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ seconds, rows, rssMb: rssKb / 1024 });
    });
  });
}

export async function run() {
  const { startSandbox } = await import("../dist/sandbox.js");
  const sandbox = await startSandbox({ port: 0, requestLogLimit: 1_000_000 });
  const rows = [];
  try {
    for (const count of SIZES) {
      const group = `bench-${count}`;
      const seeding = Date.now();
      await seed(sandbox, group, count);
      process.stderr.write(`seeded ${count} versions in ${((Date.now() - seeding) / 1000).toFixed(1)} s\n`);
      const since = sandbox.requestLog.lastSeq;
      const result = await listGroup(sandbox, group);
      const calls = sandbox.requestLog.entries({ since });
      const count_ = (op) => calls.filter((e) => e.operation === op).length;
      // V8 grows its heap lazily when memory is plentiful; a hard cap shows what is really kept.
      const capped = await listGroup(sandbox, group, [`--max-old-space-size=${HEAP_CAP_MB}`]);
      rows.push([
        count.toLocaleString("en"),
        `${result.seconds.toFixed(2)} s`,
        `${result.rssMb.toFixed(1)} MB`,
        capped.rows === count ? `${capped.rssMb.toFixed(1)} MB` : "failed",
        result.rows,
        count_("ListModelPackages"),
        count_("DescribeModelPackage"),
      ]);
    }
  } finally {
    await sandbox.stop();
  }
  table(
    "mlops models list --json, one group (sandbox in-process; rows streamed)",
    ["versions", "wall", "peak RSS", `peak RSS, ${HEAP_CAP_MB} MB heap cap`, "rows", "ListModelPackages", "DescribeModelPackage"],
    rows,
  );
  if (rows.length > 1) {
    const growth = (column) => {
      const first = parseFloat(rows[0][column]);
      const last = parseFloat(rows[rows.length - 1][column]);
      return `${last >= first ? "+" : ""}${(last - first).toFixed(1)} MB`;
    };
    console.log(`peak memory from ${rows[0][0]} to ${rows[rows.length - 1][0]} versions: ${growth(2)} with the default heap, ${growth(3)} with the heap capped at ${HEAP_CAP_MB} MB (every row still listed)`);
  }
}
