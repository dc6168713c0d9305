/** An error the sandbox answers with, in whatever wire format the caller's protocol uses. */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  /** For query-compatible JSON services (CloudWatch): the awsQueryError code, e.g. InvalidParameterValue. */
  readonly queryCode?: string;
  readonly fault: "Sender" | "Receiver";
  /** Extra members some protocols carry (S3: BucketName, Key). */
  readonly extra: Record<string, string>;
  /** Extra response headers (S3: x-amz-bucket-region on a redirect). */
  readonly headers: Record<string, string>;

  constructor(code: string, message: string, options: { status?: number; queryCode?: string; extra?: Record<string, string>; headers?: Record<string, string> } = {}) {
    super(message);
    this.code = code;
    this.status = options.status ?? 400;
    this.queryCode = options.queryCode;
    this.fault = this.status >= 500 ? "Receiver" : "Sender";
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

/** The errors every service needs, spelt the way that service spells them. */
export interface ErrorProfile {
  validation(message: string): ServiceError;
  unknownOperation(operation: string): ServiceError;
  throttling(): ServiceError;
  internal(): ServiceError;
  missingAuthentication(): ServiceError;
  invalidAccessKey(accessKeyId: string): ServiceError;
}

export function jsonErrorProfile(queryCompatible = false, overrides: Partial<ErrorProfile> = {}): ErrorProfile {
  const q = (code: string) => (queryCompatible ? code : undefined);
  const base: ErrorProfile = {
    validation: (message) => new ServiceError("ValidationException", message, { queryCode: q("ValidationError") }),
    unknownOperation: (operation) =>
      new ServiceError("UnknownOperationException", `Operation ${operation} is not supported by the mlops sandbox.`, { queryCode: q("InvalidAction") }),
    throttling: () => new ServiceError("ThrottlingException", "Rate exceeded", { queryCode: q("Throttling") }),
    internal: () => new ServiceError("InternalFailure", "The request processing has failed because of an unknown error.", { status: 500, queryCode: q("InternalFailure") }),
    missingAuthentication: () =>
      new ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", { status: 403, queryCode: q("MissingAuthenticationToken") }),
    invalidAccessKey: () =>
      new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", { status: 403, queryCode: q("InvalidClientTokenId") }),
  };
  return { ...base, ...overrides };
}

export const queryErrorProfile: ErrorProfile = {
  validation: (message) => new ServiceError("ValidationError", message),
  unknownOperation: (operation) => new ServiceError("InvalidAction", `Could not find operation ${operation} for version 2011-06-15`),
  throttling: () => new ServiceError("Throttling", "Rate exceeded"),
  internal: () => new ServiceError("InternalFailure", "The request processing has failed because of an unknown error.", { status: 500 }),
  missingAuthentication: () => new ServiceError("MissingAuthenticationToken", "Request is missing Authentication Token", { status: 403 }),
  invalidAccessKey: () => new ServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", { status: 403 }),
};

export const s3ErrorProfile: ErrorProfile = {
  validation: (message) => new ServiceError("InvalidArgument", message),
  unknownOperation: (operation) => new ServiceError("NotImplemented", `${operation} is not implemented by the mlops sandbox.`, { status: 501 }),
  throttling: () => new ServiceError("SlowDown", "Please reduce your request rate.", { status: 503 }),
  internal: () => new ServiceError("InternalError", "We encountered an internal error. Please try again.", { status: 500 }),
  missingAuthentication: () => new ServiceError("AccessDenied", "Anonymous users cannot access this resource.", { status: 403 }),
  invalidAccessKey: (accessKeyId) =>
    new ServiceError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", {
      status: 403,
      extra: { AWSAccessKeyId: accessKeyId },
    }),
};
