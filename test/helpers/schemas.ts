import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import type { OutputName } from "../../src/schemas/index";
import { ROOT } from "./cli";

/**
 * Check a document the CLI printed against its published JSON Schema, docs/schemas/<name>.schema.json:
 * the file users get, not the zod schema it is generated from, so that a fault in the generation
 * shows too. Formats are not checked (ajv needs a plugin for them); the patterns zod writes beside
 * them (ISO 8601 times) are.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
const validators = new Map<OutputName, ValidateFunction>();

export function validatorFor(name: OutputName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "docs/schemas", `${name}.schema.json`), "utf8")));
    validators.set(name, validate);
  }
  return validate;
}

/** Throws, naming every violation, unless `doc` is what `mlops <name> --json` may print. */
export function expectSchema(name: OutputName, doc: unknown): void {
  const validate = validatorFor(name);
  if (validate(doc)) return;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "(top)"} ${e.message}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ""}`);
  throw new Error(`the --json document does not match docs/schemas/${name}.schema.json:\n  ${errors.join("\n  ")}\ndocument: ${JSON.stringify(doc).slice(0, 2000)}`);
}

/** JSON.parse for a CLI's stdout, checked against the command's schema (which includes the error document). */
export function parseJson(name: OutputName, stdout: string): any {
  const doc: unknown = JSON.parse(stdout);
  expectSchema(name, doc);
  return doc;
}
