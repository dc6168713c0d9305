// Build dist/ with esbuild. Two bundles:
// - dist/cli.cjs: the start-up path only (commander + the program). CommonJS, because a require()
//   chain starts measurably faster than the ESM loader on Node 20, which has no compile cache.
// - dist/*.js: everything a command loads when it runs, as ESM with shared chunks. Their entry
//   names are the `import("./name.js")` calls in src/cli.ts, read from the source so that the two
//   cannot drift.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const root = new URL("..", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");
const { version } = JSON.parse(read("package.json"));
const lazyModules = [...new Set([...read("src/cli.ts").matchAll(/import\("\.\/([\w/-]+)\.js"\)/g)].map((m) => m[1]))];

/** In the start-up bundle, src/cli.ts's lazy imports stay import() calls into the ESM bundle. */
const lazyImportsStayExternal = {
  name: "lazy-imports-stay-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w/-]+\.js$/ }, (args) =>
      args.importer.endsWith("/src/cli.ts") ? { path: args.path, external: true } : undefined,
    );
  },
};

const common = {
  absWorkingDir: new URL(".", root).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  outdir: "dist",
  minify: true,
  // The AWS SDK ships ES builds under "module"; they load markedly faster than the CommonJS ones.
  mainFields: ["module", "main"],
  define: { __MLOPS_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
};

rmSync(new URL("dist", root), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: "src/cli.ts" },
    format: "cjs",
    outExtension: { ".js": ".cjs" },
    plugins: [lazyImportsStayExternal],
  }),
  build({
    ...common,
    // sandbox: startSandbox() for users' own tests and our benchmarks.
    entryPoints: Object.fromEntries([...lazyModules.map((m) => [m, `src/${m}.ts`]), ["sandbox", "src/sandbox/index.ts"]]),
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
    // Created on first use: createRequire costs milliseconds, and most chunks never call it.
    banner: {
      js: "import{createRequire as __mlopsCreateRequire}from'node:module';let __mlopsRequire;function require(id){return(__mlopsRequire??=__mlopsCreateRequire(import.meta.url))(id)}",
    },
  }),
]);
console.log(`built dist/ (mlops ${version}): cli.cjs + ${lazyModules.length + 1} ESM entries`);
