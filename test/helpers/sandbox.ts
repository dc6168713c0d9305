import { afterAll, afterEach, beforeAll } from "vitest";
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index";

/** Start one sandbox for a test file; reset it between tests. */
export function useSandbox(options: SandboxOptions = {}): { current: Sandbox } {
  const holder = {} as { current: Sandbox };
  beforeAll(async () => {
    holder.current = await startSandbox({ port: 0, ...options });
  });
  afterEach(() => holder.current?.reset());
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}

/** SDK client config for the sandbox, as a user's tools would have it. */
export function sdkConfig(sandbox: Sandbox, extra: Record<string, unknown> = {}) {
  return { endpoint: sandbox.url, region: sandbox.region, credentials: { ...SANDBOX_CREDENTIALS }, ...extra };
}

/** A valid PutMetricAlarm input: the 5xx rate of endpoint churn above 1 % for two minutes. */
export function sampleAlarm(name: string) {
  return {
    AlarmName: name,
    Namespace: "AWS/SageMaker",
    MetricName: "Invocation5XXErrors",
    Statistic: "Average" as const,
    Period: 60,
    EvaluationPeriods: 2,
    Threshold: 0.01,
    ComparisonOperator: "GreaterThanThreshold" as const,
    Dimensions: [{ Name: "EndpointName", Value: "churn" }],
  };
}
