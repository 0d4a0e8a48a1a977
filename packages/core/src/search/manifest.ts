import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { RETENTION_DAYS } from "../changes/log";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import type { SegmentRef } from "./segments";

/**
 * The tenant's search index: its segments, oldest first (a newer one's lines override an older
 * one's of the same id), and the change number `seq` they cover up to: every change numbered up
 * to `seq` is in them, every later one is read from the change log. Written only by a compaction,
 * under a condition on `version`, so two compactions never both win.
 */
export interface Manifest {
  /** Absent until the first build (a requested compaction leaves the item with its lease alone). */
  seq?: number;
  segments: SegmentRef[];
  version?: number;
  compacted_at?: string;
  /** Epoch ms until which a requested compaction holds the lease; no other is queued before. */
  compacting_until?: number;
}

/** Log items live 31 days: an index not compacted for 29 may no longer find what changed after it. */
const USABLE_FOR_MS = (RETENTION_DAYS - 1) * 86_400_000;

/** The daily sweep asks for a compaction of an index older than this, long before its log expires. */
const COMPACT_EVERY_MS = 2 * 86_400_000;

/** Whether a built index has gone this long without a compaction (the sweep then asks for one). */
export const compactionDue = (manifest: Manifest | undefined, now = Date.now()): boolean =>
  manifest?.compacted_at !== undefined && now - Date.parse(manifest.compacted_at) > COMPACT_EVERY_MS;

/** A compaction may run this long before another may be requested (a worker's lifetime). */
export const LEASE_MS = 15 * 60_000;

export async function getManifest(tenant: string): Promise<Manifest | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.searchManifest(tenant), ConsistentRead: true }));
  return Item ? { ...(Item as Manifest), segments: (Item.segments as SegmentRef[] | undefined) ?? [] } : undefined;
}

/** Whether the manifest describes a built index whose later changes are all still in the log. */
export const usable = (manifest: Manifest | undefined, now = Date.now()): manifest is Manifest & { seq: number } =>
  manifest?.seq !== undefined && manifest.compacted_at !== undefined && now - Date.parse(manifest.compacted_at) < USABLE_FOR_MS;

/** Runs a conditional write; false when its condition failed. */
async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

/** Writes the manifest a compaction made from `previous`; false when another compaction got there first. */
export function commitManifest(tenant: string, previous: Manifest | undefined, next: { seq: number; segments: SegmentRef[] }): Promise<boolean> {
  const version = previous?.version;
  return conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.searchManifest(tenant),
          entity: "search_index",
          seq: next.seq,
          segments: next.segments,
          version: (version ?? 0) + 1,
          compacted_at: new Date().toISOString(),
        },
        ConditionExpression: version === undefined ? "attribute_not_exists(version)" : "version = :version",
        ...(version === undefined ? {} : { ExpressionAttributeValues: { ":version": version } }),
      }),
    ),
  );
}

/**
 * Takes the compaction lease when nobody holds it and queues a `search.compact` job; true when
 * this call queued one. Searches call it when their overlay grows, the daily sweep when the
 * index falls behind; the lease keeps them to one job per tenant at a time.
 */
export async function requestCompaction(tenant: string, now = Date.now()): Promise<boolean> {
  const leased = await conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.searchManifest(tenant),
        UpdateExpression: "SET compacting_until = :until, entity = :entity",
        ConditionExpression: "attribute_not_exists(compacting_until) OR compacting_until < :now",
        ExpressionAttributeValues: { ":until": now + LEASE_MS, ":now": now, ":entity": "search_index" },
      }),
    ),
  );
  if (!leased) return false;
  const { enqueueJob } = await import("../jobs/enqueue");
  await enqueueJob(tenant, "search.compact", {});
  return true;
}
