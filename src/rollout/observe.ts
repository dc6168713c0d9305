import { alarmStates, type AlarmState } from "../aws/alarms";
import type { AwsClients } from "../aws/clients";
import { describeEndpoint, listTags, type Endpoint } from "../aws/endpoints";
import { guardrailPhase, type GuardrailPhase } from "../core/endpoint-phase";
import { strategyOf, type DeploymentConfigShape, type Strategy } from "../core/rollout-plan";
import { decodeRollout, hasLiveDriver, isActive, PREVIOUS_CONFIG_TAG, type RolloutState } from "../core/rollout-state";
import { MlopsError } from "../errors";

/** Everything mlops knows about an endpoint, from AWS alone (no local state). */
export interface Observation {
  endpoint: Endpoint;
  tags: Record<string, string>;
  /** A SageMaker guardrail deployment in progress. */
  deployment?: { config: string; alarms: string[]; strategy: Strategy; phase: GuardrailPhase };
  /** The last mlops traffic rollout recorded on the endpoint. */
  rollout?: RolloutState;
  rolloutActive: boolean;
  driverLive: boolean;
  alarms: AlarmState[];
  previousConfig?: string;
}

export async function observe(aws: AwsClients, name: string, now: Date): Promise<Observation> {
  const endpoint = await describeEndpoint(aws, name);
  if (!endpoint) throw new MlopsError(`there is no endpoint named ${name}`, { hint: "check the name and region (`mlops doctor` shows the region)" });
  const tags = await listTags(aws, endpoint.EndpointArn!);
  const rollout = decodeRollout(tags);
  const pending = endpoint.PendingDeploymentSummary;
  const deploymentAlarms = (endpoint.LastDeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName!);
  const rolloutActive = isActive(rollout);
  const deployment =
    pending && !rolloutActive
      ? {
          config: pending.EndpointConfigName!,
          alarms: deploymentAlarms,
          strategy: strategyOf(endpoint.LastDeploymentConfig as DeploymentConfigShape | undefined),
          phase: guardrailPhase(pending.ProductionVariants?.[0]?.VariantStatus?.[0], pending.ProductionVariants?.[0]?.DesiredInstanceCount ?? 1, now),
        }
      : undefined;
  const names = rollout && rolloutActive ? rollout.alarms : deployment ? deployment.alarms : (rollout?.alarms ?? deploymentAlarms);
  return {
    endpoint,
    tags,
    deployment,
    rollout,
    rolloutActive,
    driverLive: !!rollout && rolloutActive && hasLiveDriver(rollout, now.getTime()),
    alarms: names.length > 0 ? await alarmStates(aws, names) : [],
    previousConfig: tags[PREVIOUS_CONFIG_TAG],
  };
}
