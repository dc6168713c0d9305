import { bool, int, list, map, required, str, struct, type Spec } from "../../validate";

/**
 * CodePipeline's input shapes, as botocore's model `codepipeline/2015-07-09` declares them
 * (lengths, patterns, enums, ranges, required members). test/sandbox/conformance-model.test.ts
 * compares every Spec here with the model.
 */

/** PipelineName, StageName, ActionName, RuleName: `[A-Za-z0-9.@\-_]+`, 1–100. */
const NAME = /[A-Za-z0-9.@\-_]+/;
export const pipelineName = str({ min: 1, max: 100, pattern: NAME });
const stageName = str({ min: 1, max: 100, pattern: NAME });
const actionName = str({ min: 1, max: 100, pattern: NAME });
/** PipelineExecutionId: a UUID. */
export const EXECUTION_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const executionId = str({ pattern: EXECUTION_ID });
const ROLE_ARN = /arn:aws(-[\w]+)*:iam::[0-9]{12}:role\/.*/;
const roleArn = str({ max: 1024, pattern: ROLE_ARN });
const region = str({ min: 4, max: 30 });
const version = str({ min: 1, max: 9, pattern: /[0-9A-Za-z_-]+/ });
const artifactName = str({ min: 1, max: 100, pattern: /[a-zA-Z0-9_\-]+/ });
const nextToken = str({ min: 1, max: 2048 });
const commands = list(str({ min: 1, max: 1000 }), { min: 1, max: 50 });
const inputArtifacts = list(struct({ name: required(artifactName) }));
/** ActionCategory, ActionOwner, Result, ExecutionMode, PipelineType: the model's enums. */
export const CATEGORIES = ["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"] as const;
export const OWNERS = ["AWS", "ThirdParty", "Custom"] as const;
export const EXECUTION_MODES = ["QUEUED", "SUPERSEDED", "PARALLEL"] as const;
const RESULTS = ["ROLLBACK", "FAIL", "RETRY", "SKIP"] as const;

const artifactStore = struct({
  type: required(str({ enum: ["S3"] })),
  location: required(str({ min: 3, max: 63, pattern: /[a-zA-Z0-9\-\.]+/ })),
  encryptionKey: struct({ id: required(str({ min: 1, max: 400 })), type: required(str({ enum: ["KMS"] })) }),
});

const ruleDeclaration = struct({
  name: required(stageName),
  ruleTypeId: required(struct({ category: required(str({ enum: ["Rule"] })), owner: str({ enum: ["AWS"] }), provider: required(str({ min: 1, max: 35, pattern: /[0-9A-Za-z_-]+/ })), version })),
  configuration: map(str({ min: 1, max: 10000 }), { max: 200, key: str({ min: 1, max: 50 }) }),
  commands,
  inputArtifacts,
  roleArn,
  region,
  timeoutInMinutes: int({ min: 5, max: 86400 }),
});
const conditions = list(struct({ result: str({ enum: RESULTS }), rules: list(ruleDeclaration, { min: 1, max: 5 }) }), { min: 1, max: 1 });

const actionDeclaration = struct({
  name: required(actionName),
  actionTypeId: required(
    struct({
      category: required(str({ enum: CATEGORIES })),
      owner: required(str({ enum: OWNERS })),
      provider: required(str({ min: 1, max: 35, pattern: /[0-9A-Za-z_-]+/ })),
      version: required(version),
    }),
  ),
  runOrder: int({ min: 1, max: 999 }),
  configuration: map(str({ min: 1, max: 1000 }), { key: str({ min: 1, max: 50 }) }),
  commands,
  outputArtifacts: list(struct({ name: required(artifactName), files: list(str({ min: 1, max: 128 }), { min: 1, max: 10 }) })),
  inputArtifacts,
  outputVariables: list(str({ min: 1, max: 128 }), { min: 1, max: 15 }),
  roleArn,
  region,
  namespace: str({ min: 1, max: 100, pattern: /[A-Za-z0-9@\-_]+/ }),
  timeoutInMinutes: int({ min: 5, max: 86400 }),
  environmentVariables: list(
    struct({ name: required(str({ min: 1, max: 128, pattern: /[A-Za-z0-9_]+/ })), value: required(str({ min: 1, max: 2000 })), type: str({ enum: ["PLAINTEXT", "SECRETS_MANAGER"] }) }),
    { min: 1, max: 10 },
  ),
});

