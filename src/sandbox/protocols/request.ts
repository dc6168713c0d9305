import type { IncomingHttpHeaders } from "node:http";

/** A request as the sandbox sees it, body already read. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A body the codec could not read: the protocol's serialization error. */
export class MalformedRequest extends Error {}
