import { describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";

describe("mlops demo", () => {
  it("tells the whole story on an in-process sandbox in well under a minute, with no AWS settings", async () => {
    const r = await runCli(["demo", "--json"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.durationMs).toBeLessThan(60_000);
    const story = parseJson("demo", r.stdout);
    expect(story.ok).toBe(true);
    expect(story.steps.map((s: { outcome: string }) => s.outcome)).toEqual(["registered", "created", "deployed", "rolled-back"]);
    expect(story.steps[3].detail.join(" ")).toMatch(/alarm mlops-demo-churn-r\w+-5xx-rate fired; traffic was back on v2/);
    // Measured from the sandbox's metrics: a 10 % canary, so some traffic but never more than 10 %.
    expect(story.badVersionMaxPercent).toBeGreaterThan(0);
    expect(story.badVersionMaxPercent).toBeLessThanOrEqual(10);
    const [, served, total] = /v3 served (\d+) of (\d+) requests/.exec(story.steps[3].detail.join(" "))!;
    expect(Number(served)).toBeGreaterThan(0);
    expect(Number(served) / Number(total)).toBeLessThan(0.1);
    expect(r.stderr).toContain("▸ mlops deploy --endpoint demo-churn --model-package demo-churn@latest-approved --strategy canary --engine traffic --auto-alarms");
  });

  it("prints a readable story without --json", async () => {
    const r = await runCli(["demo", "--time-scale", "1000"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^What happened\n1\. register v1–v3 behind the gate accuracy>=0\.9, and approve them: registered/);
    expect(r.stdout).toMatch(/4\. canary to v3 .*: rolled back, as it should/);
    const claim = /of AWS time in \d+\.\d s\. The bad version never took more than ([\d.]+) % of the traffic\.$/m.exec(r.stdout);
    expect(claim, r.stdout).not.toBeNull();
    expect(Number(claim![1])).toBeLessThanOrEqual(10);
  });
});
