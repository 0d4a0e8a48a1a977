// One-line scenario helpers for the API tests: profiles, pending and completed generations,
// uploads through the presigned URL, error-shape checks, and a recount of a tenant's generations
// read straight from DynamoDB to hold GET /history/stats against.
import assert from "node:assert/strict";
import type { JobItem } from "@sonna/core/jobs/model";
import { foldText } from "@sonna/core/search/fold";
import type { Api, Client, JsonResponse } from "./server";
import { assertLoopbackEnv, tenant } from "./server";

/** A small valid WAV: 16-bit mono 24 kHz, `frames` long (default 0.25 s). */
export async function smallWav(frames = 6_000): Promise<Uint8Array> {
  const { makeWav } = await import("@sonna/core/wav/make");
  return makeWav({ frames });
}

let profileCounter = 0;

/** POST /profiles; asserts 201 and returns the profile. */
export async function createProfile(t: Client, name = `Voice ${++profileCounter} ${Math.random().toString(36).slice(2, 8)}`, extra: Record<string, unknown> = {}) {
  const res = await t.json("/profiles", { method: "POST", body: { name, ...extra } });
  assert.equal(res.status, 201, `create profile ${JSON.stringify(name)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; description: string | null; language: string; created_at: string; updated_at: string };
}

/** A fresh tenant with one profile. */
export async function tenantWithProfile(api: Api) {
  const t = await tenant(api);
  return { t, profileId: (await createProfile(t)).id };
}

export interface Upload {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expires_at: string;
}

export type GenerationBody = Record<string, any> & {
  id: string;
  profile_id: string;
  status: "pending" | "completed" | "failed";
  audio_path: string;
  duration: number | null;
  size_bytes: number;
  is_favorited: boolean;
  created_at: string;
};

/** POST /history; asserts 201 and returns `{ generation, upload }`. */
export async function createPending(t: Client, profileId: string, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "Hello there", ...overrides }, headers });
  assert.equal(res.status, 201, `create generation: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { generation: GenerationBody; upload: Upload };
}

/** PUTs `bytes` to a presigned upload URL with the headers it came with; asserts 2xx. */
export async function uploadAudio(upload: Upload, bytes: Uint8Array): Promise<void> {
  const res = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
  const text = await res.text();
  assert.ok(res.ok, `upload to presigned URL: ${res.status} ${text.slice(0, 300)}`);
}

/** Creates a generation, uploads `wav` (default a small WAV) and completes it; asserts 200. */
export async function createCompleted(t: Client, profileId: string, options: { wav?: Uint8Array } & Record<string, unknown> = {}) {
  const { wav, ...overrides } = options;
  const bytes = wav ?? (await smallWav());
  const { generation, upload } = await createPending(t, profileId, overrides);
  await uploadAudio(upload, bytes);
  const res = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
  assert.equal(res.status, 200, `complete: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as GenerationBody;
}

/** POST /history/{id}/fail; asserts 200. */
export async function failGeneration(t: Client, id: string, error = "engine crashed") {
  const res = await t.json(`/history/${id}/fail`, { method: "POST", body: { error } });
  assert.equal(res.status, 200, `fail: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as GenerationBody;
}

/**
 * Asserts the error contract: the status, a JSON Content-Type, the `code`, and a non-empty
 * `detail` string. `detailIncludes` (case-insensitive) checks that the detail names something.
 */
export function assertError(res: JsonResponse, status: number, code: string, detailIncludes?: string | string[]): void {
  const what = `${status} ${code}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 500)}`;
  assert.equal(res.status, status, `status: expected ${what}`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/(problem\+)?json/, `content-type of ${what}`);
  assert.equal(typeof res.body, "object", `JSON body: expected ${what}`);
  assert.equal(res.body?.code, code, `code: expected ${what}`);
  assert.equal(typeof res.body?.detail, "string", `detail: expected ${what}`);
  assert.ok(res.body.detail.trim().length > 0, `detail is empty: ${what}`);
  for (const needle of detailIncludes === undefined ? [] : Array.isArray(detailIncludes) ? detailIncludes : [detailIncludes]) {
    assert.ok(res.body.detail.toLowerCase().includes(needle.toLowerCase()), `detail should name ${JSON.stringify(needle)}: ${res.body.detail}`);
  }
}

/** A list query as URL parameters; a repeated one (`tag`) as a list. */
export type ListQuery = Record<string, string | string[]>;

/**
 * What GET /history answers for `query`, worked out by filtering `all` (every generation, newest
 * first, as the unfiltered list answers them) one field at a time; the text search folds both
 * sides as the API documents (NFC and full Unicode case folding).
 */
export function bruteForceList(all: readonly Record<string, any>[], query: ListQuery): Record<string, any>[] {
  const one = (name: string) => query[name] as string | undefined;
  const tags = ([] as string[]).concat(query.tag ?? []).map((tag) => tag.trim().toLowerCase());
  const matches = all.filter(
    (g) =>
      (one("status") === undefined || g.status === one("status")) &&
      (one("favorites") === undefined || g.is_favorited === (one("favorites") === "true")) &&
      (one("engine") === undefined || g.engine === one("engine")) &&
      (one("language") === undefined || g.language === one("language")) &&
      (one("search") === undefined || foldText(g.text).includes(foldText(one("search")!))) &&
      (one("profile_id") === undefined || g.profile_id === one("profile_id")) &&
      (one("created_after") === undefined || Date.parse(g.created_at) >= Date.parse(one("created_after")!)) &&
      (one("created_before") === undefined || Date.parse(g.created_at) < Date.parse(one("created_before")!)) &&
      tags.every((tag) => g.tags.includes(tag)),
  );
  return query.sort === "asc" ? [...matches].reverse() : matches;
}

/** A random UUIDv7 nobody owns. */
export async function randomId(): Promise<string> {
  const { newId } = await import("@sonna/core/ids");
  return newId();
}

/** Whether the bucket holds `key` (S3 HeadObject through the app's own client). */
export async function objectExists(key: string): Promise<boolean> {
  assertLoopbackEnv();
  const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
  const { s3 } = await import("@sonna/core/storage/client");
  const { bucketName } = await import("@sonna/core/resources");
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/** Every key under `prefix` (ListObjectsV2 through the app's own client, page by page). */
export async function bucketKeys(prefix: string): Promise<string[]> {
  assertLoopbackEnv();
  const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const { s3 } = await import("@sonna/core/storage/client");
  const { bucketName } = await import("@sonna/core/resources");
  const found: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: prefix, ContinuationToken }));
    found.push(...(page.Contents ?? []).map((o) => o.Key!));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return found;
}

