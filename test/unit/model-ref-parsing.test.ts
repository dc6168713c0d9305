import { describe, expect, it } from "vitest";
import { describeRef, parseModelRef, type ModelRef } from "../../src/core/model-ref";
import { usageErrorOf } from "../helpers/usage-error";

const ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/12";

describe("model references a user types", () => {
  it.each<[string, ModelRef]>([
    [ARN, { kind: "arn", arn: ARN, group: "churn", version: 12 }],
    // Partitions other than aws: ModelPackageArn's pattern is arn:aws[a-z\-]*:sagemaker:…
    ["arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/3", { kind: "arn", arn: "arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/3", group: "churn", version: 3 }],
    ["churn/1", { kind: "version", group: "churn", version: 1 }],
    ["churn-model/27", { kind: "version", group: "churn-model", version: 27 }],
    ["churn@latest", { kind: "latest", group: "churn", approvedOnly: false }],
    ["churn@latest-approved", { kind: "latest", group: "churn", approvedOnly: true }],
  ])("%s", (ref, expected) => {
    expect(parseModelRef(ref)).toEqual(expected);
  });

  it.each([
    ["x arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3", "text before the ARN"],
    ["arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3x", "text after the version"],
    ["arn:aws:sagemaker:us-east-1:1234:model-package/churn/3", "an account that is not 12 digits"],
    ["arn:aws:sagemaker:US_EAST:123456789012:model-package/churn/3", "a region outside [a-z0-9-]"],
    ["x/churn@latest", "a slash before GROUP@latest"],
    ["churn@latest-approvedx", "a suffix after latest-approved"],
    ["churn/0", "version 0 (versions start at 1)"],
    ["-churn/3", "a group that is not a SageMaker name"],
    ["churn", "a bare group"],
  ])("refuses %j (%s), naming the flag and how to write one", (ref) => {
    expect(usageErrorOf(() => parseModelRef(ref, "--model"))).toEqual({
      message: `--model "${ref}" is not a model reference`,
      hint: "use a package ARN, GROUP/VERSION (churn/3), GROUP@latest or GROUP@latest-approved",
    });
  });

  it.each<[ModelRef, string]>([
    [{ kind: "arn", arn: ARN, group: "churn", version: 12 }, ARN],
    [{ kind: "version", group: "churn", version: 3 }, "churn/3"],
    [{ kind: "latest", group: "churn", approvedOnly: false }, "churn@latest"],
    [{ kind: "latest", group: "churn", approvedOnly: true }, "churn@latest-approved"],
  ])("is described back the way it is written: %j", (ref, text) => {
    expect(describeRef(ref)).toBe(text);
  });
});
