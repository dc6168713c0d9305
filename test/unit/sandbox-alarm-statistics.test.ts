import { describe, expect, it } from "vitest";
import type { EventInput } from "../../src/sandbox/events";
import { alarmStates, evaluateAlarms, pruneMetrics, recordMetric, type Alarm, type CloudWatchState } from "../../src/sandbox/services/cloudwatch";

/**
 * The sandbox's CloudWatch alarm evaluation, each rule on a small series with a hand-computed
 * answer. Definitions (CloudWatch User Guide, cloudwatch_concepts.html#Statistic): SampleCount is
 * the number of data points, Sum their total, Average Sum/SampleCount, Minimum and Maximum the
 * lowest and highest value in the period. ComparisonOperator values are the botocore enum
 * (cloudwatch/2010-08-01 ComparisonOperator). TreatMissingData (AlarmThatSendsEmail.html,
 * "Configuring how CloudWatch alarms treat missing data"): breaching = missing points count as
 * breaching, notBreaching = as within the threshold, ignore = the current state is kept,
 * missing = when every point is missing the alarm goes to INSUFFICIENT_DATA.
 */

const NS = "App";
const NAME = "Latency";
const DIMS = [
  { Name: "EndpointName", Value: "e" },
  { Name: "VariantName", Value: "AllTraffic" },
];
const MIN = 60_000;

function alarmState(alarm: Partial<Alarm>): CloudWatchState {
  const full: Alarm = {
    AlarmName: "a",
    AlarmArn: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:a",
    ActionsEnabled: false,
    Namespace: NS,
    MetricName: NAME,
    Statistic: "Average",
    Dimensions: DIMS,
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
    StateValue: "INSUFFICIENT_DATA",
    StateReason: "Unchecked: Initial alarm creation",
    updated: 0,
    stateUpdated: 0,
    ...alarm,
  };
  return { alarms: { a: full }, metrics: {} };
}

/** One raw value at `at` (epoch ms), as PutMetricData with Value sends it. */
function put(s: CloudWatchState, value: number, at: number, unit?: string, dims = DIMS): void {
  recordMetric(s, NS, NAME, dims, { sum: value, count: 1, min: value, max: value }, at, unit);
}

/** The values 1, 3 and 8 in the first minute: 8 then 1 in one 10-second bucket, 3 in another. */
function oneThreeEight(s: CloudWatchState): void {
  put(s, 8, 1_000);
  put(s, 1, 2_000);
  put(s, 3, 35_000);
}

const stateOf = (s: CloudWatchState) => s.alarms.a!.StateValue;

