import { randomBytes } from "node:crypto";
import { ServiceError } from "../../errors";
import { fitsType, parameterFromString, readDefinition, resolve, evaluate, ResolveError, type ParameterValue, type PlacedStep, type Scope, type StepType, type Value } from "../../pipeline-definition";
import type { Operation, OperationContext } from "../../service";
import { int, list, required, str, struct, validate, validationMessage } from "../../validate";
import type { S3State } from "../s3";
import { errors, forEvent, page, ROLE_ARN, sorted, tagList } from "./common";
import { registryOperations, userContext, type RegistryState } from "./registry";

/**
 * SageMaker Pipelines: pipelines (definitions checked as CreatePipeline does) and their
 * executions, which step through the definition stored for them on the sandbox clock.
 * Shapes, patterns and ranges from botocore's sagemaker model (2017-07-24); behaviour from
 * https://docs.aws.amazon.com/sagemaker/latest/dg/pipelines.html and the API reference.
 *
 * Step timing (sandbox seconds): every step is Starting for STARTING_SECONDS of its type, then
 * Executing for EXECUTING_SECONDS, then Succeeded or Failed; a stopped step is Stopping for
 * STOPPING_SECONDS. A Processing or Training step fails on purpose when its job's Environment
 * holds MLOPS_SANDBOX_FAIL (the value is the step's FailureReason).
 */

export const STARTING_SECONDS: Record<StepType, number> = { Processing: 5, Training: 5, Condition: 1, RegisterModel: 1, Fail: 1 };
export const EXECUTING_SECONDS: Record<StepType, number> = { Processing: 120, Training: 300, Condition: 1, RegisterModel: 5, Fail: 0 };
export const STOPPING_SECONDS = 30;
/** The Environment variable on a Processing or Training step's job that makes the step fail, with its value as the reason. */
export const FAIL_ON_PURPOSE = "MLOPS_SANDBOX_FAIL";
/** What DescribePipelineExecution says when a step failed (as SageMaker words it). */
export const STEP_FAILURE = "Step failure: One or multiple steps failed.";

const EXECUTION_STATUSES = ["Executing", "Stopping", "Stopped", "Failed", "Succeeded"] as const;
type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
type StepStatus = "Starting" | "Executing" | "Stopping" | "Stopped" | "Failed" | "Succeeded";

interface UserContext {
  IamIdentity: { Arn: string; PrincipalId: string };
}

interface PipelineRecord {
  name: string;
  arn: string;
  displayName: string;
  description?: string;
  roleArn: string;
  definition: string;
  parallelism?: { MaxParallelExecutionSteps: number };
  /** Epoch milliseconds, sandbox time. */
  created: number;
  modified: number;
  lastRun?: number;
  versionId: number;
  clientToken: string;
  createdBy: UserContext;
}

interface StepRun {
  name: string;
  type: StepType;
  status: StepStatus;
  started: number;
  ended?: number;
  /** When the current status (Starting, Executing, Stopping) ends; undefined once the step is done. */
  due?: number;
  failureReason?: string;
  metadata?: Record<string, unknown>;
  /** What `{"Get": "Steps.<name>.…"}` reads: the job's description, once the step has one. */
  properties?: Value;
  /** The reason the step will fail with (MLOPS_SANDBOX_FAIL), decided when its job starts. */
  failOnPurpose?: string;
  /** A Condition step's outcome. */
  outcome?: boolean;
}

interface ExecutionRecord {
  arn: string;
  id: string;
  pipeline: string;
  pipelineArn: string;
  displayName: string;
  description?: string;
  status: ExecutionStatus;
  failureReason?: string;
  created: number;
  modified: number;
  /** The definition this execution runs: the pipeline's at its start. */
  definition: string;
  versionId: number;
  parameters: Record<string, ParameterValue>;
  clientToken: string;
  stopToken?: string;
  /** In the order they started. */
  steps: StepRun[];
  /** The sandbox time of the last transition: where stepping resumes. */
  cursor: number;
  createdBy: UserContext;
}

export interface PipelinesState {
  pipelines: Record<string, PipelineRecord>;
  /** By execution ARN. */
  pipelineExecutions: Record<string, ExecutionRecord>;
}

export const initialPipelinesState = (): PipelinesState => ({ pipelines: {}, pipelineExecutions: {} });

type State = PipelinesState & RegistryState;
type Ctx = OperationContext<State>;
type AttachCtx = Omit<Ctx, "requestId">;

