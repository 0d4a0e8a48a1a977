import type { Api } from "./api.js";
import type { RetryPolicy } from "./retry.js";

/** What the helpers share: the typed endpoints, and the fetch and retry policy for presigned URLs. */
export interface Context {
  api: Api;
  fetch: typeof fetch;
  retry: RetryPolicy;
}
