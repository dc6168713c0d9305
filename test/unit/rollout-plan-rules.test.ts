import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chooseEngine, deploymentConfig, derivedName, derivedPrefix, expectedSeconds, fingerprint, guardrailProblem, guardrailSteps, shortBakeWarning, strategyOf, type RolloutSettings } from "../../src/core/rollout-plan";

/**
 * Rollout rules as SageMaker states them (aws-facts.md; botocore sagemaker DeploymentConfig):
 * canary 1–50 % and linear 10–50 % in whole percents (CapacitySize), rolling batches 5–50 %,
 * WaitIntervalInSeconds and TerminationWaitInSeconds 0–3600, MaximumExecutionTimeoutInSeconds
 * 600–28800. Expected values are computed by hand from those rules and mlops's allowances
 * (1200 s to launch, 180 s a step).
 */
const base: RolloutSettings = { strategy: "canary", canaryPercent: 10, linearStep: 20, bake: 300, finalBake: 120, alarms: [] };
const sha8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

describe("guardrailProblem: what SageMaker's guardrails refuse", () => {
  it.each([
    [{ canaryPercent: 10.5 }, 20, "--canary-percent 10.5: SageMaker sizes a canary in whole percents"],
    [{ strategy: "linear", canaryPercent: 10.5 }, 10, undefined],
    [{ strategy: "linear", linearStep: 20.5 }, 10, "--linear-step 20.5: SageMaker sizes steps in whole percents"],
    [{ strategy: "rolling", linearStep: 20.5 }, 10, "--linear-step 20.5: SageMaker sizes steps in whole percents"],
    [{ linearStep: 20.5 }, 20, undefined],
    [{ strategy: "linear", linearStep: 50 }, 10, undefined],
    [{ strategy: "linear", linearStep: 51 }, 10, "--linear-step 51: SageMaker's linear steps are 10–50 % of the fleet"],
    [{ strategy: "linear", linearStep: 10 }, 11, undefined],
    // 20 % of 2 instances rounds up to 1 instance, half the fleet: allowed; of 1 instance, all of it.
    [{ strategy: "linear", linearStep: 20 }, 2, undefined],
    [{ strategy: "linear", linearStep: 20 }, 1, "a 20 % step of 1 instance(s) is 1 instance(s), outside 10–50 % of the fleet; use more instances"],
    [{ strategy: "rolling", linearStep: 4 }, 10, "--linear-step 4: a rolling batch is 5–50 % of the fleet"],
    [{ strategy: "rolling", linearStep: 5 }, 10, undefined],
    [{ strategy: "rolling", linearStep: 50 }, 10, undefined],
    [{ strategy: "rolling", linearStep: 51 }, 10, "--linear-step 51: a rolling batch is 5–50 % of the fleet"],
    [{ linearStep: 4 }, 20, undefined],
    [{ bake: 3600, finalBake: 3600 }, 20, undefined],
    [{ bake: 3601 }, 20, "--bake 3601: SageMaker waits at most 3600 s between steps"],
    [{ finalBake: 3601 }, 20, "--final-bake 3601: SageMaker waits at most 3600 s before terminating the old fleet"],
  ] as const)("%j on %d instances → %s", (over, instances, problem) => {
    expect(guardrailProblem({ ...base, ...over }, instances)).toBe(problem);
  });
});

