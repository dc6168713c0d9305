import { StandardUnit } from "@aws-sdk/client-cloudwatch";
import { jsonErrorProfile, ServiceError } from "../errors";
import { paginate } from "../paginate";
import { record } from "../records";
import type { EventInput } from "../events";
import type { ServiceDefinition } from "../service";
import { bool, int, list, num, required, str, struct, type Spec } from "../validate";
import { checkExpression, evaluate, expressionIds } from "./metric-math";

/**
 * CloudWatch: metrics kept in 10-second buckets, and alarms evaluated on them the way CloudWatch
 * does: Period, EvaluationPeriods, DatapointsToAlarm, statistic, comparison, missing data, and
 * metric math. Alarms are evaluated when a period completes, so SetAlarmState holds until then.
 */

type Dimension = { Name: string; Value: string };

interface Stats {
  sum: number;
  count: number;
  min: number;
  max: number;
}

interface MetricSeries {
  namespace: string;
  name: string;
  dimensions: Dimension[];
  /** Bucket start (epoch ms) → aggregate over every unit. */
  buckets: Record<string, Stats>;
  /**
   * Unit → bucket start → aggregate: data points with a unit are aggregated separately, and a
   * Unit filter sees only its own (absent in state files from before units).
   */
  units?: Record<string, Record<string, Stats>>;
}

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] };
  Period: number;
  Stat: string;
  Unit?: string;
}

interface MetricQuery {
  Id: string;
  MetricStat?: MetricStat;
  Expression?: string;
  ReturnData?: boolean;
  Label?: string;
}

export interface Alarm {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: Dimension[];
  Metrics?: MetricQuery[];
  Period?: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  Unit?: string;
  OKActions?: string[];
  AlarmActions?: string[];
  InsufficientDataActions?: string[];
  ComparisonOperator: string;
  TreatMissingData?: string;
  StateValue: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  StateReason: string;
  /** Epoch milliseconds, sandbox time. */
  updated: number;
  stateUpdated: number;
  /** The end of the last period evaluated. */
  evaluatedUntil?: number;
}

export interface CloudWatchState {
  alarms: Record<string, Alarm>;
  metrics: Record<string, MetricSeries>;
  /** Tags by alarm ARN (absent in state files from before tags). */
  tags?: Record<string, Record<string, string>>;
}

/** CloudWatch's TagList: Key 1–128, Value 0–256 characters, at most 50 tags on a resource. */
const tagList = list(struct({ Key: required(str({ min: 1, max: 128 })), Value: required(str({ max: 256 })) }), { max: 50 });

/** A resource's tags; reading never adds an entry. */
function tagsOf(state: CloudWatchState, arn: string): Record<string, string> {
  return state.tags && Object.hasOwn(state.tags, arn) ? state.tags[arn]! : record();
}

/** Add tags to a resource, refusing (and keeping nothing) when it would pass 50. */
function addTags(state: CloudWatchState, arn: string, tags: ReadonlyArray<{ Key: string; Value: string }>): void {
  const merged = Object.assign(record<string>(), tagsOf(state, arn), Object.fromEntries(tags.map((t) => [t.Key, t.Value])));
  if (Object.keys(merged).length > 50) throw new ServiceError("LimitExceededFault", "A resource can have at most 50 tags.", { status: 400, queryCode: "LimitExceeded" });
  (state.tags ??= record())[arn] = merged;
}

function alarmByArn(state: CloudWatchState, arn: string): Alarm {
  const alarm = Object.values(state.alarms).find((a) => a.AlarmArn === arn);
  if (!alarm) throw new ServiceError("ResourceNotFoundException", `The resource ${arn} does not exist.`, { status: 404, queryCode: "ResourceNotFoundException" });
  return alarm;
}

const BUCKET_MS = 10_000;
/** How much metric history is kept, sandbox time. */
const RETENTION_MS = 6 * 3600_000;

const errors = jsonErrorProfile(true, {
  internal: () => new ServiceError("InternalServiceFault", "Internal service error.", { status: 500, queryCode: "InternalServiceError" }),
});

/** StandardUnit, the enum of the CloudWatch model (the SDK is generated from it). */
const UNITS: readonly string[] = Object.values(StandardUnit);
/** Namespaces: anything not starting with a colon. */
const NAMESPACE = /[^:].*/;
/** ExtendedStatistic percentiles the sandbox computes: p0.0 to p100. */
const PERCENTILE = /^p(\d{1,2}(\.\d{0,2})?|100)$/;
/** ResourceList: at most 5 action ARNs of 1–1024 characters. */
const actions = list(str({ min: 1, max: 1024 }), { max: 5 });

