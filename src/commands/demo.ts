import { AwsClients } from "../aws/clients";
import type { Context } from "../context";
import { timerClock } from "../core/clock";
import { formatDuration } from "../core/duration";
import { parseNumber } from "../core/flags";
import { MlopsError, UsageError } from "../errors";
import type { DemoStory } from "../schemas/misc";

interface DemoOptions {
  timeScale: string;
  story?: string;
}

/** deploy inside the demo watches Ctrl-C itself. */
export const handlesInterrupt = true;

/** The stories `--story` tells: deploy (the default) and release. */
export const STORIES = ["deploy", "release"] as const;

/**
 * The whole story on a local AWS, no account needed. `deploy` (src/demo/deploy-story.ts):
 * register behind a metric gate, create an endpoint, a good canary and a bad one rolled back by
 * its alarm. `release` (src/demo/release-story.ts): a SageMaker pipeline registers a model, a
 * CodePipeline release waits at its manual approval and, approved, goes on to Production.
 */
export async function run(options: DemoOptions, ctx: Context): Promise<void> {
  const story = options.story ?? "deploy";
  if (!(STORIES as readonly string[]).includes(story)) throw new UsageError(`--story "${story}": it is one of ${STORIES.join(", ")}`);
  const timeScale = parseNumber("--time-scale", options.timeScale, { exclusiveMin: 0, max: 10_000 });
  const { startSandbox, SANDBOX_CREDENTIALS } = await import("../sandbox/index");
  const { createHarness } = await import("../demo/harness");
  const sandbox = await startSandbox({ port: 0, timeScale });
  try {
    const aws = new AwsClients({ endpoint: sandbox.url, region: sandbox.region, credentials: SANDBOX_CREDENTIALS, signal: ctx.signal });
    ctx.defer(() => aws.destroy());
    ctx.io.info(`mlops demo: a local AWS at ${sandbox.url}, its time running ${timeScale}× faster than yours`);
    const harness = createHarness(ctx, aws, timerClock(sandbox.clock), () => sandbox.clock.now());
    const told =
      story === "release" ? await (await import("../demo/release-story")).releaseStory(harness, timeScale) : await (await import("../demo/deploy-story")).deployStory(harness, timeScale);

    ctx.io.info("");
    ctx.io.emit(told.story as DemoStory, (s, style) => {
      const totalSandbox = s.steps.reduce((t, x) => t + x.sandboxSeconds, 0);
      const totalReal = s.steps.reduce((t, x) => t + x.realSeconds, 0);
      return [
        style.bold("What happened"),
        ...s.steps.flatMap((step, i) => [
          `${i + 1}. ${step.title}: ${outcomeWord(step.outcome, style)}  ${style.dim(`${formatDuration(step.sandboxSeconds)} of AWS time in ${step.realSeconds.toFixed(1)} s`)}`,
          ...step.detail.map((d) => `   ${d}`),
        ]),
        `${formatDuration(totalSandbox)} of AWS time in ${totalReal.toFixed(1)} s. ${told.closing}`,
      ].join("\n");
    });
    if (!told.story.ok) throw new MlopsError("the demo did not go as expected: see the steps above");
  } finally {
    await sandbox.stop();
  }
}

function outcomeWord(outcome: string, style: { green(s: string): string; red(s: string): string }): string {
  return outcome === "rolled-back" ? style.red("rolled back, as it should") : style.green(outcome);
}