describe("each statistic of 1, 3 and 8 in one period (SampleCount 3, Sum 12, Average 4, Minimum 1, Maximum 8)", () => {
  it.each([
    ["SampleCount", 3],
    ["Sum", 12],
    ["Average", 4],
    ["Minimum", 1],
    ["Maximum", 8],
  ])("%s is %d: >= that value alarms, >= a hair above it does not", (statistic, expected) => {
    const at = alarmState({ Statistic: statistic, Threshold: expected });
    oneThreeEight(at);
    evaluateAlarms(at, MIN);
    expect(at.alarms.a!.StateValue).toBe("ALARM");
    expect(at.alarms.a!.StateReason).toBe(`Threshold Crossed: 1 out of the last 1 datapoints [${expected}] were greater than or equal to the threshold (${expected}).`);

    const above = alarmState({ Statistic: statistic, Threshold: expected + 0.001 });
    oneThreeEight(above);
    evaluateAlarms(above, MIN);
    expect(above.alarms.a!.StateValue).toBe("OK");
  });

  it("p100 is the maximum (8), by the definition of a percentile", () => {
    const s = alarmState({ Statistic: undefined, ExtendedStatistic: "p100", Threshold: 8 });
    oneThreeEight(s);
    evaluateAlarms(s, MIN);
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 1 out of the last 1 datapoints [8] were greater than or equal to the threshold (8).");
  });

  it("any percentile of a constant series is that constant: p50 and p99.9 of 5, 5, 5 are 5", () => {
    for (const p of ["p50", "p99.9"]) {
      const s = alarmState({ Statistic: undefined, ExtendedStatistic: p, Threshold: 5 });
      for (const t of [1_000, 20_000, 40_000]) put(s, 5, t);
      evaluateAlarms(s, MIN);
      expect([p, s.alarms.a!.StateReason]).toEqual([p, "Threshold Crossed: 1 out of the last 1 datapoints [5] were greater than or equal to the threshold (5)."]);
    }
  });

  it("a statistic the sandbox does not compute (tm99 in metric math) gives no datapoint, not a wrong one", () => {
    const s = alarmState({
      Namespace: undefined,
      MetricName: undefined,
      Statistic: undefined,
      Period: undefined,
      Metrics: [{ Id: "m1", MetricStat: { Metric: { Namespace: NS, MetricName: NAME, Dimensions: DIMS }, Period: 60, Stat: "tm99" } }],
    });
    oneThreeEight(s);
    evaluateAlarms(s, MIN);
    expect(stateOf(s)).toBe("INSUFFICIENT_DATA");
  });

  it("a pre-aggregated datum of SampleCount 0 is no datapoint (nothing to average)", () => {
    const s = alarmState({ Statistic: "Sum", ComparisonOperator: "LessThanThreshold", Threshold: 1 });
    recordMetric(s, NS, NAME, DIMS, { sum: 0, count: 0, min: 0, max: 0 }, 1_000);
    evaluateAlarms(s, MIN);
    expect(stateOf(s)).toBe("INSUFFICIENT_DATA");
  });

  it("only the period's own samples count: a sample at the period's end belongs to the next", () => {
    const s = alarmState({ Statistic: "Sum", Threshold: 12.5 });
    oneThreeEight(s);
    put(s, 100, MIN); // the next period's first instant
    put(s, 100, -1); // the previous period's last millisecond
    evaluateAlarms(s, MIN);
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 0 out of the last 1 datapoints [12] were greater than or equal to the threshold (12.5).");
  });

  it("a period longer than a minute aggregates all its minutes: Sum over 5 minutes of 1 a minute is 5", () => {
    const s = alarmState({ Statistic: "Sum", Period: 300, Threshold: 5 });
    for (let m = 0; m < 5; m++) put(s, 1, m * MIN + 1_000);
    evaluateAlarms(s, 4 * MIN);
    expect(stateOf(s)).toBe("INSUFFICIENT_DATA"); // the 5-minute period has not completed
    evaluateAlarms(s, 5 * MIN);
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 1 out of the last 1 datapoints [5] were greater than or equal to the threshold (5).");
  });
});

describe("each ComparisonOperator, against a threshold of 4 (value below, equal, above)", () => {
  // value 3, 4, 5 → breaches? Read from the operator's name.
  it.each([
    ["GreaterThanOrEqualToThreshold", [false, true, true]],
    ["GreaterThanThreshold", [false, false, true]],
    ["LessThanThreshold", [true, false, false]],
    ["LessThanOrEqualToThreshold", [true, true, false]],
    // The anomaly-band operators compare with a band (ThresholdMetricId) the sandbox does not model: never breached.
    ["LessThanLowerOrGreaterThanUpperThreshold", [false, false, false]],
    ["LessThanLowerThreshold", [false, false, false]],
    ["GreaterThanUpperThreshold", [false, false, false]],
  ])("%s", (operator, expected) => {
    const got = [3, 4, 5].map((value) => {
      const s = alarmState({ ComparisonOperator: operator, Threshold: 4 });
      put(s, value, 1_000);
      evaluateAlarms(s, MIN);
      return stateOf(s) === "ALARM";
    });
    expect(got).toEqual(expected);
  });

  it("says the comparison in words in the reason", () => {
    const s = alarmState({ ComparisonOperator: "LessThanOrEqualToThreshold", Threshold: 4 });
    put(s, 3.25, 1_000);
    evaluateAlarms(s, MIN);
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 1 out of the last 1 datapoints [3.25] were less than or equal to the threshold (4).");
  });
});