const invalidValue = (message: string) => new ServiceError("InvalidParameterValueException", message, { queryCode: "InvalidParameterValue" });

const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
const COMPARISONS = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
  "LessThanLowerOrGreaterThanUpperThreshold",
  "LessThanLowerThreshold",
  "GreaterThanUpperThreshold",
] as const;
const STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;

const dimension = struct({ Name: required(str({ min: 1, max: 255 })), Value: required(str({ min: 1, max: 1024 })) });
const metric = struct({ Namespace: str({ min: 1, max: 255, pattern: NAMESPACE }), MetricName: str({ min: 1, max: 255 }), Dimensions: list(dimension, { max: 30 }) });
const metricQuery: Spec = struct({
  Id: required(str({ min: 1, max: 255, pattern: /[a-z][a-zA-Z0-9_]*/ })),
  MetricStat: struct({ Metric: required(metric), Period: required(int({ min: 1 })), Stat: required(str()), Unit: str({ enum: UNITS }) }),
  AccountId: str({ min: 1, max: 255 }),
  Expression: str({ min: 1, max: 2048 }),
  ReturnData: bool(),
  Label: str(),
  Period: int({ min: 1 }),
});

/** Series are keyed by namespace, name and their exact set of dimensions, as in CloudWatch. */
function seriesKey(namespace: string, name: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => `${d.Name}=${d.Value}`);
  return `${namespace}|${name}|${dims.join(",")}`;
}

function merge(into: Record<string, Stats>, bucket: string, stats: Stats): void {
  const current = into[bucket];
  into[bucket] = current
    ? { sum: current.sum + stats.sum, count: current.count + stats.count, min: Math.min(current.min, stats.min), max: Math.max(current.max, stats.max) }
    : { ...stats };
}

/** Add samples to a series: `stats` aggregates one or more values observed at `timestamp`, in `unit` (StandardUnit; default None). */
export function recordMetric(state: CloudWatchState, namespace: string, name: string, dimensions: Dimension[], stats: Stats, timestamp: number, unit = "None"): void {
  const key = seriesKey(namespace, name, dimensions);
  const series = (state.metrics[key] ??= { namespace, name, dimensions, buckets: {} });
  const bucket = String(Math.floor(timestamp / BUCKET_MS) * BUCKET_MS);
  merge(series.buckets, bucket, stats);
  merge(((series.units ??= {})[unit] ??= {}), bucket, stats);
}

/** Forget samples older than the retention, to keep a long-running sandbox small. */
export function pruneMetrics(state: CloudWatchState, now: number): void {
  const oldest = now - RETENTION_MS;
  for (const series of Object.values(state.metrics)) {
    for (const buckets of [series.buckets, ...Object.values(series.units ?? {})]) {
      for (const bucket of Object.keys(buckets)) if (Number(bucket) < oldest) delete buckets[bucket];
    }
  }
}

/** The series' buckets of one unit, or of all units when `unit` is undefined. */
function bucketsOf(series: MetricSeries | undefined, unit: string | undefined): Record<string, Stats> | undefined {
  if (!series || unit === undefined) return series?.buckets;
  // State from before units kept everything unitless.
  return series.units ? series.units[unit] : unit === "None" ? series.buckets : undefined;
}

function aggregate(buckets: Record<string, Stats> | undefined, from: number, to: number): Stats | undefined {
  if (!buckets) return undefined;
  let result: Stats | undefined;
  for (const [bucket, stats] of Object.entries(buckets)) {
    const start = Number(bucket);
    if (start < from || start >= to) continue;
    result = result
      ? { sum: result.sum + stats.sum, count: result.count + stats.count, min: Math.min(result.min, stats.min), max: Math.max(result.max, stats.max) }
      : { ...stats };
  }
  return result;
}

function statistic(stats: Stats | undefined, stat: string): number | undefined {
  if (!stats || stats.count === 0) return undefined;
  switch (stat) {
    case "Sum":
      return stats.sum;
    case "Average":
      return stats.sum / stats.count;
    case "SampleCount":
      return stats.count;
    case "Minimum":
      return stats.min;
    case "Maximum":
      return stats.max;
    default:
      // Percentiles are approximated by the maximum: pessimistic, which suits a rollback alarm.
      // Stryker disable next-line Regex: no other CloudWatch statistic has a p and a digit (tm99, wm99, tc99, ts99, PR(…), IQM)
      return /^p\d/.test(stat) ? stats.max : undefined;
  }
}

