// Processed versions over real HTTP: add, upload, complete, make default, delete; how they show
// in GET /history/{id} and in list items; what they cost in stats; the caps; tenant walls.
//   npx tsx tests/support/run.ts tests/versions.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  getStats,
  objectExists,
  randomId,
  uploadAudio,
  type Upload,
} from "./support/fixtures";

// A small upload cap for this file's process, so "over the cap" needs 100 KB, not 1 GiB. It must
// be set before the app (and with it packages/core/src/limits.ts) is first imported by startApi().
const CAP = 100_000;
process.env.SONNA_MAX_AUDIO_BYTES = String(CAP);

let api: Api;
before(async () => {
  api = await startApi();
  const { limits } = await import("@sonna/core/limits");
  assert.equal(limits.maxAudioBytes, CAP, "the lowered cap is in effect");
});
after(() => api?.close());

const wav = (n: number) => makeWav({ frames: 2_000 + 300 * n, sampleRate: 16_000, fill: (i) => 0.3 * Math.sin(i / (n + 2)) });
const duration = (frames: number, rate = 16_000) => Math.round((frames / rate) * 1000) / 1000;

async function setup(): Promise<{ t: Tenant; profileId: string; id: string; original: Uint8Array }> {
  const t = await tenant(api);
  const profileId = (await createProfile(t)).id;
  const original = wav(0);
  const g = await createCompleted(t, profileId, { wav: original, text: "Versions here" });
  return { t, profileId, id: g.id, original };
}

async function detail(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, `GET /history/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function addPending(t: Tenant, id: string, label: string, effects: unknown[] = []) {
  const res = await t.json(`/history/${id}/versions`, { method: "POST", body: { label, effects_chain: effects } });
  assert.equal(res.status, 201, `add version: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { version: Record<string, any>; upload: Upload };
}

async function addCompleted(t: Tenant, id: string, label: string, bytes: Uint8Array, effects: unknown[] = []) {
  const { version, upload } = await addPending(t, id, label, effects);
  await uploadAudio(upload, bytes);
  const res = await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" });
  assert.equal(res.status, 200, `complete version: ${res.status} ${JSON.stringify(res.body)}`);
  return { version: res.body.versions.find((v: any) => v.id === version.id), generation: res.body };
}

const defaultOf = (g: any) => g.versions.find((v: any) => v.is_default);

