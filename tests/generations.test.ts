import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { bucketName, tableName } from "@sonna/core/resources";
import { keys, tenantSegment } from "@sonna/core/table/keys";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
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
  smallWav,
  uploadAudio,
  type Upload,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const PRESIGN_SECONDS = 15 * 60;

/** A fresh tenant with one profile. */
async function setup(): Promise<{ t: Tenant; profileId: string }> {
  const t = await tenant(api);
  const profile = await createProfile(t);
  return { t, profileId: profile.id };
}

/** Presigned URLs carry no checksum parameter (real S3 would reject a PUT whose body differs). */
function assertNoChecksumParams(url: URL): void {
  const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
  const checksums = names.filter((name) => name.startsWith("x-amz-checksum") || name === "x-amz-sdk-checksum-algorithm");
  assert.deepEqual(checksums, [], `presigned URL carries ${checksums.join(", ")}: ${url}`);
}

function assertExpiresWithinPresignWindow(url: URL): void {
  const expires = Number(url.searchParams.get("X-Amz-Expires"));
  assert.ok(Number.isInteger(expires) && expires > 0 && expires <= PRESIGN_SECONDS, `X-Amz-Expires=${url.searchParams.get("X-Amz-Expires")}`);
}

function assertExpiresAt(iso: string, sentAt: number): void {
  const at = Date.parse(iso);
  assert.ok(at > Date.now(), `expires_at ${iso} is in the future`);
  // Slack for a slow machine: the server computes it after the request was sent.
  assert.ok(at <= sentAt + PRESIGN_SECONDS * 1000 + 30_000, `expires_at ${iso} is within 15 minutes`);
}

async function download(url: string): Promise<{ status: number; bytes: Uint8Array; contentType: string | null }> {
  const res = await fetch(url);
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get("content-type") };
}

