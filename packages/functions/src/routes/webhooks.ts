import { IdParam } from "@sonna/core/shapes/generation";
import {
  DeliveriesQuery,
  WebhookCreate,
  WebhookDeliveryPage,
  WebhookList,
  WebhookPatch,
  WebhookSchema,
  WebhookWithSecretSchema,
} from "@sonna/core/shapes/webhook";
import { listDeliveries } from "@sonna/core/webhooks/deliveries";
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, MAX_WEBHOOKS, patchWebhook, rotateSecret } from "@sonna/core/webhooks/endpoints";
import { bodyErrors, commonErrors, describe, errorResponse, jsonContent, notFoundError, router, validate } from "../openapi";

const tags = ["Webhooks"];

const urlForbidden = {
  422: errorResponse("`webhook.url_forbidden`: the URL is not https, carries a user name or password, or its host is an address that is not public."),
};

export const webhookRoutes = router()
  .post(
    "/",
    describe({
      tags,
      summary: "Register an endpoint for events",
      description:
        "Answers the endpoint with its `secret`, shown only here and on rotate-secret. Every delivery is signed as Standard Webhooks says " +
        "(`webhook-id`, `webhook-timestamp`, `webhook-signature`) and retried for about a day until it gets a 2xx.",
      responses: {
        201: jsonContent(WebhookWithSecretSchema, "The endpoint, with its secret."),
        ...commonErrors,
        409: errorResponse(`\`webhook.limit_reached\`: the tenant has ${MAX_WEBHOOKS} endpoints already.`),
        ...urlForbidden,
        ...bodyErrors(),
      },
    }),
    validate("json", WebhookCreate),
    async (c) => c.json(await createWebhook(c.get("tenant"), c.req.valid("json")), 201),
  )
  .get(
    "/",
    describe({ tags, summary: "List the endpoints (without secrets)", responses: { 200: jsonContent(WebhookList, "Every endpoint of the caller."), ...commonErrors } }),
    async (c) => c.json({ items: await listWebhooks(c.get("tenant")) }, 200),
  )
  .get(
    "/:id",
    describe({
      tags,
      summary: "Get an endpoint",
      description: "`status` is `disabled` (with `disabled_reason` and `disabled_at`) after every delivery failed for 5 days, or when disabled through PATCH.",
      responses: { 200: jsonContent(WebhookSchema, "The endpoint."), ...commonErrors, ...notFoundError },
    }),
    validate("param", IdParam),
    async (c) => c.json(await getWebhook(c.get("tenant"), c.req.valid("param").id), 200),
  )
  .patch(
    "/:id",
    describe({
      tags,
      summary: "Change an endpoint's URL, events or description; enable or disable it",
      responses: { 200: jsonContent(WebhookSchema, "The changed endpoint."), ...commonErrors, ...notFoundError, ...urlForbidden, ...bodyErrors() },
    }),
    validate("param", IdParam),
    validate("json", WebhookPatch),
    async (c) => c.json(await patchWebhook(c.get("tenant"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .delete(
    "/:id",
    describe({ tags, summary: "Delete an endpoint", responses: { 204: { description: "Deleted." }, ...commonErrors, ...notFoundError } }),
    validate("param", IdParam),
    async (c) => {
      await deleteWebhook(c.get("tenant"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .post(
    "/:id/rotate-secret",
    describe({
      tags,
      summary: "Replace an endpoint's secret",
      description: "For a day the old secret signs too (a second signature in `webhook-signature`), so a receiver can switch without losing events.",
      responses: { 200: jsonContent(WebhookWithSecretSchema, "The endpoint, with its new secret."), ...commonErrors, ...notFoundError },
    }),
    validate("param", IdParam),
    async (c) => c.json(await rotateSecret(c.get("tenant"), c.req.valid("param").id), 200),
  )
  .get(
    "/:id/deliveries",
    describe({
      tags,
      summary: "An endpoint's recent deliveries and their tries, newest event first",
      responses: { 200: jsonContent(WebhookDeliveryPage, "Deliveries, kept 30 days."), ...commonErrors, ...notFoundError },
    }),
    validate("param", IdParam),
    validate("query", DeliveriesQuery),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listDeliveries(c.get("tenant"), c.req.valid("param").id, { limit: limit ?? 20, cursor }), 200);
    },
  );
