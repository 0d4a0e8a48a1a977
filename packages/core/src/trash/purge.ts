import { deleteGenerationItems, type OnDeleted } from "../generations/bulk-delete";
import { ownedObjects } from "../generations/lifecycle";
import type { GenerationItem } from "../generations/model";
import { mutateRecord } from "../generations/repo";
import { enqueueJob } from "../jobs/enqueue";
import type { Job } from "../jobs/model";
import { deleteObjectsOfGoneRecords } from "../storage/objects";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";
import { eachTrashed, getTrashed } from "./model";
import { dueIds } from "./schedule";

/** Trashed records read per page; each page is purged before the next is read. */
const PAGE = 100;

/** Purges one trashed generation now: the record (and its counts) first, then its audio. */
export async function purgeTrashed(tenant: string, id: string): Promise<void> {
  const { before } = await mutateRecord(tenant, () => getTrashed(tenant, id), () => ({ kind: "delete" }));
  await deleteObjectsOfGoneRecords(ownedObjects(before));
}

/**
 * What a `trash.purge` job purges: everything deleted up to an instant (emptying the trash: what
 * is deleted after the request stays), or everything due by an instant (the daily sweep).
 */
export type PurgeScope = { deleted_up_to: string } | { due_by: string };

/** Emptying the trash, as a job: a trash can hold far more than one request can purge. */
export const requestEmptyTrash = (tenant: string): Promise<Job> =>
  enqueueJob(tenant, "trash.purge", { deleted_up_to: new Date().toISOString() } satisfies PurgeScope);

/** Queues the purge of what is due by `dueBy` (the daily sweep's instant). */
export const requestDuePurge = (tenant: string, dueBy: string): Promise<Job> =>
  enqueueJob(tenant, "trash.purge", { due_by: dueBy } satisfies PurgeScope);

/** The trashed records the purge schedule says are due by `dueBy`, read consistently. */
async function* dueBy(tenant: string, due: string): AsyncGenerator<GenerationItem[]> {
  for await (const ids of dueIds(tenant, due, PAGE)) {
    const items = await batchGetItems<GenerationItem>(ids.map((id) => keys.trashedGeneration(tenant, id)), { ConsistentRead: true });
    if (items.length) yield items;
  }
}

/**
 * Purges a scope of the trash, page by page, through deleteGenerationItems: transactions of up to
 * 100 items guarded by each record's revision, with the tenant counters' decrement, then the
 * audio. A record restored (or trashed again) since it was read is decided again on a fresh read,
 * and spared unless it is still in scope. Run again after a crash, it purges what is left.
 */
export async function purgeTrash(tenant: string, scope: PurgeScope, onPurged?: OnDeleted): Promise<number> {
  const [pages, inScope] =
    "due_by" in scope
      ? [dueBy(tenant, scope.due_by), (item: GenerationItem) => item.purge_at! <= scope.due_by]
      : [eachTrashed(tenant, PAGE, scope.deleted_up_to), (item: GenerationItem) => item.deleted_at! <= scope.deleted_up_to];
  let purged = 0;
  for await (const page of pages) {
    purged += await deleteGenerationItems(tenant, page.filter(inScope), { stillWanted: inScope, reload: getTrashed });
    await onPurged?.(purged);
  }
  return purged;
}
