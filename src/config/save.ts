import { chmod, lstat, readFile, readlink, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { UsageError } from "../errors";
import { dirname, join, basename } from "node:path";
import type { Document } from "yaml";
import { parseConfigText } from "./load";
import { loadYaml } from "./yaml";

const NEW_FILE_HEADER = "# mlops.yaml: settings for the mlops CLI (see its README)\n";

/**
 * Change mlops.yaml through the yaml Document API, so that comments, key order and every other
 * key stay as they were. The result is validated as mlops reads it before anything is written;
 * the file is replaced in one step (through a symlink to its target), keeping its mode and its
 * line endings. `edit` returns what it changed, in words. Throws UsageError, before writing, for a
 * link to a missing file or a read-only file.
 */
export async function editConfigFile(path: string, edit: (doc: Document) => string[]): Promise<string[]> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  // A link to a file that is gone: writing through it would replace the link with a file.
  const link = await lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
  if (!exists && link) throw new UsageError(`${path} is a symbolic link to ${await readlink(path)}, which does not exist`, { hint: "fix or remove the link, then run again" });
  const target = exists ? await realpath(path) : path;
  // Nobody may write it (root could, but a read-only file says "leave me as I am").
  if (exists && ((await stat(target)).mode & 0o222) === 0) throw new UsageError(`${target} is read-only`, { hint: `make it writable (chmod u+w ${target}) to save into it` });
  const original = exists ? await readFile(target, "utf8") : NEW_FILE_HEADER;
  const crlf = original.includes("\r\n");
  const { parseDocument, isScalar } = await loadYaml();
  const doc = parseDocument(original);
  // An empty section (`endpoint:` alone) is a null scalar, which setIn cannot enter: make it a map.
  for (const pair of (doc.contents as { items?: Array<{ value: unknown }> } | null)?.items ?? []) {
    if (!isScalar(pair.value) || pair.value.value !== null) continue;
    const map = doc.createNode({});
    // Comments that sat under the empty key (its keys commented out) stay at the top of the section.
    map.commentBefore = [pair.value.commentBefore, pair.value.comment].filter(Boolean).join("\n") || undefined;
    pair.value = map;
  }
  const changes = edit(doc);
  let text = String(doc);
  if (crlf) text = text.replace(/\r?\n/g, "\r\n");
  // Never write a file mlops itself would refuse to read.
  await parseConfigText(text, path);

  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    // chmod, not writeFile's mode: the umask would narrow it.
    await chmod(temp, exists ? (await stat(target)).mode & 0o7777 : 0o644);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  return changes;
}
