import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createPipeline, describePipeline, updatePipeline } from "../aws/pipelines";
import type { Context } from "../context";
import { parsePairs, checkText } from "../core/aws-names";
import {
  checkDefinition,
  DEFINITION_MAX_CHARS,
  definitionSizeProblem,
  normalizeJson,
  parseParameterValue,
  type CheckedDefinition,
  type DefinitionProblem,
} from "../core/pipeline-definition";
import { resolveSetting } from "../core/sources";
import { UsageError } from "../errors";
import { unknownParameter } from "../pipeline/parameters";
import { resolvePipelineName, resolvePipelineRole } from "../pipeline/settings";
import type { UpsertResult } from "../schemas/pipeline";

export interface UpsertOptions {
  file?: string;
  name?: string;
  roleArn?: string;
  description?: string;
  paramDefault: string[];
  dryRun?: boolean;
}

/** At most this many problems are listed in one error; the count says how many more there are. */
const LISTED_PROBLEMS = 20;

export async function run(options: UpsertOptions, ctx: Context): Promise<void> {
  // Every check before the first call: the definition, the name, the role, the flags.
  const name = resolvePipelineName(ctx, options.name);
  const role = resolvePipelineRole(ctx, options.roleArn);
  if (options.description !== undefined) checkText("--description", options.description, 3072);
  const { source, text } = await readDefinition(ctx, options.file);
  const checked = checkDefinitionOrThrow(source, text);
  applyDefaults(checked, parsePairs("--param-default", options.paramDefault));
  const body = JSON.stringify(checked.document);
  const bytes = Buffer.byteLength(body, "utf8");
  const size = definitionSizeProblem(bytes);
  if (size) throw definitionError(source, [size]);

  const result: UpsertResult = {
    pipelineName: name,
    pipelineArn: null,
    action: "created",
    definitionBytes: bytes,
    parameters: checked.parameters.map((p) => ({ name: p.name, type: p.type, defaultValue: p.defaultValue ?? null })),
    steps: checked.steps.map((s) => ({ name: s.name, type: s.type })),
  };

  const existing = await describePipeline(ctx.aws, name);
  if (!existing && !role) {
    throw new UsageError(`--role-arn is required to create pipeline ${name}: the IAM role SageMaker runs its steps with`, { hint: "or set MLOPS_PIPELINE_ROLE_ARN, or pipeline.roleArn in mlops.yaml" });
  }
  if (existing) {
    result.pipelineArn = existing.PipelineArn ?? null;
    result.action = unchanged(existing, checked.document, role, options.description) ? "unchanged" : "updated";
  }

  const plan =
    result.action === "unchanged"
      ? []
      : [
          {
            operation: `sagemaker:${result.action === "created" ? "CreatePipeline" : "UpdatePipeline"}`,
            detail: `PipelineName=${name}${role ? ` RoleArn=${role}` : ""} PipelineDefinition=${bytes} bytes (${checked.steps.length} steps, ${checked.parameters.length} parameters)`,
          },
        ];
  if (options.dryRun) {
    Object.assign(result, { dryRun: true, plan });
    ctx.io.emit(result, (r) =>
      r.action === "unchanged"
        ? `Dry run: pipeline ${name} already has this definition; nothing would be sent.`
        : [`Dry run: nothing was changed. mlops would call, in order:`, ...plan.map((p, i) => `  ${i + 1}. ${p.operation}  ${p.detail}`)].join("\n"),
    );
    return;
  }

  if (result.action === "created") {
    result.pipelineArn = await createPipeline(ctx.aws, {
      PipelineName: name,
      PipelineDefinition: body,
      PipelineDescription: options.description,
      RoleArn: role,
      ClientRequestToken: randomUUID(),
    });
  } else if (result.action === "updated") {
    result.pipelineArn = await updatePipeline(ctx.aws, { PipelineName: name, PipelineDefinition: body, PipelineDescription: options.description, RoleArn: role });
  }
  ctx.io.emit(result, (r, style) => {
    const what = r.action === "unchanged" ? `${style.bold(name)} unchanged: it already has this definition; nothing was sent` : `${style.bold(name)} ${r.action}`;
    return [what, `${r.steps.length} steps (${r.steps.map((s) => s.name).join(", ")}), ${r.parameters.length} parameters, ${r.definitionBytes} bytes`, r.pipelineArn ?? ""].join("\n");
  });
}

