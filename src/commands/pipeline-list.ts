import { describePipeline, listPipelineExecutionPages } from "../aws/pipelines";
import type { Context } from "../context";
import { executionId, executionRow } from "../core/pipeline-execution";
import { parseInteger } from "../core/flags";
import { errorDocument } from "../report-error";
import { MlopsError } from "../errors";
import { formatRow } from "../io/table";
import { resolvePipelineName } from "../pipeline/settings";
import type { ExecutionRow } from "../schemas/pipeline";

export interface ListOptions {
  name?: string;
  limit?: string;
}

const COLUMNS = [{ header: "EXECUTION" }, { header: "STATUS" }, { header: "STARTED" }, { header: "DISPLAY NAME" }, { header: "FAILURE" }];
const WIDTHS = [14, 10, 20, 24, 0];

export async function run(options: ListOptions, ctx: Context): Promise<void> {
  const name = resolvePipelineName(ctx, options.name);
  const limit = options.limit === undefined ? undefined : parseInteger("--limit", options.limit, { min: 1 });
  if (!(await describePipeline(ctx.aws, name))) throw new MlopsError(`pipeline ${name} does not exist`, { hint: "create it with `mlops pipeline upsert`" });
  const list = ctx.io.openList<ExecutionRow>({
    head: { pipelineName: name },
    key: "executions",
    header: formatRow(COLUMNS, WIDTHS, COLUMNS.map((c) => c.header)),
    render: (r) => formatRow(COLUMNS, WIDTHS, [executionId(r.pipelineExecutionArn), r.status, r.started?.replace(/\.\d+Z$/, "Z") ?? "", r.displayName ?? "", r.failureReason ?? ""]),
  });
  let count = 0;
  let more = false;
  try {
    pages: for await (const page of listPipelineExecutionPages(ctx.aws, name, limit === undefined ? 100 : Math.min(100, limit))) {
      for (const [i, summary] of page.items.entries()) {
        if (limit !== undefined && count >= limit) {
          more = true;
          break pages;
        }
        list.add(executionRow(summary));
        count += 1;
        if (limit !== undefined && count >= limit && (i < page.items.length - 1 || page.more)) {
          more = true;
          break pages;
        }
      }
    }
  } catch (error) {
    list.close({ error: errorDocument(error) });
    throw error;
  }
  list.close({ more });
  if (count === 0) ctx.io.info(`${name} has no execution yet`);
  else if (more) ctx.io.info(`the ${count} newest executions; more exist (raise --limit to see them)`);
}
