import { retryAfterSeconds } from "./errors.js";

export interface RetryPolicy {
  /** Further tries after the first (default 5). */
  retries?: number;
  /** Longest wait honoured from `Retry-After`, in seconds (default 30). */
  maxDelaySeconds?: number;
  /** Waits used between tries (tests pass one that records instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Calls `attempt` again while it answers a response the API marked retryable (a 503, or a 409
 * such as `upload.changed` or `import.in_progress`, each with `Retry-After`), waiting as
 * `Retry-After` says. Answers the last response either way.
 */
export async function retrying(attempt: () => Promise<Response>, policy: RetryPolicy = {}): Promise<Response> {
  const { retries = 5, maxDelaySeconds = 30, sleep: wait = sleep } = policy;
  for (let tries = 0; ; tries++) {
    const response = await attempt();
    // A bucket's 503 (SlowDown) may say nothing: a second then.
    const delay = retryAfterSeconds(response.headers) ?? (response.status === 503 ? 1 : undefined);
    if (tries >= retries || delay === undefined || (response.status !== 503 && response.status !== 409)) return response;
    await response.body?.cancel();
    await wait(Math.min(delay, maxDelaySeconds) * 1000);
  }
}

/**
 * Whether repeating `request` is harmless: reads and idempotent methods, a create carrying an
 * Idempotency-Key, and the completions (`.../complete`), which the API makes safe to repeat.
 */
export function safeToRepeat(request: Request): boolean {
  if (["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].includes(request.method)) return true;
  return request.headers.has("idempotency-key") || new URL(request.url).pathname.endsWith("/complete");
}

/** A fetch for openapi-fetch that retries what is safe to repeat (see `retrying`). */
export function retryingFetch(fetchImpl: typeof fetch, policy: RetryPolicy): (request: Request) => Promise<Response> {
  return (request) => {
    if (!safeToRepeat(request)) return fetchImpl(request);
    return retrying(() => fetchImpl(request.clone()), policy);
  };
}
