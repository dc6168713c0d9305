import { describe, expect, it } from "vitest";
import type { MlopsConfig } from "../../src/config/schema";
import { resolveDeploySettings, type DeployFlags } from "../../src/core/deploy-settings";

/**
 * Where each deploy setting comes from: a flag wins over an MLOPS_* variable, which wins over
 * mlops.yaml, which wins over the default; each bad value is refused naming its source and rule.
 * Limits: instance count 1–100, serverless memory 1024–6144 MB in 1024 MB steps and concurrency
 * 1–200 (aws-facts.md, botocore ProductionVariantServerlessConfig), async concurrency 1–1000,
 * at most 10 alarms of at most 255 characters (DeploymentConfig AutoRollbackConfiguration.Alarms,
 * AlarmName), bakes at most 24 h, timeouts 1 s to 7 days.
 */
const flags = (over: Partial<DeployFlags> = {}): DeployFlags => ({ env: [], alarm: [], ...over });
const resolve = (over: Partial<DeployFlags> = {}, config: MlopsConfig = {}, env: Record<string, string> = {}) => resolveDeploySettings(flags(over), env, config);

const DEFAULTS = {
  endpoint: undefined,
  source: undefined,
  environment: {},
  roleArn: undefined,
  type: undefined,
  instanceType: "ml.m5.large",
  instanceCount: 1,
  memoryMb: 2048,
  maxConcurrency: 10,
  asyncOutput: undefined,
  asyncConcurrency: undefined,
  strategy: "canary",
  engine: undefined,
  canaryPercent: 10,
  linearStep: 20,
  bake: 300,
  finalBake: 300,
  alarms: [],
  autoAlarms: false,
  maxErrorRate: 0.01,
  maxLatencyMs: 1000,
  pause: false,
  timeoutSeconds: undefined,
  wait: true,
  dryRun: false,
  keepOld: false,
  pollSeconds: 15,
  given: { instanceType: false, instanceCount: false, memoryMb: false, maxConcurrency: false, asyncOutput: false, asyncConcurrency: false, strategy: false },
};

const ROLE = "arn:aws:iam::123456789012:role/sm-exec";

describe("nothing given: every default, and nothing marked as given", () => {
  it("is pinned whole", () => {
    expect(resolve()).toEqual(DEFAULTS);
  });
});

describe("everything from mlops.yaml", () => {
  it("is pinned whole, each capacity setting marked as given", () => {
    const config: MlopsConfig = {
      endpoint: { name: "churn", type: "async", instanceType: "ml.c5.xlarge", instanceCount: 3, memoryMb: 4096, maxConcurrency: 50, asyncOutput: "s3://out/churn/", asyncMaxConcurrentInvocations: 8, roleArn: ROLE },
      deploy: { strategy: "linear", engine: "traffic", canaryPercent: 5, linearStep: 25, bake: 60, finalBake: "2m", alarms: ["a", "b"], autoAlarms: true, maxErrorRate: 0.05, maxLatencyMs: 250, timeout: "1h", poll: 30, keepOld: true },
    };
    expect(resolve({}, config)).toEqual({
      ...DEFAULTS,
      endpoint: "churn",
      type: "async",
      roleArn: ROLE,
      instanceType: "ml.c5.xlarge",
      instanceCount: 3,
      memoryMb: 4096,
      maxConcurrency: 50,
      asyncOutput: { bucket: "out", key: "churn/" },
      asyncConcurrency: 8,
      strategy: "linear",
      engine: "traffic",
      canaryPercent: 5,
      linearStep: 25,
      bake: 60,
      finalBake: 120,
      alarms: ["a", "b"],
      autoAlarms: true,
      maxErrorRate: 0.05,
      maxLatencyMs: 250,
      timeoutSeconds: 3600,
      keepOld: true,
      pollSeconds: 30,
      given: { instanceType: true, instanceCount: true, memoryMb: true, maxConcurrency: true, asyncOutput: true, asyncConcurrency: true, strategy: true },
    });
  });
});

