import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema";
import {
  APPROVAL_TIMEOUT_MS,
  checkDeclared,
  checkExecutionId,
  checkPipelineName,
  checkSummary,
  chooseApproval,
  executionEnd,
  isFinalExecutionStatus,
  parseVariables,
  progressLine,
  releaseStatus,
  renderApproval,
  renderReleaseStatus,
  waitingApprovals,
  type ActionExecutionShape,
  type PipelineShape,
  type StateShape,
  type WaitingApproval,
} from "../../src/core/release";
import { MlopsError, UsageError } from "../../src/errors";
import { releaseApprovalResult, releaseStatusReport } from "../../src/schemas/release";

const APPROVAL = { category: "Approval", owner: "AWS", provider: "Manual", version: "1" };
const BUILD = { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" };
const TOKEN_A = "11111111-2222-3333-4444-555555555555";
const TOKEN_B = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const T0 = Date.parse("2026-11-30T08:00:00Z");
const plain = new Chalk({ level: 0 });

/** Source → Build → Staging-Gate (approval) → Deploy, plus a second approval in Deploy. */
const pipeline = (mode = "SUPERSEDED"): PipelineShape => ({
  name: "churn-release",
  version: 3,
  executionMode: mode,
  variables: [{ name: "MODEL_VERSION" }, { name: "NOTE", defaultValue: "x" }],
  stages: [
    { name: "Build", actions: [{ name: "Train", actionTypeId: BUILD }] },
    { name: "Staging", actions: [{ name: "Gate", actionTypeId: APPROVAL }] },
    { name: "Production", actions: [{ name: "Gate", actionTypeId: APPROVAL }, { name: "Deploy", actionTypeId: BUILD }] },
  ],
});

const state = (approvals: Array<{ stage: string; token?: string; status?: string }>): StateShape => ({
  stageStates: [
    { stageName: "Build", latestExecution: { pipelineExecutionId: "e1", status: "Succeeded" }, actionStates: [{ actionName: "Train", latestExecution: { status: "Succeeded", summary: "built", lastStatusChange: new Date(T0 - 60_000) } }] },
    ...approvals.map((a) => ({
      stageName: a.stage,
      latestExecution: { pipelineExecutionId: "e1", status: "InProgress" },
      actionStates: [{ actionName: "Gate", latestExecution: { status: a.status ?? "InProgress", token: a.token, lastStatusChange: new Date(T0) } }],
    })),
  ],
});

describe("names, summaries and variables, checked before any call", () => {
  it.each(["churn-release", "a", "x.y@z_1-2", "p".repeat(100)])("accepts the pipeline name %j", (name) => {
    expect(checkPipelineName("--pipeline", name)).toBe(name);
  });
  it.each(["", "has space", "p".repeat(101), "slash/no", "ünïcode"])("refuses the pipeline name %j, naming its source", (name) => {
    expect(() => checkPipelineName("MLOPS_RELEASE_PIPELINE", name)).toThrow(/MLOPS_RELEASE_PIPELINE .* not a CodePipeline name/);
  });
  it("a summary: 512 characters pass, 513 do not; blank and control characters are refused", () => {
    expect(checkSummary("s".repeat(512))).toHaveLength(512);
    expect(() => checkSummary("s".repeat(513))).toThrow("--summary is 513 characters; the limit is 512");
    expect(() => checkSummary("  ")).toThrow(UsageError);
    expect(() => checkSummary("two\nlines")).toThrow(/control characters/);
  });
  it("variables: K=V pairs, the name rule, value length, at most 50, repeated identical pairs folded", () => {
    expect(parseVariables(["MODEL_VERSION=7", "NOTE=a=b", "MODEL_VERSION=7"])).toEqual([
      { name: "MODEL_VERSION", value: "7" },
      { name: "NOTE", value: "a=b" },
    ]);
    expect(() => parseVariables(["novalue"])).toThrow(/must be KEY=VALUE/);
    expect(() => parseVariables(["A=1", "A=2"])).toThrow(/given twice/);
    expect(() => parseVariables(["bad name=1"])).toThrow(/variable name is 1 to 128/);
    expect(() => parseVariables(["A="])).toThrow(/value is 0 characters/);
    expect(() => parseVariables([`A=${"v".repeat(1001)}`])).toThrow(/1001 characters/);
    expect(() => parseVariables(Array.from({ length: 51 }, (_, i) => `V${i}=1`))).toThrow(/at most 50/);
  });
  it("an undeclared variable is refused, listing the declared ones", () => {
    expect(() => checkDeclared([{ name: "MODEL_VERSION" }], pipeline().variables!, "churn-release")).not.toThrow();
    expect(() => checkDeclared([{ name: "MODEL" }], pipeline().variables!, "churn-release")).toThrow("--variable MODEL: pipeline churn-release declares no variable of that name; it declares MODEL_VERSION, NOTE");
    expect(() => checkDeclared([{ name: "X" }], [], "p")).toThrow(/it declares none/);
  });
  it("mlops.yaml takes release.pipeline, with CodePipeline's name rule", () => {
    expect(ConfigSchema.safeParse({ release: { pipeline: "churn-release" } }).success).toBe(true);
    expect(ConfigSchema.safeParse({ release: { pipeline: "bad name" } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ release: { pipline: "typo" } }).success).toBe(false);
  });
});

describe("the waiting manual approvals", () => {
  it("outside PARALLEL mode: InProgress Manual approvals with a token, from GetPipelineState; since and 7 days later", () => {
    const found = waitingApprovals(pipeline(), state([{ stage: "Staging", token: TOKEN_A }]));
    expect(found).toEqual([{ stage: "Staging", action: "Gate", pipelineExecutionId: "e1", token: TOKEN_A, since: T0, expiresAt: T0 + APPROVAL_TIMEOUT_MS }]);
    expect(APPROVAL_TIMEOUT_MS).toBe(604_800_000);
  });
  it("answered, failed or token-less approvals and non-approval actions do not wait", () => {
    expect(waitingApprovals(pipeline(), state([{ stage: "Staging", token: TOKEN_A, status: "Succeeded" }, { stage: "Production", status: "InProgress" }]))).toEqual([]);
    const building: StateShape = { stageStates: [{ stageName: "Build", actionStates: [{ actionName: "Train", latestExecution: { status: "InProgress", token: TOKEN_A } }] }] };
    expect(waitingApprovals(pipeline(), building)).toEqual([]);
  });
  it("in PARALLEL mode: the token is ListActionExecutions' externalExecutionId", () => {
    const executions: ActionExecutionShape[] = [
      { pipelineExecutionId: "e1", stageName: "Staging", actionName: "Gate", status: "InProgress", startTime: new Date(T0), input: { actionTypeId: APPROVAL }, output: { executionResult: { externalExecutionId: TOKEN_A } } },
      { pipelineExecutionId: "e2", stageName: "Staging", actionName: "Gate", status: "InProgress", startTime: new Date(T0 + 1000), input: { actionTypeId: APPROVAL }, output: { executionResult: { externalExecutionId: TOKEN_B } } },
      { pipelineExecutionId: "e0", stageName: "Staging", actionName: "Gate", status: "Succeeded", input: { actionTypeId: APPROVAL }, output: { executionResult: { externalExecutionId: TOKEN_B } } },
      { pipelineExecutionId: "e1", stageName: "Build", actionName: "Train", status: "InProgress", input: { actionTypeId: BUILD }, output: { executionResult: { externalExecutionId: "build-1" } } },
    ];
    // GetPipelineState holds no token in this mode; it is not read.
    const found = waitingApprovals(pipeline("PARALLEL"), state([{ stage: "Staging" }]), executions);
    expect(found.map((a) => [a.pipelineExecutionId, a.token, a.since])).toEqual([
      ["e1", TOKEN_A, T0],
      ["e2", TOKEN_B, T0 + 1000],
    ]);
  });
});

describe("choosing the approval to answer", () => {
  const a: WaitingApproval = { stage: "Staging", action: "Gate", pipelineExecutionId: "e1", token: TOKEN_A, since: T0, expiresAt: T0 + APPROVAL_TIMEOUT_MS };
  const b: WaitingApproval = { ...a, stage: "Production", token: TOKEN_B };
  const pick = (stage?: string, action?: string) => ({ pipeline: "churn-release", stage, action });

  it("one waiting: that one, with or without --stage", () => {
    expect(chooseApproval([a], pick(), T0)).toBe(a);
    expect(chooseApproval([a, b], pick("Production"), T0)).toBe(b);
    expect(chooseApproval([a, b], pick("Staging", "Gate"), T0)).toBe(a);
  });
  it("none waiting: exit 1, saying so", () => {
    const error = (() => {
      try {
        chooseApproval([], pick(), T0);
      } catch (e) {
        return e as MlopsError;
      }
    })()!;
    expect(error).toBeInstanceOf(MlopsError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe("no manual approval is waiting in pipeline churn-release");
  });
  it("none at the given stage: exit 1, listing those that wait", () => {
    expect(() => chooseApproval([a], pick("Production"), T0)).toThrow(/no manual approval is waiting in pipeline churn-release at stage Production; waiting:\n {2}--stage Staging --action Gate/);
  });
  it("two waiting and no --stage: exit 2 listing both, with the time left", () => {
    let error: unknown;
    try {
      chooseApproval([a, b], pick(), T0 + 3600_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain("2 manual approvals are waiting in pipeline churn-release; choose one with --stage and --action:");
    expect(message).toContain("--stage Staging --action Gate (execution e1, waiting since 2026-11-30T08:00:00.000Z, times out in 167h)");
    expect(message).toContain("--stage Production --action Gate");
  });
});

describe("choosing among executions (PARALLEL mode)", () => {
  const e1: WaitingApproval = { stage: "Approval", action: "Gate", pipelineExecutionId: "11111111-1111-1111-1111-111111111111", token: TOKEN_A, since: T0, expiresAt: T0 + APPROVAL_TIMEOUT_MS };
  const e2: WaitingApproval = { ...e1, pipelineExecutionId: "22222222-2222-2222-2222-222222222222", token: TOKEN_B };
  it("one action waiting in two executions: exit 2 asking for --execution, listing each", () => {
    expect(() => chooseApproval([e1, e2], { pipeline: "p" }, T0)).toThrow(/choose one with --execution:\n {2}--stage Approval --action Gate --execution 11111111-[^\n]*\n {2}--stage Approval --action Gate --execution 22222222-/);
    expect(chooseApproval([e1, e2], { pipeline: "p", execution: e2.pipelineExecutionId! }, T0)).toBe(e2);
  });
  it("--execution is a UUID, checked before any call", () => {
    expect(checkExecutionId(e1.pipelineExecutionId!)).toBe(e1.pipelineExecutionId);
    expect(() => checkExecutionId("latest")).toThrow(/--execution "latest" is not a pipeline execution id/);
  });
});

describe("how an execution ends", () => {
  const failed: ActionExecutionShape[] = [
    { stageName: "Build", actionName: "Train", status: "Succeeded", lastUpdateTime: new Date(T0) },
    { stageName: "Staging", actionName: "Gate", status: "Failed", lastUpdateTime: new Date(T0 + 1000), output: { executionResult: { externalExecutionSummary: "latency regression", errorDetails: { code: "JobFailed", message: "Rejected by reviewer" } } } },
  ];
  it("Succeeded names nothing; Failed names the failed stage/action and its error", () => {
    expect(executionEnd("Succeeded", undefined, failed)).toEqual({ status: "Succeeded", failedStage: null, failedAction: null, failureReason: null });
    expect(executionEnd("Failed", "x", failed)).toEqual({ status: "Failed", failedStage: "Staging", failedAction: "Gate", failureReason: "Rejected by reviewer" });
    expect(executionEnd("Stopped", "stopped by a person", []).failureReason).toBe("stopped by a person");
  });
  it("final statuses, and one line of progress", () => {
    expect(["Succeeded", "Failed", "Stopped", "Cancelled", "Superseded"].every(isFinalExecutionStatus)).toBe(true);
    expect(isFinalExecutionStatus("InProgress") || isFinalExecutionStatus("Stopping")).toBe(false);
    expect(progressLine("InProgress", [{ stageName: "Staging", actionName: "Gate", status: "InProgress", input: { actionTypeId: APPROVAL } }])).toBe("Staging/Gate waiting for approval");
    expect(progressLine("InProgress", [])).toBe("InProgress");
  });
});

describe("release status", () => {
  it("every declared stage and action, with its state; the newest execution; approvals with since and until", () => {
    const waiting = waitingApprovals(pipeline(), state([{ stage: "Staging", token: TOKEN_A }]));
    const report = releaseStatus(pipeline(), state([{ stage: "Staging", token: TOKEN_A }]), { pipelineExecutionId: "e1", status: "InProgress", startTime: new Date(T0 - 120_000) }, waiting);
    expect(releaseStatusReport.parse(report)).toEqual(report);
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ["Build", "Succeeded"],
      ["Staging", "InProgress"],
      ["Production", null],
    ]);
    expect(report.stages[0]!.actions[0]).toEqual({ name: "Train", category: "Build", provider: "CodeBuild", status: "Succeeded", summary: "built", lastStatusChange: "2026-11-30T07:59:00.000Z", errorMessage: null });
    expect(report.waitingApprovals).toEqual([{ stage: "Staging", action: "Gate", pipelineExecutionId: "e1", since: "2026-11-30T08:00:00.000Z", expiresAt: "2026-12-07T08:00:00.000Z" }]);
    expect(JSON.stringify(report)).not.toContain(TOKEN_A);
    const text = renderReleaseStatus(report, plain, T0);
    expect(text).toContain("execution e1: InProgress");
    expect(text).toContain("Staging/Gate since 2026-11-30T08:00:00.000Z, times out in 168h");
    expect(text).toContain('mlops release approve --pipeline churn-release --stage Staging --action Gate --summary "…"');
  });
  it("a pipeline that never ran", () => {
    const report = releaseStatus(pipeline(), {}, undefined, []);
    expect(report.currentExecution).toBeNull();
    expect(renderReleaseStatus(report, plain, T0)).toMatch(/no execution yet[\s\S]*no manual approval is waiting/);
  });
  it("an answer, and the ending a --wait adds", () => {
    const result = { pipeline: "p", stage: "Staging", action: "Gate", pipelineExecutionId: "e1", status: "Rejected" as const, summary: "no", approvedAt: null, execution: { status: "Failed", failedStage: "Staging", failedAction: "Gate", failureReason: "Rejected", durationSeconds: 3 } };
    expect(releaseApprovalResult.parse(result)).toEqual(result);
    expect(renderApproval(result, plain)).toBe("p Staging/Gate: rejected (execution e1)\nthe execution ended Failed at Staging/Gate: Rejected after 3s");
  });
});
