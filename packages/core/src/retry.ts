import { setTimeout as sleep } from "node:timers/promises";

/** How often and how patiently to try: bounded attempts, exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  /** The most the first wait may be, in ms; the bound doubles with each retry. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

export interface RetryOptions extends RetryPolicy {
  /** Whether a failure is worth another call; any other failure is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** What to throw when the last attempt fails with a retryable error (default: that error). */
  exhausted?: (error: unknown) => unknown;
}

/**
 * The wait before retry number `retry` (1 for the first): uniform in [0, min(cap, base * 2^(retry-1))).
 * Full jitter spreads callers that failed together (a conflict, a throttled partition), so they do
 * not collide again on the same schedule.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
}

/**
 * Calls `attempt` until it resolves, a failure is not retryable, or `attempts` calls have failed.
 * `attempt` gets its number (1 for the first) and must be safe to call again: each call decides
 * afresh from what it reads.
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!options.retryable(error)) throw error;
      if (n >= options.attempts) throw options.exhausted ? options.exhausted(error) : error;
    }
    await sleep(backoffMs(options, n));
  }
}
