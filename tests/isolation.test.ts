import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { tenantSegment } from "@sonna/core/table/keys";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  assertZeroStats,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  getStats,
  objectExists,
  randomId,
  waitForJob,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

/** The parts of a generation that must not change; the presigned URL differs on every read. */
const stable = (body: Record<string, unknown>) => ({ ...body, audio_url: undefined, audio_url_expires_at: undefined });

describe("tenant B cannot reach tenant A's data", () => {
  let a: Tenant;
  let b: Tenant;
  let profile: { id: string };
  let completed: { id: string; audio_path: string };
  let pending: { id: string };
  let failed: { id: string };
  let before: { profile: unknown; completed: unknown; pending: unknown; failed: unknown; stats: unknown; profiles: unknown };

  const snapshot = async () => ({
    profile: (await a.json(`/profiles/${profile.id}`)).body,
    completed: stable((await a.json(`/history/${completed.id}`)).body),
    pending: stable((await a.json(`/history/${pending.id}`)).body),
    failed: stable((await a.json(`/history/${failed.id}`)).body),
    stats: await getStats(a),
    profiles: (await a.json("/profiles")).body,
  });

  test("set up A's data", async () => {
    [a, b] = [await tenant(api), await tenant(api)];
    profile = await createProfile(a, "Shared name");
    completed = await createCompleted(a, profile.id, { text: "secret text of A" });
    assert.equal((await a.json(`/history/${completed.id}/favorite`, { method: "PUT" })).status, 200);
    pending = (await createPending(a, profile.id)).generation;
    failed = (await createPending(a, profile.id)).generation;
    await failGeneration(a, failed.id);
    // B has data of its own, with the same profile name.
    const own = await createProfile(b, "Shared name");
    await createCompleted(b, own.id);
    before = await snapshot();
  });

  test("every id route answers B with the same 404 as for an id that does not exist", async () => {
    const missing = await randomId();
    const routes: [string, (id: string) => string, unknown?][] = [
      ["GET", (id) => `/profiles/${id}`],
      ["PATCH", (id) => `/profiles/${id}`, { name: "Hijacked" }],
      ["DELETE", (id) => `/profiles/${id}`],
    ];
    const generationRoutes: [string, (id: string) => string, unknown?][] = [
      ["GET", (id) => `/history/${id}`],
      ["DELETE", (id) => `/history/${id}`],
      ["POST", (id) => `/history/${id}/complete`],
      ["POST", (id) => `/history/${id}/fail`, { error: "sabotage" }],
      ["POST", (id) => `/history/${id}/favorite`],
      ["PUT", (id) => `/history/${id}/favorite`],
      ["DELETE", (id) => `/history/${id}/favorite`],
      ["POST", (id) => `/history/${id}/versions`, { label: "stolen" }],
    ];
    const compare = (route: string, theirs: JsonResponse, none: JsonResponse) => {
      assertError(theirs, 404, none.body?.code);
      assert.equal(theirs.status, none.status, route);
      assert.equal(theirs.body.code, none.body.code, route);
      // The detail names the id asked for and nothing else.
      assert.equal(theirs.body.detail.replaceAll(route.split(" ")[2]!, "<id>"), none.body.detail.replaceAll(missing, "<id>"), route);
    };
    for (const [method, path, body] of routes) {
      const theirs = await b.json(path(profile.id), { method, ...(body ? { body } : {}) });
      const none = await b.json(path(missing), { method, ...(body ? { body } : {}) });
      assert.equal(none.body.code, "profile.not_found");
      compare(`${method} ${path("")} ${profile.id}`, theirs, none);
    }
    for (const id of [completed.id, pending.id, failed.id]) {
      for (const [method, path, body] of generationRoutes) {
        const theirs = await b.json(path(id), { method, ...(body ? { body } : {}) });
        const none = await b.json(path(missing), { method, ...(body ? { body } : {}) });
        assert.equal(none.body.code, "generation.not_found");
        compare(`${method} ${path("")} ${id}`, theirs, none);
      }
    }
    assertError(await b.json("/history", { method: "POST", body: { profile_id: profile.id, text: "in A's profile" } }), 404, "profile.not_found");
  });

  test("B's lists, searches and stats show none of A's data", async () => {
    assert.deepEqual((await b.json(`/history?profile_id=${profile.id}`)).body, { items: [], total: 0, next_cursor: null });
    assert.deepEqual((await b.json(`/history?search=secret`)).body, { items: [], total: 0, next_cursor: null });
    const list = await b.json("/history?limit=200");
    assert.equal(list.body.total, 1);
    for (const g of list.body.items) assert.notEqual(g.profile_id, profile.id);
    const profiles = (await b.json("/profiles")).body.items;
    assert.equal(profiles.length, 1);
    assert.notEqual(profiles[0].id, profile.id);
    const stats = await getStats(b);
    assert.equal(stats.total_generations, 1);
    assert.equal(stats.generations_by_profile[profile.id], undefined);
  });

  test("A's cursor used by B pages through B's own data only", async () => {
    const extra = await createPending(a, profile.id);
    const page = await a.json("/history?limit=1");
    assert.ok(page.body.next_cursor);
    const res = await b.json(`/history?limit=200&cursor=${page.body.next_cursor}`);
    assert.equal(res.status, 200);
    const aIds = new Set([completed.id, pending.id, failed.id, extra.generation.id]);
    for (const g of res.body.items) assert.ok(!aIds.has(g.id), "no item of A");
    assert.equal((await a.json(`/history/${extra.generation.id}`, { method: "DELETE" })).status, 204);
  });

  test("B's bulk deletes and DELETE /history/failed leave A's generations alone", async () => {
    const failedRes = await b.json("/history/failed", { method: "DELETE" });
    assert.deepEqual(failedRes.body, { deleted: 0 });
    const bulk = await b.json("/history/delete", { method: "POST", body: { ids: [completed.id, pending.id, failed.id] } });
    assert.equal(bulk.status, 202, JSON.stringify(bulk.body));
    const job = await waitForJob(b, bulk.body.id);
    assert.deepEqual(job.result, { deleted: 0 });
    const byFilter = await b.json("/history/delete", { method: "POST", body: { filter: { profile_id: profile.id } } });
    assert.equal(byFilter.status, 202, JSON.stringify(byFilter.body));
    assert.deepEqual((await waitForJob(b, byFilter.body.id)).result, { deleted: 0 });
    // A's jobs are not B's to read.
    const own = await a.json("/history/delete", { method: "POST", body: { ids: [await randomId()] } });
    assert.equal(own.status, 202);
    await waitForJob(a, own.body.id);
    assertError(await b.json(`/jobs/${own.body.id}`), 404, "job.not_found");
  });

  test("Idempotency-Keys are per tenant", async () => {
    const key = { "idempotency-key": "shared-key-1" };
    const other = await createProfile(b);
    const mine = await createPending(a, profile.id, { text: "same" }, key);
    const theirs = await createPending(b, other.id, { text: "same" }, key);
    assert.notEqual(mine.generation.id, theirs.generation.id);
    assert.equal((await a.json(`/history/${mine.generation.id}`, { method: "DELETE" })).status, 204);
  });

  test("afterwards A's data is unchanged", async () => {
    assert.deepEqual(await snapshot(), before);
    assert.ok(await objectExists(completed.audio_path));
    await assertStatsMatchRecount(a);
  });
});

