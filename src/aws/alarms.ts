import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, type MetricAlarm, type PutMetricAlarmCommandInput } from "@aws-sdk/client-cloudwatch";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

const cloudwatch = (aws: AwsClients) => aws.get(CloudWatchClient);

export interface AlarmState {
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
    return alarm ? [{ name, state: (alarm.StateValue ?? "INSUFFICIENT_DATA") as AlarmState["state"], since: alarm.StateUpdatedTimestamp?.getTime() ?? 0, reason: alarm.StateReason ?? "" }] : [];
  });
}

export async function putAlarm(aws: AwsClients, alarm: PutMetricAlarmCommandInput): Promise<void> {
  await callAws("cloudwatch:PutMetricAlarm", () => cloudwatch(aws).send(new PutMetricAlarmCommand(alarm)));
}

export async function setAlarmState(aws: AwsClients, name: string, state: AlarmState["state"], reason: string): Promise<void> {
  await callAws("cloudwatch:SetAlarmState", () => cloudwatch(aws).send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason })));
}
