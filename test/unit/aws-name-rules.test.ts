import { describe, expect, it } from "vitest";
import { checkEnvironment, checkImageUri, checkInstanceType, checkResourceName, isHttpUrl, isReadOnlyOperation, parsePairs, parseS3Prefix, parseS3Uri } from "../../src/core/aws-names";
import { usageErrorOf } from "../helpers/usage-error";

// Limits from botocore's sagemaker model: EntityName ≤ 63 [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62};
// S3Uri ≤ 1024 (S3 object keys ≤ 1024 bytes); S3OutputPath ≤ 512; ContainerImage ≤ 255;
// EnvironmentKey [a-zA-Z_][a-zA-Z0-9_]* ≤ 1024, EnvironmentValue ≤ 1024, ≤ 16 entries
// (ModelPackageContainerDefinition.Environment).

describe("http URLs", () => {
  it.each([
    ["https://hooks.example.com/x", true],
    ["http://127.0.0.1:8080", true],
    ["see https://hooks.example.com", false],
    ["xhttps://hooks.example.com", false],
    ["https:///path", false],
    ["ftp://example.com", false],
  ])("%s → %s", (url, ok) => {
    expect(isHttpUrl(url)).toBe(ok);
  });
});

describe("read-only operations, by AWS's naming", () => {
  it.each([
    ["DescribeEndpoint", true],
    ["ListModelPackages", true],
    ["GetCallerIdentity", true],
    ["BatchDescribeModelPackage", true],
    ["UpdateEndpoint", false],
    ["CreateModel", false],
    ["DeleteAlarms", false],
    ["PutMetricAlarm", false],
  ])("%s → %s", (operation, readOnly) => {
    expect(isReadOnlyOperation(operation)).toBe(readOnly);
  });
});

