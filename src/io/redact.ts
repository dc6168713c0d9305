import { CREDENTIAL_QUERY } from "../core/lineage";
import { SANDBOX_CREDENTIALS } from "../sandbox/credentials";
import type { Env } from "./terminal";

/** Env variables whose values must never reach our output, even with --debug. */
const SECRET_ENV = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_BEARER_TOKEN_SAGEMAKER"];

const SECRET_PATTERNS: RegExp[] = [
  /(Signature=)[0-9a-f]{16,}/gi,
  /(X-Amz-Security-Token=)[^&\s"]+/gi,
  /(X-Amz-Signature=)[0-9a-f]+/gi,
  // The user part of any URL (a git remote with a token, an endpoint with a password), up to the host's @.
  /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi,
  // Credentials in a URL's query string (?private_token=…).
  CREDENTIAL_QUERY,
  /("?(?:SecretAccessKey|SessionToken|secretAccessKey|sessionToken|aws_secret_access_key|aws_session_token)"?\s*[:=]\s*"?)[^"\s,}]+/g,
];

export type Redactor = (text: string) => string;

export function createRedactor(env: Env): Redactor {
  // The sandbox's dummy secret is printed on purpose, for `export` lines.
  const literals = SECRET_ENV.map((name) => env[name]).filter((v): v is string => !!v && v.length >= 8 && v !== SANDBOX_CREDENTIALS.secretAccessKey);
  return (text) => {
    let out = text;
    for (const secret of literals) out = out.split(secret).join("****");
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, (_match, prefix: string) => (prefix.includes("://") ? `${prefix}****@` : `${prefix}****`));
    return out;
  };
}
