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
    // A security token outside a query string (a signing trace prints canonical query parts
    // one per line) is masked whole, up to the next space, & or quote.
    expect(redact('X-Amz-Security-Token=IQoJb3JpZ2lu%2Fxyz next')).toBe("X-Amz-Security-Token=**** next");
    expect(redact('"X-Amz-Security-Token=IQoJb3JpZ2lu"')).toBe('"X-Amz-Security-Token=****"');
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

  it("masks values of 8 characters or more from the environment; shorter ones would mask ordinary words", () => {
    const short = createRedactor({ AWS_SECRET_ACCESS_KEY: "abc1234", AWS_SESSION_TOKEN: "" });
    expect(short("abc1234 stays")).toBe("abc1234 stays");
    const eight = createRedactor({ AWS_SECRET_ACCESS_KEY: "abcd1234" });
    expect(eight("key abcd1234 here")).toBe("key **** here");
    const unset = createRedactor({});
    expect(unset("nothing undefined is masked")).toBe("nothing undefined is masked");
  });

  it("every secret variable is read: secret key, session token, security token, SageMaker bearer token", () => {
    const each = createRedactor({ AWS_SECRET_ACCESS_KEY: "secret-1-value", AWS_SESSION_TOKEN: "secret-2-value", AWS_SECURITY_TOKEN: "secret-3-value", AWS_BEARER_TOKEN_SAGEMAKER: "secret-4-value", AWS_ACCESS_KEY_ID: "AKIAPUBLICIDENT" });
    expect(each("secret-1-value secret-2-value secret-3-value secret-4-value AKIAPUBLICIDENT")).toBe("**** **** **** **** AKIAPUBLICIDENT");
  });

  it("each secret field spelling, with = or :, quoted or not", () => {
    for (const field of ["SecretAccessKey", "SessionToken", "secretAccessKey", "sessionToken", "aws_secret_access_key", "aws_session_token"]) {
      expect(redact(`${field}=abc123`)).toBe(`${field}=****`);
      expect(redact(`"${field}": "abc123"`)).toBe(`"${field}": "****"`);
    }
    expect(redact("X-Amz-Signature=0123abcd&x=1")).toBe("X-Amz-Signature=****&x=1");
    // A signature is hex of 16 or more; shorter is not one.
    expect(redact("Signature=0123456789abcde")).toBe("Signature=0123456789abcde");
    expect(redact("signature=0123456789ABCDEF")).toBe("signature=****");
  });

  it("leaves ordinary text alone", () => {
    expect(redact("account 000000000000 as arn:aws:iam::000000000000:user/x")).toBe("account 000000000000 as arn:aws:iam::000000000000:user/x");
  });
});
