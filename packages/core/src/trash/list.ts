import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { badCursor } from "../generations/list";
import type { GenerationItem } from "../generations/model";
import { isId } from "../ids";
import { limits } from "../limits";
import { profileNames } from "../profiles/names";
import { tableName } from "../resources";
import type { TrashPage, TrashParams } from "../shapes/trash";
import { keys } from "../table/keys";
import { toTrashedGeneration } from "./model";

export type { TrashPage, TrashParams } from "../shapes/trash";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Position {
  deletedAt: string;
  id: string;
}

const encodeCursor = (item: GenerationItem) => Buffer.from(JSON.stringify({ d: item.deleted_at, id: item.id })).toString("base64url");

function decodeCursor(cursor: string): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const { d, id } = (decoded ?? {}) as { d?: unknown; id?: unknown };
  if (typeof d !== "string" || !ISO_INSTANT.test(d) || typeof id !== "string" || !isId(id)) throw badCursor();
  return { deletedAt: d, id };
}

/** Rebuilt from the tenant and the cursor's position alone: a cursor can't point elsewhere. */
const startKeyAt = (tenant: string, { deletedAt, id }: Position) => ({
  ...keys.trashedGeneration(tenant, id),
  ...keys.trashByDeletion(tenant, deletedAt, id),
});

/**
 * The tenant's trash, newest-deleted first: a Query of the trash's own gsi1 partition (sort key
 * `<deleted_at>#<id>`), `limit + 1` items to learn whether a next page exists, constant at any
 * depth with the cursor.
 */
export async function listTrash(tenant: string, params: TrashParams): Promise<TrashPage> {
  const limit = params.limit ?? limits.defaultListLimit;
  const found: GenerationItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined = params.cursor ? startKeyAt(tenant, decodeCursor(params.cursor)) : undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.trashPartition(tenant) },
        ScanIndexForward: false,
        Limit: limit + 1 - found.length,
        ExclusiveStartKey,
      }),
    );
    found.push(...((page.Items ?? []) as GenerationItem[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && found.length <= limit);
  const items = found.slice(0, limit);
  const names = await profileNames(tenant, items.map((item) => item.profile_id));
  return {
    items: items.map((item) => toTrashedGeneration(item, names.get(item.profile_id) ?? null)),
    next_cursor: found.length > limit ? encodeCursor(items[items.length - 1]!) : null,
  };
}
