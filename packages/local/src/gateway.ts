/**
 * What API Gateway's JWT authorizer does before a deployed request reaches the app, for the local
 * server: public paths pass; any other request needs a valid bearer token, whose claims reach the
 * app in the event (`requestContext.authorizer.jwt.claims`), just as the Lambda adapter passes them.
 */
import { isPublicPath } from "@sonna/core/public-routes";
import { unauthorized as refusal } from "@sonna/functions/auth";
import { verifyLocalToken } from "./tokens";

/** What the Lambda adapter hands the app besides the request: here, the authorized event alone. */
interface GatewayEnv {
  event?: { requestContext: { authorizer: { jwt: { claims: Record<string, any> } } } };
}

type Fetch = (request: Request, env?: GatewayEnv) => Response | Promise<Response>;

/** The app's own 401 (code, detail, WWW-Authenticate), answered here as the authorizer answers before the app. */
const unauthorized = (detail: string) => {
  const { status, code, headers } = refusal(detail);
  return Response.json({ detail, code }, { status, headers });
};

/** What the Lambda adapter hands the app for a request the authorizer let through with `claims`. */
export const authorizedEnv = (claims: Record<string, unknown>) => ({ event: { requestContext: { authorizer: { jwt: { claims } } } } });

export function localGateway(app: { fetch: Fetch }, secret: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === "OPTIONS" || isPublicPath(new URL(request.url).pathname)) return app.fetch(request, {});
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(request.headers.get("authorization") ?? "");
    if (!match) return unauthorized("Send Authorization: Bearer <token>.");
    let claims: Record<string, unknown>;
    try {
      claims = await verifyLocalToken(secret, match[1]!);
    } catch {
      return unauthorized("The bearer token is invalid, expired, or not meant for this service.");
    }
    return app.fetch(request, authorizedEnv(claims));
  };
}