describe("tenant ids with separators, unicode and shared prefixes stay apart", () => {
  const subjects = ["ab", "abc", "a", "T", "T#x", "T#x#P#y", "x#P#y", "a/b", "a/b/", "a/../b", "ü/#/🎵 日本", "YWI", "t/YWI", "STATS", "ab "];

  test("each sees exactly its own profile, generation, list and stats", async () => {
    const tenants = await Promise.all(subjects.map((sub) => tenant(api, sub)));
    const made = await Promise.all(
      tenants.map(async (t, i) => {
        const profile = await createProfile(t, "Same name");
        const generation = await createCompleted(t, profile.id, { wav: makeWav({ frames: 1_000 * (i + 1) }), text: `hello from ${i}` });
        return { profile, generation };
      }),
    );
    await Promise.all(
      tenants.map(async (t, i) => {
        const own = made[i]!;
        const label = JSON.stringify(subjects[i]);
        assert.ok(own.generation.audio_path.startsWith(`t/${tenantSegment(subjects[i]!)}/`), `${label} audio key prefix`);
        const profiles = (await t.json("/profiles")).body.items;
        assert.deepEqual(profiles.map((p: { id: string }) => p.id), [own.profile.id], `${label} profiles`);
        const list = await t.json("/history?limit=200");
        assert.deepEqual(list.body.items.map((g: { id: string }) => g.id), [own.generation.id], `${label} list`);
        assert.equal(list.body.total, 1, `${label} total`);
        assert.equal((await t.json("/history?search=hello")).body.total, 1, `${label} search total`);
        const { stats } = await assertStatsMatchRecount(t);
        assert.equal(stats.total_generations, 1, `${label} stats`);
        assert.equal(stats.total_duration_seconds, Math.round((((i + 1) * 1_000) / 24_000) * 1000) / 1000, `${label} duration`);
        assert.deepEqual(Object.keys(stats.generations_by_profile), [own.profile.id], `${label} stats by profile`);
        // The neighbours' ids (prefixes of each other, in the list above) do not answer.
        for (const j of [i - 1, i + 1].filter((n) => n >= 0 && n < made.length)) {
          const other = made[j]!;
          assertError(await t.json(`/history/${other.generation.id}`), 404, "generation.not_found");
          assertError(await t.json(`/profiles/${other.profile.id}`), 404, "profile.not_found");
        }
      }),
    );
  });

  test("a tenant that never wrote anything sees zeros, even next to busy prefixes", async () => {
    for (const sub of ["T#", "a/b/c", "abcd"]) {
      const t = await tenant(api, sub);
      assertZeroStats(await getStats(t));
      assert.deepEqual((await t.json("/history")).body, { items: [], total: 0, next_cursor: null });
      assert.deepEqual((await t.json("/profiles")).body, { items: [] });
    }
  });
});