async function detail(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, `GET /history/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Uploads `wav`, completes, and checks duration, size, the download and the stats. */
async function roundTrip(t: Tenant, profileId: string, wav: Uint8Array, seconds: number) {
  const { generation, upload } = await createPending(t, profileId);
  await uploadAudio(upload, wav);
  const res = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, "completed");
  assert.equal(res.body.duration, seconds);
  assert.equal(res.body.size_bytes, wav.length);
  assert.equal(res.body.error, null);

  const sentAt = Date.now();
  const got = await detail(t, generation.id);
  assert.equal(got.status, "completed");
  assert.equal(got.duration, seconds);
  assert.equal(got.size_bytes, wav.length);
  assert.equal(typeof got.audio_url, "string");
  const url = new URL(got.audio_url);
  assertNoChecksumParams(url);
  assertExpiresWithinPresignWindow(url);
  assertExpiresAt(got.audio_url_expires_at, sentAt);
  const file = await download(got.audio_url);
  assert.equal(file.status, 200);
  assert.equal(file.bytes.length, wav.length, "downloaded length");
  assert.ok(Buffer.from(file.bytes).equals(Buffer.from(wav)), "downloaded bytes equal the uploaded bytes");
  assert.equal(file.contentType, "audio/wav");
  return got;
}

describe("create", () => {
  test("201 pending, with defaults and a presigned PUT for exactly its audio_path", async () => {
    const { t, profileId } = await setup();
    const sentAt = Date.now();
    const res = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "Hello there" } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { generation: g, upload } = res.body as { generation: Record<string, any>; upload: Upload };
    assert.match(g.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(g.profile_id, profileId);
    assert.equal(g.text, "Hello there");
    assert.equal(g.status, "pending");
    assert.equal(g.language, "en");
    assert.equal(g.engine, "qwen");
    assert.equal(g.duration, null);
    assert.equal(g.seed, null);
    assert.equal(g.instruct, null);
    assert.equal(g.model_size, null);
    assert.equal(g.error, null);
    assert.equal(g.is_favorited, false);
    assert.equal(g.size_bytes, 0);
    assert.ok(Math.abs(Date.parse(g.created_at) - sentAt) < 60_000);
    // Until completion a generation's audio is its upload, under uploads/ (never the served t/ prefix).
    assert.equal(g.audio_path, `uploads/${tenantSegment(t.id)}/${g.id}.wav`);

    assert.equal(upload.method, "PUT");
    assert.deepEqual(upload.headers, {});
    assertExpiresAt(upload.expires_at, sentAt);
    const url = new URL(upload.url);
    assertNoChecksumParams(url);
    assertExpiresWithinPresignWindow(url);
    const path = decodeURIComponent(url.pathname);
    assert.ok(path === `/${bucketName()}/${g.audio_path}` || path === `/${g.audio_path}`, `upload URL path ${path} is the key ${g.audio_path}`);

    const got = await detail(t, g.id);
    assert.equal(got.audio_url, null, "no download URL while pending");
    assert.equal(got.audio_url_expires_at, null);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 1, completed: 0, failed: 0 });
  });

  test("every optional field is stored as sent", async () => {
    const { t, profileId } = await setup();
    const body = { profile_id: profileId, text: "Grüße 🎵", language: "pt-BR", seed: -42, instruct: "whisper", engine: "kokoro.v1_0", model_size: "1.7B" };
    const { generation } = await createPending(t, profileId, body);
    for (const [field, value] of Object.entries(body)) assert.deepEqual(generation[field], value, field);
    assert.deepEqual((await detail(t, generation.id)).text, "Grüße 🎵");
    const big = await createPending(t, profileId, { seed: Number.MAX_SAFE_INTEGER, seed_: undefined });
    assert.equal(big.generation.seed, Number.MAX_SAFE_INTEGER);
  });

  test("without language, the profile's language; with one, as sent", async () => {
    const t = await tenant(api);
    const german = await createProfile(t, undefined, { language: "de" });
    assert.equal((await createPending(t, german.id)).generation.language, "de");
    assert.equal((await createPending(t, german.id, { language: "fr" })).generation.language, "fr");
    assert.equal((await t.json(`/profiles/${german.id}`, { method: "PATCH", body: { language: "es" } })).status, 200);
    assert.equal((await createPending(t, german.id)).generation.language, "es", "the profile's language now, not when it was made");
    await assertStatsMatchRecount(t);
  });

  test("without language, and a profile stored without one: en", async () => {
    const t = await tenant(api);
    const id = await randomId();
    const now = new Date().toISOString();
    await dynamo.send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.profile(t.id, id), entity: "profile", id, name: "Old profile", description: null, created_at: now, updated_at: now } }),
    );
    assert.equal((await createPending(t, id)).generation.language, "en");
  });

  test("Idempotency-Key: a retry that leaves language out matches, even after the profile's language changed", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t, undefined, { language: "de" });
    const headers = { "idempotency-key": `lang-${randomBytes(6).toString("hex")}` };
    const first = await createPending(t, profile.id, { text: "Guten Tag" }, headers);
    assert.equal(first.generation.language, "de");
    // Spelling out the language it defaulted to is the same request.
    assert.equal((await createPending(t, profile.id, { text: "Guten Tag", language: "de" }, headers)).generation.id, first.generation.id);
    assertError(await t.json("/history", { method: "POST", body: { profile_id: profile.id, text: "Guten Tag", language: "fr" }, headers }), 422, "request.idempotency_key_reused");
    assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { language: "fr" } })).status, 200);
    const retry = await createPending(t, profile.id, { text: "Guten Tag" }, headers);
    assert.equal(retry.generation.id, first.generation.id);
    assert.equal(retry.generation.language, "de");
    assertError(await t.json("/history", { method: "POST", body: { profile_id: profile.id, text: "Guten Abend" }, headers }), 422, "request.idempotency_key_reused");
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
  });

  test("an unknown or malformed profile_id is 404 profile.not_found and creates nothing", async () => {
    const { t } = await setup();
    const foreign = (await setup()).profileId;
    for (const profileId of [await randomId(), "not-a-uuid", "00000000-0000-4000-8000-000000000000", foreign]) {
      // Without a language the profile is read; with one, only checked in the transaction.
      for (const language of [undefined, "en"]) {
        assertError(await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "hi", language } }), 404, "profile.not_found");
      }
    }
    assertZeroStats(await getStats(t));
  });

  test("invalid fields are 400 request.invalid naming the field, and create nothing", async () => {
    const { t, profileId } = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ text: "" }, "text"],
      [{ text: "   \n\t" }, "text"],
      [{ text: "x".repeat(50_001) }, "text"],
      [{ text: "lone \uD800 surrogate" }, "text"],
      [{ text: "lone \uDC00 low surrogate" }, "text"],
      [{ text: 42 }, "text"],
      [{ text: undefined }, "text"],
      [{ profile_id: undefined }, "profile_id"],
      [{ seed: 1.5 }, "seed"],
      [{ seed: "7" }, "seed"],
      [{ seed: Number.MAX_SAFE_INTEGER + 2 }, "seed"],
      [{ language: "english!" }, "language"],
      [{ language: "" }, "language"],
      [{ engine: "my engine" }, "engine"],
      [{ engine: "" }, "engine"],
      [{ engine: "e".repeat(65) }, "engine"],
      [{ model_size: "1.7 B" }, "model_size"],
      [{ instruct: "bad \uD83D" }, "instruct"],
      [{ voice: "x" }, "voice"],
      [{ status: "completed" }, "status"],
    ];
    for (const [fields, name] of cases) {
      const body = { profile_id: profileId, text: "Hello", ...fields };
      assertError(await t.json("/history", { method: "POST", body }), 400, "request.invalid", name);
    }
    assertZeroStats(await getStats(t));
  });

  test("text of 20,001 characters is refused", async () => {
    const { t, profileId } = await setup();
    assertError(await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "x".repeat(20_001) } }), 400, "request.invalid", "text");
  });

  test("Idempotency-Key: the same key and body return the same generation, counted once", async () => {
    const { t, profileId } = await setup();
    const headers = { "idempotency-key": `key-${randomBytes(6).toString("hex")}` };
    const first = await createPending(t, profileId, { text: "once" }, headers);
    const second = await createPending(t, profileId, { text: "once" }, headers);
    assert.equal(second.generation.id, first.generation.id);
    assert.equal(new URL(second.upload.url).pathname, new URL(first.upload.url).pathname);
    // The replayed upload URL works: complete through it.
    await uploadAudio(second.upload, await smallWav());
    assert.equal((await t.json(`/history/${first.generation.id}/complete`, { method: "POST" })).status, 200);
    const third = await createPending(t, profileId, { text: "once" }, headers);
    assert.equal(third.generation.id, first.generation.id);
    assert.equal(third.generation.status, "completed");
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
  });

  test("Idempotency-Key: concurrent requests with one key create one generation", async () => {
    const { t, profileId } = await setup();
    const headers = { "idempotency-key": `race-${randomBytes(6).toString("hex")}` };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.json("/history", { method: "POST", body: { profile_id: profileId, text: "race" }, headers })),
    );
    for (const res of results) assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(new Set(results.map((res) => res.body.generation.id)).size, 1);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
  });

  test("Idempotency-Key: the same key with another body is 422 and creates nothing", async () => {
    const { t, profileId } = await setup();
    const headers = { "idempotency-key": "reused-key" };
    const first = await createPending(t, profileId, { text: "first" }, headers);
    assertError(await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "second" }, headers }), 422, "request.idempotency_key_reused");
    assertError(await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "first", seed: 1 }, headers }), 422, "request.idempotency_key_reused");
    // Without the key, or with another key, the same body makes new generations.
    const other = await createPending(t, profileId, { text: "first" }, { "idempotency-key": "another-key" });
    assert.notEqual(other.generation.id, first.generation.id);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 2);
  });

  test("Idempotency-Key: malformed keys are 400", async () => {
    const { t, profileId } = await setup();
    for (const key of ["", "x".repeat(256), "has space"]) {
      const res = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "x" }, headers: { "idempotency-key": key } });
      assertError(res, 400, "request.invalid", "idempotency-key");
    }
    assertZeroStats(await getStats(t));
  });
});

describe("upload and complete", () => {
  test("16-bit mono 24 kHz, 2.5 s: duration and size from the file, exact download", async () => {
    const { t, profileId } = await setup();
    const wav = makeWav({ sampleRate: 24_000, channels: 1, bitsPerSample: 16, frames: 60_000 });
    await roundTrip(t, profileId, wav, 2.5);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_duration_seconds, 2.5);
    assert.equal(stats.total_bytes, wav.length);
  });

  test("stereo 44.1 kHz float32, 1.5 s", async () => {
    const { t, profileId } = await setup();
    await roundTrip(t, profileId, makeWav({ sampleRate: 44_100, channels: 2, format: "float", frames: 66_150 }), 1.5);
    await assertStatsMatchRecount(t);
  });

  test("24-bit mono 48 kHz, 0.75 s", async () => {
    const { t, profileId } = await setup();
    await roundTrip(t, profileId, makeWav({ sampleRate: 48_000, bitsPerSample: 24, frames: 36_000 }), 0.75);
    await assertStatsMatchRecount(t);
  });

  test("extensible 16-bit stereo and a length that rounds to the millisecond", async () => {
    const { t, profileId } = await setup();
    await roundTrip(t, profileId, makeWav({ sampleRate: 22_050, channels: 2, extensible: true, frames: 22_050 }), 1);
    await roundTrip(t, profileId, makeWav({ sampleRate: 24_000, frames: 1_001 }), 0.042);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_duration_seconds, 1.042);
  });

  test("a 5 MB WAV of random samples downloads byte for byte", async () => {
    const { t, profileId } = await setup();
    const wav = makeWav({ sampleRate: 24_000, frames: 2_600_000, fill: () => Math.random() * 2 - 1 });
    assert.ok(wav.length > 5_000_000);
    await roundTrip(t, profileId, wav, 108.333);
    await assertStatsMatchRecount(t);
  });

  test("completing twice returns the same generation and counts it once", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, await smallWav(12_000));
    const first = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    const second = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, first.body);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
    assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 1, failed: 0 });
    assert.equal(stats.total_duration_seconds, 0.5);
  });

  test("concurrent completes count once", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, await smallWav());
    const results = await Promise.all(Array.from({ length: 4 }, () => t.json(`/history/${generation.id}/complete`, { method: "POST" })));
    for (const res of results) assert.equal(res.status, 200, JSON.stringify(res.body));
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 1, failed: 0 });
  });

  test("complete without an upload is 422 audio.missing and stays pending", async () => {
    const { t, profileId } = await setup();
    const { generation } = await createPending(t, profileId);
    const before = await detail(t, generation.id);
    assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 422, "audio.missing");
    assert.deepEqual(await detail(t, generation.id), before);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 1, completed: 0, failed: 0 });
  });

  const good = makeWav({ frames: 24_000 });
  const invalidUploads: [string, () => Uint8Array][] = [
    ["random bytes", () => new Uint8Array(randomBytes(4_000))],
    ["a truncated WAV", () => good.slice(0, Math.floor(good.length / 2))],
    ["a WAV with zero frames", () => makeWav({ frames: 0 })],
    ["MP3-like bytes", () => Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from([0xff, 0xfb, 0x90, 0x64]), randomBytes(2_000)])],
    ["a RIFF header only", () => good.slice(0, 12)],
    ["text", () => new TextEncoder().encode("this is not audio at all")],
  ];
  for (const [name, bytes] of invalidUploads) {
    test(`${name} is 422 audio.invalid, stays pending saying why; a good upload then completes and clears it`, async () => {
      const { t, profileId } = await setup();
      const { generation, upload } = await createPending(t, profileId);
      await uploadAudio(upload, bytes());
      const before = await detail(t, generation.id);
      const statsBefore = await getStats(t);
      const refused = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
      assertError(refused, 422, "audio.invalid");
      const { updated_at: _u, ...pending } = await detail(t, generation.id);
      const { updated_at: _b, ...unchanged } = before;
      assert.deepEqual(pending, { ...unchanged, error: refused.body.detail, error_code: "audio.invalid" }, "only the refusal is recorded");
      assert.deepEqual(await getStats(t), statsBefore);
      await uploadAudio(upload, good);
      const done = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.duration, 1);
      assert.deepEqual([done.body.error, done.body.error_code], [null, null], "completion clears the refusal");
      await assertStatsMatchRecount(t);
    });
  }

  test(
    "an empty upload is 422 audio.invalid, not a server error",
    async () => {
      const { t, profileId } = await setup();
      const { generation, upload } = await createPending(t, profileId);
      await uploadAudio(upload, new Uint8Array(0));
      assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 422, "audio.invalid");
      assert.equal((await detail(t, generation.id)).status, "pending");
      await assertStatsMatchRecount(t);
    },
  );

  const cap = process.env.SONNA_MAX_AUDIO_BYTES;
  test(
    "an upload over the size cap is 413 audio.too_large, and the object is deleted",
    { skip: cap ? false : "the test runner does not set SONNA_MAX_AUDIO_BYTES, so the cap is the 1 GiB default; set it in tests/support/run.ts to enable this test" },
    async () => {
      const limit = Number(cap);
      const { t, profileId } = await setup();
      const { generation, upload } = await createPending(t, profileId);
      const wav = makeWav({ frames: Math.ceil((limit + 1) / 2) });
      assert.ok(wav.length > limit);
      await uploadAudio(upload, wav);
      const statsBefore = await getStats(t);
      assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 413, "audio.too_large");
      assert.equal(await objectExists(generation.audio_path), false);
      const pending = await detail(t, generation.id);
      assert.deepEqual([pending.status, pending.error_code], ["pending", "audio.too_large"]);
      assert.deepEqual(await getStats(t), statsBefore);
    },
  );
});

describe("fail", () => {
  test("fail marks failed with the error and removes uploaded audio; failing again is fine", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, await smallWav());
    const failed = await failGeneration(t, generation.id, "GPU out of memory");
    assert.equal(failed.status, "failed");
    assert.equal(failed.error, "GPU out of memory");
    assert.equal(await objectExists(generation.audio_path), false, "the uploaded audio is removed");
    const again = await t.json(`/history/${generation.id}/fail`, { method: "POST", body: { error: "another reason" } });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, "failed");
    assert.equal(again.body.error, "GPU out of memory", "the first error is kept");
    const got = await detail(t, generation.id);
    assert.equal(got.audio_url, null);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 0, failed: 1 });
  });

  test("failing a generation whose upload was refused replaces the refusal with the failure", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, new TextEncoder().encode("not audio"));
    assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 422, "audio.invalid");
    assert.equal((await detail(t, generation.id)).error_code, "audio.invalid");
    const failed = await failGeneration(t, generation.id, "gave up");
    assert.deepEqual([failed.status, failed.error, failed.error_code], ["failed", "gave up", null]);
    await assertStatsMatchRecount(t);
  });

  test("failing a completed generation is 409 and changes nothing", async () => {
    const { t, profileId } = await setup();
    const done = await createCompleted(t, profileId);
    const before = await detail(t, done.id);
    assertError(await t.json(`/history/${done.id}/fail`, { method: "POST", body: { error: "late" } }), 409, "generation.not_pending");
    const afterwards = await detail(t, done.id);
    assert.deepEqual({ ...afterwards, audio_url: null, audio_url_expires_at: null }, { ...before, audio_url: null, audio_url_expires_at: null });
    assert.ok(await objectExists(done.audio_path));
    await assertStatsMatchRecount(t);
  });

  test("completing a failed generation is 409, even with audio uploaded", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await failGeneration(t, generation.id);
    await uploadAudio(upload, await smallWav());
    assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 409, "generation.not_pending");
    assert.equal((await detail(t, generation.id)).status, "failed");
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 0, failed: 1 });
  });

  test("invalid fail bodies are 400 naming the field", async () => {
    const { t, profileId } = await setup();
    const { generation } = await createPending(t, profileId);
    for (const [body, field] of [
      [{}, "error"],
      [{ error: "" }, "error"],
      [{ error: "  " }, "error"],
      [{ error: "x".repeat(2_001) }, "error"],
      [{ error: "ok", code: 3 }, "code"],
    ] as const) {
      assertError(await t.json(`/history/${generation.id}/fail`, { method: "POST", body }), 400, "request.invalid", field);
    }
    assert.equal((await detail(t, generation.id)).status, "pending");
  });
});

describe("favorite", () => {
  test("POST toggles, PUT sets, DELETE clears; PUT and DELETE are idempotent", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId);
    const fav = (method: string) => t.json(`/history/${g.id}/favorite`, { method });
    const expectState = async (method: string, state: boolean) => {
      const res = await fav(method);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { is_favorited: state });
      assert.equal((await detail(t, g.id)).is_favorited, state);
      assert.equal((await getStats(t)).favorites, state ? 1 : 0);
    };
    await expectState("POST", true);
    await expectState("POST", false);
    await expectState("PUT", true);
    await expectState("PUT", true);
    await expectState("DELETE", false);
    await expectState("DELETE", false);
    await expectState("POST", true);
    await assertStatsMatchRecount(t);
  });

  test("pending and failed generations can be favorited too, and the counter follows", async () => {
    const { t, profileId } = await setup();
    const pending = await createPending(t, profileId);
    const failed = await createPending(t, profileId);
    await failGeneration(t, failed.generation.id);
    for (const id of [pending.generation.id, failed.generation.id]) {
      assert.deepEqual((await t.json(`/history/${id}/favorite`, { method: "PUT" })).body, { is_favorited: true });
    }
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.favorites, 2);
    // A favorite that is deleted leaves the counter.
    assert.equal((await t.json(`/history/${failed.generation.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await assertStatsMatchRecount(t)).stats.favorites, 1);
  });

  test("concurrent toggles leave the counter equal to the flag", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.json(`/history/${g.id}/favorite`, { method: "POST" })));
    for (const res of results) assert.equal(res.status, 200, JSON.stringify(res.body));
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.favorites, (await detail(t, g.id)).is_favorited ? 1 : 0);
    assert.equal((await detail(t, g.id)).is_favorited, true, "five toggles from false end at true");
  });
});

