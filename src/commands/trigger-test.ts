import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { ruleTags, testEventPattern } from "../aws/eventbridge";
import type { Context } from "../context";
import { parsePairs } from "../core/aws-names";
import { nextRunTimes } from "../core/schedule-expression";
import { mismatchReasons, sampleEvent, SAMPLE_KINDS, setEventField } from "../core/trigger-events";
import { kindOfRule } from "../core/trigger-rule";
import { MlopsError, UsageError } from "../errors";
import type { TestResult } from "../schemas/trigger";
import { requireRule } from "../triggers/rules";
import { arnScope } from "../triggers/target";
import { formatRunTime, isoSeconds, parsePattern } from "../triggers/view";

export interface TestOptions {
  event?: string;
  sample?: string;
  field: string[];
}

/** PutEvents takes entries of at most 256 KB; a test event is no bigger. */
const MAX_EVENT_BYTES = 256 * 1024;

/** The envelope fields EventBridge's TestEventPattern requires of an event. */
const ENVELOPE = ["id", "account", "source", "time", "region", "resources", "detail-type"] as const;

/**
 * Does the rule match this event? EventBridge answers (TestEventPattern); mlops adds which fields
 * did not match. Exit 0 on a match, 1 on none. A schedule rule matches no events: its next runs
 * are shown instead. Reads only.
 */
export async function run(options: TestOptions, ctx: Context, args: string[]): Promise<void> {
  const name = args[0]!;
  if (options.event !== undefined && options.sample !== undefined) throw new UsageError("give --event FILE or --sample KIND, not both");
  if (options.sample !== undefined && !SAMPLE_KINDS.includes(options.sample as (typeof SAMPLE_KINDS)[number])) throw new UsageError(`--sample "${options.sample}" must be one of ${SAMPLE_KINDS.join(", ")}`);
  const fields = parsePairs("--field", options.field);
  const fromFile = options.event !== undefined ? await readEvent(ctx, options.event) : undefined;

  const rule = await requireRule(ctx, name);
  const scope = await arnScope(ctx);
  const now = ctx.clock.now();
  const result: TestResult = { ruleName: name, matched: null, reasons: [], eventSource: "", event: {}, nextRuns: [] };
  if (rule.ScheduleExpression && !rule.EventPattern) {
    const runs = nextRunTimes(rule.ScheduleExpression, now.getTime(), 3);
    result.nextRuns = runs.map(isoSeconds);
    if (options.event !== undefined || options.sample !== undefined || fields.length > 0) ctx.io.warn(`rule ${name} has no event pattern: the event given was not tested`);
    ctx.io.emit(result, () => `Rule ${name} runs on a schedule (${rule.ScheduleExpression}), not on events; next runs: ${runs.map(formatRunTime).join(", ") || "none"}`);
    return;
  }
  const pattern = parsePattern(rule.EventPattern) ?? {};
  const kind = options.sample ?? (fromFile ? undefined : kindOfRule(await ruleTags(ctx.aws, rule.Arn!), pattern, undefined));
  if (!fromFile && !kind) throw new UsageError(`give --event FILE or --sample ${SAMPLE_KINDS.join("|")}: rule ${name} is not one mlops knows the events of`);
  const event = fromFile ?? sampleEvent(kind as (typeof SAMPLE_KINDS)[number], { ...scope, time: now.toISOString().replace(/\.\d{3}Z$/, "Z") }, pattern);
  for (const [key, text] of fields) {
    try {
      const json = key.endsWith(":");
      setEventField(event, json ? key.slice(0, -1) : key, json ? parseJsonField(key, text) : text);
    } catch (error) {
      throw new UsageError(`--field ${(error as Error).message}`);
    }
  }
  const missing = ENVELOPE.filter((key) => event[key] === undefined);
  if (missing.length > 0) throw new UsageError(`the event has no ${missing.join(", ")}: EventBridge tests only whole events (${ENVELOPE.join(", ")})`, { hint: "start from a sample: --sample KIND, and change fields with --field" });

  result.eventSource = fromFile ? `file ${options.event}` : `sample ${kind}`;
  result.event = event;
  result.matched = await testEventPattern(ctx.aws, rule.EventPattern!, JSON.stringify(event));
  if (!result.matched) result.reasons = mismatchReasons(pattern, event);
  ctx.io.emit(result, (r, style) =>
    r.matched
      ? `${style.bold("match")}: rule ${name} matches the ${r.eventSource} event`
      : [`${style.bold("no match")}: rule ${name} does not match the ${r.eventSource} event`, ...(r.reasons.length > 0 ? r.reasons : ["(every field on its own matches: the rule's $or branches, taken whole, do not)"]).map((reason) => `  ${reason}`)].join("\n"),
  );
  if (!result.matched) throw new MlopsError(`rule ${name} does not match the event`);
}

/** `--field path:=json` (as httpie) takes a JSON value: numbers, true, null, arrays; `path=value` takes text. */
function parseJsonField(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${key}=${text}: after := comes a JSON value (3, true, null, ["a"], "text")`);
  }
}

/** The file's text, at most MAX_EVENT_BYTES read whatever it is (a device such as /dev/zero has no size to check first). */
async function readEvent(ctx: Context, file: string): Promise<Record<string, unknown>> {
  const path = resolve(ctx.cwd, file);
  let text: string;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(MAX_EVENT_BYTES + 1);
      let length = 0;
      for (;;) {
        // Each pass reads at least a byte or stops: at most MAX_EVENT_BYTES + 1 passes.
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length);
        length += bytesRead;
        if (bytesRead === 0 || length === buffer.length) break;
      }
      if (length > MAX_EVENT_BYTES) throw new UsageError(`--event ${file} is more than ${MAX_EVENT_BYTES} bytes; an event is at most that`);
      text = buffer.subarray(0, length).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--event ${file}: cannot read it: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? String(error))}`);
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--event ${file} is not JSON: ${(error as Error).message}`);
  }
  if (!event || typeof event !== "object" || Array.isArray(event)) throw new UsageError(`--event ${file} must be one JSON object: an event as EventBridge delivers it`);
  return event as Record<string, unknown>;
}