describe("lifecycle", () => {
  test("add (pending, with an upload URL for its own key), complete, make default, delete", async () => {
    const { t, id, original } = await setup();
    const before = await detail(t, id);
    assert.equal(before.versions.length, 1, "a completed generation has its original as a version");
    const orig = before.versions[0];
    assert.deepEqual(
      { label: orig.label, effects_chain: orig.effects_chain, is_default: orig.is_default, status: orig.status, audio_path: orig.audio_path, size_bytes: orig.size_bytes },
      { label: "original", effects_chain: [], is_default: true, status: "completed", audio_path: before.audio_path, size_bytes: original.length },
    );
    assert.equal(before.active_version_id, orig.id);

    const effects = [{ type: "reverb", params: { room_size: 0.8, wet: true, preset: "hall", extra: null } }, { type: "gain", params: { db: -3 } }];
    const { version, upload } = await addPending(t, id, "Hall reverb", effects);
    assert.equal(version.status, "pending");
    assert.equal(version.is_default, false);
    assert.equal(version.duration, null);
    assert.equal(version.size_bytes, 0);
    assert.deepEqual(version.effects_chain, effects);
    assert.equal(version.audio_path, `uploads/${before.audio_path.split("/")[1]}/${id}/${version.id}.wav`, "a pending version's audio is its upload");
    const path = decodeURIComponent(new URL(upload.url).pathname);
    assert.ok(path.endsWith(`/${version.audio_path}`), `${path} is the version's key`);
    assert.equal((await detail(t, id)).versions.length, 2, "the pending version is listed");

    assertError(await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" }), 422, "audio.missing");
    assertError(await t.json(`/history/${id}/versions/${version.id}/default`, { method: "PUT" }), 409, "version.not_completed");

    const processed = wav(3);
    await uploadAudio(upload, processed);
    const done = await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const completed = done.body.versions.find((v: any) => v.id === version.id);
    assert.equal(completed.status, "completed");
    assert.equal(completed.size_bytes, processed.length);
    assert.equal(completed.duration, duration(2_900));
    assert.ok(completed.audio_path.startsWith(`t/${before.audio_path.split("/")[1]}/audio/${id}/`), `${completed.audio_path} is a copy under t/`);
    assert.equal(await objectExists(version.audio_path), false, "the spent upload is removed");
    assert.equal(done.body.active_version_id, orig.id, "completing does not change the default");
    // Completing again changes nothing.
    const again = await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.versions, done.body.versions);

    const made = await t.json(`/history/${id}/versions/${version.id}/default`, { method: "PUT" });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.active_version_id, version.id);
    assert.deepEqual(made.body.versions.map((v: any) => [v.id, v.is_default]), [[orig.id, false], [version.id, true]]);
    // The download follows the default.
    const got = await detail(t, id);
    const served = new Uint8Array(await (await fetch(got.audio_url)).arrayBuffer());
    assert.ok(Buffer.from(served).equals(Buffer.from(processed)), "audio_url serves the default version");
    // The generation's own facts stay the original's.
    assert.equal(got.size_bytes, original.length);
    assert.equal(got.duration, duration(2_000));

    // Back to the original, then delete the processed one.
    assert.equal((await t.json(`/history/${id}/versions/${orig.id}/default`, { method: "PUT" })).body.active_version_id, orig.id);
    const deleted = await t.json(`/history/${id}/versions/${version.id}`, { method: "DELETE" });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.deepEqual(deleted.body.versions.map((v: any) => v.id), [orig.id]);
    assert.equal(await objectExists(completed.audio_path), false, "its audio is deleted");
    assertError(await t.json(`/history/${id}/versions/${version.id}`, { method: "DELETE" }), 404, "version.not_found");
    await assertStatsMatchRecount(t);
  });

  test("versions and active_version_id appear in GET /history/{id} and in list items", async () => {
    const { t, id } = await setup();
    const a = await addCompleted(t, id, "A", wav(1), [{ type: "eq", params: { low: 2 } }]);
    const b = await addPending(t, id, "B");
    assert.equal((await t.json(`/history/${id}/versions/${a.version.id}/default`, { method: "PUT" })).status, 200);
    const got = await detail(t, id);
    assert.equal(got.active_version_id, a.version.id);
    assert.deepEqual(got.versions.map((v: any) => [v.label, v.status, v.is_default]), [["original", "completed", false], ["A", "completed", true], ["B", "pending", false]]);
    const list = await t.json("/history");
    assert.equal(list.status, 200);
    const item = list.body.items.find((i: any) => i.id === id);
    assert.ok(item, "listed");
    assert.equal(item.active_version_id, a.version.id);
    assert.deepEqual(item.versions, got.versions);
    assert.ok(b.version.id);
  });

  test("default_version_id says which audio audio_url serves: a processed default's id, null for the original", async () => {
    const { t, id, original } = await setup();
    const fresh = await detail(t, id);
    assert.equal(fresh.default_version_id, null);
    const processed = wav(4);
    const a = await addCompleted(t, id, "A", processed);
    assert.equal(a.generation.default_version_id, null, "a completed version is not the default until made so");
    const made = await t.json(`/history/${id}/versions/${a.version.id}/default`, { method: "PUT" });
    assert.equal(made.body.default_version_id, a.version.id);
    const got = await detail(t, id);
    assert.equal(got.default_version_id, a.version.id);
    const served = new Uint8Array(await (await fetch(got.audio_url)).arrayBuffer());
    assert.ok(Buffer.from(served).equals(Buffer.from(processed)), "audio_url serves the default version's bytes");
    // The generation's own audio facts stay the original's.
    assert.deepEqual([got.audio_path, got.size_bytes, got.duration], [fresh.audio_path, original.length, fresh.duration]);
    const item = (await t.json("/history")).body.items.find((i: any) => i.id === id);
    assert.equal(item.default_version_id, a.version.id, "list items say it too");
    const orig = fresh.versions[0];
    const back = await t.json(`/history/${id}/versions/${orig.id}/default`, { method: "PUT" });
    assert.equal(back.body.default_version_id, null);
    const again = await detail(t, id);
    assert.equal(again.default_version_id, null);
    const servedAgain = new Uint8Array(await (await fetch(again.audio_url)).arrayBuffer());
    assert.ok(Buffer.from(servedAgain).equals(Buffer.from(original)), "audio_url serves the original again");
  });

  test("the document says audio_path, duration and size_bytes describe the original, and what default_version_id is", async () => {
    const doc = (await api.json("/openapi.json")).body;
    const generation = doc.components.schemas.Generation.properties;
    for (const field of ["audio_path", "duration", "size_bytes"]) {
      assert.match(generation[field].description ?? "", /original/i, `${field}'s description names the original`);
    }
    assert.match(generation.default_version_id.description ?? "", /audio_url/);
    const version = doc.components.schemas.Version.properties;
    assert.ok(version.error && version.error_code, "versions document their refusal fields");
  });

  test("deleting the original is 409; deleting the default hands the default back to the original", async () => {
    const { t, id } = await setup();
    const orig = (await detail(t, id)).versions[0];
    assertError(await t.json(`/history/${id}/versions/${orig.id}`, { method: "DELETE" }), 409, "version.original", "original");
    const a = await addCompleted(t, id, "A", wav(1));
    const b = await addCompleted(t, id, "B", wav(2));
    assert.equal((await t.json(`/history/${id}/versions/${b.version.id}/default`, { method: "PUT" })).status, 200);
    const res = await t.json(`/history/${id}/versions/${b.version.id}`, { method: "DELETE" });
    assert.equal(res.status, 200);
    assert.equal(res.body.active_version_id, orig.id);
    assert.deepEqual(res.body.versions.map((v: any) => [v.label, v.is_default]), [["original", true], ["A", false]]);
    assert.equal(defaultOf(await detail(t, id)).id, orig.id);
    assert.ok(a.version.id);
    await assertStatsMatchRecount(t);
  });

  test("a version can't be added to a pending generation (409)", async () => {
    const t = await tenant(api);
    const profileId = (await createProfile(t)).id;
    const { generation } = await createPending(t, profileId);
    assertError(await t.json(`/history/${generation.id}/versions`, { method: "POST", body: { label: "x", effects_chain: [] } }), 409, "generation.not_completed");
  });

  test("invalid bodies are 400", async () => {
    const { t, id } = await setup();
    for (const body of [{ label: "" }, { label: "  " }, { label: "x", effects_chain: [{ type: "bad type" }] }, { label: "x", extra: 1 }, { effects_chain: [] }]) {
      assertError(await t.json(`/history/${id}/versions`, { method: "POST", body }), 400, "request.invalid");
    }
    assert.equal((await detail(t, id)).versions.length, 1);
  });
});

