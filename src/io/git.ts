import { execFile } from "node:child_process";
import type { GitInfo } from "../core/lineage";

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, timeout: 3_000, windowsHide: true }, (error, stdout) => resolve(error ? undefined : stdout.trim()));
  });
}

/** Facts about the git work tree at `cwd`, or undefined when there is none (or no git). */
export async function readGit(cwd: string): Promise<GitInfo | undefined> {
  if ((await git(cwd, ["rev-parse", "--is-inside-work-tree"])) !== "true") return undefined;
  const [commit, branch, status, remote] = await Promise.all([
    git(cwd, ["rev-parse", "HEAD"]),
    git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]),
    git(cwd, ["status", "--porcelain", "--untracked-files=no"]),
    git(cwd, ["config", "--get", "remote.origin.url"]),
  ]);
  if (!commit) return undefined;
  return { commit, branch: branch && branch !== "HEAD" ? branch : undefined, dirty: !!status, remote: remote || undefined };
}
