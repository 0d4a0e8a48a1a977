import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { newId } from "../ids";
import { onFirstUse } from "../lazy";
import { log } from "../observability";
import { tableName } from "../resources";
import type { WebhookEvent } from "../shapes/webhook";
import { keys } from "../table/keys";
import { certainlyNotApplied, ConditionFailed, transact, type TransactItem } from "../table/transact";

/** What a change-feed reader sees; null for log entries that only feed events. */
export type FeedType = "generation.upserted" | "generation.deleted" | "profile.upserted" | "profile.deleted";

/** What a webhook receives; null for changes no event is named for (a favorite, a rename). */
export type EventType = WebhookEvent;

export interface ChangeEntry {
  type: FeedType | null;
  event: EventType | null;
  /** The entity's id (a generation, profile, job or import). */
  id: string;
  data: Record<string, unknown> | null;
}

/** Changes are kept 30 days; an older cursor must resync. The TTL adds a day: it never deletes early. */
export const RETENTION_DAYS = 30;
const TTL_SECONDS = (RETENTION_DAYS + 1) * 86_400;

/** A run of sequence numbers handed to one writer. */
export interface Reservation {
  first: number;
  count: number;
  /** The tenant's webhook endpoints (kept on the counter item): with none, no dispatcher is nudged. */
  webhooks: number;
}

/**
 * Hands out `count` consecutive sequence numbers. Called after the writer has read what it
 * decides on and just before its transaction: a writer that read an entity after another's
 * commit always gets a higher number, so one entity's changes are numbered in commit order.
 */
export async function reserve(tenant: string, count: number): Promise<Reservation> {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.changeSequence(tenant),
      UpdateExpression: "ADD seq :n",
      ExpressionAttributeValues: { ":n": count },
      ReturnValues: "ALL_NEW",
    }),
  );
  return { first: Number(Attributes!.seq) - count + 1, count, webhooks: Number(Attributes!.webhooks ?? 0) };
}

/**
 * The log item for one sequence number. Its condition is what makes the feed exact: a reader that
 * finds a number missing for too long claims it with a void item under the same condition, so the
 * number is either committed with its change or void, never committed after the reader passed it.
 */
export function changeItem(tenant: string, seq: number, entry: ChangeEntry, now = new Date()): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: logItem(tenant, seq, now, {
        type: entry.type,
        event: entry.event,
        // A change's one id as an event: every delivery and retry of it carries it as `webhook-id`.
        ...(entry.event ? { event_id: newId(now.getTime()) } : {}),
        id: entry.id,
        data: entry.data,
      }),
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** What every item at a sequence number holds besides its own fields: its key, when, and its expiry. */
const logItem = (tenant: string, seq: number, now: Date, fields: Record<string, unknown>) => ({
  ...keys.change(tenant, seq),
  entity: "change",
  seq,
  ...fields,
  changed_at: now.toISOString(),
  expires_at_epoch: Math.floor(now.getTime() / 1000) + TTL_SECONDS,
});

/**
 * Claims a number no change was committed under, so no change ever can be (see changeItem); a
 * number whose change committed first keeps it.
 */
async function voidSequence(tenant: string, seq: number): Promise<void> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: logItem(tenant, seq, new Date(), { void: true }),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  }
}

/** Voids each of `seqs` (those committed meanwhile stay as they are), 25 puts at a time. */
export async function voidSequences(tenant: string, seqs: readonly number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += 25) await Promise.all(seqs.slice(i, i + 25).map((seq) => voidSequence(tenant, seq)));
}

/** The numbers a failed transaction will never use: voided at once, so readers need not wait for them. */
async function release(tenant: string, reservation: Reservation): Promise<void> {
  const numbers = Array.from({ length: reservation.count }, (_, i) => reservation.first + i);
  // Best effort: a number left open is voided by the next reader after its grace.
  await voidSequences(tenant, numbers).catch(() => {});
}

// Nudging a dispatcher reaches the queue (SQS deployed): loaded by the first write that has a webhook to feed.
const webhookQueue = onFirstUse(() => import("../webhooks/queue"));

/** Runs after the commit, so a failure must not fail the write: the minute sweep makes up a lost nudge. */
async function nudgeWebhooks(tenant: string): Promise<void> {
  try {
    await (await webhookQueue()).nudgeDispatcher(tenant);
  } catch (error) {
    log.warn("webhook dispatcher not nudged", { error });
  }
}

/** A reader voided one of our numbers while we were slow: nothing was written, try again with new ones. */
const VOIDED_RETRIES = 3;

/**
 * Sends a transaction together with the log items of its changes. `items` come first, in order, so
 * a failed condition's index means the same as without the log; the log items follow. Numbers are
 * reserved here, just before the call; if a reader had to void one meanwhile the whole transaction
 * is sent again under fresh numbers (nothing of it was applied), and numbers of a transaction that
 * certainly applied nothing are voided at once. Once committed, changes that name an event nudge the
 * tenant's webhook dispatcher, when the tenant has an endpoint; a lost nudge is made up by the sweep.
 */
export async function transactWithChanges(tenant: string, items: TransactItem[], entries: readonly ChangeEntry[]): Promise<void> {
  if (!entries.length) return transact(items);
  for (let attempt = 1; ; attempt++) {
    const reservation = await reserve(tenant, entries.length);
    const now = new Date();
    try {
      await transact([...items, ...entries.map((entry, i) => changeItem(tenant, reservation.first + i, entry, now))]);
      if (reservation.webhooks > 0 && entries.some((entry) => entry.event)) await nudgeWebhooks(tenant);
      return;
    } catch (error) {
      if (certainlyNotApplied(error)) await release(tenant, reservation);
      const voided = error instanceof ConditionFailed && error.index >= items.length;
      if (!voided) throw error;
      if (attempt === VOIDED_RETRIES) throw new VisibleError(503, "service.unavailable", "The change could not be recorded in time; retry.", { "Retry-After": "1" });
    }
  }
}
