import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

/** SNS, as `mlops trigger` uses it: does a topic exist, and what does its access policy allow. */

/** The topic's attributes (Policy, Owner, …), or undefined when SNS says it does not exist (NotFound). */
export async function getTopicAttributes(aws: AwsClients, topicArn: string): Promise<Record<string, string> | undefined> {
  try {
    const out = await aws.get(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    return out.Attributes ?? {};
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NotFoundException" || name === "NotFound") return undefined;
    return callAws("sns:GetTopicAttributes", () => Promise.reject(error));
  }
}
