import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { walkLog, type LogItem, type WalkEnd } from "../changes/walk";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { recordDelivery, type LoggedEvent } from "./deliveries";
import { webhookItems } from "./endpoints";
import type { WebhookItem } from "./model";
import { sendWebhookMessage } from "./queue";

/** Log items read per page, and how often the position is saved on a long walk. */
const PAGE = 100;

const isEvent = (item: LogItem): item is LogItem & LoggedEvent => !item.void && Boolean(item.event) && Boolean(item.event_id);

async function readPosition(tenant: string): Promise<number | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.webhookPosition(tenant), ConsistentRead: true }));
  return Item ? Number(Item.seq) : undefined;
}

/** Moves the position forward only: a slower dispatcher running beside a faster one never moves it back. */
async function savePosition(tenant: string, seq: number): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhookPosition(tenant),
        UpdateExpression: "SET seq = :seq, updated_at = :now",
        ConditionExpression: "attribute_exists(pk) AND seq < :seq",
        ExpressionAttributeValues: { ":seq": seq, ":now": new Date().toISOString() },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  }
}

/** Records the event's delivery for every enabled endpoint subscribed to it, and queues each first try. */
async function fanOut(tenant: string, event: LoggedEvent, endpoints: WebhookItem[]): Promise<void> {
  const targets = endpoints.filter((e) => e.status === "enabled" && e.from_seq < event.seq && e.events.includes(event.event));
  await Promise.all(
    targets.map(async (endpoint) => {
      const delivery = await recordDelivery(tenant, endpoint.id, event);
      // Recorded already: by a dispatcher beside this one, which queued it, or by one that died
      // before queuing, whose delivery the sweep finds overdue.
      if (!delivery) return;
      await sendWebhookMessage({ kind: "attempt", tenant, webhook_id: endpoint.id, event_id: event.event_id, attempt: 1, due: delivery.next_attempt_at! });
    }),
  );
}

/**
 * The tenant's dispatcher: follows the change log from its stored position, as a feed reader
 * follows its cursor (the same walk), turns each event into deliveries, and only then moves the
 * position past it. A crash in between does the events again; recording a delivery is a put if
 * absent, so nothing is delivered twice for it. Dispatchers may run side by side: the position
 * only moves forward. Answers why the walk ended, for the caller to come back (`blocked`, `capped`).
 */
export async function dispatch(tenant: string): Promise<WalkEnd> {
  const start = await readPosition(tenant);
  // No endpoint was ever made: nothing to follow.
  if (start === undefined) return "caught_up";
  const endpoints = await webhookItems(tenant);
  const walk = walkLog(tenant, start, PAGE);
  let position = start;
  let unsaved = 0;
  let step = await walk.next();
  for (; !step.done; step = await walk.next()) {
    const item = step.value;
    if (isEvent(item)) await fanOut(tenant, item, endpoints);
    position = item.seq;
    if (++unsaved === PAGE) {
      await savePosition(tenant, position);
      unsaved = 0;
    }
  }
  if (unsaved > 0) await savePosition(tenant, position);
  return step.value;
}
