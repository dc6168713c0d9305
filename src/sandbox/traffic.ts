import { recordMetric, type CloudWatchState } from "./services/cloudwatch";
import { endpointKind, modelEnvironment, trafficSplit, type LiveVariant } from "./services/sagemaker/endpoints";
import type { SageMakerState } from "./services/sagemaker/index";

/**
 * Synthetic traffic. Every endpoint that serves receives `rps` requests per second, split by
 * where its traffic goes (variant weights, or the share a guardrail deployment has moved). Each
 * variant's model answers as its container environment says:
 * - MLOPS_SANDBOX_ERROR_RATE (0–1): share of requests answered with a 5xx;
 * - MLOPS_SANDBOX_LATENCY_MS: model latency in milliseconds (default 20).
 * The results are published as AWS/SageMaker metrics per EndpointName + VariantName, so a bad
 * model trips real alarms; and, on endpoints that have had a guardrail deployment (as far as we
 * can tell, the only time AWS adds it), per EndpointName + VariantName + EndpointConfigName.
 */
const SLICE_MS = 10_000;

export class TrafficSimulator {
  /** Requests and errors owed but not yet whole, per endpoint/variant/config: rates stay exact over time. */
  private carry = new Map<string, { requests: number; errors: number }>();

  constructor(private readonly rps: number) {}

  run(sm: SageMakerState, cw: CloudWatchState, from: number, to: number): void {
    if (this.rps <= 0) return;
    // A big jump of the clock is simulated in slices of at most 10 seconds, at most the last hour
    // of it. Slices end on whole 10-second marks of the clock, and their requests are stamped with
    // the mark they start from: so a minute's metrics hold exactly that minute's requests, however
    // the ticks happen to fall.
    const start = Math.max(from, to - 3600_000);
    for (let t = start, i = 0; t < to && i < 400; i++) {
      const mark = Math.floor(t / SLICE_MS) * SLICE_MS;
      const end = Math.min(to, mark + SLICE_MS);
      for (const ep of Object.values(sm.endpoints)) {
        const byConfig = !!(ep.deploymentConfig ?? ep.lastDeploymentConfig);
        for (const { variant, share } of trafficSplit(sm, ep, end)) this.serve(sm, cw, ep.name, endpointKind(sm, ep), variant, share * this.rps * ((end - t) / 1000), mark, byConfig);
      }
      t = end;
    }
  }

  private serve(sm: SageMakerState, cw: CloudWatchState, endpoint: string, kind: "realtime" | "serverless" | "async", variant: LiveVariant, expected: number, at: number, byConfig: boolean): void {
    const key = `${endpoint}/${variant.name}/${variant.configName}`;
    const carry = this.carry.get(key) ?? { requests: 0, errors: 0 };
    const requests = Math.floor(carry.requests + expected);
    carry.requests = carry.requests + expected - requests;
    if (requests === 0) {
      this.carry.set(key, carry);
      return;
    }
    const env = modelEnvironment(sm, variant.modelName);
    const rate = clamp(Number(env.MLOPS_SANDBOX_ERROR_RATE ?? 0), 0, 1);
    const owed = carry.errors + requests * rate;
    const errors = Math.min(requests, Math.floor(owed + 1e-9));
    carry.errors = owed - errors;
    this.carry.set(key, carry);
    const latencyUs = Math.max(0, Number(env.MLOPS_SANDBOX_LATENCY_MS ?? 20)) * 1000;

    const base = [
      { Name: "EndpointName", Value: endpoint },
      { Name: "VariantName", Value: variant.name },
    ];
    const dimensionSets = byConfig ? [base, [...base, { Name: "EndpointConfigName", Value: variant.configName }]] : [base];
    const count = (n: number) => ({ sum: n, count: 1, min: n, max: n });
    // Each request counts 1 if it failed, else 0: Average is the error rate.
    const rateOf = (bad: number) => ({ sum: bad, count: requests, min: bad === requests ? 1 : 0, max: bad > 0 ? 1 : 0 });
    const latency = (us: number) => ({ sum: us * requests, count: requests, min: us, max: us });
    for (const dims of dimensionSets) {
      // Units as SageMaker publishes them: latencies in microseconds (TotalProcessingTime in milliseconds), counts as None.
      const put = (name: string, stats: { sum: number; count: number; min: number; max: number }) => recordMetric(cw, "AWS/SageMaker", name, dims, stats, at, UNITS[name] ?? "None");
      if (kind === "async") {
        // Asynchronous endpoints do not publish Invocations; they publish these instead.
        put("InvocationsProcesssed", count(requests - errors));
        put("InvocationFailures", count(errors));
        put("TotalProcessingTime", latency(latencyUs / 1000 + 5));
        put("ModelLatency", latency(latencyUs));
      } else {
        put("Invocations", count(requests));
        put("Invocation5XXErrors", rateOf(errors));
        put("Invocation4XXErrors", rateOf(0));
        put("ModelLatency", latency(latencyUs));
        put("OverheadLatency", latency(1000));
        if (variant.instances > 0) put("InvocationsPerInstance", count(requests / variant.instances));
      }
    }
  }
}

const UNITS: Record<string, string> = { ModelLatency: "Microseconds", OverheadLatency: "Microseconds", TotalProcessingTime: "Milliseconds" };

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}