/** Every object under the tenant's audio prefix. */
export async function tenantObjects(tenantId: string): Promise<string[]> {
  const { objectKeys } = await import("@sonna/core/storage/keys");
  return bucketKeys(objectKeys.tenantPrefix(tenantId));
}

export interface Usage {
  generations: number;
  duration_ms: number;
  bytes: number;
}

export interface Recount extends Usage {
  favorites: number;
  by_status: { pending: number; completed: number; failed: number };
  by_profile: Record<string, Usage>;
  by_engine: Record<string, { generations: number; duration_ms: number }>;
  by_language: Record<string, { generations: number; duration_ms: number }>;
  /** generations and duration per UTC day of created_at */
  by_day: Record<string, { generations: number; duration_ms: number }>;
  /** how many generations carry each tag */
  by_tag: Record<string, number>;
  items: Record<string, any>[];
  /** The trash: counted apart, its bytes also on the tenant's byte quota. */
  trash: { generations: number; bytes: number };
  trashed: Record<string, any>[];
}

type StoredVersion = { audio_path: string; size_bytes: number; archive?: { state: string; stored_bytes: number } | null };

/** What one audio takes in the bucket: its FLAC's size once archived, else its WAV's. */
const storedBytesOf = (size: number, archive: StoredVersion["archive"]): number => (archive?.state === "flac" ? archive.stored_bytes : size);

/** Audio bytes a generation item stores: the original (size_bytes, or its FLAC's) plus any processed version's audio. */
const bytesOf = (item: Record<string, any>): number => {
  const versions: StoredVersion[] = item.versions ?? [];
  const original = versions.find((v) => v.audio_path === item.audio_path);
  return (
    storedBytesOf(Number(item.size_bytes ?? 0), original?.archive) +
    versions.filter((v) => v.audio_path !== item.audio_path).reduce((sum, v) => sum + storedBytesOf(Number(v.size_bytes ?? 0), v.archive), 0)
  );
};

