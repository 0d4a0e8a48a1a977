import type { LambdaContext } from "hono/aws-lambda";
import { createMiddleware } from "hono/factory";
import { verifierFromEnv, type TokenVerifier } from "@sonna/core/auth/tokens";
import { VisibleError } from "@sonna/core/errors";

/** `lambdaContext` is there when the Lambda adapter serves the request, not locally. */
export type AuthEnv = { Variables: { tenant: string }; Bindings: { lambdaContext?: LambdaContext } };

let verifier: TokenVerifier | undefined;

const unauthorized = (detail: string) =>
  new VisibleError(401, "auth.unauthorized", detail, { "WWW-Authenticate": 'Bearer realm="sonna-history"' });

/** The tenant is the verified token's subject, and nothing a client sends elsewhere. */
export const requireTenant = createMiddleware<AuthEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  if (!match) throw unauthorized("Send Authorization: Bearer <token>.");
  verifier ??= verifierFromEnv();
  try {
    c.set("tenant", await verifier.verify(match[1]!));
  } catch {
    throw unauthorized("The bearer token is invalid, expired, or not meant for this service.");
  }
  await next();
});