function statValue(state: CloudWatchState, stat: MetricStat, from: number, to: number): number | undefined {
  const m = stat.Metric;
  return statistic(aggregate(bucketsOf(state.metrics[seriesKey(m.Namespace, m.MetricName, m.Dimensions ?? [])], stat.Unit), from, to), stat.Stat);
}

/** The value of one alarm for the period [from, to), or undefined when there is no data. */
function alarmDatapoint(state: CloudWatchState, alarm: Alarm, from: number, to: number): number | undefined {
  if (alarm.Metrics) {
    const values = new Map<string, number | undefined>();
    const valueOf = (id: string): number | undefined => {
      if (values.has(id)) return values.get(id);
      // A query that reads itself, directly or not (e1: "e2", e2: "e1"), has no value rather than
      // recursing until the stack overflows and the tick of the whole region fails.
      values.set(id, undefined);
      const query = alarm.Metrics!.find((q) => q.Id === id);
      const value = !query ? undefined : query.MetricStat ? statValue(state, query.MetricStat, from, to) : evaluate(query.Expression!, valueOf);
      values.set(id, value);
      return value;
    };
    // PutMetricAlarm lets exactly one query return data, and each query has a MetricStat or an Expression.
    return valueOf(alarm.Metrics.find((q) => q.ReturnData !== false)!.Id);
  }
  return statValue(
    state,
    { Metric: { Namespace: alarm.Namespace!, MetricName: alarm.MetricName!, Dimensions: alarm.Dimensions }, Period: alarm.Period!, Stat: alarm.Statistic ?? alarm.ExtendedStatistic!, Unit: alarm.Unit },
    from,
    to,
  );
}

function breaches(value: number, operator: string, threshold: number): boolean {
  switch (operator) {
    case "GreaterThanOrEqualToThreshold":
      return value >= threshold;
    case "GreaterThanThreshold":
      return value > threshold;
    case "LessThanThreshold":
      return value < threshold;
    case "LessThanOrEqualToThreshold":
      return value <= threshold;
    // Stryker disable next-line ConditionalExpression: an empty default returns undefined, as falsy as false
    default:
      return false;
  }
}

function alarmPeriod(alarm: Alarm): number {
  // An alarm without Period has Metrics (PutMetricAlarm); one of only expressions has no period of its own.
  return (alarm.Period ?? alarm.Metrics!.find((q) => q.MetricStat)?.MetricStat!.Period ?? 60) * 1000;
}

/** Called with the EventBridge event of each alarm state change. */
export type AlarmEvents = (event: EventInput) => void;

function setState(alarm: Alarm, value: Alarm["StateValue"], reason: string, at: number, publish?: AlarmEvents): void {
  if (alarm.StateValue === value) return;
  const previous = { value: alarm.StateValue, reason: alarm.StateReason, timestamp: alarm.stateUpdated };
  alarm.StateValue = value;
  alarm.StateReason = reason;
  alarm.stateUpdated = at;
  publish?.(alarmStateChange(alarm, previous));
}

/**
 * "CloudWatch Alarm State Change" as CloudWatch sends it to EventBridge (source aws.cloudwatch,
 * detail alarmName, state and previousState {value, reason, timestamp}, configuration).
 * doc: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
function alarmStateChange(alarm: Alarm, previous: { value: string; reason?: string; timestamp?: number }): EventInput {
  const iso = (t: number | undefined) => new Date(t ?? 0).toISOString().replace("Z", "+0000");
  return {
    source: "aws.cloudwatch",
    detailType: "CloudWatch Alarm State Change",
    resources: [alarm.AlarmArn],
    detail: {
      alarmName: alarm.AlarmName,
      state: { value: alarm.StateValue, reason: alarm.StateReason, timestamp: iso(alarm.stateUpdated) },
      previousState: { value: previous.value, reason: previous.reason, timestamp: iso(previous.timestamp) },
      configuration: {
        ...(alarm.AlarmDescription !== undefined ? { description: alarm.AlarmDescription } : {}),
        ...(alarm.MetricName !== undefined ? { metrics: [{ id: "m1", metricStat: { metric: { namespace: alarm.Namespace, name: alarm.MetricName, dimensions: Object.fromEntries(alarm.Dimensions.map((d) => [d.Name, d.Value])) }, period: alarm.Period, stat: alarm.Statistic ?? alarm.ExtendedStatistic }, returnData: true }] } : {}),
      },
    },
  };
}

/**
 * Evaluate every alarm whose next period has completed by `now`. Metrics reach CloudWatch
 * late, so a period is judged `delaySeconds` after it ends, as in AWS: an alarm never sees
 * the last minute.
 */
