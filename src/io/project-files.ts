import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, parse } from "node:path";
import { MlopsError, UsageError } from "../errors";

/**
 * Writing a rendered project: what each file would be (created or overwritten), checked before
 * anything is written, and atomic writes (a temporary file in the same folder, then a rename).
 * No symbolic link inside the project is followed: a link where a folder or a file goes is refused.
 */

export type WriteAction = "created" | "overwritten";

export interface PlannedWrite {
  /** Relative to the project, with forward slashes. */
  path: string;
  action: WriteAction;
}

/** The project folder: whether it exists, and what it holds (names only, first level). */
export async function projectFolder(root: string, shown: string): Promise<{ exists: boolean; entries: string[] }> {
  let info;
  try {
    info = await lstat(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { exists: false, entries: [] };
    throw new UsageError(`${shown}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  // The folder given may itself be a link the user made; what is inside it is checked below.
  if (info.isSymbolicLink()) info = await stat(root).catch(() => info!);
  if (!info.isDirectory()) throw new UsageError(`${shown} exists and is not a folder`);
  return { exists: true, entries: await readdir(root) };
}

async function kind(path: string): Promise<"absent" | "file" | "folder" | "link" | "other"> {
  try {
    const info = await lstat(path);
    return info.isSymbolicLink() ? "link" : info.isDirectory() ? "folder" : info.isFile() ? "file" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return "absent";
    throw error;
  }
}

/**
 * What writing `paths` under `root` would do, each file created or overwritten. Refused
 * (UsageError, nothing written): a symbolic link where a folder or a file of the project goes, a
 * file where a folder goes, a folder where a file goes.
 */
export async function planWrites(root: string, paths: readonly string[]): Promise<PlannedWrite[]> {
  const plan: PlannedWrite[] = [];
  for (const path of paths) {
    const parts = path.split("/");
    let at = root;
    for (let i = 0; i < parts.length - 1; i++) {
      at = join(at, parts[i]!);
      const found = await kind(at);
      if (found === "absent") break;
      const folder = parts.slice(0, i + 1).join("/");
      if (found === "link") throw new UsageError(`${folder} in the project is a symbolic link: init does not write through links (it could lead outside the project)`, { hint: `remove or rename ${folder}, then run init again` });
      if (found !== "folder") throw new UsageError(`${folder} in the project is a file, but the template puts ${path} in a folder of that name`);
    }
    const target = await kind(join(root, ...parts));
    if (target === "link") throw new UsageError(`${path} in the project is a symbolic link: init does not write through links`, { hint: `remove ${path}, then run init again` });
    if (target === "folder" || target === "other") throw new UsageError(`${path} in the project is ${target === "folder" ? "a folder" : "not a regular file"}; the template writes a file there`);
    plan.push({ path, action: target === "file" ? "overwritten" : "created" });
  }
  return plan;
}

/**
 * Write a file atomically: a new temporary file beside it (never an existing one), then a rename
 * over the target. A file replaced keeps its permissions (an executable script stays executable).
 */
export async function writeAtomic(target: string, text: string): Promise<void> {
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.mlops-tmp`);
  try {
    const mode = await stat(target).then((s) => s.mode & 0o7777, () => 0o644);
    await writeFile(temporary, text, { flag: "wx", mode: 0o644 });
    if (mode !== 0o644) await chmod(temporary, mode);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** The file an init holds while it writes: a second init into the same folder finds it and stops. */
export const INIT_LOCK = ".mlops-init.lock";

/**
 * Folders made one level at a time, each existing one accepted (at most as many calls as the path
 * has parts). Not `mkdir -p`: Node's recursive mkdir can spin forever where a folder cannot be made
 * (under /proc), beyond the reach of Ctrl-C.
 */
async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let at = folder; at !== parse(at).root; at = dirname(at)) {
    if ((await kind(at)) !== "absent") break;
    missing.unshift(at);
  }
  for (const at of missing) await mkdir(at).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
}

/**
 * Write the files of a plan under `root` (folders made as needed). While it writes it holds
 * INIT_LOCK (created exclusively): another init into the same folder is refused rather than mixing
 * its files in; and an init that expected an empty folder checks, once it holds the lock, that
 * nobody wrote there meanwhile. A failure names what was written before it.
 */
export async function writeProject(root: string, files: ReadonlyArray<{ path: string; text: string }>, options: { expectEmpty: boolean; shown: string }): Promise<void> {
  try {
    await makeFolders(root);
  } catch (error) {
    throw new MlopsError(`cannot make ${options.shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error, hint: "nothing was written" });
  }
  const lock = join(root, INIT_LOCK);
  const held = await open(lock, "wx").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST") throw new UsageError(`another mlops init is writing into ${options.shown}`, { hint: `nothing was written; if no init runs there, remove ${join(options.shown, INIT_LOCK)}` });
    throw new MlopsError(`cannot write into ${options.shown}: ${error.code ?? error.message}`, { cause: error, hint: "nothing was written" });
  });
  try {
    await held.close();
    if (options.expectEmpty && (await readdir(root)).some((entry) => entry !== INIT_LOCK)) {
      throw new UsageError(`${options.shown} is no longer empty: something wrote into it while init was checking`, { hint: "nothing was written; run init again, with --force to write beside what is there" });
    }
    await writeFiles(root, files);
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function writeFiles(root: string, files: ReadonlyArray<{ path: string; text: string }>): Promise<void> {
  const written: string[] = [];
  for (const file of files) {
    const target = join(root, ...file.path.split("/"));
    try {
      await makeFolders(dirname(target));
      await writeAtomic(target, file.text);
    } catch (error) {
      throw new MlopsError(`cannot write ${file.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        cause: error,
        hint: written.length > 0 ? `written before it: ${written.join(", ")}` : "nothing was written",
      });
    }
    written.push(file.path);
  }
}
