import { generationChange } from "../changes/entries";
import type { ChangeEntry } from "../changes/log";
import type { VisibleError } from "../errors";
import { tableName } from "../resources";
import { guardedCounters, statsUpdates, type Quotas } from "../stats/aggregates";
import type { TransactItem } from "../table/transact";
import { indexWrites } from "./index-items";
import { countedFacts, type GenerationItem } from "./model";
import { quotaExceeded } from "./quota";

/** One generation's record before and after a change: a create has no `before`, a delete no `after`. */
export interface GenerationWrite {
  before: GenerationItem | null;
  after: GenerationItem | null;
}

const keyOf = (item: GenerationItem) => ({ pk: item.pk, sk: item.sk });

/**
 * The record's own writes. A change is guarded by the revision it was decided on, so two writers
 * never both count it; a record that moves (to the trash, back from it) is deleted at one key and
 * created at the other in the same transaction.
 */
function recordWrites({ before, after }: GenerationWrite): TransactItem[] {
  const guard = before
    ? { ConditionExpression: "#rev = :rev", ExpressionAttributeNames: { "#rev": "rev" }, ExpressionAttributeValues: { ":rev": before.rev } }
    : undefined;
  const fresh = { ConditionExpression: "attribute_not_exists(pk)" };
  if (before && after && before.sk === after.sk) return [{ Put: { TableName: tableName(), Item: after, ...guard } }];
  return [
    ...(before ? [{ Delete: { TableName: tableName(), Key: keyOf(before), ...guard } }] : []),
    ...(after ? [{ Put: { TableName: tableName(), Item: after, ...fresh } }] : []),
  ];
}

export interface GenerationTransaction {
  items: TransactItem[];
  /** What the change log records of these writes (send `items` with transactWithChanges). */
  changes: ChangeEntry[];
  /** The quota refusal a failed condition at `index` (within `items`) stands for, if it is one. */
  refusal: (index: number) => Promise<VisibleError | undefined>;
}

/**
 * Every write a set of generation changes needs, for one transaction: the records, the aggregate
 * counters they move (held to `quotas`), the index items derived from them, and the change-log
 * entries. Callers put their own items before or after and translate a failed condition's index
 * with `refusal`.
 */
export function generationTransaction(tenant: string, writes: readonly GenerationWrite[], quotas?: Quotas): GenerationTransaction {
  const records = writes.flatMap(recordWrites);
  const stats = statsUpdates(
    tenant,
    writes.map(({ before, after }) => [before && countedFacts(before), after && countedFacts(after)] as const),
    quotas,
  );
  const index = writes.flatMap(({ before, after }) => indexWrites(tenant, before, after));
  return {
    items: [...records, ...stats, ...index],
    changes: writes.flatMap(({ before, after }) => generationChange(before, after) ?? []),
    refusal: async (at) => {
      const update = stats[at - records.length];
      return update && quotas ? quotaExceeded(tenant, update.Update.Key.sk, quotas, guardedCounters(update)) : undefined;
    },
  };
}