describe("bad uploads", () => {
  test("an invalid WAV is 422 and the version stays pending; a valid one then completes it", async () => {
    const { t, id } = await setup();
    const before = await getStats(t);
    const { version, upload } = await addPending(t, id, "broken");
    await uploadAudio(upload, new Uint8Array(Buffer.from("RIFF....WAVEnot really a wav at all")));
    const refused = await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" });
    assertError(refused, 422, "audio.invalid");
    const after = await detail(t, id);
    const stillPending = after.versions.find((v: any) => v.id === version.id);
    assert.deepEqual([stillPending.status, stillPending.error, stillPending.error_code], ["pending", refused.body.detail, "audio.invalid"], "the version says why");
    assert.deepEqual([after.error, after.error_code], [null, null], "the generation itself is not refused");
    assert.deepEqual((await getStats(t)).total_bytes, before.total_bytes);
    const truncated = wav(1).subarray(0, 300);
    await uploadAudio(upload, truncated);
    const again = await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" });
    assertError(again, 422, "audio.invalid", "truncated");
    assert.equal((await detail(t, id)).versions.find((v: any) => v.id === version.id).error, again.body.detail, "the latest refusal replaces the first");
    await uploadAudio(upload, wav(2));
    const done = await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200);
    const completed = done.body.versions.find((v: any) => v.id === version.id);
    assert.deepEqual([completed.status, completed.error, completed.error_code], ["completed", null, null], "completion clears the refusal");
    await assertStatsMatchRecount(t);
  });

  test("a version over the upload cap is 413, its object is deleted and it stays pending", async () => {
    const { t, id } = await setup();
    const before = await getStats(t);
    const { version, upload } = await addPending(t, id, "too big");
    const big = makeWav({ frames: 60_000, sampleRate: 16_000 }); // 120 KB > CAP
    assert.ok(big.length > CAP);
    await uploadAudio(upload, big);
    assertError(await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" }), 413, "audio.too_large", String(CAP));
    assert.equal(await objectExists(version.audio_path), false, "the oversized upload is deleted");
    const pending = (await detail(t, id)).versions.find((v: any) => v.id === version.id);
    assert.deepEqual([pending.status, pending.error_code], ["pending", "audio.too_large"]);
    assert.equal((await getStats(t)).total_bytes, before.total_bytes);
    await assertStatsMatchRecount(t);
  });

  test("a version that would pass the storage quota is 409 quota.exceeded", async () => {
    const { t, id } = await setup();
    const used = (await getStats(t)).total_bytes;
    assert.equal((await t.json("/settings", { method: "PUT", body: { quota_bytes: used + 1_000 } })).status, 200);
    const { version, upload } = await addPending(t, id, "over quota");
    await uploadAudio(upload, wav(4));
    assertError(await t.json(`/history/${id}/versions/${version.id}/complete`, { method: "POST" }), 409, "quota.exceeded");
    const pending = (await detail(t, id)).versions.find((v: any) => v.id === version.id);
    assert.deepEqual([pending.status, pending.error_code], ["pending", "quota.exceeded"]);
    assert.equal((await getStats(t)).total_bytes, used);
    await assertStatsMatchRecount(t);
  });
});

