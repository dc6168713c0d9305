import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, symlinkSync, truncateSync, writeFileSync, chmodSync, readFileSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

/**
 * Bad input, by kind, from every way a value arrives (flags, MLOPS_* variables, mlops.yaml):
 * each exits 2, names the field, and makes no mutating AWS call.
 */
const sandbox = useSandbox();
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
const MODEL = "s3://models/m.tar.gz";
const ROLE = "arn:aws:iam::000000000000:role/r";
const DEPLOY = ["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, "--role-arn", ROLE];
const REGISTER = ["register", "--group", "churn", "--image", IMAGE, "--model-data", MODEL];
const ADVISE = ["endpoint", "advise", "--traffic", "steady", "--payload-mb", "1", "--processing-seconds", "0.1", "--requests-per-day", "1000", "--no-gpu", "--memory-gb", "2", "--image-gb", "2"];

interface Case {
  args: string[];
  env?: Record<string, string>;
  /** mlops.yaml's text, in the command's working directory. */
  yaml?: string;
  /** Further files in the working directory. */
  files?: Record<string, string>;
  message: RegExp;
}

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const ALIAS_BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");

const CASES: Record<string, Case> = {
  // (a) values that would find JavaScript's own properties
  "register --approval constructor": { args: [...REGISTER, "--approval", "constructor"], message: /--approval "constructor" must be one of: pending, approved, rejected/ },
  "register --approval __proto__": { args: [...REGISTER, "--approval", "__proto__"], message: /--approval "__proto__" must be one of/ },
  "register --approval toString": { args: [...REGISTER, "--approval", "toString"], message: /--approval "toString" must be one of/ },
  "models list --status constructor": { args: ["models", "list", "--group", "churn", "--status", "constructor"], message: /--status "constructor" must be one of/ },
  "models list --status hasOwnProperty": { args: ["models", "list", "--group", "churn", "--status", "hasOwnProperty"], message: /--status "hasOwnProperty" must be one of/ },
  "deploy --strategy constructor": { args: [...DEPLOY, "--strategy", "constructor"], message: /--strategy "constructor" must be one of/ },
  "deploy --type __proto__": { args: [...DEPLOY, "--type", "__proto__"], message: /--type "__proto__" must be one of/ },
  "deploy --engine toString": { args: [...DEPLOY, "--engine", "toString"], message: /--engine "toString" must be one of/ },
  "advise --traffic constructor": { args: [...ADVISE.filter((a) => a !== "steady" && a !== "--traffic"), "--traffic", "constructor"], message: /--traffic "constructor" must be one of/ },
  // (b) numbers that are not finite, or not decimal
  "deploy --max-latency-ms 1e306": { args: [...DEPLOY, "--max-latency-ms", "1e306"], message: /--max-latency-ms must be at most 3600000/ },
  "deploy --max-latency-ms 1e999": { args: [...DEPLOY, "--max-latency-ms", "1e999"], message: /--max-latency-ms is too large a number/ },
  "deploy --canary-percent Infinity": { args: [...DEPLOY, "--canary-percent", "Infinity"], message: /--canary-percent must be a number \(got "Infinity"\)/ },
  "deploy --canary-percent 0x10": { args: [...DEPLOY, "--canary-percent", "0x10"], message: /--canary-percent must be a number \(got "0x10"\)/ },
  "deploy --instance-count 1e1": { args: [...DEPLOY, "--instance-count", "1e1"], message: /--instance-count must be a whole number \(got "1e1"\)/ },
  "deploy --instance-count 0x2": { args: [...DEPLOY, "--instance-count", "0x2"], message: /--instance-count must be a whole number/ },
  "deploy --poll 1e999": { args: [...DEPLOY, "--poll", "1e999"], message: /--poll is too large a number/ },
  "deploy --bake of 25 digits": { args: [...DEPLOY, "--bake", "9".repeat(25)], message: /--bake "9+" is too long a duration/ },
  "deploy --max-error-rate -0.1": { args: [...DEPLOY, "--max-error-rate", "-0.1"], message: /--max-error-rate must be between 0 and 1/ },
  "register --require loss<=1e999": { args: [...REGISTER, "--metrics", "m.json", "--require", "loss<=1e999"], files: { "m.json": '{"loss": 0.1}' }, message: /--require "loss<=1e999": 1e999 is too large a threshold/ },
  "models list --limit 0x10": { args: ["models", "list", "--group", "churn", "--limit", "0x10"], message: /--limit must be a whole number/ },
  "models list --limit 1e3": { args: ["models", "list", "--group", "churn", "--limit", "1e3"], message: /--limit must be a whole number/ },
  "advise --payload-mb 1e999": { args: [...ADVISE.filter((a, i, all) => a !== "--payload-mb" && all[i - 1] !== "--payload-mb"), "--payload-mb", "1e999"], message: /--payload-mb is too large a number/ },
  "advise --memory-gb NaN": { args: [...ADVISE.filter((a, i, all) => a !== "--memory-gb" && all[i - 1] !== "--memory-gb"), "--memory-gb", "NaN"], message: /--memory-gb must be a number/ },
  "deploy --poll 0.0001": { args: [...DEPLOY, "--poll", "0.0001"], message: /--poll must be between 1 and 3600/ },
  "deploy --timeout 9999h": { args: [...DEPLOY, "--timeout", "9999h"], message: /--timeout 35996400: must be between 1 s and 604800 s/ },
  "models list --limit of 20 digits": { args: ["models", "list", "--group", "churn", "--limit", "99999999999999999999"], message: /--limit is too large a number/ },
  // (c) MLOPS_* variables get the checks of their flags
  "MLOPS_POLL_SECONDS=0 deploy": { args: DEPLOY, env: { MLOPS_POLL_SECONDS: "0" }, message: /MLOPS_POLL_SECONDS must be between 1 and 3600/ },
  "MLOPS_POLL_SECONDS=5e-324 status": { args: ["status", "--endpoint", "churn"], env: { MLOPS_POLL_SECONDS: "5e-324" }, message: /MLOPS_POLL_SECONDS must be between 1 and 3600/ },
  "MLOPS_POLL_SECONDS=abc status": { args: ["status", "--endpoint", "churn"], env: { MLOPS_POLL_SECONDS: "abc" }, message: /MLOPS_POLL_SECONDS must be a number/ },
  "MLOPS_POLL_SECONDS=100000 abort": { args: ["abort", "--endpoint", "churn"], env: { MLOPS_POLL_SECONDS: "100000" }, message: /MLOPS_POLL_SECONDS must be between 1 and 3600/ },
  "MLOPS_TIMEOUT=soon deploy": { args: DEPLOY, env: { MLOPS_TIMEOUT: "soon" }, message: /MLOPS_TIMEOUT "soon" is not a duration/ },
  "MLOPS_STRATEGY=yolo deploy": { args: DEPLOY, env: { MLOPS_STRATEGY: "yolo" }, message: /MLOPS_STRATEGY "yolo" must be one of/ },
  "MLOPS_STRATEGY=constructor deploy": { args: DEPLOY, env: { MLOPS_STRATEGY: "constructor" }, message: /MLOPS_STRATEGY "constructor" must be one of/ },
  "MLOPS_ENDPOINT=bad_name status": { args: ["status"], env: { MLOPS_ENDPOINT: "bad_name" }, message: /MLOPS_ENDPOINT "bad_name" must be letters, digits and inner hyphens/ },
  "MLOPS_ENDPOINT=bad_name rollback": { args: ["rollback", "--yes"], env: { MLOPS_ENDPOINT: "bad_name" }, message: /MLOPS_ENDPOINT "bad_name" must be letters/ },
  "MLOPS_ENDPOINT=bad_name deploy": { args: DEPLOY.filter((a) => a !== "--endpoint" && a !== "churn"), env: { MLOPS_ENDPOINT: "bad_name" }, message: /MLOPS_ENDPOINT "bad_name" must be letters/ },
  "MLOPS_REGION=mars status": { args: ["status", "--endpoint", "churn"], env: { MLOPS_REGION: "mars" }, message: /MLOPS_REGION: must be an AWS region/ },
  // (c) mlops.yaml holds the same rules
  "mlops.yaml deploy.canaryPercent: 100": { args: DEPLOY, yaml: "deploy:\n  canaryPercent: 100\n", message: /deploy\.canaryPercent/ },
  "mlops.yaml deploy.poll: 100000": { args: DEPLOY, yaml: "deploy:\n  poll: 100000\n", message: /deploy\.poll/ },
  "mlops.yaml deploy.maxLatencyMs: 1e306": { args: DEPLOY, yaml: "deploy:\n  maxLatencyMs: 1e306\n", message: /deploy\.maxLatencyMs/ },
  "mlops.yaml deploy.bake: 100000": { args: DEPLOY, yaml: "deploy:\n  bake: 100000\n", message: /deploy\.bake/ },
  "mlops.yaml deploy.bake: 25h": { args: DEPLOY, yaml: "deploy:\n  bake: 25h\n", message: /mlops\.yaml deploy\.bake 90000: at most 86400 s/ },
  "mlops.yaml endpoint.instanceCount: 0": { args: DEPLOY, yaml: "endpoint:\n  instanceCount: 0\n", message: /endpoint\.instanceCount/ },
  "mlops.yaml deploy.strategy: constructor": { args: DEPLOY, yaml: "deploy:\n  strategy: constructor\n", message: /deploy\.strategy/ },
  "mlops.yaml endpoint.name: bad_name": { args: ["status"], yaml: "endpoint:\n  name: bad_name\n", message: /endpoint\.name/ },
  "mlops.yaml deploy.maxErrorRate: 2": { args: DEPLOY, yaml: "deploy:\n  maxErrorRate: 2\n", message: /deploy\.maxErrorRate/ },
  "mlops.yaml deploy.timeout: soon": { args: DEPLOY, yaml: "deploy:\n  timeout: soon\n", message: /deploy\.timeout/ },
  "mlops.yaml deploy.poll: 0.00001": { args: DEPLOY, yaml: "deploy:\n  poll: 0.00001\n", message: /deploy\.poll/ },
  "mlops.yaml deploy.poll: 0 for status": { args: ["status", "--endpoint", "churn"], yaml: "deploy:\n  poll: 0\n", message: /deploy\.poll/ },
  // (d) hostile files
  "mlops.yaml alias bomb": { args: ["status", "--endpoint", "churn"], yaml: ALIAS_BOMB, message: /mlops\.yaml: cannot be read as configuration: .*alias/i },
  "metrics nested 2000 levels": { args: [...REGISTER, "--metrics", "deep.json", "--require", "loss<=1"], files: { "deep.json": nested(2000) }, message: /--metrics: deep\.json nests deeper than 32 levels/ },
  // (e) empty, repeated and control characters
  'deploy --alarm ""': { args: [...DEPLOY, "--alarm", ""], message: /--alarm must name a CloudWatch alarm/ },
  "deploy --endpoint given twice": { args: [...DEPLOY, "--endpoint", "other"], message: /--endpoint was given 2 different values \("churn", "other"\); give it once/ },
  "register --group given twice": { args: [...REGISTER, "--group=fraud"], message: /--group was given 2 different values/ },
  '--region ""': { args: ["--region", "", "status", "--endpoint", "churn"], message: /--region is empty: give a value, or leave the flag out/ },
  '--endpoint-url ""': { args: ["--endpoint-url", "", "status", "--endpoint", "churn"], message: /--endpoint-url is empty/ },
  "deploy --env A=b --env A=c": { args: [...DEPLOY, "--env", "A=b", "--env", "A=c"], message: /--env A was given twice with different values \("b", "c"\); give it once/ },
  "register --meta team=a --meta team=b": { args: [...REGISTER, "--meta", "team=a", "--meta", "team=b"], message: /--meta team was given twice with different values/ },
  "--region given twice": { args: ["--region", "us-east-1", "status", "--endpoint", "churn", "--region", "eu-west-1"], message: /--region was given 2 different values/ },
};

function workdir(c: Case): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-bad-"));
  if (c.yaml !== undefined) writeFileSync(join(dir, "mlops.yaml"), c.yaml);
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
  return dir;
}

