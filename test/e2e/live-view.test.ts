import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { EXIT_MARK, startInTmux } from "../helpers/tmux";

/**
 * The rollout view in a real terminal (tmux), captured every 0.1 s as a person would see it:
 * never a blank frame, never a line left over from an earlier frame, at any width.
 */
const sandbox = useSandbox({ timeScale: 40, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4";
/** 55 characters: wraps at 36 and 80 columns once the phase follows it. */
const ENDPOINT = "recommendation-ranking-model-eu-central-production-blue";
const ROWS = 30;
const MAX_FRAMES = 600;

async function servingEndpoint(env: Record<string, string>): Promise<string[]> {
  const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
  await s3.send(new CreateBucketCommand({ Bucket: "models" }));
  await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
  const args = ["deploy", "--endpoint", ENDPOINT, "--image", IMAGE, "--model-data", "s3://models/m.tar.gz", "--role-arn", "arn:aws:iam::000000000000:role/r"];
  const created = await runCli(args, { env });
  expect(created.code, created.stderr).toBe(0);
  return [...args, "--env", "V=2", "--engine", "traffic", "--auto-alarms", "--bake", "120", "--final-bake", "60"];
}

/** Capture the screen every 0.1 s until the CLI has exited; `during` runs once on the first frame matching `when`. */
async function captureRun(args: string[], env: Record<string, string>, columns: number, during?: { when: RegExp; act: (keys: (...k: string[]) => Promise<unknown>) => Promise<unknown> }) {
  const term = await startInTmux(args, { env: { ...env, CI: "" }, columns, rows: ROWS });
  const frames: string[][] = [];
  let acted = false;
  try {
    for (let i = 0; i < MAX_FRAMES; i++) {
      const frame = await term.capture(true);
      frames.push(frame);
      if (frame.some((l) => l.startsWith(EXIT_MARK))) break;
      if (during && !acted && frame.some((l) => during.when.test(l))) {
        acted = true;
        await during.act(term.keys);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await term.stop();
  }
  return frames;
}

/** What the view draws, by pattern: each may appear at most once (or `max` times) on a screen. */
const BLOCK_LINES: Array<{ what: string; pattern: RegExp; max?: number }> = [
  { what: "the title and phase", pattern: new RegExp(`^${ENDPOINT} {2}\\S`) },
  // Whole on one line at every width: the bar shrinks to fit, it never wraps.
  { what: "the traffic bar", pattern: /^ {2}[█░]{10,30} \d+% new$/ },
  { what: "the countdown", pattern: / left$/ },
  // One line per alarm (the rollout makes two: 5xx rate and latency), its state at the start.
  { what: "an alarm's state", pattern: /^ {2}● /, max: 2 },
];

function checkFrames(frames: string[][]): void {
  const exit = frames.at(-1)!.find((l) => l.startsWith(EXIT_MARK));
  expect(exit, frames.at(-1)!.join("\n")).toBeDefined();
  const firstDrawn = frames.findIndex((f) => f.some((l) => l.trim() !== ""));
  expect(firstDrawn).toBeGreaterThanOrEqual(0);
  frames.slice(firstDrawn).forEach((frame, i) => {
    const screen = `frame ${firstDrawn + i}:\n${frame.join("\n")}`;
    expect(frame.some((l) => l.trim() !== ""), screen).toBe(true);
    for (const { what, pattern, max = 1 } of BLOCK_LINES) {
      expect(frame.filter((l) => pattern.test(l)).length, `${what} more than ${max} times in ${screen}`).toBeLessThanOrEqual(max);
    }
  });
}

describe("the live rollout view in a real terminal", () => {
  for (const columns of [36, 80, 120]) {
    it(`a traffic canary with a 55-character endpoint name at ${columns} columns: no blank frame, nothing left over`, async () => {
      const env = cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5" });
      const frames = await captureRun(await servingEndpoint(env), env, columns);
      checkFrames(frames);
      // The view was seen, redrawn: more than one countdown value over the run.
      const countdowns = new Set(frames.flatMap((f) => f.filter((l) => / left$/.test(l))));
      expect(countdowns.size).toBeGreaterThan(1);
      // The bar was drawn whole, and each alarm's state is in sight at the start of its line.
      expect(frames.some((f) => f.some((l) => BLOCK_LINES[1]!.pattern.test(l)))).toBe(true);
      expect(frames.some((f) => f.some((l) => /^ {2}● (OK|ALARM|INSUFFICIENT_DATA)\b/.test(l)))).toBe(true);
      const last = frames.at(-1)!;
      expect(last.find((l) => l.startsWith(EXIT_MARK))).toBe(`${EXIT_MARK} 0]`);
      // The report is wrapped at the terminal's width: words, not characters, decide where.
      expect(last.join("\n")).toMatch(new RegExp(`deployed\\s+${ENDPOINT}:`));
    });
  }

  it("Ctrl-C while baking at 36 columns: the traffic goes back, and the last lines are the outcome", async () => {
    const env = cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5" });
    const frames = await captureRun(await servingEndpoint(env), env, 36, { when: / left$/, act: (keys) => keys("C-c") });
    checkFrames(frames);
    const last = frames.at(-1)!.filter((l) => l.trim() !== "");
    const exitAt = last.findIndex((l) => l.startsWith(EXIT_MARK));
    expect(last[exitAt], last.join("\n")).toBe(`${EXIT_MARK} 130]`);
    // The outcome comes last: no line of the view below it, no `^C` echo mixed into a line.
    const outcome = last.findIndex((l) => l.startsWith("error: interrupted"));
    expect(outcome, last.join("\n")).toBeGreaterThanOrEqual(0);
    expect(last.slice(outcome, exitAt).some((l) => BLOCK_LINES.some(({ pattern }) => pattern.test(l))), last.join("\n")).toBe(false);
    expect(last.some((l) => /\^C\S/.test(l)), last.join("\n")).toBe(false);
  });
});