const PIPELINE_NAME = /[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}/;
const PIPELINE_NAME_OR_ARN = /(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:([0-9]{12}|aws):pipeline\/.*)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})/;
const EXECUTION_ARN = /arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:pipeline\/.*\/execution\/.*/;
const DEFINITION = /.*(?:[ \r\n\t].*)*/s;
const pipelineName = str({ min: 1, max: 256, pattern: PIPELINE_NAME });
const token = str({ min: 32, max: 128 });
const description = str({ max: 3072 });
const parallelism = struct({ MaxParallelExecutionSteps: required(int({ min: 1 })) });
const s3Location = struct({ Bucket: required(str({ min: 3, max: 63, pattern: /[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9]/ })), ObjectKey: required(str({ min: 1, max: 1024, pattern: /.+/ })), VersionId: str({ min: 1, max: 1024, pattern: /.+/ }) });
const executionArn = str({ max: 2048, pattern: EXECUTION_ARN });
const listing = { SortOrder: str({ enum: ["Ascending", "Descending"] }), NextToken: str({ max: 8192 }), MaxResults: int({ min: 1, max: 100 }) };
const timeWindow = { CreatedAfter: { type: "timestamp" as const }, CreatedBefore: { type: "timestamp" as const } };

const notFound = (message: string) => new ServiceError("ResourceNotFound", message);
const conflict = (message: string) => new ServiceError("ConflictException", message);

function findPipeline(state: State, nameOrArn: string, ctx: Pick<Ctx, "arn">): PipelineRecord {
  const name = nameOrArn.includes(":pipeline/") ? nameOrArn.slice(nameOrArn.indexOf(":pipeline/") + 10) : nameOrArn;
  const found = Object.values(state.pipelines).find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!found) throw notFound(`Pipeline '${ctx.arn(`pipeline/${name.toLowerCase()}`)}' does not exist.`);
  return found;
}

function findExecution(state: State, arn: string): ExecutionRecord {
  const found = Object.hasOwn(state.pipelineExecutions, arn) ? state.pipelineExecutions[arn] : undefined;
  if (!found) throw notFound(`Pipeline execution '${arn}' does not exist.`);
  return found;
}

/** The definition text: PipelineDefinition, or the object PipelineDefinitionS3Location names in the sandbox's S3. */
function definitionText(input: { PipelineDefinition?: string; PipelineDefinitionS3Location?: { Bucket: string; ObjectKey: string } }, ctx: Ctx): string | undefined {
  if (input.PipelineDefinition !== undefined && input.PipelineDefinitionS3Location) throw errors.validation("Specify either PipelineDefinition or PipelineDefinitionS3Location, not both.");
  if (input.PipelineDefinitionS3Location) {
    const { Bucket, ObjectKey } = input.PipelineDefinitionS3Location;
    const text = readObject(ctx.peer("s3") as S3State, Bucket, ObjectKey);
    if (text === undefined) throw errors.validation(`Unable to read the pipeline definition from s3://${Bucket}/${ObjectKey}: the object does not exist.`);
    return text;
  }
  return input.PipelineDefinition;
}

function readObject(s3: S3State, bucket: string, key: string): string | undefined {
  const b = Object.hasOwn(s3.buckets, bucket) ? s3.buckets[bucket] : undefined;
  const o = b && Object.hasOwn(b.objects, key) ? b.objects[key] : undefined;
  return o ? Buffer.from(o.body, "base64").toString("utf8") : undefined;
}

/** CreatePipeline's and UpdatePipeline's checks of a definition: a ValidationException naming every problem. */
function checkDefinition(text: string): void {
  const read = readDefinition(text);
  if ("problems" in read) throw errors.validation(`Unable to parse pipeline definition. ${read.problems.join("; ")}`);
}

const placedCache = new Map<string, PlacedStep[]>();
/** The steps of a stored (already checked) definition. */
function placedSteps(definition: string): PlacedStep[] {
  let placed = placedCache.get(definition);
  if (!placed) {
    const read = readDefinition(definition);
    placed = "problems" in read ? [] : read.steps;
    if (placedCache.size > 100) placedCache.clear();
    placedCache.set(definition, placed);
  }
  return placed;
}

const terminal = (s: ExecutionStatus) => s === "Succeeded" || s === "Failed" || s === "Stopped";
/** Times in event details, as SageMaker writes them: `2021-03-15T16:03:14Z` (whole seconds). */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function describePipeline(p: PipelineRecord) {
  return {
    PipelineArn: p.arn,
    PipelineName: p.name,
    PipelineDisplayName: p.displayName,
    PipelineDefinition: p.definition,
    PipelineDescription: p.description,
    RoleArn: p.roleArn,
    PipelineStatus: "Active",
    CreationTime: new Date(p.created),
    LastModifiedTime: new Date(p.modified),
    LastRunTime: p.lastRun === undefined ? undefined : new Date(p.lastRun),
    CreatedBy: p.createdBy,
    LastModifiedBy: p.createdBy,
    ParallelismConfiguration: p.parallelism,
  };
}

function describeExecution(e: ExecutionRecord) {
  return {
    PipelineArn: e.pipelineArn,
    PipelineExecutionArn: e.arn,
    PipelineExecutionDisplayName: e.displayName,
    PipelineExecutionStatus: e.status,
    PipelineExecutionDescription: e.description,
    PipelineExperimentConfig: { ExperimentName: e.pipeline.toLowerCase(), TrialName: e.id },
    FailureReason: e.failureReason,
    CreationTime: new Date(e.created),
    LastModifiedTime: new Date(e.modified),
    CreatedBy: e.createdBy,
    LastModifiedBy: e.createdBy,
    PipelineVersionId: e.versionId,
  };
}