const stageDeclaration = struct({
  name: required(stageName),
  blockers: list(struct({ name: required(str({ min: 1, max: 100 })), type: required(str({ enum: ["Schedule"] })) })),
  actions: required(list(actionDeclaration)),
  onFailure: struct({ result: str({ enum: RESULTS }), retryConfiguration: struct({ retryMode: str({ enum: ["FAILED_ACTIONS", "ALL_ACTIONS"] }) }), conditions }),
  onSuccess: struct({ conditions: required(conditions) }),
  beforeEntry: struct({ conditions: required(conditions) }),
});

const patterns = (pattern?: RegExp) => list(str({ min: 1, max: 255, ...(pattern ? { pattern } : {}) }), { min: 1, max: 8 });
const branches = struct({ includes: patterns(), excludes: patterns() });
const filePaths = struct({ includes: patterns(), excludes: patterns() });
const trigger = struct({
  providerType: required(str({ enum: ["CodeStarSourceConnection"] })),
  gitConfiguration: required(
    struct({
      sourceActionName: required(actionName),
      push: list(struct({ tags: struct({ includes: patterns(), excludes: patterns() }), branches, filePaths }), { min: 1, max: 3 }),
      pullRequest: list(struct({ events: list(str({ enum: ["OPEN", "UPDATED", "CLOSED"] }), { min: 1, max: 3 }), branches, filePaths }), { min: 1, max: 3 }),
    }),
  ),
});

/** PipelineDeclaration. */
export const pipelineDeclaration: Spec = struct({
  name: required(pipelineName),
  roleArn: required(roleArn),
  artifactStore,
  artifactStores: map(artifactStore, { key: region }),
  stages: required(list(stageDeclaration)),
  version: int({ min: 1 }),
  executionMode: str({ enum: EXECUTION_MODES }),
  pipelineType: str({ enum: ["V1", "V2"] }),
  variables: list(
    struct({
      name: required(str({ min: 1, max: 128, pattern: /[A-Za-z0-9@\-_]+/ })),
      defaultValue: str({ min: 1, max: 1000 }),
      description: str({ max: 200 }),
    }),
    { max: 50 },
  ),
  triggers: list(trigger, { max: 50 }),
});

export const tags = list(struct({ key: required(str({ min: 1, max: 128 })), value: required(str({ max: 256 })) }));

export const INPUTS = {
  CreatePipeline: { pipeline: required(pipelineDeclaration), tags },
  UpdatePipeline: { pipeline: required(pipelineDeclaration) },
  GetPipeline: { name: required(pipelineName), version: int({ min: 1 }) },
  ListPipelines: { nextToken, maxResults: int({ min: 1, max: 1000 }) },
  DeletePipeline: { name: required(pipelineName) },
  GetPipelineState: { name: required(pipelineName) },
  StartPipelineExecution: {
    name: required(pipelineName),
    variables: list(struct({ name: required(str({ min: 1, max: 128, pattern: /[A-Za-z0-9@\-_]+/ })), value: required(str({ min: 1, max: 1000 })) }), { min: 1, max: 50 }),
    clientRequestToken: str({ min: 1, max: 128, pattern: /[a-zA-Z0-9-]+/ }),
    sourceRevisions: list(
      struct({
        actionName: required(actionName),
        revisionType: required(str({ enum: ["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"] })),
        revisionValue: required(str({ min: 1, max: 1500 })),
      }),
      { max: 50 },
    ),
  },
  GetPipelineExecution: { pipelineName: required(pipelineName), pipelineExecutionId: required(executionId) },
  ListPipelineExecutions: { pipelineName: required(pipelineName), maxResults: int({ min: 1, max: 100 }), filter: struct({ succeededInStage: struct({ stageName }) }), nextToken },
  ListActionExecutions: {
    pipelineName: required(pipelineName),
    filter: struct({ pipelineExecutionId: executionId, latestInPipelineExecution: struct({ pipelineExecutionId: required(executionId), startTimeRange: required(str({ enum: ["Latest", "All"] })) }) }),
    maxResults: int({ min: 1, max: 100 }),
    nextToken,
  },
  PutApprovalResult: {
    pipelineName: required(pipelineName),
    stageName: required(stageName),
    actionName: required(actionName),
    result: required(struct({ summary: required(str({ max: 512 })), status: required(str({ enum: ["Approved", "Rejected"] })) })),
    token: required(str({ pattern: EXECUTION_ID })),
  },
  StopPipelineExecution: { pipelineName: required(pipelineName), pipelineExecutionId: required(executionId), abandon: bool(), reason: str({ max: 200 }) },
} satisfies Record<string, Record<string, Spec>>;
