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
    /** Fields the error body carries beside `detail` and `code` (a quota's limit and count). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = "VisibleError";
  }
}

export const notFound = (what: string, id: string) =>
  new VisibleError(404, `${what}.not_found`, `No ${what} with id ${JSON.stringify(id)}.`);
