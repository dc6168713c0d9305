import type { AwsClients } from "../aws/clients";
import type { Context } from "../context";
import type { Clock } from "../core/clock";
import { Io } from "../io/io";
import { Prompter } from "../io/prompt";
import type { DemoStep } from "../schemas/misc";

/** A command module as the demo runs it: the same `run` the CLI calls. */
export type Load = () => Promise<{ run: (options: any, ctx: Context, args: string[]) => Promise<void> }>;

/** How a sub-command runs: `cwd` (its files), `yes` (its confirmations answered, as --yes does). */
export interface RunAs {
  cwd?: string;
  yes?: boolean;
}

/**
 * What every demo story uses: run an mlops command in-process against the sandbox (its --json
 * document captured, its progress on stderr) and record a step with the time it took on the
 * sandbox's clock (as long as it would on AWS) and in real time.
 */
export interface Harness {
  readonly steps: DemoStep[];
  readonly aws: AwsClients;
  readonly clock: Clock;
  /** The context the demo's commands run in, for the calls the demo makes itself (with the commands' own helpers). */
  context(): Context;
  /** Sandbox time, epoch milliseconds. */
  now(): number;
  mlops<T>(title: string, load: Load, options: unknown, args?: string[], as?: RunAs): Promise<{ doc: T; error?: unknown }>;
  timed<T>(title: string, work: () => Promise<{ doc: T; error?: unknown }>, describe: (doc: T, error?: unknown) => Omit<DemoStep, "title" | "sandboxSeconds" | "realSeconds">): Promise<{ doc: T; error?: unknown }>;
}

export function createHarness(ctx: Context, aws: AwsClients, clock: Clock, sandboxNow: () => number): Harness {
  const steps: DemoStep[] = [];
  const context = (): Context => ({ ...ctx, aws, clock, config: { values: {} } });
  const mlops: Harness["mlops"] = async <T>(title: string, load: Load, commandOptions: unknown, args: string[] = [], as: RunAs = {}) => {
    ctx.io.info(`\n▸ ${title}`);
    let captured = "";
    const io = new Io({
      streams: { stdin: { isTTY: false }, stdout: { write: (s: string) => (captured += s) }, stderr: ctx.io.streams.stderr },
      env: ctx.env,
      json: true,
      noColor: ctx.io.err.level === 0,
      debug: ctx.io.debugEnabled,
    });
    // With `yes`, nobody is asked: the demo answers as `--yes` does, and only that.
    const prompt = as.yes ? new Prompter(false, true, () => Promise.reject(new Error("the demo asks no questions"))) : ctx.prompt;
    const sub: Context = { ...context(), io, prompt, cwd: as.cwd ?? ctx.cwd };
    let error: unknown;
    try {
      await (await load()).run(commandOptions, sub, args);
    } catch (e) {
      error = e;
    }
    return { doc: JSON.parse(captured || "{}") as T, error };
  };
  const timed: Harness["timed"] = async (title, work, describe) => {
    const sandboxStart = sandboxNow();
    const realStart = performance.now();
    const { doc, error } = await work();
    steps.push({ title, ...describe(doc, error), sandboxSeconds: (sandboxNow() - sandboxStart) / 1000, realSeconds: (performance.now() - realStart) / 1000 });
    return { doc, error };
  };
  return { steps, aws, clock, context, now: sandboxNow, mlops, timed };
}

/** The demo's bucket with its objects (key → JSON-able body or text), on the sandbox's S3. */
export async function seedBucket(aws: AwsClients, bucket: string, objects: Record<string, unknown>): Promise<void> {
  const { CreateBucketCommand, PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
  const s3 = aws.get(S3Client, { forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(objects)) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ...(typeof body === "string" ? {} : { ContentType: "application/json" }) }));
  }
}
