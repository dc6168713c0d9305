import { createHash } from "node:crypto";
import { s3ErrorProfile, ServiceError } from "../errors";
import { header, type SandboxRequest } from "../protocols/request";
import { element, escapeXml, firstElementText } from "../protocols/xml";
import { record } from "../records";
import type { HttpAnswer, OperationContext, ServiceDefinition } from "../service";
import { notificationConfigurationXml, parseNotificationConfiguration, type NotificationConfiguration } from "./s3-notifications";

interface StoredObject {
  /** Base64, so that state files stay JSON. */
  body: string;
  size: number;
  etag: string;
  contentType: string;
  metadata: Record<string, string>;
  /** Epoch milliseconds, sandbox time. */
  modified: number;
}

interface Bucket {
  created: number;
  region: string;
  objects: Record<string, StoredObject>;
  notification?: NotificationConfiguration;
}

export interface S3State {
  buckets: Record<string, Bucket>;
}

interface S3Input {
  Bucket?: string;
  Key?: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
}

type Result = Partial<HttpAnswer>;

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const SUBRESOURCES = new Set([
  "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory", "legal-hold",
  "lifecycle", "location", "logging", "metrics", "notification", "object-lock", "ownershipControls", "policy",
  "policyStatus", "publicAccessBlock", "replication", "requestPayment", "restore", "retention", "select", "tagging",
  "torrent", "uploadId", "uploads", "versioning", "versions", "website", "delete",
]);

const VERBS: Record<string, string> = { GET: "Get", PUT: "Put", DELETE: "Delete", POST: "Post", HEAD: "Head" };
/** Sub-resources whose operation names differ from the query word: ?notification is Get/PutBucketNotificationConfiguration. */
const SUBRESOURCE_NAMES: Record<string, string> = { notification: "NotificationConfiguration" };

function camel(word: string): string {
  return word.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** A percent-encoded path segment; one that does not decode is S3's 400 InvalidURI, not a sandbox bug. */
function uriPart(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ServiceError("InvalidURI", "Couldn't parse the specified URI.", { extra: { URI: segment } });
  }
}

/** Path-style routing: /, /bucket, /bucket/key…, plus sub-resources (?tagging, ?uploads…). */
function route(req: SandboxRequest): { operation: string; input: S3Input } {
  const [, bucketPart = "", ...keyParts] = req.path.split("/");
  const Bucket = bucketPart ? uriPart(bucketPart) : undefined;
  const Key = keyParts.length > 0 && keyParts.join("/") !== "" ? keyParts.map(uriPart).join("/") : undefined;
  const query = Object.fromEntries(req.query);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
  const input: S3Input = { Bucket, Key, query, headers, body: decodeBody(req) };
  const sub = Object.keys(query).find((k) => SUBRESOURCES.has(k));
  const verb = VERBS[req.method] ?? camel(req.method.toLowerCase());
  let operation: string;
  if (!Bucket) operation = req.method === "GET" ? "ListBuckets" : `${verb}Service`;
  else if (sub) operation = `${verb}${Key ? "Object" : "Bucket"}${SUBRESOURCE_NAMES[sub] ?? camel(sub)}`;
  else if (!Key) {
    operation = { GET: query["list-type"] === "2" ? "ListObjectsV2" : "ListObjects", PUT: "CreateBucket", HEAD: "HeadBucket", DELETE: "DeleteBucket" }[req.method] ?? `${verb}Bucket`;
  } else if (req.method === "PUT" && headers["x-amz-copy-source"]) operation = "CopyObject";
  else operation = `${verb}Object`;
  return { operation, input };
}

/**
 * The SDK streams bodies with `aws-chunked` encoding when it adds a trailing checksum:
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`.
 */
function decodeBody(req: SandboxRequest): Buffer {
  const encoding = header(req, "content-encoding") ?? "";
  const sha = header(req, "x-amz-content-sha256") ?? "";
  if (!encoding.includes("aws-chunked") && !sha.startsWith("STREAMING-")) return req.body;
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < req.body.length) {
    const lineEnd = req.body.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = parseInt(req.body.subarray(offset, lineEnd).toString("latin1").split(";")[0]!, 16);
    if (!(size > 0)) break;
    chunks.push(req.body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(chunks);
}

/** Bucket naming rules (general purpose buckets). */
function checkBucketName(name: string): void {
  const valid =
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith("xn--") &&
    !name.endsWith("-s3alias");
  if (!valid) throw new ServiceError("InvalidBucketName", "The specified bucket is not valid.", { extra: { BucketName: name } });
}

type EventContext = { accountId: string; requestId: string; clock: { now(): number } };

/**
 * An event as S3 sends it to EventBridge when the bucket's notification configuration has
 * EventBridgeConfiguration: source aws.s3, resources [bucket ARN], detail version, bucket.name,
 * object (key, sequencer and what the kind adds), request-id, requester, source-ip-address, and
 * the kind's own fields (reason, deletion-type).
 * doc: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html, EventBridge.html
 */
function s3Event(ctx: EventContext, detailType: string, bucket: string, object: Record<string, unknown>, extra: Record<string, string>) {
  return {
    source: "aws.s3",
    detailType,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: "0",
      bucket: { name: bucket },
      object: { ...object, sequencer: ctx.clock.now().toString(16).toUpperCase().padStart(16, "0") },
      "request-id": ctx.requestId,
      requester: ctx.accountId,
      "source-ip-address": "127.0.0.1",
      ...extra,
    },
  };
}

