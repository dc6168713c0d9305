import { z } from "zod";
import { UsageError } from "../errors";
import { CHOICE_KEYS, INIT_CHOICES, type ChoiceKey, type InitAnswers } from "./init-choices";

/**
 * A template's manifest (`template.yaml`) and the rules for the paths in it. Pure: the caller reads
 * the file. Layout: `<template>/template.yaml` and `<template>/files/<source>`.
 *
 * ```yaml
 * description: One line shown by --list-templates.
 * files:
 *   - path: src/train.py                # where it goes in the project
 *     source: src/train.sklearn.py      # under files/ (default: the same as path)
 *     when: { framework: [sklearn] }    # every key listed must match one of its values
 * ```
 */

/**
 * A relative path inside the project (or inside files/): forward slashes, no empty, `.` or `..`
 * segment, not absolute (nor a Windows drive or UNC path), no backslash, no control character, no
 * `.git` segment (a template must not write git hooks), no placeholder. Returns the problem, or
 * undefined when the path is safe.
 */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return "is empty";
  if (path.length > 1024) return "is longer than 1024 characters";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is absolute: paths are relative to the project";
  if (path.includes("\\")) return "holds a backslash: use / between folders";
  if (/[\u0000-\u001f\u007f]/.test(path)) return "holds a control character";
  if (path.includes("{{") || path.includes("}}")) return "holds a placeholder: paths are plain (use `when` to choose files)";
  const segments = path.split("/");
  if (segments.includes("..")) return 'climbs out with "..": a template writes only inside the project';
  if (segments.some((s) => s === "" || s === ".")) return 'has an empty or "." folder';
  if (segments.some((s) => s.toLowerCase() === ".git")) return "writes into .git";
  return undefined;
}

const relativePath = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: `"${path}" ${problem}` });
});

const when = z
  .strictObject(Object.fromEntries(CHOICE_KEYS.map((key) => [key, z.array(z.enum(INIT_CHOICES[key].values as unknown as [string, ...string[]])).min(1).optional()])) as Record<ChoiceKey, z.ZodOptional<z.ZodArray<z.ZodEnum>>>)
  .describe("Each key listed must match one of its values.");

export const templateManifest = z.strictObject({
  description: z.string().min(1).max(200).refine((d) => !/[\r\n]/.test(d), "must be one line"),
  files: z
    .array(
      z.strictObject({
        path: relativePath,
        source: relativePath.optional(),
        when: when.optional(),
      }),
    )
    .min(1),
});
export type TemplateManifest = z.infer<typeof templateManifest>;
export type ManifestFile = TemplateManifest["files"][number];

/** Check a parsed template.yaml; a problem is a UsageError naming the file and the key path. */
export function parseManifest(data: unknown, file: string): TemplateManifest {
  const parsed = templateManifest.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`, { hint: "see `mlops init --help` and the README (### mlops init, --template) for the layout" });
  }
  return parsed.data;
}

/** Whether a file's `when` holds for these answers: every key listed matches one of its values. */
export function whenHolds(condition: ManifestFile["when"], answers: Pick<InitAnswers, ChoiceKey>): boolean {
  if (!condition) return true;
  return CHOICE_KEYS.every((key) => condition[key] === undefined || condition[key]!.includes(answers[key]));
}

export interface SelectedFile {
  /** Where it goes, relative to the project. */
  path: string;
  /** Under files/. */
  source: string;
}

/**
 * The files these answers get, in manifest order. Two files for the same path (or for paths that
 * differ only in case, which collide on macOS and Windows) is a broken template (UsageError).
 */
export function selectFiles(manifest: TemplateManifest, answers: Pick<InitAnswers, ChoiceKey>, file: string): SelectedFile[] {
  const selected = manifest.files.filter((f) => whenHolds(f.when, answers)).map((f) => ({ path: f.path, source: f.source ?? f.path }));
  const seen = new Map<string, string>();
  for (const { path } of selected) {
    const key = path.toLowerCase();
    if (seen.has(key)) throw new UsageError(`${file}: two files go to ${path === seen.get(key) ? path : `${seen.get(key)} and ${path}`} for these choices: make their \`when\` exclusive`);
    seen.set(key, path);
  }
  // A file where another needs a folder ("a" and "a/b") cannot both be written.
  for (const { path } of selected) {
    const parts = path.toLowerCase().split("/");
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      if (seen.has(prefix)) throw new UsageError(`${file}: ${seen.get(prefix)} is a file, but ${path} needs it to be a folder`);
    }
  }
  return selected;
}
