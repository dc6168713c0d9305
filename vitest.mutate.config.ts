import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The tests Stryker runs against each mutant (`npm run mutate`): the unit tests, which pin the
 * logic that decides outcomes directly and fast, and the sandbox's own tests (in-process, over
 * HTTP: they are what pins the sandbox's endpoint state machine and alarm evaluation). The e2e
 * tests (built binary) would take hours over a few thousand mutants.
 *
 * Not `mergeConfig`: it concatenates arrays, so base's `test/**` would stay in `include`.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/unit/**/*.test.ts", "test/sandbox/**/*.test.ts"],
    // The templates' tests judge template files with cfn-lint and python3, not the mutated code;
    // the AWS CLI conformance tests judge the wire protocols, through a python process per call.
    exclude: ["test/unit/templates-*.test.ts", "test/sandbox/conformance-awscli.test.ts", "**/node_modules/**"],
    // A mutant that stops an endpoint from settling makes a sandbox test wait: fail it within
    // seconds (a detected mutant) rather than at the 60 s bound, before Stryker's own timeout
    // (stryker.config.json timeoutMS) restarts the worker, which costs far more.
    testTimeout: 8_000,
    hookTimeout: 8_000,
  },
});
