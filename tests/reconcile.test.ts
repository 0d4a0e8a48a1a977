// Reconcile: records and objects changed behind the service's back are brought back in line, with
// stats that still equal a recount, and nothing young (an upload still in flight) is touched.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { VisibleError } from "@sonna/core/errors";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import { requestReconcile } from "@sonna/core/maintenance/jobs";
import { RECONCILE_MIN_AGE_MS } from "@sonna/core/maintenance/reconcile";
import { bucketName, tableName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  objectExists,
  randomId,
  smallWav,
  uploadAudio,
  waitForJob,
  type GenerationBody,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const removeObject = (key: string) => s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: key }));
const putObject = (key: string, body: Uint8Array | string) => s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body }));

/** Runs reconcile as a job through the in-process runner, with `min_age_ms` (core and tests only). */
async function reconcile(t: Tenant, minAgeMs: number) {
  const job = await requestReconcile(t.id, { minAgeMs });
  assert.equal(job.type, "reconcile");
  return (await waitForJob(t, job.id)).result;
}

async function get(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, `GET /history/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Adds a processed version; uploads `wav` to it and completes it unless `wav` is null. */
async function addVersion(t: Tenant, g: GenerationBody, wav: Uint8Array | null, complete = true) {
  const res = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "processed", effects_chain: [] } });
  assert.equal(res.status, 201, `create version: ${res.status} ${JSON.stringify(res.body)}`);
  if (wav) await uploadAudio(res.body.upload, wav);
  if (!wav || !complete) return res.body.version as { id: string; audio_path: string };
  const done = await t.json(`/history/${g.id}/versions/${res.body.version.id}/complete`, { method: "POST" });
  assert.equal(done.status, 200);
  // Completed, the version's audio is the inspected copy, no longer the upload.
  return (done.body.versions as { id: string; audio_path: string }[]).find((v) => v.id === res.body.version.id)!;
}

const original = (g: Record<string, any>): { id: string } => (g.versions as { id: string; audio_path: string }[]).find((v) => v.audio_path === g.audio_path)!;

describe("reconcile", () => {
  test("fixes every kind of drift, with the counts in the job result and stats equal to a recount", async () => {
    const [t, neighbour] = [await tenant(api), await tenant(api)];
    const p = await createProfile(t);
    const wav = await smallWav();
    const versionWav = await smallWav(3_000);

    // (a) a completed generation whose audio vanished, and a processed (default) version whose audio vanished
    const lostAudio = await createCompleted(t, p.id);
    await removeObject(lostAudio.audio_path);
    const lostVersion = await createCompleted(t, p.id);
    const gone = await addVersion(t, lostVersion, versionWav);
    const kept = await addVersion(t, lostVersion, versionWav);
    assert.equal((await t.json(`/history/${lostVersion.id}/versions/${gone.id}/default`, { method: "PUT" })).status, 200);
    await removeObject(gone.audio_path);
    // (c) pending generations: never uploaded; uploaded but never completed (its notification lost); uploaded junk
    const neverUploaded = (await createPending(t, p.id)).generation;
    const landed = await createPending(t, p.id);
    await uploadAudio(landed.upload, wav);
    const junk = await createPending(t, p.id);
    await uploadAudio(junk.upload, new TextEncoder().encode("this is not a wav file at all"));
    // ...and pending versions: one never uploaded, one uploaded but never completed
    const withPendingVersions = await createCompleted(t, p.id);
    const abandonedVersion = await addVersion(t, withPendingVersions, null);
    const landedVersion = await addVersion(t, withPendingVersions, versionWav, false);
    // (b) objects no record claims: a generation's and a version's; plus a key that is not ours to judge
    const strayGeneration = objectKeys.audio(t.id, await randomId(), await randomId());
    const strayVersion = objectKeys.audio(t.id, withPendingVersions.id, await randomId());
    const notAudio = `${objectKeys.tenantPrefix(t.id)}notes/readme.txt`;
    for (const key of [strayGeneration, strayVersion]) await putObject(key, wav);
    await putObject(notAudio, "hello");
    // untouched: a healthy generation here, and another tenant's stray object
    const healthy = await createCompleted(t, p.id);
    // (b) an upload nothing will use: a second PUT after completion whose event was lost (the
    // bucket's expiry removes these on AWS; reconcile locally, or if the expiry lags)
    const lateUpload = objectKeys.generationUpload(t.id, healthy.id);
    await putObject(lateUpload, wav);
    const neighbourStray = objectKeys.audio(neighbour.id, await randomId(), await randomId());
    await putObject(neighbourStray, wav);
    await assertStatsMatchRecount(t);

    const result = await reconcile(t, 0);
    assert.deepEqual(result, {
      missing_audio: 1,
      missing_versions: 1,
      orphans_deleted: 3,
      stale_pending: 2,
      stale_pending_versions: 1,
      recovered_uploads: 2,
      examined_generations: 7,
      examined_objects: 10,
      unrecognized_objects: 1,
    });

    const failed = await get(t, lostAudio.id);
    assert.equal(failed.status, "failed");
    assert.equal(failed.error, "audio missing");
    assert.equal(failed.size_bytes, 0);
    assert.equal(failed.duration, null);
    assert.deepEqual(failed.versions, []);
    assert.equal(failed.audio_url, null);

    const trimmed = await get(t, lostVersion.id);
    assert.equal(trimmed.status, "completed");
    assert.deepEqual(trimmed.versions.map((v: { id: string }) => v.id).sort(), [original(lostVersion).id, kept.id].sort());
    assert.equal(trimmed.active_version_id, original(lostVersion).id, "the default falls back to the original");
    assert.equal(await objectExists(kept.audio_path), true);

    const never = await get(t, neverUploaded.id);
    assert.deepEqual([never.status, never.error], ["failed", "upload never completed"]);
    const recovered = await get(t, landed.generation.id);
    assert.equal(recovered.status, "completed");
    assert.equal(recovered.size_bytes, wav.byteLength);
    const refused = await get(t, junk.generation.id);
    assert.deepEqual([refused.status, refused.error], ["failed", "upload never completed"]);
    assert.equal(await objectExists(junk.generation.audio_path), false, "the junk upload is deleted");

    const versions = (await get(t, withPendingVersions.id)).versions as { id: string; status: string }[];
    assert.equal(versions.find((v) => v.id === abandonedVersion.id), undefined);
    assert.equal(versions.find((v) => v.id === landedVersion.id)?.status, "completed");

    for (const key of [strayGeneration, strayVersion, lateUpload]) assert.equal(await objectExists(key), false, `${key} should be deleted`);
    assert.equal(await objectExists(notAudio), true, "keys that are not audio keys are never touched");
    assert.equal(await objectExists(neighbourStray), true, "another tenant's objects are out of reach");
    assert.equal((await get(t, healthy.id)).status, "completed");
    assert.equal(await objectExists(healthy.audio_path), true);

    await assertStatsMatchRecount(t);

    // Everything is in line now: a second run changes nothing.
    const again = await reconcile(t, 0);
    assert.deepEqual(
      { ...again, examined_objects: 0 },
      { missing_audio: 0, missing_versions: 0, orphans_deleted: 0, stale_pending: 0, stale_pending_versions: 0, recovered_uploads: 0, examined_generations: 7, examined_objects: 0, unrecognized_objects: 1 },
    );
    await assertStatsMatchRecount(t);
  });

  test("deletes the objects of records deleted behind the service's back", async () => {
    // DeleteItem straight on the table skips the counters, so this tenant's stats are broken by
    // design and not checked; only the orphaned objects are.
    const t = await tenant(api);
    const p = await createProfile(t);
    const g = await createCompleted(t, p.id);
    const version = await addVersion(t, g, await smallWav(2_000));
    const survivor = await createCompleted(t, p.id);
    await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: keys.generation(t.id, g.id) }));

    const result = await reconcile(t, 0);
    assert.equal(result.orphans_deleted, 2);
    assert.equal(result.missing_audio, 0);
    assert.equal(await objectExists(g.audio_path), false);
    assert.equal(await objectExists(version.audio_path), false);
    assert.equal(await objectExists(survivor.audio_path), true);
  });

  test("with the default age of a day, nothing that may still be in flight is touched", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const waiting = (await createPending(t, p.id)).generation;
    const uploading = await createPending(t, p.id);
    await uploadAudio(uploading.upload, await smallWav());
    const stray = objectKeys.audio(t.id, await randomId(), await randomId());
    await putObject(stray, await smallWav());
    const strayUpload = objectKeys.generationUpload(t.id, await randomId());
    await putObject(strayUpload, await smallWav());
    const lost = await createCompleted(t, p.id);
    await removeObject(lost.audio_path);

    // The API route: 202 with the job, and no say over the age.
    assertError(await t.json("/maintenance/reconcile", { method: "POST", body: { min_age_ms: 0 } }), 400, "request.invalid");
    const res = await t.json("/maintenance/reconcile", { method: "POST" });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.type, "reconcile");
    assert.equal(res.headers.get("location"), `/jobs/${res.body.id}`);
    const { result } = await waitForJob(t, res.body.id);
    assert.equal(result.missing_audio, 1, "missing audio needs no waiting");
    assert.deepEqual([result.stale_pending, result.recovered_uploads, result.orphans_deleted], [0, 0, 0]);
    assert.equal((await get(t, waiting.id)).status, "pending");
    assert.equal((await get(t, uploading.generation.id)).status, "pending");
    assert.equal(await objectExists(uploading.generation.audio_path), true);
    assert.equal(await objectExists(stray), true);
    assert.equal(await objectExists(strayUpload), true);
    await assertStatsMatchRecount(t);

    // The route needs a token like every other.
    const anonymous = await fetch(new URL("/maintenance/reconcile", api.baseUrl), { method: "POST" });
    assert.equal(anonymous.status, 401);
    await anonymous.arrayBuffer();
  });

  test("min_age_ms must be a number of milliseconds ≥ 0", async () => {
    const t = await tenant(api);
    assert.equal(RECONCILE_MIN_AGE_MS, 24 * 3600 * 1000);
    await assert.rejects(requestReconcile(t.id, { minAgeMs: -1 }), (error: unknown) => error instanceof VisibleError && error.status === 400);
    await assert.rejects(requestReconcile(t.id, { minAgeMs: Number.NaN }), VisibleError);
    // A job recorded with bad params by other means fails with the reason, without retries.
    const job = await enqueueJob(t.id, "reconcile", { min_age_ms: "0" });
    for (let i = 0; ; i++) {
      const res = await t.json(`/jobs/${job.id}`);
      if (res.body.status === "failed") {
        assert.match(res.body.error, /min_age_ms/);
        assert.equal(res.body.attempts, 1);
        break;
      }
      assert.ok(i < 400, `job still ${res.body.status}`);
      await new Promise((wake) => setTimeout(wake, 25));
    }
  });
});
