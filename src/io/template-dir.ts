import { existsSync, statSync } from "node:fs";
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { MlopsError, UsageError } from "../errors";
import type { InitAnswers, InitView } from "../core/init-choices";
import { parseManifest, selectFiles, type TemplateManifest } from "../core/init-manifest";
import { renderFiles, type RenderedFile } from "../core/init-render";

/**
 * Template folders on disk: the built-in ones under the package's templates/, and a team's own
 * (`--template DIR`), each laid out as `template.yaml` + `files/`.
 */

export const MANIFEST_FILE = "template.yaml";
/** A template file larger than this is refused (templates are text, a few KiB each). */
const MAX_TEMPLATE_FILE_BYTES = 1024 * 1024;

/**
 * The package's templates/ folder: found by walking up from this module (src/io/ in tests, dist/
 * or dist/chunks/ once built) to the folder holding package.json.
 */
export function builtinTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "templates");
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), "..", "templates");
}

export interface TemplateInfo {
  name: string;
  description: string;
  path: string;
}

/** The templates under a folder (the built-in one by default), by name, with their description. */
export async function listTemplates(root = builtinTemplatesDir()): Promise<TemplateInfo[]> {
  let entries: string[];
  try {
    entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const found: TemplateInfo[] = [];
  for (const name of entries.sort()) {
    const path = join(root, name);
    if (!existsSync(join(path, MANIFEST_FILE))) continue;
    const { manifest } = await loadManifest(path);
    found.push({ name, description: manifest.description, path });
  }
  return found;
}

/**
 * Which template `--template VALUE` names: a folder (relative to `cwd`) holding a template.yaml, or
 * the name of a built-in template; none given: the built-in `default`.
 */
export async function resolveTemplate(value: string | undefined, cwd: string): Promise<{ name: string; path: string; builtin: boolean }> {
  const builtins = builtinTemplatesDir();
  if (value === undefined) {
    const path = join(builtins, "default");
    // Not the caller's input: the install is broken (exit 1).
    if (!existsSync(join(path, MANIFEST_FILE))) throw new MlopsError(`the built-in template is missing (${join(path, MANIFEST_FILE)}): this mlops install is incomplete`, { hint: "reinstall mlops, or give --template DIR" });
    return { name: "default", path, builtin: true };
  }
  const local = resolve(cwd, value);
  if (existsSync(local) && statSync(local).isDirectory()) {
    if (!existsSync(join(local, MANIFEST_FILE))) throw new UsageError(`--template ${value}: no ${MANIFEST_FILE} in ${local}`, { hint: "a template folder holds template.yaml and files/ (see `mlops init --list-templates` for the built-in ones)" });
    return { name: basename(local), path: local, builtin: false };
  }
  if (/^[a-z0-9][a-z0-9-]*$/.test(value) && existsSync(join(builtins, value, MANIFEST_FILE))) return { name: value, path: join(builtins, value), builtin: true };
  const known = (await listTemplates(builtins)).map((t) => t.name);
  throw new UsageError(`--template ${value}: no such folder${known.length > 0 ? `, nor a built-in template (${known.join(", ")})` : ""}`);
}

async function loadManifest(dir: string): Promise<{ manifest: TemplateManifest; file: string }> {
  const file = join(dir, MANIFEST_FILE);
  const text = await readTemplateFile(file, file);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  return { manifest: parseManifest(data, file), file };
}

/** Read a template file: a regular file (not a symlink, which could point anywhere), at most 1 MiB. */
async function readTemplateFile(path: string, shown: string): Promise<string> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    throw new UsageError(`${shown}: no such file`);
  }
  if (info.isSymbolicLink()) throw new UsageError(`${shown} is a symbolic link: template files must be regular files inside the template folder`);
  if (!info.isFile()) throw new UsageError(`${shown} is not a regular file`);
  if (info.size > MAX_TEMPLATE_FILE_BYTES) throw new UsageError(`${shown} is ${info.size} bytes; template files are at most 1 MiB`);
  return readFile(path, "utf8");
}

/** A template folder read into memory: its manifest and the text of every file it lists. */
export interface LoadedTemplate {
  dir: string;
  /** The manifest's path, for messages. */
  file: string;
  manifest: TemplateManifest;
  /** Text by source path (under files/). */
  sources: ReadonlyMap<string, string>;
}

/**
 * Read a template folder: the manifest checked, and every file it lists read from files/ (a
 * regular file, not a link; no folder on the way that leads out of files/). Throws UsageError for
 * a bad template folder. Nothing is rendered.
 */
export async function loadTemplate(dir: string): Promise<LoadedTemplate> {
  const { manifest, file } = await loadManifest(dir);
  const filesDir = await realpath(join(dir, "files")).catch(() => {
    throw new UsageError(`${join(dir, "files")}: no such folder (a template keeps its files there)`);
  });
  // files/ itself as a link could lead anywhere (files -> /etc).
  if ((await lstat(join(dir, "files"))).isSymbolicLink()) throw new UsageError(`${join(dir, "files")} is a symbolic link: a template's files/ must be a folder of its own`);
  const sources = new Map<string, string>();
  for (const entry of manifest.files) {
    const source = entry.source ?? entry.path;
    if (sources.has(source)) continue;
    const full = join(filesDir, ...source.split("/"));
    // A folder on the way that is a link could lead out of files/.
    const real = await realpath(dirname(full)).catch(() => dirname(full));
    if (real !== filesDir && !real.startsWith(filesDir + sep)) throw new UsageError(`${file}: files/${source} is outside the template's files/ folder (through ${relative(filesDir, real)})`);
    sources.set(source, await readTemplateFile(full, `${dir}/files/${source}`));
  }
  return { dir, file, manifest, sources };
}

/**
 * The files a loaded template gives for these answers, rendered and each parsed (see
 * renderFiles). No I/O: render one loaded template for many answers.
 */
export function renderLoaded(template: LoadedTemplate, answers: InitAnswers, view: InitView): RenderedFile[] {
  const selected = selectFiles(template.manifest, answers, template.file);
  return renderFiles(selected.map(({ path, source }) => ({ path, source, text: template.sources.get(source)! })), view);
}

/**
 * Load a template folder and render the files these answers select. Nothing is written. Throws
 * UsageError for a bad template folder, MlopsError (exit 1) for a file that does not parse once
 * rendered.
 */
export async function renderTemplate(dir: string, answers: InitAnswers, view: InitView): Promise<{ manifest: TemplateManifest; files: RenderedFile[] }> {
  const template = await loadTemplate(dir);
  return { manifest: template.manifest, files: renderLoaded(template, answers, view) };
}
