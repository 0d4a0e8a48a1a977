// Quotas under concurrency: the byte limit is a condition inside the stats transaction, so many
// completes racing for the last bytes can't overshoot it together.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  inParallel,
  randomId,
  smallWav,
  uploadAudio,
  type Upload,
} from "./support/fixtures";
import { completeLarge, exportZip, importInRequest, importLarge, startLarge } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

async function putSettings(t: Tenant, settings: Record<string, unknown>) {
  const res = await t.json("/settings", { method: "PUT", body: settings });
  assert.equal(res.status, 200, `PUT /settings: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Fires every request at once and sorts the answers: 200s, and the 409 quota.exceeded refusals. */
async function race(requests: (() => Promise<JsonResponse>)[]) {
  const answers = await Promise.all(requests.map((send) => send()));
  const ok = answers.filter((r) => r.status === 200);
  const refused = answers.filter((r) => r.status !== 200);
  for (const res of refused) assertError(res, 409, "quota.exceeded", "quota");
  return { ok, refused };
}

describe("quota_bytes", () => {
  test("50 concurrent completes against room for 10: exactly 10 complete, 40 get 409 quota.exceeded", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const wav = await smallWav();
    const size = wav.byteLength;
    const pending = await inParallel(Array.from({ length: 50 }, (_, i) => i), 8, async (i) => {
      const { generation, upload } = await createPending(t, p.id, { text: `take ${i}` });
      await uploadAudio(upload, wav);
      return generation;
    });
    // Room for 10 files and a bit, not for 11.
    const quota = 10 * size + Math.floor(size / 2);
    await putSettings(t, { quota_bytes: quota });

    const { ok, refused } = await race(pending.map((g) => () => t.json(`/history/${g.id}/complete`, { method: "POST" })));
    assert.equal(ok.length, 10, `${ok.length} completed`);
    assert.equal(refused.length, 40);
    for (const res of ok) assert.equal(res.body.size_bytes, size);

    const { stats, recount } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_bytes, 10 * size);
    assert.ok(stats.total_bytes <= quota);
    assert.equal(stats.quota.quota_bytes, quota);
    assert.equal(stats.quota.used_bytes, 10 * size);
    assert.deepEqual(recount.by_status, { pending: 40, completed: 10, failed: 0 });

    // A refused generation stays pending with its upload, and completes once there is room.
    const waiting = pending.find((g) => !ok.some((r) => r.body.id === g.id))!;
    const first = ok[0]!.body as { id: string };
    assert.equal((await t.json(`/history/${first.id}`, { method: "DELETE" })).status, 204);
    const retried = await t.json(`/history/${waiting.id}/complete`, { method: "POST" });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assertError(await t.json(`/history/${pending.find((g) => g.id !== waiting.id && !ok.some((r) => r.body.id === g.id))!.id}/complete`, { method: "POST" }), 409, "quota.exceeded");
    const final = await assertStatsMatchRecount(t);
    assert.equal(final.stats.total_bytes, 10 * size);
  });
});

describe("profile_quota_bytes", () => {
  test("50 concurrent version completes against room for 10 in the profile: exactly 10 complete; other profiles unaffected", async () => {
    const t = await tenant(api);
    const [p, other] = [await createProfile(t), await createProfile(t)];
    const original = await smallWav(6_000);
    const rendition = await smallWav(3_000);
    // 50 completed generations, each with one pending processed version whose audio is uploaded:
    // one version per generation, so the race is for the profile's bytes, not for one item's lock.
    const generations = await inParallel(Array.from({ length: 50 }, (_, i) => i), 8, async (i) =>
      createCompleted(t, p.id, { wav: original, text: `line ${i}` }),
    );
    const versions = await inParallel(generations, 8, async (g) => {
      const res = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "warm", effects_chain: [{ type: "eq", params: { low: 2 } }] } });
      assert.equal(res.status, 201, `create version: ${res.status} ${JSON.stringify(res.body)}`);
      await uploadAudio(res.body.upload, rendition);
      return { generation: g, version: res.body.version as { id: string } };
    });
    const used = 50 * original.byteLength;
    const quota = used + 10 * rendition.byteLength + Math.floor(rendition.byteLength / 2);
    await putSettings(t, { profile_quota_bytes: quota });

    const { ok, refused } = await race(
      versions.map(({ generation, version }) => () => t.json(`/history/${generation.id}/versions/${version.id}/complete`, { method: "POST" })),
    );
    assert.equal(ok.length, 10, `${ok.length} completed`);
    assert.equal(refused.length, 40);

    const { stats, recount } = await assertStatsMatchRecount(t);
    const profileBytes = stats.profiles[p.id].bytes;
    assert.equal(profileBytes, used + 10 * rendition.byteLength);
    assert.ok(profileBytes <= quota);
    assert.equal(recount.by_profile[p.id]!.bytes, profileBytes);
    const completedVersions = recount.items.flatMap((item) => (item.versions ?? []).filter((v: { status: string; audio_path: string }) => v.status === "completed" && v.audio_path !== item.audio_path));
    assert.equal(completedVersions.length, 10);

    // The limit is per profile: another profile of the same tenant still has its own room.
    const elsewhere = await createCompleted(t, other.id, { wav: original });
    assert.equal(elsewhere.status, "completed");
    // ...and a new original in the full profile is refused as well.
    const { generation, upload } = await createPending(t, p.id);
    await uploadAudio(upload, original);
    assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 409, "quota.exceeded", "profile");
    await assertStatsMatchRecount(t);
  });
});

/** Fires `n` creates in `profileId` at once; answers the 201s and the refusals (each a 409 quota.exceeded). */
async function raceCreates(t: Tenant, profileId: string, n: number) {
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => t.json("/history", { method: "POST", body: { profile_id: profileId, text: `take ${i}` } })));
  const created = answers.filter((r) => r.status === 201);
  const refused = answers.filter((r) => r.status !== 201);
  for (const res of refused) assertError(res, 409, "quota.exceeded", "generations");
  return { created, refused };
}

/** A 409 quota.exceeded naming `quota`, its `limit` and the `count` where the tenant or profile stands. */
function assertQuotaRefusal(res: JsonResponse, quota: string, limit: number, count: number) {
  assertError(res, 409, "quota.exceeded", quota);
  assert.deepEqual({ quota: res.body.quota, limit: res.body.limit, count: res.body.count }, { quota, limit, count });
}

describe("count quotas", () => {
  test("quota_generations and profile_quota_generations: null by default, whole numbers from 0, anything else 400", async () => {
    const t = await tenant(api);
    const fresh = await t.json("/settings");
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.quota_generations, null);
    assert.equal(fresh.body.profile_quota_generations, null);
    for (const field of ["quota_generations", "profile_quota_generations"]) {
      for (const value of [-1, 1.5, "3", 2 ** 60, true, [3], { n: 3 }]) {
        assertError(await t.json("/settings", { method: "PUT", body: { [field]: value } }), 400, "request.invalid", field);
      }
      for (const value of [0, 7, 1_000_000_000, null]) {
        await putSettings(t, { [field]: value });
        assert.equal((await t.json("/settings")).body[field], value);
      }
    }
    // Replacing the settings without them sets them back to unlimited.
    await putSettings(t, { quota_generations: 3, profile_quota_generations: 2 });
    await putSettings(t, { quota_bytes: 1_000 });
    const replaced = (await t.json("/settings")).body;
    assert.deepEqual([replaced.quota_generations, replaced.profile_quota_generations, replaced.quota_bytes], [null, null, 1_000]);
  });

  test("quota_generations: 50 concurrent creates against room for 10 give exactly 10; a delete makes room for one", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    for (let i = 0; i < 3; i++) await createPending(t, p.id);
    await createCompleted(t, p.id);
    await failGeneration(t, (await createPending(t, p.id)).generation.id);
    // Five held (pending, completed and failed all count), room for ten more.
    await putSettings(t, { quota_generations: 15 });

    const { created, refused } = await raceCreates(t, p.id, 50);
    assert.equal(created.length, 10, `${created.length} created`);
    assert.equal(refused.length, 40);
    for (const res of refused) assertQuotaRefusal(res, "quota_generations", 15, 15);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 15);

    // The quota is the tenant's, whatever the profile.
    const fresh = await createProfile(t);
    assertQuotaRefusal(await t.json("/history", { method: "POST", body: { profile_id: fresh.id, text: "elsewhere" } }), "quota_generations", 15, 15);
    // Completing a pending generation adds no generation: the count quota does not hold it back.
    const waiting = created[0]!.body as { generation: { id: string }; upload: Upload };
    await uploadAudio(waiting.upload, await smallWav());
    assert.equal((await t.json(`/history/${waiting.generation.id}/complete`, { method: "POST" })).status, 200);

    assert.equal((await t.json(`/history/${created[1]!.body.generation.id}`, { method: "DELETE" })).status, 204);
    const again = await raceCreates(t, p.id, 5);
    assert.equal(again.created.length, 1);
    for (const res of again.refused) assertQuotaRefusal(res, "quota_generations", 15, 15);
    await assertStatsMatchRecount(t);
  });

  test("profile_quota_generations: 50 concurrent creates in a profile with room for 10 give exactly 10; other profiles unaffected", async () => {
    const t = await tenant(api);
    const [p, other] = [await createProfile(t), await createProfile(t)];
    for (let i = 0; i < 4; i++) await createPending(t, other.id);
    await putSettings(t, { profile_quota_generations: 10 });

    const { created, refused } = await raceCreates(t, p.id, 50);
    assert.equal(created.length, 10, `${created.length} created`);
    assert.equal(refused.length, 40);
    for (const res of refused) assertQuotaRefusal(res, "profile_quota_generations", 10, 10);

    // Another profile has room of its own (4 of 10 used), up to its own limit.
    const elsewhere = await raceCreates(t, other.id, 8);
    assert.equal(elsewhere.created.length, 6);
    for (const res of elsewhere.refused) assertQuotaRefusal(res, "profile_quota_generations", 10, 10);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_profile, { [p.id]: 10, [other.id]: 10 });
  });

  test("a quota of 0 refuses the first generation; the tenant's quota is named before the profile's", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await putSettings(t, { quota_generations: 0, profile_quota_generations: 0 });
    assertQuotaRefusal(await t.json("/history", { method: "POST", body: { profile_id: p.id, text: "hi" } }), "quota_generations", 0, 0);
    await putSettings(t, { profile_quota_generations: 0 });
    assertQuotaRefusal(await t.json("/history", { method: "POST", body: { profile_id: p.id, text: "hi" } }), "profile_quota_generations", 0, 0);
    // An unknown profile is still a 404, not a quota refusal.
    assertError(await t.json("/history", { method: "POST", body: { profile_id: await randomId(), text: "hi" } }), 404, "profile.not_found");
    await assertStatsMatchRecount(t);
  });

  test("a retried create (same Idempotency-Key) answers its generation even when the quota is full", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await putSettings(t, { quota_generations: 1 });
    const first = await createPending(t, p.id, { text: "once" }, { "idempotency-key": "story-1" });
    const retried = await createPending(t, p.id, { text: "once" }, { "idempotency-key": "story-1" });
    assert.equal(retried.generation.id, first.generation.id);
    assertQuotaRefusal(await t.json("/history", { method: "POST", body: { profile_id: p.id, text: "twice" }, headers: { "idempotency-key": "story-2" } }), "quota_generations", 1, 1);
    await assertStatsMatchRecount(t);
  });

  test("the trash is outside the count: a delete into it makes room, and the refusal does not send the user to empty it", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await putSettings(t, { quota_generations: 1, profile_quota_generations: 1, trash_days: 30 });
    const held = await createPending(t, p.id);
    const tenantRefusal = await t.json("/history", { method: "POST", body: { profile_id: p.id, text: "second" } });
    assertQuotaRefusal(tenantRefusal, "quota_generations", 1, 1);
    assert.doesNotMatch(tenantRefusal.body.detail, /empty the trash/);
    await putSettings(t, { profile_quota_generations: 1, trash_days: 30 });
    const profileRefusal = await t.json("/history", { method: "POST", body: { profile_id: p.id, text: "second" } });
    assertQuotaRefusal(profileRefusal, "profile_quota_generations", 1, 1);
    assert.doesNotMatch(profileRefusal.body.detail, /empty the trash/);
    assert.equal((await t.json(`/history/${held.generation.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await t.json("/history", { method: "POST", body: { profile_id: p.id, text: "second" } })).status, 201);
    await assertStatsMatchRecount(t);
  });

  test("a completion refused for bytes names the byte quota, even with the count at its limit", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const { generation, upload } = await createPending(t, p.id);
    const wav = await smallWav();
    await uploadAudio(upload, wav);
    await putSettings(t, { quota_generations: 1, quota_bytes: wav.byteLength - 1 });
    assertQuotaRefusal(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), "quota_bytes", wav.byteLength - 1, 0);
    await assertStatsMatchRecount(t);
  });

  test("imports count the same way: in-request and large imports past a count quota are refused with its limit and count", async () => {
    const t = await tenant(api);
    const [p, full] = [await createProfile(t), await createProfile(t)];
    const source = await createCompleted(t, p.id);
    const { bytes: zip } = await exportZip(t, source.id);
    await createPending(t, full.id);
    await putSettings(t, { quota_generations: 2 });

    assertQuotaRefusal(await importInRequest(t, zip), "quota_generations", 2, 2);
    const { import_id } = await startLarge(t, zip);
    assertQuotaRefusal(await completeLarge(t, import_id), "quota_generations", 2, 2);
    // A refused large import answers the same refusal, fields and all, to every later call.
    assertQuotaRefusal(await completeLarge(t, import_id), "quota_generations", 2, 2);

    await putSettings(t, { profile_quota_generations: 1 });
    assertQuotaRefusal(await importInRequest(t, zip, full.id), "profile_quota_generations", 1, 1);
    assertQuotaRefusal(await importLarge(t, zip, full.id), "profile_quota_generations", 1, 1);
    const roomy = await createProfile(t);
    const imported = await importInRequest(t, zip, roomy.id);
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assertQuotaRefusal(await importInRequest(t, zip, roomy.id), "profile_quota_generations", 1, 1);

    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 3);
  });
});
