import { UsageError } from "../errors";

/** Patterns and limits of AWS names and identifiers, from the service models (aws-facts.md). */

/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, … */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** An http(s) URL with a host: the scheme, then at least one character that is not "/" or a space. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]/.test(value) && URL.canParse(value);
}

const READ_ONLY = /^(Describe|List|Get|Head|Search|BatchGet|BatchDescribe|Query|Scan|Select|Test|Validate)/;

/** Whether an AWS operation only reads, by AWS's naming convention. */
export function isReadOnlyOperation(operation: string): boolean {
  return READ_ONLY.test(operation);
}

/** SageMaker resource names (groups, endpoints, models…): `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const RESOURCE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function isResourceName(name: string): boolean {
  return RESOURCE_NAME.test(name);
}

export function checkResourceName(flag: string, name: string): string {
  if (name.length > 63) throw new UsageError(`${flag} "${name}" is ${name.length} characters; the limit is 63`);
  if (!RESOURCE_NAME.test(name)) {
    throw new UsageError(`${flag} "${name}" must be letters, digits and inner hyphens, starting and ending with a letter or digit`, {
      hint: "pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    });
  }
  return name;
}

export interface S3Uri {
  bucket: string;
  key: string;
}

const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/key` with a valid bucket name and a non-empty key. */
export function parseS3Uri(flag: string, uri: string): S3Uri {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new UsageError(`${flag} "${uri}" must be an S3 URI of an object: s3://bucket/key`);
  const [, bucket, key] = match as unknown as [string, string, string];
  if (!BUCKET.test(bucket)) throw new UsageError(`${flag} "${uri}": "${bucket}" is not a valid S3 bucket name (3–63 lower-case letters, digits, dots, hyphens)`);
  if (Buffer.byteLength(key) > 1024) throw new UsageError(`${flag} "${uri}": the key is longer than 1024 bytes`);
  if (uri.length > 1024) throw new UsageError(`${flag} is longer than 1024 characters`);
  return { bucket, key };
}

/** `s3://bucket` or `s3://bucket/some/prefix/`: a place to write under (the key may be empty). */
export function parseS3Prefix(flag: string, uri: string): S3Uri {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match) throw new UsageError(`${flag} "${uri}" must be an S3 location: s3://bucket/prefix/`);
  const [, bucket, key = ""] = match as unknown as [string, string, string | undefined];
  if (!BUCKET.test(bucket)) throw new UsageError(`${flag} "${uri}": "${bucket}" is not a valid S3 bucket name (3–63 lower-case letters, digits, dots, hyphens)`);
  if (uri.length > 512) throw new UsageError(`${flag} is longer than 512 characters`);
  return { bucket, key };
}

/**
 * A container image URI: registry host, repository, optional tag or digest. ECR's
 * `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` is the usual form.
 */
const IMAGE = /^([a-z0-9.-]+\.[a-z]{2,}|[a-z0-9.-]+:\d+|localhost(:\d+)?)\/[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/;

export function checkImageUri(flag: string, uri: string): string {
  if (uri.length > 255) throw new UsageError(`${flag} is ${uri.length} characters; the limit is 255`);
  if (!IMAGE.test(uri)) {
    throw new UsageError(`${flag} "${uri}" is not an image URI`, {
      hint: "e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4 or …/churn@sha256:<digest>",
    });
  }
  return uri;
}

/**
 * Real-time instance types: `ml.<family>.<size>`, and one SageMaker knows when the caller
 * passes the service's list (the SDK's ProductionVariantInstanceType).
 */
export function checkInstanceType(flag: string, type: string, known?: readonly string[]): string {
  if (!/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(type)) throw new UsageError(`${flag} "${type}" is not a SageMaker instance type such as ml.m5.large`);
  if (known && !known.includes(type)) {
    const family = type.split(".")[1];
    const sizes = known.filter((k) => k.split(".")[1] === family);
    throw new UsageError(`${flag} "${type}" is not an instance type SageMaker hosts`, {
      hint: sizes.length > 0 ? `${family} comes in: ${sizes.join(", ")}` : "see https://aws.amazon.com/sagemaker/pricing/ for the instance types",
    });
  }
  return type;
}

/** Free text SageMaker accepts in descriptions and reasons: printable characters, no control characters. */
export function checkText(flag: string, text: string, max: number): string {
  if (text.length > max) throw new UsageError(`${flag} is ${text.length} characters; the limit is ${max}`);
  if (!/^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u.test(text)) throw new UsageError(`${flag} may not contain control characters such as newlines or tabs`);
  return text;
}

/** `KEY=VALUE` pairs from repeated flags. */
/**
 * KEY=VALUE pairs of a repeatable flag. A key given twice with different values is refused
 * (UsageError): the last one winning silently would hide a mistake.
 */
export function parsePairs(flag: string, pairs: readonly string[]): Array<[string, string]> {
  const seen = new Map<string, string>();
  return pairs.map((pair) => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} "${pair}" must be KEY=VALUE`);
    const [key, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
    if (seen.has(key) && seen.get(key) !== value) throw new UsageError(`${flag} ${key} was given twice with different values ("${seen.get(key)}", "${value}"); give it once`);
    seen.set(key, value);
    return [key, value];
  });
}

/** Container environment: ≤ 16 entries, keys `[a-zA-Z_][a-zA-Z0-9_]*` ≤ 1024, values ≤ 1024. */
export function checkEnvironment(flag: string, pairs: ReadonlyArray<[string, string]>): Record<string, string> {
  if (pairs.length > 16) throw new UsageError(`${flag}: ${pairs.length} variables; a container takes at most 16`);
  for (const [key, value] of pairs) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,1023}$/.test(key)) throw new UsageError(`${flag} "${key}": names are letters, digits and _, not starting with a digit`);
    if (value.length > 1024) throw new UsageError(`${flag} ${key}: the value is ${value.length} characters; the limit is 1024`);
  }
  return Object.fromEntries(pairs);
}
