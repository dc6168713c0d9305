import { UsageError } from "../errors";
import { REGION_PATTERN } from "./aws-names";
import { CODE_SOURCES, FRAMEWORKS, INIT_ENDPOINT_TYPES, INIT_STRATEGIES, isOneOf, ORCHESTRATORS, type CodeSource, type Framework, type InitEndpointType, type InitStrategy, type Orchestrator } from "./choices";
import { parseNumber } from "./flags";

/**
 * What `mlops init` asks, its defaults and its rules, and the view the templates see
 * (/work/brief-13-contract.md: "The view"). Pure: no I/O.
 */

/** The closed choices a template's `when` may test, by view key, with their values and flag. */
export const INIT_CHOICES = {
  framework: { flag: "--framework", values: FRAMEWORKS },
  orchestrator: { flag: "--orchestrator", values: ORCHESTRATORS },
  source: { flag: "--source", values: CODE_SOURCES },
  endpointType: { flag: "--endpoint-type", values: INIT_ENDPOINT_TYPES },
  strategy: { flag: "--strategy", values: INIT_STRATEGIES },
} as const;
export type ChoiceKey = keyof typeof INIT_CHOICES;
export const CHOICE_KEYS = Object.keys(INIT_CHOICES) as ChoiceKey[];

/** Everything a project is made from. */
export interface InitAnswers {
  name: string;
  region: string;
  framework: Framework;
  orchestrator: Orchestrator;
  source: CodeSource;
  endpointType: InitEndpointType;
  strategy: InitStrategy;
  metric: string;
  /** A finite number, as text ("0.8"). */
  threshold: string;
}

/** What a run without a terminal (or with --yes) takes for each value no flag gives; name and region come from elsewhere. */
export const INIT_DEFAULTS = {
  framework: "sklearn",
  orchestrator: "sagemaker-pipelines",
  source: "github",
  endpointType: "realtime",
  strategy: "canary",
  metric: "accuracy",
  threshold: "0.8",
  region: "us-east-1",
} as const satisfies Omit<InitAnswers, "name">;

/** 3–32 characters: lower-case letters, digits and inner hyphens, starting with a letter. */
export const PROJECT_NAME = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
export const PROJECT_NAME_MAX = 32;

/**
 * Bucket-name prefixes S3 reserves (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 * The name starts every bucket name made from it (NAME-data); the reserved suffixes never end one.
 */
const S3_RESERVED = [/^xn--/, /^sthree-/, /^amzn-s3-demo-/];

/**
 * The project name goes into S3 bucket names (lower case only, 3–63 characters in all), CloudFormation
 * stack names and SageMaker names (letters, digits, hyphens), with suffixes such as `-release` and
 * `-staging`; 32 characters leave room for them. `from` says where the name came from when it was
 * not the flag (the directory's name). Throws UsageError naming --name and the rule.
 */
export function checkProjectName(name: string, from?: string): string {
  const what = from ? `the project name "${name}" (${from}; give --name to choose another)` : `--name "${name}"`;
  const why = "it goes into S3 bucket names, CloudFormation stack names and SageMaker names";
  if (name.length === 0) throw new UsageError(`--name is empty: give the project a name`);
  if (/[/\\]|^\.\.?$/.test(name) || name.includes("..")) throw new UsageError(`${what} is a path, not a name: it may hold only lower-case letters, digits and hyphens`);
  if (/[A-Z]/.test(name) && PROJECT_NAME.test(name.toLowerCase())) throw new UsageError(`${what} must be lower case: ${why}, and S3 bucket names allow no upper-case letters`, { hint: `try ${name.toLowerCase()}` });
  if (name.length > PROJECT_NAME_MAX) throw new UsageError(`${what} is ${name.length} characters; the limit is ${PROJECT_NAME_MAX}, so that the names made from it (such as ${name.slice(0, 8)}…-release and S3 bucket names, at most 63 characters) stay within AWS's limits`);
  if (name.length < 3) throw new UsageError(`${what} is ${name.length} character${name.length === 1 ? "" : "s"}; a name needs at least 3 (S3 bucket names do)`);
  if (!PROJECT_NAME.test(name)) {
    throw new UsageError(`${what} may hold only lower-case letters, digits and hyphens, start with a letter and not end with a hyphen: ${why}`, { hint: "pattern ^[a-z][a-z0-9-]{1,30}[a-z0-9]$" });
  }
  // S3 reserves these for its own names.
  const reserved = S3_RESERVED.find((r) => r.test(name));
  if (reserved) throw new UsageError(`${what} starts the way S3 reserves for its own names (${reserved.source.replace(/[\^$\\]/g, "")}): bucket names such as ${name}-data would be refused`);
  return name;
}

/** The metric the Condition step compares: a SageMaker pipeline property name part and a Python identifier. */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function checkMetricName(metric: string): string {
  if (!METRIC_NAME.test(metric)) throw new UsageError(`--metric "${metric}" must be a letter followed by at most 63 letters, digits or underscores (it becomes a key of the evaluation report, e.g. accuracy or f1_score)`);
  return metric;
}

/** A finite decimal number, kept as text in its plain form ("0.80" → "0.8"). */
export function checkThreshold(raw: string): string {
  return String(parseNumber("--threshold", raw));
}

export function checkRegion(region: string, source = "--region"): string {
  if (!REGION_PATTERN.test(region)) throw new UsageError(`${source} "${region}" must be an AWS region such as us-east-1`);
  return region;
}

/** A value of one of the closed choices (given by a flag or an answer); the message lists them. */
export function checkChoice<K extends ChoiceKey>(key: K, value: string): InitAnswers[K] {
  const { flag, values } = INIT_CHOICES[key];
  if (!isOneOf(values as readonly string[], value)) throw new UsageError(`${flag} "${value}" must be one of: ${values.join(", ")}`);
  return value as InitAnswers[K];
}

/** Every value the templates see: strings, and one boolean per choice value (`orchestrator_step_functions`). */
export type InitView = Record<string, string | boolean>;

/** The view of the contract: the answers, the names made from them, and the booleans for `{{#…}}` sections. */
export function buildView(answers: InitAnswers, mlopsVersion: string): InitView {
  const view: InitView = {
    ...answers,
    group: answers.name,
    buildPipeline: `${answers.name}-build`,
    releasePipeline: `${answers.name}-release`,
    stagingEndpoint: `${answers.name}-staging`,
    prodEndpoint: `${answers.name}-prod`,
    mlopsVersion,
  };
  for (const key of CHOICE_KEYS) {
    for (const value of INIT_CHOICES[key].values) view[`${key}_${value.replace(/-/g, "_")}`] = answers[key] === value;
  }
  return view;
}

/**
 * Every combination of the closed choices, the other values taken from `base`: 3 frameworks × 3
 * orchestrators × 3 sources × 4 endpoint types × 4 strategies = 432. For tests that check a
 * template renders (and lints) whatever is chosen.
 */
export function everyCombination(base: InitAnswers): InitAnswers[] {
  let combinations: InitAnswers[] = [base];
  for (const key of CHOICE_KEYS) {
    combinations = combinations.flatMap((answers) => INIT_CHOICES[key].values.map((value) => ({ ...answers, [key]: value })));
  }
  return combinations;
}
