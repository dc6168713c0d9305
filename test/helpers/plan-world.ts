import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { EndpointConfig, Endpoint } from "../../src/aws/endpoints";
import type { Context } from "../../src/context";
import type { DeployFlags } from "../../src/core/deploy-settings";
import type { MlopsError } from "../../src/errors";
import { planDeploy } from "../../src/rollout/plan";
import { Prompter, type Asker } from "../../src/io/prompt";
import type { Pace } from "../../src/rollout/poll";
import { awsError, captureIo, FakeClock, ScriptedAws } from "./scripted-aws";

/**
 * A small AWS world for planning a deploy (src/rollout/plan.ts) on ScriptedAws: endpoints with
 * their configs, models, model packages, S3 objects and alarms, each answered by the SDK command
 * that reads it. Nothing is changed: planning only reads.
 */

export const ROLE = "arn:aws:iam::123456789012:role/sagemaker-exec";
export const PACKAGE_ARN = (group: string, version: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${version}`;

export interface PlanWorld {
  endpoints: Map<string, Partial<Endpoint>>;
  configs: Map<string, Partial<EndpointConfig>>;
  models: Map<string, { ExecutionRoleArn?: string }>;
  /** Model packages by ARN. */
  packages: Map<string, Record<string, unknown>>;
  /** s3://bucket/key of the objects that exist. */
  objects: Set<string>;
}

export function emptyWorld(): PlanWorld {
  return { endpoints: new Map(), configs: new Map(), models: new Map(), packages: new Map(), objects: new Set() };
}

/** A SageMaker "could not find" as DescribeEndpoint and friends throw it. */
const notFound = (what: string) => awsError("ValidationException", `Could not find ${what}`);

/** ScriptedAws handlers that answer from `world`. */
export function worldAws(clock: FakeClock, world: PlanWorld): ScriptedAws {
  const get = <T>(map: Map<string, T>, key: string, what: string): T => {
    const v = map.get(key);
    if (!v) throw notFound(`${what} "${key}"`);
    return v;
  };
  return new ScriptedAws(clock, {
    DescribeEndpoint: (i: { EndpointName: string }) => get(world.endpoints, i.EndpointName, "endpoint"),
    DescribeEndpointConfig: (i: { EndpointConfigName: string }) => get(world.configs, i.EndpointConfigName, "endpoint configuration"),
    DescribeModel: (i: { ModelName: string }) => get(world.models, i.ModelName, "model"),
    DescribeModelPackage: (i: { ModelPackageName: string }) => get(world.packages, i.ModelPackageName, "model package"),
    ListEndpointConfigs: () => ({ EndpointConfigs: [...world.configs.values()].map((c) => ({ EndpointConfigName: c.EndpointConfigName, EndpointConfigArn: c.EndpointConfigArn, CreationTime: new Date(0) })) }),
    HeadObject: (i: { Bucket: string; Key: string }) => {
      if (!world.objects.has(`s3://${i.Bucket}/${i.Key}`)) throw awsError("NotFound");
      return {};
    },
  });
}

/** Answers for a terminal's prompts, in order; each answer goes through the question's validate first. */
export function scriptedAsker(answers: string[]): Asker & { asked: string[]; refused: string[] } {
  const asked: string[] = [];
  const refused: string[] = [];
  return {
    asked,
    refused,
    async text(message, options) {
      asked.push(message);
      // Bounded: one try per scripted answer, as a person would type them.
      for (;;) {
        const answer = answers.shift();
        if (answer === undefined) throw new Error(`scriptedAsker: no answer left for "${message}"`);
        const verdict = options.validate ? await options.validate(answer) : true;
        if (verdict === true) return answer;
        refused.push(String(verdict));
      }
    },
    async select() {
      throw new Error("scriptedAsker: select not scripted");
    },
    async confirm() {
      throw new Error("scriptedAsker: confirm not scripted");
    },
  };
}

/** A command context over the world: no config file, no MLOPS_* variables. */
export function planContext(aws: ScriptedAws, clock: FakeClock, options: { asker?: Asker; config?: Record<string, unknown> } = {}): Context {
  const { io } = captureIo();
  const asker = options.asker;
  return {
    io,
    prompt: new Prompter(asker !== undefined, false, async () => asker!),
    aws,
    config: { values: (options.config ?? {}) as Context["config"]["values"] },
    settings: {} as Context["settings"],
    settingProblems: [],
    clock,
    env: {},
    cwd: "/",
    signal: new AbortController().signal,
    defer() {},
    async dispose() {},
  };
}

