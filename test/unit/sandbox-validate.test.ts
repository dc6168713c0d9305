import { describe, expect, it } from "vitest";
import { int, list, map, required, str, struct, validate, validationMessage } from "../../src/sandbox/validate";

describe("server-side validation messages, as AWS words them", () => {
  const spec = {
    ModelPackageGroupName: required(str({ min: 1, max: 63, pattern: /[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/ })),
    ModelApprovalStatus: str({ enum: ["Approved", "Rejected", "PendingManualApproval"] }),
    MaxResults: int({ min: 1, max: 100 }),
    Tags: list(struct({ Key: required(str({ max: 128 })) }), { max: 2 }),
    CustomerMetadataProperties: map(str({ max: 3 }), { max: 50 }),
  };

  it("accepts valid input", () => {
    expect(validate(spec, { ModelPackageGroupName: "churn-model", MaxResults: 100 })).toEqual([]);
  });

  it("names each failing member with AWS's wording", () => {
    const problems = validate(spec, {
      ModelPackageGroupName: "-bad",
      ModelApprovalStatus: "Maybe",
      MaxResults: 101,
      Tags: [{}, {}, {}],
      CustomerMetadataProperties: { k: "long" },
    });
    expect(problems).toEqual([
      "Value '-bad' at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
      "Value 'Maybe' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected, PendingManualApproval]",
      "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      "Value '[{},{},{}]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2",
      "Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null",
      "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
      "Value null at 'tags.3.member.key' failed to satisfy constraint: Member must not be null",
      "Value 'long' at 'customerMetadataProperties.k.value' failed to satisfy constraint: Member must have length less than or equal to 3",
    ]);
    expect(validationMessage(problems.slice(0, 1))).toMatch(/^1 validation error detected: Value '-bad'/);
    expect(validationMessage(problems)).toMatch(/^8 validation errors detected/);
  });

  it("reports a missing required member as null", () => {
    expect(validate(spec, {})).toEqual(["Value null at 'modelPackageGroupName' failed to satisfy constraint: Member must not be null"]);
  });
});
