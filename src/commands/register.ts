import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ProductionVariantInstanceType, type CreateModelPackageCommandInput } from "@aws-sdk/client-sagemaker";
import { VERSION } from "../version";
import { createModelPackage, ensureGroup, findGroupArn } from "../aws/registry";
import { objectExists, readObjectText } from "../aws/s3";
import type { Context } from "../context";
import { validator } from "../io/prompt";
import { checkEnvironment, checkImageUri, checkInstanceType, checkResourceName, checkText, parsePairs, parseS3Uri, type S3Uri } from "../core/aws-names";
import { evaluateGate, parseRequirement, type GateCheck, type Requirement } from "../core/gate";
import { lineageFrom } from "../core/lineage";
import { checkUserMetadata, fitMetadata } from "../core/metadata";
import { findMetric, MAX_METRICS_BYTES, parseMetricsDocument } from "../core/metrics";
import { gateEntries, parseApproval, type ApprovalStatus } from "../core/registry";
import { GateError, UsageError } from "../errors";
import { readGit } from "../io/git";
import { checkOutputEnvTarget, writeOutputEnv } from "../io/output-env";
import { formatTable } from "../io/table";
import type { RegisterResult } from "../schemas/registry";

export interface RegisterOptions {
  group?: string;
  image?: string;
  modelData?: string;
  metrics?: string;
  require: string[];
  approval: string;
  description?: string;
  meta: string[];
  env: string[];
  contentType?: string;
  instanceType: string[];
  dryRun?: boolean;
  outputEnv?: string;
}

/** Everything `register` will send, checked before any call that changes anything. */
interface Plan {
  group: string;
  image: string;
  modelData: S3Uri;
  metricsSource?: { local: string } | { s3: S3Uri };
  requirements: Requirement[];
  approval: ApprovalStatus;
  description?: string;
  userMetadata: Record<string, string>;
  environment: Record<string, string>;
  contentType?: string;
  instanceTypes: string[];
}

