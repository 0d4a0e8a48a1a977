// What every first-request floor shares: one Hono route behind hono/aws-lambda's `handle` (the
// adapter the API uses), with the tenant taken from the claims API Gateway's JWT authorizer put in
// the event (it has verified the token by then). Each floor is a handler of its own, bundled alone,
// so it loads only what its route needs; its AWS clients are the API's own modules
// (@sonna/core/aws, @sonna/core/storage/client), so "the same SDK clients" stays true when their
// configuration changes.
import { Hono, type Context } from "hono";
import { handle, type ApiGatewayRequestContextV2, type LambdaEvent } from "hono/aws-lambda";

type FloorEnv = { Bindings: { event: LambdaEvent } };

export function floorRoute<P extends string>(method: "GET" | "POST", path: P, answer: (tenant: string, c: Context<FloorEnv, P>) => Promise<Response>) {
  const app = new Hono<FloorEnv>();
  app.on(method, path, (c) => {
    const sub = (c.env.event.requestContext as ApiGatewayRequestContextV2).authorizer?.jwt?.claims.sub;
    return typeof sub === "string" ? answer(sub, c) : c.json({ code: "auth.unauthorized" }, 401);
  });
  return handle(app);
}
