import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand, type MetricAlarm, type PutMetricAlarmCommandInput } from "@aws-sdk/client-cloudwatch";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

const cloudwatch = (aws: AwsClients) => aws.get(CloudWatchClient);

export interface AlarmState {
  /** The metric an alarm on one metric watches (none for metric math). */
  metric?: { namespace: string; name: string; dimensions: Array<{ Name: string; Value: string }> };
  name: string;
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  /** Epoch ms of the last state change. */
  since: number;
  reason: string;
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
    return [{ name, state: (alarm.StateValue ?? "INSUFFICIENT_DATA") as AlarmState["state"], since: alarm.StateUpdatedTimestamp?.getTime() ?? 0, reason: alarm.StateReason ?? "", metric }];
  });
}

export async function putAlarm(aws: AwsClients, alarm: PutMetricAlarmCommandInput): Promise<void> {
  await callAws("cloudwatch:PutMetricAlarm", () => cloudwatch(aws).send(new PutMetricAlarmCommand(alarm)));
}

export async function setAlarmState(aws: AwsClients, name: string, state: AlarmState["state"], reason: string): Promise<void> {
  await callAws("cloudwatch:SetAlarmState", () => cloudwatch(aws).send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason })));
}

/** Send one datapoint (the abort signal of a guardrail deployment). */
export async function putMetric(aws: AwsClients, metric: NonNullable<AlarmState["metric"]>, value: number): Promise<void> {
  await callAws("cloudwatch:PutMetricData", () =>
    cloudwatch(aws).send(new PutMetricDataCommand({ Namespace: metric.namespace, MetricData: [{ MetricName: metric.name, Dimensions: metric.dimensions, Value: value }] })),
  );
}
