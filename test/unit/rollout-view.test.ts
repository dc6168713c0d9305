import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { Io } from "../../src/io/io";
import { RolloutView, type ViewSnapshot } from "../../src/rollout/view";

/**
 * What a person sees during a rollout: off a terminal one timestamped line per change; on one a
 * block drawn in place whose traffic bar fits the terminal's width.
 */

const NOW = new Date("2026-11-30T12:00:00.000Z");

function view(terminal: { columns?: number } | false) {
  const writes: string[] = [];
  const stderr = { isTTY: terminal !== false, ...(terminal || {}), write: (s: string) => (writes.push(s), true) };
  const stdout = { isTTY: false, write: () => true };
  const io = new Io({ streams: { stdin: { isTTY: false }, stdout, stderr }, env: { TERM: "xterm" }, json: false, noColor: true, debug: false, now: () => NOW });
  const v = new RolloutView(io, "churn");
  return { v, io, writes, text: () => stripVTControlCharacters(writes.join("")) };
}

/** The block a first draw shows on a terminal of `columns` (a fresh view draws it whole). */
function block(snapshot: ViewSnapshot, columns?: number): string[] {
  const t = view({ columns });
  expect(t.io.animate).toBe(true);
  t.v.update(snapshot);
  return t.text().split("\n").filter((l) => l !== "");
}

describe("the rollout view off a terminal", () => {
  it("one timestamped line per change: phase, share, alarms, detail", () => {
    const t = view(false);
    expect(t.io.animate).toBe(false);
    t.v.update({ phase: "baking", share: 33.4, alarms: [{ name: "churn-5xx", state: "OK" }, { name: "churn-p99", state: "ALARM" }], bakeLeft: 50, detail: "step 1/4" });
    expect(t.text()).toBe("2026-11-30T12:00:00Z baking · 33% on the new version · alarms: churn-5xx OK, churn-p99 ALARM · step 1/4\n");
  });

  it("leaves out what is not known, and does not repeat an unchanged line (the countdown is not in it)", () => {
    const t = view(false);
    t.v.update({ phase: "launching", alarms: [] });
    t.v.update({ phase: "launching", alarms: [], bakeLeft: 10 });
    t.v.update({ phase: "baking", share: 0, alarms: [] });
    expect(t.text().split("\n")).toEqual(["2026-11-30T12:00:00Z launching", "2026-11-30T12:00:00Z baking · 0% on the new version", ""]);
  });
});

describe("the rollout view on a terminal", () => {
  it("title and phase, a 30-column bar with the share, each alarm with its state first, the detail", () => {
    expect(
      block({ phase: "baking", share: 10, bakeLeft: 90, alarms: [{ name: "churn-5xx", state: "ALARM" }, { name: "churn-p99", state: "OK" }, { name: "churn-new", state: "INSUFFICIENT_DATA" }], detail: "step 1/2" }, 80),
    ).toEqual([
      "churn  baking  1m 30s left",
      `  ${"█".repeat(3)}${"░".repeat(27)} 10% new`,
      "  ● ALARM churn-5xx",
      "  ● OK churn-p99",
      "  ● INSUFFICIENT_DATA churn-new",
      "  step 1/2",
    ]);
  });

  it("no bar without a share, no countdown when none is left", () => {
    expect(block({ phase: "launching", alarms: [], bakeLeft: 0 }, 80)).toEqual(["churn  launching"]);
  });

  it("the share is kept within 0–100 % on the bar", () => {
    expect(block({ phase: "x", share: 140, alarms: [] }, 80)[1]).toBe(`  ${"█".repeat(30)} 100% new`);
    expect(block({ phase: "x", share: -5, alarms: [] }, 80)[1]).toBe(`  ${"░".repeat(30)} 0% new`);
  });

  it("the bar narrows with the terminal (2 columns of indent, the longest label, 1 spare), never below 10 columns", () => {
    // 32 columns: 32 − 2 − 9 − 1 = 20 columns of bar; half of it filled at 50 %.
    expect(block({ phase: "x", share: 50, alarms: [] }, 32)[1]).toBe(`  ${"█".repeat(10)}${"░".repeat(10)} 50% new`);
    // 43 columns would allow 31: the bar stays at 30.
    expect(block({ phase: "x", share: 50, alarms: [] }, 43)[1]).toBe(`  ${"█".repeat(15)}${"░".repeat(15)} 50% new`);
    // 20 columns would allow 8: the bar keeps 10 (the label wraps rather than being cut).
    const narrow = block({ phase: "x", share: 100, alarms: [] }, 20).join("\n");
    expect(narrow.match(/█/g)).toHaveLength(10);
    expect(narrow).toMatch(/100%\s+new/);
  });

  it("a terminal that does not say its width gets the full bar", () => {
    expect(block({ phase: "x", share: 20, alarms: [] })[1]).toBe(`  ${"█".repeat(6)}${"░".repeat(24)} 20% new`);
  });

  it("done leaves the block and starts a new one on the next update; done twice is harmless", () => {
    const t = view({ columns: 80 });
    t.v.update({ phase: "baking", alarms: [] });
    t.v.done();
    t.v.done();
    const before = t.writes.length;
    t.v.update({ phase: "rolling back", alarms: [] });
    expect(t.writes.length).toBeGreaterThan(before);
    expect(t.text()).toMatch(/churn {2}baking\n(.|\n)*churn {2}rolling back/);
  });
});
