import { jsonErrorProfile, ServiceError } from "../errors";
import { paginate } from "../paginate";
import type { ServiceDefinition } from "../service";
import { bool, int, list, num, required, str, struct } from "../validate";

export interface Alarm {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: Array<{ Name: string; Value: string }>;
  Period?: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  StateValue: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  StateReason: string;
  /** Epoch milliseconds, sandbox time. */
  updated: number;
  stateUpdated: number;
}

export interface CloudWatchState {
  alarms: Record<string, Alarm>;
}

const errors = jsonErrorProfile(true, {
  internal: () => new ServiceError("InternalServiceFault", "Internal service error.", { status: 500, queryCode: "InternalServiceError" }),
});

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

function describe(alarm: Alarm) {
  const { updated, stateUpdated, ...wire } = alarm;
  return {
    ...wire,
    AlarmConfigurationUpdatedTimestamp: new Date(updated),
    StateUpdatedTimestamp: new Date(stateUpdated),
    StateTransitionedTimestamp: new Date(stateUpdated),
  };
}

/** CloudWatch alarms. Metric data and alarm evaluation arrive with the deploy issue. */
export const cloudwatch: ServiceDefinition<CloudWatchState> = {
  name: "cloudwatch",
  signingName: "monitoring",
  arnService: "cloudwatch",
  protocol: { kind: "json", version: "1.0", target: "GraniteServiceVersion20100801", namespace: "com.amazonaws.cloudwatch", queryCompatible: true },
  errors,
  initialState: () => ({ alarms: {} }),
  operations: {
    PutMetricAlarm: {
      mutates: true,
      input: {
        AlarmName: required(str({ min: 1, max: 255 })),
        AlarmDescription: str({ max: 1024 }),
        ActionsEnabled: bool(),
        MetricName: str({ min: 1, max: 255 }),
        Namespace: str({ min: 1, max: 255, pattern: /[^:][^:]*/ }),
        Statistic: str({ enum: STATISTICS }),
        ExtendedStatistic: str({ pattern: /p(\d{1,2}(\.\d{0,2})?|100)/ }),
        Dimensions: list(dimension, { max: 30 }),
        Period: int({ min: 1 }),
        EvaluationPeriods: required(int({ min: 1 })),
        DatapointsToAlarm: int({ min: 1 }),
        Threshold: num(),
        ComparisonOperator: required(str({ enum: COMPARISONS })),
        TreatMissingData: str({ min: 1, max: 255, enum: ["breaching", "notBreaching", "ignore", "missing"] }),
      },
      handler: (input: Omit<Alarm, "AlarmArn" | "StateValue" | "StateReason" | "updated" | "stateUpdated" | "Dimensions" | "ActionsEnabled"> & { Dimensions?: Alarm["Dimensions"]; ActionsEnabled?: boolean }, ctx) => {
        if (input.Statistic && input.ExtendedStatistic) throw invalidValue("Statistic and ExtendedStatistic are mutually exclusive.");
        if (input.Period !== undefined && ![10, 20, 30].includes(input.Period) && input.Period % 60 !== 0)
          throw invalidValue("The parameter Period must be 10, 20, 30, or a multiple of 60.");
        if (input.DatapointsToAlarm !== undefined && input.DatapointsToAlarm > input.EvaluationPeriods)
          throw invalidValue("DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
        const now = ctx.clock.now();
        const previous = ctx.state.alarms[input.AlarmName];
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
        // The names that exist are deleted even when others do not; the unknown ones are then reported.
        const missing = input.AlarmNames.filter((name) => !ctx.state.alarms[name]);
        for (const name of input.AlarmNames) delete ctx.state.alarms[name];
        if (missing.length > 0) throw new ServiceError("ResourceNotFound", `Alarm(s) not found: ${missing.join(", ")}`, { status: 404, queryCode: "ResourceNotFound" });
        return {};
      },
    },
  },
};