/** Every item of the tenant's partition whose sort key starts with `prefix`, read consistently. */
async function partitionItems(tenantId: string, prefix: string): Promise<Record<string, any>[]> {
  assertLoopbackEnv();
  const { QueryCommand } = await import("@aws-sdk/lib-dynamodb");
  const { dynamo } = await import("@sonna/core/aws");
  const { tableName } = await import("@sonna/core/resources");
  const { keys } = await import("@sonna/core/table/keys");
  const items: Record<string, any>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenantId), ":prefix": prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Every `GEN#` item of the tenant, read from DynamoDB directly (consistent reads), summed:
 * durations as integer ms, bytes as size_bytes plus any processed version's audio; and every
 * `TRASH#` item, counted apart.
 */
export async function recount(tenantId: string): Promise<Recount> {
  assertLoopbackEnv();
  const { keys } = await import("@sonna/core/table/keys");
  const [items, trashed] = await Promise.all([partitionItems(tenantId, keys.generationPrefix), partitionItems(tenantId, keys.trashPrefix)]);

  const result: Recount = {
    generations: 0,
    duration_ms: 0,
    bytes: 0,
    favorites: 0,
    by_status: { pending: 0, completed: 0, failed: 0 },
    by_profile: {},
    by_engine: {},
    by_language: {},
    by_day: {},
    by_tag: {},
    items,
    trash: { generations: trashed.length, bytes: trashed.reduce((sum, item) => sum + bytesOf(item), 0) },
    trashed,
  };
  for (const item of items) {
    const ms = item.duration == null ? 0 : Math.round(Number(item.duration) * 1000);
    const bytes = bytesOf(item);
    result.generations++;
    result.duration_ms += ms;
    result.bytes += bytes;
    if (item.is_favorited) result.favorites++;
    result.by_status[item.status as keyof Recount["by_status"]]++;
    const profile = (result.by_profile[item.profile_id] ??= { generations: 0, duration_ms: 0, bytes: 0 });
    profile.generations++;
    profile.duration_ms += ms;
    profile.bytes += bytes;
    for (const tag of (item.tags ?? []) as string[]) result.by_tag[tag] = (result.by_tag[tag] ?? 0) + 1;
    for (const [map, value] of [
      [result.by_engine, item.engine],
      [result.by_language, item.language],
      [result.by_day, String(item.created_at).slice(0, 10)],
    ] as const) {
      const entry = (map[value] ??= { generations: 0, duration_ms: 0 });
      entry.generations++;
      entry.duration_ms += ms;
    }
  }
  return result;
}

const ms = (seconds: number) => Math.round(seconds * 1000);

/** GET /history/tags equals a recount of the tags the tenant's generations carry, most used first, then by tag. */
export async function assertTagsMatchRecount(t: Client & { id: string }, counted?: Recount): Promise<{ tag: string; count: number }[]> {
  const res = await t.json("/history/tags");
  assert.equal(res.status, 200, `GET /history/tags: ${res.status} ${JSON.stringify(res.body)}`);
  const expected = Object.entries((counted ?? (await recount(t.id))).by_tag)
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  assert.deepEqual(res.body, { tags: expected }, "tag counts differ from a recount of the tenant's generations");
  return expected;
}

/**
 * GET /history/stats equals a recount of the tenant's generations, counter for counter: the live
 * ones in the totals, the trash apart, and both in the quota's used bytes.
 */
