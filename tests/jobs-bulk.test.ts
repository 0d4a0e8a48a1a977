// POST /history/delete: bulk deletes over a filter and over ids, run as history.delete jobs, with
// stats held against a recount and other tenants' generations out of reach. POST /history/exports
// over ids: what it reports about the ids it could not export.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  objectExists,
  randomId,
  waitForJob,
  type GenerationBody,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

/** POST /history/delete; asserts 202 with the job and its Location, and waits for it to succeed. */
async function bulkDelete(t: Tenant, body: unknown) {
  const res = await t.json("/history/delete", { method: "POST", body });
  assert.equal(res.status, 202, `POST /history/delete: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.type, "history.delete");
  assert.equal(res.headers.get("location"), `/jobs/${res.body.id}`);
  return waitForJob(t, res.body.id);
}

async function exists(t: Tenant, g: GenerationBody): Promise<boolean> {
  const res = await t.json(`/history/${g.id}`);
  if (res.status === 404) return false;
  assert.equal(res.status, 200, `GET /history/${g.id}: ${res.status}`);
  return true;
}

describe("POST /history/delete", () => {
  test("over a filter: exactly the matches go, with their audio; the rest and the stats stay exact", async () => {
    const t = await tenant(api);
    const [narrator, singer] = [await createProfile(t), await createProfile(t)];
    const doomed = [
      await createCompleted(t, narrator.id, { engine: "qwen" }),
      await createCompleted(t, narrator.id, { engine: "qwen", text: "Second line" }),
    ];
    const kept = [
      await createCompleted(t, narrator.id, { engine: "kokoro" }), // other engine
      await createCompleted(t, singer.id, { engine: "qwen" }), // other profile
      (await createPending(t, narrator.id, { engine: "qwen" })).generation, // other status
    ];
    const favorite = await createCompleted(t, narrator.id, { engine: "qwen" });
    assert.equal((await t.json(`/history/${favorite.id}/favorite`, { method: "PUT" })).status, 200);
    doomed.push(favorite);
    await assertStatsMatchRecount(t);

    const job = await bulkDelete(t, { filter: { profile_id: narrator.id, status: "completed", engine: "qwen" } });
    assert.deepEqual(job.result, { deleted: 3 });
    for (const g of doomed) {
      assert.equal(await exists(t, g), false, `${g.id} should be gone`);
      assert.equal(await objectExists(g.audio_path), false, `${g.audio_path} should be gone`);
    }
    for (const g of kept) assert.equal(await exists(t, g), true, `${g.id} should be kept`);
    assert.equal(await objectExists(kept[0]!.audio_path), true);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 3);
    assert.equal(stats.favorites, 0);

    // The same filter again finds nothing: deleting is idempotent.
    assert.deepEqual((await bulkDelete(t, { filter: { profile_id: narrator.id, status: "completed", engine: "qwen" } })).result, { deleted: 0 });
  });

  test("over a filter with favorites and a search", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const a = await createCompleted(t, p.id, { text: "Chapter one: the harbour" });
    const b = await createCompleted(t, p.id, { text: "Chapter two: the harbour at night" });
    const c = await createCompleted(t, p.id, { text: "Epilogue" });
    for (const g of [a, c]) assert.equal((await t.json(`/history/${g.id}/favorite`, { method: "PUT" })).status, 200);
    const failed = await failGeneration(t, (await createPending(t, p.id, { text: "HARBOUR draft" })).generation.id);

    assert.deepEqual((await bulkDelete(t, { filter: { favorites: true, search: "harbour" } })).result, { deleted: 1 });
    assert.deepEqual([await exists(t, a), await exists(t, b), await exists(t, c), await exists(t, failed)], [false, true, true, true]);
    assert.deepEqual((await bulkDelete(t, { filter: { search: "HARBOUR" } })).result, { deleted: 2 });
    assert.deepEqual([await exists(t, b), await exists(t, c), await exists(t, failed)], [false, true, false]);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
    assert.equal(stats.favorites, 1);
  });

  test("over ids: the caller's go; another tenant's ids, unknown ids and junk are skipped", async () => {
    const [t, other] = [await tenant(api), await tenant(api)];
    const [mine, theirs] = [await createProfile(t), await createProfile(other)];
    const a = await createCompleted(t, mine.id);
    const b = (await createPending(t, mine.id)).generation;
    const c = await createCompleted(t, mine.id);
    const foreign = await createCompleted(other, theirs.id);
    const foreignPending = (await createPending(other, theirs.id)).generation;
    await assertStatsMatchRecount(t);
    const otherBefore = await assertStatsMatchRecount(other);

    const job = await bulkDelete(t, { ids: [a.id, b.id, foreign.id, foreignPending.id, await randomId(), "not-an-id", a.id] });
    assert.deepEqual(job.result, { deleted: 2 });
    assert.equal(await exists(t, a), false);
    assert.equal(await exists(t, b), false);
    assert.equal(await exists(t, c), true);
    assert.equal(await objectExists(a.audio_path), false);
    assert.equal(await objectExists(c.audio_path), true);
    // The other tenant's generations, audio and counters are untouched (and still theirs alone).
    assert.equal(await exists(other, foreign), true);
    assert.equal(await exists(other, foreignPending), true);
    assert.equal(await objectExists(foreign.audio_path), true);
    assertError(await t.json(`/history/${foreign.id}`), 404, "generation.not_found");
    const otherAfter = await assertStatsMatchRecount(other);
    assert.deepEqual(otherAfter.stats.generations_by_status, otherBefore.stats.generations_by_status);
    assert.equal(otherAfter.stats.total_bytes, otherBefore.stats.total_bytes);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
  });

  test("bad selections are 400 before any job exists", async () => {
    const t = await tenant(api);
    for (const body of [{}, { ids: [] }, { ids: ["x"], filter: {} }, { filter: { colour: "red" } }, { ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) }]) {
      assertError(await t.json("/history/delete", { method: "POST", body }), 400, "request.invalid");
    }
    // An empty selection says what to send, not that the root is invalid.
    assertError(await t.json("/history/delete", { method: "POST", body: {} }), 400, "request.invalid", ["ids", "filter"]);
    assertError(await t.json("/history/delete", { method: "POST", body: { ids: [] } }), 400, "request.invalid", "ids");
  });
});

describe("POST /history/exports", () => {
  test("over ids: pending ones are skipped; unknown ids, junk and another tenant's ids are skipped and named as not found; a repeated id counts once", async () => {
    const [t, other] = [await tenant(api), await tenant(api)];
    const [mine, theirs] = [await createProfile(t), await createProfile(other)];
    const done = await createCompleted(t, mine.id);
    const pending = (await createPending(t, mine.id)).generation;
    const foreign = await createCompleted(other, theirs.id);
    const unknown = await randomId();

    const started = await t.json("/history/exports", { method: "POST", body: { ids: [done.id, pending.id, unknown, foreign.id, "not-an-id", done.id, unknown] } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitForJob(t, started.body.id);
    assert.equal(job.result.exported, 1);
    assert.equal(job.result.skipped, 4);
    assert.deepEqual(job.result.not_found, [unknown, foreign.id, "not-an-id"]);
    assert.equal(job.result.parts.length, 1);
    assert.equal(job.result.parts[0].generations, 1);
  });
});
