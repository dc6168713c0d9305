import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { Io } from "../../src/io/io";
import { RolloutView, type ViewSnapshot } from "../../src/rollout/view";

/**
 * What a person sees during a rollout: off a terminal one timestamped line per change; on one a
 * block drawn in place whose traffic bar fits the terminal's width.
 */

const NOW = new Date("2026-11-30T12:00:00.000Z");

function view(terminal: { columns?: number } | false, colour = false) {
  const writes: string[] = [];
  const stderr = { isTTY: terminal !== false, ...(terminal || {}), write: (s: string) => (writes.push(s), true) };
  const stdout = { isTTY: false, write: () => true };
  const io = new Io({ streams: { stdin: { isTTY: false }, stdout, stderr }, env: { TERM: "xterm" }, json: false, noColor: !colour, debug: false, now: () => NOW });
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

/**
 * What a terminal shows after `writes`: a small emulator of the few controls the live block uses
 * (erase the line, cursor up, back to column 0); other escapes (colour, cursor hiding, synchronised
 * output) change nothing on screen. Rows as seen, trailing empty rows dropped.
 */
function screen(writes: string[]): string[] {
  const rows: string[] = [""];
  let row = 0;
  for (const token of writes.join("").match(/\u001b\[[0-9;?]*[A-Za-z]|\n|[^\u001b\n]+/g) ?? []) {
    if (token === "\n") rows[++row] ??= "";
    else if (token === "\u001b[2K") rows[row] = "";
    else if (/^\u001b\[\d*A$/.test(token)) row = Math.max(0, row - Number(token.slice(2, -1) || 1));
    else if (!token.startsWith("\u001b")) rows[row] = (rows[row] ?? "") + token;
  }
  while (rows.length > 0 && rows[rows.length - 1] === "") rows.pop();
  return rows;
}

describe("the rollout view on a terminal, as the screen shows it", () => {
  it("an update redraws the block in place: only the latest is on screen", () => {
    const t = view({ columns: 80 });
    t.v.update({ phase: "baking", share: 10, alarms: [{ name: "churn-5xx", state: "OK" }] });
    t.v.update({ phase: "rolling back", alarms: [{ name: "churn-5xx", state: "ALARM" }] });
    expect(screen(t.writes)).toEqual(["churn  rolling back", "  ● ALARM churn-5xx"]);
  });

  it("done leaves the block on screen: the next update draws a new block below it, and lines printed after go below too", () => {
    const t = view({ columns: 80 });
    t.v.update({ phase: "baking", alarms: [] });
    t.v.done();
    t.v.update({ phase: "rolling back", alarms: [] });
    t.v.done();
    t.io.info("rolled back");
    expect(screen(t.writes)).toEqual(["churn  baking", "churn  rolling back", "rolled back"]);
  });

  it("while a block is drawn, a line printed goes above it; once done, below it", () => {
    const t = view({ columns: 80 });
    t.v.update({ phase: "baking", alarms: [] });
    t.io.info("first");
    expect(screen(t.writes)).toEqual(["first", "churn  baking"]);
    t.v.done();
    t.io.info("second");
    expect(screen(t.writes)).toEqual(["first", "churn  baking", "second"]);
  });

  it.each([
    ["on a terminal", { columns: 80 }],
    ["off a terminal", false as const],
  ])("done before anything was drawn writes nothing (%s)", (_, terminal) => {
    const t = view(terminal);
    t.v.done();
    expect(t.writes).toEqual([]);
  });

  it("in colour: ALARM red, OK green, any other state dim, each before the alarm's name", () => {
    const t = view({ columns: 80 }, true);
    t.v.update({ phase: "baking", alarms: [{ name: "a", state: "ALARM" }, { name: "b", state: "OK" }, { name: "c", state: "INSUFFICIENT_DATA" }] });
    // chalk's codes: red 31, green 32, dim 2 (closed by 39, 39 and 22).
    // The first frame is the whole block, written at once: its lines as written, colours and all.
    expect(t.writes[0]!.split("\n").slice(1, 4)).toEqual(["  \u001b[31m● ALARM\u001b[39m a", "  \u001b[32m● OK\u001b[39m b", "  \u001b[2m● INSUFFICIENT_DATA\u001b[22m c"]);
  });
});
