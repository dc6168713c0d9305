import { describe, expect, it } from "vitest";
import { AwsError, MlopsError } from "../../src/errors";
import { bake, isTransient, MAX_BACKOFF_SECONDS, pollUntil, retrying, Timeout, type Pace } from "../../src/rollout/poll";
import { FakeClock } from "../helpers/scripted-aws";

/**
 * The rollout's pace: what counts as "AWS says not now", how long each wait is, and when the
 * deadline ends a wait. All on a fake clock whose sleeps pass at once and are logged.
 */

function pace(deadlineSeconds = 3_600, pollSeconds = 10): Pace & { clock: FakeClock; waits: number[] } {
  const clock = new FakeClock();
  const waits: number[] = [];
  const sleep = clock.sleep.bind(clock);
  clock.sleep = (ms, signal) => {
    waits.push(ms / 1000);
    return sleep(ms, signal);
  };
  return { clock, waits, signal: new AbortController().signal, pollSeconds, deadline: clock.t + deadlineSeconds * 1000 };
}

const throttled = () => new AwsError("sagemaker:DescribeEndpoint", "ThrottlingException", "Rate exceeded");
const refused = () => new AwsError("sagemaker:UpdateEndpoint", "ValidationException", "no");

describe("isTransient: AWS saying 'not now' rather than 'no'", () => {
  it.each([
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "InternalFailure",
    "InternalError",
    "InternalServerError",
    "InternalServiceFault",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
  ])("%s is transient", (code) => {
    expect(isTransient(new AwsError("op", code, "m"))).toBe(true);
  });

  it.each(["ValidationException", "ResourceNotFound", "AccessDeniedException", "InternalFailureX", "XInternalFailure", "RequestTimeoutException2"])("%s is not", (code) => {
    expect(isTransient(new AwsError("op", code, "m"))).toBe(false);
  });

  it("only AWS errors are: one of ours or a plain error with a transient-looking name is not", () => {
    expect(isTransient(new MlopsError("ThrottlingException"))).toBe(false);
    expect(isTransient(Object.assign(new Error("x"), { name: "ThrottlingException", code: "ThrottlingException" }))).toBe(false);
  });
});

describe("retrying", () => {
  it("returns the first success, waiting 1, 2, 4… seconds between transient failures", async () => {
    const p = pace();
    let calls = 0;
    const value = await retrying(p, async () => {
      if (++calls < 4) throw throttled();
      return "done";
    });
    expect(value).toBe("done");
    expect(calls).toBe(4);
    expect(p.waits).toEqual([1, 2, 4]);
  });

  it("starts from the given wait and never waits more than 2 minutes", async () => {
    const p = pace(86_400);
    let calls = 0;
    await retrying(
      p,
      async () => {
        if (++calls < 9) throw throttled();
        return calls;
      },
      5,
    );
    expect(p.waits).toEqual([5, 10, 20, 40, 80, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS]);
    expect(MAX_BACKOFF_SECONDS).toBe(120);
  });

  it("a refusal is thrown at once, without waiting", async () => {
    const p = pace();
    await expect(retrying(p, async () => Promise.reject(refused()))).rejects.toThrow("ValidationException");
    expect(p.waits).toEqual([]);
  });

  it("a wait that would pass the deadline ends with Timeout instead; one that reaches it exactly is waited", async () => {
    // Deadline in 3 s: waits of 1 and 2 s reach it exactly; the next (4 s) would pass it.
    const p = pace(3);
    let calls = 0;
    await expect(retrying(p, async () => Promise.reject((calls++, throttled())))).rejects.toBeInstanceOf(Timeout);
    expect(p.waits).toEqual([1, 2]);
    expect(calls).toBe(3);
  });
});

describe("pollUntil", () => {
  it("calls the check every poll until it returns a value", async () => {
    const p = pace();
    let calls = 0;
    expect(await pollUntil(p, async () => (++calls === 3 ? "ready" : undefined))).toBe("ready");
    expect(p.waits).toEqual([10, 10]);
  });

  it("a falsy value other than undefined ends the wait too", async () => {
    const p = pace();
    expect(await pollUntil(p, async () => 0)).toBe(0);
    expect(await pollUntil(p, async () => false)).toBe(false);
    expect(p.waits).toEqual([]);
  });

  it("transient errors double the interval up to 2 minutes; a success brings it back to the poll", async () => {
    const p = pace(86_400, 10);
    let calls = 0;
    await pollUntil(p, async () => {
      calls++;
      if (calls <= 5) throw throttled();
      return calls === 7 ? "ready" : undefined;
    });
    expect(p.waits).toEqual([20, 40, 80, 120, 120, 10]);
  });

  it("a poll of 0 seconds still backs off from 1 second when throttled", async () => {
    const p = pace(86_400, 0);
    let calls = 0;
    await pollUntil(p, async () => {
      if (++calls <= 2) throw throttled();
      return "ok";
    });
    expect(p.waits).toEqual([2, 4]);
  });

  it("other errors end the wait at once", async () => {
    const p = pace();
    await expect(pollUntil(p, async () => Promise.reject(refused()))).rejects.toThrow("ValidationException");
    expect(p.waits).toEqual([]);
  });

  it("ends with Timeout at the deadline, the last wait cut to reach just past it", async () => {
    const p = pace(25, 10);
    let calls = 0;
    await expect(pollUntil(p, async () => void calls++)).rejects.toBeInstanceOf(Timeout);
    // Checks at 0, 10, 20 and at the deadline (+1 ms past it, so the clock is at or past it).
    expect(p.waits).toEqual([10, 10, 5.001]);
    expect(calls).toBe(4);
  });

  it("a check at the deadline that succeeds still counts", async () => {
    const p = pace(20, 10);
    let calls = 0;
    expect(await pollUntil(p, async () => (++calls === 3 ? "just in time" : undefined))).toBe("just in time");
  });
});

describe("bake", () => {
  it("waits the whole bake in poll-sized slices, telling each check the seconds left", async () => {
    const p = pace(3_600, 10);
    const left: number[] = [];
    expect(await bake(p, 25, async (l) => void left.push(l))).toBeUndefined();
    expect(left).toEqual([25, 15, 5, 0]);
    expect(p.waits).toEqual([10, 10, 5]);
  });

  it("a check that returns a value ends the bake early with it", async () => {
    const p = pace(3_600, 10);
    let calls = 0;
    expect(await bake(p, 60, async () => (++calls === 2 ? "alarm" : undefined))).toBe("alarm");
    expect(p.waits).toEqual([10]);
  });

  it("a bake of 0 seconds checks once and ends", async () => {
    const p = pace();
    let calls = 0;
    expect(await bake(p, 0, async () => void calls++)).toBeUndefined();
    expect(calls).toBe(1);
    expect(p.waits).toEqual([]);
  });

  it("a bake longer than the time left ends with Timeout at the deadline", async () => {
    const p = pace(30, 10);
    await expect(bake(p, 120, async () => undefined)).rejects.toBeInstanceOf(Timeout);
    expect(p.waits).toEqual([10, 10, 10]);
  });
});
