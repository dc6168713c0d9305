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
