import { describe, expect, it } from "vitest";
import type { Phase } from "../../src/sandbox/services/sagemaker/deployment";
import { initialEndpointsState, settleEndpoint, type AlarmStates, type EndpointRecord, type EndpointTiming, type LiveVariant } from "../../src/sandbox/services/sagemaker/endpoints";

// The endpoint status machine at the exact millisecond each step is due, which tests over HTTP
// cannot hit (sandbox time moves a little between calls). Each step takes effect when its time
// has fully elapsed (launch, weights, rollback, delete, the last bake), while the execution limit
// is exceeded only past MaximumExecutionTimeoutInSeconds ("Exceeding this limit causes a timeout",
// model: RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds).
const T0 = 1_000_000;
const TIMING: EndpointTiming = { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 };
const NO_ALARMS: AlarmStates = () => ({ inAlarm: [], missing: [] });
const ALL_IN_ALARM: AlarmStates = (names) => ({ inAlarm: [...names], missing: [] });

const variant = (weight = 1): LiveVariant => ({ name: "AllTraffic", modelName: "m1", configName: "c1", instances: 2, weight, desiredWeight: weight });
/** Launch 60 s (unwatched), then shift and bake 20 s (watched): 80 s in all. */
const PHASES: Phase[] = [
  { status: "Creating", message: "", start: 0, duration: 60, share: 0, instances: 0, monitored: false },
  { status: "Baking", message: "", start: 60, duration: 20, share: 1, instances: 2, monitored: true },
];

function stateWith(ep: EndpointRecord) {
  const state = { ...initialEndpointsState(), modelPackageGroups: {} } as unknown as Parameters<typeof settleEndpoint>[0];
  state.endpointConfigs.c2 = { name: "c2", arn: "arn", created: 0, variants: [{ VariantName: "Green", ModelName: "m2", InstanceType: "ml.m5.large", InitialInstanceCount: 2 }] };
  state.endpoints[ep.name] = ep;
  return state;
}

const serving = (extra: Partial<EndpointRecord> = {}): EndpointRecord => ({ name: "churn", arn: "arn", created: 0, modified: T0, status: "InService", configName: "c1", variants: [variant()], ...extra });
const updating = (extra: Record<string, unknown> = {}) =>
  serving({ status: "Updating", update: { kind: "update", targetConfig: "c2", started: T0, phases: PHASES, alarms: ["a"], limitSeconds: 70, healthy: true, ...extra } });

/** Settle at T0 + `ms` and answer [status, config, FailureReason, modified − T0 in ms]. */
function at(ep: EndpointRecord, ms: number, alarms = NO_ALARMS) {
  const state = stateWith(ep);
  settleEndpoint(state, ep, T0 + ms, alarms, TIMING);
  return [state.endpoints.churn ? ep.status : "gone", ep.configName, ep.failureReason, ep.modified - T0];
}