function describeStep(s: StepRun) {
  return {
    StepName: s.name,
    StartTime: new Date(s.started),
    EndTime: s.ended === undefined ? undefined : new Date(s.ended),
    StepStatus: s.status,
    FailureReason: s.failureReason,
    Metadata: s.metadata,
    AttemptCount: 1,
  };
}

// --- Events ----------------------------------------------------------------------------------

function executionEvent(ctx: AttachCtx, e: ExecutionRecord, previous: ExecutionStatus | undefined): void {
  ctx.events.publish({
    source: "aws.sagemaker",
    detailType: "SageMaker Model Building Pipeline Execution Status Change",
    resources: [e.pipelineArn, e.arn],
    detail: forEvent({
      pipelineExecutionDisplayName: e.displayName,
      currentPipelineExecutionStatus: e.status,
      previousPipelineExecutionStatus: previous,
      executionStartTime: iso(e.created),
      executionEndTime: terminal(e.status) ? iso(e.modified) : undefined,
      pipelineExecutionDescription: e.description,
      pipelineArn: e.pipelineArn,
      pipelineExecutionArn: e.arn,
    }) as Record<string, unknown>,
  });
}

function stepEvent(ctx: AttachCtx, e: ExecutionRecord, s: StepRun, previous: StepStatus | undefined): void {
  ctx.events.publish({
    source: "aws.sagemaker",
    detailType: "SageMaker Model Building Pipeline Execution Step Status Change",
    resources: [e.pipelineArn, e.arn],
    detail: forEvent({
      metadata: lowerKeys(s.metadata ?? {}),
      stepStartTime: iso(s.started),
      stepEndTime: s.ended === undefined ? undefined : iso(s.ended),
      stepName: s.name,
      stepType: s.type,
      currentStepStatus: s.status,
      previousStepStatus: previous,
      failureReason: s.failureReason,
      pipelineArn: e.pipelineArn,
      pipelineExecutionArn: e.arn,
    }) as Record<string, unknown>,
  });
}

/** Event details spell members in camelCase: {RegisterModel: {Arn}} → {registerModel: {arn}}. */
function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerKeys(v)]));
  return value;
}

// --- Stepping --------------------------------------------------------------------------------

function scopeOf(ctx: AttachCtx, e: ExecutionRecord): Scope {
  const runs = new Map(e.steps.map((s) => [s.name, s]));
  const placed = new Map(placedSteps(e.definition).map((p) => [p.step.Name, p.step]));
  return {
    parameters: e.parameters,
    execution: {
      StartDateTime: iso(e.created),
      CurrentDateTime: iso(e.cursor),
      PipelineName: e.pipeline,
      PipelineArn: e.pipelineArn,
      PipelineExecutionId: e.id,
      PipelineExecutionArn: e.arn,
    },
    stepProperties: (name) => {
      const run = runs.get(name);
      return run?.status === "Succeeded" ? run.properties : undefined;
    },
    propertyFile: (stepName, fileName) => {
      const run = runs.get(stepName);
      const file = placed.get(stepName)?.PropertyFiles?.find((f) => f.PropertyFileName === fileName);
      if (run?.status !== "Succeeded" || !file) throw new ResolveError(`property file ${fileName} of step ${stepName} is not available`);
      const outputs = (run.properties as { ProcessingOutputConfig?: { Outputs?: Array<{ OutputName?: string; S3Output?: { S3Uri?: string } }> } }).ProcessingOutputConfig?.Outputs ?? [];
      const uri = outputs.find((o) => o.OutputName === file.OutputName)?.S3Output?.S3Uri;
      const match = typeof uri === "string" ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri) : null;
      if (!match) throw new ResolveError(`step ${stepName} has no output ${file.OutputName} with an S3Uri for property file ${fileName}`);
      const key = [match[2]!.replace(/\/+$/, ""), file.FilePath].filter(Boolean).join("/");
      const text = readObject(ctx.peer("s3") as S3State, match[1]!, key);
      if (text === undefined) throw new ResolveError(`property file ${fileName}: s3://${match[1]}/${key} does not exist`);
      try {
        return JSON.parse(text) as Value;
      } catch {
        throw new ResolveError(`property file ${fileName}: s3://${match[1]}/${key} is not JSON`);
      }
    },
  };
}

/** Steps whose turn has come: every step they wait for succeeded, and their Condition step chose their branch. */
function startReady(ctx: AttachCtx, e: ExecutionRecord): void {
  if (e.status !== "Executing" || e.steps.some((s) => s.status === "Failed")) return;
  const runs = new Map(e.steps.map((s) => [s.name, s]));
  for (const p of placedSteps(e.definition)) {
    if (runs.has(p.step.Name)) continue;
    if (!p.after.every((name) => runs.get(name)?.status === "Succeeded")) continue;
    if (p.branch && runs.get(p.branch.condition)?.outcome !== p.branch.outcome) continue;
    const run: StepRun = { name: p.step.Name, type: p.step.Type, status: "Starting", started: e.cursor, due: e.cursor + STARTING_SECONDS[p.step.Type] * 1000 };
    e.steps.push(run);
    runs.set(run.name, run);
    stepEvent(ctx, e, run, undefined);
  }
}

