// npm run bench: every benchmark, in order. Run `npm run build` first (npm test does).
import { existsSync } from "node:fs";
import { ROOT } from "./lib.mjs";

if (!existsSync(`${ROOT}dist/cli.cjs`)) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const only = process.argv.slice(2);
const benches = [
  ["startup", () => import("./startup.mjs")],
  ["models-list", () => import("./models-list.mjs")],
  ["rollout", () => import("./rollout.mjs")],
];
for (const [name, load] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  await (await load()).run();
}