/** "Object Created": object key, size, etag (no quotes); reason PutObject | POST Object | CopyObject | CompleteMultipartUpload. */
const objectCreated = (ctx: EventContext, bucket: string, key: string, size: number, etag: string, reason: string) =>
  s3Event(ctx, "Object Created", bucket, { key, size, etag: etag.replace(/"/g, "") }, { reason });

/**
 * "Object Deleted" by DeleteObject: reason DeleteObject; deletion-type "Permanently Deleted", as
 * for any object of an unversioned bucket (the sandbox's buckets have no versioning).
 */
const objectDeleted = (ctx: EventContext, bucket: string, key: string) =>
  s3Event(ctx, "Object Deleted", bucket, { key }, { reason: "DeleteObject", "deletion-type": "Permanently Deleted" });

/**
 * The bucket a request names, in the region the request was signed for. Bucket names are one
 * namespace across regions, but a bucket lives in one: S3's regional endpoint for another
 * region answers a path-style request for it with 301 PermanentRedirect, naming the bucket's
 * region in the x-amz-bucket-region header (which the SDKs' region redirects read) and its
 * endpoint in the body. The sandbox stands in for the endpoint of the region the request was
 * signed for, so it answers the same. (The global endpoint, s3.amazonaws.com, would answer a
 * request signed for the wrong region with 400 AuthorizationHeaderMalformed instead; the
 * sandbox has no global endpoint.)
 */
function bucketOf(ctx: OperationContext<S3State>, name: string | undefined): Bucket {
  const bucket = name && Object.hasOwn(ctx.state.buckets, name) ? ctx.state.buckets[name] : undefined;
  if (!bucket) throw new ServiceError("NoSuchBucket", "The specified bucket does not exist", { status: 404, extra: { BucketName: name ?? "" } });
  if (bucket.region !== ctx.region) {
    throw new ServiceError("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.", {
      status: 301,
      extra: { Bucket: name!, Endpoint: bucket.region === "us-east-1" ? "s3.amazonaws.com" : `s3.${bucket.region}.amazonaws.com` },
      headers: { "x-amz-bucket-region": bucket.region },
    });
  }
  return bucket;
}

function objectOf(ctx: OperationContext<S3State>, input: S3Input): StoredObject {
  const objects = bucketOf(ctx, input.Bucket).objects;
  const object = Object.hasOwn(objects, input.Key ?? "") ? objects[input.Key ?? ""] : undefined;
  if (!object) throw new ServiceError("NoSuchKey", "The specified key does not exist.", { status: 404, extra: { Key: input.Key ?? "" } });
  return object;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": object.contentType,
    "content-length": String(object.size),
    etag: object.etag,
    "last-modified": new Date(object.modified).toUTCString(),
    "accept-ranges": "bytes",
  };
  for (const [k, v] of Object.entries(object.metadata)) headers[`x-amz-meta-${k}`] = v;
  return headers;
}

/**
 * GetObject's Range header (RFC 9110 single byte range; S3 serves one range per request): the
 * bytes to send, or undefined to send the whole object — as S3 does for a header it cannot read
 * or a list of ranges. A range starting at or past the end is 416 InvalidRange.
 */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (match[1] === "") {
    // bytes=-N: the last N bytes (none for N = 0, which is unsatisfiable).
    const n = Number(match[2]);
    start = n === 0 ? size : Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== "" && Number(match[2]) < start) return undefined;
  }
  if (start >= size) {
    throw new ServiceError("InvalidRange", "The requested range is not satisfiable", { status: 416, extra: { RangeRequested: header!.trim(), ActualObjectSize: String(size) } });
  }
  return { start, end };
}

