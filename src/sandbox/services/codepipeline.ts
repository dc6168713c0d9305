import { randomUUID } from "node:crypto";
import { jsonErrorProfile } from "../errors";
import { callerIdentity } from "../identity";
import { paginate } from "../paginate";
import { record } from "../records";
import type { Operation, OperationContext, ServiceDefinition } from "../service";
import { INPUTS } from "./codepipeline/specs";
import { finishAction, isActive, nextDue, settle, startExecution, stopExecution, type ActionRun, type Emit, type ExecutionRecord, type PipelineRecord } from "./codepipeline/runner";
import { checkStructure, cpError, isApproval, pipelineTypeOf, type PipelineDeclaration } from "./codepipeline/structure";

/**
 * CodePipeline (JSON 1.1, `CodePipeline_20150709`): pipelines with AWS's structure rules, and
 * executions that really run on the sandbox clock (runner.ts): actions succeed after simulated
 * time or fail on purpose, Manual approvals wait for PutApprovalResult or expire after 7 days,
 * executions supersede, queue or run in parallel by execution mode, and every change is an
 * EventBridge event (`source: aws.codepipeline`) on the sandbox's bus.
 */

export interface CodePipelineState {
  pipelines: Record<string, PipelineRecord>;
  /** Earlier versions of each pipeline's declaration, by name then version. */
  history: Record<string, Record<string, PipelineDeclaration>>;
}

type Ctx = OperationContext<CodePipelineState>;

/** doc: quotas, 1000 pipelines per Region per account (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html). */
const MAX_PIPELINES = 1000;
/** doc: quotas, 50 tags per resource. */
const MAX_TAGS = 50;
/** ListPipelines documents no default page size: small, so that code forgetting nextToken fails here. */
const PIPELINES_PAGE = 10;
/** ListPipelineExecutions and ListActionExecutions: "Default value is 100" (model). */
const HISTORY_PAGE = 100;

const notFound = (ctx: Ctx, name: string) => cpError("PipelineNotFoundException", `Account '${ctx.accountId}' does not have a pipeline with name '${name}'`);

function findPipeline(ctx: Ctx, name: string): PipelineRecord {
  const p = Object.hasOwn(ctx.state.pipelines, name) ? ctx.state.pipelines[name] : undefined;
  if (!p) throw notFound(ctx, name);
  return p;
}

function findExecution(p: PipelineRecord, id: string): ExecutionRecord {
  const e = p.executions.find((x) => x.id === id);
  if (!e) throw cpError("PipelineExecutionNotFoundException", `Pipeline execution ${id} does not exist in pipeline ${p.name}`);
  return e;
}

const page = <T>(items: T[], input: { maxResults?: number; nextToken?: string; [k: string]: unknown }, size: number) =>
  paginate(items, input, { defaultPageSize: size, invalidToken: (m) => cpError("InvalidNextTokenException", m) });

/** EventBridge detail members as CodePipeline sends them (doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html). */
function emitter(ctx: Omit<Ctx, "requestId">): Emit {
  const publish = (p: PipelineRecord, detailType: string, detail: Record<string, unknown>) =>
    ctx.events.publish({ source: "aws.codepipeline", detailType, resources: [p.arn], detail: { pipeline: p.name, ...detail } });
  return {
    pipeline: (p, e, state) =>
      publish(p, "CodePipeline Pipeline Execution State Change", {
        "execution-id": e.id,
        "execution-trigger": { "trigger-type": e.trigger.triggerType, "trigger-detail": e.trigger.triggerDetail },
        state,
        version: e.pipelineVersion,
      }),
    stage: (p, e, stage, state) => publish(p, "CodePipeline Stage Execution State Change", { "execution-id": e.id, stage, state, version: e.pipelineVersion }),
    action: (p, e, a, state) =>
      publish(p, "CodePipeline Action Execution State Change", {
        "execution-id": e.id,
        stage: a.stage,
        action: a.name,
        state,
        region: a.region,
        type: { owner: a.type.owner, category: a.type.category, provider: a.type.provider, version: a.type.version },
        version: e.pipelineVersion,
        ...(a.status !== "InProgress"
          ? { "execution-result": { "external-execution-id": a.externalExecutionId, ...(a.summary ? { "external-execution-summary": a.summary } : {}), ...(a.errorDetails ? { "error-code": a.errorDetails.code } : {}) } }
          : {}),
      }),
  };
}

