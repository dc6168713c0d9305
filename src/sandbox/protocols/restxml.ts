import type { ServiceError } from "../errors";
import type { HttpAnswer } from "../service";
import { element, escapeXml } from "./xml";

/** S3's error document. HEAD answers carry no body, as S3's do; the SDK then goes by status. */
export function encodeRestXmlError(error: ServiceError, requestId: string, method: string): HttpAnswer {
  const headers = { ...error.headers, "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": requestId };
  if (method === "HEAD") return { status: error.status, headers, body: "" };
  const extra = Object.entries(error.extra)
    .map(([k, v]) => element(k, escapeXml(v)))
    .join("");
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    element("Error", element("Code", escapeXml(error.code)) + element("Message", escapeXml(error.message)) + extra + element("RequestId", requestId)) ;
  return { status: error.status, headers, body };
}
