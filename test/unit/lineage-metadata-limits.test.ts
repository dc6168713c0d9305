import { describe, expect, it } from "vitest";
import { describeSource, lineageFrom, withoutCredentials } from "../../src/core/lineage";
import { checkUserMetadata, fitMetadata } from "../../src/core/metadata";
import { usageErrorOf } from "../helpers/usage-error";

// botocore's sagemaker model: MetadataProperties' CommitId/Repository/GeneratedBy ≤ 1024;
// CustomerMetadataMap 1–50 entries, CustomerMetadataKey ≤ 128, CustomerMetadataValue ≤ 256.

describe("remote URLs lose their credentials", () => {
  it.each([
    ["https://user:token@git.example.com/r.git", "https://git.example.com/r.git"],
    // Only the userinfo of the URL itself: an @ further on (a query naming another URL) stays.
    ["https://git.example.com/r.git?next=ssh://me@h2", "https://git.example.com/r.git?next=ssh://me@h2"],
    ["https://git.example.com/r.git?private_token=abc&x=1", "https://git.example.com/r.git?private_token=****&x=1"],
  ])("%s → %s", (url, clean) => {
    expect(withoutCredentials(url)).toBe(clean);
  });
});

describe("lineage recorded on a version", () => {
  it("a clean detached checkout outside CodeBuild records the commit only", () => {
    expect(lineageFrom({ commit: "1a2b3c4d5e", dirty: false }, {}, "1.2.0")).toEqual({
      entries: [
        ["mlops:registered-by", "mlops/1.2.0"],
        ["mlops:git:commit", "1a2b3c4d5e"],
      ],
      metadataProperties: { CommitId: "1a2b3c4d5e", GeneratedBy: "mlops/1.2.0" },
    });
  });

  it("git's commit wins over CodeBuild's resolved source version", () => {
    const env = { CODEBUILD_RESOLVED_SOURCE_VERSION: "ffff", CODEBUILD_SOURCE_REPO_URL: "https://git.example.com/r.git" };
    expect(lineageFrom({ commit: "1a2b", branch: "main", dirty: true, remote: "https://u:p@git.example.com/mine.git" }, env, "1.2.0")).toEqual({
      entries: [
        ["mlops:registered-by", "mlops/1.2.0"],
        ["mlops:git:commit", "1a2b"],
        ["mlops:git:branch", "main"],
        ["mlops:git:dirty", "true"],
        ["mlops:codebuild:source-version", "ffff"],
      ],
      metadataProperties: { CommitId: "1a2b", Repository: "https://git.example.com/mine.git", GeneratedBy: "mlops/1.2.0" },
    });
  });

  it("in CodeBuild without git, the build's variables are the lineage", () => {
    const env = {
      CODEBUILD_BUILD_ARN: "arn:aws:codebuild:us-east-1:123456789012:build/proj:42",
      CODEBUILD_SOURCE_VERSION: "main",
      CODEBUILD_INITIATOR: "codepipeline/churn",
      CODEBUILD_SOURCE_REPO_URL: "https://git.example.com/r.git",
    };
    expect(lineageFrom(undefined, env, "1.2.0")).toEqual({
      entries: [
        ["mlops:registered-by", "mlops/1.2.0"],
        ["mlops:codebuild:build-arn", "arn:aws:codebuild:us-east-1:123456789012:build/proj:42"],
        ["mlops:codebuild:source-version", "main"],
        ["mlops:codebuild:initiator", "codepipeline/churn"],
      ],
      metadataProperties: { Repository: "https://git.example.com/r.git", GeneratedBy: "arn:aws:codebuild:us-east-1:123456789012:build/proj:42" },
    });
  });

  it("nothing known: only who registered it", () => {
    expect(lineageFrom(undefined, { CODEBUILD_RESOLVED_SOURCE_VERSION: "", CODEBUILD_SOURCE_VERSION: "" }, "1.2.0")).toEqual({
      entries: [["mlops:registered-by", "mlops/1.2.0"]],
      metadataProperties: { GeneratedBy: "mlops/1.2.0" },
    });
  });

  it("Repository and GeneratedBy are cut to 1024 characters", () => {
    const remote = `https://git.example.com/${"r".repeat(1100)}`;
    const buildArn = `arn:aws:codebuild:us-east-1:123456789012:build/${"p".repeat(1100)}`;
    const { metadataProperties } = lineageFrom({ commit: "1a2b", dirty: false, remote }, { CODEBUILD_BUILD_ARN: buildArn }, "1.2.0");
    expect(metadataProperties).toEqual({ CommitId: "1a2b", Repository: remote.slice(0, 1024), GeneratedBy: buildArn.slice(0, 1024) });
  });
});

