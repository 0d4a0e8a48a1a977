import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { onFirstUse } from "../lazy";
import { tableName } from "../resources";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import type { GenerationFilter } from "../shapes/list";
import type { GenerationItem } from "./model";
import { tagCounts } from "./tag-counts";

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
  Boolean(filter.status || filter.favorites !== undefined || filter.engine || filter.language);

/** Expression names and values, and the FilterExpression terms built beside them. */
interface Expression {
  names: Record<string, string>;
  values: Record<string, unknown>;
  conditions: string[];
}

/**
 * `#sk BETWEEN :low AND :high` over `GEN#<id>` sort keys: the bounds give [created_after,
 * created_before), since a bare time prefix sorts before every id of its millisecond.
 */
function timeRange(filter: GenerationFilter, expression: Expression): string {
  const low = `${keys.generationPrefix}${filter.created_after ? timePrefix(filter.created_after) : ""}`;
  // "~" sorts after every hex digit and "-", so it bounds ids of any time.
  const high = `${keys.generationPrefix}${filter.created_before ? timePrefix(filter.created_before) : "~"}`;
  expression.values[":low"] = low;
  // Reversed bounds select nothing (DynamoDB would refuse the BETWEEN).
  expression.values[":high"] = high < low ? low : high;
  return "#sk BETWEEN :low AND :high";
}

/** Filter terms on the fields a generation and its tag index items both carry. */
function fieldConditions(filter: GenerationFilter, { names, values, conditions }: Expression): void {
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
}

const queryInput = (expression: Expression, ascending: boolean): QueryCommandInput => ({
  TableName: tableName(),
  ...(expression.conditions.length ? { FilterExpression: expression.conditions.join(" AND ") } : {}),
  ExpressionAttributeNames: expression.names,
  ExpressionAttributeValues: expression.values,
  ScanIndexForward: ascending,
});

/**
 * The Query input (key condition on the table or GSI1, plus filter expression) for a filter
 * without tags. The text search is not a term here: it is Unicode case folding, which DynamoDB
 * has no function for, so readers match it in code (matchesFilter, or the search index).
 */
export function generationQuery(tenant: string, filter: GenerationFilter, ascending: boolean): QueryCommandInput {
  const byProfile = filter.profile_id !== undefined;
  const expression: Expression = {
    names: byProfile ? { "#pk": "gsi1pk", "#sk": "gsi1sk" } : { "#pk": "pk", "#sk": "sk" },
    values: { ":pk": byProfile ? keys.profileGenerationsPartition(tenant, filter.profile_id!) : keys.tenantPartition(tenant) },
    conditions: [],
  };
  const range = timeRange(filter, expression);
  fieldConditions(filter, expression);
  return { ...queryInput(expression, ascending), ...(byProfile ? { IndexName: "gsi1" } : {}), KeyConditionExpression: `#pk = :pk AND ${range}` };
}

/**
 * The Query of one tag's partition (`generations/index-items.ts`) for a filter: the time bounds
 * are a key range there too, and every other field but the text is a filter term on the index
 * items, the other tags included. The text search needs the generations themselves (`hydrate`).
 */
export function taggedQuery(tenant: string, filter: GenerationFilter, tag: string, ascending: boolean): QueryCommandInput {
  const expression: Expression = { names: { "#pk": "pk", "#sk": "sk" }, values: { ":pk": keys.tagPartition(tenant, tag) }, conditions: [] };
  const range = timeRange(filter, expression);
  fieldConditions(filter, expression);
  if (filter.profile_id !== undefined) {
    expression.values[":profile"] = filter.profile_id;
    expression.conditions.push("profile_id = :profile");
  }
  (filter.tag ?? [])
    .filter((other) => other !== tag)
    .forEach((other, i) => {
      expression.values[`:tag${i}`] = other;
      expression.conditions.push(`contains(tags, :tag${i})`);
    });
  return { ...queryInput(expression, ascending), KeyConditionExpression: `#pk = :pk AND ${range}` };
}

/**
 * The tag of `tags` the fewest live generations carry, with its count: a tagged filter reads that
 * tag's partition, so the read grows with the rarest tag, never with the history. Undefined when
 * one of them is carried by none, so nothing can match.
 */
export async function rarestTag(tenant: string, tags: readonly string[]): Promise<{ tag: string; count: number } | undefined> {
  const counts = [...(await tagCounts(tenant, tags))].map(([tag, count]) => ({ tag, count }));
  const rarest = counts.reduce((a, b) => (b.count < a.count ? b : a));
  return rarest.count > 0 ? rarest : undefined;
}

/**
 * The generations tag index items point at, in the items' order, that match the filter (the text
 * search is checked here, since index items carry no text); any gone since are left out.
 */
export async function hydrate(tenant: string, entries: readonly Record<string, unknown>[], filter: GenerationFilter): Promise<GenerationItem[]> {
  const ids = entries.map((entry) => entry.id as string);
  const found = new Map((await batchGetItems<GenerationItem>(ids.map((id) => keys.generation(tenant, id)))).map((item) => [item.id, item]));
  const matchesFilter = await filterMatch();
  return ids.flatMap((id) => {
    const item = found.get(id);
    return item && matchesFilter(filter, item) ? [item] : [];
  });
}

/** The filter predicate, loaded on first use: its Unicode case-folding table is not needed to list without one. */
const filterMatch = onFirstUse(async () => (await import("../search/entry")).matchesFilter);

/** Every generation matching a filter, page by page, in key order (a tagged filter through its rarest tag). */
export async function* eachGeneration(
  tenant: string,
  filter: GenerationFilter,
  ascending = true,
  pageSize = 200,
): AsyncGenerator<GenerationItem[]> {
  if (filter.tag?.length) {
    const rarest = await rarestTag(tenant, filter.tag);
    if (!rarest) return;
    for await (const page of queryPages({ ...taggedQuery(tenant, filter, rarest.tag, ascending), Limit: pageSize })) {
      const items = await hydrate(tenant, page.Items ?? [], filter);
      if (items.length) yield items;
    }
    return;
  }
  for await (const page of queryPages({ ...generationQuery(tenant, filter, ascending), Limit: pageSize })) {
    const items = (page.Items ?? []) as GenerationItem[];
    const matchesFilter = filter.search ? await filterMatch() : undefined;
    const found = matchesFilter ? items.filter((item) => matchesFilter(filter, item)) : items;
    if (found.length) yield found;
  }
}
