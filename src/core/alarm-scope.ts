import type { Mode } from "./rollout-plan";

/**
 * What a user's `--alarm` watches, checked against what the endpoint will have. SageMaker
 * publishes its metrics per EndpointName + VariantName (and EndpointConfigName during and after
 * guardrail deployments); an alarm that names a variant or config the rollout does not serve
 * watches nothing, and would let a bad version through. Such alarms are refused before anything
 * changes, naming the dimension; so is an alarm on a set of dimensions SageMaker never publishes
 * (EndpointName alone, a misspelt name, an extra dimension), which sees no data at all.
 *
 * On the traffic engine the new version runs beside the old one under a temporary variant name
 * until the last step; an alarm on the serving variant (AllTraffic) then watches the old version.
 * mlops watches a copy of it, retargeted at the new version's variant, for the rollout's length.
 */

type Dimension = { Name?: string; Value?: string };

/** An alarm as DescribeAlarms returns it (the fields this check and a copy need). */
export interface ExistingAlarm {
  AlarmName?: string;
  AlarmDescription?: string;
  Namespace?: string;
  MetricName?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  EvaluateLowSampleCountPercentile?: string;
  ThresholdMetricId?: string;
  Metrics?: Array<{
    Id?: string;
    Expression?: string;
    Label?: string;
    ReturnData?: boolean;
    Period?: number;
    AccountId?: string;
    MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }; Period?: number; Stat?: string; Unit?: string };
  }>;
}

export interface AlarmScopeInput {
  endpoint: string;
  mode: Mode;
  /** The endpoint's variants now. */
  variants: readonly string[];
  /** The variant the new version serves under at the end. */
  servingVariant: string;
  /** Where the new version runs during the rollout (the temporary variant on the traffic engine). */
  newVariant: string;
  /** The config the rollout deploys, and the one serving now. */
  newConfig: string;
  currentConfig?: string;
}

export interface AlarmScope {
  /** Why the alarm cannot guard this rollout; set means refuse (exit 2). */
  problem?: string;
  /** Something worth saying, that does not stop the rollout. */
  note?: string;
  /** Watch a copy on the new version's variant instead (traffic engine, alarm on the serving variant). */
  retarget?: { from: string; to: string };
}

/** The metrics an alarm reads: its own, or each MetricStat of its metric math. */
function metricsOf(alarm: ExistingAlarm): Array<{ namespace?: string; name?: string; dimensions: Dimension[] }> {
  if (alarm.Metrics) {
    // Stryker disable next-line ArrayDeclaration: a made-up dimension has no Name, which reads as "" and adds nothing to the set
    return alarm.Metrics.filter((m) => m.MetricStat?.Metric).map((m) => ({ namespace: m.MetricStat!.Metric!.Namespace, name: m.MetricStat!.Metric!.MetricName, dimensions: m.MetricStat!.Metric!.Dimensions ?? [] }));
  }
  // Stryker disable next-line ArrayDeclaration: as above
  return [{ namespace: alarm.Namespace, name: alarm.MetricName, dimensions: alarm.Dimensions ?? [] }];
}

/** Where SageMaker publishes an endpoint's metrics: invocations, and instance use. */
const ENDPOINT_NAMESPACES = ["AWS/SageMaker", "/aws/sagemaker/Endpoints"];

/** Asynchronous endpoints' backlog metrics: per EndpointName alone (aws-facts.md §3.1). */
const ENDPOINT_ONLY_METRICS = ["ApproximateBacklogSize", "ApproximateBacklogSizePerInstance", "ApproximateAgeOfOldestRequest", "HasBacklogWithoutCapacity"];

/**
 * The dimensions of a metric SageMaker never publishes, spelt `EndpointName+Foo`, or undefined
 * when it does: endpoint metrics come per EndpointName + VariantName (and EndpointConfigName during
 * and after guardrail deployments), the backlog of an asynchronous endpoint per EndpointName
 * alone. CloudWatch matches dimension sets exactly (names are case-sensitive), so any other set
 * is a metric with no data.
 */
function unpublishedDimensions(metricName: string | undefined, dimensions: readonly Dimension[]): string | undefined {
  const names = dimensions.map((d) => d.Name ?? "").sort();
  const key = names.join("+");
  const published = ENDPOINT_ONLY_METRICS.includes(metricName ?? "") ? ["EndpointName"] : ["EndpointName+VariantName", "EndpointConfigName+EndpointName+VariantName"];
  return published.includes(key) ? undefined : key || "no dimensions";
}

