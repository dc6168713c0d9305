import { describe, expect, it } from "vitest";
import { callAws, fromAwsError } from "../../src/aws/errors";
import { appendToMessage, AwsError, CredentialsError, DeclinedError, ERROR_NAMES, exitCodeOf, GateError, MissingInputError, MlopsError, publicNameOf, RolledBackError, SettledInterruptError, UsageError, WaitTimeoutError, InterruptedError } from "../../src/errors";
import { errorDocument } from "../../src/report-error";
import { TakenOverError } from "../../src/rollout/traffic";

function sdkError(name: string, message = "m", extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, $metadata: { requestId: "req-1", httpStatusCode: 400 }, ...extra });
}

describe("exit codes come from the error class", () => {
  it.each([
    [new UsageError("x"), 2],
    [new MissingInputError("--group"), 2],
    [new RolledBackError("x"), 3],
    [new GateError("x"), 4],
    [new WaitTimeoutError("x"), 5],
    [new CredentialsError("x"), 6],
    [new InterruptedError("x"), 130],
    [new DeclinedError("x"), 7],
    [new AwsError("op", "Code", "m"), 1],
    [new Error("bug"), 1],
    ["not even an error", 1],
  ])("%s → %i", (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  it("names the flag that is missing", () => {
    expect(new MissingInputError("--endpoint").message).toBe("--endpoint is required when not running interactively");
    expect(new MissingInputError(["--endpoint"]).message).toBe("--endpoint is required when not running interactively");
  });

  it("names every missing flag at once, as a list", () => {
    expect(new MissingInputError(["--group", "--image"]).message).toBe("--group and --image are required when not running interactively");
    expect(new MissingInputError(["--group", "--image", "--model-data"]).message).toBe("--group, --image and --model-data are required when not running interactively");
  });

  it("an error made without a cause has none (a --debug dump shows no `[cause]: undefined`); one made with a cause keeps it", () => {
    expect(Object.hasOwn(new UsageError("bad"), "cause")).toBe(false);
    const cause = new Error("socket hang up");
    expect(new MlopsError("failed", { cause }).cause).toBe(cause);
  });

  it("appendToMessage extends an error's message and keeps its class and exit code; anything else becomes a failure", () => {
    const rolled = new RolledBackError("rolled back");
    expect(appendToMessage(rolled, "; removed churn-mix")).toBe(rolled);
    expect(rolled.message).toBe("rolled back; removed churn-mix");
    expect(exitCodeOf(rolled)).toBe(3);
    const plain = new Error("boom");
    expect((appendToMessage(plain, "!") as Error).message).toBe("boom!");
    const wrapped = appendToMessage("a string", " and more");
    expect(wrapped).toBeInstanceOf(MlopsError);
    expect((wrapped as Error).message).toBe("a string and more");
    expect(exitCodeOf(wrapped)).toBe(1);
  });
});

describe("the public name of each error (error.name in the JSON error document)", () => {
  it.each([
    [new UsageError("x"), "usage", 2],
    [new MissingInputError("--group"), "missing-input", 2],
    [new DeclinedError("x"), "declined", 7],
    [new MlopsError("x"), "failed", 1],
    [new TakenOverError("x"), "failed", 1],
    [new AwsError("op", "ValidationException", "m"), "aws", 1],
    [new RolledBackError("x"), "rolled-back", 3],
    [new GateError("x"), "gate-failed", 4],
    [new WaitTimeoutError("x"), "timed-out", 5],
    [new CredentialsError("x"), "credentials", 6],
    [new InterruptedError("x"), "interrupted", 130],
    [new SettledInterruptError("x"), "interrupted", 130],
    [new Error("bug"), "unexpected", 1],
    ["not even an error", "unexpected", 1],
  ])("%s → %s, exit %i", (error, name, code) => {
    expect(publicNameOf(error)).toBe(name);
    expect(errorDocument(error)).toMatchObject({ name, exitCode: code });
  });

  it("every public name is kebab-case, and none is a class name", () => {
    for (const name of ERROR_NAMES) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it("the document carries the hint and what was left behind, and nothing undefined when there are none", () => {
    expect(errorDocument(new UsageError("bad", { hint: "do this" }), ["sagemaker:CreateModel m"])).toEqual({ name: "usage", exitCode: 2, message: "bad", hint: "do this", leftBehind: ["sagemaker:CreateModel m"] });
    expect(JSON.parse(JSON.stringify(errorDocument(new Error("boom"))))).toEqual({ name: "unexpected", exitCode: 1, message: "boom" });
  });
});

describe("mapping AWS SDK errors", () => {
  it("missing credentials → exit 6 with a hint", () => {
    const error = fromAwsError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), "sts:GetCallerIdentity");
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.hint).toMatch(/aws sso login/);
  });

  it.each(["InvalidClientTokenId", "UnrecognizedClientException", "ExpiredTokenException", "SignatureDoesNotMatch", "AccessDeniedException"])(
    "%s → exit 6 naming the operation and request id",
    (name) => {
      const error = fromAwsError(sdkError(name, "refused"), "sagemaker:DescribeEndpoint");
      expect(exitCodeOf(error)).toBe(6);
      expect(error.message).toBe(`sagemaker:DescribeEndpoint was refused: ${name}: refused (request id req-1)`);
    },
  );

  it("a missing region → usage error", () => {
    expect(fromAwsError(new Error("Region is missing"), "op")).toBeInstanceOf(UsageError);
  });

  it("an unreachable endpoint → exit 1 with an endpoint hint", () => {
    const error = fromAwsError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "sts:GetCallerIdentity");
    expect(exitCodeOf(error)).toBe(1);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.hint).toMatch(/AWS_ENDPOINT_URL/);
  });

  it("any other service error → AwsError with operation, code, message and request id", async () => {
    const error = await callAws("sagemaker:CreateModel", () => Promise.reject(sdkError("ValidationException", "bad image"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ operation: "sagemaker:CreateModel", code: "ValidationException", requestId: "req-1" });
    expect((error as Error).message).toBe("sagemaker:CreateModel failed: ValidationException: bad image (request id req-1)");
  });
});
