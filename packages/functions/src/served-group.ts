/**
 * The app that serves one route group's requests (./route-groups.ts): every route in it needs a
 * tenant's token, bodies are limited, and errors answer as everywhere else.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requireTenant, type AuthEnv } from "./auth";
import { errorBody, handleError, routeNotFound } from "./errors";
import type { RouteGroup } from "./route-groups";

/** JSON bodies are small; audio and large archives travel through presigned URLs, never through here. */
const JSON_BODY_LIMIT = 1024 * 1024;
/** A ZIP sent to POST /history/import: what a Lambda invocation can carry. */
const IMPORT_BODY_LIMIT = 6 * 1000 * 1000;

const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(
        errorBody(
          `The request body exceeds ${maxSize} bytes.${maxSize === IMPORT_BODY_LIMIT ? " Use POST /history/imports for large archives." : ""}`,
          "request.too_large",
        ),
        413,
      ),
  });
const jsonBodyLimit = limitBody(JSON_BODY_LIMIT);
const importBodyLimit = limitBody(IMPORT_BODY_LIMIT);

export async function servedGroup({ prefix, load }: RouteGroup): Promise<Hono<AuthEnv>> {
  const served = new Hono<AuthEnv>();
  served.onError(handleError);
  served.notFound(routeNotFound);
  for (const path of [prefix, `${prefix}/*`]) {
    served.use(path, requireTenant, (c, next) => (c.req.path === "/history/import" ? importBodyLimit : jsonBodyLimit)(c, next));
  }
  for (const routes of await load()) served.route(prefix, routes);
  return served;
}
