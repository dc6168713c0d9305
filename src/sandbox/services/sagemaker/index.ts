import type { ServiceDefinition } from "../../service";
import { errors } from "./common";
import { endpointOperations, initialEndpointsState, type AlarmStatesIn, type EndpointsState, type EndpointTiming } from "./endpoints";
import { initialRegistryState, registryOperations, type RegistryState } from "./registry";

export type SageMakerState = RegistryState & EndpointsState;

/** SageMaker, assembled from one module per area: the Model Registry, and models/configs/endpoints. */
export function createSageMaker(deps: { timing: EndpointTiming; alarms: AlarmStatesIn }): ServiceDefinition<SageMakerState> {
  return {
    name: "sagemaker",
    signingName: "sagemaker",
    arnService: "sagemaker",
    protocol: { kind: "json", version: "1.1", target: "SageMaker", namespace: "com.amazonaws.sagemaker" },
    errors,
    initialState: () => ({ ...initialRegistryState(), ...initialEndpointsState() }),
    operations: { ...registryOperations, ...endpointOperations(deps) },
  };
}
