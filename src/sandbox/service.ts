import type { SandboxClock } from "./clock";
import type { ErrorProfile } from "./errors";
import type { EventPublisher } from "./events";
import type { SandboxRequest } from "./protocols/request";
import type { Spec } from "./validate";

/** How a service is spoken on the wire. */
export type Protocol =
  | { kind: "json"; version: "1.0" | "1.1"; target: string; namespace: string; queryCompatible?: boolean }
  | { kind: "query"; xmlns: string; version: string }
  | { kind: "restxml" };

/**
 * What a handler works with: the state of its service in the account and region the call was
 * signed for, and its ARNs and events in that region. Handlers never choose a region.
 */
export interface OperationContext<S> {
  state: S;
  clock: SandboxClock;
  events: EventPublisher;
  accountId: string;
  region: string;
  requestId: string;
  errors: ErrorProfile;
  /** `arn:aws:<service>:<region>:<account>:<resource>` */
  arn(resource: string): string;
  /** Another service's state in the same account and region (SageMaker reading CloudWatch alarms). */
  peer(service: string): unknown;
  /** Set when EventBridge calls the operation as a rule's target: the rule, so services can say who started what. */
  invokedBy?: { ruleArn: string };
}

export interface Operation<S> {
  mutates: boolean;
  /** Checked before the handler runs; a violation is the service's validation error. */
  input?: Record<string, Spec>;
  handler(input: any, ctx: OperationContext<S>): unknown | Promise<unknown>;
}

export interface ServiceDefinition<S = any> {
  /** Our name, used in the request log and fault rules: sts, s3, sagemaker, cloudwatch, events, codepipeline. */
  name: string;
  /** SigV4 signing name, read from the request's credential scope. */
  signingName: string;
  /** The service part of ARNs. */
  arnService: string;
  /**
   * Where its resources live: per account and region (default), or per account across regions
   * (S3, whose bucket names are one namespace and whose buckets each remember their region).
   */
  scope?: "region" | "account";
  protocol: Protocol;
  errors: ErrorProfile;
  initialState(): S;
  operations: Record<string, Operation<S>>;
  /** REST protocols: which operation a method and path mean, and its input. */
  route?(req: SandboxRequest): { operation: string; input: unknown };
  /** What the request log keeps of an input (default: all of it). */
  logInput?(input: any): unknown;
  /** Called for each account and region's state when it is made, loaded or reset, e.g. to restart status machines. */
  attach?(ctx: Omit<OperationContext<S>, "requestId">): void;
}

/** An HTTP answer, as protocol codecs produce it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