/** The one clock timer of each region's state: it fires at the next action end. */
const timers = new WeakMap<CodePipelineState, { id?: number; due?: number }>();

/** Play what fell due, then arm the timer for the next end. */
function wake(ctx: Omit<Ctx, "requestId">): void {
  const emit = emitter(ctx);
  const now = ctx.clock.now();
  for (const p of Object.values(ctx.state.pipelines)) settle(p, now, emit);
  const due = Object.values(ctx.state.pipelines).reduce<number | undefined>((min, p) => {
    const d = nextDue(p);
    return d === undefined ? min : min === undefined ? d : Math.min(min, d);
  }, undefined);
  const timer = timers.get(ctx.state) ?? {};
  timers.set(ctx.state, timer);
  if (timer.due === due) return;
  if (timer.id !== undefined) ctx.clock.clearTimer(timer.id);
  Object.assign(timer, { id: undefined, due });
  if (due === undefined) return;
  timer.id = ctx.clock.setTimer(due - now, () => {
    Object.assign(timer, { id: undefined, due: undefined });
    // A state forgotten by a reset (or replaced by a load) no longer runs.
    if (ctx.peer("codepipeline") === ctx.state) wake(ctx);
  });
}

/** Every operation sees executions as they are now, and leaves the timer armed for what it started. */
function op(mutates: boolean, input: (typeof INPUTS)[keyof typeof INPUTS], handler: (input: any, ctx: Ctx) => unknown): Operation<CodePipelineState> {
  return {
    mutates,
    input,
    handler: (i, ctx) => {
      wake(ctx);
      try {
        return handler(i, ctx);
      } finally {
        wake(ctx);
      }
    },
  };
}

/** The declaration as stored and answered: version, executionMode and pipelineType filled in. */
function stored(p: PipelineDeclaration, version: number): PipelineRecord["declaration"] {
  return { ...structuredClone(p), version, executionMode: p.executionMode ?? "SUPERSEDED", pipelineType: pipelineTypeOf(p) };
}

function checkTags(tags: Array<{ key: string }> | undefined): void {
  if ((tags?.length ?? 0) > MAX_TAGS) throw cpError("TooManyTagsException", `Tag limit exceeded: a resource can have at most ${MAX_TAGS} tags`);
  const reserved = tags?.find((t) => t.key.toLowerCase().startsWith("aws:"));
  if (reserved) throw cpError("InvalidTagsException", `Tag key '${reserved.key}' is invalid: the aws: prefix is reserved`);
}

/** A new execution of the pipeline's current version. */
/**
 * A new execution and what started it: CreatePipeline, StartPipelineExecution by a caller, or an
 * EventBridge rule (triggerType CloudWatchEvent, triggerDetail the rule's ARN, as CodePipeline
 * reports executions started by a rule).
 */
function newExecution(ctx: Ctx, p: PipelineRecord, triggerType: string, values: Array<{ name: string; value: string }> = [], token?: string): ExecutionRecord {
  const now = ctx.clock.now();
  const given = new Map(values.map((v) => [v.name, v.value]));
  const variables = (p.declaration.variables ?? []).flatMap((v) => {
    const value = given.get(v.name) ?? v.defaultValue;
    return value === undefined ? [] : [{ name: v.name, resolvedValue: value }];
  });
  return {
    id: randomUUID(),
    pipelineVersion: p.declaration.version,
    mode: p.declaration.executionMode ?? "SUPERSEDED",
    status: "InProgress",
    started: now,
    updated: now,
    trigger: ctx.invokedBy ? { triggerType: "CloudWatchEvent", triggerDetail: ctx.invokedBy.ruleArn } : { triggerType, triggerDetail: callerIdentity(ctx.accountId).Arn },
    variables,
    plan: structuredClone(p.declaration.stages),
    stageRuns: [],
    clientRequestToken: token,
  };
}

/** StageExecution of a run. */
const stageExecution = (e: ExecutionRecord, status: string) => ({ pipelineExecutionId: e.id, status, type: "STANDARD" });

/** GetPipelineState's ActionExecution: the approval token only outside PARALLEL mode (model: PutApprovalResultInput.token). */
function actionExecution(e: ExecutionRecord, a: ActionRun) {
  return {
    actionExecutionId: a.id,
    status: a.status,
    summary: a.summary,
    lastStatusChange: new Date(a.updated),
    token: a.token && a.status === "InProgress" && e.mode !== "PARALLEL" ? a.token : undefined,
    lastUpdatedBy: a.updatedBy,
    externalExecutionId: a.token ? undefined : a.externalExecutionId,
    errorDetails: a.errorDetails,
  };
}

