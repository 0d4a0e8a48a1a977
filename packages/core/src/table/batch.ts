import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { retry, type RetryPolicy } from "../retry";

/**
 * A batch call answers what it could not do (a throttled partition, a response past 16 MB) as
 * UnprocessedKeys or UnprocessedItems, which AWS asks to be sent again with exponential backoff.
 * Ten calls, waits up to 2 s: a batch that still has leftovers after about 10 s fails.
 */
const UNPROCESSED_RETRY: RetryPolicy = { attempts: 10, baseMs: 50, capMs: 2000 };

class Unprocessed extends Error {}

/**
 * Sends `pending`, then whatever each call answers as unprocessed, until nothing is left; `send`
 * returns the leftovers. Fails when the leftovers outlast UNPROCESSED_RETRY.
 */
export async function untilProcessed<T>(what: string, pending: T[], send: (pending: T[]) => Promise<T[]>): Promise<void> {
  await retry(
    async () => {
      pending = await send(pending);
      if (pending.length > 0) throw new Unprocessed();
    },
    {
      ...UNPROCESSED_RETRY,
      retryable: (error) => error instanceof Unprocessed,
      exhausted: () => new Error(`${what} kept leaving ${pending.length} unprocessed after ${UNPROCESSED_RETRY.attempts} calls`),
    },
  );
}

export interface BatchGetOptions {
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

/** The items at `keys` in our table that exist, in no particular order: BatchGetItem, 100 keys a call. */
export async function batchGetItems<T = Record<string, unknown>>(keys: Record<string, unknown>[], options: BatchGetOptions = {}): Promise<T[]> {
  const table = tableName();
  const items: T[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    await untilProcessed("BatchGetItem", keys.slice(i, i + 100), async (pending) => {
      const { Responses, UnprocessedKeys } = await dynamo.send(new BatchGetCommand({ RequestItems: { [table]: { ...options, Keys: pending } } }));
      items.push(...((Responses?.[table] ?? []) as T[]));
      return (UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    });
  }
  return items;
}