describe("stats and storage", () => {
  test("stats bytes include completed versions and drop when one is deleted", async () => {
    const { t, id, original } = await setup();
    assert.equal((await getStats(t)).total_bytes, original.length);
    const a = wav(1);
    const b = wav(2);
    const va = await addCompleted(t, id, "A", a);
    await addPending(t, id, "pending counts nothing");
    const vb = await addCompleted(t, id, "B", b);
    let stats = (await assertStatsMatchRecount(t)).stats;
    assert.equal(stats.total_bytes, original.length + a.length + b.length);
    assert.equal(stats.total_generations, 1, "versions are not generations");
    assert.equal(stats.total_duration_seconds, duration(2_000), "duration is the original's");
    const profileId = (await detail(t, id)).profile_id;
    assert.equal(stats.profiles[profileId].bytes, original.length + a.length + b.length);

    await t.json(`/history/${id}/versions/${va.version.id}`, { method: "DELETE" });
    stats = (await assertStatsMatchRecount(t)).stats;
    assert.equal(stats.total_bytes, original.length + b.length);
    await t.json(`/history/${id}/versions/${vb.version.id}`, { method: "DELETE" });
    stats = (await assertStatsMatchRecount(t)).stats;
    assert.equal(stats.total_bytes, original.length);
  });

  test("deleting the generation deletes every version's object (pending uploads too)", async () => {
    const { t, id } = await setup();
    await addCompleted(t, id, "A", wav(1));
    await addCompleted(t, id, "B", wav(2));
    const pending = await addPending(t, id, "uploaded, never completed");
    await uploadAudio(pending.upload, wav(3));
    const keys = (await detail(t, id)).versions.map((v: any) => v.audio_path);
    assert.equal(keys.length, 4);
    for (const key of keys) assert.equal(await objectExists(key), true, `${key} exists before`);
    const res = await t.request(`/history/${id}`, { method: "DELETE" });
    assert.equal(res.status, 204);
    for (const key of keys) assert.equal(await objectExists(key), false, `${key} is deleted`);
    const stats = (await assertStatsMatchRecount(t)).stats;
    assert.equal(stats.total_bytes, 0);
  });
});

