import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeEndpointCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { AwsClients } from "../aws/clients";
import { formatDuration } from "../core/duration";
import { RolledBackError } from "../errors";
import type { DeployReport } from "../rollout/report";
import type { DeployStory } from "../schemas/misc";
import { seedBucket, type Harness } from "./harness";

const GROUP = "demo-churn";
const ENDPOINT = "demo-churn";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1.0";
const ROLE = "arn:aws:iam::000000000000:role/demo-sagemaker-execution";

/**
 * `mlops demo` (--story deploy): register three versions behind a metric gate, create an
 * endpoint with v1, a canary to a good v2, and a canary to a v3 that fails 40 % of its requests
 * in production: its alarm fires and the traffic goes back to v2 by itself.
 */
export async function deployStory(h: Harness, timeScale: number): Promise<{ story: DeployStory; closing: string }> {
  const versions = [
    { v: 1, accuracy: 0.91, env: [] as string[] },
    { v: 2, accuracy: 0.93, env: [] },
    // Good offline, bad in production: it fails 40 % of requests.
    { v: 3, accuracy: 0.94, env: ["MLOPS_SANDBOX_ERROR_RATE=0.4"] },
  ];
  // Each version's artifact and the evaluation report its gate reads.
  await seedBucket(
    h.aws,
    "mlops-demo",
    Object.fromEntries(
      versions.flatMap(({ v, accuracy }) => [
        [`churn/v${v}/model.tar.gz`, `model weights v${v}`],
        [`churn/v${v}/evaluation.json`, { binary_classification_metrics: { accuracy: { value: accuracy } } }],
      ]),
    ),
  );
  const register = () => import("../commands/register");
  await h.timed(
    "register v1–v3 behind the gate accuracy>=0.9, and approve them",
    async () => {
      for (const version of versions) {
        const r = await h.mlops(`mlops register --group ${GROUP} … --require "accuracy>=0.9" (v${version.v})`, register, {
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
        const approved = await h.mlops(`mlops models approve ${GROUP}/${version.v}`, async () => ({ run: (await import("../commands/models-approval")).approve }), { reason: "demo" }, [`${GROUP}/${version.v}`]);
        if (approved.error) throw approved.error;
      }
      return { doc: {} };
    },
    () => ({ outcome: "registered", detail: versions.map((v) => `${GROUP}/${v.v}: accuracy ${v.accuracy} ≥ 0.9, approved`) }),
  );

  const deploy = () => import("../commands/deploy");
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

  const created = await h.timed("create the endpoint with v1", () => h.mlops<DeployReport>(`mlops deploy --endpoint ${ENDPOINT} --model-package ${GROUP}/1`, deploy, deployOptions(`${GROUP}/1`, { instanceCount: "2" })), describeDeploy);
  const canary = await h.timed(
    "canary to v2 (SageMaker guardrails, 50 % canary of 2 instances, auto-alarms)",
    () => h.mlops<DeployReport>(`mlops deploy --endpoint ${ENDPOINT} --model-package ${GROUP}/2 --strategy canary --engine guardrails --auto-alarms`, deploy, deployOptions(`${GROUP}/2`, { instanceCount: "2", canaryPercent: "50", engine: "guardrails", autoAlarms: true })),
    describeDeploy,
  );
  const v2Variants = await variantNames(h.aws, ENDPOINT);
  const badFrom = h.now();
  const bad = await h.timed(
    "canary to v3 (mlops traffic engine, 10 % canary, auto-alarms)",
    () => h.mlops<DeployReport>(`mlops deploy --endpoint ${ENDPOINT} --model-package ${GROUP}@latest-approved --strategy canary --engine traffic --auto-alarms`, deploy, deployOptions(`${GROUP}@latest-approved`, { instanceCount: "2", engine: "traffic", autoAlarms: true })),
    describeDeploy,
  );
  // What the bad version actually served, from the sandbox's CloudWatch metrics, not from what we asked for.
  const exposure = await newVersionShare(h.aws, ENDPOINT, v2Variants, badFrom, h.now());
  h.steps.at(-1)!.detail.push(`v3 served ${exposure.requests} of ${exposure.total} requests meanwhile, at most ${exposure.maxMinutePercent} % of any minute's traffic`);

  const asExpected = created.doc.outcome === "created" && canary.doc.outcome === "deployed" && bad.doc.outcome === "rolled-back" && bad.error instanceof RolledBackError;
  return {
    story: { story: "deploy", ok: asExpected, timeScale, steps: h.steps, badVersionMaxPercent: exposure.maxMinutePercent },
    closing: `The bad version never took more than ${exposure.maxMinutePercent} % of the traffic.`,
  };
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
