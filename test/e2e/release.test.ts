import { CodePipelineClient, CreatePipelineCommand, StartPipelineExecutionCommand, GetPipelineExecutionCommand, GetPipelineStateCommand, ListPipelineExecutionsCommand, type PipelineDeclaration } from "@aws-sdk/client-codepipeline";
import { afterEach, describe, expect, it } from "vitest";
import { cleanEnv, runCli, runInTerminal } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

/**
 * `mlops release` (built CLI) against the sandbox's CodePipeline: Source → Build → Staging →
 * Approval → Production. The sandbox clock stands still (only `advance` moves it) until a test
 * follows an execution with --wait; then it runs 100 times faster than real time (the 60 s of a
 * deploy take 0.6 s, long enough for a poll to see it in progress). Action times
 * (sandbox seconds): source 10, build 120, deploy 60, so a new execution reaches its approval
 * after 190 s.
 */
const sandbox = useSandbox({ trafficRps: 0, timeScale: 1e-6, tickSeconds: 3600 });
// The clock stands still again for the next test (reset keeps the scale).
afterEach(() => sandbox.current.clock.setScale(1e-6));
const cp = () => new CodePipelineClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const ROLE = "arn:aws:iam::000000000000:role/codepipeline";
const TO_APPROVAL = 190;
const PIPELINE = "churn-release";

const action = (name: string, category: string, provider: string, extra: Record<string, unknown> = {}) => ({ name, actionTypeId: { category, owner: "AWS", provider, version: "1" }, ...extra }) as never;
const deploy = (name: string) => action(name, "Deploy", "CloudFormation", { inputArtifacts: [{ name: "built" }], configuration: { ActionMode: "CREATE_UPDATE", StackName: name.toLowerCase() } });
const approval = (name: string) => action(name, "Approval", "Manual");

/** The release pipeline; `secondGate` adds a second approval in Production beside the first one's stage. */
function declaration(options: { secondGate?: boolean; variables?: PipelineDeclaration["variables"]; mode?: "PARALLEL" } = {}): PipelineDeclaration {
  return {
    name: PIPELINE,
    executionMode: options.mode,
    roleArn: ROLE,
    artifactStore: { type: "S3", location: "artifacts-bucket" },
    variables: options.variables,
    stages: [
      { name: "Source", actions: [action("Source", "Source", "CodeStarSourceConnection", { outputArtifacts: [{ name: "src" }], configuration: { ConnectionArn: "arn:aws:codeconnections:us-east-1:000000000000:connection/x", FullRepositoryId: "org/churn", BranchName: "main" } })] },
      { name: "Build", actions: [action("Build", "Build", "CodeBuild", { inputArtifacts: [{ name: "src" }], outputArtifacts: [{ name: "built" }], configuration: { ProjectName: "churn" } })] },
      { name: "Staging", actions: [deploy("DeployStaging")] },
      { name: "Approval", actions: [approval("Approve"), ...(options.secondGate ? [approval("Security")] : [])] },
      { name: "Production", actions: [deploy("DeployProduction")] },
    ],
  };
}

/** Create the pipeline (which starts an execution) and bring that execution to its approval. */
async function atApproval(options: Parameters<typeof declaration>[0] = {}): Promise<string> {
  await cp().send(new CreatePipelineCommand({ pipeline: declaration(options) }));
  const id = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: PIPELINE }))).pipelineExecutionSummaries![0]!.pipelineExecutionId!;
  sandbox.current.clock.advance(TO_APPROVAL * 1000);
  return id;
}

/** The clock runs (100×) for the rest of the test: the env is taken after, so the CLI follows it. */
function running(): Record<string, string> {
  sandbox.current.clock.setScale(100);
  return env();
}

const env = (extra: Record<string, string> = {}) => cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5", ...extra });
const release = (args: string[], extra: { env?: Record<string, string> } = {}) => runCli(["release", ...args], { env: extra.env ?? env(), timeoutMs: 30_000 });
const status = async (id: string) => (await cp().send(new GetPipelineExecutionCommand({ pipelineName: PIPELINE, pipelineExecutionId: id }))).pipelineExecution!.status;