/** How `alarm` relates to this rollout: refuse, note, or watch a retargeted copy. */
export function alarmScope(alarm: ExistingAlarm, input: AlarmScopeInput): AlarmScope {
  const name = alarm.AlarmName ?? "";
  const result: AlarmScope = {};
  const others = new Set<string>();
  for (const metric of metricsOf(alarm)) {
    if (!ENDPOINT_NAMESPACES.includes(metric.namespace ?? "")) continue;
    const dim = (key: string) => metric.dimensions.find((d) => d.Name === key)?.Value;
    const endpoint = dim("EndpointName");
    if (endpoint !== undefined && endpoint !== input.endpoint) {
      others.add(endpoint);
      continue;
    }
    if (dim("InferenceComponentName") !== undefined) continue;
    const unpublished = unpublishedDimensions(metric.name, metric.dimensions);
    if (unpublished) return { problem: `--alarm ${name} reads ${metric.namespace} ${metric.name ?? ""} by ${unpublished}, which SageMaker never publishes, so it sees no data` };
    const variant = dim("VariantName");
    const config = dim("EndpointConfigName");
    if (config !== undefined) {
      if (input.mode !== "guardrails") {
        return { problem: `--alarm ${name} watches EndpointConfigName=${config}: SageMaker adds that dimension only during guardrail deployments, so on the ${input.mode === "traffic" ? "traffic engine" : "serverless replacement"} it watches nothing` };
      }
      if (config !== input.newConfig) {
        const what = config === input.currentConfig ? "the config serving now (the old version)" : "a config this deploy does not serve";
        return { problem: `--alarm ${name} watches EndpointConfigName=${config}, ${what}; this deploy serves ${input.newConfig}` };
      }
    }
    if (variant === undefined) continue;
    const known = [...new Set([...input.variants, input.servingVariant])];
    if (!known.includes(variant)) {
      return { problem: `--alarm ${name} watches VariantName=${variant}, a variant ${input.endpoint} does not have (it has: ${input.variants.join(", ") || "none"})` };
    }
    if (variant !== input.servingVariant) {
      return { problem: `--alarm ${name} watches VariantName=${variant}, which goes at the end of this rollout: the new version serves as ${input.servingVariant}` };
    }
    if (
      // Stryker disable next-line ConditionalExpression: outside the traffic engine newVariant is the serving variant (deploySpecs), so the mode check only says intent
      input.mode === "traffic" &&
      input.newVariant !== variant
    ) {
      result.retarget = { from: variant, to: input.newVariant };
    }
  }
  if (result.retarget) {
    result.note = `--alarm ${name} watches VariantName=${result.retarget.from}, which carries the old version until the last step: mlops watches a copy on the new version's variant ${result.retarget.to} during the shift`;
  } else if (others.size > 0) {
    result.note = `--alarm ${name} watches endpoint ${[...others].join(", ")}, not ${input.endpoint}`;
  }
  return result;
}

/** A copy of `alarm` named `name` that watches variant `to` where it watched `from`, paging nobody. */
export function retargetedAlarm(alarm: ExistingAlarm, name: string, from: string, to: string): ExistingAlarm & { AlarmName: string; ActionsEnabled: false } {
  const swap = (dimensions: Dimension[] | undefined) => dimensions?.map((d) => (d.Name === "VariantName" && d.Value === from ? { Name: d.Name, Value: to } : { Name: d.Name, Value: d.Value }));
  const { AlarmName: original, AlarmDescription: _, Dimensions, Metrics, ...rest } = alarm;
  return {
    ...rest,
    AlarmName: name,
    AlarmDescription: `mlops: ${original} retargeted from variant ${from} to ${to} for one rollout`,
    ActionsEnabled: false,
    ...(Dimensions ? { Dimensions: swap(Dimensions) } : {}),
    ...(Metrics ? { Metrics: Metrics.map((m) => (m.MetricStat?.Metric ? { ...m, MetricStat: { ...m.MetricStat, Metric: { ...m.MetricStat.Metric, Dimensions: swap(m.MetricStat.Metric.Dimensions) } } } : m)) } : {}),
  };
}
