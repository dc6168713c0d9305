import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from "@aws-sdk/client-cloudwatch";
import type { ExistingAlarm } from "../core/alarm-scope";
import { isOwnedBy, tagList } from "../core/ownership";
import { AwsError } from "../errors";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

const cloudwatch = (aws: AwsClients) => aws.get(CloudWatchClient);

export interface AlarmState {
  /** The metric an alarm on one metric watches (none for metric math). */
  metric?: { namespace: string; name: string; dimensions: Array<{ Name: string; Value: string }> };
  name: string;
  arn?: string;
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  /** Epoch ms of the last state change. */
  since: number;
  reason: string;
  /** What it watches and how, as PutMetricAlarm takes it (for a retargeted copy). */
  definition: ExistingAlarm;
}

function definitionOf(alarm: MetricAlarm): ExistingAlarm {
  const { AlarmName, AlarmDescription, Namespace, MetricName, Statistic, ExtendedStatistic, Dimensions, Period, Unit, EvaluationPeriods, DatapointsToAlarm, Threshold, ComparisonOperator, TreatMissingData, EvaluateLowSampleCountPercentile, ThresholdMetricId, Metrics } = alarm;
  const picked: ExistingAlarm = { AlarmName, AlarmDescription, Namespace, MetricName, Statistic, ExtendedStatistic, Dimensions, Period, Unit, EvaluationPeriods, DatapointsToAlarm, Threshold, ComparisonOperator, TreatMissingData, EvaluateLowSampleCountPercentile, ThresholdMetricId, Metrics };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)) as ExistingAlarm;
}

/** The named alarms' states (in their order); names CloudWatch does not know are missing from the result. */
export async function alarmStates(aws: AwsClients, names: readonly string[]): Promise<AlarmState[]> {
  const found: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const out = await callAws("cloudwatch:DescribeAlarms", () => cloudwatch(aws).send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), MaxRecords: 100 })));
    found.push(...(out.MetricAlarms ?? []));
  }
  return names.flatMap((name) => {
    const alarm = found.find((a) => a.AlarmName === name);
    if (!alarm) return [];
    const metric = alarm.MetricName && alarm.Namespace ? { namespace: alarm.Namespace, name: alarm.MetricName, dimensions: (alarm.Dimensions ?? []).map((d) => ({ Name: d.Name!, Value: d.Value! })) } : undefined;
    return [{ name, arn: alarm.AlarmArn, state: (alarm.StateValue ?? "INSUFFICIENT_DATA") as AlarmState["state"], since: alarm.StateUpdatedTimestamp?.getTime() ?? 0, reason: alarm.StateReason ?? "", metric, definition: definitionOf(alarm) }];
  });
}

/** Create or update an alarm; `tags` apply when it is created (CloudWatch ignores them on an update). */
export async function putAlarm(aws: AwsClients, alarm: PutMetricAlarmCommandInput, tags: Record<string, string> = {}): Promise<void> {
  await callAws("cloudwatch:PutMetricAlarm", () => cloudwatch(aws).send(new PutMetricAlarmCommand({ ...alarm, Tags: Object.keys(tags).length > 0 ? tagList(tags) : undefined })));
}

/** An alarm's tags; undefined when it was deleted meanwhile. */
async function alarmTags(aws: AwsClients, arn: string): Promise<Record<string, string> | undefined> {
  try {
    const out = await callAws("cloudwatch:ListTagsForResource", () => cloudwatch(aws).send(new ListTagsForResourceCommand({ ResourceARN: arn })));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""]));
  } catch (error) {
    if (error instanceof AwsError && /^ResourceNotFound/.test(error.code)) return undefined;
    throw error;
  }
}

/**
 * Delete the named alarms that mlops made for `endpoint` (by their tags); others are kept and
 * reported. Alarms already gone count as deleted.
 */
export async function deleteOwnedAlarms(aws: AwsClients, names: readonly string[], endpoint: string): Promise<{ deleted: string[]; kept: string[] }> {
  const result = { deleted: [] as string[], kept: [] as string[] };
  if (names.length === 0) return result;
  const owned: string[] = [];
  for (const alarm of await alarmStates(aws, names)) {
    const tags = alarm.arn ? await alarmTags(aws, alarm.arn) : undefined;
    if (!tags) continue;
    if (isOwnedBy(tags, endpoint)) owned.push(alarm.name);
    else result.kept.push(`alarm ${alarm.name} (not created by mlops for ${endpoint})`);
  }
  for (let i = 0; i < owned.length; i += 100) {
    const batch = owned.slice(i, i + 100);
    try {
      await callAws("cloudwatch:DeleteAlarms", () => cloudwatch(aws).send(new DeleteAlarmsCommand({ AlarmNames: batch })));
    } catch (error) {
      // Another command finishing the same rollout got there first: gone is what we wanted.
      if (!(error instanceof AwsError && error.code === "ResourceNotFound")) throw error;
    }
    result.deleted.push(...batch.map((name) => `alarm ${name}`));
  }
  return result;
}

/** Send one datapoint (the abort signal of a guardrail deployment). */
export async function putMetric(aws: AwsClients, metric: NonNullable<AlarmState["metric"]>, value: number): Promise<void> {
  await callAws("cloudwatch:PutMetricData", () =>
    cloudwatch(aws).send(new PutMetricDataCommand({ Namespace: metric.namespace, MetricData: [{ MetricName: metric.name, Dimensions: metric.dimensions, Value: value }] })),
  );
}
