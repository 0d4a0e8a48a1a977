import { tableName } from "../resources";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import type { TagCounts } from "../shapes/generation";

/**
 * Tag counters live in the tenant's partition (`TAG#<tag>`), moved by `ADD` in the transaction of
 * every generation write (stats/aggregates.ts): how many generations outside the trash carry the
 * tag. A tag no generation carries any more keeps its item at 0.
 */
const counted = { ProjectionExpression: "sk, #count", ExpressionAttributeNames: { "#count": "count" } };

/** How many live generations carry each of `tags` (0 for none): one BatchGetItem of their counters. */
export async function tagCounts(tenant: string, tags: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(tags.map((tag) => [tag, 0]));
  const items = await batchGetItems<{ sk: string; count?: number }>(
    tags.map((tag) => keys.tagStats(tenant, tag)),
    counted,
  );
  for (const item of items) counts.set(keys.tagFromStatsSk(item.sk), Number(item.count ?? 0));
  return counts;
}

/**
 * Every tag a live generation carries, with its count, most used first, then by tag: one Query of
 * the counters, strongly consistent, so a write's counts show on the next read.
 */
export async function listTags(tenant: string): Promise<TagCounts> {
  const tags: TagCounts["tags"] = [];
  for await (const page of queryPages({
    TableName: tableName(),
    ConsistentRead: true,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    FilterExpression: "#count > :zero",
    ...counted,
    ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":prefix": keys.tagStatsPrefix, ":zero": 0 },
  })) {
    for (const item of page.Items ?? []) tags.push({ tag: keys.tagFromStatsSk(item.sk as string), count: Number(item.count) });
  }
  tags.sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { tags };
}