describe("chooseEngine", () => {
  const choose = (over: Partial<Parameters<typeof chooseEngine>[0]> = {}, settings: Partial<RolloutSettings> = {}) =>
    chooseEngine({ type: "realtime", pause: false, variantCount: 1, instanceCount: 20, settings: { ...base, ...settings }, ...over });
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return { message: (e as Error).message, hint: (e as { hint?: string }).hint };
    }
    throw new Error("no refusal");
  };

  it("--engine guardrails on serverless is refused as serverless, whatever instance type is passed along", () => {
    expect(refusal(() => choose({ type: "serverless", requested: "guardrails", instanceType: "ml.inf1.xlarge" }))).toEqual({
      message: "--engine guardrails: SageMaker's deployment guardrails do not support serverless endpoints",
      hint: "leave out --engine: mlops updates serverless endpoints all at once and rolls back on alarms during a watch window",
    });
  });

  it("Inf1 with guardrails asked for: refused with a hint", () => {
    expect(refusal(() => choose({ requested: "guardrails", instanceType: "ml.inf1.xlarge" }))).toEqual({
      message: "--engine guardrails: on Inf1 instances (ml.inf1.xlarge) SageMaker's guardrails fall back to all at once with no bake",
      hint: "leave out --engine (and use canary, linear or blue-green): mlops's traffic engine shifts and watches the traffic itself",
    });
  });

  it("--pause on serverless, and rolling on several variants, are refused", () => {
    expect(() => choose({ type: "serverless", pause: true })).toThrow("--pause: a serverless endpoint holds one variant, so there is no step to pause at");
    expect(() => choose({ variantCount: 2 }, { strategy: "rolling" })).toThrow("--strategy rolling: SageMaker does not roll endpoints with more than one production variant");
  });

  it("--engine guardrails with --pause, or with a strategy SageMaker refuses: the hint says what to do", () => {
    expect(refusal(() => choose({ requested: "guardrails", pause: true }))).toEqual({ message: "--pause needs the traffic engine: SageMaker's guardrails cannot stop at a step", hint: "leave out --engine, or drop --pause" });
    expect(refusal(() => choose({ requested: "guardrails", variantCount: 2 }))).toEqual({ message: "--engine guardrails: the endpoint has more than one production variant; use the traffic engine", hint: undefined });
    expect(refusal(() => choose({ requested: "guardrails" }, { canaryPercent: 60 }))).toEqual({
      message: "--canary-percent 60: SageMaker's canary is at most 50 % of the fleet",
      hint: "adjust the strategy, or use --engine traffic, which shifts weights between variants and works with one instance",
    });
  });

  it("an engine asked for and possible is used, with no note", () => {
    expect(choose({ requested: "guardrails" })).toEqual({ mode: "guardrails", engine: "guardrails" });
    expect(choose({ requested: "traffic" })).toEqual({ mode: "traffic", engine: "traffic" });
  });

  it.each([
    [{ strategy: "rolling", linearStep: 4 }, "--linear-step 4: a rolling batch is 5–50 % of the fleet"],
    [{ bake: 3601 }, "--bake 3601: SageMaker waits at most 3600 s between steps"],
    [{ finalBake: 3601 }, "--final-bake 3601: SageMaker waits at most 3600 s before terminating the old fleet"],
  ] as const)("%j: no engine can run it, refused", (settings, message) => {
    expect(() => choose({}, settings)).toThrow(message);
  });

  it("a canary too big for a small fleet, with bakes of exactly an hour: the traffic engine, with a note", () => {
    expect(choose({ instanceCount: 1 }, { bake: 3600, finalBake: 3600 })).toEqual({
      mode: "traffic",
      engine: "traffic",
      note: "a 10 % canary of 1 instance(s) is 1 instance(s), more than half the fleet; SageMaker needs at least 2 instances for a canary; mlops shifts traffic between variants itself instead",
    });
  });
});

describe("DeploymentConfig: the all-at-once and no-alarm branches, whole", () => {
  it("all at once without alarms: nothing to watch, so no termination wait and no rollback alarms", () => {
    // 1200 launch + 1 step × 180 + 0 waits = 1380 s
    expect(deploymentConfig({ ...base, strategy: "all-at-once" })).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: 0, MaximumExecutionTimeoutInSeconds: 1380 },
    });
  });

  it("all at once with alarms: watched for the final bake", () => {
    // 1200 + 180 + 120 = 1500 s
    expect(deploymentConfig({ ...base, strategy: "all-at-once", alarms: ["a"] })).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: 120, MaximumExecutionTimeoutInSeconds: 1500 },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: "a" }] },
    });
  });

  it("a canary without alarms still waits the final bake before terminating the old fleet", () => {
    // 1200 + 2 × 180 + 300 + 120 = 1980 s
    expect(deploymentConfig(base)).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 }, WaitIntervalInSeconds: 300 }, TerminationWaitInSeconds: 120, MaximumExecutionTimeoutInSeconds: 1980 },
    });
  });

  it("waits adding up to exactly SageMaker's 28800 s are allowed; one more second is not", () => {
    // 1200 + 2 × 180 + 13620 + 13620 = 28800
    expect(deploymentConfig({ ...base, bake: 13_620, finalBake: 13_620 }).BlueGreenUpdatePolicy!.MaximumExecutionTimeoutInSeconds).toBe(28_800);
    expect(() => deploymentConfig({ ...base, bake: 13_620, finalBake: 13_621 })).toThrow(
      expect.objectContaining({ message: "the rollout's waits add up to 28801 s, more than SageMaker's limit of 28800 s for one deployment", hint: "shorten --bake/--final-bake or use fewer steps" }),
    );
  });
});

