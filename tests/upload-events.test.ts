// The S3 upload notification handler (packages/functions/src/upload-events.ts), fed events of the
// exact shape S3 sends after a real PUT to a presigned URL: it completes the pending generation or
// version the key belongs to, races safely with the client's own complete call, leaves bad audio
// pending without throwing but saying why (until a later upload completes it), removes uploads
// nothing will use (a PUT after completion, an upload for a gone generation), and ignores every
// key it did not hand out.
//   npx tsx tests/support/run.ts tests/upload-events.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import { keyOfUrl } from "./support/events";
import { interpose } from "./support/faults";
import { assertStatsMatchRecount, createCompleted, createPending, createProfile, getStats, objectExists, tenantWithProfile, uploadAudio, type Upload } from "./support/fixtures";

type Handler = (event: unknown) => Promise<void>;
let api: Api;
let handler: Handler;

// A small upload cap for this file's process, so "over the cap" needs 100 KB, not 1 GiB. It must
// be set before the app (and with it packages/core/src/limits.ts) is first imported by startApi().
const CAP = 100_000;
process.env.SONNA_MAX_AUDIO_BYTES = String(CAP);

before(async () => {
  api = await startApi();
  const { limits } = await import("@sonna/core/limits");
  assert.equal(limits.maxAudioBytes, CAP, "the lowered cap is in effect");
  handler = (await import("@sonna/functions/upload-events")).handler as Handler;
});
after(() => api?.close());

const wav = (n: number) => makeWav({ frames: 2_500 + 100 * n, fill: (i) => 0.2 * Math.sin(i / (5 + n)) });

async function aws() {
  const { s3 } = await import("@sonna/core/storage/client");
  const { bucketName } = await import("@sonna/core/resources");
  return { s3, bucket: bucketName() };
}

const keyOf = (upload: Upload) => keyOfUrl(upload.url);

/** How S3 writes a key into a notification: URL-encoded, spaces as '+', '/' left as is. */
const s3EncodeKey = (key: string) => key.split("/").map((part) => encodeURIComponent(part).replace(/%20/g, "+")).join("/");

/** One ObjectCreated:Put record, as S3 sends it (fields from the S3 event message structure, version 2.1). */
async function s3Event(key: string, options: { eventName?: string; encodedKey?: string } = {}) {
  const { s3, bucket } = await aws();
  let size = 0;
  let eTag = "d41d8cd98f00b204e9800998ecf8427e";
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    size = head.ContentLength ?? 0;
    eTag = (head.ETag ?? eTag).replace(/"/g, "");
  } catch {
    // An event for a key that is gone by now: S3 still delivers it.
  }
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "us-east-1",
    eventTime: new Date().toISOString(),
    eventName: options.eventName ?? "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: { "x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD" },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "upload-events",
      bucket: { name: bucket, ownerIdentity: { principalId: "A3NL1KOZZKExample" }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: options.encodedKey ?? s3EncodeKey(key), size, eTag, sequencer: "0055AED6DCD90281E5" },
    },
  };
}

const notify = async (...records: unknown[]) => handler({ Records: records });

