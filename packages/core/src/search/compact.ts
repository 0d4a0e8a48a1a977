import { DeleteObjectsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { settleHead, walkLog } from "../changes/walk";
import { bucketName } from "../resources";
import { s3 } from "../storage/client";
import { objectKeys } from "../storage/keys";
import { isTombstone, type IndexLine } from "./entry";
import { backfillLines } from "./backfill";
import { commitManifest, getManifest, LEASE_MS, usable, type Manifest } from "./manifest";
import { lineOfChange } from "./overlay";
import { readSegment, writeSegment, type SegmentRef } from "./segments";

export interface Compaction {
  /** The change number the index now covers up to. */
  seq: number;
  segments: number;
  /** Segment objects written by this run (the log's new one and merges), and deleted as retired or orphaned. */
  written: number;
  deleted: number;
  rebuilt: boolean;
  /** False when another compaction committed first: this run's objects were deleted again. */
  committed: boolean;
}

/** The latest line of every generation changed after `seq`, and how far the log was walked. */
async function foldLog(tenant: string, seq: number): Promise<{ lines: Map<string, IndexLine>; position: number }> {
  const lines = new Map<string, IndexLine>();
  let position = seq;
  for (;;) {
    const walk = walkLog(tenant, position, 500);
    let next = await walk.next();
    for (; !next.done; next = await walk.next()) {
      const line = lineOfChange(next.value);
      if (line) lines.set(line.id, line);
      position = next.value.seq;
    }
    // Stopped before a number still being written, or read everything: the rest waits for next time.
    if (next.value !== "capped") return { lines, position };
  }
}

/** Two segments' lines as one, ascending by id; on the same id the newer wins. Tombstones go when nothing older is left to hide. */
async function* mergeLines(newer: AsyncIterator<IndexLine>, older: AsyncIterator<IndexLine>, keepTombstones: boolean): AsyncGenerator<IndexLine> {
  let a = await newer.next();
  let b = await older.next();
  while (!a.done || !b.done) {
    let line: IndexLine;
    if (b.done || (!a.done && a.value.id <= b.value.id)) {
      if (!b.done && !a.done && a.value.id === b.value.id) b = await older.next();
      line = a.value as IndexLine;
      a = await newer.next();
    } else {
      line = b.value;
      b = await older.next();
    }
    if (keepTombstones || !isTombstone(line)) yield line;
  }
}

/**
 * Size tiers: the two newest segments merge while the newer holds at least as many lines as the
 * one before it, so sizes halve (at least) from oldest to newest, a tenant has O(log N) segments
 * and every line is rewritten O(log N) times.
 */
async function mergeTiers(tenant: string, segments: SegmentRef[], written: SegmentRef[]): Promise<SegmentRef[]> {
  const tiers = [...segments];
  while (tiers.length >= 2 && tiers.at(-1)!.count >= tiers.at(-2)!.count) {
    const newer = tiers.pop()!;
    const older = tiers.pop()!;
    const merged = await writeSegment(tenant, mergeLines(readSegment(tenant, newer), readSegment(tenant, older), tiers.length > 0));
    written.push(merged);
    tiers.push(merged);
  }
  return tiers;
}

/**
 * Deletes the tenant's segment objects that `keep` does not name: retired by a merge, written by a
 * run that lost or crashed before its manifest. Objects younger than a compaction's lease may be a
 * running compaction's, so they wait for the next run.
 */
async function deleteUnlisted(tenant: string, keep: readonly SegmentRef[], now = Date.now()): Promise<number> {
  const kept = new Set(keep.map((ref) => objectKeys.searchSegment(tenant, ref.id)));
  let deleted = 0;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: objectKeys.searchPrefix(tenant), ContinuationToken }));
    const gone = (page.Contents ?? []).filter((o) => o.Key && !kept.has(o.Key) && now - (o.LastModified?.getTime() ?? now) > LEASE_MS).map((o) => ({ Key: o.Key! }));
    if (gone.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucketName(), Delete: { Objects: gone, Quiet: true } }));
    deleted += gone.length;
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return deleted;
}

/** Deletes objects by id at once (this run's own, or the manifest's it just retired). */
async function deleteSegments(tenant: string, refs: readonly SegmentRef[]): Promise<number> {
  if (!refs.length) return 0;
  await s3.send(
    new DeleteObjectsCommand({ Bucket: bucketName(), Delete: { Objects: refs.map((ref) => ({ Key: objectKeys.searchSegment(tenant, ref.id) })), Quiet: true } }),
  );
  return refs.length;
}

/** The new state of a usable index: the log since its number as a segment, merged into the tiers. */
async function extend(tenant: string, previous: Manifest & { seq: number }, written: SegmentRef[]) {
  const { lines, position } = await foldLog(tenant, previous.seq);
  if (!lines.size) return { seq: position, segments: previous.segments };
  const fresh = await writeSegment(tenant, [...lines.values()].sort((x, y) => (x.id < y.id ? -1 : 1)));
  written.push(fresh);
  return { seq: position, segments: await mergeTiers(tenant, [...previous.segments, fresh], written) };
}

/** A first index (or one whose log has expired): the records as one segment, as of a settled number. */
async function rebuild(tenant: string, written: SegmentRef[]) {
  const seq = await settleHead(tenant);
  const segment = await writeSegment(tenant, backfillLines(tenant));
  written.push(segment);
  return { seq, segments: [segment] };
}

/**
 * Folds the change log into the tenant's search segments (or builds them from the records when
 * there is no usable index) and commits the manifest under a condition. A crash anywhere before
 * the commit leaves the old manifest whole and some unlisted objects, which a later run deletes;
 * after it, only retired objects are left, deleted the same way.
 */
export async function compactTenant(tenant: string, now = Date.now()): Promise<Compaction> {
  const previous = await getManifest(tenant);
  const rebuilt = !usable(previous);
  const written: SegmentRef[] = [];
  const next = usable(previous) ? await extend(tenant, previous, written) : await rebuild(tenant, written);
  const committed = await commitManifest(tenant, previous, next);
  const listed = new Set(next.segments.map((ref) => ref.id));
  const unlisted = committed
    ? [...(previous?.segments ?? []), ...written].filter((ref) => !listed.has(ref.id))
    : written;
  const deleted = (await deleteSegments(tenant, unlisted)) + (committed ? await deleteUnlisted(tenant, next.segments, now) : 0);
  return { seq: next.seq, segments: next.segments.length, written: written.length, deleted, rebuilt, committed };
}
