import type { AwsClients } from "../aws/clients";
import { addTags, deleteTags, listTags } from "../aws/endpoints";
import type { WayBack } from "../core/reconcile";
import { encodeRollout, MAX_TAGS, PREVIOUS_CONFIG_TAG, PREVIOUS_OF_TAG, ROLLOUT_TAG_PREFIX, rolloutTagKeys, type RolloutState } from "../core/rollout-state";
import { UsageError } from "../errors";
import { retrying, type Pace } from "./poll";

/**
 * Reading and writing the rollout record and the way back on the endpoint's tags. Writes retry
 * through throttling (a record that is not written is a rollout nobody else can see).
 */

/** Replace the endpoint's last record with a new one: drop its keys the new one has not, then write. */
export async function writeNewRecord(aws: AwsClients, pace: Pace, arn: string, state: RolloutState): Promise<void> {
  const tags = encodeRollout(state);
  const current = await retrying(pace, () => listTags(aws, arn));
  // Dropping first keeps the endpoint within 50 tags; what remains of the old record is a finished one.
  const stale = rolloutTagKeys(current).filter((k) => !(k in tags));
  await retrying(pace, () => deleteTags(aws, arn, stale));
  await retrying(pace, () => addTags(aws, arn, tags));
}

/** Write the whole record (one AddTags call). */
export async function saveRecord(aws: AwsClients, pace: Pace, arn: string, state: RolloutState): Promise<void> {
  await retrying(pace, () => addTags(aws, arn, encodeRollout(state)));
}

/** Write some of the record's fields: `fields` by their tag names under mlops:rollout:. */
export async function saveRecordFields(aws: AwsClients, pace: Pace, arn: string, fields: Record<string, string>): Promise<void> {
  await retrying(pace, () => addTags(aws, arn, Object.fromEntries(Object.entries(fields).map(([k, v]) => [ROLLOUT_TAG_PREFIX + k, v]))));
}

export async function removeRecordFields(aws: AwsClients, pace: Pace, arn: string, fields: string[]): Promise<void> {
  await retrying(pace, () => deleteTags(aws, arn, fields.map((k) => ROLLOUT_TAG_PREFIX + k)));
}

/** Record the way back: from `of` (serving), go back to `previous`. */
export async function writeWayBack(aws: AwsClients, pace: Pace, arn: string, wayBack: WayBack): Promise<void> {
  await retrying(pace, () => addTags(aws, arn, { [PREVIOUS_CONFIG_TAG]: wayBack.previous, [PREVIOUS_OF_TAG]: wayBack.of }));
}

/** Record fields a rollout may add after its first write: a driver, a command and its answer, the ending. */
const LATER_FIELDS = ["driver", "command", "command-id", "taken-commands", "ending", "ended"] as const;

/**
 * A rollout's record and the way back must fit in the endpoint's 50 tags beside the user's own:
 * checked before anything changes.
 */
export function checkTagBudget(endpoint: string, tags: Readonly<Record<string, string>>, state: RolloutState): void {
  const own = Object.keys(tags).filter((k) => !k.startsWith(ROLLOUT_TAG_PREFIX) && k !== PREVIOUS_CONFIG_TAG && k !== PREVIOUS_OF_TAG).length;
  // The record as it starts, the fields written while it runs and when it ends, and the way back.
  const keys = new Set([...Object.keys(encodeRollout(state)), ...LATER_FIELDS.map((f) => ROLLOUT_TAG_PREFIX + f)]);
  const needed = keys.size + 2;
  if (own + needed > MAX_TAGS) {
    throw new UsageError(`${endpoint} has ${own} tags of its own; the rollout's record needs ${needed} more and SageMaker allows ${MAX_TAGS}`, {
      hint: "remove some of the endpoint's tags, or watch fewer alarms",
    });
  }
}
