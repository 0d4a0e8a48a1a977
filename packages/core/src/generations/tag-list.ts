import { limits } from "../limits";
import { keys } from "../table/keys";
import { queryPages, queryWindow } from "../table/query-pages";
import type { ListParams } from "../shapes/list";
import type { GenerationItem } from "./model";
import { hydrate, taggedQuery, type GenerationFilter } from "./query";

/** Whether the filter asks for more than its tags. */
const narrowed = (filter: GenerationFilter): boolean =>
  filter.profile_id !== undefined ||
  filter.favorites !== undefined ||
  Boolean(filter.status || filter.engine || filter.language || filter.search || filter.created_after || filter.created_before);

/**
 * The exact number of matches: the tag's counter for one tag alone; otherwise a count over the
 * rarest tag's partition (with a text search, of the generations read, since only they hold the text).
 */
async function taggedTotal(tenant: string, filter: GenerationFilter & { tag: string[] }, rarest: { tag: string; count: number }): Promise<number> {
  if (filter.tag.length === 1 && !narrowed(filter)) return rarest.count;
  const input = taggedQuery(tenant, filter, rarest.tag, true);
  let total = 0;
  if (filter.search) {
    for await (const page of queryPages(input)) total += (await hydrate(tenant, page.Items ?? [], filter)).length;
  } else {
    for await (const page of queryPages({ ...input, Select: "COUNT" })) total += page.Count ?? 0;
  }
  return total;
}

/**
 * A page of a list filtered by tags, read from the rarest tag's partition (`rarest`, undefined
 * when one of the tags is carried by none) in id order, its
 * generations fetched by one BatchGetItem per 100; `after` is the cursor's id, which starts the
 * page at that id in whichever tag's partition is read (they share the sort key `GEN#<id>`).
 * Without a text search the index items decide alone and only the page's generations are read;
 * with one, every candidate is read to check its text.
 */
export async function readTagged(
  tenant: string,
  params: ListParams & { tag: string[] },
  rarest: { tag: string; count: number } | undefined,
  after: string | undefined,
): Promise<{ found: GenerationItem[]; hasMore: boolean; total: number }> {
  if (!rarest) return { found: [], hasMore: false, total: 0 };
  const input = taggedQuery(tenant, params, rarest.tag, params.sort === "asc");
  const window = {
    start: after === undefined ? undefined : keys.taggedGeneration(tenant, rarest.tag, after),
    offset: params.offset ?? 0,
    limit: params.limit ?? limits.defaultListLimit,
    filtered: Boolean(input.FilterExpression || params.search),
  };
  const page = async () => {
    if (params.search) return queryWindow(input, window, (entries) => hydrate(tenant, entries, params));
    const { found, hasMore } = await queryWindow(input, window, (entries) => entries);
    return { found: await hydrate(tenant, found, params), hasMore };
  };
  const [{ found, hasMore }, total] = await Promise.all([page(), taggedTotal(tenant, params, rarest)]);
  return { found, hasMore, total };
}
