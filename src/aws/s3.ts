import {
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  type NotificationConfiguration,
} from "@aws-sdk/client-s3";
import type { S3Uri } from "../core/aws-names";
import { UsageError } from "../errors";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

function client(aws: AwsClients): S3Client {
  // A custom endpoint (a sandbox, MinIO) has no per-bucket host names: address buckets by path.
  return aws.get(S3Client, { forcePathStyle: aws.endpointFor("S3") !== undefined });
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === "NoSuchKey" || name === "NotFound" || name === "NoSuchBucket";
}

/**
 * The object's text, at most `maxBytes` long; a missing or oversized object is the caller's input
 * error (UsageError naming the flag). The size is read from the response before its body.
 */
export async function readObjectText(aws: AwsClients, flag: string, uri: S3Uri, maxBytes: number): Promise<string> {
  try {
    const out = await client(aws).send(new GetObjectCommand({ Bucket: uri.bucket, Key: uri.key }));
    if ((out.ContentLength ?? 0) > maxBytes) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new UsageError(`${flag}: s3://${uri.bucket}/${uri.key} is ${out.ContentLength} bytes; at most ${maxBytes} are read`);
    }
    return (await out.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (isMissing(error)) throw new UsageError(`${flag}: s3://${uri.bucket}/${uri.key} does not exist`);
    return callAws("s3:GetObject", () => Promise.reject(error));
  }
}

/** Whether the object is there: "unknown" when we may not look (403), which is not proof of absence. */
export async function objectExists(aws: AwsClients, uri: S3Uri): Promise<"yes" | "no" | "unknown"> {
  try {
    await client(aws).send(new HeadObjectCommand({ Bucket: uri.bucket, Key: uri.key }));
    return "yes";
  } catch (error) {
    if (isMissing(error)) return "no";
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) return "unknown";
    return callAws("s3:HeadObject", () => Promise.reject(error));
  }
}

/**
 * The bucket's whole notification configuration (topic, queue, Lambda and EventBridge), or
 * undefined when the bucket does not exist (NoSuchBucket).
 */
export async function getBucketNotifications(aws: AwsClients, bucket: string): Promise<NotificationConfiguration | undefined> {
  try {
    const { $metadata: _, ...config } = await client(aws).send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    return config;
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchBucket") return undefined;
    return callAws("s3:GetBucketNotificationConfiguration", () => Promise.reject(error));
  }
}

/**
 * PutBucketNotificationConfiguration: REPLACES the bucket's whole configuration, so callers pass
 * what they read and merged. The destinations already there are not re-validated
 * (SkipDestinationValidation): mlops did not change them, and one deleted since would otherwise
 * block the change mlops makes.
 */
export async function putBucketNotifications(aws: AwsClients, bucket: string, config: NotificationConfiguration): Promise<void> {
  await callAws("s3:PutBucketNotificationConfiguration", () =>
    client(aws).send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config, SkipDestinationValidation: true })),
  );
}