export function planPace(clock: FakeClock): Pace {
  return { clock, signal: new AbortController().signal, pollSeconds: 15, deadline: clock.t + 900_000 };
}

/** Deploy flags as commander gives them when none is set. */
export function deployFlags(over: Partial<DeployFlags> = {}): DeployFlags {
  return { env: [], alarm: [], ...over };
}

// ---- Worlds and runs shared by the planning tests (test/unit/rollout-plan-*.test.ts) ----
const ENDPOINT_ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn";
export const V3 = PACKAGE_ARN("churn", 3);

/** churn serves churn-old: one variant AllTraffic on 2 × ml.m5.xlarge, model churn-model-old (role ROLE). */
export function servingWorld(): PlanWorld {
  const w = emptyWorld();
  w.endpoints.set("churn", { EndpointName: "churn", EndpointArn: ENDPOINT_ARN, EndpointStatus: "InService", EndpointConfigName: "churn-old", ProductionVariants: [{ VariantName: "AllTraffic", CurrentWeight: 1, CurrentInstanceCount: 2 }] });
  w.configs.set("churn-old", { EndpointConfigName: "churn-old", ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "churn-model-old", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2, InitialVariantWeight: 1 }] });
  w.models.set("churn-model-old", { ExecutionRoleArn: ROLE });
  w.packages.set(V3, { ModelPackageArn: V3, ModelPackageGroupName: "churn", ModelPackageVersion: 3, ModelApprovalStatus: "Approved" });
  return w;
}

/** churn is serverless (2048 MB, 5 concurrent) on churn-old. */
export function serverlessWorld(): PlanWorld {
  const w = servingWorld();
  w.endpoints.set("churn", { EndpointName: "churn", EndpointArn: ENDPOINT_ARN, EndpointStatus: "InService", EndpointConfigName: "churn-old", ProductionVariants: [{ VariantName: "AllTraffic", CurrentWeight: 1, CurrentServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 5 } }] });
  w.configs.set("churn-old", { EndpointConfigName: "churn-old", ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "churn-model-old", ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 5 } }] });
  return w;
}

/** churn is asynchronous, writing to s3://out/churn/ with 3 invocations per instance. */
export function asyncWorld(): PlanWorld {
  const w = servingWorld();
  const asyncConfig = { OutputConfig: { S3OutputPath: "s3://out/churn/" }, ClientConfig: { MaxConcurrentInvocationsPerInstance: 3 } };
  w.endpoints.set("churn", { ...w.endpoints.get("churn")!, AsyncInferenceConfig: asyncConfig });
  w.configs.set("churn-old", { ...w.configs.get("churn-old")!, AsyncInferenceConfig: asyncConfig });
  return w;
}

/** A user's CloudWatch alarm on churn's AllTraffic variant (5XX errors), in `state`. */
export function userAlarm(name: string, state: "OK" | "ALARM" = "OK", dimensions = [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }]): MetricAlarm {
  return {
    AlarmName: name,
    StateValue: state,
    StateReason: "",
    StateUpdatedTimestamp: new Date(0),
    Namespace: "AWS/SageMaker",
    MetricName: "Invocation5XXErrors",
    Statistic: "Sum",
    Dimensions: dimensions,
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
  };
}

export interface Run {
  world?: PlanWorld;
  flags?: Partial<DeployFlags>;
  alarms?: MetricAlarm[];
  asker?: Asker;
  config?: Record<string, unknown>;
}

export function setup(run: Run = {}) {
  const clock = new FakeClock();
  const aws = worldAws(clock, run.world ?? servingWorld());
  for (const a of run.alarms ?? []) aws.alarms.set(a.AlarmName!, a);
  const ctx = planContext(aws, clock, { asker: run.asker, config: run.config });
  const flags = deployFlags({ endpoint: "churn", modelPackage: V3, ...run.flags });
  return { aws, clock, go: () => planDeploy(flags, ctx, planPace(clock)) };
}

export async function plan(run: Run = {}) {
  const s = setup(run);
  const p = await s.go();
  return { ...p, aws: s.aws as ScriptedAws };
}

export async function refusal(run: Run): Promise<MlopsError> {
  try {
    await setup(run).go();
  } catch (error) {
    return error as MlopsError;
  }
  throw new Error("planDeploy did not refuse");
}

export const info = (message: string) => ({ level: "info", message });
export const warning = (message: string) => ({ level: "warning", message });

export function emptyWorldWithPackage(): PlanWorld {
  const w = servingWorld();
  w.endpoints.clear();
  return w;
}

