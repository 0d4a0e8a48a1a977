import { data } from "./api.js";
import type { Context } from "./context.js";
import { sleep } from "./retry.js";
import type { components } from "./schema.js";

export type Change = components["schemas"]["Change"];

/** Where a mirror keeps its place in the feed between runs. */
export interface CursorStore {
  load(): string | undefined | Promise<string | undefined>;
  save(cursor: string): void | Promise<void>;
}

export interface ChangesOptions {
  /** Resume after this cursor; else the store's; else the feed's start (or `from: "now"`). */
  cursor?: string;
  store?: CursorStore;
  /** Without a cursor: start after every change so far instead of at the oldest kept. */
  from?: "now";
  /** Changes per request, 1-1000. */
  limit?: number;
  /** Keep polling once caught up (every `pollIntervalMs`, default 5000) until `signal` aborts. */
  follow?: boolean;
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export type ChangesPage = components["schemas"]["ChangesPage"];

/**
 * Every change after the cursor, one at a time. A page's `next_cursor` is saved to the store only
 * once all its changes were taken, so a reader that stops midway reads the rest again next time
 * (changes are applied idempotently; the feed may repeat one anyway).
 */
export async function* changes(context: Context, options: ChangesOptions = {}): AsyncGenerator<Change> {
  for await (const page of changePages(context, options)) yield* page.changes;
}

/**
 * The feed page by page, for a reader that applies a page at once (and can fold repeated changes
 * of one entity together). The store gets a page's `next_cursor` when the next page is asked for.
 */
export async function* changePages(context: Context, options: ChangesOptions = {}): AsyncGenerator<ChangesPage> {
  const { store, from, limit, follow = false, pollIntervalMs = 5000, signal } = options;
  let cursor = options.cursor ?? (await store?.load());
  for (;;) {
    signal?.throwIfAborted();
    const query = { ...(cursor ? { cursor } : from ? { from } : {}), ...(limit ? { limit } : {}) };
    const page = await data(context.api.GET("/history/changes", { params: { query }, ...(signal ? { signal } : {}) }));
    yield page;
    cursor = page.next_cursor;
    await store?.save(cursor);
    if (page.has_more) continue;
    if (!follow || signal?.aborted) return;
    await sleep(pollIntervalMs);
  }
}