describe("M of N and missing data", () => {
  /** Three 1-minute periods judged at minute 3; each entry a value (threshold 4, >=) or missing. */
  function judge(points: Array<number | undefined>, alarm: Partial<Alarm>): CloudWatchState {
    const s = alarmState({ EvaluationPeriods: points.length, Threshold: 4, ...alarm });
    points.forEach((v, i) => v !== undefined && put(s, v, i * MIN + 1_000));
    evaluateAlarms(s, points.length * MIN);
    return s;
  }

  it.each([
    // points (5 breaches, 1 does not), M, TreatMissingData, state from OK → expected
    [[5, 1, 5], 2, "missing", "ALARM"],
    [[5, 1, 1], 2, "missing", "OK"],
    [[5, 5, 5], 3, "missing", "ALARM"],
    [[5, 5, 1], 3, "missing", "OK"],
    [[5, 5, 1], undefined, "missing", "OK"], // DatapointsToAlarm defaults to EvaluationPeriods
    [[5, 5, 5], undefined, "missing", "ALARM"],
    [[1, 1, 5], 1, "missing", "ALARM"],
    // one breach and two missing points, 2 of 3 needed
    [[5, undefined, undefined], 2, "breaching", "ALARM"],
    [[5, undefined, undefined], 2, "notBreaching", "OK"],
    [[5, undefined, undefined], 2, "missing", "OK"],
    [[5, undefined, undefined], 2, "ignore", "OK"],
    // one missing point among good ones, all 3 needed: breaching makes 1 breach, not 3
    [[1, 1, undefined], 3, "breaching", "OK"],
    [[5, 5, undefined], 3, "breaching", "ALARM"],
    [[5, 5, undefined], 3, "notBreaching", "OK"],
    // every point missing
    [[undefined, undefined, undefined], 3, "breaching", "ALARM"],
    [[undefined, undefined, undefined], 1, "notBreaching", "OK"],
    [[undefined, undefined, undefined], 1, "missing", "INSUFFICIENT_DATA"],
    [[undefined, undefined, undefined], 1, "ignore", "OK"], // kept
  ] as Array<[Array<number | undefined>, number | undefined, string, Alarm["StateValue"]]>)("%j, M=%s, %s → %s", (points, m, treat, expected) => {
    expect(stateOf(judge(points, { DatapointsToAlarm: m, TreatMissingData: treat, StateValue: "OK" }))).toBe(expected);
  });

  it("TreatMissingData defaults to missing: no data at all is INSUFFICIENT_DATA, with the reason", () => {
    const s = judge([undefined, undefined], { StateValue: "ALARM" });
    expect(s.alarms.a!).toMatchObject({ StateValue: "INSUFFICIENT_DATA", StateReason: "Insufficient Data: no datapoints were received for the evaluation periods." });
  });

  it("ignore keeps ALARM when every point is missing", () => {
    expect(stateOf(judge([undefined], { TreatMissingData: "ignore", StateValue: "ALARM" }))).toBe("ALARM");
  });

  it("the reason lists the points oldest first, missing ones by name, and counts breaching missing points", () => {
    const s = judge([5, undefined, 1], { TreatMissingData: "breaching", DatapointsToAlarm: 2 });
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 2 out of the last 3 datapoints [5, missing, 1] were greater than or equal to the threshold (4).");
  });
});

