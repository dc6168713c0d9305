import { fingerprint, type EndpointType } from "./rollout-plan";

/**
 * The alarms `--auto-alarms` creates: error rate and latency of the new version only, so that
 * the old version's troubles never roll back the fix. `Invocation5XXErrors` is 1 per failed
 * request and 0 otherwise, so its Average is the error rate; `ModelLatency` is in microseconds.
 * Asynchronous endpoints publish neither Invocations nor per-request errors: their error rate is
 * InvocationFailures / (InvocationFailures + InvocationsProcesssed), their latency
 * TotalProcessingTime in milliseconds.
 *
 * Each rollout gets alarms of its own, named with its id (`mlops-<endpoint>-<rollout>-…`): no other
 * deploy can re-point them at its own version, and they go when the rollout ends.
 */

type Dimension = { Name: string; Value: string };

export interface AlarmDefinition {
  AlarmName: string;
  AlarmDescription: string;
  ActionsEnabled: false;
  Namespace?: string;
  MetricName?: string;
  Statistic?: "Average";
  Dimensions?: Dimension[];
  Period?: number;
  Metrics?: Array<{ Id: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: Dimension[] }; Period: number; Stat: string }; Expression?: string; ReturnData: boolean; Label?: string }>;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: "GreaterThanThreshold";
  TreatMissingData: "notBreaching";
}

export interface AlarmScope {
  endpoint: string;
  /** The rollout the alarms belong to. */
  rolloutId: string;
  variant: string;
  /** Guardrail rollouts keep the variant name: the new endpoint config tells the fleets apart. */
  config?: string;
}

/** One-minute periods, two of them breaching: quick to react, not fooled by one bad minute. */
const EVALUATION = { EvaluationPeriods: 2, DatapointsToAlarm: 2, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", ActionsEnabled: false } as const;

/** `mlops-<endpoint>-<rollout>-<what>`: at most 63 + 20 + 20 characters, well within CloudWatch's 255. */
function rolloutAlarmName(endpoint: string, rolloutId: string, what: string): string {
  return `mlops-${endpoint}-${rolloutId}-${what}`;
}

export function autoAlarmNames(endpoint: string, type: EndpointType, rolloutId: string): string[] {
  const name = (what: string) => rolloutAlarmName(endpoint, rolloutId, what);
  return type === "async" ? [name("failure-rate"), name("processing-time")] : [name("5xx-rate"), name("model-latency")];
}

/** The name of a rollout's copy of the user's alarm `original` (see alarm-scope.ts), within 255 characters. */
export function copyAlarmName(endpoint: string, rolloutId: string, original: string): string {
  const name = rolloutAlarmName(endpoint, rolloutId, `copy-${original}`);
  return name.length <= 255 ? name : `${name.slice(0, 246)}-${fingerprint(original)}`;
}

export function autoAlarms(scope: AlarmScope, type: EndpointType, limits: { maxErrorRate: number; maxLatencyMs: number }): AlarmDefinition[] {
  const dimensions: Dimension[] = [
    { Name: "EndpointName", Value: scope.endpoint },
    { Name: "VariantName", Value: scope.variant },
    ...(scope.config ? [{ Name: "EndpointConfigName", Value: scope.config }] : []),
  ];
  const target = scope.config ? `endpoint config ${scope.config}` : `variant ${scope.variant}`;
  const [errorName, latencyName] = autoAlarmNames(scope.endpoint, type, scope.rolloutId);
  if (type === "async") {
    const stat = (MetricName: string) => ({ Metric: { Namespace: "AWS/SageMaker", MetricName, Dimensions: dimensions }, Period: 60, Stat: "Sum" });
    return [
      {
        AlarmName: errorName!,
        AlarmDescription: `mlops: failure rate of ${target} on ${scope.endpoint} above ${limits.maxErrorRate}`,
        Metrics: [
          { Id: "failed", MetricStat: stat("InvocationFailures"), ReturnData: false },
          { Id: "processed", MetricStat: stat("InvocationsProcesssed"), ReturnData: false },
          { Id: "rate", Expression: "failed / (failed + processed)", ReturnData: true, Label: "failure rate" },
        ],
        Threshold: limits.maxErrorRate,
        ...EVALUATION,
      },
      {
        AlarmName: latencyName!,
        AlarmDescription: `mlops: processing time of ${target} on ${scope.endpoint} above ${limits.maxLatencyMs} ms`,
        Namespace: "AWS/SageMaker",
        MetricName: "TotalProcessingTime",
        Statistic: "Average",
        Dimensions: dimensions,
        Period: 60,
        Threshold: limits.maxLatencyMs,
        ...EVALUATION,
      },
    ];
  }
  return [
    {
      AlarmName: errorName!,
      AlarmDescription: `mlops: 5XX error rate of ${target} on ${scope.endpoint} above ${limits.maxErrorRate}`,
      Namespace: "AWS/SageMaker",
      MetricName: "Invocation5XXErrors",
      Statistic: "Average",
      Dimensions: dimensions,
      Period: 60,
      Threshold: limits.maxErrorRate,
      ...EVALUATION,
    },
    {
      AlarmName: latencyName!,
      AlarmDescription: `mlops: model latency of ${target} on ${scope.endpoint} above ${limits.maxLatencyMs} ms`,
      Namespace: "AWS/SageMaker",
      MetricName: "ModelLatency",
      Statistic: "Average",
      Dimensions: dimensions,
      Period: 60,
      // ModelLatency is in microseconds.
      Threshold: limits.maxLatencyMs * 1000,
      ...EVALUATION,
    },
  ];
}

/** The metric `mlops abort` sends to stop a guardrail deployment. */
export const ABORT_METRIC = { namespace: "mlops/rollouts", name: "AbortRequested" } as const;

/**
 * An alarm of the deployment's own, on a metric only `mlops abort` sends: SageMaker offers no call
 * to stop a guardrail deployment, but rolls back as soon as one of its alarms is in ALARM. Scoped
 * to the new endpoint config, so an abort of one deployment never stops the next; no actions, so
 * it pages nobody.
 */
export function abortAlarm(endpoint: string, config: string, rolloutId: string): AlarmDefinition {
  return {
    AlarmName: rolloutAlarmName(endpoint, rolloutId, "abort"),
    AlarmDescription: `mlops: \`mlops abort --endpoint ${endpoint}\` sets this off to roll back the deployment of ${config}`,
    Namespace: ABORT_METRIC.namespace,
    MetricName: ABORT_METRIC.name,
    Statistic: "Average",
    Dimensions: [
      { Name: "EndpointName", Value: endpoint },
      { Name: "EndpointConfigName", Value: config },
    ],
    Period: 60,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 0.5,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
    ActionsEnabled: false,
  };
}
