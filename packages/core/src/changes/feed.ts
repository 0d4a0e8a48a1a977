import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { RETENTION_DAYS, voidSequence, type FeedType } from "./log";

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

interface LogItem {
  seq: number;
  type?: FeedType | null;
  id?: string;
  changed_at: string;
  data?: Record<string, unknown> | null;
  void?: boolean;
}

/**
 * A number missing for this long after a later one was written belongs to a writer that failed or
 * stalled: the reader voids it instead of waiting (a stalled writer then retries under a new one).
 */
const GRACE_MS = 5_000;
/** No writer lives longer than a Lambda may run: numbers missing before older changes are dead. */
const WRITER_LIFETIME_MS = 15 * 60_000;
/** Voiding is cheap; skipping on the lifetime rule is only for long runs (expired history). */
const MAX_VOIDS = 1_000;
/** Log items read per request at most, so a long run of voids or events can't hold a request. */
const MAX_READ = 2_000;
const RETENTION_MS = RETENTION_DAYS * 86_400_000;

/**
 * A position in the log: every number up to `s` is resolved (its change seen, or void), as of `t`,
 * the time of the oldest change the holder has not read yet (or the time it was handed out when
 * there was none). A cursor whose `t` is older than the retention may have missed expired changes.
 */
interface Cursor {
  s: number;
  t: number;
}


const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

const badCursor = () => new VisibleError(400, "request.invalid_cursor", "The cursor is malformed; pass a next_cursor exactly as it was given.");

function decode(cursor: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const { s, t } = (value ?? {}) as { s?: unknown; t?: unknown };
  if (!Number.isSafeInteger(s) || (s as number) < 0 || !Number.isSafeInteger(t) || (t as number) < 0) throw badCursor();
  if (encode({ s: s as number, t: t as number }) !== cursor) throw badCursor();
  return { s: s as number, t: t as number };
}

const expired = () =>
  new VisibleError(
    410,
    "changes.cursor_expired",
    `This cursor is older than the ${RETENTION_DAYS} days changes are kept, so changes may have been missed: resync from a full list (GET /history and GET /profiles), then follow the feed from a cursor taken with GET /history/changes?from=now before the list.`,
  );

async function getLogItem(tenant: string, seq: number): Promise<LogItem | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.change(tenant, seq), ConsistentRead: true }));
  return Item as LogItem | undefined;
}

async function queryLog(tenant: string, after: number, limit: number, ascending = true, upTo?: number) {
  const { Items } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: upTo === undefined ? "pk = :pk AND sk > :after" : "pk = :pk AND sk BETWEEN :low AND :high",
      ExpressionAttributeValues:
        upTo === undefined
          ? { ":pk": keys.changePartition(tenant), ":after": keys.changeSk(after) }
          : { ":pk": keys.changePartition(tenant), ":low": keys.changeSk(after + 1), ":high": keys.changeSk(upTo) },
      ScanIndexForward: ascending,
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (Items ?? []) as LogItem[];
}

/** Claims every number strictly between `from` and `to`; those that committed meanwhile stay as they are. */
async function voidGap(tenant: string, from: number, to: number): Promise<void> {
  for (let seq = from + 1; seq < to; seq += 25) {
    const batch = Array.from({ length: Math.min(25, to - seq) }, (_, i) => seq + i);
    await Promise.all(batch.map((n) => voidSequence(tenant, n)));
  }
}

/** What to do about the numbers missing before `next`: wait for them, skip them as dead, or void them. */
function gapAction(next: LogItem, missing: number, now: number): "wait" | "skip" | "void" {
  const age = now - Date.parse(next.changed_at);
  if (age < GRACE_MS) return "wait";
  return missing > MAX_VOIDS && age > WRITER_LIFETIME_MS ? "skip" : "void";
}

const isFeedChange = (item: LogItem): item is LogItem & { type: FeedType; id: string } => !item.void && Boolean(item.type);

/**
 * Changes after the cursor, in number order (which for one entity is commit order). A reader
 * stops before a number that is still being written, so it never passes a change that could yet
 * commit below its cursor.
 */
async function readAfter(tenant: string, start: number, limit: number): Promise<ChangesPage> {
  const now = Date.now();
  const changes: Change[] = [];
  let position = start;
  let read = 0;
  let oldestUnread: number | undefined;
  let blocked = false;
  outer: while (read < MAX_READ) {
    const items = await queryLog(tenant, position, Math.min(limit + 1, MAX_READ - read));
    read += items.length;
    if (!items.length) break;
    for (const item of items) {
      if (item.seq > position + 1) {
        const action = gapAction(item, item.seq - position - 1, now);
        if (action === "wait") {
          blocked = true;
          break outer;
        }
        if (action === "void") {
          // Read again from here: the voids, and whatever committed before its number was claimed.
          await voidGap(tenant, position, item.seq);
          continue outer;
        }
      }
      if (isFeedChange(item)) {
        if (changes.length === limit) {
          oldestUnread = Date.parse(item.changed_at);
          break outer;
        }
        changes.push({ type: item.type, id: item.id, changed_at: item.changed_at, data: item.data ?? null });
      }
      position = item.seq;
    }
  }
  const capped = !blocked && oldestUnread === undefined && read >= MAX_READ;
  return {
    changes,
    next_cursor: encode({ s: position, t: oldestUnread ?? now }),
    has_more: oldestUnread !== undefined || capped,
  };
}

/**
 * A cursor after every change committed so far. Numbers handed out but not yet written could
 * still commit below it, so the recent ones missing are voided first (their writers retry under
 * new numbers, after the cursor); numbers older than a writer can live are dead already.
 */
async function cursorAtNow(tenant: string): Promise<string> {
  const now = Date.now();
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.changeSequence(tenant), ConsistentRead: true }),
  );
  const head = Number(Item?.seq ?? 0);
  const present = new Set<number>();
  let floor = Math.max(0, head - MAX_VOIDS);
  for (let upTo = head; upTo > floor; ) {
    const items = await queryLog(tenant, floor, 1000, false, upTo);
    for (const item of items) present.add(item.seq);
    const oldest = items.at(-1);
    if (!oldest) break;
    if (now - Date.parse(oldest.changed_at) > WRITER_LIFETIME_MS) {
      floor = oldest.seq;
      break;
    }
    upTo = oldest.seq - 1;
  }
  for (let seq = floor + 1; seq <= head; seq++) if (!present.has(seq)) await voidSequence(tenant, seq);
  return encode({ s: head, t: now });
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
  const cursor = decode(query.cursor);
  if (cursor.t < Date.now() - RETENTION_MS) throw expired();
  return readAfter(tenant, cursor.s, query.limit);
}
