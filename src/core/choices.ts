/**
 * The closed sets of values our flags take, in one place: the commands validate against them
 * (with messages that name the flag, and for values from MLOPS_* and mlops.yaml too), src/cli.ts
 * shows them in the help, and `mlops completion` offers them. No imports: src/cli.ts loads this at
 * start-up.
 */

/** `deploy --strategy`, `deploy.strategy` in mlops.yaml, MLOPS_STRATEGY. */
export const STRATEGIES = ["all-at-once", "canary", "linear", "blue-green", "rolling"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** `deploy --engine`: guardrails (SageMaker moves traffic) or traffic (mlops moves variant weights). */
export const ENGINES = ["guardrails", "traffic"] as const;
export type Engine = (typeof ENGINES)[number];

/** `deploy --type`, `endpoint.type` in mlops.yaml. */
export const ENDPOINT_TYPES = ["realtime", "serverless", "async"] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

/** `register --approval`, `models list --status`: the Model Registry's approval states, in our words. */
export const APPROVALS = ["pending", "approved", "rejected"] as const;
export type Approval = (typeof APPROVALS)[number];

/** `endpoint advise --traffic`. */
export const TRAFFIC_SHAPES = ["steady", "spiky", "intermittent", "batch"] as const;
export type TrafficShape = (typeof TRAFFIC_SHAPES)[number];

/** `mlops completion SHELL`. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** `trigger add` kinds, and `trigger test --sample`: the events mlops knows. */
export const TRIGGER_KINDS = ["s3", "schedule", "model-approved", "alarm", "pipeline-status"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** `trigger add alarm --state`: CloudWatch's alarm states. */
export const ALARM_STATES = ["ALARM", "OK", "INSUFFICIENT_DATA"] as const;

/** `trigger add pipeline-status --status`: SageMaker's PipelineExecutionStatus. */
export const PIPELINE_STATUSES = ["Executing", "Stopping", "Stopped", "Failed", "Succeeded"] as const;

/** `init --framework`: the ML framework the project's scripts use. */
export const FRAMEWORKS = ["sklearn", "xgboost", "pytorch"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** `init --orchestrator`: what runs the build workflow (src/core/init-orchestrator.ts says which fits). */
export const ORCHESTRATORS = ["sagemaker-pipelines", "step-functions", "airflow"] as const;
export type Orchestrator = (typeof ORCHESTRATORS)[number];

/** `init --source`: where the release CodePipeline takes the code from. */
export const CODE_SOURCES = ["github", "codeconnections", "s3"] as const;
export type CodeSource = (typeof CODE_SOURCES)[number];

/** `init --endpoint-type`: deploy's types, and batch transform. */
export const INIT_ENDPOINT_TYPES = ["realtime", "serverless", "async", "batch"] as const;
export type InitEndpointType = (typeof INIT_ENDPOINT_TYPES)[number];

/** `init --strategy`: the rollouts a generated deploy buildspec may ask for (deploy's, without rolling). */
export const INIT_STRATEGIES = ["canary", "linear", "blue-green", "all-at-once"] as const;
export type InitStrategy = (typeof INIT_STRATEGIES)[number];

export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
