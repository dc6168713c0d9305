import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemaFiles, OUTPUT_SCHEMAS, type OutputName } from "../../src/schemas/index";
import { ROOT } from "../helpers/cli";
import { expectSchema, validatorFor } from "../helpers/schemas";

const DIR = join(ROOT, "docs/schemas");

describe("docs/schemas: the published JSON Schema of every --json output", () => {
  it("are exactly what src/schemas generates (run `npm run schemas` after changing an output)", () => {
    const generated = jsonSchemaFiles();
    const committed = readdirSync(DIR).filter((f) => f.endsWith(".schema.json"));
    expect(committed.sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated)) expect(readFileSync(join(DIR, name), "utf8"), `docs/schemas/${name} is stale: run npm run schemas`).toBe(text);
  });

  it("cover every command with a --json output, and the error document", () => {
    expect(Object.keys(OUTPUT_SCHEMAS).sort()).toEqual(
      ["abort", "completion", "demo", "deploy", "doctor", "endpoint-advise", "error", "init", "models-approve", "models-list", "models-reject", "models-show", "pipeline-list", "pipeline-start", "pipeline-status", "pipeline-stop", "pipeline-upsert", "promote", "register", "release-approve", "release-reject", "release-start", "release-status", "rollback", "sandbox-start", "status", "trigger-add", "trigger-list", "trigger-policy", "trigger-remove", "trigger-test"].sort(),
    );
  });

  it.each(Object.keys(OUTPUT_SCHEMAS) as OutputName[])("%s: compiles as JSON Schema 2020-12 in strict mode, and accepts the error document", (name) => {
    expect(() => validatorFor(name)).not.toThrow();
    expect(() => expectSchema(name, { error: { name: "usage", exitCode: 2, message: "bad" } })).not.toThrow();
  });
});

describe("the schemas hold the outputs to their shape", () => {
  const report = {
    endpoint: "churn",
    outcome: "deployed",
    strategy: "canary",
    engine: "traffic",
    endpointConfig: "churn-abc",
    previousEndpointConfig: "churn-old",
    alarms: [{ name: "a", state: "OK" }, { name: "b", state: null }],
    failureReason: null,
    rollbackReactionSeconds: null,
    durationSeconds: 12.5,
    firedAlarm: null,
    firedAlarmAt: null,
    modelPackageArn: null,
    rolloutId: "r1",
    notes: [{ level: "warning", message: "no alarms" }],
  };

  it("accept a deploy report, and refuse an unknown or missing key, a string note, an unknown alarm state or error name", () => {
    expect(() => expectSchema("deploy", report)).not.toThrow();
    expect(() => expectSchema("deploy", { ...report, extra: 1 })).toThrow(/additional/);
    const { rolloutId: _, ...missing } = report;
    expect(() => expectSchema("deploy", missing)).toThrow(/rolloutId/);
    expect(() => expectSchema("deploy", { ...report, notes: ["note: no alarms"] })).toThrow(/notes\/0/);
    expect(() => expectSchema("deploy", { ...report, alarms: [{ name: "a", state: "unknown" }] })).toThrow(/alarms\/0\/state/);
    expect(() => expectSchema("error", { error: { name: "UsageError", exitCode: 2, message: "x" } })).toThrow(/name/);
  });

  it("keep each command's own outcomes: declined only for rollback, dry-run only for deploy (with its plan)", () => {
    expect(() => expectSchema("rollback", { ...report, outcome: "declined", command: "rollback" })).not.toThrow();
    expect(() => expectSchema("deploy", { ...report, outcome: "declined" })).toThrow();
    expect(() => expectSchema("rollback", { ...report, outcome: "deployed" })).toThrow(/command/);
    const settings = { type: "realtime", instanceType: "ml.m5.large", instanceCount: 1, memoryMb: 2048, maxConcurrency: 10, asyncConcurrency: null, strategy: "canary", engine: null, canaryPercent: 10, linearStep: 20, bakeSeconds: 300, finalBakeSeconds: 300, maxErrorRate: 0.01, maxLatencyMs: 1000, pollSeconds: 15, timeoutSeconds: 3600, keepOld: false, roleArn: null };
    expect(() => expectSchema("deploy", { ...report, outcome: "dry-run", plan: [{ operation: "sagemaker:CreateModel", detail: "…" }], expectedSeconds: 60, settings })).not.toThrow();
    expect(() => expectSchema("deploy", { ...report, outcome: "dry-run", plan: [], expectedSeconds: 60 })).toThrow(/settings/);
    expect(() => expectSchema("deploy", { ...report, outcome: "dry-run" })).toThrow();
    expect(() => expectSchema("promote", { endpoint: "churn", command: "promote", acceptedBy: "the process driving the rollout" })).not.toThrow();
  });

  it("check times as ISO 8601", () => {
    expect(() => expectSchema("deploy", { ...report, outcome: "rolled-back", firedAlarm: "a", firedAlarmAt: "2026-11-30T01:18:06.998Z" })).not.toThrow();
    expect(() => expectSchema("deploy", { ...report, firedAlarmAt: "yesterday" })).toThrow(/firedAlarmAt/);
  });
});