export async function assertStatsMatchRecount(t: Client & { id: string }): Promise<{ stats: any; recount: Recount }> {
  const res = await t.json("/history/stats");
  assert.equal(res.status, 200, `GET /history/stats: ${res.status} ${JSON.stringify(res.body)}`);
  const stats = res.body;
  const counted = await recount(t.id);
  const actual = {
    generations: stats.total_generations,
    duration_ms: ms(stats.total_duration_seconds),
    bytes: stats.total_bytes,
    favorites: stats.favorites,
    by_status: stats.generations_by_status,
    by_profile: Object.fromEntries(
      Object.entries(stats.profiles as Record<string, { generations: number; duration_seconds: number; bytes: number }>).map(([id, u]) => [
        id,
        { generations: u.generations, duration_ms: ms(u.duration_seconds), bytes: u.bytes },
      ]),
    ),
    generations_by_profile: stats.generations_by_profile,
    trash: stats.trash,
    used_bytes: stats.quota.used_bytes,
  };
  const expected = {
    generations: counted.generations,
    duration_ms: counted.duration_ms,
    bytes: counted.bytes,
    favorites: counted.favorites,
    by_status: counted.by_status,
    by_profile: counted.by_profile,
    generations_by_profile: Object.fromEntries(Object.entries(counted.by_profile).map(([id, u]) => [id, u.generations])),
    trash: counted.trash,
    used_bytes: counted.bytes + counted.trash.bytes,
  };
  assert.deepEqual(actual, expected, "stats differ from a recount of the tenant's generations");
  // The exact sum in seconds, not just to the millisecond after rounding.
  assert.equal(stats.total_duration_seconds, counted.duration_ms / 1000, "total_duration_seconds is not the exact sum of millisecond durations");

  // Breakdowns added later (by engine, by language, per day): checked where the API reports them.
  const breakdown = (b: Record<string, { generations: number; duration_seconds: number }>) =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, { generations: v.generations, duration_ms: ms(v.duration_seconds) }]));
  if (stats.by_engine !== undefined) assert.deepEqual(breakdown(stats.by_engine), counted.by_engine, "by_engine differs from a recount");
  if (stats.by_language !== undefined) assert.deepEqual(breakdown(stats.by_language), counted.by_language, "by_language differs from a recount");
  if (Array.isArray(stats.generations_per_day)) {
    const reported = Object.fromEntries(
      (stats.generations_per_day as { day: string; generations: number; duration_seconds: number }[])
        .filter((d) => d.generations !== 0 || d.duration_seconds !== 0)
        .map((d) => [d.day, { generations: d.generations, duration_ms: ms(d.duration_seconds) }]),
    );
    const days = new Set((stats.generations_per_day as { day: string }[]).map((d) => d.day));
    const expectedDays = Object.fromEntries(Object.entries(counted.by_day).filter(([day]) => days.has(day)));
    assert.deepEqual(reported, expectedDays, "generations_per_day differs from a recount");
  }
  await assertTagsMatchRecount(t, counted);
  return { stats, recount: counted };
}

/**
 * The invariants every reliability scenario ends on: stats equal a recount, no completed
 * generation or version points at missing audio, and (unless `orphansAllowed`) every object under
 * the tenant's prefix belongs to a record (a pending one's upload counts). Keys come from the
 * records and the bucket listing, never from how uploads are named.
 */
export async function assertConsistent(t: Client & { id: string }, { orphansAllowed = false } = {}) {
  const { stats, recount: counted } = await assertStatsMatchRecount(t);
  const owned = new Set<string>();
  const missing: string[] = [];
  await inParallel([...counted.items, ...counted.trashed], 16, async (item) => {
    const audio: { audio_path: string; status: string; id: string }[] = [item as any, ...(item.versions ?? [])];
    for (const a of audio) {
      owned.add(a.audio_path);
      if (a.status === "completed" && !(await objectExists(a.audio_path))) missing.push(`${item.id}/${a.id} ${a.audio_path}`);
    }
  });
  assert.deepEqual(missing, [], "records point at audio that is not in the bucket");
  const objects = await tenantObjects(t.id);
  const orphans = objects.filter((key) => !owned.has(key));
  if (!orphansAllowed) assert.deepEqual(orphans, [], "objects under the tenant's prefix that no record owns");
  return { stats, recount: counted, objects, orphans, missing };
}

/** Stats of a tenant that has never had a generation. */
export function assertZeroStats(stats: any): void {
  assert.equal(stats.total_generations, 0);
  assert.equal(stats.total_duration_seconds, 0);
  assert.equal(stats.total_bytes, 0);
  assert.equal(stats.favorites, 0);
  assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 0, failed: 0 });
  assert.deepEqual(stats.generations_by_profile, {});
  assert.deepEqual(stats.profiles, {});
  if (stats.by_engine !== undefined) assert.deepEqual(stats.by_engine, {});
  if (stats.by_language !== undefined) assert.deepEqual(stats.by_language, {});
  if (stats.generations_per_day !== undefined) {
    for (const day of stats.generations_per_day) {
      assert.equal(day.generations, 0);
      assert.equal(day.duration_seconds, 0);
    }
  }
}

