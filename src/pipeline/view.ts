import { formatDuration } from "../core/duration";
import { changes, executionId } from "../core/pipeline-execution";
import type { Io } from "../io/io";
import { LiveArea } from "../io/live";
import { formatTable } from "../io/table";
import type { ExecutionView } from "../schemas/pipeline";

const MARKS: Record<string, string> = { Succeeded: "✓", Failed: "✗", Stopped: "■", Stopping: "■", Executing: "…", Starting: "…" };

/**
 * What a person sees while an execution runs. On a terminal: a block redrawn in place, one row
 * per step with its state and duration. Elsewhere (CI, CodeBuild, a pipe): one timestamped line
 * per step change and per execution status change, nothing in between.
 */
export class PipelineView {
  private live: LiveArea | undefined;
  private last: ExecutionView | undefined;

  constructor(private readonly io: Io) {}

  update(view: ExecutionView): void {
    if (this.io.animate) {
      if (!this.live) {
        this.live = new LiveArea(this.io.streams.stderr);
        this.io.attachLive(this.live);
      }
      this.live.draw(renderSteps(view, this.io.err));
    } else {
      for (const line of changes(this.last, view, formatDuration)) this.io.info(`${this.io.timestamp()} ${line}`);
    }
    this.last = view;
  }

  /** Leave the last block on screen, and stop redrawing it. */
  done(): void {
    if (!this.live) return;
    this.live.done();
    this.io.attachLive(undefined);
    this.live = undefined;
  }
}

interface Style {
  green(s: string): string;
  red(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** The execution's header line and a table of its steps. */
export function renderSteps(view: ExecutionView, style: Style): string {
  const colour = (status: string | null, text: string) => (status === "Succeeded" ? style.green(text) : status === "Failed" || status === "Stopped" ? style.red(text) : text);
  const header = `${style.bold(view.pipelineName)}  ${style.dim(executionId(view.pipelineExecutionArn))}${view.displayName ? ` (${view.displayName})` : ""}  ${colour(view.status, view.status)}`;
  if (view.steps.length === 0) return `${header}\n  ${style.dim("no step has started yet")}`;
  const table = formatTable(
    [{ header: "" }, { header: "STEP" }, { header: "TYPE" }, { header: "STATUS" }, { header: "DURATION", align: "right" }, { header: "DETAIL" }],
    view.steps.map((s) => [
      colour(s.status, MARKS[s.status ?? ""] ?? "·"),
      s.name,
      s.type ?? "",
      colour(s.status, s.status ?? ""),
      s.durationSeconds === null ? "" : formatDuration(s.durationSeconds),
      s.status === "Failed" ? (s.failureReason ?? "") : (s.modelPackageArn ?? ""),
    ]),
  );
  return `${header}\n${table}`;
}
