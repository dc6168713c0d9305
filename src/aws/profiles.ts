import { CredentialsError } from "../errors";

/**
 * The profiles in the shared AWS config and credentials files (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials), read by the same code
 * the SDK uses, so "not found" here means the SDK will not find it either. Unreadable files count
 * as empty: the SDK has other credential sources.
 */
export async function knownProfiles(): Promise<string[]> {
  const { loadSharedConfigFiles } = await import("@smithy/core/config");
  const files = await loadSharedConfigFiles({ ignoreCache: true }).catch(() => ({ configFile: {}, credentialsFile: {} }));
  return [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])];
}

/** How to fix a named profile that is missing: create it, or use one that exists. */
export function missingProfileHint(name: string, known: readonly string[]): string {
  return `create it with \`aws configure --profile ${name}\`${known.length > 0 ? `, or use one of: ${known.join(", ")}` : ""}`;
}

/**
 * A credentials failure with a named profile that does not exist says so: the SDK's own message
 * ("Could not load credentials from any providers") does not name the profile. Other errors, and
 * a profile that exists, pass through unchanged.
 */
export async function explainMissingProfile(error: unknown, profile: { value: string; source: string } | undefined): Promise<unknown> {
  if (!(error instanceof CredentialsError) || !profile) return error;
  const known = await knownProfiles();
  if (known.includes(profile.value)) return error;
  return new CredentialsError(`profile "${profile.value}" (from ${profile.source}) is not in the AWS config or credentials file`, {
    hint: missingProfileHint(profile.value, known),
    cause: error,
  });
}