describe("delete", () => {
  test("204, then 404; the audio is gone and the stats drop once", async () => {
    const { t, profileId } = await setup();
    const keep = await createCompleted(t, profileId);
    const g = await createCompleted(t, profileId, { wav: await smallWav(24_000) });
    assert.ok(await objectExists(g.audio_path));
    const res = await t.request(`/history/${g.id}`, { method: "DELETE" });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), "");
    assertError(await t.json(`/history/${g.id}`), 404, "generation.not_found");
    assertError(await t.json(`/history/${g.id}`, { method: "DELETE" }), 404, "generation.not_found");
    assert.equal(await objectExists(g.audio_path), false);
    assert.ok(await objectExists(keep.audio_path));
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
    assert.equal(stats.total_bytes, keep.size_bytes);
  });

  test("two concurrent deletes of one id: exactly one 204", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId);
    const other = await createPending(t, profileId);
    const results = await Promise.all([1, 2].map(() => t.json(`/history/${g.id}`, { method: "DELETE" })));
    const statuses = results.map((res) => res.status).sort();
    assert.deepEqual(statuses, [204, 404], JSON.stringify(results.map((r) => r.body)));
    assertError(results.find((res) => res.status === 404)!, 404, "generation.not_found");
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
    assert.deepEqual(stats.generations_by_status, { pending: 1, completed: 0, failed: 0 });
    assert.ok(other);
  });

  test("five concurrent deletes of one id: exactly one 204", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.json(`/history/${g.id}`, { method: "DELETE" })));
    assert.equal(results.filter((res) => res.status === 204).length, 1, JSON.stringify(results.map((r) => [r.status, r.body])));
    assert.equal(results.filter((res) => res.status === 404).length, 4);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 0);
  });
});

