import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEndpointCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { AwsClients } from "../aws/clients";
import type { Context } from "../context";
import { timerClock } from "../core/clock";
import { formatDuration } from "../core/duration";
import { parseNumber } from "../core/flags";
import { MlopsError, RolledBackError } from "../errors";
import { Io } from "../io/io";
import type { DeployReport } from "../rollout/report";
import type { DemoStory } from "../schemas/misc";

interface DemoOptions {
  timeScale: string;
}

/** deploy inside the demo watches Ctrl-C itself. */
export const handlesInterrupt = true;

type Step = DemoStory["steps"][number];

const GROUP = "demo-churn";
const ENDPOINT = "demo-churn";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1.0";
const ROLE = "arn:aws:iam::000000000000:role/demo-sagemaker-execution";

/**
 * The whole story on a local AWS, no account needed: register three versions behind a metric
 * gate, create an endpoint with v1, a canary to a good v2, and a canary to a v3 that fails 40 % of
 * its requests in production: its alarm fires and the traffic goes back to v2 by itself.
 */
export async function run(options: DemoOptions, ctx: Context): Promise<void> {
  const timeScale = parseNumber("--time-scale", options.timeScale, { exclusiveMin: 0, max: 10_000 });
  const { startSandbox, SANDBOX_CREDENTIALS } = await import("../sandbox/index");
  const sandbox = await startSandbox({ port: 0, timeScale });
  const steps: Step[] = [];
  try {
    const aws = new AwsClients({ endpoint: sandbox.url, region: sandbox.region, credentials: SANDBOX_CREDENTIALS, signal: ctx.signal });
    ctx.defer(() => aws.destroy());
    const clock = timerClock(sandbox.clock);
    ctx.io.info(`mlops demo: a local AWS at ${sandbox.url}, its time running ${timeScale}× faster than yours`);
    await upload(aws);

    /** Run one mlops command in-process; its JSON result is captured, its progress shows on stderr. */
    const mlops = async <T>(title: string, load: () => Promise<{ run: (o: any, c: Context, a: string[]) => Promise<void> }>, commandOptions: unknown, args: string[] = []): Promise<{ doc: T; error?: unknown }> => {
      ctx.io.info(`\n▸ ${title}`);
      let captured = "";
      const io = new Io({
        streams: { stdin: { isTTY: false }, stdout: { write: (s: string) => (captured += s) }, stderr: ctx.io.streams.stderr },
        env: ctx.env,
        json: true,
        noColor: ctx.io.err.level === 0,
        debug: ctx.io.debugEnabled,
      });
      const sub: Context = { ...ctx, io, aws, clock, config: { values: {} }, prompt: ctx.prompt };
      let error: unknown;
      try {
        await (await load()).run(commandOptions, sub, args);
      } catch (e) {
        error = e;
      }
      return { doc: JSON.parse(captured || "{}") as T, error };
    };
    const timed = async <T>(title: string, work: () => Promise<{ doc: T; error?: unknown }>, describe: (doc: T, error?: unknown) => Omit<Step, "title" | "sandboxSeconds" | "realSeconds">) => {
      const sandboxStart = sandbox.clock.now();
      const realStart = performance.now();
      const { doc, error } = await work();
      const step = { title, ...describe(doc, error), sandboxSeconds: (sandbox.clock.now() - sandboxStart) / 1000, realSeconds: (performance.now() - realStart) / 1000 };
      steps.push(step);
      return { doc, error };
    };

    const register = () => import("./register");
    const versions = [
      { v: 1, accuracy: 0.91, env: [] as string[] },
      { v: 2, accuracy: 0.93, env: [] },
      // Good offline, bad in production: it fails 40 % of requests.
      { v: 3, accuracy: 0.94, env: ["MLOPS_SANDBOX_ERROR_RATE=0.4"] },
    ];
    await timed(
      "register v1–v3 behind the gate accuracy>=0.9, and approve them",
      async () => {
        for (const version of versions) {
          const r = await mlops(`mlops register --group ${GROUP} … --require "accuracy>=0.9" (v${version.v})`, register, {
            group: GROUP,
            image: IMAGE,
            modelData: `s3://mlops-demo/churn/v${version.v}/model.tar.gz`,
            metrics: `s3://mlops-demo/churn/v${version.v}/evaluation.json`,
            require: ["accuracy>=0.9"],
            approval: "pending",
            meta: [],
            env: version.env,
            instanceType: [],
          });
          if (r.error) throw r.error;
          const approved = await mlops(`mlops models approve ${GROUP}/${version.v}`, async () => ({ run: (await import("./models-approval")).approve }), { reason: "demo" }, [`${GROUP}/${version.v}`]);
          if (approved.error) throw approved.error;
        }
        return { doc: {} };
      },
      () => ({ outcome: "registered", detail: versions.map((v) => `${GROUP}/${v.v}: accuracy ${v.accuracy} ≥ 0.9, approved`) }),
    );

    const deploy = () => import("./deploy");
    const deployOptions = (ref: string, extra: Record<string, unknown> = {}) => ({
      endpoint: ENDPOINT,
      modelPackage: ref,
      env: [],
      alarm: [],
      roleArn: ROLE,
      poll: "5",
      bake: "300",
      finalBake: "120",
      ...extra,
    });
    const describeDeploy = (doc: DeployReport) => ({
      outcome: doc.outcome,
      detail:
        doc.outcome === "rolled-back"
          ? [
              "v3 fails 40 % of its requests in production (offline, its accuracy was 0.94)",
              `alarm ${doc.firedAlarm} fired; traffic was back on v2 ${formatDuration(doc.rollbackReactionSeconds ?? 0)} later`,
              `${doc.endpointConfig} still serves`,
            ]
          : [`${doc.endpointConfig} serves${doc.previousEndpointConfig ? ` (was ${doc.previousEndpointConfig})` : ""}`],
    });

    const created = await timed("create the endpoint with v1", () => mlops<DeployReport>(`mlops deploy --endpoint ${ENDPOINT} --model-package ${GROUP}/1`, deploy, deployOptions(`${GROUP}/1`, { instanceCount: "2" })), describeDeploy);
    const canary = await timed(
      "canary to v2 (SageMaker guardrails, 50 % canary of 2 instances, auto-alarms)",
      () => mlops<DeployReport>(`mlops deploy --endpoint ${ENDPOINT} --model-package ${GROUP}/2 --strategy canary --engine guardrails --auto-alarms`, deploy, deployOptions(`${GROUP}/2`, { instanceCount: "2", canaryPercent: "50", engine: "guardrails", autoAlarms: true })),
      describeDeploy,
    );
    const v2Variants = await variantNames(aws, ENDPOINT);
    const badFrom = sandbox.clock.now();
    const bad = await timed(
      "canary to v3 (mlops traffic engine, 10 % canary, auto-alarms)",
      () => mlops<DeployReport>(`mlops deploy --endpoint ${ENDPOINT} --model-package ${GROUP}@latest-approved --strategy canary --engine traffic --auto-alarms`, deploy, deployOptions(`${GROUP}@latest-approved`, { instanceCount: "2", engine: "traffic", autoAlarms: true })),
      describeDeploy,
    );
    // What the bad version actually served, from the sandbox's CloudWatch metrics, not from what we asked for.
    const exposure = await newVersionShare(aws, ENDPOINT, v2Variants, badFrom, sandbox.clock.now());
    steps.at(-1)!.detail.push(`v3 served ${exposure.requests} of ${exposure.total} requests meanwhile, at most ${exposure.maxMinutePercent} % of any minute's traffic`);

    const asExpected = created.doc.outcome === "created" && canary.doc.outcome === "deployed" && bad.doc.outcome === "rolled-back" && bad.error instanceof RolledBackError;
    const story: DemoStory = { ok: asExpected, timeScale, steps, badVersionMaxPercent: exposure.maxMinutePercent };
    ctx.io.info("");
    ctx.io.emit(story, (s, style) => {
      const totalSandbox = s.steps.reduce((t, x) => t + x.sandboxSeconds, 0);
      const totalReal = s.steps.reduce((t, x) => t + x.realSeconds, 0);
      return [
        style.bold("What happened"),
        ...s.steps.flatMap((step, i) => [
          `${i + 1}. ${step.title}: ${outcomeWord(step.outcome, style)}  ${style.dim(`${formatDuration(step.sandboxSeconds)} of AWS time in ${step.realSeconds.toFixed(1)} s`)}`,
          ...step.detail.map((d) => `   ${d}`),
        ]),
        `${formatDuration(totalSandbox)} of AWS time in ${totalReal.toFixed(1)} s. The bad version never took more than ${s.badVersionMaxPercent} % of the traffic.`,
      ].join("\n");
    });
    if (!asExpected) throw new MlopsError("the demo did not go as expected: see the steps above");
  } finally {
    await sandbox.stop();
  }
}

