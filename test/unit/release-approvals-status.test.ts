import type { ChalkInstance } from "chalk";
import { describe, expect, it } from "vitest";
import {
  actionType,
  checkDeclared,
  checkExecutionId,
  chooseApproval,
  describeApproval,
  executionEnd,
  isManualApproval,
  parseVariables,
  progressLine,
  releaseStatus,
  renderApproval,
  renderStart,
  renderReleaseStatus,
  waitingApprovals,
  type PipelineShape,
  type WaitingApproval,
} from "../../src/core/release";
import { MlopsError } from "../../src/errors";
import { usageErrorOf } from "../helpers/usage-error";

const APPROVAL = { category: "Approval", owner: "AWS", provider: "Manual", version: "1" };
const BUILD = { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" };
const T0 = Date.parse("2026-11-30T08:00:00Z");
const DAY = 86_400_000;
const UUID = "3137f7cb-7cf7-4d1b-9a3e-2e1b7c1d0a59";

/** A style that names each colour in the text, so the colour a status gets can be seen. */
const tag = (name: string) => (text: string) => `<${name}>${text}</${name}>`;
const tagged = { green: tag("green"), red: tag("red"), cyan: tag("cyan"), dim: tag("dim"), bold: tag("bold"), yellow: tag("yellow") } as unknown as ChalkInstance;

describe("CodePipeline identifiers and variables (botocore codepipeline model)", () => {
  it.each([`x${UUID}`, `${UUID}x`, UUID.toUpperCase()])("execution id %j is refused", (id) => {
    expect(() => checkExecutionId(id)).toThrow(`--execution "${id}" is not a pipeline execution id`);
  });

  it("50 variables are accepted, 51 refused", () => {
    const flags = (n: number) => Array.from({ length: n }, (_, i) => `V${i}=x`);
    expect(parseVariables(flags(50))).toHaveLength(50);
    expect(usageErrorOf(() => parseVariables(flags(51))).message).toBe("--variable: 51 variables; StartPipelineExecution takes at most 50");
  });

  it("a value of 1000 characters is accepted, 1001 refused", () => {
    expect(parseVariables([`V=${"v".repeat(1000)}`])).toEqual([{ name: "V", value: "v".repeat(1000) }]);
    expect(usageErrorOf(() => parseVariables([`V=${"v".repeat(1001)}`])).message).toBe("--variable V: the value is 1001 characters; it must be 1 to 1000");
  });

  it("declarations without a name are not listed", () => {
    expect(usageErrorOf(() => checkDeclared([{ name: "B" }], [{}, { name: "A" }], "churn")).message).toBe("--variable B: pipeline churn declares no variable of that name; it declares A");
  });
});

describe("what counts as a manual approval", () => {
  it.each([
    [APPROVAL, true],
    [{ ...APPROVAL, provider: "Other" }, false],
    [{ ...APPROVAL, owner: "Custom" }, false],
    [{ ...APPROVAL, category: "Build" }, false],
    [undefined, false],
  ])("%j → %s", (type, manual) => {
    expect(isManualApproval(type)).toBe(manual);
  });

  const declared: PipelineShape = { stages: [{ name: "Prod", actions: [{ name: "Gate", actionTypeId: APPROVAL }, { name: "Deploy", actionTypeId: BUILD }] }, { name: "Empty" }] };
  it.each([
    ["Prod", "Deploy", BUILD],
    ["Prod", "Gate", APPROVAL],
    ["Prod", "Nope", undefined],
    ["Empty", "Gate", undefined],
    ["Nope", "Gate", undefined],
  ])("the declared type of %s/%s", (stage, action, type) => {
    expect(actionType(declared, stage, action)).toEqual(type);
  });

  it("a pipeline without stages declares no type", () => {
    expect(actionType({}, "Prod", "Gate")).toBeUndefined();
  });
});

describe("waiting approvals from sparse answers", () => {
  it("PARALLEL mode: only InProgress Manual approvals with a token; missing names and start time", () => {
    const executions = [
      { status: "InProgress", input: { actionTypeId: APPROVAL }, output: { executionResult: { externalExecutionId: "tok" } } },
      { status: "InProgress", stageName: "S", actionName: "A" },
      { status: "InProgress", input: { actionTypeId: APPROVAL }, output: {} },
      { status: "InProgress", input: { actionTypeId: APPROVAL } },
      { status: "InProgress", input: {}, output: { executionResult: { externalExecutionId: "tok2" } } },
    ];
    expect(waitingApprovals({ executionMode: "PARALLEL" }, {}, executions)).toEqual([{ stage: "", action: "", pipelineExecutionId: null, token: "tok", since: null, expiresAt: null }]);
    expect(waitingApprovals({ executionMode: "PARALLEL" }, {})).toEqual([]);
  });

  it("other modes: a state without stages or actions waits for nothing", () => {
    expect(waitingApprovals({}, {})).toEqual([]);
    expect(waitingApprovals({}, { stageStates: [{ stageName: "Prod" }, { stageName: "X", actionStates: [{ actionName: "Gate" }] }] })).toEqual([]);
  });

  it("other modes: no status change time and no stage execution are unknown", () => {
    const pipeline: PipelineShape = { stages: [{ name: "Prod", actions: [{ name: "Gate", actionTypeId: APPROVAL }] }] };
    const state = { stageStates: [{ stageName: "Prod", actionStates: [{ actionName: "Gate", latestExecution: { status: "InProgress", token: "tok" } }] }] };
    expect(waitingApprovals(pipeline, state)).toEqual([{ stage: "Prod", action: "Gate", pipelineExecutionId: null, token: "tok", since: null, expiresAt: null }]);
  });
});

describe("choosing one approval", () => {
  const at = (stage: string, action: string, execution: string | null, since: number | null = T0): WaitingApproval => ({
    stage,
    action,
    pipelineExecutionId: execution,
    token: "t",
    since,
    expiresAt: since === null ? null : since + 7 * DAY,
  });

  it("a line names the flags, then what is known", () => {
    expect(describeApproval(at("Prod", "Gate", "e1"), T0 + DAY)).toBe("--stage Prod --action Gate (execution e1, waiting since 2026-11-30T08:00:00.000Z, times out in 144h)");
    expect(describeApproval(at("Prod", "Gate", null, null), T0)).toBe("--stage Prod --action Gate");
  });

  it.each([
    [{ action: "Deploy" }, "action Deploy"],
    [{ stage: "Staging" }, "stage Staging"],
    [{ execution: "e9" }, "execution e9"],
    [{ stage: "Prod", action: "Deploy", execution: "e1" }, "stage Prod, action Deploy, execution e1"],
  ])("none matching %j names where it looked", (pick, where) => {
    const run = () => chooseApproval([at("Prod", "Gate", "e1", null)], { pipeline: "p", ...pick }, T0);
    expect(run).toThrow(MlopsError);
    expect(run).toThrow(`no manual approval is waiting in pipeline p at ${where}; waiting:\n  --stage Prod --action Gate (execution e1)`);
  });

  it("none at all: a hint to look at the status", () => {
    try {
      chooseApproval([], { pipeline: "p" }, T0);
      expect.unreachable();
    } catch (error) {
      expect((error as MlopsError).hint).toBe("see where it stands with `mlops release status --pipeline p`");
    }
  });
});

describe("how a failed execution is explained", () => {
  it("the failed action updated last, whatever the order of the list; a summary when no error message", () => {
    const actions = [
      { stageName: "B", actionName: "Late", status: "Failed", lastUpdateTime: new Date(T0 + 2000), output: { executionResult: { externalExecutionSummary: "late summary" } } },
      { stageName: "A", actionName: "Early", status: "Failed", lastUpdateTime: new Date(T0 + 1000), output: { executionResult: { errorDetails: { message: "early error" } } } },
      { stageName: "C", actionName: "Ok", status: "Succeeded", lastUpdateTime: new Date(T0 + 3000) },
      { stageName: "D", actionName: "Undated", status: "Failed" },
    ];
    expect(executionEnd("Failed", "summary", actions)).toEqual({ status: "Failed", failedStage: "B", failedAction: "Late", failureReason: "late summary" });
    expect(executionEnd("Failed", "summary", actions.slice(1))).toEqual({ status: "Failed", failedStage: "A", failedAction: "Early", failureReason: "early error" });
    expect(executionEnd("Failed", "summary", [actions[3]!])).toEqual({ status: "Failed", failedStage: "D", failedAction: "Undated", failureReason: "summary" });
    expect(executionEnd("Failed", undefined, [{ status: "Failed", output: { executionResult: {} } }])).toEqual({ status: "Failed", failedStage: null, failedAction: null, failureReason: null });
  });

  it("progress names the running actions only", () => {
    const actions = [
      { stageName: "Build", actionName: "Train", status: "InProgress" },
      { stageName: "Build", actionName: "Lint", status: "Succeeded" },
    ];
    expect(progressLine("InProgress", actions)).toBe("Build/Train in progress");
    expect(progressLine(undefined, [])).toBe("unknown");
  });
});

describe("release status from sparse answers", () => {
  it("missing names, version and mode; a stage's actions matched by name", () => {
    const pipeline: PipelineShape = { stages: [{ actions: [{ name: "Gate" }, { name: "Deploy", actionTypeId: BUILD }] }, { name: "Empty" }] };
    const state = { stageStates: [{ actionStates: [{ actionName: "Deploy", latestExecution: { status: "Failed", errorDetails: { message: "boom" } } }, { actionName: "Gate" }] }] };
    expect(releaseStatus(pipeline, state, { pipelineExecutionId: "e1" }, [])).toEqual({
      pipeline: "",
      pipelineVersion: null,
      executionMode: "SUPERSEDED",
      currentExecution: { pipelineExecutionId: "e1", status: "InProgress", startTime: null, lastUpdateTime: null, statusSummary: null },
      stages: [
        {
          name: "",
          status: null,
          pipelineExecutionId: null,
          actions: [
            { name: "Gate", category: null, provider: null, status: null, summary: null, lastStatusChange: null, errorMessage: null },
            { name: "Deploy", category: "Build", provider: "CodeBuild", status: "Failed", summary: null, lastStatusChange: null, errorMessage: "boom" },
          ],
        },
        { name: "Empty", status: null, pipelineExecutionId: null, actions: [] },
      ],
      waitingApprovals: [],
    });
    expect(releaseStatus({}, {}, undefined, []).stages).toEqual([]);
  });

  it("each status has its colour; an error message wins over a summary", () => {
    const pipeline: PipelineShape = {
      name: "p",
      version: 2,
      executionMode: "QUEUED",
      stages: [
        {
          name: "S",
          actions: ["Succeeded", "Failed", "Stopped", "Cancelled", "InProgress", "Abandoned", "Never"].map((name) => ({ name, actionTypeId: BUILD })),
        },
      ],
    };
    const latest = (status: string) => ({ actionName: status, latestExecution: { status, summary: `${status} summary`, errorDetails: status === "Failed" ? { message: "boom" } : undefined } });
    const state = { stageStates: [{ stageName: "S", latestExecution: { status: "Stopped", pipelineExecutionId: "e1" }, actionStates: ["Succeeded", "Failed", "Stopped", "Cancelled", "InProgress", "Abandoned"].map(latest) }] };
    const report = releaseStatus(pipeline, state, { pipelineExecutionId: "e1", status: "Cancelled", statusSummary: "by hand" }, []);
    expect(renderReleaseStatus(report, tagged, T0).split("\n")).toEqual([
      "<bold>p</bold>  <dim>version 2, QUEUED mode</dim>",
      "execution e1: <red>Cancelled</red> · by hand",
      "",
      "<bold>S</bold>  <red>Stopped</red>",
      "  Succeeded <dim>(Build/CodeBuild)</dim>  <green>Succeeded</green>  Succeeded summary",
      "  Failed <dim>(Build/CodeBuild)</dim>  <red>Failed</red>  boom",
      "  Stopped <dim>(Build/CodeBuild)</dim>  <red>Stopped</red>  Stopped summary",
      "  Cancelled <dim>(Build/CodeBuild)</dim>  <red>Cancelled</red>  Cancelled summary",
      "  InProgress <dim>(Build/CodeBuild)</dim>  <cyan>InProgress</cyan>  InProgress summary",
      "  Abandoned <dim>(Build/CodeBuild)</dim>  <dim>Abandoned</dim>  Abandoned summary",
      "  Never <dim>(Build/CodeBuild)</dim>  <dim>never run</dim>",
      "",
      "no manual approval is waiting",
    ]);
  });

  it("unknown version and types, a change time, and how many approvals wait", () => {
    const report = {
      pipeline: "p",
      pipelineVersion: null,
      executionMode: "SUPERSEDED",
      currentExecution: null,
      stages: [{ name: "S", status: "InProgress", pipelineExecutionId: "e1", actions: [{ name: "A", category: null, provider: null, status: "Succeeded", summary: null, lastStatusChange: "2026-11-30T08:00:00.000Z", errorMessage: null }] }],
      waitingApprovals: [
        { stage: "S", action: "A", pipelineExecutionId: "e1", since: null, expiresAt: null },
        { stage: "S", action: "B", pipelineExecutionId: "e1", since: null, expiresAt: null },
      ],
    };
    expect(renderReleaseStatus(report, tagged, T0).split("\n")).toEqual([
      "<bold>p</bold>  <dim>version ?, SUPERSEDED mode</dim>",
      "no execution yet",
      "",
      "<bold>S</bold>  <cyan>InProgress</cyan>",
      "  A <dim>(?/?)</dim>  <green>Succeeded</green>  <dim>2026-11-30T08:00:00.000Z</dim>",
      "",
      "2 manual approvals wait:",
      "  <yellow>S/A</yellow>",
      '<dim>    mlops release approve --pipeline p --stage S --action A --summary "…"</dim>',
      "  <yellow>S/B</yellow>",
      '<dim>    mlops release approve --pipeline p --stage S --action B --summary "…"</dim>',
    ]);
    expect(renderReleaseStatus({ ...report, waitingApprovals: report.waitingApprovals.slice(0, 1) }, tagged, T0)).toContain("\n1 manual approval waits:\n");
  });

  it("an answer without --wait has no ending; an approval that succeeded is green", () => {
    const result = { pipeline: "p", stage: "S", action: "Gate", pipelineExecutionId: null, status: "Approved" as const, summary: "ok", approvedAt: null, execution: null };
    expect(renderApproval(result, tagged)).toBe("p S/Gate: <green>approved</green>");
    const waited = { ...result, execution: { status: "Succeeded", failedStage: null, failedAction: null, failureReason: null, durationSeconds: 65 } };
    expect(renderApproval(waited, tagged)).toBe("p S/Gate: <green>approved</green>\nthe execution ended <green>Succeeded</green> after 1m 5s");
  });

  it("a start names the execution and its variables in order; with --wait, how it ended and where", () => {
    const started = { pipeline: "p", pipelineExecutionId: UUID, clientRequestToken: "t", variables: [], execution: null };
    expect(renderStart(started, tagged)).toBe(`p: execution ${UUID} started`);
    const withVars = { ...started, variables: [{ name: "B", value: "2" }, { name: "A", value: "x=y" }] };
    expect(renderStart(withVars, tagged)).toBe(`p: execution ${UUID} started with B=2, A=x=y`);
    const failed = { ...withVars, execution: { status: "Failed", failedStage: "Deploy", failedAction: "Canary", failureReason: "alarm fired", durationSeconds: 3 } };
    expect(renderStart(failed, tagged)).toBe(`p: execution ${UUID} started with B=2, A=x=y\nthe execution ended <red>Failed</red> at Deploy/Canary: alarm fired after 3s`);
  });
});
