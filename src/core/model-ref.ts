import { UsageError } from "../errors";
import { isResourceName } from "./aws-names";

/**
 * How a command names a model version: a package ARN, `group/version`, `group@latest` or
 * `group@latest-approved`.
 */
export type ModelRef =
  | { kind: "arn"; arn: string; group: string; version: number }
  | { kind: "version"; group: string; version: number }
  | { kind: "latest"; group: string; approvedOnly: boolean };

export function parseModelRef(ref: string, label = "REF"): ModelRef {
  // A model package version's ARN (botocore ModelPackageArn: arn:aws[a-z\-]*:sagemaker:…:model-package/…),
  // written here rather than as a module constant so that mutation testing reaches it.
  const arn = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/([^/]+)\/(\d+)$/.exec(ref);
  if (arn) return { kind: "arn", arn: ref, group: arn[1]!, version: Number(arn[2]) };
  const latest = /^([^@/]+)@(latest|latest-approved)$/.exec(ref);
  if (latest && isResourceName(latest[1]!)) return { kind: "latest", group: latest[1]!, approvedOnly: latest[2] === "latest-approved" };
  const version = /^([^@/]+)\/(\d+)$/.exec(ref);
  if (version && isResourceName(version[1]!) && Number(version[2]) >= 1) return { kind: "version", group: version[1]!, version: Number(version[2]) };
  throw new UsageError(`${label} "${ref}" is not a model reference`, {
    hint: "use a package ARN, GROUP/VERSION (churn/3), GROUP@latest or GROUP@latest-approved",
  });
}

/** The ARN of version `version` in a group, from the group's ARN. */
export function packageArnFromGroupArn(groupArn: string, version: number): string {
  return `${groupArn.replace(":model-package-group/", ":model-package/")}/${version}`;
}

export function describeRef(ref: ModelRef): string {
  if (ref.kind === "arn") return ref.arn;
  if (ref.kind === "version") return `${ref.group}/${ref.version}`;
  return `${ref.group}@${ref.approvedOnly ? "latest-approved" : "latest"}`;
}
