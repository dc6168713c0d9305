import { describe, expect, it } from "vitest";
import { createRedactor } from "../../src/io/redact";

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

  it("leaves ordinary text alone", () => {
    expect(redact("account 000000000000 as arn:aws:iam::000000000000:user/x")).toBe("account 000000000000 as arn:aws:iam::000000000000:user/x");
  });
});
