import { randomUUID } from "node:crypto";
import { queryErrorProfile, ServiceError } from "../errors";
import { paginate } from "../paginate";
import type { OperationContext, ServiceDefinition } from "../service";
import { list, required, str, struct, type Spec } from "../validate";

/**
 * SNS (query protocol, 2010-03-31), just enough to be a notification target: topics, their
 * attributes and tags, and Publish. The sandbox has no subscribers to deliver to: every message
 * published is kept in a delivery log (the sandbox's `snsDeliveries()`, GET /_mlops/sns-deliveries)
 * for tests and `mlops sandbox` users to read.
 */

export interface Topic {
  name: string;
  arn: string;
  attributes: Record<string, string>;
  tags: Array<{ Key: string; Value: string }>;
}

export interface SnsState {
  topics: Record<string, Topic>;
}

/** One message published to a topic. */
export interface SnsDelivery {
  time: string;
  region: string;
  topicArn: string;
  messageId: string;
  subject?: string;
  message: string;
  messageAttributes?: Record<string, unknown>;
}

/** Kept in memory, oldest first, at most `limit` entries. */
export class SnsDeliveryLog {
  private entries: SnsDelivery[] = [];
  constructor(private readonly limit = 10_000) {}
  add(delivery: SnsDelivery): void {
    this.entries.push(delivery);
    if (this.entries.length > this.limit) this.entries.shift();
  }
  list(filter: { topicArn?: string } = {}): SnsDelivery[] {
    return this.entries.filter((d) => !filter.topicArn || d.topicArn === filter.topicArn);
  }
  clear(): void {
    this.entries = [];
  }
}

type Ctx = OperationContext<SnsState>;

/** doc: SNS quotas, 100,000 standard topics per account; sandbox keeps it smaller. */
const MAX_TOPICS = 1000;
/** ListTopics: "returns a list of up to 100 topics" (API reference). */
const TOPICS_PAGE = 100;
/** doc: 256 KiB per message (Publish API reference). */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_TAGS = 50;
/** CreateTopic: "Constraints: … up to 256 characters … uppercase and lowercase ASCII letters, numbers, underscores, and hyphens … FIFO topic name must end with the .fifo suffix". */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;

/** InvalidParameter, 400 (botocore InvalidParameterException). "Invalid parameter: Topic Name" is AWS's text, quoted in public CLI/SDK output (e.g. Publish to a subscription ARN). */
const invalid = (message: string) => new ServiceError("InvalidParameter", `Invalid parameter: ${message}`);
/** NotFound, 404 (botocore NotFoundException); text from AWS CLI output quoted in public scripts: "An error occurred (NotFound) when calling the GetTopicAttributes operation: Topic does not exist". */
const notFound = () => new ServiceError("NotFound", "Topic does not exist", { status: 404 });
/** ResourceNotFound, 404 (botocore ResourceNotFoundException); the text is moto's (not found quoted from AWS). */
const resourceNotFound = () => new ServiceError("ResourceNotFound", "Resource does not exist", { status: 404 });
/** A topic ARN: arn:<partition>:sns:<region>:<account>:<topic name>. */
const TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:([^:]+)$/;

const TAGS: Spec = list(struct({ Key: required(str({ min: 1, max: 128 })), Value: required(str({ max: 256 })) }));
const ATTRIBUTES: Spec = { type: "map", value: str() };

/**
 * The topic an ARN names. An ARN that cannot name a topic (a subscription ARN, two ARNs pasted
 * together) is InvalidParameter "Topic Name", as AWS answers it; a well-formed ARN of no topic is NotFound.
 */
function topicOf(ctx: Ctx, arn: string): Topic {
  checkTopicArn(arn);
  const topic = Object.hasOwn(ctx.state.topics, arn) ? ctx.state.topics[arn] : undefined;
  if (!topic) throw notFound();
  return topic;
}

function checkTopicArn(arn: string): void {
  const name = TOPIC_ARN.exec(arn)?.[1];
  if (name === undefined || !TOPIC_NAME.test(name)) throw invalid("Topic Name");
}

