import { parseJson } from "../helpers/schemas";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { beforeEach, describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

// `mlops models list` at scale: a page by default, --limit, --all, --no-metrics, and the calls
// each makes (the sandbox's request log), including under throttling.

const sandbox = useSandbox();
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4";
const ARN = "arn:aws:sagemaker:us-east-1:000000000000:model-package/churn";

const env = (extra: Record<string, string> = {}) => cleanEnv({ ...sandbox.current.env(), ...extra });
const list = (args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}) =>
  runCli(["models", "list", "--group", "churn", ...args], { env: options.env ?? env(), timeoutMs: options.timeoutMs });
const calls = (operation: string) => sandbox.current.requestLog.entries({ operation });
/** Versions count..1: the order the listing must show them in. */
const newestFirst = (count: number, from = count) => Array.from({ length: count }, (_, i) => from - i);
const versions = (doc: { models: Array<{ version: number }> }) => doc.models.map((m) => m.version);

/** Register versions 1..count in group churn; every tenth is approved. Clears the request log. */
async function seed(count: number) {
  const client = new SageMakerClient(sdkConfig(sandbox.current));
  await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
  for (let v = 1; v <= count; v++) {
    await client.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: "churn",
        ModelApprovalStatus: v % 10 === 0 ? "Approved" : "PendingManualApproval",
        InferenceSpecification: { Containers: [{ Image: IMAGE }] },
        CustomerMetadataProperties: { "mlops:metric:accuracy": `0.${String(v).padStart(3, "0")}`, "mlops:git:commit": `c0ffee${v}` },
      }),
    );
  }
  client.destroy();
  sandbox.current.requestLog.clear();
}

beforeEach(() => sandbox.current.requestLog.clear());

describe("mlops models list: a page by default", () => {
  it("shows the 30 newest of 45 versions, says more exist, and makes one list call and 30 describes", async () => {
    await seed(45);
    const r = await list(["--json"]);
    expect(r.code).toBe(0);
    const doc = parseJson("models-list", r.stdout);
    expect(versions(doc)).toEqual(newestFirst(30, 45));
    expect(doc).toMatchObject({ group: "churn", complete: false, more: true });
    expect(doc.error).toBeUndefined();
    expect(doc.models[0]).toEqual({
      version: 45,
      approvalStatus: "PendingManualApproval",
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      metrics: { accuracy: 0.045 },
      source: "git c0ffee4",
      modelPackageArn: `${ARN}/45`,
      description: null,
    });
    // One page, newest first asked for explicitly (SageMaker's default order is Ascending), one row more than shown.
    const pages = calls("ListModelPackages");
    expect(pages.map((e) => e.input)).toEqual([expect.objectContaining({ ModelPackageGroupName: "churn", SortBy: "CreationTime", SortOrder: "Descending", MaxResults: 31 })]);
    // Exactly the rows shown are described, nothing else is called.
    expect(calls("DescribeModelPackage").map((e) => (e.input as { ModelPackageName: string }).ModelPackageName).sort()).toEqual(newestFirst(30, 45).map((v) => `${ARN}/${v}`).sort());
    expect(sandbox.current.requestLog.entries()).toHaveLength(31);
  });

  it("on a terminal-style table, says on stderr that rows were left out and how to see them", async () => {
    await seed(35);
    const r = await list([]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+STATUS\s+CREATED \(UTC\)\s+METRICS\s+SOURCE$/);
    expect(lines).toHaveLength(31);
    expect(lines[1]).toMatch(/^\s+35\s+pending\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+accuracy=0\.035\s+git c0ffee3$/);
    expect(r.stderr.trim()).toBe("showing the 30 newest versions in churn; there are more: use --limit N or --all");
  });

  it("a group that fits in the page is complete, and an empty group is an empty, complete list", async () => {
    await seed(30);
    const full = parseJson("models-list", (await list(["--json"])).stdout);
    expect(versions(full)).toEqual(newestFirst(30));
    expect(full).toMatchObject({ complete: true, more: false });
    const table = await list([]);
    expect(table.stderr.trim()).toBe("30 versions in churn");

    await new SageMakerClient(sdkConfig(sandbox.current)).send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "empty" }));
    const empty = await runCli(["models", "list", "--group", "empty", "--json"], { env: env() });
    expect(empty.code).toBe(0);
    expect(parseJson("models-list", empty.stdout)).toEqual({ group: "empty", models: [], complete: true, more: false });
  });

  it("a version with no recorded source has source null in JSON, and its table row ends without padding", async () => {
    const client = new SageMakerClient(sdkConfig(sandbox.current));
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "bare" }));
    await client.send(new CreateModelPackageCommand({ ModelPackageGroupName: "bare", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    client.destroy();
    const doc = parseJson("models-list", (await runCli(["models", "list", "--group", "bare", "--json"], { env: env() })).stdout);
    expect(doc.models[0]).toMatchObject({ version: 1, metrics: {}, source: null });
    const lines = (await runCli(["models", "list", "--group", "bare"], { env: env() })).stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });
});