function outcomeWord(outcome: string, style: { green(s: string): string; red(s: string): string }): string {
  return outcome === "rolled-back" ? style.red("rolled back, as it should") : style.green(outcome);
}

async function variantNames(aws: AwsClients, endpoint: string): Promise<Set<string>> {
  const described = await aws.get(SageMakerClient).send(new DescribeEndpointCommand({ EndpointName: endpoint }));
  return new Set((described.ProductionVariants ?? []).map((v) => v.VariantName!));
}

/** Invocations per minute on the variants that are not `old`, against all, over [from, to). */
async function newVersionShare(aws: AwsClients, endpoint: string, old: Set<string>, from: number, to: number): Promise<{ requests: number; total: number; maxMinutePercent: number }> {
  const cw = aws.get(CloudWatchClient);
  const listed = await cw.send(new ListMetricsCommand({ Namespace: "AWS/SageMaker", MetricName: "Invocations", Dimensions: [{ Name: "EndpointName", Value: endpoint }] }));
  const perVariant = (listed.Metrics ?? []).filter((m) => m.Dimensions?.length === 2 && m.Dimensions.some((d) => d.Name === "VariantName"));
  const minutes = new Map<number, { fresh: number; all: number }>();
  for (const metric of perVariant) {
    const variant = metric.Dimensions!.find((d) => d.Name === "VariantName")!.Value!;
    const stats = await cw.send(
      new GetMetricStatisticsCommand({ Namespace: "AWS/SageMaker", MetricName: "Invocations", Dimensions: metric.Dimensions, StartTime: new Date(from), EndTime: new Date(to), Period: 60, Statistics: ["Sum"] }),
    );
    for (const point of stats.Datapoints ?? []) {
      const minute = minutes.get(point.Timestamp!.getTime()) ?? { fresh: 0, all: 0 };
      minute.all += point.Sum ?? 0;
      if (!old.has(variant)) minute.fresh += point.Sum ?? 0;
      minutes.set(point.Timestamp!.getTime(), minute);
    }
  }
  const all = [...minutes.values()];
  const sum = (pick: (m: { fresh: number; all: number }) => number) => all.reduce((t, m) => t + pick(m), 0);
  const maxShare = Math.max(0, ...all.filter((m) => m.all > 0).map((m) => m.fresh / m.all));
  // Whole percents: requests are whole, so a minute's share carries about a request (0.1 %) of noise either way.
  return { requests: sum((m) => m.fresh), total: sum((m) => m.all), maxMinutePercent: Math.round(maxShare * 100) };
}

async function upload(aws: AwsClients): Promise<void> {
  const s3 = aws.get(S3Client, { forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: "mlops-demo" }));
  for (const [v, accuracy] of [[1, 0.91], [2, 0.93], [3, 0.94]] as const) {
    await s3.send(new PutObjectCommand({ Bucket: "mlops-demo", Key: `churn/v${v}/model.tar.gz`, Body: `model weights v${v}` }));
    await s3.send(new PutObjectCommand({ Bucket: "mlops-demo", Key: `churn/v${v}/evaluation.json`, Body: JSON.stringify({ binary_classification_metrics: { accuracy: { value: accuracy } } }), ContentType: "application/json" }));
  }
}