describe("mlops release", () => {
  it("status shows every stage and action, the current execution, and the approval that waits with its timeout", async () => {
    const id = await atApproval();
    const r = await release(["status", "--pipeline", PIPELINE, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("release-status", r.stdout);
    expect(doc.currentExecution).toMatchObject({ pipelineExecutionId: id, status: "InProgress" });
    expect(doc.stages.map((s: { name: string; status: string | null }) => [s.name, s.status])).toEqual([
      ["Source", "Succeeded"],
      ["Build", "Succeeded"],
      ["Staging", "Succeeded"],
      ["Approval", "InProgress"],
      ["Production", null],
    ]);
    expect(doc.waitingApprovals).toHaveLength(1);
    const waiting = doc.waitingApprovals[0];
    expect(waiting).toMatchObject({ stage: "Approval", action: "Approve", pipelineExecutionId: id });
    expect(Date.parse(waiting.expiresAt) - Date.parse(waiting.since)).toBe(7 * 86_400_000);
    // The token is for PutApprovalResult only.
    const token = (await cp().send(new GetPipelineStateCommand({ name: PIPELINE }))).stageStates!.find((s) => s.stageName === "Approval")!.actionStates![0]!.latestExecution!.token!;
    expect(r.stdout).not.toContain(token);

    const human = await release(["status"], { env: env({ MLOPS_RELEASE_PIPELINE: PIPELINE }) });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("Approval/Approve since");
    expect(human.stdout).toContain(`mlops release approve --pipeline ${PIPELINE} --stage Approval --action Approve`);
  });

  it("approve --wait answers the approval; the execution moves on to Production and succeeds (exit 0)", async () => {
    const id = await atApproval();
    const r = await release(["approve", "--pipeline", PIPELINE, "--summary", "staging looks good", "--yes", "--wait", "--json"], { env: running() });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("release-approve", r.stdout);
    expect(doc).toMatchObject({ pipeline: PIPELINE, stage: "Approval", action: "Approve", pipelineExecutionId: id, status: "Approved", summary: "staging looks good" });
    expect(doc.execution).toMatchObject({ status: "Succeeded", failedStage: null });
    expect(await status(id)).toBe("Succeeded");
    // Off a terminal, one plain line per change on stderr.
    expect(r.stderr).toMatch(/Production\/DeployProduction in progress/);
  });

  it("reject fails the execution at the approval; with --wait it exits 1 naming the stage and action", async () => {
    const id = await atApproval();
    const r = await release(["reject", "--pipeline", PIPELINE, "--summary", "latency regression", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("release-reject", r.stdout)).toMatchObject({ status: "Rejected", execution: null });
    expect(await status(id)).toBe("Failed");

    // A second execution, rejected with --wait.
    sandbox.current.reset();
    const second = await atApproval();
    const waited = await release(["reject", "--pipeline", PIPELINE, "--summary", "no", "--yes", "--wait", "--json"], { env: running() });
    expect(waited.code, waited.stderr).toBe(1);
    expect(parseJson("release-reject", waited.stdout).execution).toMatchObject({ status: "Failed", failedStage: "Approval", failedAction: "Approve" });
    expect(waited.stderr).toContain(`pipeline ${PIPELINE} execution ${second} ended Failed at Approval/Approve`);
  });

  it("no approval waiting: exit 1 saying so, with nothing changed", async () => {
    await cp().send(new CreatePipelineCommand({ pipeline: declaration() }));
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await release(["approve", "--pipeline", PIPELINE, "--summary", "ok", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`no manual approval is waiting in pipeline ${PIPELINE}`);
    expect(parseJson("release-approve", r.stdout).error).toMatchObject({ name: "failed", exitCode: 1 });
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });

  it("two waiting and no --stage/--action: exit 2 listing both; --action chooses one", async () => {
    await atApproval({ secondGate: true });
    const seq = sandbox.current.requestLog.lastSeq;
    const [r, sameStage] = await Promise.all([
      release(["approve", "--pipeline", PIPELINE, "--summary", "ok", "--yes"]),
      release(["approve", "--pipeline", PIPELINE, "--stage", "Approval", "--summary", "ok", "--yes"]),
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("2 manual approvals are waiting");
    expect(r.stderr).toContain("--stage Approval --action Approve");
    expect(r.stderr).toContain("--stage Approval --action Security");
    expect(sameStage.code, sameStage.stderr).toBe(2);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);

    const one = await release(["approve", "--pipeline", PIPELINE, "--stage", "Approval", "--action", "Security", "--summary", "ok", "--yes", "--json"]);
    expect(one.code, one.stderr).toBe(0);
    expect(parseJson("release-approve", one.stdout)).toMatchObject({ action: "Security", status: "Approved" });
    const left = parseJson("release-status", (await release(["status", "--pipeline", PIPELINE, "--json"])).stdout);
    expect(left.waitingApprovals.map((a: { action: string }) => a.action)).toEqual(["Approve"]);
  });

  it("PARALLEL mode: the token comes from ListActionExecutions; one approval waiting in two executions needs --execution", async () => {
    await cp().send(new CreatePipelineCommand({ pipeline: declaration({ mode: "PARALLEL" }) }));
    const first = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: PIPELINE }))).pipelineExecutionSummaries![0]!.pipelineExecutionId!;
    const second = (await cp().send(new StartPipelineExecutionCommand({ name: PIPELINE }))).pipelineExecutionId!;
    sandbox.current.clock.advance(TO_APPROVAL * 1000);
    const both = await release(["approve", "--pipeline", PIPELINE, "--summary", "ok", "--yes"]);
    expect(both.code, both.stderr).toBe(2);
    expect(both.stderr).toContain("choose one with --execution");
    for (const id of [first, second]) expect(both.stderr).toContain(`--stage Approval --action Approve --execution ${id}`);

    const r = await release(["approve", "--pipeline", PIPELINE, "--execution", second, "--summary", "ok", "--yes", "--wait", "--json"], { env: running() });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("release-approve", r.stdout)).toMatchObject({ pipelineExecutionId: second, execution: { status: "Succeeded" } });
    expect(await status(second)).toBe("Succeeded");
    expect(await status(first)).toBe("InProgress");
  });

  it("refuses before any call (the other checks are in test/unit/release-core.test.ts): a summary over 512 characters, --timeout without --wait, no --yes off a terminal", async () => {
    await atApproval();
    const seq = sandbox.current.requestLog.lastSeq;
    const cases: Array<[string[], RegExp]> = [
      [["approve", "--pipeline", PIPELINE, "--summary", "s".repeat(513), "--yes"], /--summary is 513 characters; the limit is 512/],
      [["reject", "--pipeline", PIPELINE, "--summary", "ok", "--yes", "--timeout", "5m"], /--timeout applies to --wait/],
      [["approve", "--pipeline", PIPELINE, "--summary", "ok"], /--yes is required when not running interactively/],
    ];
    const results = await Promise.all(cases.map(([args]) => release(args)));
    results.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    expect(sandbox.current.requestLog.entries({ since: seq })).toEqual([]);
  });

  it("start: variables checked against the declared ones (exit 2 listing them); --wait gives up at --timeout (exit 5)", async () => {
    await cp().send(new CreatePipelineCommand({ pipeline: declaration({ variables: [{ name: "MODEL_VERSION", defaultValue: "1" }] }) }));
    const seq = sandbox.current.requestLog.lastSeq;
    const unknown = await release(["start", "--pipeline", PIPELINE, "--variable", "MODEL=7"]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain(`--variable MODEL: pipeline ${PIPELINE} declares no variable of that name; it declares MODEL_VERSION`);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);

    const started = await release(["start", "--pipeline", PIPELINE, "--variable", "MODEL_VERSION=7", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    const doc = parseJson("release-start", started.stdout);
    expect(doc.variables).toEqual([{ name: "MODEL_VERSION", value: "7" }]);
    expect(doc.clientRequestToken).toMatch(/^[a-zA-Z0-9-]{1,128}$/);
    const execution = (await cp().send(new GetPipelineExecutionCommand({ pipelineName: PIPELINE, pipelineExecutionId: doc.pipelineExecutionId }))).pipelineExecution!;
    expect(execution.variables).toEqual([{ name: "MODEL_VERSION", resolvedValue: "7" }]);

    // --wait with a timeout shorter than the road to the approval: exit 5, naming how to follow it.
    const timedOut = await release(["start", "--pipeline", PIPELINE, "--wait", "--timeout", "30s"], { env: running() });
    expect(timedOut.code, timedOut.stderr).toBe(5);
    expect(timedOut.stderr).toContain(`mlops release status --pipeline ${PIPELINE}`);
  });

  it("on a terminal: the summary is asked, the answer confirmed; no is exit 7 with nothing changed; yes approves", async () => {
    const id = await atApproval();
    const ask = (answer: string) => async () => {
      const term = runInTerminal(["release", "approve", "--pipeline", PIPELINE], { env: cleanEnv({ ...sandbox.current.env(), CI: undefined }) });
      try {
        await term.waitFor(/Summary recorded with the approval of churn-release Approval\/Approve/, 15_000);
        term.type("\r");
        await term.waitFor(/a summary is needed/);
        term.type("canary metrics look fine\r");
        await term.waitFor(new RegExp(`Approve churn-release Approval/Approve \\(execution ${id}\\)\\?`));
        term.type(answer);
        const code = await Promise.race([term.exited, new Promise<string>((r) => setTimeout(() => r("hung"), 8000))]);
        return { code, text: term.text() };
      } finally {
        term.kill();
      }
    };
    const declined = await ask("n\r")();
    expect(declined.code, declined.text).toBe(7);
    expect(declined.text).toContain("approve declined: churn-release Approval/Approve still waits; nothing was changed");
    expect(sandbox.current.requestLog.mutatingCalls().filter((c) => c.operation === "PutApprovalResult")).toEqual([]);
    const accepted = await ask("y\r")();
    expect(accepted.code).toBe(0);
    expect(accepted.text).toContain("churn-release Approval/Approve: approved");
    expect(accepted.text).toContain('# next time, without questions: mlops release approve --pipeline churn-release --summary \'canary metrics look fine\' --yes');
  });

  it("in CodeBuild (CODEBUILD_BUILD_ID set), even on a terminal, nothing is asked: exit 2 naming --summary and --yes", async () => {
    await atApproval();
    const term = runInTerminal(["release", "approve", "--pipeline", PIPELINE], { env: cleanEnv({ ...sandbox.current.env(), CI: undefined, CODEBUILD_BUILD_ID: "churn:1" }) });
    try {
      expect(await term.exited).toBe(2);
      expect(term.text()).toContain("--summary and --yes are required when not running interactively");
    } finally {
      term.kill();
    }
  });

  it("a pipeline that does not exist: exit 2 naming it", async () => {
    const r = await release(["status", "--pipeline", "nope", "--json"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("there is no CodePipeline pipeline named nope");
    parseJson("release-status", r.stdout);
  });
});
