import type { ServiceDefinition } from "../../service";
import { errors } from "./common";
import { initialRegistryState, registryOperations, type RegistryState } from "./registry";

export type SageMakerState = RegistryState;

/** SageMaker, assembled from one module per area (registry; endpoints arrive with deploy). */
export const sagemaker: ServiceDefinition<SageMakerState> = {
  name: "sagemaker",
  signingName: "sagemaker",
  arnService: "sagemaker",
  protocol: { kind: "json", version: "1.1", target: "SageMaker", namespace: "com.amazonaws.sagemaker" },
  errors,
  initialState: () => ({ ...initialRegistryState() }),
  operations: { ...registryOperations },
};
