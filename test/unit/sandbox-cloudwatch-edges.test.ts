import { describe, expect, it } from "vitest";
import { cloudwatch } from "../../src/sandbox/services/cloudwatch";
import { api, arnOf } from "../helpers/cloudwatch-api";

// CloudWatch's rules at their edges (CloudWatch API Reference, botocore's model): PutMetricAlarm's
// single metric (MetricName, Namespace, Statistic, Period) excludes Metrics; ListMetrics' dimension
// filters and its NextToken; timestamps as the query protocol sends them (ISO 8601); state saved
// before tags were kept.
const SINGLE = { AlarmName: "errors", Namespace: "App", MetricName: "Errors", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold" };
const METRICS = [{ Id: "m1", MetricStat: { Metric: { Namespace: "App", MetricName: "Errors" }, Period: 60, Stat: "Sum" }, ReturnData: true }];
const METRICS_ALARM = { AlarmName: "errors", EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold", Metrics: METRICS };

describe("PutMetricAlarm: one metric or Metrics, never both", () => {
  it.each([["MetricName", "Errors"], ["Namespace", "App"], ["Statistic", "Sum"], ["Period", 60]])("Metrics with %s is refused as an invalid value", (field, value) => {
    expect(api().failure("PutMetricAlarm", { ...METRICS_ALARM, [field]: value })).toEqual({
      code: "InvalidParameterValueException",
      queryCode: "InvalidParameterValue",
      status: 400,
      message: "Metrics cannot be combined with MetricName, Namespace, Statistic or Period.",
    });
  });

  it("neither one metric nor Metrics is a MissingParameter", () => {
    const { MetricName: _, ...noName } = SINGLE;
    expect(api().failure("PutMetricAlarm", noName)).toEqual({
      code: "MissingRequiredParameterException",
      queryCode: "MissingParameter",
      status: 400,
      message: "An alarm needs MetricName, Namespace, Statistic and Period, or Metrics.",
    });
  });

  it("Metrics of a lone constant expression (no MetricStat, so no Period) is accepted", () => {
    const { call } = api();
    call("PutMetricAlarm", { ...METRICS_ALARM, Metrics: [{ Id: "e1", Expression: "1", ReturnData: true }] });
    expect(call("DescribeAlarms", {}).MetricAlarms.map((a: { AlarmName: string; Period?: number }) => [a.AlarmName, a.Period])).toEqual([["errors", undefined]]);
  });
});

describe("state saved before CloudWatch kept tags", () => {
  it("tagging an alarm starts the tags; deleting an alarm works", () => {
    const { call, state } = api();
    call("PutMetricAlarm", SINGLE);
    delete (state as { tags?: unknown }).tags;
    call("TagResource", { ResourceARN: arnOf("errors"), Tags: [{ Key: "team", Value: "ml" }] });
    expect(call("ListTagsForResource", { ResourceARN: arnOf("errors") })).toEqual({ Tags: [{ Key: "team", Value: "ml" }] });
    delete (state as { tags?: unknown }).tags;
    call("DeleteAlarms", { AlarmNames: ["errors"] });
    expect(call("DescribeAlarms", {})).toEqual({ MetricAlarms: [], CompositeAlarms: [] });
  });
});

describe("PutMetricData without a value", () => {
  it.each([
    ["no MetricData", {}],
    ["a datum with no Value, Values or StatisticValues", { MetricData: [{ MetricName: "Errors" }] }],
  ])("%s records nothing", (_case, data) => {
    const { call } = api();
    call("PutMetricData", { Namespace: "App", ...data });
    expect(call("ListMetrics", {})).toEqual({ Metrics: [] });
  });
});

describe("ListMetrics", () => {
  const twoMetrics = () => {
    const sandbox = api();
    sandbox.call("PutMetricData", {
      Namespace: "App",
      MetricData: [
        { MetricName: "Errors", Value: 1, Dimensions: [{ Name: "EndpointName", Value: "a" }] },
        { MetricName: "Errors", Value: 1, Dimensions: [{ Name: "VariantName", Value: "a" }] },
      ],
    });
    return sandbox;
  };

  it("a dimension filter matches on the dimension's name and value, not on the value alone", () => {
    expect(twoMetrics().call("ListMetrics", { Dimensions: [{ Name: "EndpointName", Value: "a" }] })).toEqual({
      Metrics: [{ Namespace: "App", MetricName: "Errors", Dimensions: [{ Name: "EndpointName", Value: "a" }] }],
    });
  });

  it("a NextToken it never issued is InvalidNextToken", () => {
    expect(twoMetrics().failure("ListMetrics", { NextToken: "nope" })).toEqual({ code: "InvalidNextToken", queryCode: "InvalidNextToken", status: 400, message: "Invalid pagination token: nope" });
  });
});

describe("GetMetricStatistics and GetMetricData", () => {
  const errorsAt = (seconds: number[]) => {
    const sandbox = api(1_000_000_000);
    sandbox.call("PutMetricData", { Namespace: "App", MetricData: seconds.map((Timestamp, i) => ({ MetricName: "Errors", Value: i + 1, Timestamp })) });
    return sandbox;
  };

  it("timestamps as ISO 8601 strings (the query protocol's) read as the same instants as epoch seconds", () => {
    const { call } = errorsAt([600, 660]);
    const query = { Namespace: "App", MetricName: "Errors", Period: 60, Statistics: ["Sum"] };
    const epoch = call("GetMetricStatistics", { ...query, StartTime: 600, EndTime: 720 });
    expect(call("GetMetricStatistics", { ...query, StartTime: "1970-01-01T00:10:00Z", EndTime: "1970-01-01T00:12:00Z" })).toEqual(epoch);
    expect(epoch.Datapoints).toEqual([
      { Timestamp: new Date(600_000), Unit: "None", Sum: 1 },
      { Timestamp: new Date(660_000), Unit: "None", Sum: 2 },
    ]);
  });

  it("GetMetricStatistics with no Statistics gives each datapoint its time and unit only", () => {
    const { call } = errorsAt([600]);
    expect(call("GetMetricStatistics", { Namespace: "App", MetricName: "Errors", Period: 60, StartTime: 600, EndTime: 660 }).Datapoints).toStrictEqual([{ Timestamp: new Date(600_000), Unit: "None" }]);
  });

  it("GetMetricData from a start past 0 reads the periods from the one holding the start", () => {
    // Period 60 s from 600 s: datapoints at 600 s (value 1) and 660 s (value 2), newest first.
    const { call } = errorsAt([600, 660]);
    expect(call("GetMetricData", { MetricDataQueries: [{ ...METRICS[0], Label: "errors" }], StartTime: 630, EndTime: 720 }).MetricDataResults).toEqual([
      { Id: "m1", Label: "errors", Timestamps: [new Date(660_000), new Date(600_000)], Values: [2, 1], StatusCode: "Complete" },
    ]);
  });
});

describe("CloudWatch's internal error", () => {
  it("is InternalServiceFault, HTTP 500, InternalServiceError in the query protocol", () => {
    const e = cloudwatch.errors.internal();
    expect({ code: e.code, queryCode: e.queryCode, status: e.status }).toEqual({ code: "InternalServiceFault", queryCode: "InternalServiceError", status: 500 });
  });
});