describe("which series an alarm reads", () => {
  it("dimensions match as a set, whatever their order", () => {
    const s = alarmState({ Dimensions: [DIMS[1]!, DIMS[0]!], Threshold: 5 });
    put(s, 5, 1_000);
    evaluateAlarms(s, MIN);
    expect(stateOf(s)).toBe("ALARM");
  });

  it("another dimension value, or a subset of the dimensions, is another series", () => {
    for (const dims of [[{ Name: "EndpointName", Value: "other" }, DIMS[1]!], [DIMS[0]!]]) {
      const s = alarmState({ Threshold: 5 });
      put(s, 5, 1_000, undefined, dims);
      evaluateAlarms(s, MIN);
      expect(stateOf(s)).toBe("INSUFFICIENT_DATA");
    }
  });

  it("an alarm with a Unit reads only the data points of that unit; without one, every unit", () => {
    const seconds = alarmState({ Unit: "Seconds", Statistic: "Sum", Threshold: 2 });
    const none = alarmState({ Unit: "None", Statistic: "Sum", Threshold: 2 });
    const any = alarmState({ Statistic: "Sum", Threshold: 2 });
    for (const s of [seconds, none, any]) {
      put(s, 2, 1_000, "Seconds");
      put(s, 3, 2_000, "Milliseconds");
      evaluateAlarms(s, MIN);
    }
    expect(seconds.alarms.a!.StateReason).toContain("[2]");
    expect(stateOf(none)).toBe("INSUFFICIENT_DATA");
    expect(any.alarms.a!.StateReason).toContain("[5]");
  });

  it("a series from a state file before units counts as unitless", () => {
    const before = (unit: string | undefined): CloudWatchState => {
      const s = alarmState({ Unit: unit, Statistic: "Sum", Threshold: 2 });
      put(s, 2, 1_000);
      for (const series of Object.values(s.metrics)) delete series.units;
      evaluateAlarms(s, MIN);
      return s;
    };
    expect(stateOf(before("None"))).toBe("ALARM");
    expect(stateOf(before(undefined))).toBe("ALARM");
    expect(stateOf(before("Seconds"))).toBe("INSUFFICIENT_DATA");
  });
});

describe("metric math alarms", () => {
  const stat = (Id: string, Stat: string, Period = 60, ReturnData?: boolean) => ({
    Id,
    MetricStat: { Metric: { Namespace: NS, MetricName: NAME, Dimensions: DIMS }, Period, Stat },
    ...(ReturnData !== undefined ? { ReturnData } : {}),
  });
  const math = (metrics: Alarm["Metrics"], alarm: Partial<Alarm> = {}) =>
    alarmState({ Namespace: undefined, MetricName: undefined, Statistic: undefined, Period: undefined, Metrics: metrics, ...alarm });

  it("judges the query that returns data: (max - min) / count of 1, 3, 8 is 7/3", () => {
    const s = math([stat("hi", "Maximum", 60, false), stat("lo", "Minimum", 60, false), stat("n", "SampleCount", 60, false), { Id: "spread", Expression: "(hi - lo) / n" }], { Threshold: 2.3 });
    oneThreeEight(s);
    evaluateAlarms(s, MIN);
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 1 out of the last 1 datapoints [2.333333] were greater than or equal to the threshold (2.3).");
  });

  it("takes its period from its metrics: Sum over a 5-minute MetricStat", () => {
    const s = math([stat("m1", "Sum", 300)], { Threshold: 5 });
    for (let m = 0; m < 5; m++) put(s, 1, m * MIN + 1_000);
    evaluateAlarms(s, 5 * MIN);
    expect(s.alarms.a!.StateReason).toContain("[5]");
  });

  it("a query reading a missing id gives a missing datapoint", () => {
    const s = math([{ Id: "e1", Expression: "nothing * 2" }]);
    evaluateAlarms(s, MIN);
    expect(stateOf(s)).toBe("INSUFFICIENT_DATA");
  });
});