async function generationOf(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** A pending generation whose WAV has been PUT to its presigned URL, but not completed. */
async function uploadedPending(t: Tenant, profileId: string, bytes = wav(1)) {
  const { generation, upload } = await createPending(t, profileId);
  await uploadAudio(upload, bytes);
  return { id: generation.id as string, key: keyOf(upload), bytes };
}

const setup = () => tenantWithProfile(api);

describe("completes what was uploaded", () => {
  test("a generation: after a real PUT, the event completes it with the file's size and duration", async () => {
    const { t, profileId } = await setup();
    const { id, key, bytes } = await uploadedPending(t, profileId);
    assert.equal((await generationOf(t, id)).status, "pending");
    assert.equal((await notify(await s3Event(key))) as unknown, undefined);
    const g = await generationOf(t, id);
    assert.equal(g.status, "completed");
    assert.equal(g.size_bytes, bytes.length);
    assert.equal(g.duration, Math.round((2_600 / 24_000) * 1000) / 1000);
    assert.equal(g.versions.length, 1);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 1, failed: 0 });
    // A repeated delivery (S3 delivers at least once) changes nothing.
    await notify(await s3Event(key));
    assert.deepEqual(await getStats(t), stats);
  });

  test("a version: the event completes the pending version", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId, { wav: wav(0) });
    const created = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "denoised", effects_chain: [{ type: "denoise", params: { strength: 0.4 } }] } });
    assert.equal(created.status, 201);
    const bytes = wav(4);
    await uploadAudio(created.body.upload, bytes);
    await notify(await s3Event(keyOf(created.body.upload)));
    const version = (await generationOf(t, g.id)).versions.find((v: any) => v.id === created.body.version.id);
    assert.equal(version.status, "completed");
    assert.equal(version.size_bytes, bytes.length);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_bytes, wav(0).length + bytes.length);
  });

  test("a key with every character percent-encoded is decoded", async () => {
    const { t, profileId } = await setup();
    const { id, key } = await uploadedPending(t, profileId);
    const encoded = [...key].map((c) => (c === "/" ? c : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)).join("");
    await notify(await s3Event(key, { encodedKey: encoded }));
    assert.equal((await generationOf(t, id)).status, "completed");
  });

  test("several records in one event: each is handled, a bad one does not stop the others", async () => {
    const { t, profileId } = await setup();
    const good = await uploadedPending(t, profileId);
    const bad = await uploadedPending(t, profileId, new Uint8Array(Buffer.from("not a wav, not even close")));
    const alsoGood = await uploadedPending(t, profileId, wav(2));
    await notify(await s3Event(bad.key), await s3Event(good.key), await s3Event("unrelated/thing.txt"), await s3Event(alsoGood.key));
    assert.equal((await generationOf(t, good.id)).status, "completed");
    assert.equal((await generationOf(t, alsoGood.id)).status, "completed");
    assert.equal((await generationOf(t, bad.id)).status, "pending");
    await assertStatsMatchRecount(t);
  });
});

describe("races with the client's complete", () => {
  test("event and POST /complete at once complete each generation once (stats counted once)", async () => {
    const { t, profileId } = await setup();
    const uploads = await Promise.all([1, 2, 3, 4].map((n) => uploadedPending(t, profileId, wav(n))));
    const results = await Promise.all(
      uploads.flatMap(({ id, key }) => [
        s3Event(key).then((event) => notify(event)),
        t.json(`/history/${id}/complete`, { method: "POST" }),
        s3Event(key).then((event) => notify(event)),
        t.json(`/history/${id}/complete`, { method: "POST" }),
      ]),
    );
    for (const res of results) if (res) assert.equal((res as { status: number }).status, 200, JSON.stringify(res));
    for (const { id, bytes } of uploads) {
      const g = await generationOf(t, id);
      assert.equal(g.status, "completed");
      assert.equal(g.versions.length, 1, "one original version, not two");
      assert.equal(g.size_bytes, bytes.length);
    }
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 0, completed: 4, failed: 0 });
    assert.equal(stats.total_bytes, uploads.reduce((sum, u) => sum + u.bytes.length, 0));
  });

  test("event and POST .../versions/{vid}/complete at once complete the version once", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId, { wav: wav(0) });
    const created = await Promise.all([1, 2, 3].map((n) => t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: `v${n}`, effects_chain: [] } })));
    const sizes: number[] = [];
    for (const [i, c] of created.entries()) {
      assert.equal(c.status, 201);
      const bytes = wav(5 + i);
      sizes.push(bytes.length);
      await uploadAudio(c.body.upload, bytes);
    }
    await Promise.all(
      created.flatMap((c) => [
        s3Event(keyOf(c.body.upload)).then((event) => notify(event)),
        t.json(`/history/${g.id}/versions/${c.body.version.id}/complete`, { method: "POST" }).then((res) => assert.equal(res.status, 200, JSON.stringify(res.body))),
      ]),
    );
    const after = await generationOf(t, g.id);
    assert.deepEqual(after.versions.map((v: any) => v.status), ["completed", "completed", "completed", "completed"]);
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_bytes, wav(0).length + sizes.reduce((a, b) => a + b, 0));
  });
});

