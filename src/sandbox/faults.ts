/**
 * Fault injection per operation. Rates are exact and evenly spread (30 % throttling fails 3
 * requests in 10, never a burst), so a test that relies on retries is deterministic.
 */

export interface FaultRule {
  /** Service name (sts, s3, sagemaker, cloudwatch, events, codepipeline); any when absent. */
  service?: string;
  /** Operation name, or "*" for every operation. */
  operation: string;
  /** Share of requests answered with the service's throttling error, 0–1. */
  throttle?: number;
  /** Share of requests answered with a 5xx internal error, 0–1. */
  error?: number;
  /** Real milliseconds added before answering. */
  latencyMs?: number;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: "throttle" | "error";
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  /** Per rule and operation: accumulated share of faults not yet injected. */
  private debt = new Map<string, number>();

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    for (const rule of rules) checkRule(rule);
    this.rules = [...rules];
    this.debt.clear();
  }

  add(rule: FaultRule): void {
    checkRule(rule);
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
    this.debt.clear();
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  decide(service: string, operation: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    this.rules.forEach((rule, index) => {
      if (rule.service && rule.service !== service) return;
      if (rule.operation !== "*" && rule.operation !== operation) return;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (decision.fault) return;
      if (this.due(`${index}:throttle:${service}:${operation}`, rule.throttle)) decision.fault = "throttle";
      else if (this.due(`${index}:error:${service}:${operation}`, rule.error)) decision.fault = "error";
    });
    return decision;
  }

  private due(key: string, rate: number | undefined): boolean {
    if (!rate) return false;
    const owed = (this.debt.get(key) ?? 0) + rate;
    if (owed >= 1 - 1e-9) {
      this.debt.set(key, owed - 1);
      return true;
    }
    this.debt.set(key, owed);
    return false;
  }
}

function checkRule(rule: FaultRule): void {
  for (const key of ["throttle", "error"] as const) {
    const v = rule[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`${key} must be between 0 and 1, got ${v}`);
  }
  if (rule.latencyMs !== undefined && !(Number.isInteger(rule.latencyMs) && rule.latencyMs >= 0))
    throw new RangeError(`latency must be a whole number of milliseconds ≥ 0, got ${rule.latencyMs}`);
  if (!rule.operation) throw new RangeError("a fault rule needs an operation name or *");
}

/**
 * Parse `--faults`: rules separated by `;`, each `[service:]Operation:key=value,…` with keys
 * throttle (0–1), 5xx (0–1) and latency (ms). Example: `sts:GetCallerIdentity:throttle=0.3;*:latency=50`.
 */
export function parseFaultSpec(spec: string): FaultRule[] {
  return spec
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const fields = part.split(":");
      if (fields.length < 2 || fields.length > 3) throw new RangeError(`"${part}": expected [service:]Operation:key=value,…`);
      const settings = fields.pop()!;
      const operation = fields.pop()!;
      const rule: FaultRule = { operation };
      if (fields[0]) rule.service = fields[0];
      for (const pair of settings.split(",")) {
        const [key, raw] = pair.split("=").map((s) => s.trim());
        const value = Number(raw);
        if (raw === undefined || raw === "" || Number.isNaN(value)) throw new RangeError(`"${pair}": expected key=number`);
        if (key === "throttle") rule.throttle = value;
        else if (key === "5xx" || key === "error") rule.error = value;
        else if (key === "latency") rule.latencyMs = value;
        else throw new RangeError(`"${key}": unknown fault; use throttle, 5xx or latency`);
      }
      checkRule(rule);
      return rule;
    });
}
