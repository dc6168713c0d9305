import type { PipelineDeclaration } from "@aws-sdk/client-codepipeline";
import { parseDocument } from "yaml";
import { CFN_YAML_TAGS } from "../core/init-render";

/**
 * The release pipeline a project's CloudFormation template (infra/pipeline.yaml, as `mlops init`
 * writes it) declares, as CodePipeline's CreatePipeline takes it — for the sandbox, which runs no
 * CloudFormation. Intrinsics (`!Ref`, `!GetAtt`, `!Sub`, …) stand for what the stack would make:
 * `values` gives them by logical id (`PipelineRole`, `ConnectionArn`), anything else is "sandbox".
 * Throws Error when the template declares no AWS::CodePipeline::Pipeline.
 */
export function releaseDeclarationFromStack(templateText: string, name: string, values: Readonly<Record<string, string>>): PipelineDeclaration {
  const cfn = parseDocument(templateText, { customTags: CFN_YAML_TAGS }).toJS() as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> };
  const pipeline = Object.values(cfn.Resources ?? {}).find((r) => r.Type === "AWS::CodePipeline::Pipeline");
  if (!pipeline?.Properties) throw new Error("the stack declares no AWS::CodePipeline::Pipeline");
  // Name, Tags and Triggers are the stack's business, not the declaration's.
  const { Name: _, Tags: __, Triggers: ___, ...rest } = resolveIntrinsics(pipeline.Properties, values) as Record<string, unknown>;
  return { ...(camel(rest) as PipelineDeclaration), name };
}

function resolveIntrinsics(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, values));
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const intrinsic = entries.length === 1 && /^(Ref|Fn::)/.test(entries[0]![0]) ? entries[0]! : undefined;
  if (intrinsic) {
    const named = Array.isArray(intrinsic[1]) ? String(intrinsic[1][0]) : String(intrinsic[1]);
    return values[named.split(".")[0]!] ?? "sandbox";
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, values)]));
}

/**
 * CloudFormation's PascalCase keys → the SDK's camelCase, except inside an action's Configuration:
 * its keys are the provider's, and its values strings (CloudFormation turns `true` into "true").
 */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (!value || typeof value !== "object") return value;
  const configuration = (v: unknown) => Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), k === "Configuration" ? configuration(v) : camel(v)]));
}
