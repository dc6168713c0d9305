import type { ModelPackageSummary } from "@aws-sdk/client-sagemaker";
import { describeModelPackage, findGroupArn, listModelPackagePages } from "../aws/registry";
import type { Context } from "../context";
import { checkResourceName } from "../core/aws-names";
import { parseInteger } from "../core/flags";
import { describeSource } from "../core/lineage";
import { approvalWord, parseApproval, recordedMetrics } from "../core/registry";
import { MlopsError } from "../errors";
import { errorDocument } from "../report-error";
import { formatRow, truncate, type Column } from "../io/table";
import type { ModelRow } from "../schemas/registry";

export interface ModelsListOptions {
  group?: string;
  status?: string;
  limit?: string;
}

export type { ModelRow };

const COLUMNS: Column[] = [{ header: "VERSION", align: "right" }, { header: "STATUS" }, { header: "CREATED" }, { header: "METRICS" }, { header: "SOURCE" }];
const WIDTHS = [7, 8, 16, 32, 0];
/** Versions described at once: enough to hide latency, few enough not to be throttled. */
const CONCURRENCY = 8;

export async function run(options: ModelsListOptions, ctx: Context): Promise<void> {
  const group = options.group ?? (await ctx.prompt.text({ flag: "--group", message: "Model package group" }));
  checkResourceName("--group", group);
  const status = options.status === undefined ? undefined : parseApproval("--status", options.status);
  const limit = options.limit === undefined ? Infinity : parseInteger("--limit", options.limit, { min: 1 });
  // An empty listing may mean a typo in the group name: say so rather than print nothing.
  if (!(await findGroupArn(ctx.aws, group))) {
    throw new MlopsError(`model package group ${group} does not exist`, { hint: "register a first version with `mlops register --group …`" });
  }

  const list = ctx.io.openList<ModelRow>({
    head: { group },
    key: "models",
    header: formatRow(COLUMNS, WIDTHS, COLUMNS.map((c) => c.header)),
    render: (row, style) =>
      formatRow(COLUMNS, WIDTHS, [
        String(row.version),
        statusStyle(row.approvalStatus, style),
        row.created ? row.created.slice(0, 16).replace("T", " ") : "",
        truncate(Object.entries(row.metrics).map(([k, v]) => `${k}=${v}`).join(" "), WIDTHS[3]!),
        row.source,
      ]),
  });

  let remaining = limit;
  let failure: unknown;
  try {
    for await (const page of listModelPackagePages(ctx.aws, { group, status, pageSize: Math.min(100, remaining) })) {
      // Metrics and source live in each version's metadata, which the listing does not carry.
      for (const row of await withConcurrency(page.slice(0, remaining), CONCURRENCY, (s) => toRow(ctx, s))) list.add(row);
      remaining -= Math.min(page.length, remaining);
      if (remaining <= 0) break;
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A listing cut short must not read as a short but complete one.
    const count = list.close(failure === undefined ? undefined : errorDocument(failure));
    if (!ctx.io.json) ctx.io.info(`${count} version${count === 1 ? "" : "s"} in ${group}${status ? ` (${approvalWord(status)})` : ""}`);
  }
}

async function toRow(ctx: Context, summary: ModelPackageSummary): Promise<ModelRow> {
  const pkg = await describeModelPackage(ctx.aws, summary.ModelPackageArn!);
  const properties = pkg?.CustomerMetadataProperties ?? {};
  return {
    version: summary.ModelPackageVersion ?? 0,
    approvalStatus: summary.ModelApprovalStatus ?? "",
    created: summary.CreationTime?.toISOString() ?? null,
    metrics: recordedMetrics(properties),
    source: describeSource(properties),
    modelPackageArn: summary.ModelPackageArn!,
    description: summary.ModelPackageDescription ?? null,
  };
}

function statusStyle(status: string, style: { green(s: string): string; red(s: string): string; yellow(s: string): string }): string {
  const word = approvalWord(status);
  return word === "approved" ? style.green(word) : word === "rejected" ? style.red(word) : style.yellow(word);
}

/** Map with at most `limit` calls in flight, keeping the input order. */
async function withConcurrency<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
