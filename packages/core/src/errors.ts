/**
 * The one error type whose message a client may see. Everything else is logged and answered
 * as a 500 without internals.
 */
export class VisibleError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "VisibleError";
  }
}

export const notFound = (what: string, id: string) =>
  new VisibleError(404, `${what}.not_found`, `No ${what} with id ${JSON.stringify(id)}.`);

/**
 * Whether a failed write certainly changed nothing: our own refusals, and anything the service
 * answered with a 4xx (a failed condition, a cancelled transaction, throttling), which AWS applies
 * none of. A 5xx, a timeout or a dropped connection may hide a write that was applied, so whatever
 * it would have referenced must be left for reconcile rather than deleted.
 */
export function certainlyNotApplied(error: unknown): boolean {
  if (error instanceof VisibleError) return true;
  const { $fault, $metadata, name } = (error ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number }; name?: string };
  const status = $metadata?.httpStatusCode;
  return name === "ConditionFailed" || $fault === "client" || (status !== undefined && status >= 400 && status < 500);
}