describe("refuses quietly", () => {
  test("an invalid WAV leaves the generation pending and the handler does not throw", async () => {
    const { t, profileId } = await setup();
    const garbage = await uploadedPending(t, profileId, new Uint8Array(Buffer.from("RIFF\x10\x00\x00\x00WAVEfmt garbage")));
    const truncated = await uploadedPending(t, profileId, wav(3).subarray(0, 500));
    await notify(await s3Event(garbage.key));
    await notify(await s3Event(truncated.key));
    assert.equal((await generationOf(t, garbage.id)).status, "pending");
    assert.equal((await generationOf(t, truncated.id)).status, "pending");
    // The client's complete gives the reason; a fixed upload then completes through the event.
    const res = await t.json(`/history/${garbage.id}/complete`, { method: "POST" });
    assert.equal(res.status, 422);
    const { s3, bucket } = await aws();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: garbage.key, Body: wav(1) }));
    await notify(await s3Event(garbage.key));
    assert.equal((await generationOf(t, garbage.id)).status, "completed");
    await assertStatsMatchRecount(t);
  });

  test("an event for a generation that no longer exists, or a key with no record, does not throw", async () => {
    const { t, profileId } = await setup();
    const { id, key } = await uploadedPending(t, profileId);
    const res = await t.request(`/history/${id}`, { method: "DELETE" });
    assert.equal(res.status, 204);
    await notify(await s3Event(key));
    const nobody = key.replace(/audio\/[0-9a-f-]{36}\.wav$/, "audio/01900000-0000-7000-8000-000000000000.wav");
    await notify(await s3Event(nobody));
    assert.equal((await t.json(`/history/${id}`)).status, 404);
  });
});

