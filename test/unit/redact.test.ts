import { describe, expect, it } from "vitest";
import { createRedactor } from "../../src/io/redact";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/credentials";

describe("redaction", () => {
  const redact = createRedactor({ AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLETOKEN" });

  it("removes secret values taken from the environment wherever they appear", () => {
    const out = redact("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and token FwoGZXIvYXdzEXAMPLETOKEN");
    expect(out).toBe("key **** and token ****");
  });

  it("removes signatures, security tokens and secret fields", () => {
    expect(redact("Signature=0123456789abcdef0123456789abcdef")).toBe("Signature=****");
    expect(redact("https://b.s3/k?X-Amz-Security-Token=abc%2Fdef&X-Amz-Signature=abcdef12")).toBe("https://b.s3/k?X-Amz-Security-Token=****&X-Amz-Signature=****");
    expect(redact('{"SecretAccessKey":"abc","SessionToken":"def"}')).toBe('{"SecretAccessKey":"****","SessionToken":"****"}');
  });

  it("removes the user part of URLs: passwords and tokens, even with @ inside", () => {
    expect(redact("remote https://bot:p@ss@github.com/acme/churn.git")).toBe("remote https://****@github.com/acme/churn.git");
    expect(redact("endpoint http://admin:secret@127.0.0.1:4599/x")).toBe("endpoint http://****@127.0.0.1:4599/x");
    expect(redact("https://ghp_abcdef1234567890@github.com/a/b")).toBe("https://****@github.com/a/b");
    expect(redact("s3://bucket/key@v1 and http://127.0.0.1:4599")).toBe("s3://bucket/key@v1 and http://127.0.0.1:4599");
  });

  it("never masks the sandbox's dummy credentials, which are printed on purpose", () => {
    const sandboxRedact = createRedactor({ AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey });
    expect(sandboxRedact(`export AWS_SECRET_ACCESS_KEY=${SANDBOX_CREDENTIALS.secretAccessKey}`)).toBe(`export AWS_SECRET_ACCESS_KEY=${SANDBOX_CREDENTIALS.secretAccessKey}`);
  });

  it("leaves ordinary text alone", () => {
    expect(redact("account 000000000000 as arn:aws:iam::000000000000:user/x")).toBe("account 000000000000 as arn:aws:iam::000000000000:user/x");
  });
});
