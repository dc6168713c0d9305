import { describe, expect, it } from "vitest";
import { api, arnOf } from "../helpers/cloudwatch-api";

/**
 * The sandbox's CloudWatch operations, called as the dispatcher calls them once the input has
 * passed the model's checks. Rules from the CloudWatch API Reference (PutMetricAlarm, DescribeAlarms,
 * DeleteAlarms, TagResource, PutMetricData, GetMetricStatistics, GetMetricData) and botocore's model.
 */

const ALARM = {
  AlarmName: "latency",
  Namespace: "AWS/SageMaker",
  MetricName: "ModelLatency",
  Statistic: "Average",
  Dimensions: [{ Name: "EndpointName", Value: "e" }],
  Period: 60,
  EvaluationPeriods: 2,
  Threshold: 100_000,
  ComparisonOperator: "GreaterThanThreshold",
};
const stat = (Id: string, Period = 60) => ({ Id, MetricStat: { Metric: { Namespace: "App", MetricName: "Errors" }, Period, Stat: "Sum" }, ReturnData: false });

describe("PutMetricAlarm", () => {
  it("stores a new alarm in INSUFFICIENT_DATA with its ARN and defaults, and describes it whole", () => {
    const { call } = api();
    expect(call("PutMetricAlarm", ALARM)).toEqual({});
    expect(call("DescribeAlarms", {})).toEqual({
      MetricAlarms: [
        {
          ...ALARM,
          AlarmArn: arnOf("latency"),
          ActionsEnabled: true,
          StateValue: "INSUFFICIENT_DATA",
          StateReason: "Unchecked: Initial alarm creation",
          OKActions: [],
          AlarmActions: [],
          InsufficientDataActions: [],
          AlarmConfigurationUpdatedTimestamp: new Date(600_000),
          StateUpdatedTimestamp: new Date(600_000),
          StateTransitionedTimestamp: new Date(600_000),
        },
      ],
      CompositeAlarms: [],
      NextToken: undefined,
    });
  });

  it("an update keeps the alarm's state and its tags; tags given on an update are ignored", () => {
    const { call, state } = api();
    call("PutMetricAlarm", { ...ALARM, Tags: [{ Key: "team", Value: "ml" }] });
    state.alarms.latency!.StateValue = "ALARM";
    state.alarms.latency!.StateReason = "tripped";
    state.alarms.latency!.stateUpdated = 5;
    call("PutMetricAlarm", { ...ALARM, Threshold: 1, ActionsEnabled: false, Tags: [{ Key: "other", Value: "x" }] });
    expect(state.alarms.latency).toMatchObject({ Threshold: 1, ActionsEnabled: false, StateValue: "ALARM", StateReason: "tripped", stateUpdated: 5, updated: 600_000 });
    expect(call("ListTagsForResource", { ResourceARN: arnOf("latency") })).toEqual({ Tags: [{ Key: "team", Value: "ml" }] });
  });

  it("accepts a percentile as ExtendedStatistic and a metric math alarm whose period comes from its MetricStat", () => {
    const { call, state } = api();
    call("PutMetricAlarm", { ...ALARM, Statistic: undefined, ExtendedStatistic: "p99.9" });
    const metrics = [stat("m1", 300), { Id: "e1", Expression: "m1 * 2" }];
    call("PutMetricAlarm", { AlarmName: "math", Metrics: metrics, EvaluationPeriods: 288, ComparisonOperator: "GreaterThanThreshold", Threshold: 1 });
    expect(state.alarms.math).toMatchObject({ Metrics: metrics, Dimensions: [] });
  });

  it.each([
    ["Statistic with ExtendedStatistic", { ExtendedStatistic: "p99" }, "InvalidParameterValueException", "Statistic and ExtendedStatistic are mutually exclusive."],
    ["a trimmed mean", { Statistic: undefined, ExtendedStatistic: "tm99" }, "InvalidParameterValueException", "The value tm99 for parameter ExtendedStatistic is not supported."],
    ["Metrics with MetricName", { Metrics: [{ Id: "e1", Expression: "1" }] }, "InvalidParameterValueException", "Metrics cannot be combined with MetricName, Namespace, Statistic or Period."],
    ["no MetricName", { MetricName: undefined }, "MissingRequiredParameterException", "An alarm needs MetricName, Namespace, Statistic and Period, or Metrics."],
    ["no Namespace", { Namespace: undefined }, "MissingRequiredParameterException", "An alarm needs MetricName, Namespace, Statistic and Period, or Metrics."],
    ["no statistic", { Statistic: undefined }, "MissingRequiredParameterException", "An alarm needs MetricName, Namespace, Statistic and Period, or Metrics."],
    ["no Period", { Period: undefined }, "MissingRequiredParameterException", "An alarm needs MetricName, Namespace, Statistic and Period, or Metrics."],
    ["a Period of 45", { Period: 45 }, "ValidationException", "The parameter Period must be 10, 20, 30, or a multiple of 60."],
    ["M above N", { DatapointsToAlarm: 3 }, "ValidationException", "DatapointsToAlarm must be less than or equal to EvaluationPeriods"],
    ["60 s × 1441 (over a day)", { EvaluationPeriods: 1441 }, "ValidationException", "The evaluation period (Period multiplied by EvaluationPeriods) must not exceed 86400 seconds."],
    ["3600 s × 169 (over 7 days)", { Period: 3600, EvaluationPeriods: 169 }, "ValidationException", "The evaluation period (Period multiplied by EvaluationPeriods) must not exceed 604800 seconds."],
  ])("refuses %s", (_name, change, code, message) => {
    const { failure, call } = api();
    expect(failure("PutMetricAlarm", { ...ALARM, ...change })).toMatchObject({ code, message });
    expect(call("DescribeAlarms", {}).MetricAlarms).toEqual([]);
  });

  it.each([
    ["a Period of 10, 20 or 30 s", [{ Period: 10 }, { Period: 20 }, { Period: 30, EvaluationPeriods: 2880 }]],
    ["exactly a day of 60 s periods, and 7 days of hours", [{ EvaluationPeriods: 1440 }, { Period: 3600, EvaluationPeriods: 168 }]],
    ["M equal to N", [{ DatapointsToAlarm: 2 }]],
  ])("accepts %s", (_name, changes) => {
    const { call } = api();
    for (const change of changes) expect(call("PutMetricAlarm", { ...ALARM, ...change })).toEqual({});
  });

  it.each([
    ["a query with neither MetricStat nor Expression", [{ Id: "e1" }], "Metrics[e1] needs exactly one of MetricStat and Expression."],
    ["a query with both", [{ ...stat("m1"), Expression: "1", ReturnData: true }], "Metrics[m1] needs exactly one of MetricStat and Expression."],
    ["an expression that does not parse", [{ Id: "e1", Expression: "1 +" }], "Metrics[e1].Expression: the expression ends too early"],
    ["an expression reading unknown ids", [stat("m1"), { Id: "e1", Expression: "m1 + x + y" }], "Metrics[e1].Expression uses unknown id(s) x, y."],
    ["two queries returning data", [{ ...stat("m1"), ReturnData: true }, { Id: "e1", Expression: "m1" }], "Exactly one of Metrics must have ReturnData true."],
    ["no query returning data", [stat("m1")], "Exactly one of Metrics must have ReturnData true."],
  ])("refuses metric math with %s", (_name, Metrics, message) => {
    const { failure } = api();
    expect(failure("PutMetricAlarm", { AlarmName: "math", Metrics, EvaluationPeriods: 1, ComparisonOperator: "GreaterThanThreshold", Threshold: 1 })).toEqual({
      code: "InvalidParameterValueException",
      queryCode: "InvalidParameterValue",
      status: 400,
      message,
    });
  });

  it("checks a metric math alarm's window with its MetricStat's period: 300 s × 289 is over a day", () => {
    const { failure } = api();
    expect(failure("PutMetricAlarm", { AlarmName: "math", Metrics: [stat("m1", 300), { Id: "e1", Expression: "m1" }], EvaluationPeriods: 289, ComparisonOperator: "GreaterThanThreshold" })).toMatchObject({ code: "ValidationException", queryCode: "ValidationError" });
  });
});