/** Stats as the API reports them, asserting 200. */
export async function getStats(t: Client) {
  const res = await t.json("/history/stats");
  assert.equal(res.status, 200, `GET /history/stats: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Runs `fn` over `items` with at most `width` in flight; results in input order. */
export async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** Polls GET /jobs/{id} until the job has finished; asserts it succeeded and returns it. */
export async function waitForJob(t: Client, jobId: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.json(`/jobs/${jobId}`);
    assert.equal(res.status, 200, `GET /jobs/${jobId}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.status === "succeeded") return res.body;
    assert.notEqual(res.body.status, "failed", `job ${jobId} failed: ${JSON.stringify(res.body)}`);
    assert.ok(Date.now() < deadline, `job ${jobId} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

/** PUT /settings; asserts 200 and returns the settings. */
export async function putSettings(t: Client, settings: Record<string, unknown>) {
  const res = await t.json("/settings", { method: "PUT", body: settings });
  assert.equal(res.status, 200, `PUT /settings: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A tenant's job records, read from DynamoDB directly. */
export async function jobsOf(tenantId: string): Promise<JobItem[]> {
  return (await partitionItems(tenantId, "JOB#")) as JobItem[];
}

export interface Old {
  id: string;
  audio_path: string;
  version_audio?: string;
}

/**
 * A generation created `ageDays` ago: the item createGeneration would have stored then (its id
 * carries that time), written with the same transaction (profile check, then the generation's
 * writes and change-log entries from generationTransaction), then given audio, a processed version or the favorite flag
 * through the API.
 */
export async function oldGeneration(
  t: Client & { id: string },
  profileId: string,
  ageDays: number,
  options: { audio?: boolean; version?: boolean; favorite?: boolean; failed?: boolean } = {},
): Promise<Old> {
  assertLoopbackEnv();
  const { newGenerationItem, profileMustExist } = await import("@sonna/core/generations/create");
  const { generationTransaction } = await import("@sonna/core/generations/writes");
  const { presignUpload } = await import("@sonna/core/storage/presign");
  const { transactWithChanges } = await import("@sonna/core/changes/log");
  const item = newGenerationItem(t.id, { profile_id: profileId, text: `from ${ageDays} days ago` }, Date.now() - ageDays * 86_400_000);
  const { items, changes } = generationTransaction(t.id, [{ before: null, after: item }]);
  await transactWithChanges(t.id, [profileMustExist(t.id, profileId), ...items], changes);
  const old: Old = { id: item.id, audio_path: item.audio_path };
  if (options.audio || options.version) {
    await uploadAudio(await presignUpload(item.audio_path), await smallWav());
    const res = await t.json(`/history/${item.id}/complete`, { method: "POST" });
    assert.equal(res.status, 200, `complete: ${res.status} ${JSON.stringify(res.body)}`);
    old.audio_path = res.body.audio_path;
  }
  if (options.version) {
    const res = await t.json(`/history/${item.id}/versions`, { method: "POST", body: { label: "bright", effects_chain: [] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await uploadAudio(res.body.upload, await smallWav(2_000));
    const done = await t.json(`/history/${item.id}/versions/${res.body.version.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200);
    old.version_audio = done.body.versions.find((v: { id: string }) => v.id === res.body.version.id).audio_path;
  }
  if (options.favorite) assert.equal((await t.json(`/history/${item.id}/favorite`, { method: "PUT" })).status, 200);
  if (options.failed) await failGeneration(t, item.id, "engine crashed");
  return old;
}

/** Writes `bytes` at `key` straight into the bucket (PutObject through the app's own client). */
export async function putObjectBytes(key: string, bytes: Uint8Array): Promise<void> {
  assertLoopbackEnv();
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  const { s3 } = await import("@sonna/core/storage/client");
  const { bucketName } = await import("@sonna/core/resources");
  await s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: bytes }));
}
