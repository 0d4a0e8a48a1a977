import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { deleteGenerationItems } from "../generations/bulk-delete";
import { disposalOf } from "../generations/disposal";
import type { GenerationItem } from "../generations/model";
import { timePrefix } from "../generations/query";
import { tableName } from "../resources";
import { getSettings } from "../settings/service";
import { keys } from "../table/keys";

export const DAY_MS = 24 * 3600 * 1000;

/** Generations read per Query page; each page is deleted (in transactions of 25) before the next is read. */
const PAGE = 100;

export interface RetentionResult {
  retention_days: number | null;
  keep_favorites: boolean;
  /** Generations created before this instant were due. */
  cutoff: string | null;
  deleted: number;
}

/**
 * The generations created before `cutoff`, oldest first: a sort-key range (ids are UUIDv7 made from
 * created_at, so `GEN#` .. `GEN#<time prefix of the cutoff>` is exactly "created before the
 * cutoff"), never a scan. Favorites are filtered out when they are to be kept.
 */
async function* dueGenerations(tenant: string, cutoffIso: string, keepFavorites: boolean): AsyncGenerator<GenerationItem[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
        ...(keepFavorites ? { FilterExpression: "NOT is_favorited = :true" } : {}),
        ExpressionAttributeValues: {
          ":pk": keys.tenantPartition(tenant),
          ":low": keys.generationPrefix,
          // A bare time prefix sorts before every id of its millisecond, so the bound is exclusive.
          ":high": `${keys.generationPrefix}${timePrefix(cutoffIso)}`,
          ...(keepFavorites ? { ":true": true } : {}),
        },
        ScanIndexForward: true,
        Limit: PAGE,
        ExclusiveStartKey,
      }),
    );
    if (page.Items?.length) yield page.Items as GenerationItem[];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * Deletes the tenant's generations older than its `retention_days` (by created_at), sparing
 * favorites when `keep_favorites`; with `trash_days` they go to the trash instead, like any
 * delete. Each page goes through deleteGenerationItems: transactions of up to 100 items with the
 * summed stats change, conditioned on each record's revision, then the audio. Nothing is
 * remembered between runs: a run after a crash reads what is still due and deletes only that, so
 * it finishes the work without counting anything twice.
 */
export async function applyRetention(
  tenant: string,
  options: { now?: number; progress?: (deleted: number) => void | Promise<void> } = {},
): Promise<RetentionResult> {
  const settings = await getSettings(tenant);
  const days = settings.retention_days;
  if (days === null || !(days > 0)) {
    return { retention_days: null, keep_favorites: settings.keep_favorites, cutoff: null, deleted: 0 };
  }
  const cutoff = new Date((options.now ?? Date.now()) - days * DAY_MS).toISOString();
  const disposal = disposalOf(tenant, settings);
  let deleted = 0;
  for await (const page of dueGenerations(tenant, cutoff, settings.keep_favorites)) {
    deleted += await deleteGenerationItems(tenant, page, { disposal, stillWanted: (current) => !(settings.keep_favorites && current.is_favorited) });
    await options.progress?.(deleted);
  }
  return { retention_days: days, keep_favorites: settings.keep_favorites, cutoff, deleted };
}
