import { randomBytes } from "node:crypto";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound, VisibleError } from "../errors";
import { isId, newId } from "../ids";
import { onFirstUse } from "../lazy";
import { tableName } from "../resources";
import { retry } from "../retry";
import type { Webhook, WebhookChange, WebhookInput, WebhookWithSecret } from "../shapes/webhook";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import { ConditionFailed, LOCK_RETRY, transact } from "../table/transact";
import { webhookSettings } from "./config";
import { toWebhook, withSecret, type WebhookItem } from "./model";

/** Endpoints per tenant at most: each event is one delivery per subscribed endpoint. */
export const MAX_WEBHOOKS = 20;
/** After a rotation the old secret signs beside the new one this long, so receivers can switch without losing events. */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;

// The address rules load ipaddr.js: on the first create or URL change, not at cold start.
const addresses = onFirstUse(() => import("./addresses"));

const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

async function checkedUrl(url: string): Promise<string> {
  (await addresses()).checkWebhookUrl(url, webhookSettings.allowLoopback());
  return url;
}

export async function findWebhookItem(tenant: string, id: string): Promise<WebhookItem | undefined> {
  if (!isId(id)) return undefined;
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.webhook(tenant, id), ConsistentRead: true }));
  return Item as WebhookItem | undefined;
}

async function webhookItem(tenant: string, id: string): Promise<WebhookItem> {
  const item = await findWebhookItem(tenant, id);
  if (!item) throw notFound("webhook", id);
  return item;
}

/** The tenant's endpoints, secrets included (the dispatcher reads them; the API strips them). */
export async function webhookItems(tenant: string): Promise<WebhookItem[]> {
  const items: WebhookItem[] = [];
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":prefix": keys.webhookPrefix },
    ConsistentRead: true,
  })) {
    items.push(...((page.Items ?? []) as WebhookItem[]));
  }
  return items;
}

const limitReached = () =>
  new VisibleError(409, "webhook.limit_reached", `A tenant has at most ${MAX_WEBHOOKS} webhook endpoints; delete one first.`);

/**
 * Registers an endpoint. The count of endpoints lives on the change counter item, which every
 * write reserves its numbers on, so a write learns for free whether anything listens. The count is
 * changed under the value just read (a lost race reads again); the endpoint gets the events after
 * the log head read here, and the first endpoint of a tenant starts its dispatcher there.
 */
export async function createWebhook(tenant: string, input: WebhookInput): Promise<WebhookWithSecret> {
  const url = await checkedUrl(input.url);
  const now = new Date().toISOString();
  const id = newId();
  const item = await retry(async () => {
    const { Item: counter } = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: keys.changeSequence(tenant), ConsistentRead: true }),
    );
    const [head, count] = [Number(counter?.seq ?? 0), Number(counter?.webhooks ?? 0)];
    if (count >= MAX_WEBHOOKS) throw limitReached();
    const item: WebhookItem = {
      ...keys.webhook(tenant, id),
      entity: "webhook",
      id,
      url,
      events: input.events,
      description: input.description ?? null,
      status: "enabled",
      secret: newSecret(),
      from_seq: head,
      created_at: now,
      updated_at: now,
    };
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.changeSequence(tenant),
          UpdateExpression: "SET webhooks = :next",
          ConditionExpression: count === 0 ? "attribute_not_exists(webhooks) OR webhooks = :count" : "webhooks = :count",
          ExpressionAttributeValues: { ":next": count + 1, ":count": count },
        },
      },
      { Put: { TableName: tableName(), Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
      { Put: { TableName: tableName(), Item: { ...keys.webhookTenant(tenant), tenant } } },
      // With no endpoint until now the dispatcher's position is stale or missing: it starts at the head.
      ...(count === 0 ? [{ Put: { TableName: tableName(), Item: { ...keys.webhookPosition(tenant), seq: head, updated_at: now } } }] : []),
    ]);
    return item;
  }, { ...LOCK_RETRY, exhausted: () => new VisibleError(503, "service.unavailable", "Webhooks are being changed by other requests; retry.", { "Retry-After": "1" }) });
  return withSecret(item);
}

export async function listWebhooks(tenant: string): Promise<Webhook[]> {
  return (await webhookItems(tenant)).map(toWebhook);
}

export async function getWebhook(tenant: string, id: string): Promise<Webhook> {
  return toWebhook(await webhookItem(tenant, id));
}

/** One conditional update of an existing endpoint; a missing one is a 404. */
async function updateWebhook(tenant: string, id: string, set: Record<string, unknown>, remove: string[] = []): Promise<WebhookItem> {
  if (!isId(id)) throw notFound("webhook", id);
  const names = Object.keys(set);
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhook(tenant, id),
        UpdateExpression: [`SET ${names.map((_, i) => `#f${i} = :f${i}`).join(", ")}`, remove.length ? `REMOVE ${remove.join(", ")}` : ""].join(" "),
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(Object.values(set).map((value, i) => [`:f${i}`, value])),
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as WebhookItem;
  } catch (error) {
    if (isConditionFailure(error)) throw notFound("webhook", id);
    throw error;
  }
}

/**
 * Changes an endpoint. `enabled: true` clears a disabling and the failure streak behind it;
 * `enabled: false` stops deliveries (those pending end as failed). A new URL is checked as at creation.
 */
export async function patchWebhook(tenant: string, id: string, change: WebhookChange): Promise<Webhook> {
  const set: Record<string, unknown> = { updated_at: new Date().toISOString() };
  const remove: string[] = [];
  if (change.url !== undefined) set.url = await checkedUrl(change.url);
  if (change.events !== undefined) set.events = change.events;
  if (change.description !== undefined) set.description = change.description;
  if (change.enabled === true) {
    set.status = "enabled";
    remove.push("disabled_reason", "disabled_at", "failing_since");
  } else if (change.enabled === false) {
    Object.assign(set, { status: "disabled", disabled_reason: "Disabled through the API.", disabled_at: set.updated_at });
  }
  return toWebhook(await updateWebhook(tenant, id, set, remove));
}

/** A new secret, answered once; the old one keeps signing beside it for a day. */
export async function rotateSecret(tenant: string, id: string): Promise<WebhookWithSecret> {
  const current = await webhookItem(tenant, id);
  const now = webhookSettings.now();
  return withSecret(
    await updateWebhook(tenant, id, {
      secret: newSecret(),
      previous_secret: current.secret,
      previous_secret_until: now + PREVIOUS_SECRET_MS,
      updated_at: new Date(now).toISOString(),
    }),
  );
}

/** Deletes an endpoint and counts it off; deliveries still pending end at their next try. */
export async function deleteWebhook(tenant: string, id: string): Promise<void> {
  if (!isId(id)) throw notFound("webhook", id);
  try {
    await transact([
      { Delete: { TableName: tableName(), Key: keys.webhook(tenant, id), ConditionExpression: "attribute_exists(pk)" } },
      {
        Update: {
          TableName: tableName(),
          Key: keys.changeSequence(tenant),
          UpdateExpression: "ADD webhooks :minus",
          ExpressionAttributeValues: { ":minus": -1 },
        },
      },
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed && error.index === 0) throw notFound("webhook", id);
    throw error;
  }
}