describe("mlops models list --limit and --all", () => {
  it("--limit N shows the N newest, one list call and N describes; a limit at or past the end is complete", async () => {
    await seed(45);
    const five = parseJson("models-list", (await list(["--limit", "5", "--json"])).stdout);
    expect(versions(five)).toEqual(newestFirst(5, 45));
    expect(five).toMatchObject({ complete: false, more: true });
    expect(calls("ListModelPackages").map((e) => (e.input as { MaxResults: number }).MaxResults)).toEqual([6]);
    expect(calls("DescribeModelPackage")).toHaveLength(5);

    for (const limit of ["45", "80"]) {
      const all = parseJson("models-list", (await list(["--limit", limit, "--json"])).stdout);
      expect(versions(all)).toEqual(newestFirst(45));
      expect(all).toMatchObject({ complete: true, more: false });
    }
    const approved = parseJson("models-list", (await list(["--status", "approved", "--limit", "3", "--json"])).stdout);
    expect(versions(approved)).toEqual([40, 30, 20]);
    expect(approved).toMatchObject({ complete: false, more: true });
  });

  it("--limit 100 over 150 versions takes a full page, then one row to learn that more exist", async () => {
    await seed(150);
    const doc = parseJson("models-list", (await list(["--limit", "100", "--json", "--no-metrics"])).stdout);
    expect(versions(doc)).toEqual(newestFirst(100, 150));
    expect(doc).toMatchObject({ complete: false, more: true });
    expect(calls("ListModelPackages").map((e) => (e.input as { MaxResults: number }).MaxResults)).toEqual([100, 1]);
  });

  it("--all lists every version across pages, complete, with one describe per version", async () => {
    await seed(130);
    const r = await list(["--all", "--json"]);
    expect(r.code).toBe(0);
    const doc = parseJson("models-list", r.stdout);
    expect(versions(doc)).toEqual(newestFirst(130));
    expect(doc).toMatchObject({ complete: true, more: false });
    expect(doc.models[129]).toMatchObject({ version: 1, metrics: { accuracy: 0.001 }, source: "git c0ffee1" });
    expect(calls("ListModelPackages").map((e) => (e.input as { MaxResults: number }).MaxResults)).toEqual([100, 100]);
    expect(calls("DescribeModelPackage")).toHaveLength(130);
    const table = await list(["--all"]);
    expect(table.stdout.trim().split("\n")).toHaveLength(131);
    expect(table.stderr.trim()).toBe("130 versions in churn");
  });

  it.each([
    [["--limit", "0x10"], '--limit must be a whole number (got "0x10")'],
    [["--limit", "1e3"], '--limit must be a whole number (got "1e3")'],
    [["--limit", "0"], "--limit must be at least 1 (got 0)"],
    [["--limit", "-5"], "--limit must be at least 1 (got -5)"],
    [["--limit=-1"], "--limit must be at least 1 (got -1)"],
    [["--limit", "Infinity"], '--limit must be a whole number (got "Infinity")'],
    [["--limit", "2.5"], '--limit must be a whole number (got "2.5")'],
    [["--all", "--limit", "10"], "--all and --limit cannot be used together"],
  ])("%j is a usage error (exit 2) that names the flag, before any AWS call", async (args, message) => {
    const r = await list([...args, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(parseJson("models-list", r.stdout)).toMatchObject({ error: { name: "usage", exitCode: 2 } });
    expect(sandbox.current.requestLog.entries()).toEqual([]);
  });
});

describe("mlops models list --no-metrics", () => {
  it("lists without a single describe: metrics and source are null, the table has no such columns", async () => {
    await seed(40);
    const doc = parseJson("models-list", (await list(["--no-metrics", "--json"])).stdout);
    expect(versions(doc)).toEqual(newestFirst(30, 40));
    expect(doc.models[0]).toMatchObject({ version: 40, approvalStatus: "Approved", metrics: null, source: null, modelPackageArn: `${ARN}/40` });
    expect(doc).toMatchObject({ complete: false, more: true });
    const table = await list(["--no-metrics", "--all"]);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+STATUS\s+CREATED \(UTC\)$/);
    expect(lines[1]).toMatch(/^\s+40\s+approved\s+\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(lines).toHaveLength(41);
    expect(calls("DescribeModelPackage")).toEqual([]);
    expect(calls("ListModelPackages")).toHaveLength(2);
  });
});

describe("mlops models list under throttling", () => {
  // Faults are not random: 30 % throttling fails exactly 3 requests in 10, spread evenly, per
  // operation (src/sandbox/faults.ts). What varies from run to run is only which call meets which
  // slot (8 describes run at once, and the SDK's back-off is jittered), and every call has 5
  // attempts and then mlops's own back-off. The run takes about 10–20 s; it is bounded at 120 s.
  it("lists all 260 versions with 30 % of SageMaker requests throttled, with the default retries", { timeout: 150_000 }, async () => {
    await seed(260);
    sandbox.current.faults.set([{ service: "sagemaker", operation: "*", throttle: 0.3 }]);
    const r = await list(["--all", "--json"], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("models-list", r.stdout);
    expect(versions(doc)).toEqual(newestFirst(260));
    expect(doc).toMatchObject({ complete: true, more: false });
    expect(doc.models.every((m: { version: number; metrics: { accuracy: number } }) => m.metrics.accuracy === m.version / 1000)).toBe(true);
    for (const operation of ["ListModelPackages", "DescribeModelPackage"]) {
      const log = calls(operation);
      const throttled = log.filter((e) => e.fault === "throttle");
      // Every call went through in the end, and exactly 30 % of the attempts were throttled.
      expect(log.length - throttled.length).toBe(operation === "ListModelPackages" ? 3 : 260);
      expect(throttled.length).toBe(Math.floor(log.length * 0.3 + 1e-9));
      expect(throttled.every((e) => e.status === 400 && e.error === "ThrottlingException")).toBe(true);
    }
  });
});
