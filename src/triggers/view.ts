import type { Target } from "@aws-sdk/client-eventbridge";
import { shortTarget } from "../core/trigger-target";
import type { RuleView } from "../schemas/trigger";

/** A rule target as `mlops trigger` prints it. */
export function targetView(target: Target): RuleView["targets"][number] {
  return {
    id: target.Id ?? "",
    arn: target.Arn ?? "",
    short: shortTarget(target.Arn ?? ""),
    roleArn: target.RoleArn ?? null,
    parameters: (target.SageMakerPipelineParameters?.PipelineParameterList ?? []).map((p) => ({ name: p.Name ?? "", value: p.Value ?? "" })),
  };
}

/** "pipeline:train (InputKey=$.detail.object.key)": one target on one line. */
export function targetLine(target: RuleView["targets"][number]): string {
  const parameters = target.parameters.map((p) => `${p.name}=${p.value}`).join(", ");
  return parameters ? `${target.short} (${parameters})` : target.short;
}

/** A run time as JSON carries it: ISO 8601 UTC to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A run time for people: "2026-12-01 03:00 UTC" (seconds only when there are some). */
export function formatRunTime(ms: number): string {
  return isoSeconds(ms).replace("T", " ").replace(/:00Z$/, "Z").replace("Z", " UTC");
}

/** A rule's pattern text as JSON, or undefined when it has none or it is not JSON. */
export function parsePattern(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
