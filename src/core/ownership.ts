/**
 * Ownership: what mlops creates carries tags that say so, and cleanup deletes nothing else.
 * A name alone proves nothing (two endpoints may share a prefix, a user may reuse a name); the
 * tags say which endpoint's rollouts made a resource. Tag values allow letters, digits, spaces
 * and `_ . : / = + - @` (SageMaker and CloudWatch alike), which endpoint names, config names and
 * rollout ids all fit.
 */

export const OWNER_TAG_KEYS = {
  createdBy: "mlops:created-by",
  endpoint: "mlops:endpoint",
  rollout: "mlops:rollout-id",
  /** On endpoint configs: the config that served when this one was made for a rollout (the way back). */
  previousConfig: "mlops:previous-config",
} as const;

export const CREATED_BY = "mlops";

/** The tags of a resource made by rollout `rolloutId` of `endpoint`. */
export function ownerTags(endpoint: string, rolloutId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [OWNER_TAG_KEYS.createdBy]: CREATED_BY, [OWNER_TAG_KEYS.endpoint]: endpoint, [OWNER_TAG_KEYS.rollout]: rolloutId, ...extra };
}

/** Whether a resource with these tags was made by mlops for this endpoint. */
export function isOwnedBy(tags: Readonly<Record<string, string>>, endpoint: string): boolean {
  return tags[OWNER_TAG_KEYS.createdBy] === CREATED_BY && tags[OWNER_TAG_KEYS.endpoint] === endpoint;
}

/** Tags as the SDKs take them. */
export function tagList(tags: Readonly<Record<string, string>>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
