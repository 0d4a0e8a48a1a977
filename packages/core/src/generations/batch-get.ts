import { isId } from "../ids";
import { profileNames } from "../profiles/names";
import type { BatchGetResult } from "../shapes/batch-get";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";
import { toDetail } from "./detail";
import type { GenerationItem } from "./model";

/**
 * Many generations at once, each as `GET /history/{id}` shows it, in the order asked; an id asked
 * twice is answered twice. Access pattern "batch get": one BatchGetItem of the distinct well-formed
 * ids' `GEN#` keys (at most 100, so one call, plus retries of what DynamoDB leaves unprocessed),
 * then the profile names of what it found in one read. Only live generations are at `GEN#`: a
 * trashed one (`TRASH#`), a deleted one, another tenant's (another partition) and a malformed id
 * all land in `missing`.
 *
 * Reads are strongly consistent, as `GET /history/{id}` reads: an eventually consistent read
 * could answer a generation created a moment ago as missing, or a completed one as pending.
 */
export async function batchGetGenerations(tenant: string, ids: readonly string[]): Promise<BatchGetResult> {
  const wanted = [...new Set(ids.filter(isId))];
  const found = await batchGetItems<GenerationItem>(
    wanted.map((id) => keys.generation(tenant, id)),
    { ConsistentRead: true },
  );
  const names = await profileNames(tenant, found.map((item) => item.profile_id));
  const details = new Map(await Promise.all(found.map(async (item) => [item.id, await toDetail(item, names)] as const)));
  const result: BatchGetResult = { items: [], missing: [] };
  for (const id of ids) {
    const detail = details.get(id);
    if (detail) result.items.push(detail);
    else result.missing.push(id);
  }
  return result;
}