const stepDone = (s: StepStatus) => s === "Succeeded" || s === "Failed" || s === "Stopped";

/** A failed step; a Fail step without an ErrorMessage fails with no FailureReason. */
function fail(run: StepRun, reason: string): void {
  run.status = "Failed";
  run.failureReason = reason === "" ? undefined : reason.slice(0, 1024);
}

/**
 * A job's name as Pipelines names them, e.g. `pipelines-p4jn9xou8a8s-myprocessingstep1-tmgxry49ug`
 * (the AWS docs' step status change event): execution id, step name in lower case, 10 random
 * characters; at most 63 characters, as job names are.
 */
function jobName(e: ExecutionRecord, step: string): string {
  return `pipelines-${e.id}-${step.toLowerCase().replace(/_/g, "-").slice(0, 29)}-${randomId(10)}`;
}

/** `length` random lower-case letters and digits: execution ids (12) and job name suffixes (10). */
function randomId(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

/** The job a Processing or Training step starts, from its resolved Arguments. */
function launchJob(ctx: AttachCtx, e: ExecutionRecord, run: StepRun, args: Record<string, Value>): void {
  const name = jobName(e, run.name);
  const environment = (args.Environment ?? {}) as Record<string, Value>;
  if (typeof environment[FAIL_ON_PURPOSE] === "string") run.failOnPurpose = environment[FAIL_ON_PURPOSE] as string;
  if (run.type === "Processing") {
    const arn = ctx.arn(`processing-job/${name}`);
    run.metadata = { ProcessingJob: { Arn: arn } };
    run.properties = { ...args, ProcessingJobName: name, ProcessingJobArn: arn, ProcessingJobStatus: "Completed" };
  } else {
    const arn = ctx.arn(`training-job/${name}`);
    const output = ((args.OutputDataConfig ?? {}) as { S3OutputPath?: string }).S3OutputPath ?? "";
    run.metadata = { TrainingJob: { Arn: arn } };
    run.properties = { ...args, TrainingJobName: name, TrainingJobArn: arn, TrainingJobStatus: "Completed", ModelArtifacts: { S3ModelArtifacts: `${output.replace(/\/+$/, "")}/${name}/output/model.tar.gz` } };
  }
}

/**
 * A RegisterModel step: CreateModelPackage through the registry's own operation (so its event is
 * sent), creating the group if needed. The package's MetadataProperties.GeneratedBy is the
 * execution's ARN, as in the AWS docs' Model Package State Change example.
 */
function registerModel(ctx: AttachCtx, e: ExecutionRecord, run: StepRun, args: Record<string, Value>): void {
  const call = (operation: "CreateModelPackageGroup" | "CreateModelPackage", input: Record<string, unknown>) => {
    const op = registryOperations[operation]!;
    const problems = validate(op.input ?? {}, input);
    if (problems.length > 0) throw new ResolveError(validationMessage(problems));
    return op.handler(input, { ...ctx, requestId: "pipeline" } as OperationContext<RegistryState>) as { ModelPackageArn?: string };
  };
  const group = args.ModelPackageGroupName;
  if (typeof group === "string" && !Object.values(ctx.state.modelPackageGroups).some((g) => g.name.toLowerCase() === group.toLowerCase())) {
    call("CreateModelPackageGroup", { ModelPackageGroupName: group });
  }
  const metadata = { ...((args.MetadataProperties ?? {}) as Record<string, Value>), GeneratedBy: e.arn };
  const { ModelPackageArn } = call("CreateModelPackage", { ...args, MetadataProperties: metadata, ModelApprovalStatus: args.ModelApprovalStatus ?? "PendingManualApproval" });
  run.metadata = { RegisterModel: { Arn: ModelPackageArn } };
  run.properties = { ModelPackageArn: ModelPackageArn ?? null };
}

/** One step's next transition, at `e.cursor`. */
function transition(ctx: AttachCtx, e: ExecutionRecord, run: StepRun): void {
  const previous = run.status;
  const step = placedSteps(e.definition).find((p) => p.step.Name === run.name)!.step;
  const scope = scopeOf(ctx, e);
  const now = e.cursor;
  const attempt = (work: () => void) => {
    try {
      work();
    } catch (error) {
      if (!(error instanceof ResolveError || error instanceof ServiceError)) throw error;
      fail(run, error.message);
    }
  };
  if (run.status === "Stopping") {
    run.status = "Stopped";
  } else if (run.status === "Starting") {
    run.status = "Executing";
    if (run.type === "Processing" || run.type === "Training") attempt(() => launchJob(ctx, e, run, resolve(step.Arguments ?? {}, scope) as Record<string, Value>));
  } else if (run.failOnPurpose !== undefined) {
    fail(run, run.failOnPurpose);
  } else {
    run.status = "Succeeded";
    attempt(() => {
      const args = step.Arguments ?? {};
      if (run.type === "Condition") {
        run.outcome = ((args.Conditions ?? []) as unknown[]).every((c) => evaluate(c, scope));
        run.metadata = { Condition: { Outcome: run.outcome ? "True" : "False" } };
        run.properties = { Outcome: run.outcome };
      } else if (run.type === "RegisterModel") {
        const { ModelApprovalStatus, ...rest } = args;
        registerModel(ctx, e, run, resolve({ ...rest, ...(ModelApprovalStatus === undefined ? {} : { ModelApprovalStatus }) }, scope) as Record<string, Value>);
      } else if (run.type === "Fail") {
        const message = resolve(args.ErrorMessage ?? "", scope);
        const text = typeof message === "string" ? message : JSON.stringify(message);
        run.metadata = { Fail: { ErrorMessage: text } };
        fail(run, text);
      }
    });
  }
  const done = stepDone(run.status as StepStatus);
  run.due = done ? undefined : now + (run.status === "Executing" ? EXECUTING_SECONDS[run.type] * 1000 : 0);
  if (done) run.ended = now;
  e.modified = now;
  stepEvent(ctx, e, run, previous);
}

function finish(ctx: AttachCtx, e: ExecutionRecord): void {
  const previous = e.status;
  e.status = previous === "Stopping" ? "Stopped" : e.steps.some((s) => s.status === "Failed") ? "Failed" : "Succeeded";
  if (e.status === "Failed") e.failureReason = STEP_FAILURE;
  e.modified = e.cursor;
  executionEvent(ctx, e, previous);
}

/** Move an execution through every transition due by `now`, in time order. */
export function settleExecution(ctx: AttachCtx, e: ExecutionRecord, now: number): void {
  // Each pass makes one transition (or ends the execution); a definition has at most a few hundred steps.
  for (let pass = 0; pass < 10_000 && !terminal(e.status); pass++) {
    startReady(ctx, e);
    const running = e.steps.filter((s) => s.due !== undefined);
    if (running.length === 0) return finish(ctx, e);
    const next = running.reduce((a, b) => (b.due! < a.due! ? b : a));
    if (next.due! > now) return;
    e.cursor = Math.max(e.cursor, next.due!);
    transition(ctx, e, next);
  }
}

// --- Driving: clock timers per account and region --------------------------------------------

/**
 * Runs executions on the sandbox clock in one account and region: one timer, for the next
 * transition due. Handlers settle what they read first, so answers never depend on timers.
 */
class Driver {
  private timer: number | undefined;
  constructor(
    private readonly ctx: AttachCtx,
    private readonly current: () => boolean,
  ) {}

  settle(): void {
    const now = this.ctx.clock.now();
    for (const e of Object.values(this.ctx.state.pipelineExecutions)) settleExecution(this.ctx, e, now);
    this.arm();
  }

  arm(): void {
    if (this.timer !== undefined) this.ctx.clock.clearTimer(this.timer);
    this.timer = undefined;
    let next = Infinity;
    for (const e of Object.values(this.ctx.state.pipelineExecutions)) {
      if (terminal(e.status)) continue;
      for (const s of e.steps) if (s.due !== undefined && s.due < next) next = s.due;
    }
    if (next === Infinity) return;
    this.timer = this.ctx.clock.setTimer(next - this.ctx.clock.now(), () => {
      this.timer = undefined;
      if (this.current()) this.settle();
    });
  }
}

export function createPipelines(): { operations: Record<string, Operation<State>>; attach(ctx: AttachCtx): void } {
  const drivers = new Map<string, Driver>();
  const key = (ctx: Pick<Ctx, "accountId" | "region">) => `${ctx.accountId}/${ctx.region}`;
  /** Bring every execution in the call's region up to now, and re-arm its timer. */
  const settle = (ctx: Ctx) => {
    const driver = drivers.get(key(ctx));
    if (driver) driver.settle();
    else for (const e of Object.values(ctx.state.pipelineExecutions)) settleExecution(ctx, e, ctx.clock.now());
  };

  const operations: Record<string, Operation<State>> = {
    CreatePipeline: {
      mutates: true,
      input: {
        PipelineName: required(pipelineName),
        PipelineDisplayName: pipelineName,
        PipelineDefinition: str({ min: 1, max: 1048576, pattern: DEFINITION }),
        PipelineDefinitionS3Location: s3Location,
        PipelineDescription: description,
        ClientRequestToken: required(token),
        RoleArn: required(str({ min: 20, max: 2048, pattern: ROLE_ARN })),
        Tags: tagList,
        ParallelismConfiguration: parallelism,
      },
      handler: (
        input: { PipelineName: string; PipelineDisplayName?: string; PipelineDefinition?: string; PipelineDefinitionS3Location?: { Bucket: string; ObjectKey: string }; PipelineDescription?: string; ClientRequestToken: string; RoleArn: string; ParallelismConfiguration?: { MaxParallelExecutionSteps: number } },
        ctx: Ctx,
      ) => {
        const existing = Object.values(ctx.state.pipelines).find((p) => p.name.toLowerCase() === input.PipelineName.toLowerCase());
        // A retry with the same token answers the first call's result.
        if (existing && existing.clientToken === input.ClientRequestToken) return { PipelineArn: existing.arn };
        if (existing) throw errors.validation(`Pipeline names must be unique within an AWS account and region. Pipeline with name (${input.PipelineName}) already exists.`);
        const definition = definitionText(input, ctx);
        if (definition === undefined) throw errors.validation("Either PipelineDefinition or PipelineDefinitionS3Location must be specified.");
        checkDefinition(definition);
        const now = ctx.clock.now();
        const pipeline: PipelineRecord = {
          name: input.PipelineName,
          arn: ctx.arn(`pipeline/${input.PipelineName.toLowerCase()}`),
          displayName: input.PipelineDisplayName ?? input.PipelineName,
          description: input.PipelineDescription,
          roleArn: input.RoleArn,
          definition,
          parallelism: input.ParallelismConfiguration,
          created: now,
          modified: now,
          versionId: 1,
          clientToken: input.ClientRequestToken,
          createdBy: userContext(ctx.accountId),
        };
        ctx.state.pipelines[pipeline.name] = pipeline;
        return { PipelineArn: pipeline.arn };
      },
    },
    UpdatePipeline: {
      mutates: true,
      input: {
        PipelineName: required(pipelineName),
        PipelineDisplayName: pipelineName,
        PipelineDefinition: str({ min: 1, max: 1048576, pattern: DEFINITION }),
        PipelineDefinitionS3Location: s3Location,
        PipelineDescription: description,
        RoleArn: str({ min: 20, max: 2048, pattern: ROLE_ARN }),
        ParallelismConfiguration: parallelism,
      },
      handler: (
        input: { PipelineName: string; PipelineDisplayName?: string; PipelineDefinition?: string; PipelineDefinitionS3Location?: { Bucket: string; ObjectKey: string }; PipelineDescription?: string; RoleArn?: string; ParallelismConfiguration?: { MaxParallelExecutionSteps: number } },
        ctx: Ctx,
      ) => {
        const pipeline = findPipeline(ctx.state, input.PipelineName, ctx);
        const definition = definitionText(input, ctx);
        if (definition !== undefined) checkDefinition(definition);
        // Every update is a new version, as SageMaker counts them (PipelineVersionId).
        if (definition !== undefined) pipeline.definition = definition;
        if (input.PipelineDisplayName !== undefined) pipeline.displayName = input.PipelineDisplayName;
        if (input.PipelineDescription !== undefined) pipeline.description = input.PipelineDescription;
        if (input.RoleArn !== undefined) pipeline.roleArn = input.RoleArn;
        if (input.ParallelismConfiguration !== undefined) pipeline.parallelism = input.ParallelismConfiguration;
        pipeline.versionId += 1;
        pipeline.modified = ctx.clock.now();
        return { PipelineArn: pipeline.arn, PipelineVersionId: pipeline.versionId };
      },
    },
    DescribePipeline: {
      mutates: false,
      input: { PipelineName: required(str({ min: 1, max: 2048, pattern: PIPELINE_NAME_OR_ARN })), PipelineVersionId: int({ min: 1 }) },
      handler: (input: { PipelineName: string; PipelineVersionId?: number }, ctx: Ctx) => {
        const pipeline = findPipeline(ctx.state, input.PipelineName, ctx);
        // The sandbox keeps the latest version's definition only.
        if (input.PipelineVersionId !== undefined && input.PipelineVersionId !== pipeline.versionId) throw notFound(`Pipeline version ${input.PipelineVersionId} of pipeline '${pipeline.arn}' does not exist.`);
        return describePipeline(pipeline);
      },
    },
    ListPipelines: {
      mutates: false,
      input: { PipelineNamePrefix: pipelineName, ...timeWindow, SortBy: str({ enum: ["Name", "CreationTime"] }), ...listing },
      handler: (input: { PipelineNamePrefix?: string; CreatedAfter?: number; CreatedBefore?: number; SortBy?: string; SortOrder?: string; MaxResults?: number; NextToken?: string }, ctx: Ctx) => {
        const matching = Object.values(ctx.state.pipelines).filter(
          (p) => (!input.PipelineNamePrefix || p.name.startsWith(input.PipelineNamePrefix)) && inWindow(p.created, input),
        );
        const { page: items, nextToken } = page(sorted(matching, (p) => p.name, input, (a, b) => a.name.localeCompare(b.name)), input);
        return {
          PipelineSummaries: items.map((p) => ({
            PipelineArn: p.arn,
            PipelineName: p.name,
            PipelineDisplayName: p.displayName,
            PipelineDescription: p.description,
            RoleArn: p.roleArn,
            CreationTime: new Date(p.created),
            LastModifiedTime: new Date(p.modified),
            LastExecutionTime: p.lastRun === undefined ? undefined : new Date(p.lastRun),
          })),
          NextToken: nextToken,
        };
      },
    },
    DeletePipeline: {
      mutates: true,
      input: { PipelineName: required(pipelineName), ClientRequestToken: required(token) },
      handler: (input: { PipelineName: string }, ctx: Ctx) => {
        settle(ctx);
        const pipeline = findPipeline(ctx.state, input.PipelineName, ctx);
        const executions = Object.values(ctx.state.pipelineExecutions).filter((e) => e.pipeline === pipeline.name);
        const running = executions.find((e) => !terminal(e.status));
        if (running) throw conflict(`Pipeline '${pipeline.arn}' has a running execution (${running.arn}); stop it before deleting the pipeline.`);
        for (const e of executions) delete ctx.state.pipelineExecutions[e.arn];
        delete ctx.state.pipelines[pipeline.name];
        return { PipelineArn: pipeline.arn };
      },
    },
    StartPipelineExecution: {
      mutates: true,
      input: {
        PipelineName: required(str({ min: 1, max: 2048, pattern: PIPELINE_NAME_OR_ARN })),
        PipelineExecutionDisplayName: str({ min: 1, max: 82, pattern: /[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}/ }),
        PipelineParameters: list(struct({ Name: required(str({ min: 1, max: 256, pattern: /[A-Za-z0-9\-_]*/ })), Value: required(str({ max: 1024 })) }), { max: 200 }),
        PipelineExecutionDescription: description,
        ClientRequestToken: required(token),
        ParallelismConfiguration: parallelism,
        PipelineVersionId: int({ min: 1 }),
        MlflowExperimentName: str({ min: 1, max: 256 }),
      },
      handler: (
        input: { PipelineName: string; PipelineExecutionDisplayName?: string; PipelineParameters?: Array<{ Name: string; Value: string }>; PipelineExecutionDescription?: string; ClientRequestToken: string; SelectiveExecutionConfig?: unknown; PipelineVersionId?: number },
        ctx: Ctx,
      ) => {
        const pipeline = findPipeline(ctx.state, input.PipelineName, ctx);
        const repeat = Object.values(ctx.state.pipelineExecutions).find((e) => e.pipeline === pipeline.name && e.clientToken === input.ClientRequestToken);
        if (repeat) return { PipelineExecutionArn: repeat.arn };
        // Not simulated, and not declared in the input spec: refused rather than run as a whole execution.
        if (input.SelectiveExecutionConfig) throw errors.validation("The mlops sandbox does not run selective executions (SelectiveExecutionConfig).");
        if (input.PipelineVersionId !== undefined && input.PipelineVersionId !== pipeline.versionId) throw notFound(`Pipeline version ${input.PipelineVersionId} of pipeline '${pipeline.arn}' does not exist.`);
        const parameters = resolveParameters(pipeline, input.PipelineParameters ?? []);
        const now = ctx.clock.now();
        const id = randomId(12);
        const execution: ExecutionRecord = {
          arn: `${pipeline.arn}/execution/${id}`,
          id,
          pipeline: pipeline.name,
          pipelineArn: pipeline.arn,
          displayName: input.PipelineExecutionDisplayName ?? `execution-${now}`,
          description: input.PipelineExecutionDescription,
          status: "Executing",
          created: now,
          modified: now,
          definition: pipeline.definition,
          versionId: pipeline.versionId,
          parameters,
          clientToken: input.ClientRequestToken,
          steps: [],
          cursor: now,
          createdBy: userContext(ctx.accountId),
        };
        ctx.state.pipelineExecutions[execution.arn] = execution;
        pipeline.lastRun = now;
        executionEvent(ctx, execution, undefined);
        settle(ctx);
        return { PipelineExecutionArn: execution.arn };
      },
    },
    DescribePipelineExecution: {
      mutates: false,
      input: { PipelineExecutionArn: required(executionArn) },
      handler: (input: { PipelineExecutionArn: string }, ctx: Ctx) => {
        settle(ctx);
        return describeExecution(findExecution(ctx.state, input.PipelineExecutionArn));
      },
    },
    ListPipelineExecutions: {
      mutates: false,
      input: { PipelineName: required(str({ min: 1, max: 2048, pattern: PIPELINE_NAME_OR_ARN })), ...timeWindow, SortBy: str({ enum: ["CreationTime", "PipelineExecutionArn"] }), ...listing },
      handler: (input: { PipelineName: string; CreatedAfter?: number; CreatedBefore?: number; SortBy?: string; SortOrder?: string; MaxResults?: number; NextToken?: string }, ctx: Ctx) => {
        settle(ctx);
        const pipeline = findPipeline(ctx.state, input.PipelineName, ctx);
        const matching = Object.values(ctx.state.pipelineExecutions).filter((e) => e.pipeline === pipeline.name && inWindow(e.created, input));
        // SortBy PipelineExecutionArn orders by ARN; `sorted` calls that order "Name".
        const order = { ...input, SortBy: input.SortBy === "PipelineExecutionArn" ? "Name" : "CreationTime" };
        const { page: items, nextToken } = page(sorted(matching, (e) => e.arn, order, (a, b) => a.arn.localeCompare(b.arn)), input);
        return {
          PipelineExecutionSummaries: items.map((e) => ({
            PipelineExecutionArn: e.arn,
            StartTime: new Date(e.created),
            PipelineExecutionStatus: e.status,
            PipelineExecutionDescription: e.description,
            PipelineExecutionDisplayName: e.displayName,
            PipelineExecutionFailureReason: e.failureReason,
          })),
          NextToken: nextToken,
        };
      },
    },
    ListPipelineExecutionSteps: {
      mutates: false,
      input: { PipelineExecutionArn: executionArn, ...listing },
      handler: (input: { PipelineExecutionArn?: string; SortOrder?: string; MaxResults?: number; NextToken?: string }, ctx: Ctx) => {
        settle(ctx);
        if (!input.PipelineExecutionArn) throw errors.validation("PipelineExecutionArn is required.");
        const execution = findExecution(ctx.state, input.PipelineExecutionArn);
        const steps = execution.steps.map((s, i) => ({ s, i, created: s.started }));
        const ordered = sorted(steps, ({ s }) => s.name, input, (a, b) => a.i - b.i);
        const { page: items, nextToken } = page(ordered, input);
        return { PipelineExecutionSteps: items.map(({ s }) => describeStep(s)), NextToken: nextToken };
      },
    },
    StopPipelineExecution: {
      mutates: true,
      input: { PipelineExecutionArn: required(executionArn), ClientRequestToken: required(token) },
      handler: (input: { PipelineExecutionArn: string; ClientRequestToken: string }, ctx: Ctx) => {
        settle(ctx);
        const execution = findExecution(ctx.state, input.PipelineExecutionArn);
        if (execution.stopToken === input.ClientRequestToken) return { PipelineExecutionArn: execution.arn };
        if (execution.status !== "Executing") throw conflict(`Pipeline execution '${execution.arn}' is ${execution.status}; only an Executing pipeline execution can be stopped.`);
        const now = ctx.clock.now();
        execution.stopToken = input.ClientRequestToken;
        execution.status = "Stopping";
        execution.cursor = Math.max(execution.cursor, now);
        execution.modified = now;
        executionEvent(ctx, execution, "Executing");
        for (const run of execution.steps.filter((s) => s.due !== undefined)) {
          const previous = run.status;
          run.status = "Stopping";
          run.due = now + STOPPING_SECONDS * 1000;
          stepEvent(ctx, execution, run, previous);
        }
        settle(ctx);
        return { PipelineExecutionArn: execution.arn };
      },
    },
    DescribePipelineDefinitionForExecution: {
      mutates: false,
      input: { PipelineExecutionArn: required(executionArn) },
      handler: (input: { PipelineExecutionArn: string }, ctx: Ctx) => {
        const execution = findExecution(ctx.state, input.PipelineExecutionArn);
        return { PipelineDefinition: execution.definition, CreationTime: new Date(execution.created) };
      },
    },
  };

  return {
    operations,
    attach(ctx) {
      const driver: Driver = new Driver(ctx, () => drivers.get(key(ctx)) === driver);
      drivers.set(key(ctx), driver);
      // Executions loaded from a state file pick up where they were, at the current sandbox time.
      driver.settle();
    },
  };
}

function inWindow(created: number, input: { CreatedAfter?: number; CreatedBefore?: number }): boolean {
  return (input.CreatedAfter === undefined || created > input.CreatedAfter * 1000) && (input.CreatedBefore === undefined || created < input.CreatedBefore * 1000);
}

/**
 * PipelineParameters (strings on the wire) checked against the definition's declarations and
 * converted to their types; declared parameters not given take their DefaultValue.
 */
function resolveParameters(pipeline: PipelineRecord, given: Array<{ Name: string; Value: string }>): Record<string, ParameterValue> {
  const read = readDefinition(pipeline.definition);
  const declared = "problems" in read ? [] : read.definition.Parameters;
  const values: Record<string, ParameterValue> = {};
  for (const { Name, Value } of given) {
    const declaration = declared.find((p) => p.Name === Name);
    if (!declaration) throw errors.validation(`Parameter '${Name}' is not defined in the pipeline definition. Defined parameters: ${declared.map((p) => p.Name).join(", ") || "none"}.`);
    const value = parameterFromString(Value, declaration.Type);
    if (value === undefined) throw errors.validation(`Parameter '${Name}' of type ${declaration.Type} cannot take the value '${Value}'.`);
    values[Name] = value;
  }
  for (const p of declared) {
    if (Object.hasOwn(values, p.Name)) continue;
    if (p.DefaultValue === undefined || !fitsType(p.DefaultValue, p.Type)) throw errors.validation(`Parameter '${p.Name}' has no default value and must be given a value.`);
    values[p.Name] = p.DefaultValue;
  }
  return values;
}
