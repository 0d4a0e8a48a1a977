// POST /history/lookup over real HTTP: the newest completed generation made with exactly the
// settings asked for (defaults applied as on create, text compared exactly), as GET /history/{id}
// shows it; never a pending, failed or deleted one; tenant walls; validation; and a read cost that
// does not grow with the history.
//   npx tsx tests/support/run.ts tests/lookup.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Client } from "./support/server";
import { assertError, createCompleted, createPending, createProfile, failGeneration, randomId, tenantWithProfile, uploadAudio } from "./support/fixtures";
import { fetchBytes, sameBytes } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const wav = (n: number) => makeWav({ frames: 2_000 + 250 * n, fill: (i) => 0.3 * Math.sin(i / (n + 3)) });

const lookup = (t: Client, body: Record<string, unknown>) => t.json("/history/lookup", { method: "POST", body });

/** The lookup's answer for `body`, asserted to be a hit on `id`. */
async function hit(t: Client, body: Record<string, unknown>, id: string) {
  const res = await lookup(t, body);
  assert.equal(res.status, 200, `lookup ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.id, id, `lookup ${JSON.stringify(body)} found ${res.body.id}, not ${id}`);
  return res.body;
}

const miss = async (t: Client, body: Record<string, unknown>) => assertError(await lookup(t, body), 404, "generation.not_found");

/** What GET /history/{id} answers, without the presigned URL (signed anew on every request). */
const unsigned = ({ audio_url: _u, audio_url_expires_at: _e, ...rest }: Record<string, any>) => rest;

describe("hits", () => {
  test("the newest completed generation with these settings, exactly as GET /history/{id} shows it", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const settings = { text: "Say it once", seed: 7, instruct: "calm", engine: "kokoro", model_size: "82M", language: "en" };
    await createCompleted(t, profileId, { ...settings, wav: wav(1) });
    const newest = await createCompleted(t, profileId, { ...settings, wav: wav(2) });
    // Near misses on every setting.
    for (const other of [{ text: "say it once" }, { text: "Say it once " }, { seed: 8 }, { seed: null }, { instruct: null }, { engine: "qwen" }, { model_size: "1.7B" }, { language: "de" }]) {
      await createCompleted(t, profileId, { ...settings, ...other });
    }
    await createCompleted(t, (await createProfile(t)).id, settings);

    const found = await hit(t, { profile_id: profileId, ...settings }, newest.id);
    const shown = await t.json(`/history/${newest.id}`);
    assert.deepEqual(unsigned(found), unsigned(shown.body));
    assert.equal(typeof found.profile_name, "string");
    sameBytes((await fetchBytes(found.audio_url)).bytes, wav(2), "audio_url serves the hit's audio");
    for (const other of [{ text: "Say it once!" }, { text: "SAY IT ONCE" }, { seed: 9 }, { engine: "piper" }, { language: "fr" }]) {
      await miss(t, { profile_id: profileId, ...settings, ...other });
    }
  });

  test("defaults apply as on create: left out or spelled out, the same settings", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { text: "Defaults" });
    for (const body of [
      { text: "Defaults" },
      { text: "Defaults", language: "en" },
      { text: "Defaults", engine: "qwen", seed: null, instruct: null, model_size: null },
    ]) {
      await hit(t, { profile_id: profileId, ...body }, g.id);
    }
    await miss(t, { profile_id: profileId, text: "Defaults", seed: 0 });
    await miss(t, { profile_id: profileId, text: "Defaults", instruct: "" });
  });

  test("a left-out language is the profile's, as on create", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t, undefined, { language: "de" });
    const g = await createCompleted(t, profile.id, { text: "Hallo" });
    assert.equal(g.language, "de");
    await hit(t, { profile_id: profile.id, text: "Hallo" }, g.id);
    await hit(t, { profile_id: profile.id, text: "Hallo", language: "de" }, g.id);
    await miss(t, { profile_id: profile.id, text: "Hallo", language: "en" });
    // The profile's language now decides what a left-out language means.
    assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { language: "en" } })).status, 200);
    await miss(t, { profile_id: profile.id, text: "Hallo" });
  });

  test("a hit whose default is a processed version shows it as GET does", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { text: "With a version", wav: wav(1) });
    const added = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "louder", effects_chain: [] } });
    assert.equal(added.status, 201);
    await uploadAudio(added.body.upload, wav(3));
    assert.equal((await t.json(`/history/${g.id}/versions/${added.body.version.id}/complete`, { method: "POST" })).status, 200);
    assert.equal((await t.json(`/history/${g.id}/versions/${added.body.version.id}/default`, { method: "PUT" })).status, 200);
    const found = await hit(t, { profile_id: profileId, text: "With a version" }, g.id);
    assert.equal(found.default_version_id, added.body.version.id);
    sameBytes((await fetchBytes(found.audio_url)).bytes, wav(3), "audio_url serves the default version");
  });
});

describe("never a hit", () => {
  test("pending and failed generations; a pending one becomes a hit once completed", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const pending = await createPending(t, profileId, { text: "Not yet" });
    const failed = await createPending(t, profileId, { text: "Never" });
    await failGeneration(t, failed.generation.id);
    await miss(t, { profile_id: profileId, text: "Not yet" });
    await miss(t, { profile_id: profileId, text: "Never" });
    await uploadAudio(pending.upload, wav(1));
    assert.equal((await t.json(`/history/${pending.generation.id}/complete`, { method: "POST" })).status, 200);
    await hit(t, { profile_id: profileId, text: "Not yet" }, pending.generation.id);
  });

  test("a deleted generation: the next newest is found, then none", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const older = await createCompleted(t, profileId, { text: "Again" });
    const newer = await createCompleted(t, profileId, { text: "Again" });
    await hit(t, { profile_id: profileId, text: "Again" }, newer.id);
    assert.equal((await t.request(`/history/${newer.id}`, { method: "DELETE" })).status, 204);
    await hit(t, { profile_id: profileId, text: "Again" }, older.id);
    assert.equal((await t.request(`/history/${older.id}`, { method: "DELETE" })).status, 204);
    await miss(t, { profile_id: profileId, text: "Again" });
  });

  test("another tenant's generation, unknown and malformed profile ids", async () => {
    const owner = await tenantWithProfile(api);
    await createCompleted(owner.t, owner.profileId, { text: "Mine" });
    const { t } = await tenantWithProfile(api);
    for (const language of [undefined, "en"]) {
      await miss(t, { profile_id: owner.profileId, text: "Mine", language });
      await miss(t, { profile_id: await randomId(), text: "Mine", language });
      await miss(t, { profile_id: "not-a-uuid", text: "Mine", language });
    }
  });
});

describe("the route", () => {
  test("is POST /history/lookup, not a generation id: documented, and only POST", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { text: "Route" });
    await hit(t, { profile_id: profileId, text: "Route" }, g.id);
    const doc = await t.json("/openapi.json");
    assert.ok(doc.body.paths["/history/lookup"]?.post, "POST /history/lookup is in the document");
    // GET of the same path is GET /history/{id} with a malformed id: no such generation.
    assertError(await t.json("/history/lookup"), 404, "generation.not_found");
  });

  test("invalid bodies are 400 naming the field; a body that is not JSON is 415", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const cases: [Record<string, unknown>, string][] = [
      [{ text: "" }, "text"],
      [{ text: 42 }, "text"],
      [{ text: undefined }, "text"],
      [{ text: "x".repeat(20_001) }, "text"],
      [{ profile_id: undefined }, "profile_id"],
      [{ profile_id: "x".repeat(65) }, "profile_id"],
      [{ seed: 1.5 }, "seed"],
      [{ language: "english!" }, "language"],
      [{ engine: "my engine" }, "engine"],
      [{ status: "completed" }, "status"],
    ];
    for (const [fields, name] of cases) {
      assertError(await lookup(t, { profile_id: profileId, text: "Hello", ...fields }), 400, "request.invalid", name);
    }
    const res = await t.request("/history/lookup", { method: "POST", body: "text=Hello", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(res.status, 415);
  });

  test("without a token it is 401", async () => {
    const res = await fetch(`${api.baseUrl}/history/lookup`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(res.status, 401);
  });
});

describe("cost", () => {
  test("the same reads with 1 and with 15 generations of these settings, among others", async () => {
    const { measureCapacity } = await import("@sonna/core/table/capacity");
    const { lookupGeneration } = await import("@sonna/core/generations/lookup");
    const { t, profileId } = await tenantWithProfile(api);
    const measure = async (body: { profile_id: string; text: string; language?: string }) => (await measureCapacity(() => lookupGeneration(t.id, body))).capacity;
    await createCompleted(t, profileId, { text: "Cost" });
    const given = { profile_id: profileId, text: "Cost", language: "en" };
    const left = { profile_id: profileId, text: "Cost" };
    const few = [await measure(given), await measure(left)];
    for (let i = 0; i < 14; i++) {
      await createCompleted(t, profileId, { text: "Cost" });
      await createCompleted(t, profileId, { text: `Other ${i}` });
    }
    const many = [await measure(given), await measure(left)];
    console.log(`capacity lookup: language given ${few[0]!.read} RCU in ${few[0]!.calls} calls, left out ${few[1]!.read} RCU in ${few[1]!.calls} calls`);
    assert.ok(few[0]!.read > 0, "capacity is measured at all");
    assert.deepEqual(many, few);
    // Query + GetItem + the profile's name; a left-out language reads the profile too.
    assert.equal(few[0]!.calls, 3);
    assert.equal(few[1]!.calls, 4);
    for (const capacity of [...few, ...many]) assert.equal(capacity.write, 0);
  });
});
