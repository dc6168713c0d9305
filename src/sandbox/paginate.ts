import { createHash } from "node:crypto";
import { ServiceError } from "./errors";

/**
 * One page of `items` and the token for the next. Tokens are opaque to callers (base64 of an
 * offset here); a token we did not issue is rejected the way services reject a bad NextToken.
 */
export function paginate<T>(
  items: readonly T[],
  request: { maxResults?: number; nextToken?: string; [filter: string]: unknown },
  options: { defaultPageSize: number; invalidToken: (message: string) => ServiceError },
): { page: T[]; nextToken?: string } {
  // A token belongs to the query that issued it: reusing it with other filters is an error, as in AWS.
  const { maxResults: _m, nextToken: _n, ...filters } = request;
  const fingerprint = createHash("sha256").update(JSON.stringify(filters)).digest("hex").slice(0, 12);
  let offset = 0;
  if (request.nextToken !== undefined) {
    const decoded = /^o(\d+):([0-9a-f]{12})$/.exec(Buffer.from(request.nextToken, "base64url").toString("utf8"));
    if (!decoded || decoded[2] !== fingerprint) throw options.invalidToken(`Invalid pagination token: ${request.nextToken}`);
    offset = Number(decoded[1]);
  }
  const size = request.maxResults ?? options.defaultPageSize;
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { page, nextToken: Buffer.from(`o${next}:${fingerprint}`).toString("base64url") } : { page };
}
