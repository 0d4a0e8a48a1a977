/**
 * Every answer the API refuses becomes one `SonnaApiError`: the HTTP status, the error's dotted
 * `code` and its `detail` sentence, plus any other field the body carries (a quota refusal's
 * `quota`, `limit` and `count`) in `fields`.
 */
export class SonnaApiError extends Error {
  override readonly name = "SonnaApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Body fields beside `code` and `detail`, e.g. `{ quota, limit, count }` for `quota.exceeded`. */
    readonly fields: Readonly<Record<string, unknown>> = {},
    /** Seconds the API asked to wait before retrying (`Retry-After`), if it said. */
    readonly retryAfter: number | undefined = undefined,
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  /** A quota refusal's limit and count, or undefined for any other error. */
  get limit(): number | undefined {
    return typeof this.fields.limit === "number" ? this.fields.limit : undefined;
  }

  get count(): number | undefined {
    return typeof this.fields.count === "number" ? this.fields.count : undefined;
  }

  /** The error an unsuccessful response stands for; reads the body. */
  static async from(response: Response): Promise<SonnaApiError> {
    const text = await response.text().catch(() => "");
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: a gateway's or a bucket's answer; the text becomes the detail.
    }
    const { code, detail, message, ...fields } = body;
    return new SonnaApiError(
      response.status,
      typeof code === "string" ? code : `http.${response.status}`,
      // Another server's answer may echo the request, Authorization header included.
      redactBearer(typeof detail === "string" ? detail : typeof message === "string" ? message : text.slice(0, 500) || response.statusText),
      fields,
      retryAfterSeconds(response.headers),
    );
  }
}

/** `Retry-After` in seconds (either form the header may take), or undefined. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/** `text` with every bearer credential in it replaced, so an error is safe to print or log. */
export const redactBearer = (text: string) => text.replace(/Bearer\s+[^\s<>"'&,;]+/gi, "Bearer [redacted]");

/** A failure with an underlying error (fetch's, the file system's), and why in a word when there is one. */
abstract class CausedError extends Error {
  /** ECONNREFUSED, ENOENT, or the underlying error's message. */
  readonly reason: string;

  constructor(
    describe: (reason: string) => string,
    override readonly cause: unknown,
  ) {
    const reason = reasonOf(cause);
    super(describe(reason));
    this.reason = reason;
  }
}

/**
 * The service (or a presigned URL's bucket) could not be reached: no HTTP answer at all (refused,
 * DNS, TLS, reset). `url` is the origin that was asked; `cause` is fetch's own error.
 */
export class SonnaConnectionError extends CausedError {
  override readonly name = "SonnaConnectionError";
  constructor(readonly url: string, cause: unknown) {
    super((reason) => `Cannot reach ${url}: ${reason}`, cause);
  }
}

/** A local file given to the client (an upload's or an import's path) could not be read. */
export class SonnaFileError extends CausedError {
  override readonly name = "SonnaFileError";
  constructor(readonly path: string, cause: unknown) {
    super((reason) => `Cannot read ${path}: ${reason}`, cause);
  }
}

/** The most telling part of a Node or fetch error: its code (ECONNREFUSED, ENOENT) or message. */
function reasonOf(error: unknown): string {
  const inner = (error as { cause?: unknown })?.cause ?? error;
  const code = (inner as { code?: unknown })?.code;
  return typeof code === "string" ? code : String((inner as Error)?.message ?? inner);
}

/** A fetch whose failures to get any answer throw `SonnaConnectionError` naming the origin asked. */
export function connectionErrors(fetchImpl: typeof fetch): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      if ((error as Error)?.name === "AbortError" || error instanceof SonnaApiError) throw error;
      const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
      throw new SonnaConnectionError(URL.canParse(url) ? new URL(url).origin : url, error);
    }
  }) as typeof fetch;
}