export async function run(options: RegisterOptions, ctx: Context): Promise<void> {
  const plan = await collect(options, ctx);
  if (options.outputEnv !== undefined) await checkOutputEnvTarget(options.outputEnv, ctx.cwd);

  // Read-only from here until the gate and the inputs have all passed.
  const metricsDoc = plan.metricsSource ? await readMetrics(ctx, plan.metricsSource) : undefined;
  const found = Object.fromEntries(plan.requirements.map((r) => [r.metric, findMetric(metricsDoc, r.metric)]));
  const checks = evaluateGate(plan.requirements, (metric) => found[metric]!.value);
  const result: RegisterResult = {
    modelPackageArn: null,
    group: plan.group,
    version: null,
    approvalStatus: null,
    metrics: Object.fromEntries(checks.map((c) => [c.metric, c.actual])),
    gate: checks.map((c) => ({ expr: c.expr, actual: c.actual, passed: c.passed })),
  };
  const failed = checks.filter((c) => !c.passed);
  if (failed.length > 0) {
    ctx.io.emit(result, (_r, style) => gateTable(checks, style));
    throw new GateError(`gate not met: ${failed.map((c) => `${c.expr} (actual ${c.actual})`).join(", ")}; nothing was registered`);
  }

  const modelData = await checkArtifact(ctx, plan.modelData);
  if (modelData === "unknown") ctx.io.warn(`cannot check that s3://${plan.modelData.bucket}/${plan.modelData.key} exists (access denied); registering anyway`);

  const lineage = lineageFrom(await readGit(ctx.cwd), ctx.env, VERSION);
  const paths = Object.fromEntries(Object.entries(found).map(([metric, f]) => [metric, f.path]));
  const metadata = fitMetadata(plan.userMetadata, [...gateEntries(checks, paths), ...lineage.entries]);
  for (const warning of metadata.warnings) ctx.io.warn(warning);

  const input: CreateModelPackageCommandInput = {
    ModelPackageGroupName: plan.group,
    ModelPackageDescription: plan.description,
    ModelApprovalStatus: plan.approval,
    InferenceSpecification: {
      Containers: [
        {
          Image: plan.image,
          ModelDataUrl: `s3://${plan.modelData.bucket}/${plan.modelData.key}`,
          Environment: Object.keys(plan.environment).length > 0 ? plan.environment : undefined,
        },
      ],
      SupportedContentTypes: plan.contentType ? [plan.contentType] : undefined,
      SupportedRealtimeInferenceInstanceTypes: plan.instanceTypes.length > 0 ? (plan.instanceTypes as ProductionVariantInstanceType[]) : undefined,
    },
    ModelMetrics:
      plan.metricsSource && "s3" in plan.metricsSource
        ? { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: `s3://${plan.metricsSource.s3.bucket}/${plan.metricsSource.s3.key}` } } }
        : undefined,
    MetadataProperties: lineage.metadataProperties,
    CustomerMetadataProperties: Object.keys(metadata.properties).length > 0 ? metadata.properties : undefined,
  };

  if (options.dryRun) {
    const groupExists = (await findGroupArn(ctx.aws, plan.group)) !== undefined;
    result.dryRun = true;
    result.plan = [
      ...(groupExists ? [] : [{ operation: "sagemaker:CreateModelPackageGroup", detail: `ModelPackageGroupName=${plan.group}` }]),
      {
        operation: "sagemaker:CreateModelPackage",
        detail:
          `ModelPackageGroupName=${plan.group} ModelApprovalStatus=${plan.approval} Image=${plan.image} ModelDataUrl=${input.InferenceSpecification!.Containers![0]!.ModelDataUrl}` +
          ` CustomerMetadataProperties=${Object.keys(metadata.properties).length} entries${input.ModelMetrics ? " ModelMetrics=ModelQuality.Statistics" : ""}`,
      },
    ];
    ctx.io.emit(result, (r, style) =>
      [
        ...(checks.length > 0 ? [gateTable(checks, style), ""] : []),
        `Dry run: nothing was changed. mlops would call, in order:`,
        ...r.plan!.map((p, i) => `  ${i + 1}. ${p.operation}  ${p.detail}`),
      ].join("\n"),
    );
    return;
  }

  const progress = ctx.io.progress(`Registering a new version in ${plan.group}`);
  const group = await ensureGroup(ctx.aws, plan.group);
  if (group.created) progress.update(`Created model package group ${plan.group}`);
  const arn = await createModelPackage(ctx.aws, input);
  const version = Number(arn.slice(arn.lastIndexOf("/") + 1));
  progress.succeed(`Registered ${plan.group}/${version}`);

  Object.assign(result, { modelPackageArn: arn, version, approvalStatus: plan.approval });
  // Only a registered version is written: a failed gate or a dry run leaves the file as it was.
  if (options.outputEnv !== undefined) {
    await writeOutputEnv("register", options.outputEnv, ctx.cwd, { MODEL_PACKAGE_ARN: arn, MODEL_PACKAGE_VERSION: String(version), APPROVAL_STATUS: plan.approval });
  }
  ctx.io.emit(result, (r, style) =>
    [
      ...(checks.length > 0 ? [gateTable(checks, style), ""] : []),
      `${style.bold(`${r.group}/${r.version}`)}  ${r.approvalStatus}`,
      r.modelPackageArn!,
    ].join("\n"),
  );
}

