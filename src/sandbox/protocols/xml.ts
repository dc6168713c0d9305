/** Just enough XML for the query and REST-XML protocols' responses. */

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

export function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

/** Scalars and nested objects as elements; arrays as <member> items (the query protocol's list style). */
export function toQueryXml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return escapeXml(value.toISOString());
  if (Array.isArray(value)) return value.map((item) => element("member", toQueryXml(item))).join("");
  // Maps (a Map, so that a plain object stays a structure): <entry><key>…</key><value>…</value></entry>.
  if (value instanceof Map) return [...value].map(([k, v]) => element("entry", element("key", escapeXml(String(k))) + element("value", toQueryXml(v)))).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => element(k, toQueryXml(v)))
      .join("");
  }
  return escapeXml(String(value));
}

/** Text of the first <name>…</name>, for the few request bodies the sandbox reads. */
export function firstElementText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match ? match[1]!.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' })[e]!) : undefined;
}

/** An element of a parsed XML document: its name (namespace prefix kept), children and text. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|amp|apos|quot|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' } as Record<string, string>)[e]!,
  );

/**
 * Parse a request body's XML into elements (attributes, comments and the declaration are
 * dropped), for the REST-XML request bodies the sandbox reads whole. Returns undefined when the
 * document is not well-formed: the caller answers with its service's MalformedXML error.
 */
export function parseXml(xml: string): XmlElement | undefined {
  const tokens = xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, "").split(/(<[^>]*>)/);
  const root: XmlElement = { name: "", children: [], text: "" };
  const stack = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    const tag = /^<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>$/.exec(token);
    if (!tag) {
      if (token.startsWith("<")) return undefined;
      top.text += unescapeXml(token);
    } else if (tag[1]) {
      if (top.name !== tag[2] || stack.length === 1) return undefined;
      stack.pop();
    } else {
      const element: XmlElement = { name: tag[2]!, children: [], text: "" };
      top.children.push(element);
      if (!tag[3]) stack.push(element);
    }
  }
  return stack.length === 1 && root.children.length === 1 ? root.children[0] : undefined;
}
