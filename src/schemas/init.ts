import { z } from "zod";
import { CODE_SOURCES, FRAMEWORKS, INIT_ENDPOINT_TYPES, INIT_STRATEGIES, ORCHESTRATORS } from "../core/choices";
import { orError } from "./common";

/** What `mlops init --json` prints: the project written (or, with --dry-run, that would be), or the templates (--list-templates). */

export const initReport = z.strictObject({
  directory: z.string().describe("The project folder, absolute."),
  template: z.strictObject({ name: z.string(), path: z.string(), builtin: z.boolean().describe("One of mlops's own templates, not a --template folder.") }),
  dryRun: z.boolean().describe("true: nothing was written; `files` says what would have been."),
  answers: z.strictObject({
    name: z.string(),
    region: z.string(),
    framework: z.enum(FRAMEWORKS),
    orchestrator: z.enum(ORCHESTRATORS),
    source: z.enum(CODE_SOURCES),
    endpointType: z.enum(INIT_ENDPOINT_TYPES),
    strategy: z.enum(INIT_STRATEGIES),
    metric: z.string(),
    threshold: z.string().describe("A finite decimal number, as text."),
  }),
  orchestratorReason: z.string().describe("Why this orchestrator fits the workflow."),
  assumed: z.array(z.string()).describe("Values taken by default, with no flag or answer for them."),
  files: z.array(z.strictObject({ path: z.string().describe("Relative to the project folder."), action: z.enum(["created", "overwritten"]) })),
});
export type InitReport = z.infer<typeof initReport>;

export const initTemplatesReport = z.strictObject({
  templates: z.array(z.strictObject({ name: z.string(), description: z.string(), path: z.string() })).describe("The built-in templates (folders under the package's templates/)."),
});
export type InitTemplatesReport = z.infer<typeof initTemplatesReport>;

export const initOutput = orError(z.union([initReport, initTemplatesReport]), {
  title: "mlops init --json",
  description: "The project's files, each created or overwritten (or that would be, with --dry-run), and the answers it was made from; with --list-templates, the templates. Or the error document.",
});