describe("SageMaker resource names", () => {
  it("63 characters is the limit", () => {
    const name = `a${"-b".repeat(31)}`; // 1 + 62 = 63
    expect(checkResourceName("--endpoint", name)).toBe(name);
    expect(usageErrorOf(() => checkResourceName("--endpoint", `${name}c`)).message).toBe(`--endpoint "${name}c" is 64 characters; the limit is 63`);
  });

  it("a name outside the pattern is refused with the pattern as hint", () => {
    expect(usageErrorOf(() => checkResourceName("--group", "churn_"))).toEqual({
      message: '--group "churn_" must be letters, digits and inner hyphens, starting and ending with a letter or digit',
      hint: "pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    });
  });
});

describe("S3 object URIs", () => {
  it("splits bucket and key", () => {
    expect(parseS3Uri("--data", "s3://my.bucket-1/a/b.tar.gz")).toEqual({ bucket: "my.bucket-1", key: "a/b.tar.gz" });
  });

  it.each(["xs3://bucket/key", "s3://bucket/key\nmore", "s3://bucket/", "s3://bucket"])("refuses %j", (uri) => {
    expect(usageErrorOf(() => parseS3Uri("--data", uri)).message).toBe(`--data "${uri}" must be an S3 URI of an object: s3://bucket/key`);
  });

  it("a key of 1024 bytes is accepted, 1025 bytes refused (é is 2 bytes in UTF-8)", () => {
    expect(parseS3Uri("--data", `s3://bkt/${"é".repeat(512)}`).key).toBe("é".repeat(512));
    const uri = `s3://bkt/${"é".repeat(512)}x`;
    expect(usageErrorOf(() => parseS3Uri("--data", uri)).message).toBe(`--data "${uri}": the key is longer than 1024 bytes`);
  });

  it("a URI of 1024 characters is accepted, 1025 refused", () => {
    const prefix = "s3://bkt/"; // 9 characters
    expect(parseS3Uri("--data", `${prefix}${"k".repeat(1024 - 9)}`).key).toHaveLength(1015);
    expect(usageErrorOf(() => parseS3Uri("--data", `${prefix}${"k".repeat(1025 - 9)}`)).message).toBe("--data is longer than 1024 characters");
  });
});

describe("S3 prefixes", () => {
  it.each([
    ["s3://bucket", { bucket: "bucket", key: "" }],
    ["s3://bucket/", { bucket: "bucket", key: "" }],
    ["s3://bucket/some/prefix/", { bucket: "bucket", key: "some/prefix/" }],
  ])("%s", (uri, parsed) => {
    expect(parseS3Prefix("--output", uri)).toEqual(parsed);
  });

  it.each(["xs3://bucket/p", "s3://bucket/p\nq", "s3:///p", "https://bucket/p"])("refuses %j", (uri) => {
    expect(usageErrorOf(() => parseS3Prefix("--output", uri)).message).toBe(`--output "${uri}" must be an S3 location: s3://bucket/prefix/`);
  });

  it.each(["Bad_Bucket", "ab", "xn--bucket", "a..b", "192.168.1.1"])("refuses bucket %s", (bucket) => {
    expect(usageErrorOf(() => parseS3Prefix("--output", `s3://${bucket}/p/`)).message).toMatch(`"${bucket}" is not a valid S3 bucket name`);
  });

  it("512 characters is the limit (S3OutputPath)", () => {
    const prefix = "s3://bkt/"; // 9 characters
    expect(parseS3Prefix("--output", `${prefix}${"p".repeat(512 - 9)}`).key).toHaveLength(503);
    expect(usageErrorOf(() => parseS3Prefix("--output", `${prefix}${"p".repeat(513 - 9)}`)).message).toBe("--output is longer than 512 characters");
  });
});

describe("container image URIs", () => {
  const host = "123456789012.dkr.ecr.us-east-1.amazonaws.com/";

  it("255 characters is the limit (ContainerImage)", () => {
    const image = `${host}${"r".repeat(255 - host.length)}`;
    expect(checkImageUri("--image", image)).toBe(image);
    const longer = `${image}r`;
    expect(usageErrorOf(() => checkImageUri("--image", longer)).message).toBe("--image is 256 characters; the limit is 255");
  });

  it("something else is refused with an example as hint", () => {
    expect(usageErrorOf(() => checkImageUri("--image", "churn:latest"))).toEqual({
      message: '--image "churn:latest" is not an image URI',
      hint: "e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4 or …/churn@sha256:<digest>",
    });
  });
});

describe("instance types", () => {
  const known = ["ml.m5.large", "ml.m5.xlarge", "ml.g5.xlarge"];

  it.each(["ml.m5.large", "ml.g5.xlarge"])("%s is hosted", (type) => {
    expect(checkInstanceType("--instance-type", type, known)).toBe(type);
  });

  it.each(["xml.m5.large", "ml.m5.large!", "m5.large"])("%j is not an instance type", (type) => {
    expect(usageErrorOf(() => checkInstanceType("--instance-type", type)).message).toBe(`--instance-type "${type}" is not a SageMaker instance type such as ml.m5.large`);
  });

  it("an unknown size lists the family's sizes", () => {
    expect(usageErrorOf(() => checkInstanceType("--instance-type", "ml.m5.huge", known))).toEqual({
      message: '--instance-type "ml.m5.huge" is not an instance type SageMaker hosts',
      hint: "m5 comes in: ml.m5.large, ml.m5.xlarge",
    });
  });

  it("an unknown family points at the pricing page", () => {
    expect(usageErrorOf(() => checkInstanceType("--instance-type", "ml.zz9.large", known)).hint).toBe("see https://aws.amazon.com/sagemaker/pricing/ for the instance types");
  });
});

describe("KEY=VALUE flags", () => {
  it("splits at the first =", () => {
    expect(parsePairs("--env", ["A=1", "B=x=y", "C="])).toEqual([["A", "1"], ["B", "x=y"], ["C", ""]]);
  });

  it.each(["=1", "A"])("refuses %j", (pair) => {
    expect(usageErrorOf(() => parsePairs("--env", [pair])).message).toBe(`--env "${pair}" must be KEY=VALUE`);
  });
});

describe("container environment", () => {
  const pairs = (n: number) => Array.from({ length: n }, (_, i) => [`V${i}`, "x"] as [string, string]);

  it("16 variables are accepted, 17 refused", () => {
    expect(Object.keys(checkEnvironment("--env", pairs(16)))).toHaveLength(16);
    expect(usageErrorOf(() => checkEnvironment("--env", pairs(17))).message).toBe("--env: 17 variables; a container takes at most 16");
  });

  it.each(["MODEL_SERVER_WORKERS", "_x1", "A", "k".repeat(1024)])("key %s is accepted", (key) => {
    expect(checkEnvironment("--env", [[key, "1"]])).toEqual({ [key]: "1" });
  });

  it.each(["A-B", "1A", "A B", "k".repeat(1025)])("key %s is refused", (key) => {
    expect(usageErrorOf(() => checkEnvironment("--env", [[key, "1"]])).message).toBe(`--env "${key}": names are letters, digits and _, not starting with a digit`);
  });

  it("a value of 1024 characters is accepted, 1025 refused", () => {
    expect(checkEnvironment("--env", [["V", "v".repeat(1024)]])).toEqual({ V: "v".repeat(1024) });
    expect(usageErrorOf(() => checkEnvironment("--env", [["V", "v".repeat(1025)]])).message).toBe("--env V: the value is 1025 characters; the limit is 1024");
  });
});
