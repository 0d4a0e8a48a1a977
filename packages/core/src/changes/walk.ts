import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { voidSequences, type EventType, type FeedType } from "./log";

/** A log item as stored: a change (for the feed, for webhooks or both) or a void number. */
export interface LogItem {
  seq: number;
  type?: FeedType | null;
  event?: EventType | null;
  event_id?: string;
  id?: string;
  changed_at: string;
  data?: Record<string, unknown> | null;
  void?: boolean;
}

/**
 * A number missing for this long after a later one was written belongs to a writer that failed or
 * stalled: the reader voids it instead of waiting (a stalled writer then retries under a new one).
 */
export const GRACE_MS = 5_000;
/** No writer lives longer than a Lambda may run: numbers missing before older changes are dead. */
export const WRITER_LIFETIME_MS = 15 * 60_000;
/** Voiding is cheap; skipping on the lifetime rule is only for long runs (expired history). */
export const MAX_VOIDS = 1_000;
/** Log items read per walk at most, so a long run of voids or events can't hold a request. */
const MAX_READ = 2_000;

export async function queryLog(tenant: string, after: number, limit: number, ascending = true, upTo?: number) {
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

/** What to do about the numbers missing before `next`: wait for them, skip them as dead, or void them. */
function gapAction(next: LogItem, missing: number, now: number): "wait" | "skip" | "void" {
  const age = now - Date.parse(next.changed_at);
  if (age < GRACE_MS) return "wait";
  return missing > MAX_VOIDS && age > WRITER_LIFETIME_MS ? "skip" : "void";
}

/**
 * Why a walk ended: it read everything committed (`caught_up`), it stopped before a number still
 * being written (`blocked`: walk again once the writer had its grace), or it read its fill (`capped`).
 */
export type WalkEnd = "caught_up" | "blocked" | "capped";

/**
 * Every log item after `start`, in number order (which for one entity is commit order), void ones
 * included: a reader that has handled an item may move its position to it. The walk stops before
 * a number that is still being written, so a reader never passes a change that could yet commit
 * below its position; numbers left open past the grace are voided on the way. The change feed and
 * the webhook dispatcher both follow the log through this one walk.
 */
export async function* walkLog(tenant: string, start: number, pageSize: number, now = Date.now()): AsyncGenerator<LogItem, WalkEnd> {
  let position = start;
  let read = 0;
  outer: while (read < MAX_READ) {
    const items = await queryLog(tenant, position, Math.min(pageSize, MAX_READ - read));
    read += items.length;
    if (!items.length) return "caught_up";
    for (const item of items) {
      if (item.seq > position + 1) {
        const action = gapAction(item, item.seq - position - 1, now);
        if (action === "wait") return "blocked";
        if (action === "void") {
          // Read again from here: the voids, and whatever committed before its number was claimed.
          await voidSequences(tenant, Array.from({ length: item.seq - position - 1 }, (_, i) => position + 1 + i));
          continue outer;
        }
      }
      yield item;
      position = item.seq;
    }
  }
  return "capped";
}

/**
 * The head of the log, once every number up to it is committed or void. Numbers handed out but
 * not yet written could still commit below it, so the recent ones missing are voided first (their
 * writers retry under new numbers, above it); numbers older than a writer can live are dead already.
 */
export async function settleHead(tenant: string, now = Date.now()): Promise<number> {
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
  const open = Array.from({ length: head - floor }, (_, i) => floor + 1 + i).filter((seq) => !present.has(seq));
  await voidSequences(tenant, open);
  return head;
}

/** One log item by its number (a webhook attempt reads the event it delivers). */
export async function getLogItem(tenant: string, seq: number): Promise<LogItem | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.change(tenant, seq), ConsistentRead: true }));
  return Item as LogItem | undefined;
}
