#!/usr/bin/env node
// The mlops binary. Thin on purpose: everything lives in dist/. CommonJS (see bin/package.json)
// because start-up via require() is faster than via the ESM loader on Node 20.
"use strict";
// The SDK's Node-version notice is not ours to print.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// `mlops … | head` closes the pipe early: the reader has what it wanted, which is no error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
}
// Node 22+ caches compiled code between runs; Node 20 has no such cache and skips this.
require("node:module").enableCompileCache?.();
require("../dist/cli.cjs")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
