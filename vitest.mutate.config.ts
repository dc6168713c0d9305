import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The tests Stryker runs against each mutant (`npm run mutate`): the unit tests, which pin the
 * logic that decides outcomes directly and fast. The e2e tests (built binary, sandbox) would take
 * hours over a few thousand mutants.
 *
 * Not `mergeConfig`: it concatenates arrays, so base's `test/**` would stay in `include`.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/unit/**/*.test.ts"],
    // The templates' tests judge template files with cfn-lint and python3, not the mutated code.
    exclude: ["test/unit/templates-*.test.ts", "**/node_modules/**"],
  },
});
