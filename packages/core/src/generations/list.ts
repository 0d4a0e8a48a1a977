import { createHash } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { isId } from "../ids";
import { onFirstUse } from "../lazy";
import { limits } from "../limits";
import { profileNames } from "../profiles/names";
import { tableName } from "../resources";
import type { Counter } from "../stats/aggregates";
import { keys } from "../table/keys";
import { queryPages, queryWindow } from "../table/query-pages";
import { toGeneration, type Generation, type GenerationItem } from "./model";
import { generationQuery, needsFilterExpression, rarestTag, type GenerationFilter } from "./query";
import { readTagged } from "./tag-list";
import type { ListPage, ListParams } from "../shapes/list";
import type { ListedGeneration } from "../shapes/generation";

export type { ListPage, ListParams } from "../shapes/list";
export type { ListedGeneration } from "../shapes/generation";

/** Ties a cursor to the query it came from, so it cannot be replayed against another one. */
const queryFingerprint = (params: ListParams): string => {
  const { limit: _limit, offset: _offset, cursor: _cursor, ...query } = params;
  const canonical = JSON.stringify(Object.entries(query).filter(([, v]) => v !== undefined).sort());
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
};

export const badCursor = () => new VisibleError(400, "request.invalid_cursor", "The cursor is malformed or belongs to a different query.");

const encodeCursor = (params: ListParams, lastId: string) =>
  Buffer.from(JSON.stringify({ q: queryFingerprint(params), id: lastId })).toString("base64url");

function decodeCursor(params: ListParams, cursor: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const { q, id } = (decoded ?? {}) as { q?: unknown; id?: unknown };
  if (q !== queryFingerprint(params) || typeof id !== "string" || !isId(id)) throw badCursor();
  return id;
}

/** Rebuilds the start key from the tenant and the cursor's id alone: a cursor can't point elsewhere. */
const startKeyAfter = (tenant: string, params: ListParams, id: string) => ({
  ...keys.generation(tenant, id),
  ...(params.profile_id !== undefined ? keys.generationByProfile(tenant, params.profile_id, id) : {}),
});

/** The aggregate counter that holds the total of a filter, where one does. */
function counterFor(filter: GenerationFilter): Counter | undefined {
  if (filter.engine || filter.language || filter.created_after || filter.created_before) return undefined;
  if (filter.favorites === false || (filter.status && filter.favorites)) return undefined;
  if (filter.status) return `status_${filter.status}`;
  return filter.favorites ? "favorites" : "generations";
}

async function exactTotal(tenant: string, params: ListParams): Promise<number> {
  const counter = counterFor(params);
  if (counter) {
    const key = params.profile_id !== undefined ? keys.profileStats(tenant, params.profile_id) : keys.tenantStats(tenant);
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: key, ProjectionExpression: "#c", ExpressionAttributeNames: { "#c": counter } }),
    );
    return Number(Item?.[counter] ?? 0);
  }
  // No counter holds this combination: count the matching range (cost grows with the range read).
  const input = generationQuery(tenant, params, true);
  let total = 0;
  for await (const page of queryPages({ ...input, Select: "COUNT" })) total += page.Count ?? 0;
  return total;
}

/** Reads `limit` matches after skipping `offset`, plus one more to learn whether a next page exists. */
const readPage = (tenant: string, params: ListParams, after: string | undefined) =>
  queryWindow(
    generationQuery(tenant, params, params.sort === "asc"),
    {
      start: after === undefined ? undefined : startKeyAfter(tenant, params, after),
      offset: params.offset ?? 0,
      limit: params.limit ?? limits.defaultListLimit,
      filtered: needsFilterExpression(params),
    },
    (items) => items as GenerationItem[],
  );

async function readUntagged(tenant: string, params: ListParams, after: string | undefined) {
  const [page, total] = await Promise.all([readPage(tenant, params, after), exactTotal(tenant, params)]);
  return { ...page, total };
}

// The search index reads S3: loaded by the first text search, so other lists stay off it at cold start.
const searchIndex = onFirstUse(() => import("../search/search"));

/**
 * A tag carried by at most this many generations is read from its partition even with a text
 * search (every candidate is read to check its text): cheaper than the search index up to here.
 */
const SEARCH_IN_TAG_UP_TO = 1_000;

/**
 * A text search goes to the search index unless a rare tag narrows it; otherwise the rarest tag's
 * partition, or the records' key range.
 */
async function readMatches(tenant: string, params: ListParams, after: string | undefined) {
  if (params.tag) {
    const rarest = await rarestTag(tenant, params.tag);
    if (!params.search || !rarest || rarest.count <= SEARCH_IN_TAG_UP_TO) return readTagged(tenant, { ...params, tag: params.tag }, rarest, after);
  }
  if (params.search) return (await searchIndex()).searchGenerations(tenant, params, after);
  return readUntagged(tenant, params, after);
}

export async function listGenerations(tenant: string, params: ListParams): Promise<ListPage> {
  if (params.profile_id !== undefined && !isId(params.profile_id)) return { items: [], total: 0, next_cursor: null };
  const after = params.cursor === undefined ? undefined : decodeCursor(params, params.cursor);
  const { found, hasMore, total } = await readMatches(tenant, params, after);
  const names = await profileNames(tenant, found.map((item) => item.profile_id));
  return {
    items: found.map((item) => ({ ...toGeneration(item), profile_name: names.get(item.profile_id) ?? null })),
    total,
    next_cursor: hasMore && found.length ? encodeCursor(params, found[found.length - 1]!.id) : null,
  };
}