describe("caps and walls", () => {
  test("a generation holds at most 50 versions: the 51st is 409, a delete makes room, concurrent adds never pass 50", async () => {
    const { t, id } = await setup();
    for (let i = 1; i < 50; i++) await addPending(t, id, `v${i}`);
    assert.equal((await detail(t, id)).versions.length, 50);
    assertError(await t.json(`/history/${id}/versions`, { method: "POST", body: { label: "one too many", effects_chain: [] } }), 409, "version.limit", "50");
    assert.equal((await detail(t, id)).versions.length, 50);
    // Deleting four makes room for four.
    for (const v of (await detail(t, id)).versions.slice(-4)) {
      assert.equal((await t.json(`/history/${id}/versions/${v.id}`, { method: "DELETE" })).status, 200);
    }
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.json(`/history/${id}/versions`, { method: "POST", body: { label: `race ${i}`, effects_chain: [] } })));
    const created = results.filter((r) => r.status === 201).length;
    for (const r of results) {
      if (r.status !== 201) assert.ok(r.status === 409 && ["version.limit", "generation.busy"].includes(r.body.code), JSON.stringify(r.body));
    }
    const versions = (await detail(t, id)).versions;
    assert.equal(versions.length, 46 + created, "every 201 is stored");
    assert.ok(versions.length <= 50, `${versions.length} versions`);
    assert.ok(created >= 1 && created <= 4, `${created} created: ${JSON.stringify(results.map((r) => r.body?.code ?? r.status))}`);
  });

  test("making a version the default while deleting it leaves exactly one default, which exists", async () => {
    const { t, id } = await setup();
    for (let round = 0; round < 3; round++) {
      const v = await addCompleted(t, id, `round ${round}`, wav(round + 1));
      await Promise.all([
        t.json(`/history/${id}/versions/${v.version.id}/default`, { method: "PUT" }),
        t.json(`/history/${id}/versions/${v.version.id}`, { method: "DELETE" }),
      ]);
      const got = await detail(t, id);
      const defaults = got.versions.filter((x: any) => x.is_default);
      assert.equal(defaults.length, 1, JSON.stringify(got.versions));
      assert.equal(got.active_version_id, defaults[0].id);
      assert.equal(got.versions.some((x: any) => x.id === v.version.id), false, "the deleted version is gone");
    }
    await assertStatsMatchRecount(t);
  });

  test("another tenant's generation and version ids are 404 for every version route", async () => {
    const { t, id } = await setup();
    const { version, upload } = await addPending(t, id, "mine");
    await uploadAudio(upload, wav(1));
    const other = await tenant(api);
    const otherProfile = (await createProfile(other)).id;
    const otherGen = await createCompleted(other, otherProfile, { wav: wav(2) });
    const routes = (gen: string, vid: string) =>
      [
        [`/history/${gen}/versions/${vid}/complete`, "POST"],
        [`/history/${gen}/versions/${vid}/default`, "PUT"],
        [`/history/${gen}/versions/${vid}`, "DELETE"],
      ] as const;
    // My generation and version, from the other tenant.
    assertError(await other.json(`/history/${id}/versions`, { method: "POST", body: { label: "x", effects_chain: [] } }), 404, "generation.not_found");
    for (const [path, method] of routes(id, version.id)) assertError(await other.json(path, { method }), 404, "generation.not_found");
    // The other tenant's own generation with my version id: no such version there.
    for (const [path, method] of routes(otherGen.id, version.id)) assertError(await other.json(path, { method }), 404, "version.not_found");
    // Unknown and malformed version ids on my own generation.
    for (const vid of [await randomId(), "not-a-uuid"]) {
      for (const [path, method] of routes(id, vid)) {
        const res = await t.json(path, { method });
        assert.ok(res.status === 404 || res.status === 400, `${method} ${path}: ${res.status}`);
      }
    }
    // Nothing changed on my side.
    const mine = await detail(t, id);
    assert.equal(mine.versions.find((v: any) => v.id === version.id).status, "pending");
    assert.equal(await objectExists(version.audio_path), true);
  });
});