describe("state changes and their events", () => {
  it("publishes CloudWatch Alarm State Change on a change only, with the previous state", () => {
    const s = alarmState({ AlarmDescription: "p99 latency", Statistic: "Maximum", Threshold: 4, stateUpdated: 1_000 });
    const events: EventInput[] = [];
    put(s, 5, 1_000);
    evaluateAlarms(s, MIN, 0, (e) => events.push(e));
    put(s, 6, MIN + 1_000);
    evaluateAlarms(s, 2 * MIN, 0, (e) => events.push(e)); // still ALARM: no event, no new timestamp
    expect(s.alarms.a!.stateUpdated).toBe(MIN);
    expect(events).toStrictEqual([
      {
        source: "aws.cloudwatch",
        detailType: "CloudWatch Alarm State Change",
        resources: ["arn:aws:cloudwatch:us-east-1:111122223333:alarm:a"],
        detail: {
          alarmName: "a",
          state: { value: "ALARM", reason: "Threshold Crossed: 1 out of the last 1 datapoints [5] were greater than or equal to the threshold (4).", timestamp: "1970-01-01T00:01:00.000+0000" },
          previousState: { value: "INSUFFICIENT_DATA", reason: "Unchecked: Initial alarm creation", timestamp: "1970-01-01T00:00:01.000+0000" },
          configuration: {
            description: "p99 latency",
            metrics: [
              {
                id: "m1",
                metricStat: { metric: { namespace: NS, name: NAME, dimensions: { EndpointName: "e", VariantName: "AllTraffic" } }, period: 60, stat: "Maximum" },
                returnData: true,
              },
            ],
          },
        },
      },
    ]);
  });

  it("a metric math alarm without a description has an empty configuration; a percentile alarm says its percentile", () => {
    const events: EventInput[] = [];
    const s = alarmState({ Namespace: undefined, MetricName: undefined, Statistic: undefined, Period: undefined, Metrics: [{ Id: "e1", Expression: "5" }], Threshold: 4 });
    evaluateAlarms(s, MIN, 0, (e) => events.push(e));
    expect(events.map((e) => (e.detail as { configuration: unknown }).configuration)).toStrictEqual([{}]);

    const p = alarmState({ Statistic: undefined, ExtendedStatistic: "p99", Threshold: 4 });
    put(p, 5, 1_000);
    evaluateAlarms(p, MIN, 0, (e) => events.push(e));
    const config = (events[1]!.detail as { configuration: { metrics: Array<{ metricStat: { stat: string } }> } }).configuration;
    expect(config.metrics[0]!.metricStat.stat).toBe("p99");
  });
});

describe("alarmStates, for SageMaker's guardrails", () => {
  it("names the alarms in ALARM and those that do not exist", () => {
    const s = alarmState({ StateValue: "ALARM" });
    s.alarms.ok = { ...s.alarms.a!, AlarmName: "ok", StateValue: "OK" };
    expect(alarmStates(s, ["a", "ok", "gone"])).toEqual({ inAlarm: ["a"], missing: ["gone"] });
  });
});

describe("pruneMetrics", () => {
  it("forgets buckets older than 6 hours, in every unit, and keeps the rest", () => {
    const s = alarmState({});
    const now = 7 * 3600_000;
    put(s, 1, now - 6 * 3600_000 - 10_000, "Seconds"); // 6 h 10 s old: gone
    put(s, 2, now - 6 * 3600_000, "Seconds"); // exactly 6 h old: kept
    put(s, 3, now - 10_000); // recent, unitless
    pruneMetrics(s, now);
    const [series] = Object.values(s.metrics);
    const kept = String(now - 6 * 3600_000);
    const recent = String(now - 10_000);
    expect(Object.keys(series!.buckets).sort()).toEqual([kept, recent].sort());
    expect(Object.keys(series!.units!.Seconds!)).toEqual([kept]);
    expect(Object.keys(series!.units!.None!)).toEqual([recent]);
  });
});

describe("metric math alarms whose expressions read each other in a circle", () => {
  it("have no datapoint, and evaluating them does not overflow the stack", () => {
    const s = alarmState({
      Namespace: undefined,
      MetricName: undefined,
      Statistic: undefined,
      Period: undefined,
      TreatMissingData: "breaching",
      Metrics: [
        { Id: "e1", Expression: "e2 + 1" },
        { Id: "e2", Expression: "e1 * 2", ReturnData: false },
      ],
    });
    evaluateAlarms(s, MIN);
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 1 out of the last 1 datapoints [missing] were greater than or equal to the threshold (0).");
  });
});
