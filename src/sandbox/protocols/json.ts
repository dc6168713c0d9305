import type { ServiceError } from "../errors";
import type { HttpAnswer, Protocol } from "../service";
import { header, MalformedRequest, MAX_INPUT_DEPTH, nestsTooDeep, type SandboxRequest } from "./request";

type JsonProtocol = Extract<Protocol, { kind: "json" }>;

/** AWS JSON 1.0/1.1: POST /, X-Amz-Target: <Target>.<Operation>, JSON body. */
export function decodeJsonRequest(req: SandboxRequest, protocol: JsonProtocol): { operation: string; input: unknown } {
  const target = header(req, "x-amz-target") ?? "";
  const dot = target.lastIndexOf(".");
  const operation = dot >= 0 ? target.slice(dot + 1) : "";
  const named = target.startsWith(`${protocol.target}.`) && operation ? operation : undefined;
  if (req.method !== "POST" || !named) throw new MalformedRequest(`expected POST with X-Amz-Target: ${protocol.target}.<Operation>`, named);
  const text = req.body.toString("utf8").trim();
  let input: unknown;
  try {
    input = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new MalformedRequest("the request body is not valid JSON", named);
  }
  // The JSON protocols send a structure: an object, never a list, a string or null.
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new MalformedRequest("the request body is not a JSON object", named);
  if (nestsTooDeep(input)) throw new MalformedRequest(`the request body nests deeper than ${MAX_INPUT_DEPTH} levels`, named);
  return { operation: named, input };
}

/** Dates go on the wire as epoch seconds, as the JSON protocols define timestamps. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

function contentType(protocol: JsonProtocol): string {
  return `application/x-amz-json-${protocol.version}`;
}

export function encodeJsonResult(protocol: JsonProtocol, output: unknown, requestId: string): HttpAnswer {
  return {
    status: 200,
    headers: { "content-type": contentType(protocol), "x-amzn-requestid": requestId },
    body: JSON.stringify(output ?? {}, replacer),
  };
}

/**
 * Errors: status, `x-amzn-errortype` and `{"__type": "<namespace>#<Code>", "message"}`.
 * Query-compatible services (CloudWatch) add `x-amzn-query-error: <QueryCode>;Sender|Receiver`,
 * which the SDK reads to find the modelled exception and to fill `Error.Code`.
 */
export function encodeJsonError(protocol: JsonProtocol, error: ServiceError, requestId: string): HttpAnswer {
  const headers: Record<string, string> = {
    "content-type": contentType(protocol),
    "x-amzn-requestid": requestId,
    "x-amzn-errortype": error.code,
  };
  if (protocol.queryCompatible) headers["x-amzn-query-error"] = `${error.queryCode ?? error.code};${error.fault}`;
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: `${protocol.namespace}#${error.code}`, message: error.message, ...error.extra }),
  };
}