function pipelineState(p: PipelineRecord) {
  const newestFirst = [...p.executions].reverse();
  return {
    pipelineName: p.name,
    pipelineVersion: p.declaration.version,
    created: new Date(p.created),
    updated: new Date(p.updated),
    stageStates: p.declaration.stages.map((stage, index) => {
      const latest = newestFirst.map((e) => ({ e, run: e.stageRuns.find((r) => r.name === stage.name) })).find((x) => x.run);
      const waiting = p.executions.filter((e) => isActive(e) && e.waiting === index).sort((a, b) => a.waitingSince! - b.waitingSince!);
      return {
        stageName: stage.name,
        inboundExecution: waiting[0] ? stageExecution(waiting[0], "InProgress") : undefined,
        inboundExecutions: waiting.length > 0 ? waiting.map((e) => stageExecution(e, "InProgress")) : undefined,
        inboundTransitionState: { enabled: true },
        actionStates: stage.actions.map((action) => {
          const run = latest?.run?.actions.find((a) => a.name === action.name);
          return { actionName: action.name, latestExecution: run ? actionExecution(latest!.e, run) : undefined };
        }),
        latestExecution: latest ? stageExecution(latest.e, latest.run!.status) : undefined,
      };
    }),
  };
}

function executionSummary(e: ExecutionRecord) {
  return {
    pipelineExecutionId: e.id,
    status: e.status,
    statusSummary: e.statusSummary,
    startTime: new Date(e.started),
    lastUpdateTime: new Date(e.updated),
    sourceRevisions: [],
    trigger: e.trigger,
    stopTrigger: e.stopTrigger,
    executionMode: e.mode,
    executionType: "STANDARD",
  };
}

function actionExecutionDetail(e: ExecutionRecord, a: ActionRun) {
  return {
    pipelineExecutionId: e.id,
    actionExecutionId: a.id,
    pipelineVersion: e.pipelineVersion,
    stageName: a.stage,
    actionName: a.name,
    startTime: new Date(a.started),
    lastUpdateTime: new Date(a.updated),
    updatedBy: a.updatedBy,
    status: a.status,
    input: {
      actionTypeId: a.type,
      configuration: a.configuration,
      resolvedConfiguration: a.resolved,
      roleArn: a.roleArn,
      region: a.region,
      inputArtifacts: a.inputArtifacts.map((name) => ({ name })),
      namespace: a.namespace,
    },
    output: {
      outputArtifacts: a.outputArtifacts.map((name) => ({ name })),
      // The approval's token is here in every execution mode: the way to answer it in PARALLEL mode.
      executionResult: { externalExecutionId: a.externalExecutionId, externalExecutionSummary: a.summary, errorDetails: a.errorDetails },
      outputVariables: {},
    },
  };
}

