import { defineConfig } from "vitest/config";
import mutate from "./vitest.mutate.config";

/**
 * The tests for Stryker's second pass (stryker.static.config.json): a static mutant (a module-level
 * table, evaluated at import) reruns every test, so this pass runs the unit tests alone.
 */
export default defineConfig({
  ...mutate,
  test: { ...mutate.test, include: ["test/unit/**/*.test.ts"] },
});
