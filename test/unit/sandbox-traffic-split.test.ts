import { describe, expect, it } from "vitest";
import type { Phase } from "../../src/sandbox/services/sagemaker/deployment";
import { endpointKind, initialEndpointsState, modelEnvironment, trafficSplit, type EndpointRecord, type LiveVariant } from "../../src/sandbox/services/sagemaker/endpoints";

// Where the sandbox's synthetic traffic goes: each serving variant gets its weight's share of the
// old fleet's traffic; during a blue/green update the new fleet gets the share its phase has moved
// (SageMaker: "Endpoint traffic shifts to the new fleet" in steps; model: TrafficRoutingConfig),
// split by the new config's variant weights. Nothing serves while an endpoint is created, failed or deleted.
const T0 = 1_000_000;

const live = (name: string, weight: number, configName = "c1"): LiveVariant => ({ name, modelName: "m1", configName, instances: 1, weight, desiredWeight: weight });

function stateWith(target?: Array<{ VariantName: string; InitialVariantWeight: number }>) {
  const state = { ...initialEndpointsState(), modelPackageGroups: {} } as unknown as Parameters<typeof trafficSplit>[0];
  if (target) state.endpointConfigs.c2 = { name: "c2", arn: "arn", created: 0, variants: target.map((v) => ({ ...v, ModelName: "m2", InstanceType: "ml.m5.large", InitialInstanceCount: 1 })) };
  return state;
}

const endpoint = (variants: LiveVariant[], extra: Partial<EndpointRecord> = {}): EndpointRecord => ({ name: "churn", arn: "arn", created: 0, modified: 0, status: "InService", configName: "c1", variants, ...extra });

/** Launch for 60 s with no traffic moved, then a quarter of it on the new fleet from 60 s. */
const PHASES: Phase[] = [
  { status: "Creating", message: "", start: 0, duration: 60, share: 0, instances: 0, monitored: false },
  { status: "ActivatingTraffic", message: "", start: 60, duration: 10, share: 0.25, instances: 4, monitored: true },
];
const updating = (extra: Record<string, unknown> = {}) => ({ update: { kind: "update" as const, targetConfig: "c2", started: T0, phases: PHASES, alarms: [], limitSeconds: 600, healthy: true, ...extra }, status: "Updating" as const });

/** The split as [variant name, config, share]. */
const shares = (state: Parameters<typeof trafficSplit>[0], ep: EndpointRecord, now = T0) => trafficSplit(state, ep, now).map((s) => [s.variant.name, s.variant.configName, s.share]);

describe("the sandbox's traffic split", () => {
  it("splits an endpoint in service by variant weight, leaving out variants of weight 0", () => {
    expect(shares(stateWith(), endpoint([live("a", 3), live("b", 1), live("off", 0)]))).toEqual([
      ["a", "c1", 0.75],
      ["b", "c1", 0.25],
    ]);
  });

  it("sends nothing when every weight is 0", () => {
    expect(shares(stateWith(), endpoint([live("a", 0)]))).toEqual([]);
  });

  it.each([["Creating" as const], ["Failed" as const], ["Deleting" as const]])("sends nothing to an endpoint %s", (status) => {
    expect(shares(stateWith(), endpoint([live("a", 1)], { status }))).toEqual([]);
  });

  it("sends nothing to an endpoint being deleted, whatever its status says", () => {
    expect(shares(stateWith(), endpoint([live("a", 1)], { deleting: T0 }))).toEqual([]);
  });

  it("keeps all traffic on the old fleet while the new one launches, then moves the phase's share, split by the new weights", () => {
    const state = stateWith([
      { VariantName: "x", InitialVariantWeight: 1 },
      { VariantName: "y", InitialVariantWeight: 3 },
    ]);
    const ep = endpoint([live("a", 1)], updating());
    expect(shares(state, ep, T0 + 59_000)).toEqual([["a", "c1", 1]]);
    expect(shares(state, ep, T0 + 60_000)).toEqual([
      ["a", "c1", 0.75],
      ["x", "c2", 0.0625],
      ["y", "c2", 0.1875],
    ]);
  });

  it("keeps all traffic on the old fleet while an update rolls back", () => {
    const state = stateWith([{ VariantName: "x", InitialVariantWeight: 1 }]);
    expect(shares(state, endpoint([live("a", 1)], updating({ rollback: { started: T0, reason: "r" } })), T0 + 65_000)).toEqual([["a", "c1", 1]]);
  });
});

describe("what an endpoint publishes as", () => {
  // Serverless and asynchronous endpoints publish their own metrics (doc: monitoring-cloudwatch):
  // the kind is the serving config's.
  const kinded = (variant: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const state = stateWith();
    state.endpointConfigs.c1 = { name: "c1", arn: "arn", created: 0, variants: [{ VariantName: "a", ModelName: "m1", ...variant }], ...extra };
    return state;
  };
  it.each([
    ["realtime", kinded({ InstanceType: "ml.m5.large", InitialInstanceCount: 1 })],
    ["serverless", kinded({ ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } })],
    ["async", kinded({ InstanceType: "ml.m5.large", InitialInstanceCount: 1 }, { asyncInferenceConfig: { OutputConfig: {} } })],
  ] as const)("%s", (kind, state) => {
    expect(endpointKind(state, endpoint([live("a", 1)]))).toBe(kind);
  });

  it("realtime while no config serves yet", () => {
    expect(endpointKind(stateWith(), endpoint([], { configName: undefined }))).toBe("realtime");
  });

  it("a model's environment is its own; an unknown model has none", () => {
    const state = stateWith();
    state.models.m1 = { name: "m1", arn: "arn", created: 0, containers: [], environment: { A: "1" } };
    expect([modelEnvironment(state, "m1"), modelEnvironment(state, "gone")]).toEqual([{ A: "1" }, {}]);
  });
});
