import { formatDuration } from "../../src/core/duration";
import { ListTagsCommand } from "@aws-sdk/client-sagemaker";
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli, runInTerminal, spawnCli } from "../helpers/cli";
import { bakes, IMAGE, MODEL, ROLE, useDeployFixture } from "../helpers/deploy";
import { sdkConfig } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

// mlops deploy: waiting, concurrency and interruption, the report, rollback's question, validation.
const { sandbox, sm, env, deploy, endpoint, serving } = useDeployFixture();

describe("mlops deploy: waiting, concurrency, interruption", () => {
  it("deploying what already serves is a no-op, exit 0", async () => {
    const config = await serving();
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await deploy(["--json"]);
    expect(r.code).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "no-change", endpointConfig: config });
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });

  it("times out with exit 5 and says how to follow the update", async () => {
    await serving();
    const r = await deploy(["--env", "V=2", "--strategy", "blue-green", "--engine", "guardrails", "--bake", "3600", "--timeout", "5m", "--json"]);
    expect(r.code).toBe(5);
    const doc = parseJson("deploy", r.stdout);
    expect(doc).toMatchObject({ outcome: "timed-out" });
    expect(r.stderr).toContain("mlops status --endpoint churn --watch");
    // stdout and stderr give the same duration.
    expect(r.stderr).toContain(`timed out after ${formatDuration(doc.durationSeconds)} waiting for churn (--timeout 5m)`);
  });

  it("refuses a deploy while the endpoint is updating", async () => {
    await serving();
    const started = await deploy(["--env", "V=2", "--strategy", "blue-green", "--engine", "guardrails", "--bake", "3600", "--no-wait", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    expect(parseJson("deploy", started.stdout)).toMatchObject({ outcome: "started" });
    const second = await deploy(["--env", "V=3"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("endpoint churn is Updating: another update is in progress, so this deploy is refused");
  });

  it("Ctrl-C during a traffic rollout puts the new variant at weight 0 before exiting 130", async () => {
    const old = await serving();
    const run = spawnCli(["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, "--env", "V=2", "--engine", "traffic", "--bake", "3600"], { env: env() });
    await run.waitFor("stderr", /baking · 10% on the new version/, 30_000);
    run.child.kill("SIGINT");
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    expect(run.output.stderr).toContain("interrupted: all traffic is back on the old version");
    const live = await endpoint();
    const newVariant = live.ProductionVariants?.find((v) => v.VariantName?.startsWith("mlops-"));
    if (newVariant) expect(newVariant).toMatchObject({ CurrentWeight: 0, DesiredWeight: 0 });
    else expect(live.EndpointConfigName).toBe(old);
    const tags = (await sm().send(new ListTagsCommand({ ResourceArn: live.EndpointArn }))).Tags!;
    expect(tags).toContainEqual({ Key: "mlops:rollout:phase", Value: "interrupted" });
  });

  it("Ctrl-C during a guardrails rollout says SageMaker carries on and how to watch it", async () => {
    await serving(["--instance-count", "2"]);
    const run = spawnCli(["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, "--env", "V=2", "--engine", "guardrails", "--instance-count", "2", "--canary-percent", "50", "--bake", "3600"], { env: env() });
    await run.waitFor("stderr", /baking · 50% on the new version/, 30_000);
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(130);
    expect(run.output.stderr).toContain("interrupted: SageMaker goes on with the deployment (and still rolls back on its alarms)");
    expect(run.output.stderr).toContain("mlops status --endpoint churn --watch");
    expect((await endpoint()).EndpointStatus).toBe("Updating");
  });

  it("status --watch follows a guardrails rollout from another shell to its end, exit 3 when it rolled back", async () => {
    const old = await serving(["--instance-count", "2"]);
    const started = await deploy(["--env", "V=2", "--auto-alarms", "--engine", "guardrails", "--instance-count", "2", "--canary-percent", "50", "--bake", "3600", "--no-wait"]);
    expect(started.code, started.stderr).toBe(0);
    const watch = spawnCli(["status", "--endpoint", "churn", "--watch", "--json"], { env: env() });
    await watch.waitFor("stderr", /baking · 50% on the new version/, 30_000);
    // The watch is under way: an abort from a third shell rolls the deployment back.
    const aborted = await runCli(["abort", "--endpoint", "churn", "--json"], { env: env() });
    expect(aborted.code, aborted.stderr).toBe(0);
    const watched = await watch.exited;
    expect(watched.code, watch.output.stderr).toBe(3);
    expect(parseJson("status", watch.output.stdout)).toMatchObject({ status: "InService", endpointConfig: old, deployment: null, rollout: { phase: "rolled-back", finished: true } });
  });

  it("status --watch on a guardrails rollout that succeeds: no stale 'updating · 0%' line, and its ending is booked as watched", async () => {
    await serving();
    // The longest final bake (1 hour; 7 s at this time scale) holds the update until the watch has seen it; then the clock jumps.
    const started = await deploy(["--env", "V=2", "--engine", "guardrails", "--strategy", "blue-green", "--no-wait", "--final-bake", "3600"]);
    expect(started.code, started.stderr).toBe(0);
    const spawned = spawnCli(["status", "--endpoint", "churn", "--watch"], { env: env() });
    await spawned.waitFor("stderr", /final bake · 100% on the new version/, 30_000);
    sandbox.current.clock.advance(3_600_000);
    const exited = await spawned.exited;
    const watch = { code: exited.code, stdout: spawned.output.stdout, stderr: spawned.output.stderr };
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stderr).not.toMatch(/updating · 0%/);
    expect(watch.stderr).toContain("ended during this watch");
    expect(watch.stderr).not.toContain("nobody watched");
    expect(watch.stdout).toMatch(/last\s+rollout \S+ \(blue\/green on the guardrails engine\) ended \d{4}-\d\d-\d\d \d\d:\d\d UTC: deployed churn-/);
  });

  it("--pause holds at the canary step; promote from another shell finishes it", async () => {
    // promote gives the driving process 180 s of sandbox time to take its command: at ×50 that is
    // 3.6 s of real time, which a busy machine cannot eat up as it could 0.36 s at ×500.
    sandbox.current.clock.setScale(50);
    try {
      await serving();
      const run = spawnCli(["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, "--env", "V=2", "--pause", ...bakes], { env: env() });
      await run.waitFor("stderr", /paused: waiting for `mlops promote`/, 30_000);
      const status = await runCli(["status", "--endpoint", "churn", "--json"], { env: env() });
      expect(parseJson("status", status.stdout).rollout).toMatchObject({ phase: "paused", weight: 10, driven: true });
      const promoted = await runCli(["promote", "--endpoint", "churn"], { env: env() });
      expect(promoted.code, promoted.stderr).toBe(0);
      expect((await run.exited).code).toBe(0);
      expect(run.output.stdout).toContain("deployed churn");
    } finally {
      sandbox.current.clock.setScale(500);
    }
    // The driver says it took the command before removing it: promote never sees it vanish unanswered.
    const log = sandbox.current.requestLog;
    const taken = log.entries({ operation: "AddTags" }).find((e) => JSON.stringify(e.input).includes("mlops:rollout:taken-commands"));
    const removed = log.entries({ operation: "DeleteTags" }).find((e) => (e.input as { TagKeys: string[] }).TagKeys.includes("mlops:rollout:command-id"));
    expect(taken && removed && taken.seq < removed.seq).toBe(true);
  });

  it("--no-wait on the traffic engine stops at the first step; abort from a later shell drives it back", async () => {
    const old = await serving();
    const started = await deploy(["--env", "V=2", "--engine", "traffic", "--no-wait", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    expect(parseJson("deploy", started.stdout)).toMatchObject({ outcome: "paused" });
    const aborted = await runCli(["abort", "--endpoint", "churn", "--json"], { env: env() });
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(parseJson("abort", aborted.stdout)).toMatchObject({ outcome: "rolled-back", endpointConfig: old, failureReason: "aborted by `mlops abort`" });
    expect((await endpoint()).EndpointConfigName).toBe(old);
  });

  it("abort during a guardrail deployment trips one of its alarms, and SageMaker rolls back", async () => {
    const old = await serving(["--instance-count", "2"]);
    const started = await deploy(["--env", "V=2", "--auto-alarms", "--engine", "guardrails", "--instance-count", "2", "--canary-percent", "50", "--bake", "3600", "--no-wait"]);
    expect(started.code, started.stderr).toBe(0);
    const promote = await runCli(["promote", "--endpoint", "churn"], { env: env() });
    expect(promote.code).toBe(2);
    expect(promote.stderr).toContain("cannot be promoted");
    const aborted = await runCli(["abort", "--endpoint", "churn", "--json"], { env: env() });
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(parseJson("abort", aborted.stdout)).toMatchObject({ outcome: "rolled-back", endpointConfig: old });
  });

  it("rollback goes back to the previous config; status shows it", async () => {
    const first = await serving();
    const second = parseJson("deploy", (await deploy(["--env", "V=2", "--strategy", "all-at-once", "--json"])).stdout).endpointConfig;
    const noYes = await runCli(["rollback", "--endpoint", "churn"], { env: env() });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain("--yes is required when not running interactively");
    const r = await runCli(["rollback", "--endpoint", "churn", "--yes", "--json"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("rollback", r.stdout)).toMatchObject({ outcome: "deployed", endpointConfig: first, previousEndpointConfig: second });
    const status = parseJson("status", (await runCli(["status", "--endpoint", "churn", "--json"], { env: env() })).stdout);
    expect(status).toMatchObject({ status: "InService", endpointConfig: first, previousEndpointConfig: second });
  });
});

describe("the report tells the truth about alarms and notes", () => {
  const STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"];

  it("alarms carry CloudWatch's state when they can be read: --no-wait and dry runs too; not yet created is null, never unknown", async () => {
    await serving(["--instance-count", "2"]);
    const cw = new CloudWatchClient(sdkConfig(sandbox.current));
    const dimensions = [{ Name: "EndpointName", Value: "churn" }, { Name: "VariantName", Value: "AllTraffic" }];
    await cw.send(new PutMetricAlarmCommand({ AlarmName: "team-errors", Namespace: "AWS/SageMaker", MetricName: "Invocation5XXErrors", Statistic: "Average", Dimensions: dimensions, Period: 60, EvaluationPeriods: 1, Threshold: 0.5, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching" }));
    const teamState = async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["team-errors"] }))).MetricAlarms![0]!.StateValue;
    const guardrails = ["--env", "V=2", "--engine", "guardrails", "--instance-count", "2", "--canary-percent", "50", "--bake", "3600"];

    const dry = parseJson("deploy", (await deploy([...guardrails, "--alarm", "team-errors", "--auto-alarms", "--dry-run", "--json"])).stdout);
    expect(dry.outcome).toBe("dry-run");
    expect(dry.alarms[0]).toEqual({ name: "team-errors", state: await teamState() });
    // The alarms the rollout would create do not exist yet: nothing to read.
    expect(dry.alarms.slice(1).map((a: { state: unknown }) => a.state)).toEqual([null, null, null]);

    const started = await deploy([...guardrails, "--auto-alarms", "--no-wait", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    const report = parseJson("deploy", started.stdout);
    expect(report.outcome).toBe("started");
    expect(report.alarms).toHaveLength(3);
    for (const alarm of report.alarms) expect(STATES).toContain(alarm.state);

    // status reads them too; when AWS throttles the read, they are listed as not read, not left out.
    const status = parseJson("status", (await runCli(["status", "--endpoint", "churn", "--json"], { env: env() })).stdout);
    expect(status.alarms.map((a: { name: string }) => a.name)).toEqual(report.alarms.map((a: { name: string }) => a.name));
    for (const alarm of status.alarms) expect(STATES).toContain(alarm.state);
    sandbox.current.faults.set([{ service: "cloudwatch", operation: "DescribeAlarms", throttle: 1 }]);
    const throttled = await runCli(["status", "--endpoint", "churn", "--json"], { env: env({ AWS_MAX_ATTEMPTS: "1" }) });
    sandbox.current.faults.clear();
    expect(throttled.code, throttled.stderr).toBe(0);
    expect(parseJson("status", throttled.stdout).alarms).toEqual(report.alarms.map((a: { name: string }) => ({ name: a.name, state: null })));
  });

  it("notes are {level, message} without prefixes in JSON, and read as before on stderr", async () => {
    // A strategy is put off to the next deploy only when one was asked for.
    const asked = parseJson("deploy", (await deploy(["--role-arn", ROLE, "--strategy", "linear", "--dry-run", "--json"])).stdout);
    expect(asked.notes).toContainEqual({ level: "info", message: "churn does not exist yet: it is created with this version; --strategy applies from the next deploy" });
    const created = await deploy(["--role-arn", ROLE, "--auto-alarms", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const createdDoc = parseJson("deploy", created.stdout);
    expect(createdDoc.notes).toEqual([
      { level: "info", message: "churn does not exist yet: it is created with this version" },
      { level: "info", message: "--auto-alarms apply from the next deploy: a new endpoint has no previous version to go back to" },
    ]);
    expect(created.stderr).toContain("note: churn does not exist yet: it is created with this version");

    const unguarded = await deploy(["--env", "V=2", "--strategy", "all-at-once", "--json"]);
    expect(unguarded.code, unguarded.stderr).toBe(0);
    const doc = parseJson("deploy", unguarded.stdout);
    expect(doc.notes).toContainEqual({ level: "warning", message: "no alarms (--alarm or --auto-alarms): nothing will roll this deployment back by itself" });
    for (const note of [...createdDoc.notes, ...doc.notes]) expect(note.message).not.toMatch(/^(note|warning):/);
    expect(unguarded.stderr).toContain("warning: no alarms (--alarm or --auto-alarms): nothing will roll this deployment back by itself");
    expect(unguarded.stderr).not.toMatch(/warning: warning:|note: note:/);
  });
});

describe("rollback asks on a terminal; declining is an outcome of its own", () => {
  it("answering no changes nothing, exits 7 and says so without error:; --json prints the declined report", async () => {
    const first = await serving();
    const second = parseJson("deploy", (await deploy(["--env", "V=2", "--strategy", "all-at-once", "--json"])).stdout).endpointConfig;
    const terminal = cleanEnv({ ...sandbox.current.env(), CI: undefined, MLOPS_POLL_SECONDS: "5" });
    /** rollback on a real terminal, the question answered with `key`: its exit code and screen. */
    const answered = async (key: string, args: string[] = []) => {
      const term = runInTerminal(["rollback", "--endpoint", "churn", ...args], { env: terminal });
      try {
        await term.waitFor(/all at once\?/);
        term.type(`${key}\r`);
        return { code: await term.exited, screen: term.text().replace(/\r/g, "") };
      } finally {
        term.kill();
      }
    };
    const seq = sandbox.current.requestLog.lastSeq;
    const no = await answered("n");
    expect(no.code).toBe(7);
    expect(no.screen).toContain(`Roll churn back from ${second} to ${first}, all at once?`);
    expect(no.screen).toContain(`rollback declined: churn stays on ${second}; nothing was changed`);
    expect(no.screen).not.toMatch(/error:/);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
    expect((await endpoint()).EndpointConfigName).toBe(second);

    // The same with --json: one document on stdout (pretty on a terminal), the report with outcome declined.
    const json = await answered("n", ["--json"]);
    expect(json.code).toBe(7);
    const doc = parseJson("rollback", json.screen.slice(json.screen.indexOf("\n{") + 1, json.screen.indexOf("\n}\n") + 2));
    expect(doc).toMatchObject({ outcome: "declined", command: "rollback", endpointConfig: second, previousEndpointConfig: null, notes: [{ level: "info", message: `the rollback to ${first} was declined: churn stays on ${second}` }] });
    expect(json.screen).not.toMatch(/error:/);

    // Answering yes goes back.
    expect((await answered("y")).code).toBe(0);
    expect((await endpoint()).EndpointConfigName).toBe(first);
  });
});

describe("mlops deploy: validation before any change", () => {
  it("--dry-run prints every call in order and the expected duration, changing nothing", async () => {
    await serving();
    const seq = sandbox.current.requestLog.lastSeq;
    const r = await deploy(["--env", "V=2", "--auto-alarms", "--dry-run", "--instance-count", "4", "--canary-percent", "25"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("Dry run: nothing was changed. mlops would call, in order:");
    // Private resources first, then the endpoint is taken, then the record; the ending's bookkeeping last.
    expect(lines.slice(1, 11).map((l) => l.trim().split(/\s+/)[1])).toEqual([
      "sagemaker:CreateModel",
      "sagemaker:CreateEndpointConfig",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:PutMetricAlarm",
      "sagemaker:UpdateEndpoint",
      "sagemaker:AddTags",
      "sagemaker:AddTags",
      "sagemaker:DeleteEndpointConfig",
      "cloudwatch:DeleteAlarms",
    ]);
    expect(lines[11]).toMatch(/^Expected to take about/);
    expect(r.stdout).toMatch(/DeploymentConfig=CANARY alarms=\[mlops-churn-(r\w+)-5xx-rate,mlops-churn-\1-model-latency,mlops-churn-\1-abort\]/);
    expect(r.stdout).toContain("mlops:previous-config=churn-");
    expect(r.stdout).toMatch(/Expected to take about \d+m/);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });

  const cases: Array<[string, string[], RegExp]> = [
    ["endpoint name", ["--endpoint", "bad_name"], /--endpoint "bad_name" must be letters/],
    ["image form", ["--image", "churn:latest"], /--image "churn:latest" is not an image URI/],
    ["both sources", ["--model-package", "churn/1"], /--model-package cannot be combined with --image or --model-data/],
    ["model-data not S3", ["--model-data", "model.tar.gz"], /--model-data "model.tar.gz" must be an S3 URI/],
    ["model data missing", ["--model-data", "s3://models/nope.tar.gz"], /--model-data: s3:\/\/models\/nope\.tar\.gz does not exist/],
    ["strategy", ["--strategy", "yolo"], /--strategy "yolo" must be one of/],
    ["engine", ["--engine", "magic"], /--engine "magic" must be one of: guardrails, traffic/],
    ["type", ["--type", "gpu"], /--type "gpu" must be one of: realtime, serverless, async/],
    ["canary over 50 on guardrails", ["--engine", "guardrails", "--canary-percent", "60", "--instance-count", "4"], /SageMaker's canary is at most 50 %/],
    ["linear step on guardrails", ["--engine", "guardrails", "--strategy", "linear", "--linear-step", "5", "--instance-count", "4"], /SageMaker's linear steps are 10–50 %/],
    ["bake over an hour on guardrails", ["--engine", "guardrails", "--strategy", "blue-green", "--bake", "2h"], /SageMaker waits at most 3600 s between steps/],
    ["bake duration", ["--bake", "soon"], /--bake "soon" is not a duration/],
    ["timeout duration", ["--timeout", "5 minutes"], /--timeout "5 minutes" is not a duration/],
    ["instance type", ["--instance-type", "ml.m5.huge"], /--instance-type "ml\.m5\.huge" is not an instance type SageMaker hosts/],
    ["instance count", ["--instance-count", "0"], /--instance-count must be between 1 and 100/],
    ["serverless memory", ["--memory-mb", "3000"], /--memory-mb 3000: serverless memory comes in 1024 MB steps/],
    ["max concurrency", ["--max-concurrency", "500"], /--max-concurrency must be between 1 and 200/],
    ["error rate", ["--max-error-rate", "2"], /--max-error-rate must be between 0 and 1/],
    ["too many alarms", Array.from({ length: 11 }, (_, i) => ["--alarm", `a${i}`]).flat(), /--alarm: 11 alarms; a deployment takes at most 10/],
    ["alarm that does not exist", ["--alarm", "nope"], /--alarm: no CloudWatch alarm named nope/],
    ["alarm already in ALARM", ["--alarm", "firing"], /--alarm: firing is in ALARM now/],
    ["env name", ["--env", "9X=1"], /--env "9X": names are letters, digits and _/],
    ["role arn", ["--role-arn", "admin"], /--role-arn "admin" is not an IAM role ARN/],
    ["async on a real-time endpoint", ["--type", "async"], /churn is a real-time endpoint, and SageMaker cannot add AsyncInferenceConfig/],
    ["async concurrency", ["--type", "async", "--async-output", "s3://models/out/", "--async-concurrency", "1001"], /--async-concurrency must be between 1 and 1000/],
    ["pause with guardrails", ["--engine", "guardrails", "--pause"], /--pause needs the traffic engine/],
  ];

  it.each(cases)("bad input (%s) exits 2 naming the field; nothing changes", async (_name, args, message) => {
    await serving();
    // An alarm with no data that counts missing data as breaching: in ALARM from its first evaluation on.
    const cw = new CloudWatchClient(sdkConfig(sandbox.current));
    await cw.send(new PutMetricAlarmCommand({ AlarmName: "firing", Namespace: "Custom", MetricName: "m", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "breaching" }));
    for (let i = 0; i < 200 && (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["firing"] }))).MetricAlarms?.[0]?.StateValue !== "ALARM"; i++) await new Promise((r) => setTimeout(r, 10));
    const seq = sandbox.current.requestLog.lastSeq;
    // Flags that name the endpoint or the model replace the valid defaults; the others are added.
    const base: Record<string, string> = { "--endpoint": "churn", "--image": IMAGE, "--model-data": MODEL };
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const flag = args[i]!;
      const value = args[i + 1];
      const takesValue = value !== undefined && !value.startsWith("--");
      if (flag in base && takesValue) base[flag] = value;
      else rest.push(flag, ...(takesValue ? [value] : []));
      if (takesValue) i++;
    }
    const r = await runCli(["deploy", ...Object.entries(base).flat(), "--env", "V=2", ...rest], { env: env() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sandbox.current.requestLog.mutatingCalls({ since: seq })).toEqual([]);
  });
});
