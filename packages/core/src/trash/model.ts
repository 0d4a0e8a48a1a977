import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { toGeneration, type GenerationItem } from "../generations/model";
import { isId } from "../ids";
import { tableName } from "../resources";
import type { TrashedGeneration } from "../shapes/trash";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";

export type { TrashedGeneration } from "../shapes/trash";

const DAY_MS = 24 * 3600 * 1000;

/**
 * A live generation as the trash holds it: the same item (id, fields, versions, favorite, tags,
 * audio, updated_at) at its trash key, with when it went and when it goes for good.
 */
export function trashedItem(tenant: string, item: GenerationItem, deletedAtMs: number, trashDays: number): GenerationItem {
  const deletedAt = new Date(deletedAtMs).toISOString();
  return {
    ...item,
    ...keys.trashedGeneration(tenant, item.id),
    ...keys.trashByDeletion(tenant, deletedAt, item.id),
    entity: "trashed",
    deleted_at: deletedAt,
    purge_at: new Date(deletedAtMs + trashDays * DAY_MS).toISOString(),
  };
}

/** A trashed generation back where it was, in `profileId` (its own, or the one a restore names). */
export function restoredItem(tenant: string, item: GenerationItem, profileId: string): GenerationItem {
  const { deleted_at: _deletedAt, purge_at: _purgeAt, ...kept } = item;
  return {
    ...kept,
    ...keys.generation(tenant, item.id),
    ...keys.generationByProfile(tenant, profileId, item.id),
    entity: "generation",
    profile_id: profileId,
  };
}

export async function findTrashed(tenant: string, id: string): Promise<GenerationItem | undefined> {
  if (!isId(id)) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.trashedGeneration(tenant, id), ConsistentRead: true }),
  );
  return Item as GenerationItem | undefined;
}

export async function getTrashed(tenant: string, id: string): Promise<GenerationItem> {
  const item = await findTrashed(tenant, id);
  if (!item) throw new VisibleError(404, "generation.not_found", `No generation with id ${JSON.stringify(id)} in the trash.`);
  return item;
}

export const toTrashedGeneration = (item: GenerationItem, profileName: string | null): TrashedGeneration => ({
  ...toGeneration(item),
  profile_name: profileName,
  deleted_at: item.deleted_at!,
  purge_at: item.purge_at!,
});

/** The tenant's trashed records (those deleted up to `deletedUpTo`, if given), read consistently from its partition, page by page. */
export async function* eachTrashed(tenant: string, pageSize: number, deletedUpTo?: string): AsyncGenerator<GenerationItem[]> {
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :trash)",
    ...(deletedUpTo === undefined ? {} : { FilterExpression: "deleted_at <= :until" }),
    ExpressionAttributeValues: {
      ":pk": keys.tenantPartition(tenant),
      ":trash": keys.trashPrefix,
      ...(deletedUpTo === undefined ? {} : { ":until": deletedUpTo }),
    },
    ConsistentRead: true,
    Limit: pageSize,
  })) {
    if (page.Items?.length) yield page.Items as GenerationItem[];
  }
}
