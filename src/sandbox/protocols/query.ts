import type { ServiceError } from "../errors";
import type { HttpAnswer, Protocol } from "../service";
import { MalformedRequest, MAX_INPUT_DEPTH, type SandboxRequest } from "./request";
import { element, escapeXml, toQueryXml } from "./xml";

type QueryProtocol = Extract<Protocol, { kind: "query" }>;

/**
 * The query protocol: a form body (or query string) with Action and Version; nested members as
 * `A.B`, lists as `A.member.N`.
 */
export function decodeQueryRequest(req: SandboxRequest): { operation: string; input: Record<string, unknown> } {
  const params = new URLSearchParams(req.method === "GET" ? req.query : req.body.toString("utf8"));
  const operation = params.get("Action");
  if (!operation) throw new MalformedRequest("the request has no Action parameter");
  const input: Record<string, unknown> = Object.create(null);
  for (const [key, value] of params) {
    if (key === "Action" || key === "Version") continue;
    const path = key.split(".");
    if (path.length > MAX_INPUT_DEPTH) throw new MalformedRequest(`parameter ${key.slice(0, 100)}… nests deeper than ${MAX_INPUT_DEPTH} levels`, operation);
    setPath(input, path, value);
  }
  return { operation, input: compactLists(input) as Record<string, unknown> };
}

/** Objects without prototypes: a parameter named `__proto__.x` is a member, not Object.prototype. */
function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  path.forEach((part, i) => {
    if (i === path.length - 1) node[part] = value;
    else {
      const next = node[part];
      node = (next !== null && typeof next === "object" ? next : (node[part] = Object.create(null))) as Record<string, unknown>;
    }
  });
}

/** `{member: {1: a, 2: b}}` → `[a, b]`. */
function compactLists(node: unknown): unknown {
  if (typeof node !== "object" || node === null) return node;
  const record = node as Record<string, unknown>;
  if (record.member && typeof record.member === "object" && Object.keys(record).length === 1) {
    const items = record.member as Record<string, unknown>;
    return Object.keys(items)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => compactLists(items[k]));
  }
  // Maps: `M.entry.N.key` / `M.entry.N.value` → `{key: value}`; some maps name them Name and Value
  // in the model (SNS MessageAttributes).
  if (record.entry && typeof record.entry === "object" && Object.keys(record).length === 1) {
    const entries = Object.values(record.entry as Record<string, Record<string, unknown>>);
    const [k, v] = entries.every((e) => e && typeof e === "object" && typeof e.key === "string") ? ["key", "value"] : ["Name", "Value"];
    if (entries.every((e) => e && typeof e === "object" && typeof e[k] === "string")) return Object.fromEntries(entries.map((e) => [e[k] as string, compactLists(e[v])]));
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, compactLists(v)]));
}

export function encodeQueryResult(protocol: QueryProtocol, operation: string, output: unknown, requestId: string): HttpAnswer {
  const body =
    `<${operation}Response xmlns="${protocol.xmlns}">` +
    element(`${operation}Result`, toQueryXml(output)) +
    element("ResponseMetadata", element("RequestId", requestId)) +
    `</${operation}Response>`;
  return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}

export function encodeQueryError(protocol: QueryProtocol, error: ServiceError, requestId: string): HttpAnswer {
  const body =
    `<ErrorResponse xmlns="${protocol.xmlns}">` +
    element("Error", element("Type", error.fault) + element("Code", escapeXml(error.queryCode ?? error.code)) + element("Message", escapeXml(error.message))) +
    element("RequestId", requestId) +
    `</ErrorResponse>`;
  return { status: error.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}
