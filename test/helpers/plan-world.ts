import type { EndpointConfig, Endpoint } from "../../src/aws/endpoints";
import type { Context } from "../../src/context";
import type { DeployFlags } from "../../src/core/deploy-settings";
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