describe("DescribeAlarms", () => {
  function three() {
    const a = api();
    for (const name of ["b-two", "a-one", "b-three"]) a.call("PutMetricAlarm", { ...ALARM, AlarmName: name });
    a.state.alarms["b-three"]!.StateValue = "ALARM";
    return a;
  }
  const names = (out: { MetricAlarms: Array<{ AlarmName: string }> }) => out.MetricAlarms.map((m) => m.AlarmName);

  it("lists by name, filters by names, prefix and state, and pages with MaxRecords", () => {
    const { call, failure } = three();
    expect(names(call("DescribeAlarms", {}))).toEqual(["a-one", "b-three", "b-two"]);
    expect(names(call("DescribeAlarms", { AlarmNames: ["b-two", "zzz"] }))).toEqual(["b-two"]);
    expect(names(call("DescribeAlarms", { AlarmNamePrefix: "b-" }))).toEqual(["b-three", "b-two"]);
    expect(names(call("DescribeAlarms", { StateValue: "ALARM" }))).toEqual(["b-three"]);
    const first = call("DescribeAlarms", { MaxRecords: 2 });
    expect(names(first)).toEqual(["a-one", "b-three"]);
    expect(names(call("DescribeAlarms", { MaxRecords: 2, NextToken: first.NextToken }))).toEqual(["b-two"]);
    expect(failure("DescribeAlarms", { NextToken: "bogus" })).toMatchObject({ code: "InvalidNextToken", queryCode: "InvalidNextToken" });
    expect(failure("DescribeAlarms", { AlarmNames: ["a"], AlarmNamePrefix: "a" })).toMatchObject({ code: "InvalidParameterValueException", message: "AlarmNames and AlarmNamePrefix are mutually exclusive." });
  });
});

