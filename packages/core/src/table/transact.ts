import { setTimeout as sleep } from "node:timers/promises";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";

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
const ATTEMPTS = 6;

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
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const index = (error.CancellationReasons ?? []).findIndex((r) => r.Code === "ConditionalCheckFailed");
        if (index >= 0) throw new ConditionFailed(index);
      }
      if (!isTransientCancellation(error) || attempt >= ATTEMPTS) throw error;
      await sleep(Math.random() * Math.min(1000, 25 * 2 ** attempt));
    }
  }
}

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
