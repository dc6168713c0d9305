#!/usr/bin/env node
// The surviving mutants of the last `npm run mutate`, from Stryker's JSON report: one line each,
// `file:line:column  mutator  original → replacement`, for the files whose path contains one of
// the arguments (all files without one). `--status NoCoverage` (or any Stryker status) picks others.
// Usage: node scripts/mutants.mjs [--report F] [--status S] [path-part ...]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const take = (flag, fallback) => {
  const i = args.indexOf(flag);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const reportFile = take("--report", ".stryker-tmp/report.json");
const statuses = new Set(take("--status", "Survived,NoCoverage").split(","));
const report = JSON.parse(readFileSync(reportFile, "utf8"));

let count = 0;
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  if (args.length > 0 && !args.some((part) => file.includes(part))) continue;
  const lines = source.split("\n");
  for (const m of mutants.filter((m) => statuses.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
    const { start, end } = m.location;
    const original = start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)}…`;
    const short = (text) => (text.length > 90 ? `${text.slice(0, 87)}…` : text).replace(/\s+/g, " ");
    console.log(`${file}:${start.line}:${start.column}  ${m.status === "Survived" ? "" : `[${m.status}] `}${m.mutatorName}  ${short(original)} → ${short(m.replacement ?? "")}`);
    count++;
  }
}
console.error(`${count} mutant(s)`);
