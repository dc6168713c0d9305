import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageGroupCommand,
  ListTagsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { SANDBOX_CREDENTIALS, startSandbox } from "../../src/sandbox/index";
import { boundedCopy, LOG_INPUT_LIMITS } from "../../src/sandbox/request-log";
import { ROOT } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

/** A witness that cannot be blinded, a sandbox that cannot be hung. */
const bugs: unknown[] = [];
const sandbox = useSandbox({ trafficRps: 0, onInternalError: (error) => bugs.push(error) });
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const sm = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const cw = () => new CloudWatchClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
const s3 = () => new S3Client(sdkConfig(sandbox.current, { maxAttempts: 1, forcePathStyle: true }));
const control = { "x-mlops-control": "1" };

/** A JSON-protocol request as a client would send it, signed in form (the sandbox checks no signatures). */
function post(target: string, body: string, service = "sagemaker") {
  return fetch(sandbox.current.url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": target,
      authorization: `AWS4-HMAC-SHA256 Credential=${SANDBOX_CREDENTIALS.accessKeyId}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
}

async function requestLog(): Promise<Array<{ operation: string; mutating: boolean; status: number; input: unknown }>> {
  const answer = await fetch(`${sandbox.current.url}/_mlops/requests`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as never;
}

describe("the request log is the sandbox's own witness", () => {
  it("logs the operation a request named, mutating by the sandbox's definitions, even when its body does not parse", async () => {
    const cases: Array<[string, boolean]> = [
      ["SageMaker.CreateEndpoint", true], // implemented, mutates: true
      ["SageMaker.DescribeEndpoint", false], // implemented, mutates: false
      ["SageMaker.CreateTrainingJob", true], // not implemented: judged by its name
      ["SageMaker.DescribeTrainingJob", false],
    ];
    for (const [target] of cases) {
      const answer = await post(target, "{not json");
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ __type: expect.stringContaining("SerializationException") });
    }
    const logged = await requestLog();
    expect(logged.map((e) => [`SageMaker.${e.operation}`, e.mutating])).toEqual(cases);
  });

  it("answers bodies of the wrong kind in the protocol's own error, never as a sandbox bug", async () => {
    for (const body of ["null", "[]", '"text"', "5"]) {
      const answer = await post("SageMaker.CreateModelPackageGroup", body);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ __type: expect.stringContaining("SerializationException"), message: "the request body is not a JSON object" });
    }
    const uri = await fetch(`${sandbox.current.url}/models/%E0%A4%A`, { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${SANDBOX_CREDENTIALS.accessKeyId}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0` } });
    expect(uri.status).toBe(400);
    expect(await uri.text()).toContain("<Code>InvalidURI</Code>");
    expect(bugs).toEqual([]);
    expect((await requestLog()).map((e) => [e.operation, e.mutating])).toEqual([...Array(4).fill(["CreateModelPackageGroup", true]), ["Unknown", true]]);
  });

  it("imports nothing from mlops's own code (src/core, src/aws, src/commands…): no agreement by construction", () => {
    const sandboxDir = join(ROOT, "src/sandbox");
    const files = (readdirSync(sandboxDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(20);
    const outside: string[] = [];
    for (const file of files) {
      const source = readFileSync(join(sandboxDir, file), "utf8");
      for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]*)"/g)) {
        const target = relative(sandboxDir, resolve(dirname(join(sandboxDir, file)), spec!));
        if (target.startsWith("..")) outside.push(`${file} → ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("survives a request nested 100,000 levels deep: refused as malformed, and the log still serves", async () => {
    const deep = `{"ModelPackageGroupName":"g","X":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const answer = await post("SageMaker.CreateModelPackageGroup", deep);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("nests deeper than 64 levels");
    const query = await fetch(sandbox.current.url, {
      method: "POST",
      body: `Action=GetCallerIdentity&Version=2011-06-15&${"a.".repeat(100_000)}b=1`,
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `AWS4-HMAC-SHA256 Credential=${SANDBOX_CREDENTIALS.accessKeyId}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0` },
    });
    expect(query.status).toBe(400);
    // Nesting within the limit is accepted; the log keeps it cut to its own depth.
    const nested = JSON.stringify({ ModelPackageGroupName: "nested", Extra: JSON.parse(`${"[".repeat(60)}1${"]".repeat(60)}`) });
    expect((await post("SageMaker.CreateModelPackageGroup", nested)).status).toBe(200);
    const logged = await requestLog();
    expect(logged.map((e) => [e.operation, e.mutating, e.status])).toEqual([
      ["CreateModelPackageGroup", true, 400],
      ["GetCallerIdentity", false, 400],
      ["CreateModelPackageGroup", true, 200],
    ]);
    expect(JSON.stringify(logged[2]!.input)).toContain("nested deeper than the log keeps");
    expect((await new STSClient(sdkConfig(sandbox.current)).send(new GetCallerIdentityCommand({}))).Account).toBe("000000000000");
    // A parameter named __proto__ is a member, not Object.prototype.
    await fetch(sandbox.current.url, {
      method: "POST",
      body: "Action=GetCallerIdentity&Version=2011-06-15&__proto__.polluted=yes",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `AWS4-HMAC-SHA256 Credential=${SANDBOX_CREDENTIALS.accessKeyId}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0` },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps any input within its limits, without recursion", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(JSON.stringify(boundedCopy(deep))).toContain("nested deeper than the log keeps");
    const wide = boundedCopy({ list: Array.from({ length: 5000 }, (_, i) => i), text: "x".repeat(10_000), __proto__: 1 } as never) as { list: unknown[]; text: string };
    expect(wide.list).toHaveLength(LOG_INPUT_LIMITS.entries + 1);
    expect(wide.text).toMatch(/^x{8192}…\[1808 more characters\]$/);
  });
});

describe("the clock cannot be sent where it would spin", () => {
  it.each([
    [{ scale: 1e308 }, /time scale must be a positive number, at most 1000000/],
    [{ scale: "fast" }, /time scale/],
    [{ scale: 0 }, /time scale/],
    [{ advanceMs: 1e300 }, /advanceMs must be a number of milliseconds from 0 to 31622400000/],
    [{ advanceMs: -1 }, /advanceMs/],
    [{ advanceMs: "5" }, /advanceMs/],
    [{ scale: 2, advanceMs: Infinity }, /advanceMs/],
  ])("PUT /_mlops/clock %j is refused with a 400 and changes nothing", async (body, message) => {
    const before = { scale: sandbox.current.clock.scale, time: sandbox.current.clock.now() };
    const answer = await fetch(`${sandbox.current.url}/_mlops/clock`, { method: "PUT", body: JSON.stringify(body), headers: control });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(message);
    expect(sandbox.current.clock.scale).toBe(before.scale);
    expect(sandbox.current.clock.now() - before.time).toBeLessThan(5_000);
    expect((await fetch(`${sandbox.current.url}/_mlops/health`)).status).toBe(200);
  });
});

describe("state files the sandbox cannot use are refused, named, and left as they are", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-hardening-"));
  const home = { "000000000000": { account: {}, regions: { "us-east-1": {} as Record<string, unknown> } } };
  it.each([
    ["not JSON", "{oops", /is not valid JSON/],
    ["another version", JSON.stringify({ version: 3, clock: 0 }), /version 3/],
    ["a clock past 9999", JSON.stringify({ version: 2, clock: 1e300, accounts: {} }), /clock 1e\+300/],
    ["an endpoint that is a number", JSON.stringify({ version: 2, clock: 0, accounts: { ...home, "000000000000": { account: {}, regions: { "us-east-1": { sagemaker: { endpoints: { churn: 5 } } } } } } }), /sagemaker\.endpoints\["churn"\] is number, not object/],
    ["records that are a list", JSON.stringify({ version: 1, clock: 0, services: { cloudwatch: { alarms: [] } } }), /cloudwatch\.alarms is array, not object/],
    ["buckets that are a string", JSON.stringify({ version: 2, clock: 0, accounts: { "000000000000": { account: { s3: { buckets: "x" } }, regions: {} } } }), /s3\.buckets is string, not object/],
    ["a region that is not one", JSON.stringify({ version: 2, clock: 0, accounts: { "000000000000": { account: {}, regions: { moon: {} } } } }), /"moon" is not a region name/],
  ])("%s", async (name, text, message) => {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(file, text);
    const started = startSandbox({ port: 0, stateFile: file });
    await expect(started).rejects.toThrow(file);
    await expect(started).rejects.toThrow(message);
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});

/**
 * Names that are also Object.prototype's members. Each must be an ordinary name: not found
 * before it is made, made normally, found after. (`__proto__` breaks SageMaker's and S3's
 * name patterns, so it is refused by validation there; bucket names are lower case.)
 */
const NAMES = ["toString", "constructor", "hasOwnProperty", "valueOf", "__proto__"];
const smName = NAMES.filter((n) => /^[a-zA-Z0-9]+$/.test(n));
type Kind = { kind: string; names: string[]; missing(name: string): Promise<unknown>; make(name: string): Promise<unknown>; found(name: string): Promise<unknown> };
const KINDS: Kind[] = [
  {
    kind: "model",
    names: smName,
    missing: (n) => sm().send(new DescribeModelCommand({ ModelName: n })),
    make: (n) => sm().send(new CreateModelCommand({ ModelName: n, PrimaryContainer: { Image: IMAGE } })),
    found: async (n) => (await sm().send(new DescribeModelCommand({ ModelName: n }))).ModelName,
  },
  {
    kind: "endpoint config",
    names: smName,
    missing: (n) => sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: n })),
    make: async (n) => {
      await sm().send(new CreateModelCommand({ ModelName: n, PrimaryContainer: { Image: IMAGE } }));
      await sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: n, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: n, InstanceType: "ml.m5.large", InitialInstanceCount: 1 }] }));
    },
    found: async (n) => (await sm().send(new DescribeEndpointConfigCommand({ EndpointConfigName: n }))).EndpointConfigName,
  },
  {
    kind: "endpoint",
    names: smName,
    missing: (n) => sm().send(new DescribeEndpointCommand({ EndpointName: n })),
    make: async (n) => {
      await sm().send(new CreateModelCommand({ ModelName: n, PrimaryContainer: { Image: IMAGE } }));
      await sm().send(new CreateEndpointConfigCommand({ EndpointConfigName: n, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: n, InstanceType: "ml.m5.large", InitialInstanceCount: 1 }] }));
      await sm().send(new CreateEndpointCommand({ EndpointName: n, EndpointConfigName: n, Tags: [{ Key: "__proto__", Value: "tag" }] }));
    },
    found: async (n) => {
      const ep = await sm().send(new DescribeEndpointCommand({ EndpointName: n }));
      expect((await sm().send(new ListTagsCommand({ ResourceArn: ep.EndpointArn }))).Tags).toEqual([{ Key: "__proto__", Value: "tag" }]);
      return ep.EndpointName;
    },
  },
  {
    kind: "model package group",
    names: smName,
    missing: (n) => sm().send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: n })),
    make: (n) => sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: n })),
    found: async (n) => (await sm().send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: n }))).ModelPackageGroupName,
  },
  {
    kind: "bucket",
    names: ["constructor"],
    missing: (n) => s3().send(new HeadBucketCommand({ Bucket: n })),
    make: (n) => s3().send(new CreateBucketCommand({ Bucket: n })),
    found: async (n) => (await s3().send(new HeadBucketCommand({ Bucket: n })), n),
  },
  {
    kind: "key",
    names: NAMES,
    missing: async (n) => {
      await s3().send(new CreateBucketCommand({ Bucket: "keys" }));
      return s3().send(new GetObjectCommand({ Bucket: "keys", Key: n }));
    },
    make: (n) => s3().send(new PutObjectCommand({ Bucket: "keys", Key: n, Body: `body of ${n}` })),
    found: async (n) => {
      expect((await s3().send(new ListObjectsV2Command({ Bucket: "keys" }))).Contents?.map((o) => o.Key)).toEqual([n]);
      return (await (await s3().send(new GetObjectCommand({ Bucket: "keys", Key: n }))).Body!.transformToString()).replace("body of ", "");
    },
  },
  {
    kind: "alarm",
    names: NAMES,
    missing: async (n) => {
      expect((await cw().send(new DescribeAlarmsCommand({ AlarmNames: [n] }))).MetricAlarms).toEqual([]);
      return cw().send(new SetAlarmStateCommand({ AlarmName: n, StateValue: "ALARM", StateReason: "test" }));
    },
    make: (n) => cw().send(new PutMetricAlarmCommand({ AlarmName: n, MetricName: "m", Namespace: "ns", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold" })),
    found: async (n) => {
      const name = (await cw().send(new DescribeAlarmsCommand({ AlarmNames: [n] }))).MetricAlarms?.[0]?.AlarmName;
      await cw().send(new DeleteAlarmsCommand({ AlarmNames: [n] }));
      return name;
    },
  },
];

describe("names that Object.prototype also has are ordinary names", () => {
  const cases = KINDS.flatMap((k) => k.names.map((name) => [k.kind, name, k] as const));
  it.each(cases)("%s %s: not found, then made, then found", async (_kind, name, k) => {
    await expect(k.missing(name)).rejects.toMatchObject({ name: expect.stringMatching(/ValidationException|NotFound|NoSuchKey|ResourceNotFound/) });
    await k.make(name);
    expect(await k.found(name)).toBe(name);
  });

  it("__proto__ as a SageMaker name breaks its pattern, and as a tag key is a tag", async () => {
    await expect(sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "__proto__" }))).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("regular expression pattern") });
    const { ModelPackageGroupArn } = await sm().send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "tagged" }));
    await sm().send(new AddTagsCommand({ ResourceArn: ModelPackageGroupArn, Tags: NAMES.map((Key) => ({ Key, Value: Key })) }));
    expect((await sm().send(new ListTagsCommand({ ResourceArn: ModelPackageGroupArn }))).Tags).toEqual(NAMES.map((Key) => ({ Key, Value: Key })));
  });
});
