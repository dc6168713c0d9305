import { describe, expect, it } from "vitest";
import { evaluateAlarms, recordMetric, type Alarm, type CloudWatchState } from "../../src/sandbox/services/cloudwatch";
import { evaluate, expressionIds } from "../../src/sandbox/services/metric-math";

const DIMS = [{ Name: "EndpointName", Value: "e" }];
const MIN = 60_000;

function state(alarm: Partial<Alarm>): CloudWatchState {
  const full: Alarm = {
    AlarmName: "a",
    AlarmArn: "arn",
    ActionsEnabled: false,
    Namespace: "AWS/SageMaker",
    MetricName: "Invocation5XXErrors",
    Statistic: "Average",
    Dimensions: DIMS,
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 0.1,
    ComparisonOperator: "GreaterThanThreshold",
    StateValue: "INSUFFICIENT_DATA",
    StateReason: "",
    updated: 0,
    stateUpdated: 0,
    ...alarm,
  };
  return { alarms: { a: full }, metrics: {} };
}

/** One minute's error rate, as requests that failed (1) or not (0). */
function minute(s: CloudWatchState, index: number, rate: number, name = "Invocation5XXErrors"): void {
  recordMetric(s, "AWS/SageMaker", name, DIMS, { sum: rate * 100, count: 100, min: rate === 1 ? 1 : 0, max: rate > 0 ? 1 : 0 }, index * MIN + 1_000);
}

describe("alarm evaluation", () => {
  it("goes to ALARM when DatapointsToAlarm of the last EvaluationPeriods breach (M of N)", () => {
    const s = state({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    minute(s, 0, 0.5);
    minute(s, 1, 0);
    minute(s, 2, 0);
    evaluateAlarms(s, 3 * MIN);
    expect(s.alarms.a!.StateValue).toBe("OK");
    minute(s, 3, 0.3);
    evaluateAlarms(s, 4 * MIN);
    expect(s.alarms.a!.StateValue).toBe("OK");
    minute(s, 4, 0.2);
    evaluateAlarms(s, 5 * MIN);
    expect(s.alarms.a!.StateValue).toBe("ALARM");
    expect(s.alarms.a!.StateReason).toBe("Threshold Crossed: 2 out of the last 3 datapoints [0, 0.3, 0.2] were greater than the threshold (0.1).");
    expect(s.alarms.a!.stateUpdated).toBe(5 * MIN);
  });

  it("treats missing data as told: missing → INSUFFICIENT_DATA, notBreaching → OK, breaching → ALARM, ignore → unchanged", () => {
    const cases: Array<[string, Alarm["StateValue"]]> = [
      ["missing", "INSUFFICIENT_DATA"],
      ["notBreaching", "OK"],
      ["breaching", "ALARM"],
      ["ignore", "ALARM"],
    ];
    for (const [treat, expected] of cases) {
      const s = state({ TreatMissingData: treat, StateValue: "ALARM" });
      evaluateAlarms(s, 10 * MIN);
      expect([treat, s.alarms.a!.StateValue]).toEqual([treat, expected]);
    }
  });

  it("evaluates a period once it completes, so a state set by hand holds until then", () => {
    const s = state({ EvaluationPeriods: 1 });
    minute(s, 0, 0);
    evaluateAlarms(s, MIN + 5_000);
    expect(s.alarms.a!.StateValue).toBe("OK");
    s.alarms.a!.StateValue = "ALARM";
    evaluateAlarms(s, MIN + 30_000);
    expect(s.alarms.a!.StateValue).toBe("ALARM");
    minute(s, 1, 0);
    evaluateAlarms(s, 2 * MIN);
    expect(s.alarms.a!.StateValue).toBe("OK");
  });

  it("judges a period only once its metrics have arrived, `delay` seconds after it ends", () => {
    const s = state({ EvaluationPeriods: 1 });
    minute(s, 0, 0.5);
    evaluateAlarms(s, MIN + 30_000, 60);
    expect(s.alarms.a!.StateValue).toBe("INSUFFICIENT_DATA");
    evaluateAlarms(s, 2 * MIN, 60);
    expect(s.alarms.a!.StateValue).toBe("ALARM");
    expect(s.alarms.a!.stateUpdated).toBe(2 * MIN);
  });

  it("evaluates metric math: failures / (failures + processed) for asynchronous endpoints", () => {
    const s = state({
      MetricName: undefined,
      Namespace: undefined,
      Statistic: undefined,
      Period: undefined,
      EvaluationPeriods: 1,
      Threshold: 0.05,
      Metrics: [
        { Id: "failed", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "InvocationFailures", Dimensions: DIMS }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "done", MetricStat: { Metric: { Namespace: "AWS/SageMaker", MetricName: "InvocationsProcesssed", Dimensions: DIMS }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "rate", Expression: "failed / (failed + done)", ReturnData: true },
      ],
    });
    recordMetric(s, "AWS/SageMaker", "InvocationFailures", DIMS, { sum: 10, count: 1, min: 10, max: 10 }, 1_000);
    recordMetric(s, "AWS/SageMaker", "InvocationsProcesssed", DIMS, { sum: 90, count: 1, min: 90, max: 90 }, 1_000);
    evaluateAlarms(s, MIN);
    expect(s.alarms.a!.StateValue).toBe("ALARM");
    expect(s.alarms.a!.StateReason).toContain("[0.1]");
  });
});

describe("metric math", () => {
  it("computes with precedence, parentheses and unary minus", () => {
    const values: Record<string, number> = { m1: 2, m2: 6 };
    expect(evaluate("m1 / (m1 + m2)", (id) => values[id])).toBe(0.25);
    expect(evaluate("m1 + m2 * 2 - -1", (id) => values[id])).toBe(15);
    expect(expressionIds("a1 * (b_2 + 3)")).toEqual(["a1", "b_2"]);
  });

  it("gives no value for a missing operand or a division by zero, and refuses what it cannot parse", () => {
    expect(evaluate("m1 / m2", (id) => (id === "m1" ? 1 : 0))).toBeUndefined();
    expect(evaluate("m1 + x", (id) => (id === "m1" ? 1 : undefined))).toBeUndefined();
    expect(() => evaluate("(m1 + 1", () => 1)).toThrow("a ( is not closed");
    expect(() => evaluate("m1 $ 2", () => 1)).toThrow(/cannot read the expression/);
  });
});
