import { VisibleError } from "../errors";
import { tableName } from "../resources";
import { statsUpdates } from "../stats/aggregates";
import { deleteObjectsOfGoneRecords } from "../storage/objects";
import { keys } from "../table/keys";
import { ConditionFailed, transact } from "../table/transact";
import { ownedObjects } from "./lifecycle";
import { countedFacts, type GenerationItem } from "./model";
import { eachGeneration, matchesFilter, type GenerationFilter } from "./query";
import { mutateGeneration } from "./repo";

/** 25 deletes plus at most 26 counter updates stay under the 100-item transaction limit. */
const BATCH = 25;

/** Whether a generation that changed since it was selected should still go (e.g. it still matches the filter). */
export type StillWanted = (current: GenerationItem) => boolean;

async function deleteIfStillWanted(tenant: string, id: string, stillWanted?: StillWanted): Promise<boolean> {
  try {
    const { before, after } = await mutateGeneration(tenant, id, (current) =>
      stillWanted && !stillWanted(current) ? { kind: "keep" } : { kind: "delete" },
    );
    if (after) return false;
    await deleteObjectsOfGoneRecords(ownedObjects(before));
    return true;
  } catch (error) {
    if (error instanceof VisibleError && error.status === 404) return false;
    throw error;
  }
}

/**
 * Deletes generations read moments ago: each batch is one transaction conditioned on every item's
 * revision, with the summed stats change. If any item changed meanwhile, that batch falls back
 * to one-by-one deletes, which decide again on fresh items (one favorited in between is spared by
 * a retention `stillWanted`). Audio goes after the records.
 */
export async function deleteGenerationItems(tenant: string, items: GenerationItem[], stillWanted?: StillWanted): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < items.length; i += BATCH) {
    const batch = items.slice(i, i + BATCH);
    try {
      await transact([
        ...batch.map((item) => ({
          Delete: {
            TableName: tableName(),
            Key: keys.generation(tenant, item.id),
            ConditionExpression: "#rev = :rev",
            ExpressionAttributeNames: { "#rev": "rev" },
            ExpressionAttributeValues: { ":rev": item.rev },
          },
        })),
        ...statsUpdates(tenant, batch.map((item) => [countedFacts(item), null] as const)),
      ]);
      await deleteObjectsOfGoneRecords(batch.flatMap(ownedObjects));
      deleted += batch.length;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      for (const item of batch) {
        if (await deleteIfStillWanted(tenant, item.id, stillWanted)) deleted++;
      }
    }
  }
  return deleted;
}

/** Called after each batch with the running count, so jobs can record progress (and tests can stop them). */
export type OnDeleted = (deletedSoFar: number) => void | Promise<void>;

/** Deletes every generation matching the filter; returns how many went. */
export async function deleteMatching(tenant: string, filter: GenerationFilter, onDeleted?: OnDeleted): Promise<number> {
  let deleted = 0;
  for await (const page of eachGeneration(tenant, filter, true, 100)) {
    deleted += await deleteGenerationItems(tenant, page, (current) => matchesFilter(filter, current));
    await onDeleted?.(deleted);
  }
  return deleted;
}
