import { describe, expect, it } from "vitest";
import { findMetric, metricPaths, parseMetricsDocument, shortMetricName } from "../../src/core/metrics";
import { usageErrorOf } from "../helpers/usage-error";

/** A document nested `levels` objects deep: {"a":{"a":…{"a":1}}}; the number sits at depth `levels`. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

describe("reading a metrics document", () => {
  it("parses JSON", () => {
    expect(parseMetricsDocument('{"accuracy": 0.93}', "m.json")).toEqual({ accuracy: 0.93 });
  });

  it("refuses text that is not JSON, naming the file", () => {
    const { message } = usageErrorOf(() => parseMetricsDocument("{accuracy", "m.json"));
    expect(message).toMatch(/^--metrics: m\.json is not valid JSON \(/);
  });

  // The limit is 32 levels: a value 32 objects deep is accepted, 33 refused.
  it("accepts 32 levels of nesting", () => {
    expect(metricPaths(parseMetricsDocument(nested(32), "m.json"))).toEqual(["a".repeat(32).split("").join(".")]);
  });

  it.each([33, 40])("refuses %i levels of nesting", (levels) => {
    expect(usageErrorOf(() => parseMetricsDocument(nested(levels), "s3://b/m.json")).message).toBe(
      "--metrics: s3://b/m.json nests deeper than 32 levels; it is not an evaluation report",
    );
  });

  it("counts the depth of every branch, not only the last one", () => {
    // The deep branch comes first; a shallow sibling after it must not hide it.
    const doc = `{"deep": ${nested(33)}, "shallow": 1}`;
    expect(() => parseMetricsDocument(doc, "m.json")).toThrow(/nests deeper than 32 levels/);
  });

  it("counts arrays as levels too", () => {
    expect(() => parseMetricsDocument(`${"[".repeat(33)}1${"]".repeat(33)}`, "m.json")).toThrow(/nests deeper/);
    expect(parseMetricsDocument(`${"[".repeat(32)}1${"]".repeat(32)}`, "m.json")).toBeInstanceOf(Array);
  });
});

describe("which values are metrics", () => {
  it.each([
    ["a plain number", { accuracy: 0.93 }, ["accuracy"]],
    ["a {value} object", { accuracy: { value: 0.93, standard_deviation: 0.01 } }, ["accuracy"]],
    ["not a number string", { accuracy: "0.93" }, []],
    ["not an infinite number (JSON cannot hold one, an object can)", { accuracy: Number.POSITIVE_INFINITY }, []],
    ["not a {value} holding a string", { accuracy: { value: "0.93" } }, []],
    ["not a {value} holding NaN", { accuracy: { value: Number.NaN } }, []],
    ["not an array (arrays are not searched)", { scores: [0.9, 0.8] }, []],
    ["not null", { accuracy: null }, []],
  ])("%s", (_label, doc, paths) => {
    expect(metricPaths(doc)).toEqual(paths);
  });

  it("an array with a value property is not a metric", () => {
    const scores = Object.assign([1, 2], { value: 0.5 });
    expect(findMetric({ scores, accuracy: 0.9 }, "accuracy")).toEqual({ path: "accuracy", value: 0.9 });
    expect(() => findMetric({ scores }, "scores")).toThrow(/not in the metrics file/);
  });
});

describe("finding a metric", () => {
  const report = {
    binary_classification_metrics: { accuracy: { value: 0.93 }, recall: { value: 0.81 } },
    regression_metrics: { mse: { value: 0.04 }, recall: { value: 0.5 } },
    metrics: { latency: 12 },
    notes: { auc: 0.7 },
  };

  it.each([
    ["binary_classification_metrics.accuracy", { path: "binary_classification_metrics.accuracy", value: 0.93 }],
    ["binary_classification_metrics.accuracy.value", { path: "binary_classification_metrics.accuracy", value: 0.93 }],
    ["accuracy", { path: "binary_classification_metrics.accuracy", value: 0.93 }],
    ["mse", { path: "regression_metrics.mse", value: 0.04 }],
    ["latency", { path: "metrics.latency", value: 12 }],
  ])("%s", (name, found) => {
    expect(findMetric(report, name)).toEqual(found);
  });

  it("keeps a .value in the middle of a path", () => {
    expect(findMetric({ a: { value: { x: 3 } } }, "a.value.x")).toEqual({ path: "a.value.x", value: 3 });
    expect(findMetric({ a: { valuex: 4 } }, "a.valuex")).toEqual({ path: "a.valuex", value: 4 });
  });

  it("does not look for a bare name in sections that are not *_metrics", () => {
    expect(usageErrorOf(() => findMetric(report, "auc")).message).toBe('metric "auc" is not in the metrics file');
  });

  it("does not look for a dotted name in the sections", () => {
    expect(() => findMetric({ binary_classification_metrics: { "x.y": 1 } }, "x.y")).toThrow(/not in the metrics file/);
  });

  it("a name in two sections is ambiguous", () => {
    expect(usageErrorOf(() => findMetric(report, "recall"))).toEqual({
      message: 'metric "recall" is ambiguous in the metrics file: binary_classification_metrics.recall, regression_metrics.recall',
      hint: "name it by its full path in --require",
    });
  });

  it("a missing metric lists what the file has", () => {
    expect(usageErrorOf(() => findMetric({ accuracy: 0.9, f1: 0.8 }, "auc")).hint).toBe("available: accuracy, f1");
  });

  it("lists at most 12 metrics, then an ellipsis", () => {
    const twelve = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`m${i + 1}`, i]));
    expect(usageErrorOf(() => findMetric(twelve, "auc")).hint).toBe("available: m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12");
    const thirteen = { ...twelve, m13: 13 };
    expect(usageErrorOf(() => findMetric(thirteen, "auc")).hint).toBe("available: m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, …");
  });

  it.each([
    ["no numbers", { notes: "good" }],
    ["not an object", 42],
    ["null", null],
  ])("a file with %s says so", (_label, doc) => {
    expect(usageErrorOf(() => findMetric(doc, "auc")).hint).toBe("the file has no numeric metrics");
  });
});

describe("short metric names", () => {
  it.each([
    ["binary_classification_metrics.accuracy", "accuracy"],
    ["binary_classification_metrics.accuracy.value", "accuracy"],
    ["a.value.x", "x"],
    ["metrics.valuex", "valuex"],
    ["value", "value"],
    ["f1", "f1"],
  ])("%s → %s", (path, short) => {
    expect(shortMetricName(path)).toBe(short);
  });
});

describe("documents with text, null and nested objects", () => {
  it("text and null values count as one level, not more", () => {
    const doc = `{"note": "good", "missing": null, "accuracy": 0.9}`;
    expect(parseMetricsDocument(doc, "m.json")).toEqual({ note: "good", missing: null, accuracy: 0.9 });
    expect(parseMetricsDocument(`${'{"a":'.repeat(31)}{"text": "${"x".repeat(40)}"}${"}".repeat(31)}`, "m.json")).toBeInstanceOf(Object);
  });

  it("a string's length is not a metric", () => {
    expect(() => findMetric({ note: "abc" }, "note.length")).toThrow('metric "note.length" is not in the metrics file');
  });

  it("a bare name is not looked for in a document that is text", () => {
    expect(() => findMetric("binary_metrics", "accuracy")).toThrow('metric "accuracy" is not in the metrics file');
  });
});
