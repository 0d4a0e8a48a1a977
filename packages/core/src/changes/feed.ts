import { createHash } from "node:crypto";
import { VisibleError } from "../errors";
import { RETENTION_DAYS, type FeedType } from "./log";
import { settleHead, walkLog, type LogItem } from "./walk";

export interface Change {
  type: FeedType;
  id: string;
  changed_at: string;
  data: Record<string, unknown> | null;
}

export interface ChangesPage {
  changes: Change[];
  next_cursor: string;
  has_more: boolean;
}

/**
 * A position in the log: every number up to `s` is resolved (its change seen, or void), as of `t`,
 * the time of the oldest change the holder has not read yet (or the time it was handed out when
 * there was none). A cursor whose `t` is older than the retention may have missed expired changes.
 */
interface Cursor {
  s: number;
  t: number;
}

/** Ties a cursor to its tenant: one kept across an account switch is refused, not silently read. */
const owner = (tenant: string) => createHash("sha256").update(tenant).digest("base64url").slice(0, 12);

const RETENTION_MS = RETENTION_DAYS * 86_400_000;

const encode = (tenant: string, cursor: Cursor) =>
  Buffer.from(JSON.stringify({ ...cursor, u: owner(tenant) })).toString("base64url");

const badCursor = () =>
  new VisibleError(400, "request.invalid_cursor", "The cursor is malformed or another account's; pass a next_cursor exactly as this account was given it.");

function decode(tenant: string, cursor: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const { s, t } = (value ?? {}) as { s?: unknown; t?: unknown };
  if (!Number.isSafeInteger(s) || (s as number) < 0 || !Number.isSafeInteger(t) || (t as number) < 0) throw badCursor();
  if (encode(tenant, { s: s as number, t: t as number }) !== cursor) throw badCursor();
  return { s: s as number, t: t as number };
}

const expired = () =>
  new VisibleError(
    410,
    "changes.cursor_expired",
    `This cursor is older than the ${RETENTION_DAYS} days changes are kept, so changes may have been missed: resync from a full list (GET /history and GET /profiles), then follow the feed from a cursor taken with GET /history/changes?from=now before the list.`,
  );

const isFeedChange = (item: LogItem): item is LogItem & { type: FeedType; id: string } => !item.void && Boolean(item.type);

/** Changes after the cursor, in number order, as far as the walk of the log goes (walk.ts). */
async function readAfter(tenant: string, start: number, limit: number): Promise<ChangesPage> {
  const now = Date.now();
  const changes: Change[] = [];
  let position = start;
  let oldestUnread: number | undefined;
  const walk = walkLog(tenant, start, limit + 1, now);
  let step = await walk.next();
  for (; !step.done; step = await walk.next()) {
    const item = step.value;
    if (isFeedChange(item)) {
      if (changes.length === limit) {
        oldestUnread = Date.parse(item.changed_at);
        break;
      }
      changes.push({ type: item.type, id: item.id, changed_at: item.changed_at, data: item.data ?? null });
    }
    position = item.seq;
  }
  const capped = step.done === true && step.value === "capped";
  return {
    changes,
    next_cursor: encode(tenant, { s: position, t: oldestUnread ?? now }),
    has_more: oldestUnread !== undefined || capped,
  };
}

/** A cursor after every change committed so far (see settleHead). */
async function cursorAtNow(tenant: string): Promise<string> {
  const now = Date.now();
  return encode(tenant, { s: await settleHead(tenant, now), t: now });
}

export interface ChangesQuery {
  cursor?: string;
  from?: "now";
  limit: number;
}

/** The change feed: GET /history/changes. */
export async function readChanges(tenant: string, query: ChangesQuery): Promise<ChangesPage> {
  if (query.from === "now") return { changes: [], next_cursor: await cursorAtNow(tenant), has_more: false };
  if (query.cursor === undefined) return readAfter(tenant, 0, query.limit);
  const cursor = decode(tenant, query.cursor);
  if (cursor.t < Date.now() - RETENTION_MS) throw expired();
  return readAfter(tenant, cursor.s, query.limit);
}