/** The definition file: --file, else mlops.yaml pipeline.file (relative to mlops.yaml). */
async function readDefinition(ctx: Context, flag: string | undefined): Promise<{ source: string; text: string }> {
  const given = resolveSetting({ flag: ["--file", flag], file: ["pipeline.file", ctx.config.values.pipeline?.file] }, ctx.env, (source, value) => ({ source, file: String(value) }));
  if (!given) throw new UsageError("no definition given: --file pipelines/pipeline.json (or pipeline.file in mlops.yaml)");
  const base = given.source === "--file" || !ctx.config.path ? ctx.cwd : dirname(ctx.config.path);
  const path = resolve(base, given.file);
  const source = `${given.source === "--file" ? "--file" : "mlops.yaml pipeline.file"} ${given.file}`;
  try {
    const { size } = await stat(path);
    // A file far beyond what SageMaker takes is refused by its size, before it is read.
    if (size > 4 * DEFINITION_MAX_CHARS) throw definitionError(source, [{ path: "(definition)", message: `is ${size} bytes; SageMaker takes a pipeline definition of at most ${DEFINITION_MAX_CHARS} characters` }]);
    return { source, text: await readFile(path, "utf8") };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${source}: cannot read it: ${code === "ENOENT" ? "no such file" : (code ?? String(error))}`);
  }
}

function checkDefinitionOrThrow(source: string, text: string): CheckedDefinition & { document: Record<string, unknown> } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw definitionError(source, [{ path: "(definition)", message: `not JSON: ${(error as Error).message}` }]);
  }
  const checked = checkDefinition(document);
  if (checked.problems.length > 0) throw definitionError(source, checked.problems);
  return checked as CheckedDefinition & { document: Record<string, unknown> };
}

/** One error listing the problems, each with its JSON path. */
export function definitionError(source: string, problems: readonly DefinitionProblem[]): UsageError {
  const listed = problems.slice(0, LISTED_PROBLEMS).map((p) => `  ${p.path}: ${p.message}`);
  const more = problems.length > LISTED_PROBLEMS ? [`  … and ${problems.length - LISTED_PROBLEMS} more`] : [];
  const head = problems.length === 1 ? `${source}: ${problems[0]!.path}: ${problems[0]!.message}` : `${source}: ${problems.length} problems in the pipeline definition:\n${[...listed, ...more].join("\n")}`;
  return new UsageError(head, { hint: "nothing was sent to SageMaker" });
}

/** --param-default K=V: the declared parameter's DefaultValue, checked against its type. */
function applyDefaults(checked: CheckedDefinition & { document: Record<string, unknown> }, pairs: Array<[string, string]>): void {
  const declared = checked.parameters;
  const list = checked.document.Parameters as Array<Record<string, unknown>> | undefined;
  for (const [key, text] of pairs) {
    const index = declared.findIndex((p) => p.name === key);
    if (index === -1) throw unknownParameter("--param-default", key, declared.map((p) => `${p.name} (${p.type})`));
    const parameter = declared[index]!;
    let value: string | number | boolean;
    try {
      value = parseParameterValue(parameter.type, text);
    } catch (error) {
      throw new UsageError(`--param-default ${key} ${(error as Error).message}`);
    }
    parameter.defaultValue = value;
    list![index]!.DefaultValue = value;
  }
}


/** Same definition (normalised JSON), and the role and description unchanged where given. */
function unchanged(existing: { PipelineDefinition?: string; RoleArn?: string; PipelineDescription?: string }, document: unknown, role: string | undefined, description: string | undefined): boolean {
  let current: unknown;
  try {
    current = JSON.parse(existing.PipelineDefinition ?? "");
  } catch {
    return false;
  }
  if (normalizeJson(current) !== normalizeJson(document)) return false;
  if (role !== undefined && role !== existing.RoleArn) return false;
  if (description !== undefined && description !== (existing.PipelineDescription ?? "")) return false;
  return true;
}
