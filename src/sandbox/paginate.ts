import { ServiceError } from "./errors";

/**
 * One page of `items` and the token for the next. Tokens are opaque to callers (base64 of an
 * offset here); a token we did not issue is rejected the way services reject a bad NextToken.
 */
export function paginate<T>(
  items: readonly T[],
  request: { maxResults?: number; nextToken?: string },
  options: { defaultPageSize: number; invalidToken: (message: string) => ServiceError },
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (request.nextToken !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(request.nextToken, "base64url").toString("utf8"));
    if (!decoded) throw options.invalidToken(`Invalid pagination token: ${request.nextToken}`);
    offset = Number(decoded[1]);
  }
  const size = request.maxResults ?? options.defaultPageSize;
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { page, nextToken: Buffer.from(`o${next}`).toString("base64url") } : { page };
}
