import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound, VisibleError } from "../errors";
import { isId } from "../ids";
import { countBytesStored, countGeneration } from "../observability";
import { tableName } from "../resources";
import type { Quotas } from "../stats/aggregates";
import { keys } from "../table/keys";
import { retry } from "../retry";
import { transactWithChanges } from "../changes/log";
import { ConditionFailed, LOCK_RETRY, type TransactItem } from "../table/transact";
import { countedFacts, type GenerationItem } from "./model";
import { generationTransaction } from "./writes";

export async function findGeneration(tenant: string, id: string): Promise<GenerationItem | undefined> {
  if (!isId(id)) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.generation(tenant, id), ConsistentRead: true }),
  );
  return Item as GenerationItem | undefined;
}

export async function getGeneration(tenant: string, id: string): Promise<GenerationItem> {
  const item = await findGeneration(tenant, id);
  if (!item) throw notFound("generation", id);
  return item;
}

/**
 * What a change decides: keep the record as it is, replace it (at the same key, or moved to
 * another: the trash and back), or delete it.
 */
export type Change =
  | { kind: "keep" }
  | { kind: "put"; item: GenerationItem; extra?: TransactItem[]; quotas?: Quotas }
  | { kind: "delete"; extra?: TransactItem[] };

const generationBusy = () =>
  new VisibleError(409, "generation.busy", "The generation is being changed by other requests; retry.", { "Retry-After": "1" });

/**
 * Metrics for a generation written: created, become completed or failed, and the audio bytes it
 * holds beyond what it held before (a completion's, a version's, an import's).
 */
export function countChange(before: GenerationItem | null, after: GenerationItem | null): void {
  if (!after) return;
  if (!before) countGeneration("Created");
  if (after.status !== before?.status && after.status !== "pending") countGeneration(after.status === "completed" ? "Completed" : "Failed");
  const stored = countedFacts(after).bytes - (before ? countedFacts(before).bytes : 0);
  if (stored > 0) countBytesStored(stored);
}

/**
 * Applies a change to one generation under an optimistic lock on its `rev`, together with the
 * stats and index changes it implies, in one transaction. A concurrent writer makes the condition
 * fail and the change is decided again on the fresh item, so counters always follow the item they
 * count and a second delete finds nothing to decrement.
 */
export function mutateGeneration(
  tenant: string,
  id: string,
  decide: (current: GenerationItem) => Change | Promise<Change>,
): Promise<{ before: GenerationItem; after: GenerationItem | null }> {
  return mutateRecord(tenant, () => getGeneration(tenant, id), decide);
}

/** `mutateGeneration` over any record of a generation `load` reads (a trashed one too). */
export async function mutateRecord(
  tenant: string,
  load: () => Promise<GenerationItem>,
  decide: (current: GenerationItem) => Change | Promise<Change>,
): Promise<{ before: GenerationItem; after: GenerationItem | null }> {
  return retry(
    async () => {
      const current = await load();
      const change = await decide(current);
      if (change.kind === "keep") return { before: current, after: current };
      const after = change.kind === "put" ? { ...change.item, rev: current.rev + 1 } : null;
      const { items, changes, refusal } = generationTransaction(tenant, [{ before: current, after }], change.kind === "put" ? change.quotas : undefined);
      try {
        // The record's own write (or its delete, when it moves) comes first: lostLock looks at item 0.
        await transactWithChanges(tenant, [...items, ...(change.extra ?? [])], changes);
      } catch (error) {
        if (error instanceof ConditionFailed) throw (await refusal(error.index)) ?? error;
        throw error;
      }
      countChange(current, after);
      return { before: current, after };
    },
    { ...LOCK_RETRY, exhausted: generationBusy },
  );
}
