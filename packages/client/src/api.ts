import createFetchClient, { type Client } from "openapi-fetch";
import { SonnaApiError } from "./errors.js";
import { retryingFetch, type RetryPolicy } from "./retry.js";
import type { paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

export interface ClientOptions {
  /** The API's base URL, e.g. `https://history.example.com` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A bearer token, or a function that answers the current one (called per request). */
  token: string | (() => string | Promise<string>);
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

/** openapi-fetch typed by the API's own document: `api.GET("/history/{id}", ...)` for every endpoint. */
export type Api = Client<paths>;

/**
 * The typed endpoints. A refused request throws `SonnaApiError` instead of answering `{ error }`,
 * and a request that is safe to repeat is retried on a 503 or a retryable 409 as `Retry-After` says.
 */
export function createApi(options: ClientOptions): Api {
  const api = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    fetch: retryingFetch(options.fetch ?? globalThis.fetch, options.retry ?? {}),
  });
  api.use({
    async onRequest({ request }) {
      const token = typeof options.token === "function" ? await options.token() : options.token;
      request.headers.set("authorization", `Bearer ${token}`);
      return request;
    },
    async onResponse({ response }) {
      if (!response.ok) throw await SonnaApiError.from(response);
      return undefined;
    },
  });
  return api;
}

/** The body of a call that succeeded (a refused one has thrown already). */
export async function data<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data: body, response } = await call;
  if (body === undefined) throw new SonnaApiError(response.status, "client.empty_body", `${response.url} answered ${response.status} without a body.`);
  return body;
}
