import { describe, expect, it } from "vitest";
import { isThrottlingCode, outlastThrottling } from "../../src/aws/errors";
import { AwsError } from "../../src/errors";

const throttled = () => new AwsError("sagemaker:DescribeModelPackage", "ThrottlingException", "Rate exceeded");

/** A call that fails with the given errors, one per try, then answers "ok"; counts its tries. */
function failing(...errors: Error[]) {
  const call = async () => {
    call.tries += 1;
    const error = errors[call.tries - 1];
    if (error) throw error;
    return "ok";
  };
  call.tries = 0;
  return call;
}

describe("outlasting throttling", () => {
  it("knows the codes AWS services use for slow down", () => {
    for (const code of ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"]) expect(isThrottlingCode(code)).toBe(true);
    for (const code of ["ValidationException", "InternalFailure", "AccessDeniedException"]) expect(isThrottlingCode(code)).toBe(false);
  });

  it("waits, doubling with jitter, and tries again while AWS throttles", async () => {
    const waits: number[] = [];
    const told: number[] = [];
    const call = failing(throttled(), throttled());
    const result = await outlastThrottling(call, { sleep: async (ms) => void waits.push(ms), onThrottled: (ms) => told.push(ms), random: () => 0.5 });
    expect(result).toBe("ok");
    expect(call.tries).toBe(3);
    // 2000 ms then 4000 ms nominal, each at 75 % (half plus half of random 0.5).
    expect(waits).toEqual([1500, 3000]);
    expect(told).toEqual(waits);
  });

  it("gives up after its retries with the last throttling error", async () => {
    const last = throttled();
    const call = failing(throttled(), throttled(), last);
    await expect(outlastThrottling(call, { sleep: async () => {}, retries: 2 })).rejects.toBe(last);
    expect(call.tries).toBe(3);
  });

  it("does not retry other errors, nor wait for them", async () => {
    const waits: number[] = [];
    const failure = new AwsError("sagemaker:DescribeModelPackage", "InternalFailure", "boom");
    const call = failing(failure);
    await expect(outlastThrottling(call, { sleep: async (ms) => void waits.push(ms) })).rejects.toBe(failure);
    expect(call.tries).toBe(1);
    expect(waits).toEqual([]);
  });

  it("stops when the wait is interrupted", async () => {
    const call = failing(throttled(), throttled());
    const stop = new Error("interrupted");
    await expect(outlastThrottling(call, { sleep: () => Promise.reject(stop) })).rejects.toBe(stop);
    expect(call.tries).toBe(1);
  });
});