export function evaluateAlarms(state: CloudWatchState, now: number, delaySeconds = 0, publish?: AlarmEvents): void {
  for (const alarm of Object.values(state.alarms)) {
    const period = alarmPeriod(alarm);
    const end = Math.floor((now - delaySeconds * 1000) / period) * period;
    // Stryker disable next-line ConditionalExpression: undefined >= end is false too; the check says the intent
    if (alarm.evaluatedUntil !== undefined && alarm.evaluatedUntil >= end) continue;
    alarm.evaluatedUntil = end;
    const wanted = alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods;
    const points: Array<number | undefined> = [];
    for (let k = alarm.EvaluationPeriods; k >= 1; k--) points.push(alarmDatapoint(state, alarm, end - k * period, end - (k - 1) * period));
    const treat = alarm.TreatMissingData ?? "missing";
    const present = points.filter((p): p is number => p !== undefined);
    const missing = points.length - present.length;
    let bad = present.filter((p) => breaches(p, alarm.ComparisonOperator, alarm.Threshold ?? 0)).length;
    if (treat === "breaching") bad += missing;
    const describe = () =>
      `${bad} out of the last ${points.length} datapoints [${points.map((p) => (p === undefined ? "missing" : String(Number(p.toFixed(6))))).join(", ")}] ` +
      // Stryker disable next-line Regex: every ComparisonOperator has "Threshold" once, at its end
      `were ${alarm.ComparisonOperator.replace(/Threshold$/, "").replace(/([A-Z])/g, " $1").trim().toLowerCase()} the threshold (${alarm.Threshold}).`;
    if (bad >= wanted) setState(alarm, "ALARM", `Threshold Crossed: ${describe()}`, now, publish);
    // With breaching, every missing point counts as bad, so all missing is ALARM above (M <= N).
    else if (present.length > 0 || treat === "notBreaching") setState(alarm, "OK", `Threshold Crossed: ${describe()}`, now, publish);
    else if (treat !== "ignore") setState(alarm, "INSUFFICIENT_DATA", "Insufficient Data: no datapoints were received for the evaluation periods.", now, publish);
  }
}

/** For other services (SageMaker guardrails): which named alarms are in ALARM, and which do not exist. */
export function alarmStates(state: CloudWatchState, names: readonly string[]): { inAlarm: string[]; missing: string[] } {
  return {
    inAlarm: names.filter((n) => state.alarms[n]?.StateValue === "ALARM"),
    missing: names.filter((n) => !state.alarms[n]),
  };
}

function describe(alarm: Alarm) {
  const { updated, stateUpdated, evaluatedUntil: _, ...wire } = alarm;
  return {
    ...wire,
    // MetricAlarm's action lists are always there, empty when none.
    OKActions: alarm.OKActions ?? [],
    AlarmActions: alarm.AlarmActions ?? [],
    InsufficientDataActions: alarm.InsufficientDataActions ?? [],
    AlarmConfigurationUpdatedTimestamp: new Date(updated),
    StateUpdatedTimestamp: new Date(stateUpdated),
    StateTransitionedTimestamp: new Date(stateUpdated),
  };
}

function toMs(value: unknown): number {
  // The JSON protocol sends timestamps as epoch seconds.
  return typeof value === "number" ? value * 1000 : new Date(String(value)).getTime();
}

/**
 * PutMetricAlarm's evaluation window, as the model documents it: Period is 10, 20, 30 or a
 * multiple of 60; DatapointsToAlarm (M) at most EvaluationPeriods (N); Period × N at most 7 days,
 * and at most one day for periods under an hour. Each is CloudWatch's ValidationError
 * ("DatapointsToAlarm must be less than or equal to EvaluationPeriods": hashicorp/terraform#24070).
 */
function checkEvaluationWindow(period: number | undefined, evaluationPeriods: number, datapointsToAlarm: number | undefined): void {
  if (period !== undefined && ![10, 20, 30].includes(period) && period % 60 !== 0) throw errors.validation("The parameter Period must be 10, 20, 30, or a multiple of 60.");
  // Stryker disable next-line ConditionalExpression: undefined > n is false, so the undefined check only says what is meant
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) throw errors.validation("DatapointsToAlarm must be less than or equal to EvaluationPeriods");
  if (period !== undefined) {
    const limit = period < 3600 ? 86_400 : 604_800;
    if (period * evaluationPeriods > limit) throw errors.validation(`The evaluation period (Period multiplied by EvaluationPeriods) must not exceed ${limit} seconds.`);
  }
}

