import { jsonErrorProfile } from "../../errors";
import { int, str } from "../../validate";

export const errors = jsonErrorProfile();

/** SageMaker names: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const NAME_PATTERN = /[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/;
/** A name, or the ARN of the resource. */
export const NAME_OR_ARN = /(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)/;
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
