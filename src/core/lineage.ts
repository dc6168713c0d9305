import type { Env } from "../io/terminal";

/** Where a model version came from: the git work tree and the CodeBuild build, when there are. */
export interface GitInfo {
  commit: string;
  /** Undefined on a detached HEAD. */
  branch?: string;
  dirty: boolean;
  remote?: string;
}

export interface Lineage {
  /** For CustomerMetadataProperties, most useful first. */
  entries: Array<[string, string]>;
  /** For SageMaker's own MetadataProperties (CommitId, Repository, GeneratedBy). */
  metadataProperties: { CommitId?: string; Repository?: string; GeneratedBy?: string };
}

/**
 * Query parameters that carry credentials in remote URLs (GitLab's private_token, access_token,
 * a presigned signature…): their values are replaced by ****.
 */
export const CREDENTIAL_QUERY = /([?&](?:[\w-]*token|password|passwd|pwd|secret|[\w-]*key|sig|signature|auth[\w-]*|credential[\w-]*)=)[^&#\s"']*/gi;

/**
 * https://user:token@host/x.git → https://host/x.git, and ?private_token=… → ?private_token=****:
 * a remote URL may carry credentials (with @ inside, or in its query string).
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/i, "$1").replace(CREDENTIAL_QUERY, "$1****");
}

export function lineageFrom(git: GitInfo | undefined, env: Env, version: string): Lineage {
  const entries: Array<[string, string]> = [["mlops:registered-by", `mlops/${version}`]];
  if (git) {
    entries.push(["mlops:git:commit", git.commit]);
    if (git.branch) entries.push(["mlops:git:branch", git.branch]);
    if (git.dirty) entries.push(["mlops:git:dirty", "true"]);
  }
  const buildArn = env.CODEBUILD_BUILD_ARN;
  const sourceVersion = env.CODEBUILD_RESOLVED_SOURCE_VERSION || env.CODEBUILD_SOURCE_VERSION;
  if (buildArn) entries.push(["mlops:codebuild:build-arn", buildArn]);
  if (sourceVersion) entries.push(["mlops:codebuild:source-version", sourceVersion]);
  if (env.CODEBUILD_INITIATOR) entries.push(["mlops:codebuild:initiator", env.CODEBUILD_INITIATOR]);
  const repository = git?.remote ?? env.CODEBUILD_SOURCE_REPO_URL;
  const metadataProperties: Lineage["metadataProperties"] = {};
  const commit = git?.commit ?? env.CODEBUILD_RESOLVED_SOURCE_VERSION;
  if (commit) metadataProperties.CommitId = commit;
  if (repository) metadataProperties.Repository = withoutCredentials(repository).slice(0, 1024);
  metadataProperties.GeneratedBy = (buildArn ?? `mlops/${version}`).slice(0, 1024);
  return { entries, metadataProperties };
}

/** A short "source" for tables: `git 1a2b3c4 (main)`, `CodeBuild proj:42`, or null when none was recorded. */
export function describeSource(properties: Readonly<Record<string, string>>): string | null {
  const build = properties["mlops:codebuild:build-arn"];
  const commit = properties["mlops:git:commit"] ?? properties["mlops:codebuild:source-version"];
  const parts: string[] = [];
  if (build) parts.push(`CodeBuild ${build.replace(/^arn:[^:]+:codebuild:[^:]+:\d+:build\//, "")}`);
  if (commit) {
    const branch = properties["mlops:git:branch"];
    parts.push(`git ${commit.slice(0, 7)}${branch ? ` (${branch})` : ""}${properties["mlops:git:dirty"] === "true" ? " dirty" : ""}`);
  }
  return parts.length > 0 ? parts.join(", ") : null;
}
