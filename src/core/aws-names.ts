/** Patterns and limits of AWS names and identifiers, from the service models (aws-facts.md). */

/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, … */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value);
}
