/**
 * The tenant is the subject of a token that was verified before the request reached the app:
 * deployed, by API Gateway's JWT authorizer (issuer, audience, signature, expiry), which puts the
 * claims in the event; locally, by the local server (packages/local/src/gateway.ts), which hands
 * them over the same way. So the app has one way to learn its tenant and verifies nothing itself.
 */
import type { LambdaContext } from "hono/aws-lambda";
import { createMiddleware } from "hono/factory";
import { VisibleError } from "@sonna/core/errors";
import { setTenant } from "@sonna/core/observability";

/** The part of an HTTP API (payload 2.0) event that carries a JWT authorizer's verified claims. */
export interface AuthorizedEvent {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, string | number | boolean | string[]> } } };
}

/** `event` and `lambdaContext` are what hono/aws-lambda passes; the local server passes `event` alone. */
export type AppEnv = {
  Variables: { tenant: string };
  Bindings: { event?: AuthorizedEvent; lambdaContext?: LambdaContext };
};

export const unauthorized = (detail: string) =>
  new VisibleError(401, "auth.unauthorized", detail, { "WWW-Authenticate": 'Bearer realm="sonna-history"' });

export const requireTenant = createMiddleware<AppEnv>(async (c, next) => {
  const subject = c.env?.event?.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof subject !== "string" || subject.length === 0) throw unauthorized("Send Authorization: Bearer <token>.");
  c.set("tenant", subject);
  setTenant(subject);
  await next();
});
