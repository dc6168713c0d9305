/**
 * What a trigger starts: `--target pipeline:NAME | codepipeline:NAME | sns:TOPIC | <ARN>`, and the
 * SageMaker pipeline parameters EventBridge passes. Pure: names and ARNs only; whether the target
 * exists is asked of AWS by the command.
 * Sources: botocore events/2015-10-07 (Target, SageMakerPipelineParameter), sagemaker/2017-07-24
 * (PipelineName), codepipeline/2015-07-09 (PipelineName), sns (CreateTopic Name); aws-facts.md §5.1.
 */

export type TargetKind = "sagemaker-pipeline" | "codepipeline" | "sns";

export interface TargetRef {
  kind: TargetKind;
  /** The pipeline or topic name. */
  name: string;
  /** Set when the user gave a full ARN (checked against the account and region in use). */
  arn?: string;
}

/** Where ARNs are built: partition (aws, aws-cn, aws-us-gov), region, 12-digit account. */
export interface ArnScope {
  partition: string;
  region: string;
  account: string;
}

/** The word before the colon in `--target`, for each kind. */
export const TARGET_PREFIXES: Record<TargetKind, string> = { "sagemaker-pipeline": "pipeline", codepipeline: "codepipeline", sns: "sns" };

export const TARGET_LABELS: Record<TargetKind, string> = { "sagemaker-pipeline": "SageMaker pipeline", codepipeline: "CodePipeline pipeline", sns: "SNS topic" };

const NAME_RULES: Record<TargetKind, { pattern: RegExp; rule: string }> = {
  "sagemaker-pipeline": { pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/, rule: "letters, digits and inner hyphens, at most 256 characters" },
  codepipeline: { pattern: /^[A-Za-z0-9.@\-_]{1,100}$/, rule: "1 to 100 letters, digits and . @ - _" },
  sns: { pattern: /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/, rule: "1 to 256 letters, digits, _ and - (a FIFO topic ends in .fifo)" },
};

/** The ARN partition of a region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** A `--target` value as the user typed it; throws Error (the command makes it a usage error) saying what is accepted. */
export function parseTargetRef(text: string): TargetRef {
  if (text.startsWith("arn:")) return parseTargetArn(text);
  const colon = text.indexOf(":");
  const prefix = colon === -1 ? "" : text.slice(0, colon);
  const kind = (Object.keys(TARGET_PREFIXES) as TargetKind[]).find((k) => TARGET_PREFIXES[k] === prefix);
  if (!kind) throw new Error(`"${text}" must be pipeline:NAME (a SageMaker pipeline), codepipeline:NAME, sns:TOPIC or a full ARN of one of them`);
  return { kind, name: checkTargetName(kind, text.slice(colon + 1)) };
}

function checkTargetName(kind: TargetKind, name: string): string {
  const { pattern, rule } = NAME_RULES[kind];
  if (!pattern.test(name)) throw new Error(`"${TARGET_PREFIXES[kind]}:${name}": ${kind === "sns" ? "an" : "a"} ${TARGET_LABELS[kind]} name is ${rule}`);
  return name;
}

/**
 * arn:PARTITION:sagemaker:REGION:ACCOUNT:pipeline/NAME, arn:PARTITION:codepipeline:REGION:ACCOUNT:NAME,
 * arn:PARTITION:sns:REGION:ACCOUNT:TOPIC. Other services are refused: mlops triggers start
 * pipelines and notify people, nothing else.
 */
function parseTargetArn(arn: string): TargetRef {
  const parts = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/.exec(arn);
  if (!parts) throw new Error(`"${arn}" is not an ARN (arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE)`);
  const [, , service, , , resource] = parts as unknown as [string, string, string, string, string, string];
  let ref: TargetRef;
  if (service === "sagemaker" && resource.startsWith("pipeline/")) ref = { kind: "sagemaker-pipeline", name: checkTargetName("sagemaker-pipeline", resource.slice(9)) };
  else if (service === "codepipeline") ref = { kind: "codepipeline", name: checkTargetName("codepipeline", resource) };
  else if (service === "sns") ref = { kind: "sns", name: checkTargetName("sns", resource) };
  else throw new Error(`"${arn}" is a ${service} ARN; a trigger's target is a SageMaker pipeline, a CodePipeline pipeline or an SNS topic`);
  return { ...ref, arn };
}

/** The ARN a target would have in this account and region (SageMaker lower-cases names in its ARNs). */
export function targetArn(ref: TargetRef, scope: ArnScope): string {
  const base = `arn:${scope.partition}`;
  switch (ref.kind) {
    case "sagemaker-pipeline":
      return `${base}:sagemaker:${scope.region}:${scope.account}:pipeline/${ref.name.toLowerCase()}`;
    case "codepipeline":
      return `${base}:codepipeline:${scope.region}:${scope.account}:${ref.name}`;
    case "sns":
      return `${base}:sns:${scope.region}:${scope.account}:${ref.name}`;
  }
}

/**
 * Why a target ARN the user gave cannot be a target of a rule made here, or undefined: a rule
 * invokes SageMaker, CodePipeline and SNS targets in its own region, and mlops creates rules in the
 * account its credentials belong to.
 */
export function targetScopeProblem(arn: string, scope: ArnScope): string | undefined {
  const [, partition, , region, account] = arn.split(":");
  if (partition !== scope.partition || region !== scope.region) return `is in region ${region}; the rule is made in ${scope.region}, and a rule starts these targets in its own region (use --region ${region})`;
  if (account !== scope.account) return `is in account ${account}; these credentials are account ${scope.account}`;
  return undefined;
}

/** The short form a person reads: pipeline:train, codepipeline:release, sns:alerts; other ARNs as they are. */
export function shortTarget(arn: string): string {
  const parts = /^arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:\d{12}:(.+)$/.exec(arn);
  if (!parts) return arn;
  const [, service, resource] = parts as unknown as [string, string, string];
  if (service === "sagemaker" && resource.startsWith("pipeline/")) return `pipeline:${resource.slice(9)}`;
  if (service === "codepipeline" || service === "sns") return `${service}:${resource}`;
  return arn;
}

/**
 * EventBridge's rule for SageMakerPipelineParameter.Name: `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, 1–256
 * characters. Stricter than SageMaker's own parameter names, which allow `_`: a pipeline with
 * `Input_Data` can be started by hand but not by a rule.
 */
export function pipelineParameterNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 256) return "must be 1 to 256 characters";
  if (/_/.test(name)) return `has an underscore: EventBridge passes only parameters named with letters, digits and inner hyphens (pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$), though SageMaker allows "_"; rename it in the pipeline, e.g. ${name.replace(/_+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`;
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(name)) return "must be letters, digits and inner hyphens, starting and ending with a letter or digit (EventBridge pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)";
  return undefined;
}

/** Whether a parameter value is a JSONPath into the event (`$.detail.object.key`) rather than a literal. */
export function isEventPath(value: string): boolean {
  return value.startsWith("$.") || value === "$";
}

/**
 * The field names a JSONPath walks, `$.detail.object.key` → ["detail", "object", "key"] (also
 * `$.resources[0]`, `$.detail-type`); throws Error naming what is wrong. EventBridge reads
 * these paths itself when the rule fires.
 */
export function eventPathSegments(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m) throw new Error(`"${path}" is not a JSONPath EventBridge reads: unexpected "${path.slice(at)}" (e.g. $.detail.object.key, $.resources[0])`);
    segments.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  }
  return segments;
}
