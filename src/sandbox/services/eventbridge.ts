import { jsonErrorProfile } from "../errors";
import type { ServiceDefinition } from "../service";

/** EventBridge: rules and targets arrive with the trigger issue; until then every call is an unknown operation. */
export const eventbridge: ServiceDefinition<Record<string, never>> = {
  name: "events",
  signingName: "events",
  arnService: "events",
  protocol: { kind: "json", version: "1.1", target: "AWSEvents", namespace: "com.amazonaws.eventbridge" },
  errors: jsonErrorProfile(),
  initialState: () => ({}),
  operations: {},
};
