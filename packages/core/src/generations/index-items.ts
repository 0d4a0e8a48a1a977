import { tableName } from "../resources";
import { keys } from "../table/keys";
import type { TransactItem } from "../table/transact";
import { creationDigest, isTrashed, type GenerationItem } from "./model";

/**
 * Items kept beside a live generation so that a question about a few of them never reads the
 * whole history: one per tag it carries (with the fields a tag list filters on, so the filter runs
 * before any generation is read), and one for a completed generation under the digest of its
 * creation settings (a lookup reads the newest). They are derived from the generation alone and
 * written in the transaction that writes it, so they never disagree with it. A trashed generation
 * has one: its entry on the purge schedule.
 */
export function indexItems(tenant: string, item: GenerationItem | null): Record<string, unknown>[] {
  if (!item) return [];
  // A trashed one is only on the purge schedule, which the daily sweep reads up to today.
  if (isTrashed(item)) return [{ ...keys.trashPurge(tenant, item.purge_at!, item.id), entity: "purge", id: item.id }];
  const tagged = (item.tags ?? []).map((tag) => ({
    ...keys.taggedGeneration(tenant, tag, item.id),
    entity: "tagged",
    id: item.id,
    profile_id: item.profile_id,
    status: item.status,
    is_favorited: item.is_favorited,
    engine: item.engine,
    language: item.language,
    tags: item.tags,
  }));
  const lookup =
    item.status === "completed" ? [{ ...keys.lookupEntry(tenant, creationDigest(item), item.id), entity: "lookup", id: item.id }] : [];
  return [...tagged, ...lookup];
}

const keyOf = (item: Record<string, unknown>) => `${item.pk as string}\n${item.sk as string}`;

/** Puts for index items that are new or changed, deletes for those the change removes. */
export function indexWrites(tenant: string, before: GenerationItem | null, after: GenerationItem | null): TransactItem[] {
  const old = new Map(indexItems(tenant, before).map((item) => [keyOf(item), item]));
  const writes: TransactItem[] = [];
  for (const item of indexItems(tenant, after)) {
    const previous = old.get(keyOf(item));
    old.delete(keyOf(item));
    if (!previous || JSON.stringify(previous) !== JSON.stringify(item)) writes.push({ Put: { TableName: tableName(), Item: item } });
  }
  for (const gone of old.values()) writes.push({ Delete: { TableName: tableName(), Key: { pk: gone.pk, sk: gone.sk } } });
  return writes;
}
