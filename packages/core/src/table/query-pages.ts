import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";

/** Every page of a Query, following LastEvaluatedKey (each page stops at 1 MB or `Limit`). */
export async function* queryPages(input: QueryCommandInput): AsyncGenerator<QueryCommandOutput> {
  let ExclusiveStartKey = input.ExclusiveStartKey;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield page;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export interface Window {
  /** Where the first page starts (a cursor's key). */
  start?: Record<string, unknown> | undefined;
  offset: number;
  limit: number;
  /** Whether pages may hold fewer matches than items read (a FilterExpression, or `matchesOf` drops some). */
  filtered: boolean;
}

/**
 * Reads a Query from `window.start` until it has skipped `offset` matches and kept `limit`, plus
 * one more to learn whether a next page exists. `matchesOf` turns each page's items into the
 * matches it holds, in order.
 */
export async function queryWindow<T>(
  input: QueryCommandInput,
  window: Window,
  matchesOf: (items: NonNullable<QueryCommandOutput["Items"]>) => T[] | Promise<T[]>,
): Promise<{ found: T[]; hasMore: boolean }> {
  let skip = window.offset;
  const found: T[] = [];
  let hasMore = false;
  let ExclusiveStartKey = window.start;
  while (!hasMore) {
    const wanted = skip + window.limit + 1 - found.length;
    const page = await dynamo.send(
      new QueryCommand({ ...input, Limit: Math.min(window.filtered ? Math.max(wanted, 200) : wanted, 1000), ExclusiveStartKey }),
    );
    for (const match of await matchesOf(page.Items ?? [])) {
      if (skip > 0) skip--;
      else if (found.length < window.limit) found.push(match);
      else {
        hasMore = true;
        break;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
    if (!ExclusiveStartKey) break;
  }
  return { found, hasMore };
}