describe("refusals say why", () => {
  const put = async (key: string, body: Uint8Array) => {
    const { s3, bucket } = await aws();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  };
  const refusalOf = async (t: Tenant, id: string) => {
    const g = await generationOf(t, id);
    return { status: g.status, error: g.error, error_code: g.error_code };
  };

  test("a refused upload leaves the generation pending with the refusal's detail and code; a later upload completes it and clears both", async () => {
    const { t, profileId } = await setup();
    const { id, key } = await uploadedPending(t, profileId, new Uint8Array(Buffer.from("not a wav, not even close")));
    await notify(await s3Event(key));
    const first = await refusalOf(t, id);
    assert.equal(first.status, "pending");
    assert.equal(first.error_code, "audio.invalid");
    assert.match(first.error, /not a usable WAV file/);
    // Another refused upload replaces the reason.
    await put(key, wav(3).subarray(0, 500));
    await notify(await s3Event(key));
    const second = await refusalOf(t, id);
    assert.equal(second.error_code, "audio.invalid");
    assert.notEqual(second.error, first.error);
    // A repeated delivery records nothing new.
    const before = await generationOf(t, id);
    await notify(await s3Event(key));
    assert.equal((await generationOf(t, id)).updated_at, before.updated_at);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 1, completed: 0, failed: 0 });
    await put(key, wav(1));
    await notify(await s3Event(key));
    assert.deepEqual(await refusalOf(t, id), { status: "completed", error: null, error_code: null });
    await assertStatsMatchRecount(t);
  });

  test("over the size cap: audio.too_large, and the oversized upload is deleted", async () => {
    const { t, profileId } = await setup();
    const big = makeWav({ frames: 60_000 });
    assert.ok(big.length > CAP);
    const { id, key } = await uploadedPending(t, profileId, big);
    await notify(await s3Event(key));
    const refused = await refusalOf(t, id);
    assert.deepEqual([refused.status, refused.error_code], ["pending", "audio.too_large"]);
    assert.match(refused.error, new RegExp(String(CAP)));
    assert.equal(await objectExists(key), false);
    await put(key, wav(2));
    await notify(await s3Event(key));
    assert.deepEqual(await refusalOf(t, id), { status: "completed", error: null, error_code: null });
  });

  test("over quota: quota.exceeded is recorded; the upload stays and completes once there is room", async () => {
    const { t, profileId } = await setup();
    await createCompleted(t, profileId, { wav: wav(0) });
    const used = (await getStats(t)).total_bytes;
    assert.equal((await t.json("/settings", { method: "PUT", body: { quota_bytes: used + 1_000 } })).status, 200);
    const { id, key } = await uploadedPending(t, profileId);
    await notify(await s3Event(key));
    const refused = await refusalOf(t, id);
    assert.deepEqual([refused.status, refused.error_code], ["pending", "quota.exceeded"]);
    assert.match(refused.error, /quota/);
    assert.equal(await objectExists(key), true, "the upload waits for room");
    await assertStatsMatchRecount(t);
    assert.equal((await t.json("/settings", { method: "PUT", body: { quota_bytes: null } })).status, 200);
    await notify(await s3Event(key));
    assert.deepEqual(await refusalOf(t, id), { status: "completed", error: null, error_code: null });
    await assertStatsMatchRecount(t);
  });

  test("a version's refused upload is recorded on the version, not on its generation", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId, { wav: wav(0) });
    const created = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "broken", effects_chain: [] } });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.version.error, created.body.version.error_code], [null, null]);
    const key = keyOf(created.body.upload);
    await put(key, new Uint8Array(Buffer.from("RIFF....WAVEnot really a wav at all")));
    await notify(await s3Event(key));
    const after = await generationOf(t, g.id);
    const version = after.versions.find((v: any) => v.id === created.body.version.id);
    assert.deepEqual([version.status, version.error_code], ["pending", "audio.invalid"]);
    assert.match(version.error, /not a usable WAV file/);
    assert.deepEqual([after.error, after.error_code], [null, null]);
    assert.ok(after.versions.filter((v: any) => v.id !== version.id).every((v: any) => v.error === null && v.error_code === null));
    await put(key, wav(5));
    await notify(await s3Event(key));
    const done = (await generationOf(t, g.id)).versions.find((v: any) => v.id === version.id);
    assert.deepEqual([done.status, done.error, done.error_code], ["completed", null, null]);
    await assertStatsMatchRecount(t);
  });

  test("a refusal of an upload replaced before it is recorded is not recorded: the new upload decides", async () => {
    const { t, profileId } = await setup();
    const { id, key } = await uploadedPending(t, profileId, new Uint8Array(Buffer.from("not a wav, not even close")));
    const event = await s3Event(key);
    // The refusal is decided on the first upload; just before it checks that this upload is still
    // the one at the key (the completion's second HEAD of it), another lands.
    const { s3 } = await aws();
    let heads = 0;
    const race = interpose(s3, (command, input) => command === "HeadObjectCommand" && input.Key === key && ++heads === 2, () => put(key, wav(3).subarray(0, 500)));
    await notify(event);
    assert.equal(race.state.hit, 1, "the second upload landed in between");
    assert.deepEqual(await refusalOf(t, id), { status: "pending", error: null, error_code: null });
    // The new upload's own event (or a complete call) records its refusal.
    await notify(await s3Event(key));
    const refused = await t.json(`/history/${id}/complete`, { method: "POST" });
    assert.equal(refused.status, 422);
    assert.deepEqual(await refusalOf(t, id), { status: "pending", error: refused.body.detail, error_code: "audio.invalid" });
  });

  test("a late event for a refused upload does not touch a generation completed since", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, new Uint8Array(Buffer.from("garbage")));
    const late = await s3Event(keyOf(upload));
    await uploadAudio(upload, wav(2));
    assert.equal((await t.json(`/history/${generation.id}/complete`, { method: "POST" })).status, 200);
    const done = await generationOf(t, generation.id);
    await notify(late);
    const unsigned = ({ audio_url: _u, audio_url_expires_at: _e, ...rest }: Record<string, unknown>) => rest;
    assert.deepEqual(unsigned(await generationOf(t, generation.id)), unsigned(done));
    assert.deepEqual([done.error, done.error_code], [null, null]);
  });
});

