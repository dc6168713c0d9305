import type { AwsClients } from "../aws/clients";
import { addTags } from "../aws/endpoints";
import { PREVIOUS_CONFIG_TAG } from "../core/rollout-state";
import type { Io } from "../io/io";
import { removeConfigs } from "./cleanup";

/**
 * Once a rollout's outcome is known, whoever drove it to the end (deploy, promote or abort):
 * record the way back, and remove the losing side. Deployed: the old config stays as
 * `mlops rollback`'s target, the one before it goes. Rolled back: the new config and its model
 * go. The traffic engine's mixed config goes either way. `keepOld` keeps everything.
 */
export async function finishRollout(
  aws: AwsClients,
  io: Io,
  r: { arn: string; outcome: string; oldConfig: string; newConfig: string; mixConfig?: string; previousTarget?: string; keepOld: boolean },
): Promise<string[]> {
  if (r.outcome !== "deployed" && r.outcome !== "rolled-back") return [];
  if (r.outcome === "deployed") await addTags(aws, r.arn, { [PREVIOUS_CONFIG_TAG]: r.oldConfig });
  if (r.keepOld) return r.mixConfig ? [`kept (--keep-old): endpoint config ${r.mixConfig}`] : [];
  const cleanup =
    r.outcome === "deployed"
      ? await removeConfigs(aws, [r.mixConfig, r.previousTarget !== r.oldConfig ? r.previousTarget : undefined], [r.newConfig, r.oldConfig])
      : await removeConfigs(aws, [r.mixConfig, r.newConfig], [r.oldConfig, r.previousTarget]);
  for (const deleted of cleanup.deleted) io.info(`removed ${deleted}`);
  return cleanup.kept.map((k) => `kept ${k}`);
}
