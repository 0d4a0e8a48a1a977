import { randomUUID } from "node:crypto";
import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound, VisibleError } from "../errors";
import { isId } from "../ids";
import { tableName } from "../resources";
import type { DeliveryPage, WebhookEvent } from "../shapes/webhook";
import { keys } from "../table/keys";
import { webhookSettings } from "./config";
import { findWebhookItem } from "./endpoints";
import { toDelivery, type AttemptMessage, type AttemptRecord, type DeliveryItem } from "./model";

/** Deliveries are kept 30 days, like the log they come from: long after their last try. */
const DELIVERY_TTL_SECONDS = 30 * 86_400;

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** Runs a conditional write; false when its condition failed. */
async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export interface LoggedEvent {
  seq: number;
  event: WebhookEvent;
  event_id: string;
}

/**
 * Records that `event` is to be delivered to an endpoint, due now. Put only if absent, so a
 * dispatcher that does it again (after a crash, or beside another) changes nothing; undefined then.
 */
export async function recordDelivery(tenant: string, webhookId: string, event: LoggedEvent): Promise<DeliveryItem | undefined> {
  const now = webhookSettings.now();
  const item: DeliveryItem = {
    ...keys.webhookDelivery(tenant, webhookId, event.event_id),
    ...keys.webhookDue(tenant, now, webhookId, event.event_id),
    entity: "webhook_delivery",
    webhook_id: webhookId,
    event_id: event.event_id,
    event: event.event,
    seq: event.seq,
    status: "pending",
    attempts: [],
    next_attempt_at: now,
    created_at: new Date(now).toISOString(),
    expires_at_epoch: Math.floor(now / 1000) + DELIVERY_TTL_SECONDS,
  };
  const put = () => dynamo.send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
  return (await conditionally(put)) ? item : undefined;
}

/**
 * Takes a pending delivery for the try a message names, unless that try was made already or
 * another worker holds it: at most one live try at a time, and each try at most once unless its
 * worker died (its claim then lapses and a resent message takes it over).
 */
export async function claimAttempt(tenant: string, message: AttemptMessage): Promise<DeliveryItem | undefined> {
  const now = webhookSettings.now();
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhookDelivery(tenant, message.webhook_id, message.event_id),
        UpdateExpression: "SET claim = :claim, claim_until = :until",
        ConditionExpression: "#status = :pending AND size(attempts) = :made AND (attribute_not_exists(claim_until) OR claim_until < :now)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":claim": randomUUID(),
          // The try's own timeout plus room for the reads and writes around it.
          ":until": now + webhookSettings.timeoutMs + 20_000,
          ":pending": "pending",
          ":made": message.attempt - 1,
          ":now": now,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as DeliveryItem;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Adds a try's record under the claim that made it: delivered, pending with the next try due at
 * `next` (and on the due index), or failed for good when `next` is null.
 */
export async function recordAttempt(tenant: string, delivery: DeliveryItem, attempt: AttemptRecord, next: number | null): Promise<boolean> {
  const status = attempt.error === null ? "delivered" : next === null ? "failed" : "pending";
  const due = status === "pending" ? keys.webhookDue(tenant, next!, delivery.webhook_id, delivery.event_id) : undefined;
  return conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhookDelivery(tenant, delivery.webhook_id, delivery.event_id),
        UpdateExpression: due
          ? "SET attempts = list_append(attempts, :attempt), #status = :status, next_attempt_at = :next, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk REMOVE claim, claim_until"
          : "SET attempts = list_append(attempts, :attempt), #status = :status, next_attempt_at = :next REMOVE claim, claim_until, gsi1pk, gsi1sk",
        ConditionExpression: "claim = :claim",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":attempt": [attempt],
          ":status": status,
          ":next": status === "pending" ? next : null,
          ":claim": delivery.claim,
          ...(due ? { ":gsi1pk": due.gsi1pk, ":gsi1sk": due.gsi1sk } : {}),
        },
      }),
    ),
  );
}

/** Ends a pending delivery without a try: its endpoint is gone or disabled. */
export async function endDelivery(tenant: string, message: AttemptMessage, reason: string): Promise<void> {
  await conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhookDelivery(tenant, message.webhook_id, message.event_id),
        UpdateExpression: "SET #status = :failed, ended_reason = :reason, next_attempt_at = :none REMOVE claim, claim_until, gsi1pk, gsi1sk",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":failed": "failed", ":reason": reason, ":none": null, ":pending": "pending" },
      }),
    ),
  );
}

/** The next try each pending delivery due before `before` is waiting for (the sweep resends them). */
export async function overdueAttempts(tenant: string, before: number, limit = 100): Promise<AttemptMessage[]> {
  const { Items } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :before",
      ExpressionAttributeValues: { ":pk": keys.webhookDuePartition(tenant), ":before": keys.webhookDueBefore(before) },
      Limit: limit,
    }),
  );
  return ((Items ?? []) as DeliveryItem[])
    .filter((item) => item.status === "pending" && item.next_attempt_at !== null)
    .map((item) => ({
      kind: "attempt",
      tenant,
      webhook_id: item.webhook_id,
      event_id: item.event_id,
      attempt: item.attempts.length + 1,
      due: item.next_attempt_at!,
    }));
}

const badCursor = () => new VisibleError(400, "request.invalid_cursor", "The cursor is malformed; pass a next_cursor exactly as it was given.");

/**
 * An endpoint's deliveries, newest event first (event ids are UUIDv7); the cursor is the last event
 * id answered. A missing endpoint (or another tenant's) is a 404, not an empty page.
 */
export async function listDeliveries(tenant: string, webhookId: string, query: { limit: number; cursor?: string | undefined }): Promise<DeliveryPage> {
  if (!(await findWebhookItem(tenant, webhookId))) throw notFound("webhook", webhookId);
  if (query.cursor !== undefined && !isId(query.cursor)) throw badCursor();
  const { Items, LastEvaluatedKey } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.webhookDeliveriesPartition(tenant, webhookId) },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: query.limit,
      ...(query.cursor ? { ExclusiveStartKey: keys.webhookDelivery(tenant, webhookId, query.cursor) } : {}),
    }),
  );
  const items = (Items ?? []) as DeliveryItem[];
  return { items: items.map(toDelivery), next_cursor: LastEvaluatedKey && items.length ? items.at(-1)!.event_id : null };
}
