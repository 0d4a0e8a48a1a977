// The trash: with trash_days above 0 every delete path moves generations to the trash (audio
// kept, counted on the tenant only); the trash lists, restores exactly, purges one or all, and the
// daily sweep purges what is due. With trash_days 0 deletes stay final. Stats equal a recount
// throughout, concurrency included.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { mutateGeneration } from "@sonna/core/generations/repo";
import { requestReconcile, requestRetention } from "@sonna/core/maintenance/jobs";
import { runSweeps } from "@sonna/core/maintenance/sweeps";
import { bucketName, tableName } from "@sonna/core/resources";
import { s3 } from "@sonna/core/storage/client";
import { keys } from "@sonna/core/table/keys";
import { purgeTrash } from "@sonna/core/trash/purge";
import { onUploadLanded } from "@sonna/core/uploads/landed";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import {
  assertConsistent,
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  inParallel,
  jobsOf,
  objectExists,
  oldGeneration,
  putSettings,
  randomId,
  recount,
  smallWav,
  tenantWithProfile,
  uploadAudio,
  waitForJob,
  type GenerationBody,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const DAY_MS = 86_400_000;

/** A fresh tenant with one profile and the given trash_days. */
async function setup(trashDays: number) {
  const made = await tenantWithProfile(api);
  await putSettings(made.t, { trash_days: trashDays });
  return made;
}

/** GET /history/trash with `query`; asserts 200. */
async function trashPage(t: Tenant, query = "") {
  const res = await t.json(`/history/trash${query}`);
  assert.equal(res.status, 200, `GET /history/trash${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { items: (GenerationBody & { deleted_at: string; purge_at: string })[]; next_cursor: string | null };
}

const trashIds = async (t: Tenant) => (await trashPage(t, "?limit=200")).items.map((g) => g.id).sort();

/** GET /history/{id}: the body, or null on 404. */
async function live(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  if (res.status === 404) return null;
  assert.equal(res.status, 200, `GET /history/${id}: ${res.status}`);
  return res.body;
}

async function deleteOne(t: Tenant, id: string) {
  const res = await t.request(`/history/${id}`, { method: "DELETE" });
  assert.equal(res.status, 204, `DELETE /history/${id}: ${res.status}`);
}

async function bulkDelete(t: Tenant, body: unknown) {
  const res = await t.json("/history/delete", { method: "POST", body });
  assert.equal(res.status, 202, `POST /history/delete: ${res.status} ${JSON.stringify(res.body)}`);
  return (await waitForJob(t, res.body.id)).result;
}

async function deleteFailed(t: Tenant) {
  const res = await t.json("/history/failed", { method: "DELETE" });
  assert.equal(res.status, 200, `DELETE /history/failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.deleted as number;
}

async function restore(t: Tenant, id: string, body?: unknown) {
  return t.json(`/history/trash/${id}/restore`, { method: "POST", ...(body === undefined ? {} : { body }) });
}

/** DELETE /history/trash; asserts 202 with a trash.purge job and returns its finished record. */
async function emptyTrash(t: Tenant) {
  const res = await t.json("/history/trash", { method: "DELETE" });
  assert.equal(res.status, 202, `DELETE /history/trash: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.type, "trash.purge");
  assert.equal(res.headers.get("location"), `/jobs/${res.body.id}`);
  return waitForJob(t, res.body.id);
}

/** The detail without its presigned URL (which is signed anew on every read). */
const withoutUrl = ({ audio_url: _url, audio_url_expires_at: _expires, ...rest }: Record<string, any>) => rest;

async function tableItem(key: { pk: string; sk: string }) {
  return (await dynamo.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;
}

/** The tenant's purge schedule entries (what the sweep reads). */
async function purgeSchedule(tenantId: string) {
  const { Items } = await dynamo.send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.purgePartition(tenantId) } }),
  );
  return (Items ?? []).map((item) => item.id as string).sort();
}

/** Every path that deletes, applied to one fresh generation each (retention to one 40 days old). */
async function deleteByEveryPath(t: Tenant, profileId: string) {
  const single = await createCompleted(t, profileId);
  const byId = await createCompleted(t, profileId);
  const byFilter = await createCompleted(t, profileId, { text: "filter me out" });
  const failed = await failGeneration(t, (await createPending(t, profileId)).generation.id);
  const old = await oldGeneration(t, profileId, 40, { audio: true });
  const kept = await createCompleted(t, profileId);
  await deleteOne(t, single.id);
  assert.deepEqual(await bulkDelete(t, { ids: [byId.id] }), { deleted: 1 });
  assert.deepEqual(await bulkDelete(t, { filter: { search: "filter me" } }), { deleted: 1 });
  assert.equal(await deleteFailed(t), 1);
  await putSettings(t, { ...(await t.json("/settings")).body, retention_days: 30 });
  const job = await requestRetention(t.id);
  assert.equal((await waitForJob(t, job.id)).result.deleted, 1);
  return { gone: [single, byId, byFilter, failed, { id: old.id, audio_path: old.audio_path }], failedId: failed.id, kept };
}

describe("settings", () => {
  test("trash_days defaults to 0, takes 0 to 90, and refuses anything else", async () => {
    const t = await tenant(api);
    assert.equal((await t.json("/settings")).body.trash_days, 0);
    for (const days of [0, 1, 90]) assert.equal((await putSettings(t, { trash_days: days })).trash_days, days);
    assert.equal((await t.json("/settings")).body.trash_days, 90);
    for (const bad of [-1, 91, 1.5, "3", null, true]) {
      assertError(await t.json("/settings", { method: "PUT", body: { trash_days: bad } }), 400, "request.invalid", "trash_days");
    }
    assert.equal((await t.json("/settings")).body.trash_days, 90, "a refused PUT changes nothing");
    // Left out, it takes its default again, like every other field.
    assert.equal((await putSettings(t, {})).trash_days, 0);
  });
});

describe("deleting", () => {
  test("with trash_days 0 every delete path is final: records and audio go, the trash stays empty", async () => {
    const { t, profileId } = await setup(0);
    const { gone, kept } = await deleteByEveryPath(t, profileId);
    for (const g of gone) {
      assert.equal(await live(t, g.id), null);
      assert.equal(await objectExists(g.audio_path), false, `${g.audio_path} should be deleted`);
      assert.equal((await restore(t, g.id)).status, 404);
    }
    assert.deepEqual(await trashIds(t), []);
    assert.deepEqual(await purgeSchedule(t.id), []);
    assert.ok(await live(t, kept.id));
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.trash, { generations: 0, bytes: 0 });
  });

  test("with trash_days above 0 every delete path moves to the trash: gone from the history, audio kept, counted apart", async () => {
    const { t, profileId } = await setup(7);
    const before = Date.now();
    const { gone, failedId, kept } = await deleteByEveryPath(t, profileId);
    const ids = gone.map((g) => g.id).sort();
    assert.deepEqual(await trashIds(t), ids);
    for (const g of gone) {
      assertError(await t.json(`/history/${g.id}`), 404, "generation.not_found");
      // A failed generation has no audio (failing it deleted its upload); every other keeps its own.
      if (g.id !== failedId) assert.equal(await objectExists(g.audio_path), true, `${g.audio_path} stays in the bucket`);
    }
    const listed = await t.json("/history?limit=200");
    assert.deepEqual(listed.body.items.map((g: GenerationBody) => g.id), [kept.id]);
    assert.equal(listed.body.total, 1);
    assert.deepEqual((await t.json("/history?search=filter")).body.items, []);
    assert.equal((await t.json("/history?status=failed")).body.total, 0);
    for (const item of (await trashPage(t)).items) {
      assert.ok(Date.parse(item.deleted_at) >= before - 1000 && Date.parse(item.deleted_at) <= Date.now());
      assert.equal(Date.parse(item.purge_at) - Date.parse(item.deleted_at), 7 * DAY_MS);
    }
    assert.deepEqual(await purgeSchedule(t.id), ids);

    const { stats, recount: counted } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
    assert.equal(stats.total_bytes, kept.size_bytes);
    assert.equal(stats.trash.generations, 5);
    assert.equal(stats.trash.bytes, counted.trash.bytes);
    assert.ok(stats.trash.bytes > 0);
    assert.equal(stats.quota.used_bytes, kept.size_bytes + stats.trash.bytes, "the trash still counts against quota_bytes");
    // Nothing is left to delete: the same deletes again find nothing.
    assert.equal(await deleteFailed(t), 0);
    assertError(await t.json(`/history/${gone[0]!.id}`, { method: "DELETE" }), 404, "generation.not_found");
  });

  test("a bulk delete of more than fits one transaction trashes every generation once", async () => {
    const { t, profileId } = await setup(3);
    const many = await inParallel(Array.from({ length: 60 }, (_, i) => i), 8, (i) => createPending(t, profileId, { text: `line ${i}` }));
    assert.deepEqual(await bulkDelete(t, { filter: { search: "line" } }), { deleted: 60 });
    assert.equal((await trashIds(t)).length, 60);
    assert.deepEqual(await trashIds(t), many.map((m) => m.generation.id).sort());
    await assertStatsMatchRecount(t);
  });

  test("a profile delete purges its generations, never trashing them; what was already in the trash stays there", async () => {
    const { t, profileId } = await setup(7);
    const trashed = await createCompleted(t, profileId);
    await deleteOne(t, trashed.id);
    const liveOnes = [await createCompleted(t, profileId), await createCompleted(t, profileId)];
    const res = await t.json(`/profiles/${profileId}`, { method: "DELETE" });
    assert.equal(res.status, 202);
    assert.equal((await waitForJob(t, res.body.id)).result.deleted_generations, 2);
    for (const g of liveOnes) assert.equal(await objectExists(g.audio_path), false);
    assert.deepEqual(await trashIds(t), [trashed.id]);
    assert.equal(await objectExists(trashed.audio_path), true);
    await assertConsistent(t);
  });
});

describe("listing the trash", () => {
  test("newest-deleted first with deleted_at and purge_at, paged by cursor without repeats", async () => {
    const { t, profileId } = await setup(30);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createCompleted(t, profileId, { text: `clip ${i}` }));
    // Deleted in an order other than creation's; a millisecond apart at least, so the order is strict.
    const order = [made[2]!, made[0]!, made[4]!, made[1]!, made[3]!];
    for (const g of order) {
      await deleteOne(t, g.id);
      await sleep(2);
    }
    const whole = await trashPage(t);
    assert.deepEqual(whole.items.map((g) => g.id), order.map((g) => g.id).reverse());
    assert.equal(whole.next_cursor, null);
    const first = whole.items[0]!;
    const original = made[3]!;
    for (const field of ["id", "profile_id", "text", "audio_path", "size_bytes", "versions", "created_at", "updated_at"] as const) {
      assert.deepEqual(first[field], original[field], `trash shows ${field} as it was`);
    }

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await trashPage(t, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.ok(page.items.length <= 2);
      paged.push(...page.items.map((g) => g.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(paged, whole.items.map((g) => g.id));
  });

  test("an empty trash, bad limits and foreign or forged cursors", async () => {
    const { t, profileId } = await setup(5);
    assert.deepEqual(await trashPage(t), { items: [], next_cursor: null });
    for (const limit of ["0", "201", "abc", "1.5"]) assertError(await t.json(`/history/trash?limit=${limit}`), 400, "request.invalid", "limit");
    for (const cursor of ["garbage", Buffer.from(JSON.stringify({ d: "yesterday", id: "x" })).toString("base64url")]) {
      assertError(await t.json(`/history/trash?cursor=${cursor}`), 400, "request.invalid_cursor");
    }
    // A cursor of the history list is not one of the trash.
    for (let i = 0; i < 2; i++) await createCompleted(t, profileId);
    const listCursor = (await t.json("/history?limit=1")).body.next_cursor;
    assertError(await t.json(`/history/trash?cursor=${listCursor}`), 400, "request.invalid_cursor");
    // Another tenant's trash is out of reach, and its cursor pages only the caller's own trash.
    const other = await setup(5);
    const theirs = await createCompleted(other.t, other.profileId);
    await deleteOne(other.t, theirs.id);
    await createCompleted(other.t, other.profileId).then((g) => deleteOne(other.t, g.id));
    const theirCursor = (await trashPage(other.t, "?limit=1")).next_cursor!;
    assert.deepEqual(await trashPage(t), { items: [], next_cursor: null });
    assert.deepEqual((await trashPage(t, `?cursor=${theirCursor}`)).items, []);
  });
});

describe("restoring", () => {
  test("brings a generation back exactly as it was: fields, versions, favorite, tags, note, audio bytes, stats", async () => {
    const { t, profileId } = await setup(10);
    const old = await oldGeneration(t, profileId, 0, { version: true, favorite: true });
    // Tags and note as the item holds them (their API belongs to another part of the issue).
    await mutateGeneration(t.id, old.id, (item) => ({ kind: "put", item: { ...item, tags: ["calm", "intro"], note: "take two" } }));
    const snapshot = await live(t, old.id);
    assert.equal(snapshot.is_favorited, true);
    const served = new Uint8Array(await (await fetch(snapshot.audio_url)).arrayBuffer());
    const statsBefore = (await assertStatsMatchRecount(t)).stats;
    assert.equal((await tableItem(keys.tagStats(t.id, "calm")))?.count, 1);

    await deleteOne(t, old.id);
    assert.equal((await tableItem(keys.tagStats(t.id, "calm")))?.count, 0, "tag counts leave with the generation");
    assert.equal(await tableItem(keys.taggedGeneration(t.id, "calm", old.id)), undefined);
    const trashedStats = (await assertStatsMatchRecount(t)).stats;
    assert.equal(trashedStats.total_generations, 0);
    assert.equal(trashedStats.favorites, 0);
    assert.deepEqual(trashedStats.profiles, {});
    assert.equal(trashedStats.quota.used_bytes, statsBefore.quota.used_bytes);

    const res = await restore(t, old.id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(withoutUrl(res.body), withoutUrl(snapshot));
    assert.deepEqual(withoutUrl(await live(t, old.id)), withoutUrl(snapshot));
    const again = new Uint8Array(await (await fetch(res.body.audio_url)).arrayBuffer());
    assert.ok(Buffer.from(again).equals(Buffer.from(served)), "the restored audio is the same bytes");
    assert.equal(await objectExists(old.version_audio!), true);
    assert.equal((await tableItem(keys.tagStats(t.id, "calm")))?.count, 1);
    assert.ok(await tableItem(keys.taggedGeneration(t.id, "intro", old.id)));
    assert.deepEqual(await trashIds(t), []);
    assert.deepEqual(await purgeSchedule(t.id), []);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual({ ...stats, generations_per_day: null }, { ...statsBefore, generations_per_day: null });
    // Restored, it is an ordinary generation again: it lists, and deletes into the trash again.
    assert.deepEqual((await t.json("/history")).body.items.map((g: GenerationBody) => g.id), [old.id]);
    await deleteOne(t, old.id);
    assert.deepEqual(await trashIds(t), [old.id]);
    await assertConsistent(t);
  });

  test("its profile gone: 409 profile.missing, unless the body names a profile that exists", async () => {
    const { t, profileId } = await setup(10);
    const g = await createCompleted(t, profileId);
    await deleteOne(t, g.id);
    const gone = await t.json(`/profiles/${profileId}`, { method: "DELETE" });
    await waitForJob(t, gone.body.id);

    assertError(await restore(t, g.id), 409, "profile.missing", "profile_id");
    assertError(await restore(t, g.id, {}), 409, "profile.missing");
    assertError(await restore(t, g.id, { profile_id: await randomId() }), 404, "profile.not_found");
    assertError(await restore(t, g.id, { profile_id: "not-an-id" }), 404, "profile.not_found");
    const other = await setup(0);
    assertError(await restore(t, g.id, { profile_id: other.profileId }), 404, "profile.not_found", other.profileId);
    for (const body of [{ profile_id: 5 }, { profile_id: "" }, { profile: "x" }]) {
      assertError(await restore(t, g.id, body), 400, "request.invalid");
    }
    assert.deepEqual(await trashIds(t), [g.id], "refused restores leave it in the trash");

    const next = await createProfile(t, "Second voice");
    const res = await restore(t, g.id, { profile_id: next.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.profile_id, next.id);
    assert.equal(res.body.profile_name, "Second voice");
    assert.equal(res.body.audio_path, g.audio_path);
    assert.deepEqual((await t.json(`/history?profile_id=${next.id}`)).body.items.map((x: GenerationBody) => x.id), [g.id]);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.profiles[next.id].bytes, g.size_bytes);
  });

  test("audio uploaded while a pending generation is in the trash is kept, and completes it once restored", async () => {
    const { t, profileId } = await setup(10);
    const { generation, upload } = await createPending(t, profileId);
    await deleteOne(t, generation.id);
    await uploadAudio(upload, await smallWav());
    // The upload's notification, as S3 would send it: the generation is not live, but not gone either.
    assert.equal((await onUploadLanded(generation.audio_path)).outcome, "refused");
    assert.equal(await objectExists(generation.audio_path), true);
    assert.equal((await restore(t, generation.id)).status, 200);
    const done = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, "completed");
    await assertStatsMatchRecount(t);
  });

  test("a named profile_id moves it into that profile even when its own still exists", async () => {
    const { t, profileId } = await setup(10);
    const target = await createProfile(t);
    const g = await createCompleted(t, profileId);
    await deleteOne(t, g.id);
    const res = await restore(t, g.id, { profile_id: target.id });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile_id, target.id);
    assert.equal((await t.json(`/history?profile_id=${profileId}`)).body.total, 0);
    await assertStatsMatchRecount(t);
  });

  test("a profile byte quota with no room refuses the restore with 409 quota.exceeded", async () => {
    const { t, profileId } = await setup(10);
    const g = await createCompleted(t, profileId);
    await deleteOne(t, g.id);
    await putSettings(t, { trash_days: 10, profile_quota_bytes: g.size_bytes - 1 });
    const refused = await restore(t, g.id);
    assertError(refused, 409, "quota.exceeded");
    assert.equal(refused.body.quota, "profile_quota_bytes");
    assert.deepEqual(await trashIds(t), [g.id]);
    await assertStatsMatchRecount(t);
    await putSettings(t, { trash_days: 10, profile_quota_bytes: g.size_bytes });
    assert.equal((await restore(t, g.id)).status, 200);
    await assertStatsMatchRecount(t);
  });

  test("unknown, live, junk and another tenant's ids are 404", async () => {
    const { t, profileId } = await setup(10);
    const other = await setup(10);
    const theirs = await createCompleted(other.t, other.profileId);
    await deleteOne(other.t, theirs.id);
    const mine = await createCompleted(t, profileId);
    for (const id of [await randomId(), mine.id, theirs.id, "not-an-id"]) {
      assertError(await restore(t, id), 404, "generation.not_found");
      assertError(await t.json(`/history/trash/${id}`, { method: "DELETE" }), 404, "generation.not_found");
    }
    assert.deepEqual(await trashIds(other.t), [theirs.id], "the other tenant's trash is untouched");
    assert.equal(await objectExists(theirs.audio_path), true);
    assert.ok(await live(t, mine.id));
  });

  test("a retried create whose generation is in the trash says so", async () => {
    const { t, profileId } = await setup(10);
    const headers = { "Idempotency-Key": `trash-${await randomId()}` };
    const { generation } = await createPending(t, profileId, {}, headers);
    await deleteOne(t, generation.id);
    const res = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "Hello there" }, headers });
    assertError(res, 409, "request.idempotency_target_deleted", ["trash", generation.id]);
  });
});

describe("purging", () => {
  test("DELETE /history/trash/{id} purges one, record then audio; a second purge is 404", async () => {
    const { t, profileId } = await setup(10);
    const [a, b] = [await createCompleted(t, profileId), await createCompleted(t, profileId)];
    await deleteOne(t, a.id);
    await deleteOne(t, b.id);
    const res = await t.request(`/history/trash/${a.id}`, { method: "DELETE" });
    assert.equal(res.status, 204);
    assert.equal(await objectExists(a.audio_path), false);
    assert.equal(await objectExists(b.audio_path), true);
    assert.deepEqual(await trashIds(t), [b.id]);
    assert.deepEqual(await purgeSchedule(t.id), [b.id]);
    assertError(await t.json(`/history/trash/${a.id}`, { method: "DELETE" }), 404, "generation.not_found");
    assertError(await restore(t, a.id), 404, "generation.not_found");
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.trash, { generations: 1, bytes: b.size_bytes });
  });

  test("DELETE /history/trash empties it as a job; what is deleted after the request stays", async () => {
    const { t, profileId } = await setup(10);
    const withVersion = await oldGeneration(t, profileId, 0, { version: true });
    const plain = await createCompleted(t, profileId);
    const pending = (await createPending(t, profileId)).generation;
    for (const id of [withVersion.id, plain.id, pending.id]) await deleteOne(t, id);
    const keep = await createCompleted(t, profileId);
    const job = await emptyTrash(t);
    assert.deepEqual(job.result, { purged: 3 });
    for (const key of [withVersion.audio_path, withVersion.version_audio!, plain.audio_path]) assert.equal(await objectExists(key), false, key);
    assert.deepEqual(await trashIds(t), []);
    assert.deepEqual(await purgeSchedule(t.id), []);
    assert.ok(await live(t, keep.id));
    let { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.trash, { generations: 0, bytes: 0 });
    assert.equal(stats.quota.used_bytes, keep.size_bytes);
    assert.deepEqual((await emptyTrash(t)).result, { purged: 0 }, "an empty trash purges nothing");

    // The scope is the request's instant: a generation deleted later is not purged by it.
    const early = await createCompleted(t, profileId);
    await deleteOne(t, early.id);
    const cutoff = (await trashPage(t)).items[0]!.deleted_at;
    await sleep(2);
    await deleteOne(t, keep.id);
    assert.equal(await purgeTrash(t.id, { deleted_up_to: cutoff }), 1);
    assert.deepEqual(await trashIds(t), [keep.id]);
    ({ stats } = await assertStatsMatchRecount(t));
    assert.deepEqual(stats.trash, { generations: 1, bytes: keep.size_bytes });
  });

  test("the daily sweep purges what passed purge_at, and only that", async () => {
    const { t, profileId } = await setup(1);
    const soon = [await createCompleted(t, profileId), await createCompleted(t, profileId)];
    for (const g of soon) await deleteOne(t, g.id);
    await putSettings(t, { trash_days: 30 });
    const later = await createCompleted(t, profileId);
    await deleteOne(t, later.id);
    const only = (id: string) => id === t.id;

    // Nothing is due yet: no purge job.
    assert.equal((await runSweeps({ tenants: only })).trash_jobs, 0);
    assert.equal((await jobsOf(t.id)).filter((j) => j.type === "trash.purge").length, 0);

    // Two days on, the 1-day ones are due, the 30-day one is not.
    const result = await runSweeps({ tenants: only, now: Date.now() + 2 * DAY_MS });
    assert.equal(result.trash_jobs, 1);
    assert.equal(result.errors, 0);
    for (const job of await jobsOf(t.id)) await waitForJob(t, job.id);
    const purge = (await jobsOf(t.id)).find((j) => j.type === "trash.purge")!;
    assert.deepEqual(purge.result, { purged: 2 });
    for (const g of soon) assert.equal(await objectExists(g.audio_path), false);
    assert.deepEqual(await trashIds(t), [later.id]);
    assert.equal(await objectExists(later.audio_path), true);
    await assertConsistent(t);
  });
});

describe("reconcile and the trash", () => {
  test("trashed audio is owned, never an orphan; trashed audio that vanished is repaired in the trash", async () => {
    const { t, profileId } = await setup(10);
    const kept = await oldGeneration(t, profileId, 0, { version: true });
    const broken = await createCompleted(t, profileId);
    for (const id of [kept.id, broken.id]) await deleteOne(t, id);
    await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: broken.audio_path }));

    const job = await requestReconcile(t.id, { minAgeMs: 0 });
    const { result } = await waitForJob(t, job.id);
    assert.equal(result.orphans_deleted, 0);
    assert.equal(result.missing_audio, 1);
    assert.equal(result.examined_generations, 2);
    for (const key of [kept.audio_path, kept.version_audio!]) assert.equal(await objectExists(key), true, key);
    const repaired = (await trashPage(t)).items.find((g) => g.id === broken.id)!;
    assert.equal(repaired.status, "failed");
    assert.equal(repaired.size_bytes, 0);
    await assertConsistent(t);
  });
});

describe("under concurrency", () => {
  test("trash, restore, purge, delete, favorite and complete racing on the same and different generations keep stats equal to a recount", { timeout: 120_000 }, async () => {
    const { t, profileId } = await setup(5);
    const completed = await inParallel(Array.from({ length: 8 }, (_, i) => i), 4, () => createCompleted(t, profileId));
    const pending = await inParallel(Array.from({ length: 4 }, (_, i) => i), 4, async () => {
      const { generation, upload } = await createPending(t, profileId);
      await uploadAudio(upload, await smallWav(3_000));
      return generation;
    });
    for (const g of completed.slice(0, 4)) await deleteOne(t, g.id);
    const ids = [...completed, ...pending].map((g) => g.id);
    const operations = [
      (id: string) => t.request(`/history/${id}`, { method: "DELETE" }),
      (id: string) => t.request(`/history/trash/${id}/restore`, { method: "POST" }),
      (id: string) => t.request(`/history/trash/${id}`, { method: "DELETE" }),
      (id: string) => t.request(`/history/${id}/complete`, { method: "POST" }),
      (id: string) => t.request(`/history/${id}/favorite`, { method: "POST" }),
    ];
    const plan = Array.from({ length: 120 }, (_, i) => ({ id: ids[(i * 7) % ids.length]!, op: operations[(i * 3 + Math.floor(i / 5)) % operations.length]! }));
    const statuses = await inParallel(plan, 12, async ({ id, op }) => {
      const res = await op(id);
      await res.arrayBuffer();
      return res.status;
    });
    for (const status of statuses) assert.ok([200, 204, 404, 409].includes(status), `unexpected ${status}`);
    const { recount: counted } = await assertConsistent(t);
    // Every generation is in exactly one place: live, in the trash, or purged.
    const liveIds = new Set(counted.items.map((g) => g.id));
    for (const g of counted.trashed) assert.equal(liveIds.has(g.id), false, `${g.id} both live and trashed`);
    assert.equal((await recount(t.id)).trash.generations, (await trashIds(t)).length);
  });
});
