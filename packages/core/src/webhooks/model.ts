import type { Webhook, WebhookDelivery, WebhookEvent, WebhookWithSecret } from "../shapes/webhook";

export interface WebhookItem {
  pk: string;
  sk: string;
  entity: "webhook";
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  status: "enabled" | "disabled";
  disabled_reason?: string;
  disabled_at?: string;
  secret: string;
  /** The secret before the last rotation, still signing beside the new one until `previous_secret_until`. */
  previous_secret?: string;
  previous_secret_until?: number;
  /** When the first failure since the last success happened; gone while the endpoint succeeds. */
  failing_since?: number;
  /** The log head when the endpoint was made: it gets the events numbered after it. */
  from_seq: number;
  created_at: string;
  updated_at: string;
}

export interface AttemptRecord {
  attempt: number;
  attempted_at: string;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  next_retry_at: string | null;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event for one endpoint, with every try made to deliver it. */
export interface DeliveryItem {
  pk: string;
  sk: string;
  entity: "webhook_delivery";
  webhook_id: string;
  event_id: string;
  event: WebhookEvent;
  /** The log item holding the event, read at every try (kept 31 days, longer than any delivery lasts). */
  seq: number;
  status: DeliveryStatus;
  attempts: AttemptRecord[];
  /** Epoch ms the next try is due; null once the delivery has ended. */
  next_attempt_at: number | null;
  /** Why a delivery ended without a try (its endpoint was disabled or gone). */
  ended_reason?: string;
  claim?: string;
  claim_until?: number;
  created_at: string;
  expires_at_epoch: number;
  gsi1pk?: string;
  gsi1sk?: string;
}

/** What travels on the webhook queue: only references, so a message never carries stale state or a secret. */
export type WebhookMessage =
  | { kind: "dispatch"; tenant: string }
  | { kind: "attempt"; tenant: string; webhook_id: string; event_id: string; attempt: number; due: number };

export type AttemptMessage = Extract<WebhookMessage, { kind: "attempt" }>;

export const toWebhook = (item: WebhookItem): Webhook => ({
  id: item.id,
  url: item.url,
  events: item.events,
  description: item.description,
  status: item.status,
  disabled_reason: item.disabled_reason ?? null,
  disabled_at: item.disabled_at ?? null,
  created_at: item.created_at,
  updated_at: item.updated_at,
});

export const withSecret = (item: WebhookItem): WebhookWithSecret => ({ ...toWebhook(item), secret: item.secret });

export function toDelivery(item: DeliveryItem): WebhookDelivery {
  const last = item.attempts.at(-1);
  return {
    event_id: item.event_id,
    type: item.event,
    status: item.status,
    attempt: item.attempts.length,
    response_status: last?.response_status ?? null,
    duration_ms: last?.duration_ms ?? null,
    error: item.ended_reason ?? last?.error ?? null,
    next_retry_at: item.next_attempt_at === null || item.status !== "pending" ? null : new Date(item.next_attempt_at).toISOString(),
    created_at: item.created_at,
    attempts: item.attempts,
  };
}