describe("the source column", () => {
  it.each([
    [{}, null],
    [{ "mlops:codebuild:build-arn": "arn:aws:codebuild:us-east-1:123456789012:build/proj:42" }, "CodeBuild proj:42"],
    [{ "mlops:codebuild:build-arn": "see arn:aws:codebuild:us-east-1:123456789012:build/proj:42" }, "CodeBuild see arn:aws:codebuild:us-east-1:123456789012:build/proj:42"],
    [{ "mlops:git:commit": "1a2b3c4d5e6f" }, "git 1a2b3c4"],
    [{ "mlops:git:commit": "1a2b3c4d5e6f", "mlops:git:branch": "main", "mlops:git:dirty": "true" }, "git 1a2b3c4 (main) dirty"],
    [{ "mlops:git:commit": "1a2b3c4d5e6f", "mlops:git:dirty": "false" }, "git 1a2b3c4"],
    [{ "mlops:git:commit": "1a2b3c4d5e6f", "mlops:codebuild:source-version": "ffffffffff" }, "git 1a2b3c4"],
    [{ "mlops:codebuild:source-version": "ffffffffff" }, "git fffffff"],
    [
      { "mlops:codebuild:build-arn": "arn:aws:codebuild:us-east-1:123456789012:build/proj:42", "mlops:git:commit": "1a2b3c4d5e6f" },
      "CodeBuild proj:42, git 1a2b3c4",
    ],
  ])("%j → %j", (properties, source) => {
    expect(describeSource(properties)).toBe(source);
  });
});

describe("the user's own metadata must fit", () => {
  const entries = (n: number) => Array.from({ length: n }, (_, i) => [`k${i}`, "v"] as [string, string]);

  it("50 entries are accepted, 51 refused", () => {
    expect(Object.keys(checkUserMetadata("--metadata", entries(50)))).toHaveLength(50);
    expect(usageErrorOf(() => checkUserMetadata("--metadata", entries(51))).message).toBe("--metadata: 51 entries; a model version takes at most 50");
  });

  it("a key of 128 characters is accepted, 129 refused (the message shows its first 20)", () => {
    expect(checkUserMetadata("--metadata", [["k".repeat(128), "v"]])).toEqual({ ["k".repeat(128)]: "v" });
    expect(usageErrorOf(() => checkUserMetadata("--metadata", [["k".repeat(129), "v"]])).message).toBe(`--metadata key "${"k".repeat(20)}…" is 129 characters; the limit is 128`);
  });

  it("a value of 256 characters is accepted, 257 refused", () => {
    expect(checkUserMetadata("--metadata", [["team", "v".repeat(256)]])).toEqual({ team: "v".repeat(256) });
    expect(usageErrorOf(() => checkUserMetadata("--metadata", [["team", "v".repeat(257)]])).message).toBe("--metadata team: the value is 257 characters; the limit is 256");
  });

  it("an empty value is refused (values are at least 1 character)", () => {
    expect(usageErrorOf(() => checkUserMetadata("--metadata", [["team", ""]])).message).toBe("--metadata team: the value is empty");
  });
});

describe("mlops's own metadata is made to fit", () => {
  it("a key longer than 128 characters is cut to 128", () => {
    expect(fitMetadata({}, [[`mlops:${"k".repeat(130)}`, "v"]])).toEqual({ properties: { [`mlops:${"k".repeat(122)}`]: "v" }, warnings: [] });
  });

  it("a value of 256 characters is kept whole; 257 are cut to 256 with a warning", () => {
    expect(fitMetadata({}, [["mlops:a", "v".repeat(256)]])).toEqual({ properties: { "mlops:a": "v".repeat(256) }, warnings: [] });
    expect(fitMetadata({}, [["mlops:a", "v".repeat(257)]])).toEqual({
      properties: { "mlops:a": "v".repeat(256) },
      warnings: ["metadata mlops:a: value cut to 256 characters"],
    });
  });

  it("an empty value is left out", () => {
    expect(fitMetadata({ team: "ml" }, [["mlops:git:branch", ""]])).toEqual({ properties: { team: "ml" }, warnings: [] });
  });
});
