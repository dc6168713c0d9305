// Preloaded into a measured process: reports its peak resident memory on stderr at exit.
process.on("exit", () => {
  require("node:fs").writeSync(2, `\nMLOPS_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
