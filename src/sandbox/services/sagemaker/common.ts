import { ProductionVariantInstanceType } from "@aws-sdk/client-sagemaker";
import { jsonErrorProfile } from "../../errors";
import { paginate } from "../../paginate";
import { int, list, required, str, struct } from "../../validate";

export const errors = jsonErrorProfile();

/** SageMaker names: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const NAME_PATTERN = /[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/;
/** Model names (ModelName in the API model): letters, digits and hyphens, no hyphen at either end. */
export const MODEL_NAME_PATTERN = /[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?/;
/** A model package's name, or its ARN with an optional version (VersionedArnOrName). */
export const VERSIONED_NAME_OR_ARN = /(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\/[0-9]{1,9})?/;
/** Descriptions (EntityDescription). */
export const DESCRIPTION = /[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*/u;
export const ROLE_ARN = /arn:aws[a-z\-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_\/]+/;
export const TAG_CHARS = /([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)/u;
/** SageMaker's TagList: Key 1–128 and Value 0–256 characters, both required; at most 50 tags. */
export const tagList = list(struct({ Key: required(str({ min: 1, max: 128, pattern: TAG_CHARS })), Value: required(str({ max: 256, pattern: TAG_CHARS })) }), { max: 50 });
/** A name, or the ARN of the resource. */
export const NAME_OR_ARN = /(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)/;
/** ProductionVariantInstanceType: the enum of the SageMaker model (the SDK is generated from it). */
export const INSTANCE_TYPES: readonly string[] = Object.values(ProductionVariantInstanceType);
/** Small on purpose, so that code which forgets NextToken fails against the sandbox. */
export const DEFAULT_PAGE_SIZE = 10;

export const sortSpec = {
  SortBy: str({ enum: ["Name", "CreationTime"] }),
  SortOrder: str({ enum: ["Ascending", "Descending"] }),
  MaxResults: int({ min: 1, max: 100 }),
  NextToken: str({ max: 8192 }),
};

/** `name` or `arn:…:type/name` → name. */
export function nameFrom(nameOrArn: string): string {
  return nameOrArn.includes("/") ? nameOrArn.slice(nameOrArn.lastIndexOf("/") + 1) : nameOrArn;
}

/** Dates in event details are epoch milliseconds, as SageMaker sends them. */
export function forEvent(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(forEvent);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, forEvent(v)]));
  }
  return value;
}

/**
 * SageMaker's List* order: CreationTime (or Name), in `defaultOrder` unless asked otherwise. Each
 * List call documents its own default SortOrder: Descending for ListModels, ListEndpointConfigs and
 * ListEndpoints; Ascending for ListModelPackages and ListModelPackageGroups (the model's SortOrder docs).
 */
export function sorted<T extends { created: number }>(
  items: T[],
  byName: (t: T) => string,
  input: { SortBy?: string; SortOrder?: string },
  tieBreak: (a: T, b: T) => number,
  defaultOrder: "Ascending" | "Descending" = "Descending",
): T[] {
  const sign = (input.SortOrder ?? defaultOrder) === "Descending" ? -1 : 1;
  const compare = input.SortBy === "Name" ? (a: T, b: T) => byName(a).localeCompare(byName(b)) || tieBreak(a, b) : (a: T, b: T) => a.created - b.created || tieBreak(a, b);
  return items.sort((a, b) => compare(a, b) * sign);
}

/** One page of a List* answer, its token bound to the query's filters. */
export const page = <T>(items: T[], input: { MaxResults?: number; NextToken?: string }) => {
  const { MaxResults, NextToken, ...filters } = input;
  return paginate(items, { maxResults: MaxResults, nextToken: NextToken, ...filters }, { defaultPageSize: DEFAULT_PAGE_SIZE, invalidToken: (m) => errors.validation(m) });
};

/** The filters SageMaker's List* calls share: NameContains and a creation-time window. */
export const nameAndTimeFilters = {
  NameContains: str({ max: 63, pattern: /[a-zA-Z0-9-]+/ }),
  CreationTimeAfter: { type: "timestamp" as const },
  CreationTimeBefore: { type: "timestamp" as const },
};

export interface NameAndTimeFilter {
  NameContains?: string;
  /** Epoch seconds, as the JSON protocol sends timestamps. */
  CreationTimeAfter?: number;
  CreationTimeBefore?: number;
  SortBy?: string;
  SortOrder?: string;
  MaxResults?: number;
  NextToken?: string;
}

/** Records named `name`, created at `created` (epoch ms), filtered, sorted and paged as SageMaker's List* calls do. */
export function listByName<T extends { name: string; created: number }>(records: Iterable<T>, input: NameAndTimeFilter): { page: T[]; nextToken?: string } {
  const after = input.CreationTimeAfter === undefined ? -Infinity : input.CreationTimeAfter * 1000;
  const before = input.CreationTimeBefore === undefined ? Infinity : input.CreationTimeBefore * 1000;
  const matching = [...records].filter((r) => (!input.NameContains || r.name.includes(input.NameContains)) && r.created >= after && r.created < before);
  return page(sorted(matching, (r) => r.name, input, (a, b) => a.name.localeCompare(b.name)), input);
}
