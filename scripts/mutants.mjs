#!/usr/bin/env node
// Reads Stryker's JSON reports of `npm run mutate` (both passes: .stryker-tmp/report.json and
// report-static.json, when present).
//   node scripts/mutants.mjs --score            the mutation score per file and in total
//   node scripts/mutants.mjs [--status S] [path-part ...]
//                                               the surviving (and uncovered) mutants, one line each:
//                                               file:line:column  mutator  original → replacement
// `--report F` reads one report instead; `--status NoCoverage,Timeout` picks other statuses.
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
const take = (flag, fallback) => {
  const i = args.indexOf(flag);
  if (i < 0) return fallback;
  return args.splice(i, 2)[1];
};
const scoreOnly = args.includes("--score") && args.splice(args.indexOf("--score"), 1);
const reportFiles = [take("--report", undefined) ?? [".stryker-tmp/report.json", ".stryker-tmp/report-static.json"]].flat().filter((f) => existsSync(f));
if (reportFiles.length === 0) throw new Error("no Stryker report: run `npm run mutate` first");
const statuses = new Set(take("--status", "Survived,NoCoverage").split(","));
// A file measured by both passes counts from the last report that has it.
const files = Object.assign({}, ...reportFiles.map((f) => JSON.parse(readFileSync(f, "utf8")).files));
const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));

if (scoreOnly) {
  // Stryker's score: killed and timed out over all valid mutants (ignored ones do not count).
  const detected = new Set(["Killed", "Timeout"]);
  const counted = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);
  let [allDetected, allCounted] = [0, 0];
  const rows = entries.map(([file, { mutants }]) => {
    const d = mutants.filter((m) => detected.has(m.status)).length;
    const c = mutants.filter((m) => counted.has(m.status)).length;
    allDetected += d;
    allCounted += c;
    return [file, d, c, mutants.filter((m) => m.status === "Ignored").length];
  });
  const pct = (d, c) => (c === 0 ? "   n/a" : `${((100 * d) / c).toFixed(2).padStart(6)}`);
  const width = Math.max(...rows.map(([f]) => f.length), 5);
  console.log(`${"file".padEnd(width)}   score  detected / mutants  (ignored)`);
  for (const [file, d, c, ignored] of rows) console.log(`${file.padEnd(width)}  ${pct(d, c)}  ${String(d).padStart(8)} / ${String(c).padEnd(7)}  (${ignored})`);
  console.log(`${"total".padEnd(width)}  ${pct(allDetected, allCounted)}  ${String(allDetected).padStart(8)} / ${allCounted}`);
} else {
  let count = 0;
  for (const [file, { source, mutants }] of entries) {
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
}
