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
export class MalformedRequest extends Error {
  /** @param operation the operation the request named anyway (X-Amz-Target, Action), for the log. */
  constructor(
    message: string,
    readonly operation?: string,
  ) {
    super(message);
  }
}

/**
 * How deeply a request body may nest. The deepest input of any implemented operation nests
 * about 8 levels; a deeper body is refused as malformed, so that nothing stored from it can
 * make describing, logging or saving state overflow the stack.
 */
export const MAX_INPUT_DEPTH = 64;

/** Whether `value` nests deeper than MAX_INPUT_DEPTH. Iterative. */
export function nestsTooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth >= MAX_INPUT_DEPTH) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
