import type { ModelPackageSummary } from "@aws-sdk/client-sagemaker";
import { outlastThrottling } from "../aws/errors";
import { describeModelPackage, findGroupArn, groupNotFound, listModelPackagePage, type ModelPackagePage } from "../aws/registry";
import type { Context } from "../context";
import { checkResourceName } from "../core/aws-names";
import { mapInOrder } from "../core/map-in-order";
import { parseInteger } from "../core/flags";
import { describeSource } from "../core/lineage";
import { approvalWord, parseApproval, recordedMetrics } from "../core/registry";
import { UsageError } from "../errors";
import { validator } from "../io/prompt";
import { errorDocument } from "../report-error";
import { formatRow, truncate, type Column } from "../io/table";
import type { ModelRow } from "../schemas/registry";

export interface ModelsListOptions {
  group?: string;
  status?: string;
  limit?: string;
  all?: boolean;
  /** false with --no-metrics: no DescribeModelPackage call, rows without metrics and source. */
  metrics?: boolean;
}

export type { ModelRow };

/** Versions shown when neither --limit nor --all is given: one screen, as `gh` lists. */
export const DEFAULT_LIMIT = 30;
/** SageMaker's largest ListModelPackages page (MaxResults). */
const MAX_PAGE_SIZE = 100;
/** At most 100,000 pages (10 million versions): a service that never stops paging cannot loop us forever. */
const MAX_PAGES = 100_000;
/** Versions described at once: enough to hide latency, few enough not to be throttled. A slow one holds up the rest only after a page's worth (MAX_PAGE_SIZE) of rows. */
const CONCURRENCY = 8;

const COLUMNS: Column[] = [{ header: "VERSION", align: "right" }, { header: "STATUS" }, { header: "CREATED (UTC)" }, { header: "METRICS" }, { header: "SOURCE" }];
const WIDTHS = [7, 8, 16, 32, 0];
/** Without metrics: VERSION, STATUS, CREATED. */
const BRIEF_COLUMNS = 3;

/**
 * How many versions to show, from --limit and --all: a positive whole number, Infinity for
 * --all, DEFAULT_LIMIT when neither is given. Throws UsageError (exit 2) naming the flag for a
 * bad --limit, or when both are given.
 */
export function listLimit(options: Pick<ModelsListOptions, "limit" | "all">): number {
  if (options.all && options.limit !== undefined) throw new UsageError("--all and --limit cannot be used together", { hint: "use --limit N for the N newest versions, or --all for every version" });
  if (options.all) return Infinity;
  return options.limit === undefined ? DEFAULT_LIMIT : parseInteger("--limit", options.limit, { min: 1 });
}

/**
 * `mlops models list`: a group's versions, newest first, streamed as they arrive (one page in
 * memory however long the listing). Lists only the pages the shown rows need, asking for one row
 * more than it shows so that it knows whether more exist, and describes only the rows it shows
 * (none with --no-metrics), 8 at a time. Throttling that outlasts the SDK's retries backs off
 * and tries again (a few times) rather than ending the listing.
 *
 * With --json one document: `{"group", "models": [ModelRow…], "complete", "more"?, "error"?}`;
 * `complete` is true only when every matching version is listed. Exit 2 for bad flags (before
 * any AWS call), 1 when the group does not exist or an AWS call fails (the document then ends
 * with `"complete": false, "error": {…}`).
 */
