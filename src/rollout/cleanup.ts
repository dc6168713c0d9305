import type { AwsClients } from "../aws/clients";
import { deleteEndpointConfig, deleteModel, describeEndpointConfig, describeModel, listTagsIfExists } from "../aws/endpoints";
import { isOwnedBy } from "../core/ownership";

export interface Cleanup {
  deleted: string[];
  /** Left alone, and why (not made by mlops for this endpoint, still in use). */
  kept: string[];
}

/**
 * Delete endpoint configs that lost, and their models, once the outcome is known. Only what
 * mlops made for this endpoint (its owner tags say so, not its name) is deleted, never a config in
 * `keep`, and never a model that a kept config still uses.
 */
export async function removeConfigs(aws: AwsClients, endpoint: string, remove: ReadonlyArray<string | undefined>, keep: ReadonlyArray<string | undefined>): Promise<Cleanup> {
  const result: Cleanup = { deleted: [], kept: [] };
  const keepSet = new Set(keep.filter((k): k is string => !!k));
  const targets = [...new Set(remove.filter((r): r is string => !!r && !keepSet.has(r)))];
  if (targets.length === 0) return result;

  const keptModels = new Set<string>();
  // Stryker disable next-line ArrayDeclaration,ConditionalExpression: a non-empty fallback or an undefined model name adds only undefined, which no model name equals
  for (const name of keepSet) for (const v of (await describeEndpointConfig(aws, name))?.ProductionVariants ?? []) if (v.ModelName) keptModels.add(v.ModelName);

  const models = new Set<string>();
  for (const name of targets) {
    const config = await describeEndpointConfig(aws, name);
    const owned = config && (await ownedBy(aws, config.EndpointConfigArn, endpoint));
    // Gone meanwhile: another command finishing the same rollout removed it.
    if (!config || owned === undefined) continue;
    if (!owned) {
      result.kept.push(`endpoint config ${name} (not made by mlops for ${endpoint})`);
      continue;
    }
    // Stryker disable next-line ArrayDeclaration: a fallback's items have no ModelName, which the if skips
    for (const v of config.ProductionVariants ?? []) if (v.ModelName) models.add(v.ModelName);
    await deleteEndpointConfig(aws, name);
    result.deleted.push(`endpoint config ${name}`);
  }
  for (const name of models) {
    if (keptModels.has(name)) continue;
    const deleted = await removeModel(aws, endpoint, name);
    if (deleted) result.deleted.push(deleted);
  }
  return result;
}

/** Delete a model mlops made for this endpoint; returns what was deleted, if anything. */
export async function removeModel(aws: AwsClients, endpoint: string, name: string): Promise<string | undefined> {
  const model = await describeModel(aws, name);
  if (!model || !(await ownedBy(aws, model.ModelArn, endpoint))) return undefined;
  await deleteModel(aws, name);
  return `model ${name}`;
}

/** Whether mlops made the resource for this endpoint; undefined when it no longer exists. */
async function ownedBy(aws: AwsClients, arn: string | undefined, endpoint: string): Promise<boolean | undefined> {
  const tags = arn ? await listTagsIfExists(aws, arn) : undefined;
  return tags && isOwnedBy(tags, endpoint);
}