/** Ask for what is missing (on a terminal), then check every flag. No AWS call happens here. */
async function collect(options: RegisterOptions, ctx: Context): Promise<Plan> {
  ctx.prompt.requireAll([
    ["--group", options.group !== undefined],
    ["--image", options.image !== undefined],
    ["--model-data", options.modelData !== undefined],
  ]);
  const group =
    options.group ??
    (await ctx.prompt.text({ flag: "--group", message: "Model package group", validate: validator((v) => checkResourceName("--group", v)) }));
  const image =
    options.image ??
    (await ctx.prompt.text({ flag: "--image", message: "Inference image URI", validate: validator((v) => checkImageUri("--image", v)) }));
  const modelData =
    options.modelData ??
    (await ctx.prompt.text({
      flag: "--model-data",
      message: "Model artifact (s3://…/model.tar.gz)",
      // The flag's checks, the artifact's existence too: a typo is asked again, not an exit 2 later.
      validate: validator((v) => checkArtifact(ctx, parseS3Uri("--model-data", v))),
    }));

  checkResourceName("--group", group);
  checkImageUri("--image", image);
  const modelUri = parseS3Uri("--model-data", modelData);
  if (!/\.tar\.gz$/.test(modelUri.key)) ctx.io.warn(`--model-data ${modelData} does not end in .tar.gz; SageMaker expects a gzipped tar archive`);
  const requirements = options.require.map(parseRequirement);
  if (requirements.length > 0 && !options.metrics) throw new UsageError("--require needs --metrics: the file (or s3:// object) to read the metrics from");
  const metricsSource = options.metrics === undefined ? undefined : options.metrics.startsWith("s3://") ? { s3: parseS3Uri("--metrics", options.metrics) } : { local: options.metrics };
  if (options.description !== undefined) checkText("--description", options.description, 1024);
  if (options.contentType !== undefined && !/^[-\w.+]+\/[-\w.+]+$/.test(options.contentType)) throw new UsageError(`--content-type "${options.contentType}" is not a MIME type such as text/csv`);
  return {
    group,
    image,
    modelData: modelUri,
    metricsSource,
    requirements,
    approval: parseApproval("--approval", options.approval),
    description: options.description,
    userMetadata: checkUserMetadata("--meta", parsePairs("--meta", options.meta)),
    environment: checkEnvironment("--env", parsePairs("--env", options.env)),
    contentType: options.contentType,
    instanceTypes: options.instanceType.map((t) => checkInstanceType("--instance-type", t, Object.values(ProductionVariantInstanceType))),
  };
}


async function readMetrics(ctx: Context, source: NonNullable<Plan["metricsSource"]>): Promise<unknown> {
  let text: string;
  let where: string;
  if ("s3" in source) {
    where = `s3://${source.s3.bucket}/${source.s3.key}`;
    text = await readObjectText(ctx.aws, "--metrics", source.s3, MAX_METRICS_BYTES);
  } else {
    where = source.local;
    const path = resolve(ctx.cwd, source.local);
    try {
      // Refuse a huge file by its size, before reading it.
      const { size } = await stat(path);
      if (size > MAX_METRICS_BYTES) throw new UsageError(`--metrics: ${where} is ${size} bytes; a metrics file is at most ${MAX_METRICS_BYTES} bytes`);
      text = await readFile(path, "utf8");
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`--metrics: cannot read ${where}: ${code === "ENOENT" ? "no such file" : code ?? String(error)}`);
    }
  }
  return parseMetricsDocument(text, where);
}

function gateTable(checks: readonly GateCheck[], style: { green(s: string): string; red(s: string): string }): string {
  return formatTable(
    [{ header: "METRIC" }, { header: "CONDITION" }, { header: "ACTUAL", align: "right" }, { header: "RESULT" }],
    checks.map((c) => [c.metric, `${c.op} ${c.threshold}`, String(c.actual), c.passed ? style.green("✓ passed") : style.red("✗ failed")]),
  );
}

/**
 * --model-data must name an object that exists (HeadObject), whether given as a flag or typed at
 * the prompt. "unknown" when we may not look (access denied), which is no proof that it is missing.
 */
async function checkArtifact(ctx: Context, uri: S3Uri): Promise<"yes" | "unknown"> {
  const found = await objectExists(ctx.aws, uri);
  if (found === "no") throw new UsageError(`--model-data: s3://${uri.bucket}/${uri.key} does not exist`);
  return found;
}