describe("after completion", () => {
  test("a second PUT through the still-valid upload URL can't swap the inspected audio: it is ignored and removed", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    const first = wav(1);
    await uploadAudio(upload, first);
    const done = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200);
    assert.ok(done.body.audio_path.startsWith("t/") && done.body.audio_path !== keyOf(upload), "served audio is a copy, not the upload key");
    assert.equal(await objectExists(keyOf(upload)), false, "the spent upload is removed");
    const statsBefore = await getStats(t);
    // The same URL, still within its 15 minutes: garbage, 75 times larger. S3 takes it (the URL is
    // valid), but it lands on the upload key, never on the served audio.
    const swapped = new Uint8Array(first.length * 75).fill(0x41);
    await uploadAudio(upload, swapped);
    await notify(await s3Event(keyOf(upload)));
    const again = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(again.status, 200);
    const g = await generationOf(t, generation.id);
    assert.equal(g.audio_path, done.body.audio_path);
    const served = new Uint8Array(await (await fetch(g.audio_url)).arrayBuffer());
    assert.equal(served.length, g.size_bytes, `serves ${served.length} bytes, records ${g.size_bytes}`);
    assert.ok(Buffer.from(served).equals(Buffer.from(first)), "serves the WAV that was inspected");
    assert.deepEqual(await getStats(t), statsBefore);
    assert.equal(await objectExists(keyOf(upload)), false, "the late upload is removed");
    await assertStatsMatchRecount(t);
  });

  test("a version's second PUT after completion is ignored and removed too", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId, { wav: wav(0) });
    const created = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "v", effects_chain: [] } });
    const bytes = wav(6);
    await uploadAudio(created.body.upload, bytes);
    await notify(await s3Event(keyOf(created.body.upload)));
    const before = (await generationOf(t, g.id)).versions.find((v: any) => v.id === created.body.version.id);
    assert.equal(before.status, "completed");
    await uploadAudio(created.body.upload, new Uint8Array(bytes.length * 3).fill(7));
    await notify(await s3Event(keyOf(created.body.upload)));
    const after = (await generationOf(t, g.id)).versions.find((v: any) => v.id === created.body.version.id);
    assert.deepEqual(after, before);
    assert.equal(await objectExists(keyOf(created.body.upload)), false);
    const { s3, bucket } = await aws();
    const served = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: after.audio_path }))).Body!.transformToByteArray();
    assert.ok(Buffer.from(served).equals(Buffer.from(bytes)));
    await assertStatsMatchRecount(t);
  });
});

describe("while pending", () => {
  test("the last upload wins, whichever event comes first", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, wav(1));
    const event = await s3Event(keyOf(upload));
    const last = wav(7);
    await uploadAudio(upload, last);
    // The first PUT's event arrives after the second PUT: it completes with what is there now.
    await notify(event);
    const g = await generationOf(t, generation.id);
    assert.equal(g.size_bytes, last.length);
    const served = new Uint8Array(await (await fetch(g.audio_url)).arrayBuffer());
    assert.ok(Buffer.from(served).equals(Buffer.from(last)));
    await assertStatsMatchRecount(t);
  });

  test("an upload for a generation deleted meanwhile is removed, not kept", async () => {
    const { t, profileId } = await setup();
    const { id, key } = await uploadedPending(t, profileId);
    assert.equal((await t.request(`/history/${id}`, { method: "DELETE" })).status, 204);
    assert.equal(await objectExists(key), false, "deleting the pending generation removed its upload");
    const { s3, bucket } = await aws();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: wav(2) }));
    await notify(await s3Event(key));
    assert.equal(await objectExists(key), false, "a late upload for a gone generation is removed");
  });
});

