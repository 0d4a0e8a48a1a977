import { VisibleError } from "../errors";
import { deleteObjectsOfGoneRecords } from "../storage/objects";
import { transactWithChanges } from "../changes/log";
import { ConditionFailed } from "../table/transact";
import { ownedObjects } from "./lifecycle";
import type { GenerationItem } from "./model";
import { generationTransaction } from "./writes";
import { eachGeneration, matchesFilter, type GenerationFilter } from "./query";
import { mutateGeneration } from "./repo";

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

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
  for (const batch of transactionBatches(tenant, items)) {
    try {
      const { items, changes } = generationTransaction(tenant, batch.map((item) => ({ before: item, after: null })));
      await transactWithChanges(tenant, items, changes);
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

/** Items a transaction of these deletes holds: the writes, and one change-log item per change (tags add items of their own). */
const transactionSize = (tenant: string, items: GenerationItem[]) => {
  const { items: writes, changes } = generationTransaction(tenant, items.map((item) => ({ before: item, after: null })));
  return writes.length + changes.length;
};

/** Consecutive runs of items whose deletes fit one transaction together. */
function* transactionBatches(tenant: string, items: GenerationItem[]): Generator<GenerationItem[]> {
  let batch: GenerationItem[] = [];
  for (const item of items) {
    const next = [...batch, item];
    if (batch.length && transactionSize(tenant, next) > MAX_TRANSACTION_ITEMS) {
      yield batch;
      batch = [item];
    } else batch = next;
  }
  if (batch.length) yield batch;
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
