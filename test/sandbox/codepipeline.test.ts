import {
  CodePipelineClient,
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  UpdatePipelineCommand,
  type PipelineDeclaration,
  type StageDeclaration,
} from "@aws-sdk/client-codepipeline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

/**
 * The sandbox's CodePipeline through the real SDK: a Source → Build → Staging → Approval →
 * Production pipeline run on the sandbox clock (stopped here; only `advance` moves it). Action
 * times (sandbox seconds): source 10, build 120, deploy 60, so a new execution reaches its
 * approval after 190 s.
 */
const sandbox = useSandbox({ trafficRps: 0, timeScale: 1e-6, tickSeconds: 3600 });
const cp = (sb: Sandbox = sandbox.current) => new CodePipelineClient(sdkConfig(sb, { maxAttempts: 1 }));
const advance = (seconds: number, sb: Sandbox = sandbox.current) => sb.clock.advance(seconds * 1000);
const ROLE = "arn:aws:iam::000000000000:role/codepipeline";
const TO_APPROVAL = 190;
const DAY = 24 * 3600;

const action = (name: string, category: string, provider: string, extra: Record<string, unknown> = {}) => ({ name, actionTypeId: { category, owner: "AWS", provider, version: "1" }, ...extra }) as never;
const stage = (name: string, ...actions: never[]): StageDeclaration => ({ name, actions });
const deploy = (name: string, input: string) => action(name, "Deploy", "CloudFormation", { inputArtifacts: [{ name: input }], configuration: { ActionMode: "CREATE_UPDATE", StackName: name.toLowerCase() } });

/** Source → Build → Staging → Approval → Production; `build` configures the CodeBuild action. */
function release(name: string, options: { mode?: "SUPERSEDED" | "QUEUED" | "PARALLEL"; build?: Record<string, string>; variables?: PipelineDeclaration["variables"] } = {}): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    artifactStore: { type: "S3", location: "artifacts-bucket" },
    executionMode: options.mode,
    variables: options.variables,
    stages: [
      stage("Source", action("Source", "Source", "CodeStarSourceConnection", { outputArtifacts: [{ name: "src" }], configuration: { ConnectionArn: "arn:aws:codeconnections:us-east-1:000000000000:connection/x", FullRepositoryId: "org/churn", BranchName: "main" } })),
      stage("Build", action("Build", "Build", "CodeBuild", { inputArtifacts: [{ name: "src" }], outputArtifacts: [{ name: "built" }], configuration: { ProjectName: "churn", ...options.build } })),
      stage("Staging", deploy("DeployStaging", "built")),
      stage("Approval", action("Approve", "Approval", "Manual", { configuration: { CustomData: "Check staging" } })),
      stage("Production", deploy("DeployProduction", "built")),
    ],
  };
}

