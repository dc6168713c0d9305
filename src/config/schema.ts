import { z } from "zod";

import { isHttpUrl, REGION_PATTERN } from "../core/aws-names";
import { DEPLOY_LIMITS } from "../core/deploy-settings";
import { ENDPOINT_TYPES, ENGINES, STRATEGIES } from "../core/choices";

const httpUrl = z.string().refine(isHttpUrl, { message: "must be an http:// or https:// URL" });

const resourceName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, { message: "must be letters, digits and inner hyphens, at most 63 characters" });
const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, { message: "must be an s3:// URI" });
/** Whole seconds (a YAML number) or a duration string; one message for every wrong kind (1.5, true, "soon"). */
function durationSchema(seconds: z.ZodNumber) {
  const message = "must be whole seconds (such as 90) or a duration such as 90s, 15m or 1h30m";
  return z.union([seconds, z.string().regex(/^(\d+|(\d+[smhd])+)$/, { message })], { error: message });
}
const duration = durationSchema(z.number().int().nonnegative());
const bake = durationSchema(z.number().int().min(DEPLOY_LIMITS.bakeSeconds.min).max(DEPLOY_LIMITS.bakeSeconds.max));
/** A number in one of DEPLOY_LIMITS's ranges. */
const within = (r: { min?: number; max: number; exclusiveMin?: number }) => {
  const n = r.exclusiveMin !== undefined ? z.number().gt(r.exclusiveMin) : z.number().min(r.min ?? -Infinity);
  return n.max(r.max);
};

/** `endpoint:`: what the endpoint is. `mlops endpoint advise --save` writes it; `mlops deploy` reads it. */
const EndpointSection = z
  .object({
    name: resourceName.optional(),
    type: z.enum(ENDPOINT_TYPES).optional(),
    instanceType: z.string().regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, { message: "must be an instance type such as ml.m5.large" }).optional(),
    instanceCount: z.number().int().min(1).max(100).optional(),
    memoryMb: z.number().int().refine((v) => v >= 1024 && v <= 6144 && v % 1024 === 0, { message: "must be 1024, 2048, 3072, 4096, 5120 or 6144" }).optional(),
    maxConcurrency: z.number().int().min(1).max(200).optional(),
    asyncOutput: s3Uri.optional(),
    asyncMaxConcurrentInvocations: z.number().int().min(1).max(1000).optional(),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: "must be an IAM role ARN" }).optional(),
  })
  .strict();

/** `batch:`: a batch transform job's settings, as `mlops endpoint advise --save` chose them. */
const BatchSection = z
  .object({
    instanceType: z.string().regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, { message: "must be an instance type such as ml.m5.large" }).optional(),
    instanceCount: z.number().int().min(1).max(100).optional(),
    maxPayloadMb: z.number().int().min(0).max(100).optional(),
    strategy: z.enum(["MultiRecord", "SingleRecord"]).optional(),
    splitType: z.enum(["None", "Line", "RecordIO", "TFRecord"]).optional(),
    maxConcurrentTransforms: z.number().int().min(1).optional(),
    invocationsTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

/** `deploy:`: how rollouts run. */
const DeploySection = z
  .object({
    strategy: z.enum(STRATEGIES).optional(),
    engine: z.enum(ENGINES).optional(),
    canaryPercent: within(DEPLOY_LIMITS.canaryPercent).optional(),
    linearStep: within(DEPLOY_LIMITS.linearStep).optional(),
    bake: bake.optional(),
    finalBake: bake.optional(),
    alarms: z.array(z.string().min(1).max(255)).max(10).optional(),
    autoAlarms: z.boolean().optional(),
    maxErrorRate: within(DEPLOY_LIMITS.maxErrorRate).optional(),
    maxLatencyMs: within(DEPLOY_LIMITS.maxLatencyMs).optional(),
    timeout: duration.optional(),
    poll: within(DEPLOY_LIMITS.pollSeconds).optional(),
    keepOld: z.boolean().optional(),
  })
  .strict();

/** `release:`: the CodePipeline pipeline `mlops release` works on (name rule: CodePipeline's PipelineName). */
const ReleaseSection = z
  .object({
    pipeline: z.string().regex(/^[A-Za-z0-9.@\-_]{1,100}$/, { message: "must be a CodePipeline name: 1 to 100 letters, digits and . @ - _" }).optional(),
  })
  .strict();

/** `pipeline:`: the SageMaker pipeline `mlops pipeline …` works on. */
const PipelineSection = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/, { message: "must be letters, digits and inner hyphens, at most 256 characters" }).optional(),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/, { message: "must be an IAM role ARN" }).optional(),
    file: z.string().min(1).optional(),
  })
  .strict();

/** `triggers:`: the role EventBridge rules made by `mlops trigger add` start their targets with. */
const TriggersSection = z
  .object({
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/, { message: "must be an IAM role ARN" }).optional(),
  })
  .strict();

/**
 * mlops.yaml. Strict: an unknown key is almost always a typo, and a typo silently ignored
 * would deploy with defaults the user did not want.
 */
export const ConfigSchema = z
  .object({
    region: z.string().regex(REGION_PATTERN, { message: "must be an AWS region such as us-east-1" }).optional(),
    profile: z.string().min(1).optional(),
    endpointUrl: httpUrl.optional(),
    endpoint: EndpointSection.optional(),
    deploy: DeploySection.optional(),
    batch: BatchSection.optional(),
    pipeline: PipelineSection.optional(),
    release: ReleaseSection.optional(),
    triggers: TriggersSection.optional(),
  })
  .strict();

export type MlopsConfig = z.infer<typeof ConfigSchema>;
