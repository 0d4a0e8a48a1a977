import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import type { GenerationFilter } from "../shapes/list";
import type { GenerationItem } from "./model";

export type { GenerationFilter } from "../shapes/list";

/**
 * A UUIDv7's first 13 characters are its millisecond timestamp in hex ("xxxxxxxx-xxxx"), and
 * generation ids are made from created_at, so a time bound is a sort-key bound.
 */
export const timePrefix = (iso: string): string => {
  const hex = Math.max(0, Date.parse(iso)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8)}`;
};

/** Whether the filter can be answered from the key range alone (no FilterExpression). */
export const needsFilterExpression = (filter: GenerationFilter): boolean =>
  Boolean(filter.search || filter.status || filter.favorites !== undefined || filter.engine || filter.language);

/** The Query input (key condition on the table or GSI1, plus filter expression) for a filter. */
export function generationQuery(tenant: string, filter: GenerationFilter, ascending: boolean): QueryCommandInput {
  // The bounds give [created_after, created_before): a bare time prefix sorts before every id of
  // its millisecond.
  const low = `${keys.generationPrefix}${filter.created_after ? timePrefix(filter.created_after) : ""}`;
  // "~" sorts after every hex digit and "-", so it bounds ids of any time.
  const high = `${keys.generationPrefix}${filter.created_before ? timePrefix(filter.created_before) : "~"}`;
  const byProfile = filter.profile_id !== undefined;
  // Reversed bounds select nothing (DynamoDB would refuse the BETWEEN).
  const names: Record<string, string> = byProfile ? { "#pk": "gsi1pk", "#sk": "gsi1sk" } : { "#pk": "pk", "#sk": "sk" };
  const values: Record<string, unknown> = {
    ":pk": byProfile ? keys.profileGenerationsPartition(tenant, filter.profile_id!) : keys.tenantPartition(tenant),
    ":low": low,
    ":high": high < low ? low : high,
  };
  const conditions: string[] = [];
  if (filter.status) {
    names["#status"] = "status";
    values[":status"] = filter.status;
    conditions.push("#status = :status");
  }
  if (filter.favorites !== undefined) {
    values[":fav"] = filter.favorites;
    conditions.push("is_favorited = :fav");
  }
  if (filter.engine) {
    values[":engine"] = filter.engine;
    conditions.push("engine = :engine");
  }
  if (filter.language) {
    names["#language"] = "language";
    values[":language"] = filter.language;
    conditions.push("#language = :language");
  }
  if (filter.search) {
    values[":search"] = filter.search.toLowerCase();
    conditions.push("contains(text_lc, :search)");
  }
  return {
    TableName: tableName(),
    ...(byProfile ? { IndexName: "gsi1" } : {}),
    KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :low AND :high",
    ...(conditions.length ? { FilterExpression: conditions.join(" AND ") } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: ascending,
  };
}

/** The filter as a predicate, for re-checking an item that changed after the query read it. */
export function matchesFilter(filter: GenerationFilter, item: GenerationItem): boolean {
  return (
    (filter.profile_id === undefined || item.profile_id === filter.profile_id) &&
    (filter.status === undefined || item.status === filter.status) &&
    (filter.favorites === undefined || item.is_favorited === filter.favorites) &&
    (filter.engine === undefined || item.engine === filter.engine) &&
    (filter.language === undefined || item.language === filter.language) &&
    (!filter.search || item.text_lc.includes(filter.search.toLowerCase())) &&
    (!filter.created_after || Date.parse(item.created_at) >= Date.parse(filter.created_after)) &&
    (!filter.created_before || Date.parse(item.created_at) < Date.parse(filter.created_before))
  );
}

/** Every generation matching a filter, page by page, in key order. */
export async function* eachGeneration(
  tenant: string,
  filter: GenerationFilter,
  ascending = true,
  pageSize = 200,
): AsyncGenerator<GenerationItem[]> {
  for await (const page of queryPages({ ...generationQuery(tenant, filter, ascending), Limit: pageSize })) {
    if (page.Items?.length) yield page.Items as GenerationItem[];
  }
}
