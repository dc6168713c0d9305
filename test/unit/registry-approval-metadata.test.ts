import { describe, expect, it } from "vitest";
import { approvalWord, parseApproval, recordedMetrics } from "../../src/core/registry";

describe("approval statuses", () => {
  // ModelApprovalStatus in botocore's sagemaker model: Approved | Rejected | PendingManualApproval.
  it.each([
    ["approved", "Approved"],
    ["Rejected", "Rejected"],
    ["pending", "PendingManualApproval"],
    ["PendingManualApproval", "PendingManualApproval"],
    ["pendingmanualapproval", "PendingManualApproval"],
  ])("--status %s is %s", (value, status) => {
    expect(parseApproval("--status", value)).toBe(status);
  });

  it.each([
    ["PendingManualApproval", "pending"],
    ["Approved", "approved"],
    ["Rejected", "rejected"],
    [undefined, "unknown"],
    ["", "unknown"],
  ])("%j is shown as %s", (status, word) => {
    expect(approvalWord(status)).toBe(word);
  });
});

describe("metrics recorded on a version", () => {
  it("reads only mlops:metric: entries holding a number, by short name", () => {
    const properties = {
      "mlops:metric:binary_classification_metrics.accuracy": "0.93",
      "mlops:metric:f1": "0.8",
      "mlops:gate:binary_classification_metrics.accuracy": ">= 0.9",
      "team-score": "5",
      "mlops:metric:blank": "   ",
      "mlops:metric:empty": "",
      "mlops:metric:word": "high",
    };
    expect(recordedMetrics(properties)).toEqual({ accuracy: 0.93, f1: 0.8 });
  });

  it("a version with no metadata has no metrics", () => {
    expect(recordedMetrics(undefined)).toEqual({});
  });
});
