import { describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";

describe("mlops demo", () => {
  it("tells the whole story on an in-process sandbox in well under a minute, with no AWS settings", async () => {
    const r = await runCli(["demo", "--json"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.durationMs).toBeLessThan(60_000);
    const story = parseJson("demo", r.stdout);
    expect(story).toMatchObject({ story: "deploy", ok: true });
    expect(story.steps.map((s: { outcome: string }) => s.outcome)).toEqual(["registered", "created", "deployed", "rolled-back"]);
    expect(story.steps[3].detail.join(" ")).toMatch(/alarm mlops-demo-churn-r\w+-5xx-rate fired; traffic was back on v2/);
    // Measured from the sandbox's metrics: a 10 % canary, so some traffic but never more than 10 %.
    expect(story.badVersionMaxPercent).toBeGreaterThan(0);
    expect(story.badVersionMaxPercent).toBeLessThanOrEqual(10);
    const [, served, total] = /v3 served (\d+) of (\d+) requests/.exec(story.steps[3].detail.join(" "))!;
    expect(Number(served)).toBeGreaterThan(0);
    expect(Number(served) / Number(total)).toBeLessThan(0.1);
    expect(r.stderr).toContain("▸ mlops deploy --endpoint demo-churn --model-package demo-churn@latest-approved --strategy canary --engine traffic --auto-alarms");
  });

  it("prints a readable story without --json", async () => {
    const r = await runCli(["demo", "--time-scale", "1000"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^What happened\n1\. register v1–v3 behind the gate accuracy>=0\.9, and approve them: registered/);
    expect(r.stdout).toMatch(/4\. canary to v3 .*: rolled back, as it should/);
    const claim = /of AWS time in \d+\.\d s\. The bad version never took more than ([\d.]+) % of the traffic\.$/m.exec(r.stdout);
    expect(claim, r.stdout).not.toBeNull();
    expect(Number(claim![1])).toBeLessThanOrEqual(10);
  });
});

describe("mlops demo --story release", () => {
  const TITLES = [
    /^upsert the SageMaker pipeline: Processing → Training → Evaluation → Condition → RegisterModel \| Fail$/,
    /^run it: evaluation\.json says accuracy 0\.93, the condition wants ≥ 0\.9, so it registers a model$/,
    /^wire the release: a trigger starts CodePipeline demo-churn-release when a model in demo-churn is approved$/,
    /^approve the new model version: the trigger starts the release$/,
    /^DeployStaging \(buildspec-deploy\.yml\): the approved version to demo-churn-staging/,
    /^the release runs Source → Build → DeployStaging, then waits at its manual approval$/,
    /^approve the release: it moves on to Production$/,
    /^DeployProduction \(buildspec-deploy\.yml\): the same version to demo-churn-prod$/,
  ];

  it("runs the project mlops init writes: its pipeline registers a model, the approval starts the release through a trigger, staging, approval, production, in well under a minute", async () => {
    const r = await runCli(["demo", "--story", "release", "--json"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.durationMs).toBeLessThan(60_000);
    const story = parseJson("demo", r.stdout);
    expect(story).toMatchObject({ story: "release", ok: true, timeScale: 200 });
    expect(story.steps).toHaveLength(TITLES.length);
    story.steps.forEach((step: { title: string }, i: number) => expect(step.title).toMatch(TITLES[i]!));
    expect(story.steps.map((s: { outcome: string }) => s.outcome)).toEqual(["created", "succeeded", "created", "approved", "created", "waiting", "succeeded", "created"]);
    // The template's condition passed on the evaluation.json in S3: RegisterModel ran, MetricBelowThreshold did not.
    const [, run, wired, approved, staging, waiting, released, production] = story.steps;
    expect(run.detail[0]).toMatch(/^Preprocess Succeeded .*Train Succeeded .*Evaluate Succeeded .*CheckMetric Succeeded .*RegisterModel Succeeded/);
    expect(run.detail[0]).not.toContain("MetricBelowThreshold");
    expect(story.modelPackageArn).toMatch(/^arn:aws:sagemaker:us-east-1:000000000000:model-package\/demo-churn\/1$/);
    expect(run.detail[1]).toBe(`registered ${story.modelPackageArn}`);
    const rule = /^rule (mlops-model-approved-[0-9a-f]{10}): model package approved in group demo-churn → codepipeline:demo-churn-release$/.exec(wired.detail[0])?.[1];
    expect(rule, wired.detail[0]).toBeDefined();
    // As the registry reported it before the approval (the template registers PendingManualApproval);
    // the approval started the release through the rule: CodePipeline says so (CloudWatchEvent, the rule's ARN).
    expect(approved.detail).toEqual(["demo-churn/1: PendingManualApproval → Approved", `release execution ${story.releaseExecutionId} started by arn:aws:events:us-east-1:000000000000:rule/${rule}`]);
    expect(staging.detail).toEqual([expect.stringMatching(new RegExp(`^demo-churn-staging: demo-churn-staging-\\w+ serves ${story.modelPackageArn}$`))]);
    // The stages of the project's infra/pipeline.yaml.
    expect(waiting.detail[0]).toBe("Source Succeeded, Build Succeeded, DeployStaging Succeeded, Approval InProgress, DeployProduction not run");
    expect(waiting.detail[1]).toMatch(/^Approval\/ApproveProduction waits since \S+; it would fail at \S+ without an answer$/);
    expect(released.detail).toEqual(['Approval/ApproveProduction approved: "model demo-churn/1 approved, accuracy 0.93"', `execution ${story.releaseExecutionId} Succeeded`]);
    expect(production.detail).toEqual([expect.stringMatching(new RegExp(`^demo-churn-prod: demo-churn-prod-\\w+ serves ${story.modelPackageArn}$`))]);
    // Simulated time: Processing and Training take minutes of AWS time, in seconds of ours.
    expect(run.sandboxSeconds).toBeGreaterThan(500);
    // Each step ran as the mlops command it names.
    for (const command of [
      "▸ mlops pipeline upsert --file pipeline.json --name demo-churn-build",
      "▸ mlops pipeline start --name demo-churn-build --wait",
      "▸ mlops trigger add model-approved --group demo-churn --target codepipeline:demo-churn-release",
      "▸ mlops models approve demo-churn/1",
      "▸ mlops deploy --endpoint demo-churn-staging --model-package demo-churn@latest-approved --strategy canary --auto-alarms",
      "▸ mlops release status --pipeline demo-churn-release",
      "▸ mlops release approve --pipeline demo-churn-release",
      "▸ mlops deploy --endpoint demo-churn-prod --model-package demo-churn@latest-approved",
    ]) {
      expect(r.stderr).toContain(command);
    }
  });

  it("prints the release story readably without --json; an unknown story is exit 2", async () => {
    const r = await runCli(["demo", "--story", "release", "--time-scale", "1000"], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^What happened\n1\. upsert the SageMaker pipeline: .*: created {2}\S.* of AWS time in \d+\.\d s\n/);
    expect(r.stdout).toMatch(/\n6\. the release runs .*: waiting .*\n {3}Source Succeeded, Build Succeeded, DeployStaging Succeeded, Approval InProgress, DeployProduction not run\n/);
    expect(r.stdout).toMatch(/\n7\. approve the release: it moves on to Production: succeeded /);
    expect(r.stdout).toMatch(/of AWS time in \d+\.\d s\. The project mlops init writes, run end to end: a pipeline run registered demo-churn\/1; approving it started the release through a trigger; it went to staging, and a second approval let it reach production\.\n?$/);

    const bad = await runCli(["demo", "--story", "rollout"], { env: cleanEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--story "rollout": it is one of deploy, release');
  });
});