describe("everything from flags, over mlops.yaml", () => {
  it("is pinned whole: the flags win", () => {
    const config: MlopsConfig = {
      endpoint: { name: "churn", type: "async", instanceType: "ml.c5.xlarge", instanceCount: 3, memoryMb: 4096, maxConcurrency: 50, asyncOutput: "s3://out/churn/", asyncMaxConcurrentInvocations: 8, roleArn: ROLE },
      deploy: { strategy: "linear", engine: "traffic", canaryPercent: 5, linearStep: 25, bake: 60, finalBake: 60, alarms: ["a"], autoAlarms: true, maxErrorRate: 0.05, maxLatencyMs: 250, timeout: 60, poll: 30, keepOld: true },
    };
    const given: Partial<DeployFlags> = {
      endpoint: "fraud",
      modelPackage: "fraud/3",
      env: ["A=1"],
      roleArn: "arn:aws-cn:iam::210987654321:role/other",
      type: "serverless",
      instanceType: "ml.m5.xlarge",
      instanceCount: "2",
      memoryMb: "3072",
      maxConcurrency: "20",
      asyncOutput: "s3://flag-out/x/",
      asyncConcurrency: "4",
      strategy: "blue-green",
      canaryPercent: "15",
      linearStep: "50",
      bake: "90s",
      finalBake: "10m",
      alarm: ["mine", "mine", "theirs"],
      autoAlarms: false,
      maxErrorRate: "0.2",
      maxLatencyMs: "500",
      engine: "guardrails",
      pause: true,
      timeout: "2h",
      wait: false,
      dryRun: true,
      keepOld: false,
      poll: "5",
    };
    expect(resolve(given, config)).toEqual({
      ...DEFAULTS,
      endpoint: "fraud",
      source: { kind: "package", ref: { kind: "version", group: "fraud", version: 3 }, text: "fraud/3" },
      environment: { A: "1" },
      roleArn: "arn:aws-cn:iam::210987654321:role/other",
      type: "serverless",
      instanceType: "ml.m5.xlarge",
      instanceCount: 2,
      memoryMb: 3072,
      maxConcurrency: 20,
      asyncOutput: { bucket: "flag-out", key: "x/" },
      asyncConcurrency: 4,
      strategy: "blue-green",
      engine: "guardrails",
      canaryPercent: 15,
      linearStep: 50,
      bake: 90,
      finalBake: 600,
      // repeated names count once
      alarms: ["mine", "theirs"],
      autoAlarms: false,
      maxErrorRate: 0.2,
      maxLatencyMs: 500,
      pause: true,
      timeoutSeconds: 7200,
      wait: false,
      dryRun: true,
      keepOld: false,
      pollSeconds: 5,
      given: { instanceType: true, instanceCount: true, memoryMb: true, maxConcurrency: true, asyncOutput: true, asyncConcurrency: true, strategy: true },
    });
  });
});

describe("MLOPS_* variables: between flags and mlops.yaml", () => {
  it.each([
    ["MLOPS_ENDPOINT", "from-env", { endpoint: { name: "from-file" } }, { endpoint: "from-env" }],
    ["MLOPS_STRATEGY", "all-at-once", { deploy: { strategy: "linear" } }, { strategy: "all-at-once" }],
    ["MLOPS_TIMEOUT", "30m", { deploy: { timeout: "1h" } }, { timeoutSeconds: 1800 }],
    ["MLOPS_POLL_SECONDS", "2", { deploy: { poll: 30 } }, { pollSeconds: 2 }],
  ] as const)("%s=%s beats mlops.yaml", (name, value, config, expected) => {
    expect(resolve({}, config as MlopsConfig, { [name]: value })).toMatchObject(expected);
  });
});

