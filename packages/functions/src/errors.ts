import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { RouterRoute } from "hono/types";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { VisibleError } from "@sonna/core/errors";
import { countRefusal, log } from "@sonna/core/observability";
import { isTransientCancellation } from "@sonna/core/table/transact";

export const errorBody = (detail: string, code: string) => ({ detail, code });

/** A route's path (`/history/:id`) as a pattern for request paths. */
const pathPattern = (path: string) =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z0-9_]+/g, "[^/]+").replace(/\/\*$/, "(?:/.*)?")}$`);

let patterns: { method: string; pattern: RegExp }[] = [];

/** The methods some route answers on `path` (HEAD wherever GET is, as Hono serves it). */
export function allowedMethods(routes: readonly RouterRoute[], path: string): string[] {
  // Middleware (ALL) and the catch-all preflight answer (OPTIONS) say nothing of a path's methods.
  const handlers = routes.filter((route) => route.method !== "ALL" && route.method !== "OPTIONS");
  if (patterns.length !== handlers.length) patterns = handlers.map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
  const methods = new Set(patterns.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/** No route: 405 with `Allow` when the path exists under other methods, else 404. */
export function routeNotFound(c: Context, routes: readonly RouterRoute[]) {
  const allowed = allowedMethods(routes, c.req.path);
  // A route for this very method that answered not-found itself (an unknown asset) is a 404 too.
  if (allowed.length === 0 || allowed.includes(c.req.method)) {
    countRefusal("route.not_found");
    return c.json(errorBody(`No route for ${c.req.method} ${c.req.path}.`, "route.not_found"), 404);
  }
  countRefusal("route.method_not_allowed");
  c.header("Allow", allowed.join(", "));
  return c.json(errorBody(`${c.req.path} does not take ${c.req.method}; it takes ${allowed.join(", ")}.`, "route.method_not_allowed"), 405);
}

/**
 * The single place errors become responses: visible errors as they are, malformed requests as
 * 400, and anything else logged and answered 500 (or 503 when a dependency is unreachable)
 * without internals.
 */
export function handleError(error: Error, c: Context) {
  if (error instanceof VisibleError) {
    if (error.status < 500) countRefusal(error.code);
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json({ ...errorBody(error.detail, error.code), ...error.extra }, error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code =
      status === 413 ? "request.too_large" : status === 415 ? "request.unsupported_media_type" : status === 401 ? "auth.unauthorized" : "request.invalid";
    const detail =
      status === 415
        ? "The body's Content-Type is not what this endpoint takes: application/json (multipart/form-data for POST /history/import)."
        : error.message || "The request could not be processed.";
    countRefusal(code);
    return c.json(errorBody(detail, code), status);
  }
  if (isUnavailable(error)) {
    log.error("dependency unavailable", { error });
    c.header("Retry-After", "2");
    return c.json(errorBody("A storage service is temporarily unavailable; retry shortly.", "service.unavailable"), 503);
  }
  log.error("unhandled", { error });
  return c.json(errorBody("Internal error.", "internal"), 500);
}

/** Connection failures, throttling and transaction conflicts of DynamoDB or S3: the client may retry. */
function isUnavailable(error: Error): boolean {
  const name = error.name ?? "";
  const code = (error as { code?: string }).code ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code) ||
    ["TimeoutError", "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ServiceUnavailable", "SlowDown", "InternalServerError", "InternalError", "TransactionConflictException"].includes(name) ||
    status === 503 ||
    isTransientCancellation(error)
  );
}