describe("ignores keys it did not hand out", () => {
  test("t/, exports/, imports/, other shapes and foreign keys never complete anything; only the exact upload key does", async () => {
    const { t, profileId } = await setup();
    const { id, key } = await uploadedPending(t, profileId);
    const segment = key.split("/")[1]!;
    const vid = "01900000-0000-7000-8000-000000000001";
    const others = [
      `exports/${segment}/${id}-abcdefghijklmnop.zip`,
      `imports/${segment}/${id}.zip`,
      `imports/${segment}/${id}/entry-0.wav`,
      // Audio the service writes itself is never an upload.
      `t/${segment}/audio/${id}.wav`,
      `t/${segment}/audio/${id}/${vid}.wav`,
      `x/${key}`,
      `${key}.bak`,
      key.replace(/\.wav$/, ".WAV"),
      key.replace(/\.wav$/, ".mp3"),
      key.replace("uploads/", "upload/"),
      key.replace(/\.wav$/, `/${vid}/extra.wav`),
      key.replace(`uploads/${segment}/`, `uploads/${segment}/uploads/${segment}/`),
      key.replace(id, id.toUpperCase()),
      key.replace(`/${id}.wav`, `/../${id}.wav`),
      `uploads/${segment}/not-a-uuid-at-all-but-36-characters!.wav`,
      "foreign/bucket/object.wav",
      "",
    ];
    for (const other of others) {
      await notify(await s3Event(other));
      assert.equal((await generationOf(t, id)).status, "pending", `an event for ${JSON.stringify(other)} completed it`);
    }
    // Not an ObjectCreated event, and records without a key.
    await notify(await s3Event(key, { eventName: "ObjectRemoved:Delete" }));
    await handler({ Records: [{ eventName: "ObjectCreated:Put" }, {}] });
    await handler({});
    assert.equal((await generationOf(t, id)).status, "pending");
    // Control: the exact key completes it.
    await notify(await s3Event(key));
    assert.equal((await generationOf(t, id)).status, "completed");
  });

  test("a tenant segment that is not canonical base64url is ignored, even when it decodes to the tenant", async () => {
    // 38 bytes of id: the last base64url character carries 2 unused bits, so non-canonical twins exist.
    const t = await tenant(api);
    assert.equal(Buffer.byteLength(t.id) % 3, 2, t.id);
    const profileId = (await createProfile(t)).id;
    const { id, key } = await uploadedPending(t, profileId);
    const segment = key.split("/")[1]!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(segment.at(-1)!);
    const twins = [1, 2, 3].map((bits) => segment.slice(0, -1) + alphabet[last ^ bits]);
    const { s3, bucket } = await aws();
    for (const twin of twins) {
      assert.equal(Buffer.from(twin, "base64url").toString("utf8"), t.id, "the twin decodes to the same tenant");
      assert.notEqual(twin, segment);
    }
    const variants = [...twins, `${segment}=`, `${segment}==`, segment.replace(/-/g, "+").replace(/_/g, "/")].filter((v) => v !== segment);
    for (const variant of variants) {
      const twinKey = key.replace(`uploads/${segment}/`, `uploads/${variant}/`);
      // The object really exists under the twin key, as it would if someone PUT it there.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: twinKey, Body: wav(2) }));
      try {
        await notify(await s3Event(twinKey));
      } finally {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: twinKey }));
      }
      assert.equal((await generationOf(t, id)).status, "pending", `segment ${variant} was taken for ${segment}`);
    }
    await notify(await s3Event(key));
    assert.equal((await generationOf(t, id)).status, "completed");
  });
});
