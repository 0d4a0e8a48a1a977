import * as v from "valibot";
import { wellFormedText } from "./fields";
import { queryInteger } from "./list";
import { about, count, instant, named } from "./named";

/** Every event an endpoint can subscribe to. */
export const webhookEvents = [
  "generation.created",
  "generation.completed",
  "generation.failed",
  "generation.deleted",
  "generation.trashed",
  "generation.restored",
  "profile.deleted",
  "job.finished",
  "import.finished",
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

export const WEBHOOK_URL_MAX_CHARS = 2_048;
export const WEBHOOK_DESCRIPTION_MAX_CHARS = 500;

const webhookUrl = about(
  v.pipe(v.string(), v.maxLength(WEBHOOK_URL_MAX_CHARS, `must be at most ${WEBHOOK_URL_MAX_CHARS} characters`), v.url("must be an absolute URL")),
  "Where events are POSTed: https, no user name or password, a host whose addresses are all public (checked again at every delivery).",
  ["https://example.com/hooks/sonna"],
);

const eventList = about(
  v.pipe(
    v.array(v.picklist(webhookEvents)),
    v.minLength(1, "subscribe to at least one event"),
    v.check((events) => new Set(events).size === events.length, "must not name an event twice"),
  ),
  "The events sent to this endpoint.",
);

const description = about(v.nullable(wellFormedText(WEBHOOK_DESCRIPTION_MAX_CHARS)), "Your note about the endpoint.");

export const WebhookCreate = named(
  "WebhookCreate",
  v.strictObject({ url: webhookUrl, events: eventList, description: v.optional(description) }),
);
export type WebhookInput = v.InferOutput<typeof WebhookCreate>;

const patchObject = v.strictObject({
  url: v.optional(webhookUrl),
  events: v.optional(eventList),
  description: v.optional(description),
  enabled: v.optional(about(v.boolean(), "false stops deliveries; true re-enables an endpoint, also one disabled after failing.")),
});

export const WebhookPatch = named(
  "WebhookPatch",
  v.pipe(
    patchObject,
    v.check((patch) => Object.keys(patch).length > 0, "send at least one of url, events, description, enabled"),
  ),
);
export type WebhookChange = v.InferOutput<typeof WebhookPatch>;

const webhookFields = {
  id: v.string(),
  url: v.string(),
  events: v.array(v.picklist(webhookEvents)),
  description: v.nullable(v.string()),
  status: about(v.picklist(["enabled", "disabled"]), "`disabled`: nothing is sent; `disabled_reason` says why."),
  disabled_reason: v.nullable(v.string()),
  disabled_at: v.nullable(instant),
  created_at: instant,
  updated_at: instant,
};

export const WebhookSchema = named("Webhook", v.object(webhookFields));
export type Webhook = v.InferOutput<typeof WebhookSchema>;

export const WebhookWithSecretSchema = named(
  "WebhookWithSecret",
  v.object({
    ...webhookFields,
    secret: about(
      v.string(),
      "`whsec_` + base64 of 32 random bytes: verify each delivery's `webhook-signature` with it. Shown only when created and rotated.",
    ),
  }),
);
export type WebhookWithSecret = v.InferOutput<typeof WebhookWithSecretSchema>;

export const WebhookList = named("WebhookList", v.object({ items: v.array(WebhookSchema) }));

const nullableInstant = v.nullable(instant);

export const WebhookAttemptSchema = named(
  "WebhookAttempt",
  v.object({
    attempt: about(count, "1 for the first try."),
    attempted_at: instant,
    response_status: about(v.nullable(count), "The endpoint's HTTP status; null when no answer came (timeout, refused address, connection error)."),
    duration_ms: count,
    error: about(v.nullable(v.string()), "Why the attempt failed; null when it was delivered."),
    next_retry_at: about(nullableInstant, "When the next try is due; null after a delivery or the last try."),
  }),
);

export const WebhookDeliverySchema = named(
  "WebhookDelivery",
  v.object({
    event_id: about(v.string(), "The event's id: the `webhook-id` header of every try."),
    type: v.picklist(webhookEvents),
    status: about(v.picklist(["pending", "delivered", "failed"]), "`failed`: every try failed, or the endpoint was disabled or changed meanwhile."),
    attempt: about(count, "Tries so far."),
    response_status: about(v.nullable(count), "The last try's HTTP status."),
    duration_ms: about(v.nullable(count), "The last try's duration."),
    error: v.nullable(v.string()),
    next_retry_at: nullableInstant,
    created_at: instant,
    attempts: about(v.array(WebhookAttemptSchema), "Every try, oldest first."),
  }),
);
export type WebhookDelivery = v.InferOutput<typeof WebhookDeliverySchema>;

export const WebhookDeliveryPage = named(
  "WebhookDeliveryPage",
  v.object({ items: v.array(WebhookDeliverySchema), next_cursor: v.nullable(v.string()) }),
);
export type DeliveryPage = v.InferOutput<typeof WebhookDeliveryPage>;

export const DeliveriesQuery = v.object({
  limit: v.optional(about(queryInteger(1, 100), "Deliveries per answer, 1-100 (default 20).")),
  cursor: v.optional(about(v.pipe(v.string(), v.maxLength(64, "must be at most 64 characters")), "`next_cursor` of the previous page.")),
});
