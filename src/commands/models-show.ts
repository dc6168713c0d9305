import { resolveModelRef, type ModelPackage } from "../aws/registry";
import type { Context } from "../context";
import { describeSource } from "../core/lineage";
import { parseModelRef } from "../core/model-ref";
import { approvalWord, recordedMetrics } from "../core/registry";
import type { ModelView } from "../schemas/registry";

/** The summary every registry command prints of a version, and its JSON form (src/schemas/registry.ts). */
export type { ModelView };

export function viewOf(pkg: ModelPackage): ModelView {
  const container = pkg.InferenceSpecification?.Containers?.[0];
  const properties = pkg.CustomerMetadataProperties ?? {};
  return {
    modelPackageArn: pkg.ModelPackageArn!,
    group: pkg.ModelPackageGroupName!,
    version: pkg.ModelPackageVersion!,
    approvalStatus: pkg.ModelApprovalStatus ?? "",
    approvalDescription: pkg.ApprovalDescription ?? null,
    status: pkg.ModelPackageStatus ?? "",
    created: pkg.CreationTime?.toISOString() ?? null,
    image: container?.Image ?? null,
    modelDataUrl: container?.ModelDataUrl ?? null,
    environment: container?.Environment ?? {},
    metrics: recordedMetrics(properties),
    source: describeSource(properties),
    customerMetadata: properties,
    // As JSON has it (times as ISO 8601 strings): what --json prints is what the schema describes.
    modelPackage: JSON.parse(JSON.stringify(pkg)) as ModelView["modelPackage"],
  };
}

export function renderView(v: ModelView, style: { bold(s: string): string; dim(s: string): string }): string {
  const rows: Array<[string, string | null]> = [
    ["approval", `${approvalWord(v.approvalStatus)}${v.approvalDescription ? `: ${v.approvalDescription}` : ""}`],
    ["status", v.status],
    ["created", v.created],
    ["image", v.image],
    ["model data", v.modelDataUrl],
    ["environment", Object.entries(v.environment).map(([k, val]) => `${k}=${val}`).join(" ") || null],
    ["metrics", Object.entries(v.metrics).map(([k, val]) => `${k}=${val}`).join(" ") || null],
    ["source", v.source || null],
    ["description", v.modelPackage.ModelPackageDescription ?? null],
    [
      "metadata",
      Object.entries(v.customerMetadata)
        .filter(([k]) => !k.startsWith("mlops:"))
        .map(([k, val]) => `${k}=${val}`)
        .join(" ") || null,
    ],
  ];
  return [
    `${style.bold(`${v.group}/${v.version}`)}  ${style.dim(v.modelPackageArn)}`,
    ...rows.filter(([, value]) => value).map(([label, value]) => `  ${label.padEnd(12)}${value}`),
  ].join("\n");
}

export async function run(_options: unknown, ctx: Context, args: string[]): Promise<void> {
  const pkg = await resolveModelRef(ctx.aws, parseModelRef(args[0]!));
  ctx.io.emit(viewOf(pkg), renderView);
}