describe("the model to deploy", () => {
  it("an image and its artifact", () => {
    expect(resolve({ image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4", modelData: "s3://models/m.tar.gz" }).source).toEqual({
      kind: "image",
      image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4",
      modelData: { bucket: "models", key: "m.tar.gz" },
    });
  });

  it.each([
    [{ modelPackage: "churn/1", image: "a.io/x:1" }, "--model-package cannot be combined with --image or --model-data: deploy a registered version, or an image and artifact"],
    [{ modelPackage: "churn/1", modelData: "s3://m/k" }, "--model-package cannot be combined with --image or --model-data: deploy a registered version, or an image and artifact"],
    [{ modelData: "s3://m/k" }, "--model-data needs --image"],
    [{ image: "a.io/x:1" }, "--image needs --model-data"],
  ])("%j is refused", (over, message) => {
    expect(() => resolve(over)).toThrow(message);
  });
});

describe("each value checked, naming its source", () => {
  it.each([
    [{ type: "batch" }, {}, '--type "batch" must be one of: realtime, serverless, async'],
    [{}, { endpoint: { type: 7 } }, 'mlops.yaml endpoint.type "7" must be one of: realtime, serverless, async'],
    [{ engine: "fast" }, {}, '--engine "fast" must be one of: guardrails, traffic'],
    [{}, { deploy: { engine: "fast" } }, 'mlops.yaml deploy.engine "fast" must be one of: guardrails, traffic'],
    [{}, { endpoint: { name: "bad name" } }, "mlops.yaml endpoint.name"],
    [{ roleArn: "arn:aws:iam::123:role/x" }, {}, '--role-arn "arn:aws:iam::123:role/x" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)'],
    [{ roleArn: `x${ROLE}` }, {}, `--role-arn "x${ROLE}" is not an IAM role ARN`],
    [{ roleArn: `${ROLE} ` }, {}, `--role-arn "${ROLE} " is not an IAM role ARN`],
    [{ roleArn: "arn:aws:iam::abcdefghijkl:role/x" }, {}, "is not an IAM role ARN"],
    [{ roleArn: "arn:aws:iam::123456789012:role/" }, {}, "is not an IAM role ARN"],
    [{ roleArn: "arn:aws:iam::123456789012:role/a b" }, {}, "is not an IAM role ARN"],
    [{ roleArn: "arn:aws0:iam::123456789012:role/x" }, {}, "is not an IAM role ARN"],
    [{}, { endpoint: { roleArn: "arn:aws:iam::123456789012:user/x" } }, 'mlops.yaml endpoint.roleArn "arn:aws:iam::123456789012:user/x" is not an IAM role ARN'],
    [{ instanceType: "m5.large" }, {}, "--instance-type"],
    [{}, { endpoint: { instanceType: "m5.large" } }, "mlops.yaml endpoint.instanceType"],
    [{ instanceCount: "101" }, {}, "--instance-count must be between 1 and 100 (got 101)"],
    [{ instanceCount: "0" }, {}, "--instance-count must be between 1 and 100 (got 0)"],
    [{}, { endpoint: { instanceCount: 0 } }, "mlops.yaml endpoint.instanceCount must be between 1 and 100 (got 0)"],
    [{ memoryMb: "1000" }, {}, "--memory-mb must be between 1024 and 6144 (got 1000)"],
    [{ memoryMb: "7168" }, {}, "--memory-mb must be between 1024 and 6144 (got 7168)"],
    [{ memoryMb: "1536" }, {}, "--memory-mb 1536: serverless memory comes in 1024 MB steps (1024, 2048, … 6144)"],
    [{}, { endpoint: { memoryMb: 1536 } }, "mlops.yaml endpoint.memoryMb 1536: serverless memory comes in 1024 MB steps"],
    [{ maxConcurrency: "201" }, {}, "--max-concurrency must be between 1 and 200 (got 201)"],
    [{}, { endpoint: { maxConcurrency: 0 } }, "mlops.yaml endpoint.maxConcurrency must be between 1 and 200 (got 0)"],
    [{ asyncOutput: "out/x" }, {}, '--async-output "out/x" must be an S3 location'],
    [{}, { endpoint: { asyncOutput: "out/x" } }, 'mlops.yaml endpoint.asyncOutput "out/x" must be an S3 location'],
    [{ asyncConcurrency: "1001" }, {}, "--async-concurrency must be between 1 and 1000 (got 1001)"],
    [{}, { endpoint: { asyncMaxConcurrentInvocations: 0 } }, "mlops.yaml endpoint.asyncMaxConcurrentInvocations must be between 1 and 1000 (got 0)"],
    [{ canaryPercent: "100" }, {}, "--canary-percent must be at most 99 (got 100)"],
    [{ canaryPercent: "0" }, {}, "--canary-percent must be greater than 0 (got 0)"],
    [{}, { deploy: { canaryPercent: 0 } }, "mlops.yaml deploy.canaryPercent must be greater than 0 (got 0)"],
    [{}, { deploy: { canaryPercent: true } }, 'mlops.yaml deploy.canaryPercent must be a number (got "true")'],
    [{ linearStep: "101" }, {}, "--linear-step must be at most 100 (got 101)"],
    [{}, { deploy: { linearStep: 0 } }, "mlops.yaml deploy.linearStep must be greater than 0 (got 0)"],
    [{ bake: "25h" }, {}, "--bake 90000: at most 86400 s (24 h)"],
    [{}, { deploy: { bake: 86_401 } }, "mlops.yaml deploy.bake 86401: at most 86400 s (24 h)"],
    [{}, { deploy: { bake: -1 } }, "mlops.yaml deploy.bake must be at least 0 (got -1)"],
    [{ finalBake: "86401" }, {}, "--final-bake 86401: at most 86400 s (24 h)"],
    [{}, { deploy: { finalBake: "2 days" } }, 'mlops.yaml deploy.finalBake "2 days" is not a duration'],
    [{ autoAlarms: "maybe" as unknown as boolean }, {}, '--auto-alarms "maybe" must be true or false'],
    [{}, { deploy: { autoAlarms: 1 } }, "mlops.yaml deploy.autoAlarms 1 must be true or false"],
    [{ maxErrorRate: "1.5" }, {}, "--max-error-rate must be between 0 and 1 (got 1.5)"],
    [{}, { deploy: { maxErrorRate: 2 } }, "mlops.yaml deploy.maxErrorRate must be between 0 and 1 (got 2)"],
    [{ maxLatencyMs: "0" }, {}, "--max-latency-ms must be greater than 0 (got 0)"],
    [{}, { deploy: { maxLatencyMs: 3_600_001 } }, "mlops.yaml deploy.maxLatencyMs must be at most 3600000 (got 3600001)"],
    [{ timeout: "0" }, {}, "--timeout 0: must be between 1 s and 604800 s (7 days)"],
    [{ timeout: "8d" }, {}, "--timeout 691200: must be between 1 s and 604800 s (7 days)"],
    [{}, { deploy: { timeout: 0 } }, "mlops.yaml deploy.timeout 0: must be between 1 s and 604800 s (7 days)"],
    [{ keepOld: "perhaps" as unknown as boolean }, {}, '--keep-old "perhaps" must be true or false'],
    [{}, { deploy: { keepOld: "perhaps" } }, 'mlops.yaml deploy.keepOld "perhaps" must be true or false'],
    [{ poll: "0.5" }, {}, "--poll must be between 1 and 3600 (got 0.5)"],
    [{}, { deploy: { poll: 3601 } }, "mlops.yaml deploy.poll must be between 1 and 3600 (got 3601)"],
  ])("%j %j → %s", (over, config, message) => {
    expect(() => resolve(over as Partial<DeployFlags>, config as MlopsConfig)).toThrow(message);
  });
});

describe("boundaries that are allowed", () => {
  it.each([
    [{ instanceCount: "100" }, {}, { instanceCount: 100 }],
    [{ memoryMb: "1024" }, {}, { memoryMb: 1024 }],
    [{ memoryMb: "6144" }, {}, { memoryMb: 6144 }],
    [{ maxConcurrency: "200" }, {}, { maxConcurrency: 200 }],
    [{ asyncConcurrency: "1000" }, {}, { asyncConcurrency: 1000 }],
    [{ canaryPercent: "99" }, {}, { canaryPercent: 99 }],
    [{ linearStep: "99", strategy: "linear" }, {}, { linearStep: 99, strategy: "linear" }],
    [{ linearStep: "100" }, {}, { linearStep: 100, strategy: "canary" }],
    [{ bake: "24h", finalBake: "0" }, {}, { bake: 86_400, finalBake: 0 }],
    [{}, { deploy: { bake: 0, finalBake: 86_400 } }, { bake: 0, finalBake: 86_400 }],
    [{ timeout: "1" }, {}, { timeoutSeconds: 1 }],
    [{ timeout: "7d" }, {}, { timeoutSeconds: 604_800 }],
    [{ maxErrorRate: "0" }, {}, { maxErrorRate: 0 }],
    [{}, { deploy: { maxErrorRate: 0 } }, { maxErrorRate: 0 }],
    [{ maxLatencyMs: "3600000" }, {}, { maxLatencyMs: 3_600_000 }],
    [{ poll: "1" }, {}, { pollSeconds: 1 }],
    [{ poll: "3600" }, {}, { pollSeconds: 3600 }],
  ])("%j %j → %j", (over, config, expected) => {
    expect(resolve(over as Partial<DeployFlags>, config as MlopsConfig)).toMatchObject(expected);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["No", false],
  ])("--keep-old given as text %j is %s", (text, value) => {
    expect(resolve({ keepOld: text as unknown as boolean }).keepOld).toBe(value);
    expect(resolve({}, { deploy: { keepOld: text } } as unknown as MlopsConfig).keepOld).toBe(value);
  });

  it.each(["xtrue", "truex", "nope", "0n"])("%j is neither true nor false", (text) => {
    expect(() => resolve({ keepOld: text as unknown as boolean })).toThrow(`--keep-old "${text}" must be true or false`);
  });

  it("a linear rollout needs a step below 100", () => {
    expect(() => resolve({ strategy: "linear", linearStep: "100" })).toThrow("--linear-step must be below 100 for a linear rollout (100 is all at once)");
    expect(() => resolve({}, { deploy: { strategy: "linear", linearStep: 100 } })).toThrow("--linear-step must be below 100 for a linear rollout");
  });

  it("a mlops.yaml memory of 0 is refused, not taken for the default", () => {
    expect(() => resolve({}, { endpoint: { memoryMb: 0 } } as MlopsConfig)).toThrow("mlops.yaml endpoint.memoryMb must be between 1024 and 6144 (got 0)");
  });
});

describe("alarms", () => {
  it("--alarm replaces mlops.yaml's list; without it, mlops.yaml's list", () => {
    expect(resolve({ alarm: ["x"] }, { deploy: { alarms: ["a", "b"] } }).alarms).toEqual(["x"]);
    expect(resolve({}, { deploy: { alarms: ["a", "b"] } }).alarms).toEqual(["a", "b"]);
  });

  it("10 alarms are allowed, 11 are not", () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `alarm-${i}`);
    expect(resolve({ alarm: names(10) }).alarms).toEqual(names(10));
    expect(() => resolve({ alarm: names(11) })).toThrow("--alarm: 11 alarms; a deployment takes at most 10");
  });

  it("a blank name, or one longer than 255 characters, is refused; 255 is allowed", () => {
    expect(() => resolve({ alarm: ["  "] })).toThrow("--alarm must name a CloudWatch alarm (got an empty name)");
    expect(() => resolve({ alarm: [""] })).toThrow("--alarm must name a CloudWatch alarm (got an empty name)");
    expect(resolve({ alarm: ["a".repeat(255)] }).alarms).toEqual(["a".repeat(255)]);
    expect(() => resolve({ alarm: [`${"b".repeat(20)}${"a".repeat(236)}`] })).toThrow(`--alarm "${"b".repeat(20)}…" is longer than 255 characters`);
  });
});