describe("strategyOf a missing or partial DeploymentConfig", () => {
  it.each([
    [undefined, "all-at-once"],
    [{}, "all-at-once"],
    [{ BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: 0, MaximumExecutionTimeoutInSeconds: 600 } }, "all-at-once"],
  ] as const)("%j → %s", (dc, strategy) => {
    expect(strategyOf(dc)).toBe(strategy);
  });
});

describe("guardrailSteps and expectedSeconds", () => {
  it("all at once and blue/green step as the traffic engine does", () => {
    expect(guardrailSteps({ ...base, strategy: "all-at-once", alarms: ["a"] }, 4)).toEqual([{ weight: 100, bake: 120 }]);
    expect(guardrailSteps({ ...base, strategy: "blue-green" }, 4)).toEqual([{ weight: 100, bake: 420 }]);
  });

  it.each([
    // traffic: 2 updates × 480 + 5 steps (20,40,60,80,100) × 60 + 4 × 300 + 120 = 960 + 300 + 1320
    ["traffic", { strategy: "linear" }, 2, 2580],
    // guardrails rolling 25 % of 4: batches of 1 → 3 steps + last, each baked 300; 4 × 480 + 4 × 60 + 1200
    ["guardrails", { strategy: "rolling", linearStep: 25 }, 4, 3360],
    // serverless: one update (480) + canary bakes 300 + 120
    ["serverless", {}, 1, 900],
  ] as const)("%s %j on %d instance(s): %d s", (mode, settings, instances, seconds) => {
    expect(expectedSeconds(mode, { ...base, ...settings }, instances)).toBe(seconds);
  });
});

describe("shortBakeWarning: steps watched for less than the alarms need (240 s)", () => {
  const warning = (what: string) => `${what} watched for less than 4 min (--bake/--final-bake); CloudWatch metrics arrive 1–3 min late, so an alarm may not fire before the step ends`;
  it.each<[Partial<RolloutSettings>, string | undefined]>([
    [{ bake: 60 }, undefined],
    // base's final bake is 120 s: both steps are short
    [{ bake: 60, alarms: ["a"] }, warning("2 steps are")],
    [{ bake: 240, finalBake: 240, alarms: ["a"] }, undefined],
    [{ bake: 239, finalBake: 240, alarms: ["a"] }, warning("a step is")],
    [{ strategy: "linear", linearStep: 25, bake: 60, finalBake: 60, alarms: ["a"] }, warning("4 steps are")],
  ])("%j → %s", (settings, expected) => {
    expect(shortBakeWarning({ ...base, ...settings })).toBe(expected);
  });
});

describe("names: a fingerprint of canonical JSON, within SageMaker's 63 characters", () => {
  it("the fingerprint is sha256 of the JSON with keys sorted and undefined left out, arrays kept in order", () => {
    expect(fingerprint({ b: 2, a: 1, c: undefined })).toBe(sha8('{"a":1,"b":2}'));
    expect(fingerprint([2, 1])).toBe(sha8("[2,1]"));
    expect(fingerprint({ x: [{ b: 1, a: "s" }] })).toBe(sha8('{"x":[{"a":"s","b":1}]}'));
  });

  it("a 63-character endpoint is cut so that the name is 63 characters, with or without the mix tag", () => {
    const endpoint = "e".repeat(63);
    expect(derivedPrefix(endpoint)).toBe(`${"e".repeat(54)}-`);
    expect(derivedPrefix(endpoint, "mix")).toBe(`${"e".repeat(50)}-mix-`);
    expect(derivedName(endpoint, {}, "mix")).toHaveLength(63);
  });

  it("hyphens left at the cut are all dropped", () => {
    expect(derivedPrefix(`${"e".repeat(52)}---x`)).toBe(`${"e".repeat(52)}-`);
  });
});