async function expectRefused(args: string[], options: { cwd: string; env?: Record<string, string> }, message: RegExp): Promise<string> {
  const seq = sandbox.current.requestLog.lastSeq;
  const r = await runCli(args, { cwd: options.cwd, env: cleanEnv({ ...sandbox.current.env(), ...options.env }) });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  return r.stderr;
}

describe("bad input of every kind, from flags, MLOPS_* and mlops.yaml: exit 2, the field named, nothing changed", () => {
  it.each(Object.entries(CASES))("%s", async (_name, c) => {
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    await expectRefused(c.args, { cwd: workdir(c), env: c.env }, c.message);
  });

  it("refuses huge files by their size before reading them: metrics (local and S3) and mlops.yaml", async () => {
    const dir = workdir({ args: [], message: /x/ });
    writeFileSync(join(dir, "huge.json"), "");
    truncateSync(join(dir, "huge.json"), 9 * 1024 * 1024);
    await expectRefused([...REGISTER, "--metrics", "huge.json", "--require", "loss<=1"], { cwd: dir }, /--metrics: huge\.json is 9437184 bytes; a metrics file is at most 8388608 bytes/);
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "huge.json", Body: Buffer.alloc(9 * 1024 * 1024, 0x20) }));
    await expectRefused([...REGISTER, "--metrics", "s3://models/huge.json", "--require", "loss<=1"], { cwd: dir }, /--metrics: s3:\/\/models\/huge\.json is 9437184 bytes; at most 8388608 are read/);
    writeFileSync(join(dir, "mlops.yaml"), "");
    truncateSync(join(dir, "mlops.yaml"), 2 * 1024 * 1024);
    await expectRefused(["status", "--endpoint", "churn"], { cwd: dir }, /mlops\.yaml is 2097152 bytes; an mlops\.yaml is at most 1048576 bytes/);
  });

  it("shows control characters in an error escaped, never raw", async () => {
    const stderr = await expectRefused(["status", "--endpoint", "bad\u001b[31mred"], { cwd: workdir({ args: [], message: /x/ }) }, /--endpoint "bad\\u001b\[31mred" must be letters/);
    expect(stderr).not.toContain("\u001b");
  });

  it("advise --save refuses a dangling mlops.yaml symlink and a read-only mlops.yaml, and leaves both as they were", async () => {
    const dangling = workdir({ args: [], message: /x/ });
    symlinkSync(join(dangling, "gone.yaml"), join(dangling, "mlops.yaml"));
    await expectRefused([...ADVISE, "--save"], { cwd: dangling }, /mlops\.yaml is a symbolic link to .*gone\.yaml, which does not exist/);
    expect(lstatSync(join(dangling, "mlops.yaml")).isSymbolicLink()).toBe(true);
    const readOnly = workdir({ args: [], message: /x/, yaml: "region: us-east-1\n" });
    chmodSync(join(readOnly, "mlops.yaml"), 0o444);
    await expectRefused([...ADVISE, "--save"], { cwd: readOnly }, /mlops\.yaml is read-only/);
    expect(readFileSync(join(readOnly, "mlops.yaml"), "utf8")).toBe("region: us-east-1\n");
  });
});
