import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("package.json tells the truth", () => {
  it("lists in `files` only what exists (dist/ once built)", () => {
    for (const entry of pkg.files as string[]) expect(existsSync(join(ROOT, entry)), entry).toBe(true);
  });

  it("describes only commands that exist, the same way as the CLI's own help", () => {
    const cli = readFileSync(join(ROOT, "src/cli.ts"), "utf8");
    expect(cli).toContain(`.description(${JSON.stringify(pkg.description)})`);
    // Words for what is not built yet (EventBridge triggers, pipelines) stay out until it is.
    expect(pkg.description).not.toMatch(/trigger|pipeline/i);
  });

  it("runs on the Node it says it needs, and every dependency agrees", () => {
    expect(pkg.engines.node).toBe(">=20.19");
    for (const name of Object.keys(pkg.dependencies)) {
      const dep = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"));
      const range: string = dep.engines?.node ?? ">=0";
      expect(allowsNode20_19(range), `${name} needs Node ${range}`).toBe(true);
    }
  });
});

/** Whether an engines range (">=18", "^20.17.0 || >=22", ">=20.0.0") lets Node 20.19 in. */
function allowsNode20_19(range: string): boolean {
  const version = [20, 19, 0];
  const compare = (a: number[], b: number[]) => a.map((x, i) => x - (b[i] ?? 0)).find((d) => d !== 0) ?? 0;
  return range.split("||").some((alternative) => {
    const match = /^\s*(>=|\^|~)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(alternative);
    if (!match) return false;
    const [, op, major, minor, patch] = match;
    const bound = [Number(major), Number(minor ?? 0), Number(patch ?? 0)];
    if (op === ">=") return compare(version, bound) >= 0;
    if (op === "^") return version[0] === bound[0] && compare(version, bound) >= 0;
    return compare(version, bound) === 0;
  });
}
