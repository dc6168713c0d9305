import { ServiceError } from "../../errors";

/**
 * The pipeline structure rules CodePipeline applies beyond its API model, checked before
 * anything is stored: 2–50 stages, unique names, a first stage of source actions only and
 * source actions nowhere else, action types that exist, artifacts that flow forward.
 */

export interface ActionTypeId {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export interface ActionDeclaration {
  name: string;
  actionTypeId: ActionTypeId;
  runOrder?: number;
  configuration?: Record<string, string>;
  inputArtifacts?: Array<{ name: string }>;
  outputArtifacts?: Array<{ name: string; files?: string[] }>;
  environmentVariables?: Array<{ name: string; value: string; type?: string }>;
  timeoutInMinutes?: number;
  region?: string;
  roleArn?: string;
  namespace?: string;
  [other: string]: unknown;
}

export interface StageDeclaration {
  name: string;
  actions: ActionDeclaration[];
  [other: string]: unknown;
}

export interface PipelineDeclaration {
  name: string;
  roleArn: string;
  artifactStore?: unknown;
  artifactStores?: Record<string, unknown>;
  stages: StageDeclaration[];
  version?: number;
  executionMode?: "QUEUED" | "SUPERSEDED" | "PARALLEL";
  pipelineType?: "V1" | "V2";
  variables?: Array<{ name: string; defaultValue?: string; description?: string }>;
  triggers?: Array<{ gitConfiguration: { sourceActionName: string } }>;
  [other: string]: unknown;
}

/** CodePipeline's own errors (JSON 1.1 `__type`), each 400. */
export const cpError = (code: string, message: string) => new ServiceError(code, message);

/**
 * The action types the sandbox runs: `category/owner/provider`, all version 1, from AWS's
 * "Valid action providers in CodePipeline" table
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-valid-providers.html).
 * Custom action types (CreateCustomActionType) and partner (ThirdParty) actions other than
 * GitHub version 1 are not simulated, so they are refused as types that do not exist.
 */
export const ACTION_TYPES: Readonly<Record<string, readonly string[]>> = {
  "Source/AWS": ["S3", "CodeCommit", "ECR", "CodeStarSourceConnection"],
  "Source/ThirdParty": ["GitHub"],
  "Build/AWS": ["CodeBuild"],
  "Test/AWS": ["CodeBuild", "DeviceFarm"],
  "Deploy/AWS": ["CloudFormation", "CloudFormationStackSet", "CloudFormationStackInstances", "CodeDeploy", "CodeDeployToECS", "ECS", "S3", "ElasticBeanstalk", "AppConfig"],
  "Invoke/AWS": ["Lambda", "StepFunctions"],
  "Approval/AWS": ["Manual"],
  "Compute/AWS": ["Commands"],
};

export const isApproval = (t: ActionTypeId) => t.category === "Approval" && t.owner === "AWS" && t.provider === "Manual";

/** `us-east-1` → `US_EAST_1`, as CodePipeline names regions in this message. */
const regionConstant = (region: string) => region.toUpperCase().replace(/-/g, "_");

function checkActionType(action: ActionDeclaration, region: string): void {
  const t = action.actionTypeId;
  const known = t.version === "1" && (ACTION_TYPES[`${t.category}/${t.owner}`] ?? []).includes(t.provider);
  // seen: "ActionType (Category: 'Deploy', Provider: 'CodeDeployToLambda', Owner: 'AWS', Version: '1') in action 'DeployBlue' is not available in region 'US_EAST_1'"
  // (InvalidActionDeclarationException, quoted in public notes of CreatePipeline failures).
  if (!known)
    throw cpError(
      "InvalidActionDeclarationException",
      `ActionType (Category: '${t.category}', Provider: '${t.provider}', Owner: '${t.owner}', Version: '${t.version}') in action '${action.name}' is not available in region '${regionConstant(action.region ?? region)}'`,
    );
}

/** The pipeline's type: as given, else V2 when it uses a V2 feature (model: PipelineDeclaration.pipelineType). */
export function pipelineTypeOf(p: PipelineDeclaration): "V1" | "V2" {
  if (p.pipelineType) return p.pipelineType;
  return (p.variables?.length ?? 0) > 0 || (p.triggers?.length ?? 0) > 0 || (p.executionMode ?? "SUPERSEDED") !== "SUPERSEDED" ? "V2" : "V1";
}

/**
 * Every structure rule, in the order CodePipeline reports them; the first broken one is thrown.
 * @throws InvalidStructureException, InvalidStageDeclarationException, InvalidActionDeclarationException
 */
export function checkStructure(p: PipelineDeclaration, region: string): void {
  const stages = p.stages;
  // seen: "Pipeline has only 1 stages. There should be a minimum of 2 stages in a pipeline" (InvalidStructureException, quoted with its request id in public notes).
  if (stages.length < 2) throw cpError("InvalidStructureException", `Pipeline has only ${stages.length} stages. There should be a minimum of 2 stages in a pipeline`);
  // doc: quotas, "Maximum number of stages in a pipeline: 50" (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html); wording ours.
  if (stages.length > 50) throw cpError("InvalidStructureException", `Pipeline has ${stages.length} stages. There should be a maximum of 50 stages in a pipeline`);
  if ((p.artifactStore === undefined) === (p.artifactStores === undefined))
    throw cpError("InvalidStructureException", "A pipeline must have either artifactStore or artifactStores, but not both");
  const stageNames = new Set<string>();
  for (const stage of stages) {
    if (stageNames.has(stage.name)) throw cpError("InvalidStageDeclarationException", `Stage name '${stage.name}' is used more than once in the pipeline`);
    stageNames.add(stage.name);
    if (stage.actions.length === 0) throw cpError("InvalidStageDeclarationException", `Stage '${stage.name}' has no actions. A stage must have at least one action`);
    const actionNames = new Set<string>();
    for (const action of stage.actions) {
      if (actionNames.has(action.name)) throw cpError("InvalidActionDeclarationException", `Action name '${action.name}' is used more than once in stage '${stage.name}'`);
      actionNames.add(action.name);
    }
  }
  // seen: "Pipeline should start with a stage that only contains source actions" (InvalidStructureException from UpdatePipeline, quoted in public notes).
  if (!stages[0]!.actions.every((a) => a.actionTypeId.category === "Source")) throw cpError("InvalidStructureException", "Pipeline should start with a stage that only contains source actions");
  for (const stage of stages.slice(1)) {
    const source = stage.actions.find((a) => a.actionTypeId.category === "Source");
    if (source) throw cpError("InvalidStructureException", `Source action '${source.name}' is in stage '${stage.name}'. Source actions can only be in the first stage of a pipeline`);
  }
  for (const stage of stages) for (const action of stage.actions) checkActionType(action, region);
  checkArtifacts(stages);
  const variableNames = new Set<string>();
  for (const v of p.variables ?? []) {
    if (variableNames.has(v.name)) throw cpError("InvalidStructureException", `Variable name '${v.name}' is declared more than once in the pipeline`);
    variableNames.add(v.name);
  }
  for (const t of p.triggers ?? []) {
    const source = stages[0]!.actions.find((a) => a.name === t.gitConfiguration.sourceActionName);
    if (!source || source.actionTypeId.provider !== "CodeStarSourceConnection")
      throw cpError("InvalidStructureException", `Trigger source action '${t.gitConfiguration.sourceActionName}' must be a CodeStarSourceConnection action of the first stage`);
  }
}

/**
 * Output artifact names are unique in the pipeline, and every input artifact is the output of an
 * action that runs before it (an earlier stage, or a lower runOrder in the same stage)
 * (doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/action-requirements.html).
 */
function checkArtifacts(stages: StageDeclaration[]): void {
  const produced = new Map<string, { stage: number; runOrder: number }>();
  stages.forEach((stage, s) =>
    stage.actions.forEach((action) => {
      for (const out of action.outputArtifacts ?? []) {
        if (produced.has(out.name)) throw cpError("InvalidStructureException", `Output artifact name '${out.name}' is used by more than one action. Output artifact names must be unique in a pipeline`);
        produced.set(out.name, { stage: s, runOrder: action.runOrder ?? 1 });
      }
    }),
  );
  stages.forEach((stage, s) =>
    stage.actions.forEach((action) => {
      for (const input of action.inputArtifacts ?? []) {
        const from = produced.get(input.name);
        if (!from || from.stage > s || (from.stage === s && from.runOrder >= (action.runOrder ?? 1)))
          throw cpError("InvalidStructureException", `Input artifact '${input.name}' of action '${action.name}' is not the output artifact of an action that runs before it`);
      }
    }),
  );
}
