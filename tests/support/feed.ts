// Reading the change feed the way a client does.
import assert from "node:assert/strict";
import type { Client } from "./server";

export interface Change {
  type: string;
  id: string;
  changed_at: string;
  data: any;
}

export async function poll(t: Client, query: string) {
  const res = await t.json(`/history/changes${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { changes: Change[]; next_cursor: string; has_more: boolean };
}

/** Follows the feed (from the start, or after `cursor`) until it says it is caught up. */
export async function drain(t: Client, cursor?: string, limit = 7): Promise<{ changes: Change[]; cursor: string }> {
  const changes: Change[] = [];
  for (;;) {
    const page = await poll(t, cursor === undefined ? `?limit=${limit}` : `?limit=${limit}&cursor=${cursor}`);
    changes.push(...page.changes);
    cursor = page.next_cursor;
    if (!page.has_more) return { changes, cursor };
  }
}