const operations: Record<string, Operation<CodePipelineState>> = {
  CreatePipeline: op(true, INPUTS.CreatePipeline, (input: { pipeline: PipelineDeclaration; tags?: Array<{ key: string; value: string }> }, ctx) => {
    const name = input.pipeline.name;
    // Wording ours; the error name is the model's.
    if (Object.hasOwn(ctx.state.pipelines, name)) throw cpError("PipelineNameInUseException", `A pipeline with the name '${name}' already exists in account '${ctx.accountId}'`);
    if (Object.keys(ctx.state.pipelines).length >= MAX_PIPELINES) throw cpError("LimitExceededException", `The account already has ${MAX_PIPELINES} pipelines in this Region`);
    checkStructure(input.pipeline, ctx.region);
    checkTags(input.tags);
    const now = ctx.clock.now();
    const p: PipelineRecord = { name, arn: ctx.arn(name), declaration: stored(input.pipeline, 1), created: now, updated: now, tags: input.tags ?? [], executions: [] };
    ctx.state.pipelines[name] = p;
    ctx.state.history[name] = record();
    // A new pipeline runs at once (trigger CreatePipeline), as in CodePipeline.
    startExecution(p, newExecution(ctx, p, "CreatePipeline"), now, emitter(ctx));
    return { pipeline: p.declaration, tags: input.tags };
  }),

  UpdatePipeline: op(true, INPUTS.UpdatePipeline, (input: { pipeline: PipelineDeclaration }, ctx) => {
    const p = findPipeline(ctx, input.pipeline.name);
    checkStructure(input.pipeline, ctx.region);
    ctx.state.history[p.name]![String(p.declaration.version)] = p.declaration;
    p.declaration = stored(input.pipeline, p.declaration.version + 1);
    p.updated = ctx.clock.now();
    return { pipeline: p.declaration };
  }),

  GetPipeline: op(false, INPUTS.GetPipeline, (input: { name: string; version?: number }, ctx) => {
    const p = findPipeline(ctx, input.name);
    const declaration = input.version === undefined || input.version === p.declaration.version ? p.declaration : ctx.state.history[p.name]?.[String(input.version)];
    if (!declaration) throw cpError("PipelineVersionNotFoundException", `Pipeline '${p.name}' has no version ${input.version}`);
    return { pipeline: declaration, metadata: { pipelineArn: p.arn, created: new Date(p.created), updated: new Date(p.updated) } };
  }),

  ListPipelines: op(false, INPUTS.ListPipelines, (input: { maxResults?: number; nextToken?: string }, ctx) => {
    const all = Object.values(ctx.state.pipelines).sort((a, b) => a.name.localeCompare(b.name));
    const { page: items, nextToken } = page(all, { ...input }, PIPELINES_PAGE);
    return {
      pipelines: items.map((p) => ({ name: p.name, version: p.declaration.version, pipelineType: p.declaration.pipelineType, executionMode: p.declaration.executionMode, created: new Date(p.created), updated: new Date(p.updated) })),
      nextToken,
    };
  }),

  DeletePipeline: op(true, INPUTS.DeletePipeline, (input: { name: string }, ctx) => {
    // As in CodePipeline (whose model lists no not-found error here), deleting a missing pipeline succeeds.
    delete ctx.state.pipelines[input.name];
    delete ctx.state.history[input.name];
    return {};
  }),

  GetPipelineState: op(false, INPUTS.GetPipelineState, (input: { name: string }, ctx) => pipelineState(findPipeline(ctx, input.name))),

  StartPipelineExecution: op(true, INPUTS.StartPipelineExecution, (input: { name: string; variables?: Array<{ name: string; value: string }>; clientRequestToken?: string }, ctx) => {
    const p = findPipeline(ctx, input.name);
    const repeat = input.clientRequestToken ? p.executions.find((e) => e.clientRequestToken === input.clientRequestToken) : undefined;
    if (repeat) return { pipelineExecutionId: repeat.id };
    const declared = new Set((p.declaration.variables ?? []).map((v) => v.name));
    const seen = new Set<string>();
    for (const v of input.variables ?? []) {
      if (!declared.has(v.name)) throw cpError("ValidationException", `Variable '${v.name}' is not declared in pipeline '${p.name}'. Declared variables: ${[...declared].join(", ") || "none"}`);
      if (seen.has(v.name)) throw cpError("ValidationException", `Variable '${v.name}' is given more than once`);
      seen.add(v.name);
    }
    const e = newExecution(ctx, p, "StartPipelineExecution", input.variables, input.clientRequestToken);
    startExecution(p, e, e.started, emitter(ctx));
    return { pipelineExecutionId: e.id };
  }),

  GetPipelineExecution: op(false, INPUTS.GetPipelineExecution, (input: { pipelineName: string; pipelineExecutionId: string }, ctx) => {
    const p = findPipeline(ctx, input.pipelineName);
    const e = findExecution(p, input.pipelineExecutionId);
    return {
      pipelineExecution: {
        pipelineName: p.name,
        pipelineVersion: e.pipelineVersion,
        pipelineExecutionId: e.id,
        status: e.status,
        statusSummary: e.statusSummary,
        artifactRevisions: [],
        variables: e.variables,
        trigger: e.trigger,
        executionMode: e.mode,
        executionType: "STANDARD",
      },
    };
  }),

  ListPipelineExecutions: op(false, INPUTS.ListPipelineExecutions, (input: { pipelineName: string; maxResults?: number; nextToken?: string; filter?: { succeededInStage?: { stageName?: string } } }, ctx) => {
    const p = findPipeline(ctx, input.pipelineName);
    const stage = input.filter?.succeededInStage?.stageName;
    const matching = [...p.executions].reverse().filter((e) => !stage || e.stageRuns.some((r) => r.name === stage && r.status === "Succeeded"));
    const { page: items, nextToken } = page(matching, { ...input }, HISTORY_PAGE);
    return { pipelineExecutionSummaries: items.map(executionSummary), nextToken };
  }),

  ListActionExecutions: op(
    false,
    INPUTS.ListActionExecutions,
    (input: { pipelineName: string; maxResults?: number; nextToken?: string; filter?: { pipelineExecutionId?: string; latestInPipelineExecution?: { pipelineExecutionId: string } } }, ctx) => {
      const p = findPipeline(ctx, input.pipelineName);
      const only = input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
      const executions = only ? [findExecution(p, only)] : p.executions;
      const details = executions.flatMap((e) => e.stageRuns.flatMap((r) => r.actions.map((a) => ({ e, a }))));
      // Newest first.
      details.sort((x, y) => y.a.started - x.a.started || y.e.started - x.e.started);
      const { page: items, nextToken } = page(details, { ...input }, HISTORY_PAGE);
      return {
        actionExecutionDetails: items.map(({ e, a }) => actionExecutionDetail(e, a)),
        nextToken,
      };
    },
  ),

  PutApprovalResult: op(
    true,
    INPUTS.PutApprovalResult,
    (input: { pipelineName: string; stageName: string; actionName: string; result: { summary: string; status: "Approved" | "Rejected" }; token: string }, ctx) => {
      const p = findPipeline(ctx, input.pipelineName);
      const stage = p.declaration.stages.find((s) => s.name === input.stageName);
      if (!stage) throw cpError("StageNotFoundException", `Stage '${input.stageName}' does not exist in pipeline '${p.name}'`);
      if (!stage.actions.some((a) => a.name === input.actionName)) throw cpError("ActionNotFoundException", `Action '${input.actionName}' does not exist in stage '${input.stageName}' of pipeline '${p.name}'`);
      const match = p.executions.flatMap((e) => e.stageRuns.filter((r) => r.name === input.stageName).flatMap((r) => r.actions.map((a) => ({ e, a })))).find(({ a }) => a.name === input.actionName && a.token === input.token && isApproval(a.type));
      if (match?.a.answered === "Approved" || match?.a.answered === "Rejected") throw cpError("ApprovalAlreadyCompletedException", `The approval action '${input.actionName}' has already been ${match.a.answered.toLowerCase()}`);
      if (!match || match.a.status !== "InProgress") throw cpError("InvalidApprovalTokenException", `The token for approval action '${input.actionName}' in stage '${input.stageName}' is not valid: it matches no approval waiting for a response`);
      const now = ctx.clock.now();
      const approved = input.result.status === "Approved";
      finishAction(p, match.e, match.a, approved ? "Succeeded" : "Failed", now, emitter(ctx), {
        answered: input.result.status,
        summary: input.result.summary || undefined,
        updatedBy: callerIdentity(ctx.accountId).Arn,
        errorDetails: approved ? undefined : { code: "ApprovalRejected", message: input.result.summary || "Rejected" },
      });
      return { approvedAt: new Date(now) };
    },
  ),

  StopPipelineExecution: op(true, INPUTS.StopPipelineExecution, (input: { pipelineName: string; pipelineExecutionId: string; abandon?: boolean; reason?: string }, ctx) => {
    const p = findPipeline(ctx, input.pipelineName);
    const e = findExecution(p, input.pipelineExecutionId);
    if (!isActive(e)) throw cpError("PipelineExecutionNotStoppableException", `Pipeline execution ${e.id} is ${e.status} and cannot be stopped`);
    if (e.status === "Stopping" && !input.abandon)
      throw cpError("DuplicatedStopRequestException", `Pipeline execution ${e.id} is already stopping. To stop it without waiting for its in-progress actions, stop it again with abandon`);
    stopExecution(p, e, input.abandon ?? false, input.reason, ctx.clock.now(), emitter(ctx));
    return { pipelineExecutionId: e.id };
  }),
};

export const codepipeline: ServiceDefinition<CodePipelineState> = {
  name: "codepipeline",
  signingName: "codepipeline",
  arnService: "codepipeline",
  protocol: { kind: "json", version: "1.1", target: "CodePipeline_20150709", namespace: "com.amazonaws.codepipeline" },
  errors: jsonErrorProfile(),
  initialState: () => ({ pipelines: record(), history: record() }),
  operations,
  // Executions loaded from a state file (or running when a region's state is made) go on from where they were.
  attach: (ctx) => wake(ctx),
};