describe("DeleteAlarms", () => {
  it("deletes the alarms that exist with their tags, then reports the unknown ones", () => {
    const { call, failure, state } = api();
    call("PutMetricAlarm", { ...ALARM, AlarmName: "x", Tags: [{ Key: "k", Value: "v" }] });
    call("PutMetricAlarm", { ...ALARM, AlarmName: "y" });
    expect(failure("DeleteAlarms", { AlarmNames: ["x", "nope", "gone"] })).toEqual({ code: "ResourceNotFound", queryCode: "ResourceNotFound", status: 404, message: "Alarm(s) not found: nope, gone" });
    expect(Object.keys(state.alarms)).toEqual(["y"]);
    expect(state.tags).toEqual({});
    expect(call("DeleteAlarms", { AlarmNames: ["y"] })).toEqual({});
    expect(state.alarms).toEqual({});
  });
});

describe("tags", () => {
  it("adds, overwrites, lists and removes tags of an alarm", () => {
    const { call } = api();
    call("PutMetricAlarm", ALARM);
    const ResourceARN = arnOf("latency");
    expect(call("ListTagsForResource", { ResourceARN })).toEqual({ Tags: [] });
    call("TagResource", { ResourceARN, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] });
    call("TagResource", { ResourceARN, Tags: [{ Key: "a", Value: "3" }] });
    expect(call("ListTagsForResource", { ResourceARN })).toEqual({ Tags: [{ Key: "a", Value: "3" }, { Key: "b", Value: "2" }] });
    call("UntagResource", { ResourceARN, TagKeys: ["a", "never"] });
    expect(call("ListTagsForResource", { ResourceARN })).toEqual({ Tags: [{ Key: "b", Value: "2" }] });
  });

  it("allows 50 tags on an alarm and refuses the 51st, keeping the 50", () => {
    const { call, failure } = api();
    call("PutMetricAlarm", ALARM);
    const ResourceARN = arnOf("latency");
    const tags = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${from + i}`, Value: "v" }));
    call("TagResource", { ResourceARN, Tags: tags(0, 49) });
    call("TagResource", { ResourceARN, Tags: tags(0, 50) });
    expect(failure("TagResource", { ResourceARN, Tags: tags(50, 1) })).toEqual({ code: "LimitExceededFault", queryCode: "LimitExceeded", status: 400, message: "A resource can have at most 50 tags." });
    expect(call("ListTagsForResource", { ResourceARN }).Tags).toHaveLength(50);
  });

  it("refuses an ARN that names no alarm with 404 ResourceNotFoundException, for every tag operation", () => {
    const { call, failure } = api();
    call("PutMetricAlarm", ALARM);
    const ResourceARN = arnOf("other");
    const expected = { code: "ResourceNotFoundException", queryCode: "ResourceNotFoundException", status: 404, message: `The resource ${ResourceARN} does not exist.` };
    expect(failure("ListTagsForResource", { ResourceARN })).toEqual(expected);
    expect(failure("TagResource", { ResourceARN, Tags: [] })).toEqual(expected);
    expect(failure("UntagResource", { ResourceARN, TagKeys: [] })).toEqual(expected);
  });
});

describe("SetAlarmState", () => {
  it("sets the state and reason at the sandbox's time and publishes the change", () => {
    const { call, failure, state, events } = api(900_000);
    call("PutMetricAlarm", ALARM);
    call("SetAlarmState", { AlarmName: "latency", StateValue: "ALARM", StateReason: "test" });
    expect(state.alarms.latency).toMatchObject({ StateValue: "ALARM", StateReason: "test", stateUpdated: 900_000 });
    expect(events.map((e) => [e.detailType, (e.detail as { state: { value: string } }).state.value])).toEqual([["CloudWatch Alarm State Change", "ALARM"]]);
    expect(failure("SetAlarmState", { AlarmName: "nope", StateValue: "OK", StateReason: "x" })).toEqual({ code: "ResourceNotFound", queryCode: "ResourceNotFound", status: 404, message: "Alarm nope not found" });
  });
});

describe("PutMetricData, then GetMetricStatistics", () => {
  const MIN = 60_000;
  /** Statistics of App/Errors per minute over [0, 3 min), as [timestamp ms, unit, SampleCount, Sum, Minimum, Maximum, Average]. */
  function stats(call: (op: string, input: object) => any, extra: object = {}) {
    const out = call("GetMetricStatistics", { Namespace: "App", MetricName: "Errors", StartTime: 0, EndTime: 180, Period: 60, Statistics: ["SampleCount", "Sum", "Minimum", "Maximum", "Average"], ...extra });
    expect(out.Label).toBe("Errors");
    return out.Datapoints.map((d: any) => [d.Timestamp.getTime(), d.Unit, d.SampleCount, d.Sum, d.Minimum, d.Maximum, d.Average]);
  }

  it("records Value, Values with Counts, and StatisticValues, each at its Timestamp (epoch seconds)", () => {
    const { call } = api();
    call("PutMetricData", {
      Namespace: "App",
      MetricData: [
        { MetricName: "Errors", Value: 4, Timestamp: 10 },
        // 1 once and 2 three times: SampleCount 4, Sum 7
        { MetricName: "Errors", Values: [1, 2], Counts: [1, 3], Timestamp: 70 },
        { MetricName: "Errors", Values: [5], Timestamp: 75 },
        { MetricName: "Errors", StatisticValues: { SampleCount: 10, Sum: 30, Minimum: 0, Maximum: 9 }, Timestamp: 130 },
        { MetricName: "Errors", Values: [], Timestamp: 20 },
      ],
    });
    expect(stats(call)).toEqual([
      [0, "None", 1, 4, 4, 4, 4],
      [MIN, "None", 5, 12, 1, 5, 2.4],
      [2 * MIN, "None", 10, 30, 0, 9, 3],
    ]);
  });

  it("without a Timestamp, a datum is recorded at the sandbox's time", () => {
    const { call } = api(90_000);
    call("PutMetricData", { Namespace: "App", MetricData: [{ MetricName: "Errors", Value: 1 }] });
    expect(stats(call)).toEqual([[MIN, "None", 1, 1, 1, 1, 1]]);
  });

  it("a series from a state file before units answers as unit None; a series never written answers nothing", () => {
    const { call, state } = api();
    call("PutMetricData", { Namespace: "App", MetricData: [{ MetricName: "Errors", Value: 2, Timestamp: 10 }] });
    for (const series of Object.values(state.metrics)) delete series.units;
    expect(stats(call)).toEqual([[0, "None", 1, 2, 2, 2, 2]]);
    expect(call("GetMetricStatistics", { Namespace: "App", MetricName: "Other", StartTime: 0, EndTime: 180, Period: 60 }).Datapoints).toEqual([]);
  });

  it("refuses the reserved AWS/ namespace and a time range that does not move forward", () => {
    const { failure } = api();
    expect(failure("PutMetricData", { Namespace: "AWS/SageMaker", MetricData: [] })).toMatchObject({ code: "InvalidParameterValueException", queryCode: "InvalidParameterValue" });
    for (const EndTime of [0, -60]) {
      expect(failure("GetMetricStatistics", { Namespace: "App", MetricName: "Errors", StartTime: 0, EndTime, Period: 60 })).toMatchObject({
        code: "InvalidParameterValueException",
        message: "The parameter StartTime must be less than the parameter EndTime.",
      });
    }
  });
});

describe("ListMetrics", () => {
  it("filters by namespace, name and dimensions (a metric may have more dimensions than the filter)", () => {
    const { call } = api();
    const d = (Name: string, Value: string) => ({ Name, Value });
    call("PutMetricData", {
      Namespace: "App",
      MetricData: [
        { MetricName: "Errors", Dimensions: [d("Endpoint", "a"), d("Variant", "v1")], Value: 1 },
        { MetricName: "Errors", Dimensions: [d("Endpoint", "b")], Value: 1 },
        { MetricName: "Latency", Value: 1 },
      ],
    });
    call("PutMetricData", { Namespace: "Other", MetricData: [{ MetricName: "Errors", Value: 1 }] });
    const list = (input: object) => call("ListMetrics", input).Metrics.map((m: any) => `${m.Namespace}/${m.MetricName}/${m.Dimensions.map((x: any) => x.Value).join(",")}`);
    expect(list({})).toEqual(["App/Errors/a,v1", "App/Errors/b", "App/Latency/", "Other/Errors/"]);
    expect(list({ Namespace: "App", MetricName: "Errors" })).toEqual(["App/Errors/a,v1", "App/Errors/b"]);
    expect(list({ MetricName: "Errors" })).toEqual(["App/Errors/a,v1", "App/Errors/b", "Other/Errors/"]);
    expect(list({ Dimensions: [{ Name: "Endpoint", Value: "a" }] })).toEqual(["App/Errors/a,v1"]);
    expect(list({ Dimensions: [{ Name: "Endpoint" }] })).toEqual(["App/Errors/a,v1", "App/Errors/b"]);
    expect(list({ Dimensions: [{ Name: "Variant", Value: "v2" }] })).toEqual([]);
  });
});

describe("GetMetricData", () => {
  it("returns each query that returns data, per period with data, newest first unless TimestampAscending", () => {
    const { call, failure } = api();
    call("PutMetricData", {
      Namespace: "App",
      MetricData: [
        { MetricName: "Errors", Value: 1, Timestamp: 10 },
        { MetricName: "Errors", Value: 3, Timestamp: 20 },
        { MetricName: "Errors", Value: 6, Timestamp: 130 },
      ],
    });
    const queries = [{ ...stat("m1"), ReturnData: false }, { Id: "e1", Expression: "m1 * 10", Label: "tenfold" }, { ...stat("m2"), MetricStat: { ...stat("m2").MetricStat, Stat: "Maximum" }, ReturnData: true }];
    const out = call("GetMetricData", { MetricDataQueries: queries, StartTime: 0, EndTime: 180 });
    expect(out).toEqual({
      MetricDataResults: [
        { Id: "e1", Label: "tenfold", Timestamps: [new Date(120_000), new Date(0)], Values: [60, 40], StatusCode: "Complete" },
        { Id: "m2", Label: "m2", Timestamps: [new Date(120_000), new Date(0)], Values: [6, 3], StatusCode: "Complete" },
      ],
      Messages: [],
    });
    const ascending = call("GetMetricData", { MetricDataQueries: queries, StartTime: 0, EndTime: 180, ScanBy: "TimestampAscending" });
    expect(ascending.MetricDataResults[0]).toEqual({ Id: "e1", Label: "tenfold", Timestamps: [new Date(0), new Date(120_000)], Values: [40, 60], StatusCode: "Complete" });
    expect(failure("GetMetricData", { MetricDataQueries: queries, StartTime: 180, EndTime: 180 })).toMatchObject({ code: "InvalidParameterValueException" });
  });

  it("takes the period from the MetricStat, else from the query's Period; an expression that reads itself has no value", () => {
    const { call } = api();
    call("PutMetricData", { Namespace: "App", MetricData: [{ MetricName: "Errors", Value: 2, Timestamp: 10 }, { MetricName: "Errors", Value: 5, Timestamp: 250 }] });
    const five = call("GetMetricData", { MetricDataQueries: [{ ...stat("m1", 300), ReturnData: true }], StartTime: 0, EndTime: 600 });
    expect(five.MetricDataResults[0].Values).toEqual([7]);
    const constant = call("GetMetricData", { MetricDataQueries: [{ Id: "e1", Expression: "2", Period: 120 }], StartTime: 0, EndTime: 360 });
    expect(constant.MetricDataResults[0].Timestamps).toEqual([new Date(240_000), new Date(120_000), new Date(0)]);
    const cycle = call("GetMetricData", { MetricDataQueries: [{ Id: "e1", Expression: "e2" }, { Id: "e2", Expression: "e1 + 1", ReturnData: false }], StartTime: 0, EndTime: 60 });
    expect(cycle.MetricDataResults).toEqual([{ Id: "e1", Label: "e1", Timestamps: [], Values: [], StatusCode: "Complete" }]);
  });
});
