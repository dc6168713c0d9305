import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Sandbox } from "../../src/sandbox/index";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/index";
import { sdkConfig } from "./sandbox";

/**
 * One call to the sandbox's SNS over the query protocol, written out by hand: for requests the
 * SDK would not send as they are (flat query parameters, malformed input). The sandbox reads the
 * service and region from the SigV4 credential scope; it checks no signatures.
 * Resolves to the XML answer; rejects with an Error named by SNS's error code.
 */
export async function snsCall(sandbox: Sandbox, action: string, params: Record<string, string> = {}): Promise<string> {
  const credential = `${SANDBOX_CREDENTIALS.accessKeyId}/20260101/${sandbox.region}/sns/aws4_request`;
  const res = await fetch(sandbox.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=0` },
    body: new URLSearchParams({ Action: action, Version: "2010-03-31", ...params }).toString(),
  });
  const text = await res.text();
  if (res.ok) return text;
  const error = new Error(/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text);
  error.name = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "UnknownError";
  throw error;
}

/** CreateTopic through the AWS SDK, answering the topic's ARN. */
export async function createTopic(sandbox: Sandbox, name: string): Promise<string> {
  const client = new SNSClient(sdkConfig(sandbox));
  try {
    return (await client.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  } finally {
    client.destroy();
  }
}