/** ListObjectsV2 continuation tokens: opaque to callers, readable only by us, so that a made-up one is refused. */
const TOKEN_PREFIX = "mlops-sandbox-v2:";
const continuationToken = (lastKey: string) => Buffer.from(TOKEN_PREFIX + lastKey).toString("base64url");
function keyAfterToken(token: string): string {
  const decoded = Buffer.from(token, "base64url").toString("utf8");
  if (!decoded.startsWith(TOKEN_PREFIX) || continuationToken(decoded.slice(TOKEN_PREFIX.length)) !== token) {
    throw new ServiceError("InvalidArgument", "The continuation token provided is incorrect", { extra: { ArgumentName: "continuation-token" } });
  }
  return decoded.slice(TOKEN_PREFIX.length);
}

const xml = (body: string): Result => ({ headers: { "content-type": "application/xml" }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` });

export const s3: ServiceDefinition<S3State> = {
  name: "s3",
  signingName: "s3",
  arnService: "s3",
  // Bucket names are one namespace across regions; each bucket keeps its region (see bucketOf).
  scope: "account",
  protocol: { kind: "restxml" },
  errors: s3ErrorProfile,
  initialState: () => ({ buckets: record() }),
  route,
  // The request log keeps where an S3 call went, never its body: only the size.
  logInput: (input: S3Input) => ({ Bucket: input.Bucket, Key: input.Key, ...input.query, ...(input.body.length > 0 ? { ContentLength: input.body.length } : {}) }),
  operations: {
    ListBuckets: {
      mutates: false,
      handler: (_input: S3Input, ctx): Result => {
        const buckets = Object.entries(ctx.state.buckets)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, b]) => element("Bucket", element("Name", escapeXml(name)) + element("CreationDate", new Date(b.created).toISOString()) + element("BucketRegion", b.region)))
          .join("");
        const owner = element("Owner", element("ID", ctx.accountId) + element("DisplayName", "mlops-sandbox"));
        return xml(`<ListAllMyBucketsResult xmlns="${XMLNS}">${owner}${element("Buckets", buckets)}</ListAllMyBucketsResult>`);
      },
    },
    CreateBucket: {
      mutates: true,
      handler: (input: S3Input, ctx): Result => {
        const name = input.Bucket!;
        checkBucketName(name);
        const region = firstElementText(input.body.toString("utf8"), "LocationConstraint") || ctx.region;
        if (Object.hasOwn(ctx.state.buckets, name)) {
          // us-east-1 answers 200 to the owner of a us-east-1 bucket for historical reasons; otherwise 409.
          if (ctx.region !== "us-east-1" || ctx.state.buckets[name]!.region !== ctx.region) throw new ServiceError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", { status: 409, extra: { BucketName: name } });
        } else {
          ctx.state.buckets[name] = { created: ctx.clock.now(), region, objects: record() };
        }
        return { headers: { location: `/${name}` } };
      },
    },
    HeadBucket: {
      mutates: false,
      handler: (input: S3Input, ctx): Result => {
        const bucket = bucketOf(ctx, input.Bucket);
        return { headers: { "x-amz-bucket-region": bucket.region } };
      },
    },
    DeleteBucket: {
      mutates: true,
      handler: (input: S3Input, ctx): Result => {
        const bucket = bucketOf(ctx, input.Bucket);
        if (Object.keys(bucket.objects).length > 0) throw new ServiceError("BucketNotEmpty", "The bucket you tried to delete is not empty", { status: 409, extra: { BucketName: input.Bucket! } });
        delete ctx.state.buckets[input.Bucket!];
        return { status: 204 };
      },
    },
    PutObject: {
      mutates: true,
      handler: (input: S3Input, ctx): Result => {
        const bucket = bucketOf(ctx, input.Bucket);
        const key = input.Key!;
        if (Buffer.byteLength(key) > 1024) throw new ServiceError("KeyTooLongError", "Your key is too long", { extra: { Key: key } });
        const etag = `"${createHash("md5").update(input.body).digest("hex")}"`;
        const metadata = Object.fromEntries(
          Object.entries(input.headers)
            .filter(([k]) => k.startsWith("x-amz-meta-"))
            .map(([k, v]) => [k.slice("x-amz-meta-".length), v]),
        );
        bucket.objects[key] = {
          body: input.body.toString("base64"),
          size: input.body.length,
          etag,
          contentType: input.headers["content-type"] || "application/octet-stream",
          metadata,
          modified: ctx.clock.now(),
        };
        if (bucket.notification?.eventBridge) ctx.events.publish(objectCreated(ctx, input.Bucket!, key, input.body.length, etag, "PutObject"));
        return { headers: { etag } };
      },
    },
    GetObject: {
      mutates: false,
      handler: (input: S3Input, ctx): Result => {
        const object = objectOf(ctx, input);
        const body = Buffer.from(object.body, "base64");
        const range = byteRange(input.headers.range, object.size);
        if (!range) return { headers: objectHeaders(object), body };
        const headers = { ...objectHeaders(object), "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${object.size}` };
        return { status: 206, headers, body: body.subarray(range.start, range.end + 1) };
      },
    },
    HeadObject: {
      mutates: false,
      handler: (input: S3Input, ctx): Result => ({ headers: objectHeaders(objectOf(ctx, input)) }),
    },
    DeleteObject: {
      mutates: true,
      handler: (input: S3Input, ctx): Result => {
        const bucket = bucketOf(ctx, input.Bucket);
        const existed = Object.hasOwn(bucket.objects, input.Key!);
        delete bucket.objects[input.Key!];
        // S3 answers 204 whether or not the key existed; the sandbox sends the event only for an object it removed.
        if (existed && bucket.notification?.eventBridge) ctx.events.publish(objectDeleted(ctx, input.Bucket!, input.Key!));
        return { status: 204 };
      },
    },
    ListObjectsV2: {
      mutates: false,
      handler: (input: S3Input, ctx): Result => {
        const bucket = bucketOf(ctx, input.Bucket);
        const q = input.query;
        const prefix = q.prefix ?? "";
        const delimiter = q.delimiter ?? "";
        const maxKeys = q["max-keys"] === undefined ? 1000 : Number(q["max-keys"]);
        if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new ServiceError("InvalidArgument", "Provided max-keys not an integer or within integer range");
        const urlEncode = q["encoding-type"] === "url";
        const encode = (s: string) => escapeXml(urlEncode ? encodeURIComponent(s).replace(/%2F/g, "/") : s);
        let after = q["start-after"] ?? "";
        // A continuation token takes over from StartAfter, as in S3.
        if (q["continuation-token"] !== undefined) after = keyAfterToken(q["continuation-token"]);
        const keys = Object.keys(bucket.objects)
          .filter((k) => k.startsWith(prefix) && k > after)
          .sort();
        const contents: string[] = [];
        const prefixes = new Set<string>();
        let last = "";
        let truncated = false;
        for (const key of keys) {
          const rest = key.slice(prefix.length);
          const cut = delimiter ? rest.indexOf(delimiter) : -1;
          const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
          if (common && prefixes.has(common)) {
            last = key;
            continue;
          }
          if (contents.length + prefixes.size >= maxKeys) {
            truncated = true;
            break;
          }
          last = key;
          if (common) {
            prefixes.add(common);
            continue;
          }
          const o = bucket.objects[key]!;
          contents.push(
            element("Contents", element("Key", encode(key)) + element("LastModified", new Date(o.modified).toISOString()) + element("ETag", escapeXml(o.etag)) + element("Size", String(o.size)) + element("StorageClass", "STANDARD")),
          );
        }
        const body =
          `<ListBucketResult xmlns="${XMLNS}">` +
          element("Name", escapeXml(input.Bucket!)) +
          element("Prefix", encode(prefix)) +
          (delimiter ? element("Delimiter", encode(delimiter)) : "") +
          element("MaxKeys", String(maxKeys)) +
          element("KeyCount", String(contents.length + prefixes.size)) +
          element("IsTruncated", String(truncated)) +
          (urlEncode ? element("EncodingType", "url") : "") +
          (q["continuation-token"] !== undefined ? element("ContinuationToken", escapeXml(q["continuation-token"])) : "") +
          (truncated ? element("NextContinuationToken", continuationToken(last)) : "") +
          (q["start-after"] !== undefined ? element("StartAfter", encode(q["start-after"])) : "") +
          contents.join("") +
          [...prefixes].map((p) => element("CommonPrefixes", element("Prefix", encode(p)))).join("") +
          `</ListBucketResult>`;
        return xml(body);
      },
    },
    GetBucketNotificationConfiguration: {
      mutates: false,
      handler: (input: S3Input, ctx): Result => xml(notificationConfigurationXml(bucketOf(ctx, input.Bucket).notification, XMLNS)),
    },
    PutBucketNotificationConfiguration: {
      mutates: true,
      handler: (input: S3Input, ctx): Result => {
        const bucket = bucketOf(ctx, input.Bucket);
        // The whole configuration is replaced; an empty one clears it.
        const config = parseNotificationConfiguration(input.body.toString("utf8"), input.Bucket!);
        bucket.notification = config.destinations.length > 0 || config.eventBridge ? config : undefined;
        return {};
      },
    },
  },
};