export async function run(options: ModelsListOptions, ctx: Context): Promise<void> {
  const limit = listLimit(options);
  const status = options.status === undefined ? undefined : parseApproval("--status", options.status);
  const group =
    options.group ??
    (await ctx.prompt.text({
      flag: "--group",
      message: "Model package group",
      // The name's rule, and a group that exists: a typo is asked again rather than listed as nothing.
      validate: validator(async (v) => {
        checkResourceName("--group", v);
        if (!(await findGroupArn(ctx.aws, v))) throw new UsageError(groupNotFound(v).message);
      }),
    }));
  checkResourceName("--group", group);
  const withMetrics = options.metrics !== false;

  let warned = false;
  const patiently = <T>(call: () => Promise<T>) =>
    outlastThrottling(call, {
      sleep: (ms) => ctx.clock.sleep(ms, ctx.signal),
      onThrottled: () => {
        if (!warned) ctx.io.info("AWS is throttling the listing: backing off and trying again");
        warned = true;
      },
    });
  // One row more than still wanted: that row, or its absence, says whether more versions exist.
  const fetchPage = (token: string | undefined, wanted: number) =>
    patiently(() => listModelPackagePage(ctx.aws, { group, status, pageSize: Math.min(MAX_PAGE_SIZE, wanted + 1), token }));
  const toRow = async (summary: ModelPackageSummary): Promise<ModelRow> => {
    const row = summaryRow(summary);
    if (!withMetrics) return row;
    // Metrics and source live in each version's metadata, which the listing does not carry.
    const properties = (await patiently(() => describeModelPackage(ctx.aws, summary.ModelPackageArn!)))?.CustomerMetadataProperties ?? {};
    return { ...row, metrics: recordedMetrics(properties), source: describeSource(properties) };
  };

  let page: ModelPackagePage = await fetchPage(undefined, limit);
  // An empty listing may mean a typo in the group name (SageMaker may list nothing rather than
  // fail): say so rather than print nothing. Asked only then, so a listing costs no extra call.
  if (page.items.length === 0 && !(await findGroupArn(ctx.aws, group))) throw groupNotFound(group);

  const columns = withMetrics ? COLUMNS.length : BRIEF_COLUMNS;
  const row = (cells: string[]) => formatRow(COLUMNS.slice(0, columns), WIDTHS, cells.slice(0, columns));
  const list = ctx.io.openList<ModelRow>({
    head: { group },
    key: "models",
    header: row(COLUMNS.map((c) => c.header)),
    render: (model, style) =>
      row([
        String(model.version),
        statusStyle(model.approvalStatus, style),
        model.created ? model.created.slice(0, 16).replace("T", " ") : "",
        truncate(Object.entries(model.metrics ?? {}).map(([k, v]) => `${k}=${v}`).join(" "), WIDTHS[3]!),
        model.source ?? "",
      ]),
  });

  let more = false;
  // The versions to show, page by page, fetched only as the describes (if any) catch up.
  async function* summaries(): AsyncGenerator<ModelPackageSummary> {
    let shown = 0;
    for (let pages = 1; pages <= MAX_PAGES; pages++) {
      const rows = page.items.slice(0, limit - shown);
      yield* rows;
      shown += rows.length;
      more = page.items.length > rows.length;
      if (more || !page.nextToken) return;
      page = await fetchPage(page.nextToken, limit - shown);
    }
    more = true; // the page bound was reached with a next page still to come
  }

  let failure: unknown;
  try {
    // Describes run 8 at a time, across page boundaries, and rows still come out in order.
    for await (const model of mapInOrder(summaries(), toRow, { concurrency: CONCURRENCY, window: MAX_PAGE_SIZE })) list.add(model);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A listing cut short must not read as a short but complete one.
    const count = list.close(failure === undefined ? { more } : { error: errorDocument(failure) });
    if (!ctx.io.json) ctx.io.info(summaryLine(count, group, status, more && failure === undefined));
  }
}

function summaryRow(summary: ModelPackageSummary): ModelRow {
  return {
    version: summary.ModelPackageVersion ?? 0,
    approvalStatus: summary.ModelApprovalStatus ?? "",
    created: summary.CreationTime?.toISOString() ?? null,
    metrics: null,
    source: null,
    modelPackageArn: summary.ModelPackageArn!,
    description: summary.ModelPackageDescription ?? null,
  };
}

/** The line on stderr after the table: how many, and when rows were left out, how to see them. */
function summaryLine(count: number, group: string, status: string | undefined, more: boolean): string {
  const what = `version${count === 1 ? "" : "s"} in ${group}${status ? ` (${approvalWord(status)})` : ""}`;
  return more ? `showing the ${count} newest ${what}; there are more: use --limit N or --all` : `${count} ${what}`;
}

function statusStyle(status: string, style: { green(s: string): string; red(s: string): string; yellow(s: string): string }): string {
  const word = approvalWord(status);
  return word === "approved" ? style.green(word) : word === "rejected" ? style.red(word) : style.yellow(word);
}
