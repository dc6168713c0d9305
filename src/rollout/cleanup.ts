import type { AwsClients } from "../aws/clients";
import { deleteEndpointConfig, deleteModel, describeEndpointConfig, describeModel, listTags } from "../aws/endpoints";

/** The tag mlops puts on every model and endpoint config it creates; cleanup touches nothing else. */
export const CREATED_BY_TAG = { key: "mlops:created-by", value: "mlops" };

export interface Cleanup {
  deleted: string[];
  /** Left alone, and why (not created by mlops, still in use). */
  kept: string[];
}

/**
 * Delete endpoint configs that lost, and their models, once the outcome is known. Only what
 * mlops created is deleted, and never a model that a config we keep still uses.
 */
export async function removeConfigs(aws: AwsClients, remove: ReadonlyArray<string | undefined>, keep: ReadonlyArray<string | undefined>): Promise<Cleanup> {
  const result: Cleanup = { deleted: [], kept: [] };
  const keepSet = new Set(keep.filter((k): k is string => !!k));
  const targets = [...new Set(remove.filter((r): r is string => !!r && !keepSet.has(r)))];
  if (targets.length === 0) return result;

  const keptModels = new Set<string>();
  for (const name of keepSet) for (const v of (await describeEndpointConfig(aws, name))?.ProductionVariants ?? []) if (v.ModelName) keptModels.add(v.ModelName);

  const models = new Set<string>();
  for (const name of targets) {
    const config = await describeEndpointConfig(aws, name);
    if (!config) continue;
    if (!(await createdByMlops(aws, config.EndpointConfigArn))) {
      result.kept.push(`endpoint config ${name} (not created by mlops)`);
      continue;
    }
    for (const v of config.ProductionVariants ?? []) if (v.ModelName) models.add(v.ModelName);
    await deleteEndpointConfig(aws, name);
    result.deleted.push(`endpoint config ${name}`);
  }
  for (const name of models) {
    if (keptModels.has(name)) continue;
    const model = await describeModel(aws, name);
    if (!model) continue;
    if (!(await createdByMlops(aws, model.ModelArn))) {
      result.kept.push(`model ${name} (not created by mlops)`);
      continue;
    }
    await deleteModel(aws, name);
    result.deleted.push(`model ${name}`);
  }
  return result;
}

async function createdByMlops(aws: AwsClients, arn: string | undefined): Promise<boolean> {
  return !!arn && (await listTags(aws, arn))[CREATED_BY_TAG.key] === CREATED_BY_TAG.value;
}