/** The topic a tagging call names (ResourceNotFound when there is none). */
function taggedTopic(ctx: Ctx, arn: string): Topic {
  const t = Object.hasOwn(ctx.state.topics, arn) ? ctx.state.topics[arn] : undefined;
  if (!t) throw resourceNotFound();
  return t;
}

function tagged(existing: Topic["tags"], tags: Topic["tags"]): Topic["tags"] {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of tags) merged.set(t.Key, t.Value);
  // TagLimitExceeded, 400 (botocore); text as moto's tests pin it and the ballerina SNS connector's tests (run against AWS) expect it.
  if (merged.size > MAX_TAGS) throw new ServiceError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded");
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

export function createSns(deliveries: SnsDeliveryLog): ServiceDefinition<SnsState> {
  return {
    name: "sns",
    signingName: "sns",
    arnService: "sns",
    protocol: { kind: "query", xmlns: "http://sns.amazonaws.com/doc/2010-03-31/", version: "2010-03-31" },
    errors: { ...queryErrorProfile, unknownOperation: (operation) => new ServiceError("InvalidAction", `Could not find operation ${operation} for version 2010-03-31`) },
    initialState: () => ({ topics: {} }),
    operations: {
      CreateTopic: {
        mutates: true,
        input: { Name: required(str()), Attributes: ATTRIBUTES, Tags: TAGS, DataProtectionPolicy: str() },
        handler(input: { Name: string; Attributes?: Record<string, string>; Tags?: Topic["tags"] }, ctx: Ctx) {
          if (!TOPIC_NAME.test(input.Name)) throw invalid("Topic Name");
          const fifo = input.Name.endsWith(".fifo");
          if ((input.Attributes?.FifoTopic === "true") !== fifo) throw invalid("Topic Name");
          const arn = ctx.arn(input.Name);
          const existing = Object.hasOwn(ctx.state.topics, arn) ? ctx.state.topics[arn] : undefined;
          // Idempotent: the same name answers the same ARN (CreateTopic API reference), unless the request
          // contradicts the topic: an attribute with another value, or a tag the topic does not have
          // (AWS's texts, quoted in public error handling and migration notes; LocalStack's tests pin the same).
          if (existing) {
            for (const [k, v] of Object.entries(input.Attributes ?? {}))
              if (Object.hasOwn(existing.attributes, k) && existing.attributes[k] !== v) throw invalid("Attributes Reason: Topic already exists with different attributes");
            if ((input.Tags ?? []).some((t) => !existing.tags.some((e) => e.Key === t.Key && e.Value === t.Value)))
              throw invalid("Tags Reason: Topic already exists with different tags");
            return { TopicArn: arn };
          }
          if (Object.keys(ctx.state.topics).length >= MAX_TOPICS) throw new ServiceError("TopicLimitExceeded", "Topic limit exceeded", { status: 403 }); // 403: botocore TopicLimitExceededException; text not found quoted
          ctx.state.topics[arn] = { name: input.Name, arn, attributes: { ...(input.Attributes ?? {}) }, tags: tagged([], input.Tags ?? []) };
          return { TopicArn: arn };
        },
      },
      ListTopics: {
        mutates: false,
        input: { NextToken: str() },
        handler(input: { NextToken?: string }, ctx: Ctx) {
          const arns = Object.keys(ctx.state.topics).sort();
          const { page, nextToken } = paginate(arns, { nextToken: input.NextToken }, { defaultPageSize: TOPICS_PAGE, invalidToken: () => invalid("NextToken") });
          return { Topics: page.map((TopicArn) => ({ TopicArn })), ...(nextToken ? { NextToken: nextToken } : {}) };
        },
      },
      GetTopicAttributes: {
        mutates: false,
        input: { TopicArn: required(str()) },
        handler(input: { TopicArn: string }, ctx: Ctx) {
          const t = topicOf(ctx, input.TopicArn);
          const attributes = new Map<string, string>([
            ["TopicArn", t.arn],
            ["Owner", ctx.accountId],
            ["DisplayName", t.attributes.DisplayName ?? ""],
            ["SubscriptionsConfirmed", "0"],
            ["SubscriptionsPending", "0"],
            ["SubscriptionsDeleted", "0"],
            ...Object.entries(t.attributes).filter(([k]) => k !== "DisplayName"),
          ]);
          return { Attributes: attributes };
        },
      },
      Publish: {
        mutates: true,
        input: {
          TopicArn: str(),
          TargetArn: str(),
          PhoneNumber: str(),
          Message: required(str()),
          Subject: str(),
          MessageStructure: str(),
          MessageAttributes: { type: "map", value: struct({ DataType: required(str()), StringValue: str(), BinaryValue: { type: "blob" } }) },
          MessageDeduplicationId: str(),
          MessageGroupId: str(),
        },
        handler(input: { TopicArn?: string; TargetArn?: string; PhoneNumber?: string; Message: string; Subject?: string; MessageAttributes?: Record<string, unknown> }, ctx: Ctx) {
          const arn = input.TopicArn ?? input.TargetArn;
          if (!arn) throw invalid(input.PhoneNumber ? "PhoneNumber Reason: the mlops sandbox sends no SMS" : "TopicArn or TargetArn Reason: no value for required parameter");
          // AWS's texts, each quoted in public AWS CLI output or tests recorded against AWS: "Invalid parameter:
          // Subject" / "Empty message" / "Message too long". Subject (Publish API reference): under 100
          // characters, no line breaks or control characters. Checked before the topic is looked up.
          if (input.Subject !== undefined && (input.Subject.length === 0 || input.Subject.length >= 100 || /[\u0000-\u001f\u007f]/.test(input.Subject))) throw invalid("Subject");
          if (input.Message.length === 0) throw invalid("Empty message");
          if (Buffer.byteLength(input.Message) > MAX_MESSAGE_BYTES) throw invalid("Message too long");
          const topic = topicOf(ctx, arn);
          const messageId = randomUUID();
          deliveries.add({
            time: ctx.clock.date().toISOString(),
            region: ctx.region,
            topicArn: topic.arn,
            messageId,
            ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
            message: input.Message,
            ...(input.MessageAttributes ? { messageAttributes: input.MessageAttributes } : {}),
          });
          return { MessageId: messageId };
        },
      },
      DeleteTopic: {
        mutates: true,
        input: { TopicArn: required(str()) },
        handler(input: { TopicArn: string }, ctx: Ctx) {
          // Deleting a topic that does not exist succeeds (DeleteTopic API reference: "This action is
          // idempotent"); an ARN that names no topic at all is refused like everywhere else.
          checkTopicArn(input.TopicArn);
          delete ctx.state.topics[input.TopicArn];
          return {};
        },
      },
      TagResource: {
        mutates: true,
        input: { ResourceArn: required(str({ min: 1, max: 1011 })), Tags: { ...TAGS, required: true } },
        handler(input: { ResourceArn: string; Tags: Topic["tags"] }, ctx: Ctx) {
          const t = taggedTopic(ctx, input.ResourceArn);
          t.tags = tagged(t.tags, input.Tags);
          return {};
        },
      },
      ListTagsForResource: {
        mutates: false,
        input: { ResourceArn: required(str({ min: 1, max: 1011 })) },
        handler(input: { ResourceArn: string }, ctx: Ctx) {
          return { Tags: taggedTopic(ctx, input.ResourceArn).tags };
        },
      },
      UntagResource: {
        mutates: true,
        input: { ResourceArn: required(str({ min: 1, max: 1011 })), TagKeys: list(str({ min: 1, max: 128 }), { required: true }) },
        handler(input: { ResourceArn: string; TagKeys: string[] }, ctx: Ctx) {
          const t = taggedTopic(ctx, input.ResourceArn);
          // Keys the topic does not have are ignored.
          t.tags = t.tags.filter((tag) => !input.TagKeys.includes(tag.Key));
          return {};
        },
      },
    },
  };
}
