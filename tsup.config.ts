import { readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

/**
 * Two builds.
 * - dist/cli.cjs: the start-up path only (commander + the program). CommonJS, because a require()
 *   chain starts measurably faster than the ESM loader on Node 20, which has no compile cache.
 * - dist/*.js: everything a command loads when it runs, as ESM chunks. Their entry names are the
 *   `import("./x.js")` calls in src/cli.ts, read from the source so that the two cannot drift.
 */
const lazyModules = [...readFileSync(new URL("./src/cli.ts", import.meta.url), "utf8").matchAll(/import\("\.\/([\w/-]+)\.js"\)/g)].map((m) => m[1]!);

type EsbuildPlugin = NonNullable<Options["esbuildPlugins"]>[number];

/** In the start-up build, src/cli.ts's lazy imports stay import() calls into the ESM build. */
const lazyImportsStayExternal: EsbuildPlugin = {
  name: "lazy-imports-stay-external",
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w/-]+\.js$/ }, (args) => (args.importer.endsWith("/src/cli.ts") ? { path: args.path, external: true } : undefined));
  },
};

const common: Options = {
  platform: "node",
  target: "node20",
  outDir: "dist",
  bundle: true,
  noExternal: [/.*/],
  minify: true,
  // esbuild tree-shakes on its own; tsup's extra Rollup pass would rewrite the banner below.
  treeshake: false,
  define: { __MLOPS_VERSION__: JSON.stringify(pkg.version) },
  esbuildOptions(options) {
    // The AWS SDK ships ES builds under "module"; they load markedly faster than the CommonJS ones.
    options.mainFields = ["module", "main"];
  },
};

export default defineConfig([
  {
    ...common,
    entry: { cli: "src/cli.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    esbuildPlugins: [lazyImportsStayExternal],
  },
  {
    ...common,
    // sandbox: startSandbox() for users' own tests and our benchmarks.
    entry: Object.fromEntries([...lazyModules.map((m) => [m, `src/${m}.ts`]), ["sandbox", "src/sandbox/index.ts"]]),
    format: ["esm"],
    splitting: true,
    // Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
    // Created on first use: createRequire costs milliseconds, and most chunks never call it.
    banner: {
      js: "import{createRequire as __mlopsCreateRequire}from'node:module';let __mlopsRequire;function require(id){return(__mlopsRequire??=__mlopsCreateRequire(import.meta.url))(id)}",
    },
  },
]);
