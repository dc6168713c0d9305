import { AwsError, CredentialsError, InterruptedError, MlopsError, UsageError } from "../errors";

/** AWS error codes that mean "who you are" or "what you may do", not "what you asked". */
const CREDENTIAL_CODES = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "ExpiredToken",
  "ExpiredTokenException",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "AccessDenied",
  "AccessDeniedException",
  "AuthFailure",
  "TokenRefreshRequired",
  "NotAuthorized",
]);

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "EAI_AGAIN"]);

const CREDENTIALS_HINT = "sign in (`aws sso login`), choose a profile (--profile or AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

export function isCredentialsCode(code: string): boolean {
  return CREDENTIAL_CODES.has(code);
}

/** Turn whatever the SDK threw into one of our errors, naming the operation. */
export function fromAwsError(error: unknown, operation: string): MlopsError {
  if (error instanceof MlopsError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? "Error";
  const message = e.message ?? String(error);
  if (name === "AbortError") return new InterruptedError(`interrupted during ${operation}`, { cause: error });
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message)) {
    return new CredentialsError(`no AWS credentials found for ${operation}`, { hint: CREDENTIALS_HINT, cause: error });
  }
  if (/region is missing/i.test(message)) {
    return new UsageError("no AWS region set", { hint: "pass --region, set AWS_REGION, or put `region:` in mlops.yaml", cause: error });
  }
  const requestId = e.$metadata?.requestId;
  if (CREDENTIAL_CODES.has(name)) {
    return new CredentialsError(`${operation} was refused: ${name}: ${message}${requestId ? ` (request id ${requestId})` : ""}`, {
      hint: name.startsWith("AccessDenied") ? "the identity lacks a permission this command needs" : CREDENTIALS_HINT,
      cause: error,
    });
  }
  const networkCode = e.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (networkCode && NETWORK_CODES.has(networkCode)) {
    return new AwsError(operation, networkCode, "cannot reach the AWS endpoint", undefined, {
      hint: "check the network, or --endpoint-url / AWS_ENDPOINT_URL if you point at a sandbox",
      cause: error,
    });
  }
  return new AwsError(operation, name, message, requestId, { cause: error });
}

/** Run one AWS call; any failure comes back as our error naming the operation. */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAwsError(error, operation);
  }
}

/** AWS error codes that mean "slow down": ThrottlingException, Throttling, TooManyRequestsException, RequestLimitExceeded, SlowDown. */
const THROTTLING_CODE = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

/** Whether an AWS error code (AwsError.code, an SDK error's name) says "slow down" rather than "no". */
export function isThrottlingCode(code: string): boolean {
  return THROTTLING_CODE.test(code);
}

export interface OutlastThrottlingOptions {
  /** Waits this many milliseconds; rejects to stop (Ctrl-C). */
  sleep: (ms: number) => Promise<void>;
  /** Further tries after the first one has been throttled (each with the SDK's own attempts); default 3. */
  retries?: number;
  /** First wait in milliseconds, doubled before each further try; default 2000. */
  firstWaitMs?: number;
  /** Told before each wait, with its length in milliseconds. */
  onThrottled?: (waitMs: number) => void;
  /** 0 ≤ x < 1, for the jitter; Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * Run `call`; when AWS still throttles it after the SDK's own retries (an AwsError whose code
 * says so), wait and run it again, at most `retries` more times. Waits double from
 * `firstWaitMs`, each between half and all of its nominal length (jitter, so that callers
 * throttled together do not come back together). Any other error, and the last throttling
 * error, is thrown unchanged: a bounded wait, never an endless one.
 */
export async function outlastThrottling<T>(call: () => Promise<T>, options: OutlastThrottlingOptions): Promise<T> {
  const { retries = 3, firstWaitMs = 2000, random = Math.random } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= retries || !(error instanceof AwsError && isThrottlingCode(error.code))) throw error;
      const waitMs = Math.round(firstWaitMs * 2 ** attempt * (0.5 + random() / 2));
      options.onThrottled?.(waitMs);
      await options.sleep(waitMs);
    }
  }
}