export const cloudwatch: ServiceDefinition<CloudWatchState> = {
  name: "cloudwatch",
  signingName: "monitoring",
  arnService: "cloudwatch",
  protocol: { kind: "json", version: "1.0", target: "GraniteServiceVersion20100801", namespace: "com.amazonaws.cloudwatch", queryCompatible: true },
  errors,
  initialState: () => ({ alarms: {}, metrics: {}, tags: {} }),
  operations: {
    PutMetricAlarm: {
      mutates: true,
      input: {
        AlarmName: required(str({ min: 1, max: 255 })),
        AlarmDescription: str({ max: 1024 }),
        ActionsEnabled: bool(),
        MetricName: str({ min: 1, max: 255 }),
        Namespace: str({ min: 1, max: 255, pattern: NAMESPACE }),
        Statistic: str({ enum: STATISTICS }),
        ExtendedStatistic: str(),
        Dimensions: list(dimension, { max: 30 }),
        Metrics: list(metricQuery, { max: 10 }),
        Period: int({ min: 1 }),
        EvaluationPeriods: required(int({ min: 1 })),
        DatapointsToAlarm: int({ min: 1 }),
        Threshold: num(),
        ComparisonOperator: required(str({ enum: COMPARISONS })),
        TreatMissingData: str({ min: 1, max: 255, enum: ["breaching", "notBreaching", "ignore", "missing"] }),
        Unit: str({ enum: UNITS }),
        OKActions: actions,
        AlarmActions: actions,
        InsufficientDataActions: actions,
        EvaluationInterval: int({ min: 10, max: 3600 }),
        EvaluateLowSampleCountPercentile: str({ min: 1, max: 255 }),
        ThresholdMetricId: str({ min: 1, max: 255 }),
        Tags: tagList,
      },
      handler: (
        { Tags: tags, ...input }: Omit<Alarm, "AlarmArn" | "StateValue" | "StateReason" | "updated" | "stateUpdated" | "Dimensions" | "ActionsEnabled"> & { Dimensions?: Dimension[]; ActionsEnabled?: boolean; Tags?: Array<{ Key: string; Value: string }> },
        ctx,
      ) => {
        if (input.Statistic && input.ExtendedStatistic) throw invalidValue("Statistic and ExtendedStatistic are mutually exclusive.");
        // CloudWatch has more statistics (tm99, wm99, PR(…)…); the sandbox computes percentiles only.
        if (input.ExtendedStatistic && !PERCENTILE.test(input.ExtendedStatistic)) throw invalidValue(`The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`);
        if (input.Metrics) {
          if (input.MetricName || input.Namespace || input.Statistic || input.Period) throw invalidValue("Metrics cannot be combined with MetricName, Namespace, Statistic or Period.");
          const ids = new Set(input.Metrics.map((q) => q.Id));
          for (const q of input.Metrics) {
            if (!q.MetricStat === !q.Expression) throw invalidValue(`Metrics[${q.Id}] needs exactly one of MetricStat and Expression.`);
            if (q.Expression) {
              try {
                checkExpression(q.Expression);
              } catch (error) {
                throw invalidValue(`Metrics[${q.Id}].Expression: ${(error as Error).message}`);
              }
              const unknown = expressionIds(q.Expression).filter((id) => !ids.has(id));
              if (unknown.length > 0) throw invalidValue(`Metrics[${q.Id}].Expression uses unknown id(s) ${unknown.join(", ")}.`);
            }
          }
          if (input.Metrics.filter((q) => q.ReturnData !== false).length !== 1) throw invalidValue("Exactly one of Metrics must have ReturnData true.");
        } else if (!input.MetricName || !input.Namespace || !(input.Statistic || input.ExtendedStatistic) || input.Period === undefined) {
          throw new ServiceError("MissingRequiredParameterException", "An alarm needs MetricName, Namespace, Statistic and Period, or Metrics.", { queryCode: "MissingParameter" });
        }
        // Without Period there are Metrics (MissingParameter above); the query found has a MetricStat.
        checkEvaluationWindow(input.Period ?? input.Metrics!.find((q) => q.MetricStat)?.MetricStat!.Period, input.EvaluationPeriods, input.DatapointsToAlarm);
        const now = ctx.clock.now();
        const previous = ctx.state.alarms[input.AlarmName];
        const arn = ctx.arn(`alarm:${input.AlarmName}`);
        // Tags apply when the alarm is created; on an update CloudWatch ignores them.
        if (!previous && tags) addTags(ctx.state, arn, tags);
        ctx.state.alarms[input.AlarmName] = {
          ...input,
          Dimensions: input.Dimensions ?? [],
          ActionsEnabled: input.ActionsEnabled ?? true,
          AlarmArn: ctx.arn(`alarm:${input.AlarmName}`),
          // Updating an alarm keeps its state, as CloudWatch does until the next evaluation.
          StateValue: previous?.StateValue ?? "INSUFFICIENT_DATA",
          StateReason: previous?.StateReason ?? "Unchecked: Initial alarm creation",
          updated: now,
          stateUpdated: previous?.stateUpdated ?? now,
        };
        return {};
      },
    },
    DescribeAlarms: {
      mutates: false,
      input: {
        AlarmNames: list(str({ min: 1, max: 255 }), { max: 100 }),
        AlarmNamePrefix: str({ min: 1, max: 255 }),
        StateValue: str({ enum: STATES }),
        AlarmTypes: list(str({ enum: ["CompositeAlarm", "MetricAlarm"] })),
        ChildrenOfAlarmName: str({ min: 1, max: 255 }),
        ParentsOfAlarmName: str({ min: 1, max: 255 }),
        ActionPrefix: str({ min: 1, max: 1024 }),
        MaxRecords: int({ min: 1, max: 100 }),
        NextToken: str(),
      },
      handler: (input: { AlarmNames?: string[]; AlarmNamePrefix?: string; StateValue?: string; MaxRecords?: number; NextToken?: string }, ctx) => {
        if (input.AlarmNames && input.AlarmNamePrefix) throw invalidValue("AlarmNames and AlarmNamePrefix are mutually exclusive.");
        const alarms = Object.values(ctx.state.alarms)
          .filter((a) => !input.AlarmNames || input.AlarmNames.includes(a.AlarmName))
          .filter((a) => !input.AlarmNamePrefix || a.AlarmName.startsWith(input.AlarmNamePrefix))
          .filter((a) => !input.StateValue || a.StateValue === input.StateValue)
          .sort((a, b) => a.AlarmName.localeCompare(b.AlarmName));
        const { page, nextToken } = paginate(alarms, { maxResults: input.MaxRecords, nextToken: input.NextToken, names: input.AlarmNames, prefix: input.AlarmNamePrefix, state: input.StateValue }, {
          defaultPageSize: 50,
          invalidToken: (m) => new ServiceError("InvalidNextToken", m, { queryCode: "InvalidNextToken" }),
        });
        return { MetricAlarms: page.map(describe), CompositeAlarms: [], NextToken: nextToken };
      },
    },
    DeleteAlarms: {
      mutates: true,
      input: { AlarmNames: required(list(str({ min: 1, max: 255 }), { max: 100 })) },
      handler: (input: { AlarmNames: string[] }, ctx) => {
        // The one deliberate exception to validate-then-apply, as AWS documents it (DeleteAlarms,
        // CloudWatch API Reference): "the alarms you specify with correct names are still
        // deleted"; the unknown ones are then reported.
        const missing = input.AlarmNames.filter((name) => !Object.hasOwn(ctx.state.alarms, name));
        for (const name of input.AlarmNames) {
          const alarm = ctx.state.alarms[name];
          if (alarm) delete ctx.state.tags?.[alarm.AlarmArn];
          delete ctx.state.alarms[name];
        }
        if (missing.length > 0) throw new ServiceError("ResourceNotFound", `Alarm(s) not found: ${missing.join(", ")}`, { status: 404, queryCode: "ResourceNotFound" });
        return {};
      },
    },
    ListTagsForResource: {
      mutates: false,
      input: { ResourceARN: required(str({ min: 1, max: 1024 })) },
      handler: (input: { ResourceARN: string }, ctx) => {
        alarmByArn(ctx.state, input.ResourceARN);
        return { Tags: Object.entries(tagsOf(ctx.state, input.ResourceARN)).map(([Key, Value]) => ({ Key, Value })) };
      },
    },
    TagResource: {
      mutates: true,
      input: { ResourceARN: required(str({ min: 1, max: 1024 })), Tags: required(tagList) },
      handler: (input: { ResourceARN: string; Tags: Array<{ Key: string; Value: string }> }, ctx) => {
        alarmByArn(ctx.state, input.ResourceARN);
        addTags(ctx.state, input.ResourceARN, input.Tags);
        return {};
      },
    },
    UntagResource: {
      mutates: true,
      input: { ResourceARN: required(str({ min: 1, max: 1024 })), TagKeys: required(list(str({ min: 1, max: 128 }))) },
      handler: (input: { ResourceARN: string; TagKeys: string[] }, ctx) => {
        alarmByArn(ctx.state, input.ResourceARN);
        const tags = tagsOf(ctx.state, input.ResourceARN);
        for (const key of input.TagKeys) delete tags[key];
        return {};
      },
    },
    SetAlarmState: {
      mutates: true,
      input: { AlarmName: required(str({ min: 1, max: 255 })), StateValue: required(str({ enum: STATES })), StateReason: required(str({ max: 1023 })), StateReasonData: str({ max: 4000 }) },
      handler: (input: { AlarmName: string; StateValue: Alarm["StateValue"]; StateReason: string }, ctx) => {
        const alarm = ctx.state.alarms[input.AlarmName];
        if (!alarm) throw new ServiceError("ResourceNotFound", `Alarm ${input.AlarmName} not found`, { status: 404, queryCode: "ResourceNotFound" });
        setState(alarm, input.StateValue, input.StateReason, ctx.clock.now(), (event) => ctx.events.publish(event));
        return {};
      },
    },
    PutMetricData: {
      mutates: true,
      input: {
        Namespace: required(str({ min: 1, max: 255, pattern: NAMESPACE })),
        // Not required in the model: PutMetricData may carry EntityMetricData instead.
        MetricData: list(
          struct({
            MetricName: required(str({ min: 1, max: 255 })),
            Dimensions: list(dimension, { max: 30 }),
            Value: num(),
            Values: list(num()),
            Counts: list(num()),
            StatisticValues: struct({ SampleCount: required(num()), Sum: required(num()), Minimum: required(num()), Maximum: required(num()) }),
            Unit: str({ enum: UNITS }),
            StorageResolution: int({ min: 1 }),
          }),
          { max: 1000 },
        ),
      },
      handler: (
        input: {
          Namespace: string;
          MetricData?: Array<{ MetricName: string; Dimensions?: Dimension[]; Timestamp?: number; Value?: number; Values?: number[]; Counts?: number[]; StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number }; Unit?: string }>;
        },
        ctx,
      ) => {
        if (input.Namespace.startsWith("AWS/")) throw invalidValue("The value AWS/ for parameter Namespace is invalid: it is reserved for AWS services.");
        // Stryker disable next-line ArrayDeclaration: any stand-in element has no Value, Values or StatisticValues, so nothing is recorded either way
        for (const datum of input.MetricData ?? []) {
          const at = datum.Timestamp !== undefined ? toMs(datum.Timestamp) : ctx.clock.now();
          const dims = datum.Dimensions ?? [];
          if (datum.StatisticValues) {
            const s = datum.StatisticValues;
            recordMetric(ctx.state, input.Namespace, datum.MetricName, dims, { sum: s.Sum, count: s.SampleCount, min: s.Minimum, max: s.Maximum }, at, datum.Unit);
          } else {
            const values = datum.Values ?? (datum.Value !== undefined ? [datum.Value] : []);
            values.forEach((v, i) => {
              const n = datum.Counts?.[i] ?? 1;
              recordMetric(ctx.state, input.Namespace, datum.MetricName, dims, { sum: v * n, count: n, min: v, max: v }, at, datum.Unit);
            });
          }
        }
        return {};
      },
    },
    ListMetrics: {
      mutates: false,
      input: {
        Namespace: str({ min: 1, max: 255, pattern: NAMESPACE }),
        MetricName: str({ min: 1, max: 255 }),
        Dimensions: list(struct({ Name: required(str({ min: 1, max: 255 })), Value: str({ min: 1, max: 1024 }) }), { max: 10 }),
        NextToken: str(),
        RecentlyActive: str({ enum: ["PT3H"] }),
        IncludeLinkedAccounts: bool(),
        OwningAccount: str({ min: 1, max: 255 }),
      },
      handler: (input: { Namespace?: string; MetricName?: string; Dimensions?: Array<{ Name: string; Value?: string }>; NextToken?: string }, ctx) => {
        // A metric matches if it has every dimension filtered on (it may have more), as in CloudWatch.
        const metrics = Object.values(ctx.state.metrics)
          .filter((m) => (!input.Namespace || m.namespace === input.Namespace) && (!input.MetricName || m.name === input.MetricName))
          .filter((m) => (input.Dimensions ?? []).every((f) => m.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))))
          .map((m) => ({ Namespace: m.namespace, MetricName: m.name, Dimensions: m.dimensions }));
        const { page, nextToken } = paginate(metrics, { nextToken: input.NextToken, namespace: input.Namespace, name: input.MetricName, dims: input.Dimensions }, {
          defaultPageSize: 500,
          invalidToken: (m) => new ServiceError("InvalidNextToken", m, { queryCode: "InvalidNextToken" }),
        });
        return { Metrics: page, NextToken: nextToken };
      },
    },
    GetMetricStatistics: {
      mutates: false,
      input: {
        Namespace: required(str({ min: 1, max: 255, pattern: NAMESPACE })),
        MetricName: required(str({ min: 1, max: 255 })),
        Dimensions: list(dimension, { max: 30 }),
        StartTime: required({ type: "timestamp" }),
        EndTime: required({ type: "timestamp" }),
        Period: required(int({ min: 1 })),
        Statistics: list(str({ enum: STATISTICS }), { min: 1, max: 5 }),
        ExtendedStatistics: list(str(), { min: 1, max: 10 }),
        Unit: str({ enum: UNITS }),
      },
      handler: (input: { Namespace: string; MetricName: string; Dimensions?: Dimension[]; StartTime: number; EndTime: number; Period: number; Statistics?: string[]; Unit?: string }, ctx) => {
        const from = toMs(input.StartTime);
        const to = toMs(input.EndTime);
        if (!(to > from)) throw invalidValue("The parameter StartTime must be less than the parameter EndTime.");
        const series = ctx.state.metrics[seriesKey(input.Namespace, input.MetricName, input.Dimensions ?? [])];
        // Each unit is aggregated apart and its datapoints say their Unit; a Unit filter keeps only its own.
        // Stryker disable next-line ArrayDeclaration: with no series there are no buckets for any unit (bucketsOf), so no datapoint either way
        const units = input.Unit !== undefined ? [input.Unit] : series?.units ? Object.keys(series.units) : series ? ["None"] : [];
        const period = input.Period * 1000;
        const datapoints = [];
        for (let start = Math.floor(from / period) * period; start < to; start += period) {
          for (const unit of units) {
            const stats = aggregate(bucketsOf(series, unit), start, start + period);
            if (!stats) continue;
            const point: Record<string, unknown> = { Timestamp: new Date(start), Unit: unit };
            for (const s of input.Statistics ?? []) point[s] = statistic(stats, s);
            datapoints.push(point);
          }
        }
        return { Label: input.MetricName, Datapoints: datapoints };
      },
    },
    GetMetricData: {
      mutates: false,
      input: { MetricDataQueries: required(list(metricQuery, { min: 1, max: 500 })), StartTime: required({ type: "timestamp" }), EndTime: required({ type: "timestamp" }), MaxDatapoints: int(), ScanBy: str({ enum: ["TimestampDescending", "TimestampAscending"] }) },
      handler: (input: { MetricDataQueries: Array<MetricQuery & { Period?: number }>; StartTime: number; EndTime: number; ScanBy?: string }, ctx) => {
        const from = toMs(input.StartTime);
        const to = toMs(input.EndTime);
        if (!(to > from)) throw invalidValue("The parameter StartTime must be less than the parameter EndTime.");
        const queries = input.MetricDataQueries;
        // MetricDataQueries has at least one query (the model's min 1); the query found has a MetricStat.
        const period = (queries.find((q) => q.MetricStat)?.MetricStat!.Period ?? queries[0]!.Period ?? 60) * 1000;
        const results = queries
          .filter((q) => q.ReturnData !== false)
          .map((q) => {
            const timestamps: Date[] = [];
            const values: number[] = [];
            for (let start = Math.floor(from / period) * period; start < to; start += period) {
              const memo = new Map<string, number | undefined>();
              const valueOf = (id: string): number | undefined => {
                if (memo.has(id)) return memo.get(id);
                memo.set(id, undefined); // a cycle of expressions has no value (see alarmDatapoint)
                const query = queries.find((x) => x.Id === id);
                const value = !query ? undefined : query.MetricStat ? statValue(ctx.state, query.MetricStat, start, start + period) : evaluate(query.Expression!, valueOf);
                memo.set(id, value);
                return value;
              };
              const value = valueOf(q.Id);
              if (value !== undefined) {
                timestamps.push(new Date(start));
                values.push(value);
              }
            }
            if (input.ScanBy !== "TimestampAscending") {
              timestamps.reverse();
              values.reverse();
            }
            return { Id: q.Id, Label: q.Label ?? q.Id, Timestamps: timestamps, Values: values, StatusCode: "Complete" };
          });
        return { MetricDataResults: results, Messages: [] };
      },
    },
  },
};
