import Mustache from "mustache";
import { parseDocument, type Tags } from "yaml";
import { MlopsError, UsageError } from "../errors";
import type { InitView } from "./init-choices";

/**
 * Rendering a template's files with mustache, escaping each value for the format of the file it
 * goes into, and checking that what comes out still parses. Pure: text in, text out.
 */

/** Formats whose placeholders sit inside double-quoted strings: JSON, YAML and Python all read JSON's escapes there. */
const QUOTED_FORMATS = [".json", ".yaml", ".yml", ".py"];

/** The escape for an output path: JSON string escaping without the quotes, or none (.md, .gitignore, .txt…). */
export function escapeFor(path: string): (value: unknown) => string {
  const lower = path.toLowerCase();
  if (QUOTED_FORMATS.some((ext) => lower.endsWith(ext))) return (value) => JSON.stringify(String(value)).slice(1, -1);
  return (value) => String(value);
}

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

/**
 * Refuse what a template may not use: unescaped values (`{{{x}}}`, `{{&x}}`, whatever the
 * delimiters), partials, and names the view does not have (mustache would render a typo as
 * nothing). Changing the delimiters (`{{=<% %>=}}`) is allowed: a file that needs a literal `{{`,
 * such as an Airflow DAG with Jinja macros (`{{ ds }}`), can switch. A problem is a UsageError
 * naming the source file and the tag.
 */
export function checkTemplateText(text: string, view: InitView, source: string): void {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(text) as unknown as Token[];
  } catch (error) {
    throw new UsageError(`template file ${source}: ${(error as Error).message}`);
  }
  const walk = (list: Token[]) => {
    for (const [type, value, start, , children] of list) {
      const at = `template file ${source}, at character ${start}`;
      if (type === "&") throw new UsageError(`${at}: {{{${value}}}} or {{&${value}}} is not allowed: every value is escaped for its file's format`);
      if (type === ">") throw new UsageError(`${at}: partials ({{>${value}}}) are not used`);
      if ((type === "name" || type === "#" || type === "^") && !Object.hasOwn(view, value)) {
        throw new UsageError(`${at}: {{${type === "name" ? "" : type}${value}}} is not a value init knows`, { hint: `known: ${Object.keys(view).join(", ")}` });
      }
      // Only sections ({{#x}}, {{^x}}) have children.
      if (children) walk(children);
    }
  };
  walk(tokens);
}

/** Render one file's text for `path` (which sets the escape). Call checkTemplateText first. */
export function renderText(text: string, view: InitView, path: string): string {
  return Mustache.render(text, view, {}, { escape: escapeFor(path) });
}

/** CloudFormation's short-form intrinsic functions, as YAML tags (scalar, sequence or mapping forms). */
const CFN_FUNCTIONS = ["And", "Base64", "Cidr", "Condition", "Equals", "FindInMap", "GetAZs", "GetAtt", "If", "ImportValue", "Join", "Not", "Or", "Ref", "Select", "Split", "Sub", "Transform", "ToJsonString", "Length"];

/** Custom tags for the `yaml` package that accept CloudFormation's short forms (`!Ref X`, `!Sub [..]`, `!If {..}`). */
export const CFN_YAML_TAGS: Tags = CFN_FUNCTIONS.flatMap((name) => {
  const tag = `!${name}`;
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  return [
    { tag, resolve: (value: string) => ({ [key]: value }) },
    { tag, collection: "seq" as const, resolve: (value: unknown) => ({ [key]: value }) },
    { tag, collection: "map" as const, resolve: (value: unknown) => ({ [key]: value }) },
  ];
}) as Tags;

/**
 * A rendered file that must parse: `.json` with JSON.parse, `.yaml`/`.yml` with the yaml package
 * (CloudFormation short tags allowed; any other unknown tag is an error). Returns the problem, or
 * undefined; other formats are not checked here.
 */
export function parseProblem(path: string, text: string): string | undefined {
  const lower = path.toLowerCase();
  const kind = lower.endsWith(".json") ? "json" : lower.endsWith(".yaml") || lower.endsWith(".yml") ? "yaml" : undefined;
  if (!kind) return undefined;
  // Rendering many answers (a template's tests render all 432) yields the same text again and
  // again; parsing a large CloudFormation file costs tens of ms each time.
  const key = `${kind}\0${text}`;
  // Stryker disable next-line ConditionalExpression: a memo: parsing again gives the same answer
  if (PARSED.has(key)) return PARSED.get(key);
  const problem = parseText(kind, text);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the memo's bound: dropping more or fewer old answers changes only the time taken
  if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value!);
  PARSED.set(key, problem);
  return problem;
}

/** The answers parseProblem remembers, oldest dropped first. */
const PARSED = new Map<string, string | undefined>();
const PARSED_MAX = 64;

function parseText(kind: "json" | "yaml", text: string): string | undefined {
  if (kind === "json") {
    try {
      JSON.parse(text);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
  const doc = parseDocument(text, { customTags: CFN_YAML_TAGS, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  return problem ? problem.message : undefined;
}

/** A rendered file, ready to write. */
export interface RenderedFile {
  path: string;
  text: string;
}

/**
 * Render every selected file and check that each parses. A template that uses what is not allowed
 * is a UsageError; a file that does not parse once rendered is a broken template (MlopsError, exit
 * 1), naming the file: nothing is written.
 */
export function renderFiles(files: ReadonlyArray<{ path: string; source: string; text: string }>, view: InitView): RenderedFile[] {
  return files.map(({ path, source, text }) => {
    checkTemplateText(text, view, source);
    const rendered = renderText(text, view, path);
    const problem = parseProblem(path, rendered);
    if (problem) throw new MlopsError(`the template is broken: ${path} (from files/${source}) does not parse once rendered: ${problem}`, { hint: "nothing was written; fix the template file" });
    return { path, text: rendered };
  });
}
