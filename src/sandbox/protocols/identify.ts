import type { ServiceDefinition } from "../service";
import { header, type SandboxRequest } from "./request";

export interface Caller {
  accessKeyId?: string;
  /** The region the request was signed for: the region whose resources it sees. */
  region?: string;
  signingName?: string;
}

const SCOPE = /Credential=([^/\s,]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** Who signed the request, for which region and service, from the SigV4 credential scope (header or presigned URL). */
export function callerOf(req: SandboxRequest): Caller {
  const authorization = header(req, "authorization");
  const fromHeader = authorization ? SCOPE.exec(authorization) : null;
  if (fromHeader) return { accessKeyId: fromHeader[1], region: fromHeader[2], signingName: fromHeader[3] };
  const presigned = req.query.get("X-Amz-Credential");
  const parts = presigned?.split("/");
  if (parts && parts.length >= 5) return { accessKeyId: parts[0], region: parts[2], signingName: parts[3] };
  return {};
}

/**
 * Which service a request is for: the signing name when signed; otherwise the protocol's own
 * marks (X-Amz-Target, a form body with Action), so that even an unsigned call gets an answer
 * in its own protocol.
 */
export function identifyService(req: SandboxRequest, caller: Caller, services: readonly ServiceDefinition[]): ServiceDefinition | undefined {
  if (caller.signingName) {
    const signed = services.find((s) => s.signingName === caller.signingName);
    if (signed) return signed;
  }
  const target = header(req, "x-amz-target");
  if (target) return services.find((s) => s.protocol.kind === "json" && target.startsWith(`${s.protocol.target}.`));
  const contentType = header(req, "content-type") ?? "";
  if (contentType.startsWith("application/x-www-form-urlencoded") || req.query.has("Action")) {
    return services.find((s) => s.protocol.kind === "query");
  }
  return services.find((s) => s.protocol.kind === "restxml");
}