async function create(declaration: PipelineDeclaration, sb: Sandbox = sandbox.current) {
  return cp(sb).send(new CreatePipelineCommand({ pipeline: declaration }));
}
const state = async (name: string, sb: Sandbox = sandbox.current) => (await cp(sb).send(new GetPipelineStateCommand({ name }))).stageStates!;
const stageOf = async (name: string, stageName: string, sb?: Sandbox) => (await state(name, sb)).find((s) => s.stageName === stageName)!;
const execution = async (pipelineName: string, pipelineExecutionId: string, sb?: Sandbox) => (await cp(sb).send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution!;
const approve = (pipelineName: string, token: string, status: "Approved" | "Rejected" = "Approved", sb?: Sandbox) =>
  cp(sb).send(new PutApprovalResultCommand({ pipelineName, stageName: "Approval", actionName: "Approve", token, result: { status, summary: `${status} by the test` } }));
const refusal = (p: Promise<unknown>) => p.then(() => ({ name: "accepted", message: "" }), (e: Error) => ({ name: e.name, message: e.message }));

/** The execution CreatePipeline started, waiting at its approval, and the approval's token. */
async function atApproval(name: string, sb: Sandbox = sandbox.current) {
  const created = (await cp(sb).send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries![0]!;
  advance(TO_APPROVAL, sb);
  const approval = await stageOf(name, "Approval", sb);
  expect(approval.latestExecution).toEqual({ pipelineExecutionId: created.pipelineExecutionId, status: "InProgress", type: "STANDARD" });
  return { id: created.pipelineExecutionId!, token: approval.actionStates![0]!.latestExecution!.token! };
}

describe("CodePipeline in the sandbox", () => {
  it("creates a pipeline that runs at once; an approval waits with a token, and Approved takes it to Succeeded", async () => {
    const sb = sandbox.current;
    const created = await create(release("churn-release"));
    expect(created.pipeline).toMatchObject({ name: "churn-release", version: 1, executionMode: "SUPERSEDED", pipelineType: "V1" });
    const got = await cp().send(new GetPipelineCommand({ name: "churn-release" }));
    expect(got.metadata!.pipelineArn).toBe(`arn:aws:codepipeline:${sb.region}:${sb.accountId}:churn-release`);
    expect(got.metadata!.created).toBeInstanceOf(Date);

    const { id, token } = await atApproval("churn-release");
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await stageOf("churn-release", "Staging")).actionStates![0]!.latestExecution!.status).toBe("Succeeded");
    // It waits as long as nobody answers (well within 7 days).
    advance(3 * DAY);
    expect((await execution("churn-release", id)).status).toBe("InProgress");

    const answer = await approve("churn-release", token);
    expect(answer.approvedAt).toBeInstanceOf(Date);
    const approval = (await stageOf("churn-release", "Approval")).actionStates![0]!.latestExecution!;
    expect(approval).toMatchObject({ status: "Succeeded", summary: "Approved by the test", lastUpdatedBy: `arn:aws:iam::${sb.accountId}:user/mlops-sandbox` });
    expect(approval.token).toBeUndefined();
    expect((await stageOf("churn-release", "Production")).latestExecution!.status).toBe("InProgress");
    advance(60);
    expect(await execution("churn-release", id)).toMatchObject({ status: "Succeeded", pipelineVersion: 1, trigger: { triggerType: "CreatePipeline" }, executionMode: "SUPERSEDED" });
    // Answered once: a second answer is refused.
    expect(await refusal(approve("churn-release", token))).toMatchObject({ name: "ApprovalAlreadyCompletedException" });
  });

  it("Rejected fails the approval stage and the execution; Production never runs", async () => {
    await create(release("churn-release"));
    const { id, token } = await atApproval("churn-release");
    await approve("churn-release", token, "Rejected");
    advance(600);
    expect((await execution("churn-release", id)).status).toBe("Failed");
    const stages = await state("churn-release");
    expect(stages.find((s) => s.stageName === "Approval")!.latestExecution!.status).toBe("Failed");
    expect(stages.find((s) => s.stageName === "Approval")!.actionStates![0]!.latestExecution).toMatchObject({ status: "Failed", summary: "Rejected by the test" });
    expect(stages.find((s) => s.stageName === "Production")!.latestExecution).toBeUndefined();
  });

  it("refuses a wrong token, stage or action, and changes nothing", async () => {
    await create(release("churn-release"));
    const { id, token } = await atApproval("churn-release");
    expect(await refusal(approve("churn-release", "00000000-0000-4000-8000-000000000000"))).toMatchObject({ name: "InvalidApprovalTokenException" });
    expect(await refusal(cp().send(new PutApprovalResultCommand({ pipelineName: "churn-release", stageName: "Nope", actionName: "Approve", token, result: { status: "Approved", summary: "" } })))).toMatchObject({ name: "StageNotFoundException" });
    expect(await refusal(cp().send(new PutApprovalResultCommand({ pipelineName: "churn-release", stageName: "Approval", actionName: "Nope", token, result: { status: "Approved", summary: "" } })))).toMatchObject({ name: "ActionNotFoundException" });
    expect(await refusal(approve("other", token))).toMatchObject({ name: "PipelineNotFoundException", message: `Account '000000000000' does not have a pipeline with name 'other'` });
    expect(await refusal(approve("churn-release", "not-a-uuid"))).toMatchObject({ name: "ValidationException", message: expect.stringContaining("'token'") });
    expect((await execution("churn-release", id)).status).toBe("InProgress");
  });

  it("an unanswered approval fails after 7 days of sandbox time, and its token is then refused", async () => {
    await create(release("churn-release"));
    const { id, token } = await atApproval("churn-release");
    advance(7 * DAY - 1);
    expect((await execution("churn-release", id)).status).toBe("InProgress");
    advance(1);
    expect((await execution("churn-release", id)).status).toBe("Failed");
    expect((await stageOf("churn-release", "Approval")).actionStates![0]!.latestExecution!.status).toBe("Failed");
    expect(await refusal(approve("churn-release", token))).toMatchObject({ name: "InvalidApprovalTokenException" });
  });

  it("PARALLEL: two approvals wait at once; their tokens come from ListActionExecutions, not GetPipelineState", async () => {
    await create(release("churn-release", { mode: "PARALLEL" }));
    advance(30);
    const second = (await cp().send(new StartPipelineExecutionCommand({ name: "churn-release" }))).pipelineExecutionId!;
    advance(TO_APPROVAL);
    const shown = (await stageOf("churn-release", "Approval")).actionStates![0]!.latestExecution!;
    expect([shown.status, shown.token]).toEqual(["InProgress", undefined]);
    const waiting = (await cp().send(new ListActionExecutionsCommand({ pipelineName: "churn-release" }))).actionExecutionDetails!.filter((d) => d.actionName === "Approve" && d.status === "InProgress");
    expect(waiting).toHaveLength(2);
    expect(waiting.map((w) => w.pipelineExecutionId)).toContain(second);
    for (const w of waiting) await approve("churn-release", w.output!.executionResult!.externalExecutionId!);
    advance(60);
    const summaries = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries!;
    expect(summaries.map((s) => [s.status, s.executionMode])).toEqual([["Succeeded", "PARALLEL"], ["Succeeded", "PARALLEL"]]);
  });

  it("SUPERSEDED: a newer execution replaces the one waiting for a stage; QUEUED: both wait their turn", async () => {
    await create(release("superseded"));
    await create(release("queued", { mode: "QUEUED" }));
    const start = async (name: string) => (await cp().send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
    const [b1, c1, b2, c2] = [await start("superseded"), await start("superseded"), await start("queued"), await start("queued")];
    const inbound = (await stageOf("queued", "Source")).inboundExecutions!.map((x) => x.pipelineExecutionId);
    expect(inbound).toEqual([b2, c2]);
    expect((await execution("superseded", b1)).status).toBe("Superseded");
    expect((await stageOf("superseded", "Source")).inboundExecution).toEqual({ pipelineExecutionId: c1, status: "InProgress", type: "STANDARD" });
    advance(10);
    expect((await stageOf("queued", "Source")).latestExecution!.pipelineExecutionId).toBe(b2);
    expect((await stageOf("superseded", "Source")).latestExecution!.pipelineExecutionId).toBe(c1);
  });

  it("fails an action on purpose: MLOPS_SANDBOX_FAIL in a CodeBuild action's EnvironmentVariables, or through a pipeline variable set at start", async () => {
    const env = JSON.stringify([{ name: "MLOPS_SANDBOX_FAIL", value: "1", type: "PLAINTEXT" }]);
    await create(release("broken", { build: { EnvironmentVariables: env } }));
    const first = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: "broken" }))).pipelineExecutionSummaries![0]!.pipelineExecutionId!;
    advance(130);
    expect(await execution("broken", first)).toMatchObject({ status: "Failed", statusSummary: expect.stringContaining("Build") });
    expect((await stageOf("broken", "Build")).actionStates![0]!.latestExecution).toMatchObject({ status: "Failed", errorDetails: { code: "JobFailed", message: "Build terminated with state: FAILED" } });
    expect((await stageOf("broken", "Staging")).latestExecution).toBeUndefined();

    // A pipeline variable: its default passes, a value given at start fails the build.
    await create(release("flagged", { build: { Mode: "#{variables.BUILD_MODE}" }, variables: [{ name: "BUILD_MODE", defaultValue: "normal" }] }));
    advance(130);
    const failing = (await cp().send(new StartPipelineExecutionCommand({ name: "flagged", variables: [{ name: "BUILD_MODE", value: "MLOPS_SANDBOX_FAIL" }] }))).pipelineExecutionId!;
    expect((await execution("flagged", failing)).variables).toEqual([{ name: "BUILD_MODE", resolvedValue: "MLOPS_SANDBOX_FAIL" }]);
    advance(130);
    const runs = (await cp().send(new ListActionExecutionsCommand({ pipelineName: "flagged", filter: { pipelineExecutionId: failing } }))).actionExecutionDetails!;
    expect(runs.find((r) => r.actionName === "Build")).toMatchObject({ status: "Failed", input: { resolvedConfiguration: { Mode: "MLOPS_SANDBOX_FAIL" } } });
    const summaries = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: "flagged" }))).pipelineExecutionSummaries!;
    expect(summaries.map((s) => s.status)).toEqual(["Failed", "InProgress"]);
    expect(await refusal(cp().send(new StartPipelineExecutionCommand({ name: "flagged", variables: [{ name: "OTHER", value: "x" }] })))).toMatchObject({ name: "ValidationException", message: expect.stringContaining("BUILD_MODE") });
  });

  it("stops an execution: waiting for in-progress actions, or abandoning them", async () => {
    await create(release("churn-release"));
    const id = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries![0]!.pipelineExecutionId!;
    advance(20);
    await cp().send(new StopPipelineExecutionCommand({ pipelineName: "churn-release", pipelineExecutionId: id, reason: "hold" }));
    expect((await execution("churn-release", id)).status).toBe("Stopping");
    expect(await refusal(cp().send(new StopPipelineExecutionCommand({ pipelineName: "churn-release", pipelineExecutionId: id })))).toMatchObject({ name: "DuplicatedStopRequestException" });
    advance(120);
    expect((await execution("churn-release", id)).status).toBe("Stopped");
    expect((await stageOf("churn-release", "Build")).actionStates![0]!.latestExecution!.status).toBe("Succeeded");
    expect((await stageOf("churn-release", "Staging")).latestExecution).toBeUndefined();
    const summary = (await cp().send(new ListPipelineExecutionsCommand({ pipelineName: "churn-release" }))).pipelineExecutionSummaries![0]!;
    expect(summary.stopTrigger).toEqual({ reason: "hold" });
    expect(await refusal(cp().send(new StopPipelineExecutionCommand({ pipelineName: "churn-release", pipelineExecutionId: id })))).toMatchObject({ name: "PipelineExecutionNotStoppableException" });

    const next = (await cp().send(new StartPipelineExecutionCommand({ name: "churn-release" }))).pipelineExecutionId!;
    advance(TO_APPROVAL);
    await cp().send(new StopPipelineExecutionCommand({ pipelineName: "churn-release", pipelineExecutionId: next, abandon: true }));
    expect((await execution("churn-release", next)).status).toBe("Stopped");
    expect((await stageOf("churn-release", "Approval")).actionStates![0]!.latestExecution!.status).toBe("Abandoned");
    expect(await refusal(cp().send(new GetPipelineExecutionCommand({ pipelineName: "churn-release", pipelineExecutionId: "00000000-0000-4000-8000-000000000000" })))).toMatchObject({ name: "PipelineExecutionNotFoundException" });
  });

  it("refuses invalid structures with AWS's error names, storing nothing", async () => {
    const base = release("bad");
    const [source, build] = base.stages!;
    const cases: Array<[PipelineDeclaration, string, RegExp]> = [
      [{ ...base, stages: [source!] }, "InvalidStructureException", /Pipeline has only 1 stages. There should be a minimum of 2 stages in a pipeline/],
      [{ ...base, stages: [source!, ...Array.from({ length: 50 }, (_, i) => stage(`S${i}`, action(`A${i}`, "Build", "CodeBuild")))] }, "InvalidStructureException", /50/],
      [{ ...base, stages: [build!, source!] }, "InvalidStructureException", /Pipeline should start with a stage that only contains source actions/],
      [{ ...base, stages: [source!, stage("Again", action("Source2", "Source", "S3"))] }, "InvalidStructureException", /Source2/],
      [{ ...base, stages: [source!, stage("Deploy", action("Blue", "Deploy", "CodeDeployToLambda"))] }, "InvalidActionDeclarationException", /ActionType \(Category: 'Deploy', Provider: 'CodeDeployToLambda', Owner: 'AWS', Version: '1'\) in action 'Blue' is not available in region 'US_EAST_1'/],
      [{ ...base, stages: [source!, stage("Build", action("B", "Build", "CodeBuild", { inputArtifacts: [{ name: "nowhere" }] }))] }, "InvalidStructureException", /nowhere/],
      [{ ...base, stages: [source!, stage("Twice", action("A", "Build", "CodeBuild"), action("A", "Test", "CodeBuild"))] }, "InvalidActionDeclarationException", /'A'/],
      [{ ...base, stages: [source!, build!, { ...build!, actions: [action("B2", "Build", "CodeBuild")] }] }, "InvalidStageDeclarationException", /Build/],
      [{ ...base, artifactStore: undefined }, "InvalidStructureException", /artifactStore/],
      [{ ...base, name: "bad name!" }, "ValidationException", /'pipeline.name'/],
      [{ ...base, stages: [source!, stage("X", action("A", "Build", "CodeBuild", { runOrder: 1000 }))] }, "ValidationException", /runOrder/],
    ];
    for (const [declaration, name, message] of cases) expect(await refusal(create(declaration)), JSON.stringify(declaration.stages?.map((s) => s.name))).toMatchObject({ name, message: expect.stringMatching(message) });
    expect((await cp().send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    await create(base);
    expect(await refusal(create(base))).toMatchObject({ name: "PipelineNameInUseException" });
    expect(await refusal(cp().send(new GetPipelineStateCommand({ name: "missing" })))).toMatchObject({ name: "PipelineNotFoundException" });
  });

  it("keeps pipelines per region: the ARN, the events and the action-type message name the caller's region", async () => {
    const sb = sandbox.current;
    const eu = new CodePipelineClient(sdkConfig(sb, { region: "eu-west-1", maxAttempts: 1 }));
    await eu.send(new CreatePipelineCommand({ pipeline: release("churn-release") }));
    expect((await eu.send(new GetPipelineCommand({ name: "churn-release" }))).metadata!.pipelineArn).toBe(`arn:aws:codepipeline:eu-west-1:${sb.accountId}:churn-release`);
    expect(await refusal(cp().send(new GetPipelineCommand({ name: "churn-release" })))).toMatchObject({ name: "PipelineNotFoundException" });
    expect(sb.events.events({ region: "eu-west-1" }).filter((e) => e.source === "aws.codepipeline").length).toBeGreaterThan(0);
    expect(sb.events.events({ region: sb.region }).filter((e) => e.source === "aws.codepipeline")).toEqual([]);
    const bad = { ...release("other"), stages: [release("other").stages![0]!, stage("Deploy", action("Blue", "Deploy", "CodeDeployToLambda"))] };
    expect(await refusal(eu.send(new CreatePipelineCommand({ pipeline: bad })))).toMatchObject({ message: expect.stringContaining("in region 'EU_WEST_1'") });
  });

  it("UpdatePipeline increments the version and keeps earlier versions readable; DeletePipeline forgets it", async () => {
    await create(release("churn-release"));
    advance(60);
    const updated = await cp().send(new UpdatePipelineCommand({ pipeline: { ...release("churn-release"), stages: release("churn-release").stages!.slice(0, 3) } }));
    expect(updated.pipeline!.version).toBe(2);
    const got = await cp().send(new GetPipelineCommand({ name: "churn-release" }));
    expect(got.pipeline!.stages).toHaveLength(3);
    expect(got.metadata!.updated!.getTime()).toBeGreaterThan(got.metadata!.created!.getTime());
    expect((await cp().send(new GetPipelineCommand({ name: "churn-release", version: 1 }))).pipeline!.stages).toHaveLength(5);
    expect(await refusal(cp().send(new GetPipelineCommand({ name: "churn-release", version: 3 })))).toMatchObject({ name: "PipelineVersionNotFoundException" });
    await cp().send(new DeletePipelineCommand({ name: "churn-release" }));
    expect(await refusal(cp().send(new GetPipelineCommand({ name: "churn-release" })))).toMatchObject({ name: "PipelineNotFoundException" });
  });

  it("pages ListPipelines, ListPipelineExecutions and ListActionExecutions with nextToken, and refuses a made-up token", async () => {
    for (let i = 0; i < 12; i++) await create(release(`p${String(i).padStart(2, "0")}`));
    const first = await cp().send(new ListPipelinesCommand({}));
    expect(first.pipelines).toHaveLength(10);
    const second = await cp().send(new ListPipelinesCommand({ nextToken: first.nextToken }));
    expect([...first.pipelines!, ...second.pipelines!].map((p) => p.name)).toEqual(Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, "0")}`));
    expect(second.nextToken).toBeUndefined();
    expect(await refusal(cp().send(new ListPipelinesCommand({ nextToken: "made-up" })))).toMatchObject({ name: "InvalidNextTokenException" });

    for (let i = 0; i < 4; i++) await cp().send(new StartPipelineExecutionCommand({ name: "p00", clientRequestToken: `token-${i}` }));
    // The same clientRequestToken starts nothing new.
    await cp().send(new StartPipelineExecutionCommand({ name: "p00", clientRequestToken: "token-3" }));
    const ids: string[] = [];
    let nextToken: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const answer = await cp().send(new ListPipelineExecutionsCommand({ pipelineName: "p00", maxResults: 2, nextToken }));
      ids.push(...answer.pipelineExecutionSummaries!.map((s) => s.pipelineExecutionId!));
      nextToken = answer.nextToken;
      if (!nextToken) break;
    }
    expect(new Set(ids).size).toBe(5);
    advance(TO_APPROVAL);
    const actions = await cp().send(new ListActionExecutionsCommand({ pipelineName: "p01", maxResults: 3 }));
    expect(actions.actionExecutionDetails!.map((d) => d.actionName)).toEqual(["Approve", "DeployStaging", "Build"]);
    const rest = await cp().send(new ListActionExecutionsCommand({ pipelineName: "p01", maxResults: 3, nextToken: actions.nextToken }));
    expect(rest.actionExecutionDetails!.map((d) => d.actionName)).toEqual(["Source"]);
  });

  it("publishes pipeline, stage and action state changes on the event bus, as CodePipeline sends them to EventBridge", async () => {
    const sb = sandbox.current;
    await create(release("churn-release"));
    const { id, token } = await atApproval("churn-release");
    await approve("churn-release", token);
    advance(60);
    const events = sb.events.events({ region: sb.region }).filter((e) => e.source === "aws.codepipeline");
    const arn = `arn:aws:codepipeline:${sb.region}:${sb.accountId}:churn-release`;
    expect(events.every((e) => e.resources[0] === arn && e.detail["execution-id"] === id && e.detail.pipeline === "churn-release")).toBe(true);
    const pipelineStates = events.filter((e) => e["detail-type"] === "CodePipeline Pipeline Execution State Change").map((e) => e.detail.state);
    expect(pipelineStates).toEqual(["STARTED", "SUCCEEDED"]);
    const stages = events.filter((e) => e["detail-type"] === "CodePipeline Stage Execution State Change").map((e) => `${e.detail.stage}:${e.detail.state}`);
    expect(stages).toEqual(["Source", "Build", "Staging", "Approval", "Production"].flatMap((s) => [`${s}:STARTED`, `${s}:SUCCEEDED`]));
    const approval = events.filter((e) => e["detail-type"] === "CodePipeline Action Execution State Change" && e.detail.action === "Approve");
    expect(approval.map((e) => e.detail.state)).toEqual(["STARTED", "SUCCEEDED"]);
    expect(approval[0]!.detail).toMatchObject({ stage: "Approval", region: sb.region, version: 1, type: { owner: "AWS", category: "Approval", provider: "Manual", version: "1" } });
    expect(events[0]!.detail["execution-trigger"]).toEqual({ "trigger-type": "CreatePipeline", "trigger-detail": `arn:aws:iam::${sb.accountId}:user/mlops-sandbox` });
  });

  it("keeps executions across a state file save and load: a waiting approval keeps its token, a running build goes on by itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-cp-"));
    const file = join(dir, "state.json");
    const options = { port: 0, trafficRps: 0, timeScale: 1e-6, tickSeconds: 3600, stateFile: file };
    try {
      const first = await startSandbox(options);
      await create(release("churn-release"), first);
      const { id, token } = await atApproval("churn-release", first);
      await cp(first).send(new StartPipelineExecutionCommand({ name: "churn-release" }));
      advance(20, first);
      await first.stop();

      const second = await startSandbox(options);
      try {
        // The build in progress at the save ends by itself on the restarted clock: its event comes without any call.
        advance(120, second);
        const built = second.events.events({}).filter((e) => e["detail-type"] === "CodePipeline Action Execution State Change" && e.detail.action === "Build");
        expect(built.map((e) => e.detail.state)).toEqual(["SUCCEEDED"]);
        const approval = (await stageOf("churn-release", "Approval", second)).actionStates![0]!.latestExecution!;
        expect(approval).toMatchObject({ status: "InProgress", token });
        await approve("churn-release", token, "Approved", second);
        advance(60, second);
        expect((await execution("churn-release", id, second)).status).toBe("Succeeded");
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
