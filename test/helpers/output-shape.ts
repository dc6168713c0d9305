import type { ServiceModel, Shape } from "./aws-models";

/**
 * Whether what the sandbox answered has the model's output shape: every member it sends exists in
 * the model, with the model's type, and enum values from the model's set. Works on the wire form:
 * JSON bodies, and XML bodies (query and REST-XML) parsed by `parseXml`.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

/** Just enough XML for AWS responses: elements and text; attributes and declarations are skipped. */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: "#document", children: [], text: "" };
  const stack = [root];
  for (const [, close, name, selfClose, text] of xml.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|([^<]+)|<[?!][^>]*>/g)) {
    const top = stack[stack.length - 1]!;
    if (text !== undefined) top.text += text.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ENTITIES[e]!);
    else if (!name) continue;
    else if (close) stack.pop();
    else {
      const element: XmlElement = { name, children: [], text: "" };
      top.children.push(element);
      if (!selfClose) stack.push(element);
    }
  }
  return root;
}

const SCALAR_JSON: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  integer: (v) => Number.isInteger(v),
  long: (v) => Number.isInteger(v),
  float: (v) => typeof v === "number",
  double: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  // JSON protocols send timestamps as epoch seconds.
  timestamp: (v) => typeof v === "number",
  blob: (v) => typeof v === "string",
};

const SCALAR_XML: Record<string, (t: string) => boolean> = {
  string: () => true,
  integer: (t) => /^-?\d+$/.test(t),
  long: (t) => /^-?\d+$/.test(t),
  float: (t) => !Number.isNaN(Number(t)),
  double: (t) => !Number.isNaN(Number(t)),
  boolean: (t) => t === "true" || t === "false",
  // XML protocols send ISO 8601.
  timestamp: (t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(t),
  blob: (t) => /^[A-Za-z0-9+/]*={0,2}$/.test(t),
};

function enumDrift(shape: Shape, value: string, path: string): string[] {
  return shape.enum && !shape.enum.includes(value) ? [`${path}: "${value}" is not in the model's enum`] : [];
}

/** Differences between a JSON output and the model shape, as readable lines. */
export function jsonOutputDrift(model: ServiceModel, shapeName: string, value: unknown, path: string): string[] {
  const shape = model.shapes[shapeName]!;
  if (value === null) return [`${path}: null (AWS omits absent members)`];
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${path}: ${JSON.stringify(value)} is not a structure`];
      const record = value as Record<string, unknown>;
      const absent = (shape.required ?? []).filter((name) => record[name] === undefined).map((name) => `${path}.${name}: required by the model, absent`);
      return absent.concat(
        Object.entries(record).flatMap(([k, v]) => {
          const ref = shape.members?.[k];
          return ref ? jsonOutputDrift(model, ref.shape, v, `${path}.${k}`) : [`${path}.${k}: not in the model's ${shapeName}`];
        }),
      );
    }
    case "list":
      return Array.isArray(value) ? value.flatMap((item, i) => jsonOutputDrift(model, shape.member!.shape, item, `${path}[${i}]`)) : [`${path}: not a list`];
    case "map":
      return typeof value === "object" && !Array.isArray(value)
        ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => jsonOutputDrift(model, shape.value!.shape, v, `${path}{${k}}`))
        : [`${path}: not a map`];
    default:
      if (!SCALAR_JSON[shape.type]!(value)) return [`${path}: ${JSON.stringify(value)} is not a ${shape.type}`];
      return typeof value === "string" ? enumDrift(shape, value, path) : [];
  }
}

/** The XML element name of a member: its locationName, else its own name. */
function elementName(name: string, ref: { locationName?: string }): string {
  return ref.locationName ?? name;
}

/** Differences between an XML element and the model shape (query and REST-XML rules for lists). */
export function xmlOutputDrift(model: ServiceModel, shapeName: string, element: XmlElement, path: string): string[] {
  const shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case "structure": {
      const members = Object.entries(shape.members ?? {}).filter(([, ref]) => !ref.location);
      const drift = (shape.required ?? [])
        .filter((name) => members.some(([n]) => n === name) && !element.children.some((c) => c.name === elementName(name, shape.members![name]!)))
        .map((name) => `${path}.${name}: required by the model, absent`);
      for (const child of element.children) {
        const match = members.find(([name, ref]) => elementName(name, ref) === child.name || (model.shapes[ref.shape]!.flattened && model.shapes[ref.shape]!.member!.locationName === child.name));
        if (!match) {
          drift.push(`${path}.${child.name}: not in the model's ${shapeName}`);
          continue;
        }
        const [name, ref] = match;
        const memberShape = model.shapes[ref.shape]!;
        // A flattened list repeats its items in place; each item is one element.
        if (memberShape.type === "list" && (memberShape.flattened || ref.flattened)) drift.push(...xmlOutputDrift(model, memberShape.member!.shape, child, `${path}.${name}[]`));
        else drift.push(...xmlOutputDrift(model, ref.shape, child, `${path}.${name}`));
      }
      return drift;
    }
    case "list": {
      const itemName = shape.member!.locationName ?? "member";
      return element.children.flatMap((child, i) =>
        child.name === itemName ? xmlOutputDrift(model, shape.member!.shape, child, `${path}[${i}]`) : [`${path}: list item <${child.name}>, the model says <${itemName}>`],
      );
    }
    case "map":
      return [];
    default: {
      if (element.children.length > 0) return [`${path}: has child elements, the model says ${shape.type}`];
      if (!SCALAR_XML[shape.type]!(element.text)) return [`${path}: "${element.text}" is not a ${shape.type}`];
      return enumDrift(shape, element.text, path);
    }
  }
}

/** REST-XML: response headers the sandbox sets (x-amz-*) must be members bound to headers. */
export function headerDrift(model: ServiceModel, shapeName: string, headers: Record<string, string | undefined>, path: string): string[] {
  const shape = model.shapes[shapeName]!;
  const bound = Object.values(shape.members ?? {}).filter((ref) => ref.location === "header" || ref.location === "headers");
  return Object.keys(headers)
    .map((h) => h.toLowerCase())
    .filter((h) => h.startsWith("x-amz-") && h !== "x-amz-request-id" && h !== "x-amz-id-2")
    .filter((h) => !bound.some((ref) => (ref.location === "header" ? ref.locationName!.toLowerCase() === h : h.startsWith(ref.locationName!.toLowerCase()))))
    .map((h) => `${path}: header ${h} is not in the model's ${shapeName}`);
}
