import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig({
  define: { __MLOPS_VERSION__: JSON.stringify(version) },
  test: {
    include: ["test/**/*.test.ts"],
    // Most e2e time is spent waiting (on the sandbox clock, on spawned CLIs), not computing: on a
    // 2-core machine 3 files at once take about 60 % of the serial time (vitest's default is cores − 1).
    maxWorkers: 3,
    // Bounds for a hang, not a speed goal: a loaded CI machine runs an e2e test several times slower.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_EC2_METADATA_DISABLED: "true",
    },
  },
});
