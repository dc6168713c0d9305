// Start-up cost of `mlops --help` and `mlops --version` against a bare `node -e ''`.
import { BIN, median, ms, table, timeProcess } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const env = { ...process.env, CI: "true" };
const subjects = [
  ["node -e ''", ["-e", ""]],
  ["mlops --version", [BIN, "--version"]],
  ["mlops --help", [BIN, "--help"]],
];

export function run() {
  for (const [, args] of subjects) timeProcess(args, env); // warm the file cache
  const samples = subjects.map(() => []);
  // Interleave the subjects so that machine noise hits them alike.
  for (let i = 0; i < RUNS; i++) subjects.forEach(([, args], s) => samples[s].push(timeProcess(args, env)));
  const base = median(samples[0]);
  table(
    `Start-up, median of ${RUNS} runs each (goal: mlops --help ≤ 1.3× bare node)`,
    ["command", "median", "min", "max", "× node"],
    subjects.map(([name], s) => [name, ms(median(samples[s])), ms(Math.min(...samples[s])), ms(Math.max(...samples[s])), (median(samples[s]) / base).toFixed(2)]),
  );
  const ratio = median(samples[2]) / base;
  console.log(`mlops --help: ${ratio.toFixed(2)}× bare node — ${ratio <= 1.3 ? "within" : "OVER"} the 1.3× goal`);
}
