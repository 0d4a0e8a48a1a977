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
  inParallel,
  smallWav,
  uploadAudio,
} from "./support/fixtures";

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