describe("ids", () => {
  test("ids that are not UUIDv7s or belong to nobody are 404 generation.not_found on every id route", async () => {
    const { t } = await setup();
    const ids = [await randomId(), "not-a-uuid", "0", "00000000-0000-4000-8000-000000000000", "01234567-89ab-7def-8123-456789abcdef".toUpperCase(), "%20", "GEN%23x"];
    const routes: [string, (id: string) => string, unknown?][] = [
      ["GET", (id) => `/history/${id}`],
      ["DELETE", (id) => `/history/${id}`],
      ["POST", (id) => `/history/${id}/complete`],
      ["POST", (id) => `/history/${id}/fail`, { error: "x" }],
      ["POST", (id) => `/history/${id}/favorite`],
      ["PUT", (id) => `/history/${id}/favorite`],
      ["DELETE", (id) => `/history/${id}/favorite`],
    ];
    for (const id of ids) {
      for (const [method, path, body] of routes) {
        const res = await t.json(path(id), { method, ...(body ? { body } : {}) });
        assertError(res, 404, "generation.not_found");
      }
    }
  });

  test("an id longer than 64 characters is a 4xx JSON error, never a 5xx", async () => {
    const { t } = await setup();
    const res = await t.json(`/history/${"a".repeat(65)}`);
    assert.ok(res.status === 400 || res.status === 404, `${res.status} ${JSON.stringify(res.body)}`);
    assertError(res, res.status, res.status === 400 ? "request.invalid" : "generation.not_found");
  });
});
