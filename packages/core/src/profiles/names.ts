import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";

/**
 * How many name items the names Query may read per distinct profile it has to name. A name item is
 * about 150 bytes (tenant key, lower-cased name, id, display name), so 25 of them fit in the 4 KB
 * that one profile's BatchGet read bills at 0.5 RCU: the Query never costs much more than the
 * BatchGet it replaces, and a tenant with up to 25 times as many profiles as the page names is
 * answered by it alone, usually for 0.5 RCU.
 */
export const NAME_ITEMS_PER_PROFILE = 25;

/**
 * The current names of the given profiles (a list page's, or one generation's); ids of deleted
 * profiles are absent. One profile costs a BatchGet of its item (0.5 RCU, the least any read
 * costs); several, one Query of the tenant's name items, then a BatchGet of whichever it did not
 * name (locks written before they held the display name, profiles past the Query's limit).
 */
export async function profileNames(tenant: string, ids: string[]): Promise<Map<string, string>> {
  const wanted = new Set(ids);
  if (wanted.size === 0) return new Map();
  const names = wanted.size > 1 ? await namesFromNameItems(tenant, wanted) : new Map<string, string>();
  const missing = [...wanted].filter((id) => !names.has(id));
  if (missing.length > 0) for (const [id, name] of await namesFromProfiles(tenant, missing)) names.set(id, name);
  return names;
}

/**
 * Access pattern "profile names from name items": Query `pk = T#<t> AND begins_with(sk, PNAME#)`,
 * eventually consistent, Limit 25 per wanted profile, one call. The name items change in the same
 * transactions as the profiles, so each one read is a name its profile had when the read ran. A
 * Query is not isolated from a rename's transaction, though: it may see the old and the new lock
 * of one profile at once. Such a profile is left out, to be read from its profile item.
 */
async function namesFromNameItems(tenant: string, wanted: Set<string>): Promise<Map<string, string>> {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":prefix": keys.profileNamePrefix },
      ProjectionExpression: "profile_id, #name",
      ExpressionAttributeNames: { "#name": "name" },
      Limit: NAME_ITEMS_PER_PROFILE * wanted.size,
    }),
  );
  const found = new Map<string, unknown>();
  const seenTwice = new Set<string>();
  for (const item of Items) {
    const id = item.profile_id as string;
    if (!wanted.has(id)) continue;
    if (found.has(id)) seenTwice.add(id);
    found.set(id, item.name);
  }
  const names = new Map<string, string>();
  for (const [id, name] of found) if (typeof name === "string" && !seenTwice.has(id)) names.set(id, name);
  return names;
}

/**
 * Access pattern "profile names by id": BatchGetItem of the profile items, 100 keys a call, 0.5 RCU
 * each; keys DynamoDB leaves unprocessed are asked again with backoff (table/batch.ts).
 */
async function namesFromProfiles(tenant: string, ids: string[]): Promise<Map<string, string>> {
  const items = await batchGetItems<{ id: string; name: string }>(
    ids.map((id) => keys.profile(tenant, id)),
    { ProjectionExpression: "id, #name", ExpressionAttributeNames: { "#name": "name" } },
  );
  return new Map(items.map((item) => [item.id, item.name]));
}
