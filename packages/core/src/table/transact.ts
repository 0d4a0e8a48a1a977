import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { retry, type RetryOptions, type RetryPolicy } from "../retry";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Thrown when a condition in the transaction failed; `index` says which item's. */
export class ConditionFailed extends Error {
  constructor(readonly index: number) {
    super(`condition failed on transaction item ${index}`);
    this.name = "ConditionFailed";
  }
}

/**
 * Cancellation reasons that say nothing about our conditions: another transaction held one of the
 * items (a tenant's stats item is in every write of that tenant), or the partition was throttled.
 * DynamoDB reports both as a TransactionCanceledException, which the SDK does not retry.
 */
const TRANSIENT_REASONS = new Set(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]);
/** Six calls, waits up to 50, 100, 200, 400 and 800 ms: about 1.5 s at most, well inside a request. */
const CANCELLED_RETRY: RetryPolicy = { attempts: 6, baseMs: 50, capMs: 1000 };

/** A cancellation nothing but contention caused: retry later (the API answers 503 with Retry-After). */
export function isTransientCancellation(error: unknown): error is TransactionCanceledException {
  const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
  return reasons.some((r) => TRANSIENT_REASONS.has(r.Code ?? "")) && !reasons.some((r) => r.Code === "ConditionalCheckFailed");
}

/**
 * One TransactWriteItems call. A cancellation caused by a condition surfaces as ConditionFailed
 * naming the item. One caused by a conflict or throttling applied nothing, so it is sent again
 * after a jittered backoff, a few times; conditions are evaluated afresh each time, so an item that
 * the other transaction changed meanwhile fails its condition like any lost race.
 */
export async function transact(items: TransactItem[]): Promise<void> {
  await retry(
    async () => {
      try {
        await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        const index = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).findIndex((r) => r.Code === "ConditionalCheckFailed") : -1;
        throw index >= 0 ? new ConditionFailed(index) : error;
      }
    },
    { ...CANCELLED_RETRY, retryable: isTransientCancellation },
  );
}

/** The condition on item 0, the one read before deciding, failed: another writer changed it meanwhile. */
export const lostLock = (error: unknown): boolean => error instanceof ConditionFailed && error.index === 0;

/**
 * For read-decide-write loops under an optimistic lock: after a lost lock, read and decide again.
 * Eight tries with short jittered waits (at most about 0.7 s in all), so writers racing for one
 * item take turns instead of colliding again on the same schedule.
 */
export const LOCK_RETRY = { attempts: 8, baseMs: 10, capMs: 200, retryable: lostLock } satisfies RetryOptions;

/**
 * Whether a failed write certainly changed nothing: our own refusals, a failed condition, and
 * anything the service answered with a 4xx (a cancelled transaction, throttling), which AWS applies
 * none of. A 5xx, a timeout or a dropped connection may hide a write that was applied, so whatever
 * it would have referenced must be left for reconcile rather than deleted.
 */
export function certainlyNotApplied(error: unknown): boolean {
  if (error instanceof VisibleError || error instanceof ConditionFailed) return true;
  const { $fault, $metadata } = (error ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return $fault === "client" || (status !== undefined && status >= 400 && status < 500);
}
