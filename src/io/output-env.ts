import { access, constants, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { mergeEnvFile, type OutputEnvCommand, type OutputEnvValues } from "../core/output-env";
import { UsageError } from "../errors";

/**
 * Write `values` into the --output-env file (see mergeEnvFile: the command's keys replaced, other
 * lines kept). The new text goes to a temporary file beside it, renamed over it, so that a reader
 * never sees half a file. Returns the absolute path. A file that cannot be read or written is a
 * UsageError naming --output-env.
 */
export async function writeOutputEnv<C extends OutputEnvCommand>(command: C, file: string, cwd: string, values: OutputEnvValues<C>): Promise<string> {
  const path = resolve(cwd, file);
  let existing = "";
  try {
    existing = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new UsageError(`--output-env: cannot read ${file}: ${code ?? String(error)}`);
  }
  const text = mergeEnvFile(command, existing, values);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--output-env: cannot write ${file}: ${code ?? String(error)}`);
  }
  return path;
}

/**
 * Check before any AWS call that --output-env can be written: its directory exists and the file,
 * if there is one, is a readable file. The run would otherwise fail after starting a pipeline.
 */
export async function checkOutputEnvTarget(file: string, cwd: string): Promise<void> {
  const path = resolve(cwd, file);
  try {
    const dir = await stat(dirname(path));
    if (!dir.isDirectory()) throw new Error("ENOTDIR");
    await access(dirname(path), constants.W_OK);
  } catch {
    throw new UsageError(`--output-env: cannot write in ${dirname(file) || "."}: no such directory, or not writable`);
  }
  try {
    const existing = await stat(path);
    if (!existing.isFile()) throw new UsageError(`--output-env: ${file} exists and is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
}
