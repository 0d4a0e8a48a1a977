import { VisibleError } from "../errors";
import { deleteObjectsOfGoneRecords } from "../storage/objects";
import { transactWithChanges } from "../changes/log";
import { ConditionFailed } from "../table/transact";
import { disposalChange, disposalFor, forGood, type Disposal } from "./disposal";
import { ownedObjects } from "./lifecycle";
import type { GenerationItem } from "./model";
import { generationTransaction, type GenerationTransaction, type GenerationWrite } from "./writes";
import { matchesFilter } from "../search/entry";
import { eachGeneration, type GenerationFilter } from "./query";
import { getGeneration, mutateRecord } from "./repo";

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** Whether a generation that changed since it was selected should still go (e.g. it still matches the filter). */
export type StillWanted = (current: GenerationItem) => boolean;

export interface Removal {
  /** What each record becomes (default: gone for good, audio too). */
  disposal?: Disposal;
  stillWanted?: StillWanted;
  /** Reads one record again after its batch lost a race (default: the live generation). */
  reload?: (tenant: string, id: string) => Promise<GenerationItem>;
}

/** One record, decided again on a fresh read; whether it went. */
async function removeIfStillWanted(tenant: string, id: string, removal: Removal): Promise<boolean> {
  const disposal = removal.disposal ?? forGood;
  let kept = false;
  try {
    const { before, after } = await mutateRecord(tenant, () => (removal.reload ?? getGeneration)(tenant, id), (current) => {
      kept = Boolean(removal.stillWanted && !removal.stillWanted(current));
      return kept ? { kind: "keep" } : disposalChange(disposal, current);
    });
    if (!kept && !after) await deleteObjectsOfGoneRecords(ownedObjects(before));
    return !kept;
  } catch (error) {
    if (error instanceof VisibleError && error.status === 404) return false;
    throw error;
  }
}

/**
 * Deletes (or trashes, as `removal.disposal` says) records read moments ago: each batch is one
 * transaction conditioned on every item's revision, with the summed stats change. If any item
 * changed meanwhile, that batch falls back to one-by-one changes, which decide again on fresh
 * items (one favorited in between is spared by a retention `stillWanted`). Audio of records gone
 * for good goes after the records; trashed records keep theirs.
 */
export async function deleteGenerationItems(tenant: string, items: GenerationItem[], removal: Removal = {}): Promise<number> {
  const disposal = removal.disposal ?? forGood;
  let deleted = 0;
  for (const { batch, transaction } of transactionBatches(tenant, items.map((item) => ({ before: item, after: disposal(item) })))) {
    try {
      await transactWithChanges(tenant, transaction.items, transaction.changes);
      await deleteObjectsOfGoneRecords(batch.flatMap(({ before, after }) => (after ? [] : ownedObjects(before!))));
      deleted += batch.length;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      for (const { before } of batch) {
        if (await removeIfStillWanted(tenant, before!.id, removal)) deleted++;
      }
    }
  }
  return deleted;
}

/**
 * Consecutive runs of writes that fit one transaction together (tags, moves and change-log entries
 * add items of their own), each with the transaction built for it.
 */
function* transactionBatches(tenant: string, writes: GenerationWrite[]): Generator<{ batch: GenerationWrite[]; transaction: GenerationTransaction }> {
  let batch: GenerationWrite[] = [];
  let transaction: GenerationTransaction | undefined;
  for (const write of writes) {
    const next = [...batch, write];
    const built = generationTransaction(tenant, next);
    if (transaction && built.items.length + built.changes.length > MAX_TRANSACTION_ITEMS) {
      yield { batch, transaction };
      batch = [write];
      transaction = generationTransaction(tenant, batch);
    } else {
      batch = next;
      transaction = built;
    }
  }
  if (transaction) yield { batch, transaction };
}

/** Called after each batch with the running count, so jobs can record progress (and tests can stop them). */
export type OnDeleted = (deletedSoFar: number) => void | Promise<void>;

/** Deletes (or trashes, as `disposal` says) every generation matching the filter; returns how many went. */
export async function deleteMatching(tenant: string, filter: GenerationFilter, onDeleted?: OnDeleted, disposal: Disposal = forGood): Promise<number> {
  let deleted = 0;
  for await (const page of eachGeneration(tenant, filter, true, 100)) {
    deleted += await deleteGenerationItems(tenant, page, { disposal, stillWanted: (current) => matchesFilter(filter, current) });
    await onDeleted?.(deleted);
  }
  return deleted;
}

/** Every failed generation, into the trash or for good as the tenant's settings say. */
export const deleteFailed = async (tenant: string): Promise<number> =>
  deleteMatching(tenant, { status: "failed" }, undefined, await disposalFor(tenant));
