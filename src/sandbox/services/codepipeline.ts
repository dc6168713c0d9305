import { jsonErrorProfile } from "../errors";
import type { ServiceDefinition } from "../service";

/** CodePipeline: arrives with the release issue; until then every call is an unknown operation. */
export const codepipeline: ServiceDefinition<Record<string, never>> = {
  name: "codepipeline",
  signingName: "codepipeline",
  arnService: "codepipeline",
  protocol: { kind: "json", version: "1.1", target: "CodePipeline_20150709", namespace: "com.amazonaws.codepipeline" },
  errors: jsonErrorProfile(),
  initialState: () => ({}),
  operations: {},
};
