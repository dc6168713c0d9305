import type { ServiceDefinition } from "../../service";
import { errors } from "./common";
import { endpointOperations, initialEndpointsState, type AlarmStatesIn, type EndpointsState, type EndpointTiming } from "./endpoints";
import { createPipelines, initialPipelinesState, type PipelinesState } from "./pipelines";
import { initialRegistryState, registryOperations, type RegistryState } from "./registry";

export type SageMakerState = RegistryState & EndpointsState & PipelinesState;

/** SageMaker, assembled from one module per area: the Model Registry, models/configs/endpoints, and Pipelines. */
export function createSageMaker(deps: { timing: EndpointTiming; alarms: AlarmStatesIn }): ServiceDefinition<SageMakerState> {
  const pipelines = createPipelines();
  return {
    name: "sagemaker",
    signingName: "sagemaker",
    arnService: "sagemaker",
    protocol: { kind: "json", version: "1.1", target: "SageMaker", namespace: "com.amazonaws.sagemaker" },
    errors,
    initialState: () => ({ ...initialRegistryState(), ...initialEndpointsState(), ...initialPipelinesState() }),
    operations: { ...registryOperations, ...endpointOperations(deps), ...pipelines.operations },
    attach: pipelines.attach,
  };
}