describe("the endpoint status machine at the due millisecond", () => {
  it("an endpoint is gone exactly the delete time after DeleteEndpoint", () => {
    expect(at(serving({ status: "Deleting", deleting: T0, modified: T0 }), 9_999)).toEqual(["Deleting", "c1", undefined, 0]);
    expect(at(serving({ status: "Deleting", deleting: T0, modified: T0 }), 10_000)).toEqual(["gone", "c1", undefined, 0]);
  });

  it("new weights apply exactly the weights time after the call", () => {
    const weighting = () => serving({ status: "Updating", modified: T0, weights: { started: T0, desired: [{ VariantName: "AllTraffic", DesiredWeight: 3 }] } });
    expect(at(weighting(), 9_999)).toEqual(["Updating", "c1", undefined, 0]);
    const ep = weighting();
    expect(at(ep, 10_000)).toEqual(["InService", "c1", undefined, 10_000]);
    expect(ep.variants).toEqual([{ ...variant(3), desiredInstances: undefined, desiredServerless: undefined }]);
  });

  it("an update ends exactly when its last bake does, even with an alarm in ALARM then", () => {
    expect(at(updating({ limitSeconds: 600 }), 79_999)).toEqual(["Updating", "c1", undefined, 0]);
    expect(at(updating({ limitSeconds: 600 }), 80_000, ALL_IN_ALARM)).toEqual(["InService", "c2", undefined, 80_000]);
  });

  it("an alarm in ALARM while the launch runs changes nothing; in the first watched millisecond it starts a rollback", () => {
    expect(at(updating({ limitSeconds: 600 }), 59_999, ALL_IN_ALARM)).toEqual(["Updating", "c1", undefined, 0]);
    const ep = updating({ limitSeconds: 600 });
    expect(at(ep, 60_000, ALL_IN_ALARM)).toEqual(["Updating", "c1", undefined, 0]);
    expect(ep.update?.rollback).toEqual({ started: T0 + 60_000, reason: "Rolled back because CloudWatch alarm(s) a went into ALARM state during the deployment." });
  });

  it("the execution limit is exceeded only after its last second; the rollback then takes the rollback time from the limit", () => {
    const ep = updating();
    expect(at(ep, 70_000)).toEqual(["Updating", "c1", undefined, 0]);
    expect(ep.update?.rollback).toBeUndefined();
    const late = updating();
    expect(at(late, 70_001)).toEqual(["Updating", "c1", undefined, 0]);
    expect(late.update?.rollback?.started).toBe(T0 + 70_000);
    expect(at(updating(), 89_999)).toEqual(["Updating", "c1", undefined, 0]);
    expect(at(updating(), 90_000)).toEqual(["InService", "c1", "Rolled back because the deployment did not finish within MaximumExecutionTimeoutInSeconds (70).", 90_000]);
  });

  it("a failed health check is known exactly at the end of the launch: an update rolls back from then", () => {
    const ep = updating({ healthy: false, limitSeconds: 600 });
    expect(at(ep, 59_999)).toEqual(["Updating", "c1", undefined, 0]);
    expect(at(ep, 60_000)).toEqual(["Updating", "c1", undefined, 0]);
    expect(ep.update?.rollback?.started).toBe(T0 + 60_000);
    expect(ep.update?.rollback?.reason).toBe(
      "Update failed and was rolled back: The primary container for production variant Green did not pass the ping health check. Please check CloudWatch logs for this endpoint.",
    );
    expect(at(ep, 80_000)).toEqual(["InService", "c1", ep.failureReason, 80_000]);
    expect(ep.failureReason).toMatch(/^Update failed and was rolled back: /);
  });

  it("a new endpoint whose model fails its health check is Failed exactly at the end of its launch", () => {
    const creating = () =>
      ({ name: "churn", arn: "arn", created: T0, modified: T0, status: "Creating", variants: [], update: { kind: "create", targetConfig: "c2", started: T0, phases: [PHASES[0]!], alarms: [], limitSeconds: Infinity, healthy: false } }) as EndpointRecord;
    expect(at(creating(), 59_999)).toEqual(["Creating", undefined, undefined, 0]);
    expect(at(creating(), 60_000)).toEqual([
      "Failed",
      undefined,
      "The primary container for production variant Green did not pass the ping health check. Please check CloudWatch logs for this endpoint.",
      60_000,
    ]);
  });

  it("an update whose new config was deleted meanwhile still ends (AWS lets DeleteEndpointConfig delete a config in use), keeping the variants it had", () => {
    const ep = updating({ limitSeconds: 600 });
    const state = stateWith(ep);
    delete state.endpointConfigs.c2;
    settleEndpoint(state, ep, T0 + 80_000, NO_ALARMS, TIMING);
    expect([ep.status, ep.configName, ep.variants, ep.asyncInferenceConfig]).toEqual(["InService", "c2", [variant()], undefined]);
  });
});
