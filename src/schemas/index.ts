import { z } from "zod";
import { errorOutput } from "./common";
import { initOutput } from "./init";
import { adviseOutput, completionOutput, demoOutput, doctorOutput, sandboxStartOutput } from "./misc";
import { pipelineListOutput, pipelineStartOutput, pipelineStatusOutput, pipelineStopOutput, pipelineUpsertOutput } from "./pipeline";
import { modelsApproveOutput, modelsListOutput, modelsRejectOutput, modelsShowOutput, registerOutput } from "./registry";
import { releaseApproveOutput, releaseRejectOutput, releaseStartOutput, releaseStatusOutput } from "./release";
import { triggerAddOutput, triggerListOutput, triggerPolicyOutput, triggerRemoveOutput, triggerTestOutput } from "./trigger";
import { abortOutput, deployOutput, promoteOutput, rollbackOutput, statusOutput } from "./rollout";

/**
 * Every command's `--json` output, by the name of its file in docs/schemas/ (`<name>.schema.json`;
 * subcommands joined with `-`). `npm run schemas` writes them; a unit test fails when the files
 * differ from what this generates, and the e2e tests check every document the CLI prints.
 */
export const OUTPUT_SCHEMAS = {
  deploy: deployOutput,
  status: statusOutput,
  rollback: rollbackOutput,
  promote: promoteOutput,
  abort: abortOutput,
  register: registerOutput,
  "models-list": modelsListOutput,
  "models-show": modelsShowOutput,
  "models-approve": modelsApproveOutput,
  "models-reject": modelsRejectOutput,
  "endpoint-advise": adviseOutput,
  "release-status": releaseStatusOutput,
  "release-approve": releaseApproveOutput,
  "release-reject": releaseRejectOutput,
  "release-start": releaseStartOutput,
  "pipeline-upsert": pipelineUpsertOutput,
  "pipeline-start": pipelineStartOutput,
  "pipeline-status": pipelineStatusOutput,
  "pipeline-list": pipelineListOutput,
  "pipeline-stop": pipelineStopOutput,
  "trigger-add": triggerAddOutput,
  "trigger-list": triggerListOutput,
  "trigger-remove": triggerRemoveOutput,
  "trigger-test": triggerTestOutput,
  "trigger-policy": triggerPolicyOutput,
  init: initOutput,
  doctor: doctorOutput,
  demo: demoOutput,
  "sandbox-start": sandboxStartOutput,
  completion: completionOutput,
  error: errorOutput,
} satisfies Record<string, z.ZodType>;

export type OutputName = keyof typeof OUTPUT_SCHEMAS;

/** The JSON Schema documents, by name, as docs/schemas/ holds them (2-space indent, final newline). */
export function jsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(OUTPUT_SCHEMAS).map(([name, schema]) => [`${name}.schema.json`, JSON.stringify(z.toJSONSchema(schema, { target: "draft-2020-12" }), null, 2) + "\n"]),
  );
}
