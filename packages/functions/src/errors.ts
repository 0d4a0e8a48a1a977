import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { VisibleError } from "@sonna/core/errors";
import { countRefusal, log } from "@sonna/core/observability";
import { isTransientCancellation } from "@sonna/core/table/transact";

export const errorBody = (detail: string, code: string) => ({ detail, code });

export const routeNotFound = (c: Context) => c.json(errorBody(`No route for ${c.req.method} ${c.req.path}.`, "route.not_found"), 404);

/**
 * The single place errors become responses: visible errors as they are, malformed requests as
 * 400, and anything else logged and answered 500 (or 503 when a dependency is unreachable)
 * without internals.
 */
export function handleError(error: Error, c: Context) {
  if (error instanceof VisibleError) {
    if (error.status < 500) countRefusal(error.code);
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(errorBody(error.detail, error.code), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code =
      status === 413 ? "request.too_large" : status === 415 ? "request.unsupported_media_type" : status === 401 ? "auth.unauthorized" : "request.invalid";
    const detail =
      status === 415
        ? "The body's Content-Type is not what this endpoint takes: application/json (multipart/form-data for POST /history/import)."
        : error.message || "The request could not be processed.";
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
