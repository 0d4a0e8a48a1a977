// Archival compression: audio stored as FLAC gives back its original WAV bytes, byte for byte,
// through every download path; stats, quotas, the sweep, the on-demand job, a crash half-way, and
// every delete leave nothing orphaned.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createHash, randomBytes } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { archiveTenant, archiveVersion, SimulatedCrash } from "@sonna/core/archival/archive";
import { requestReconcile, requestRetention } from "@sonna/core/maintenance/jobs";
import { runSweeps } from "@sonna/core/maintenance/sweeps";
import { getGeneration } from "@sonna/core/generations/repo";
import { objectKeys } from "@sonna/core/storage/keys";
import { makeWav, type MakeWavOptions } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  bucketKeys,
  createCompleted,
  getStats,
  jobsOf,
  oldGeneration,
  putSettings,
  tenantWithProfile,
  waitForJob,
} from "./support/fixtures";
import { decodeToPcm, mp3Frames, wavData } from "./support/audio-headers";
import { drain } from "./support/feed";
import { addVersion, exportLink, exportZip, fetchBytes, sameBytes } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const text = (s: string) => new TextEncoder().encode(s);
/** A LIST/INFO chunk with an odd-sized body (padded in the file). */
const listInfo = () => ({ id: "LIST", data: Uint8Array.from([...text("INFOINAM"), 5, 0, 0, 0, ...text("Sonna"), 0]) });

/** Speech-like enough for FLAC: a few tones with a slow envelope. */
const voice = (rate: number) => (i: number) =>
  0.4 * Math.sin((2 * Math.PI * 180 * i) / rate) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / rate)) + 0.1 * Math.sin((2 * Math.PI * 950 * i) / rate);

/** Every WAV shape the service takes, with what archival should do with it. */
const shapes: { name: string; options: MakeWavOptions; archived: boolean; patch?: (wav: Uint8Array) => Uint8Array }[] = [
  { name: "mono 16-bit 24 kHz, LIST/INFO before and odd chunks after data", archived: true, options: { extraChunks: [listInfo()], chunksAfterData: [{ id: "id3 ", data: text("odd") }, listInfo()] } },
  { name: "stereo 24-bit 44.1 kHz", archived: true, options: { channels: 2, bitsPerSample: 24, sampleRate: 44_100, frames: 22_050 } },
  { name: "8 channels 24-bit 48 kHz, extensible", archived: true, options: { channels: 8, bitsPerSample: 24, sampleRate: 48_000, frames: 9_600, extensible: true } },
  { name: "mono 8-bit 8 kHz stays WAV", archived: false, options: { bitsPerSample: 8, sampleRate: 8_000 } },
  { name: "mono 16-bit 8 kHz", archived: true, options: { sampleRate: 8_000 } },
  { name: "stereo 16-bit 192 kHz with a trailing partial frame", archived: true, options: { channels: 2, sampleRate: 192_000, frames: 48_000, trailingBytes: Uint8Array.from([1, 2, 3]) } },
  {
    name: "placeholder data size (streamed writer)",
    archived: true,
    options: { sampleRate: 16_000, chunksAfterData: [{ id: "junk", data: text("x") }] },
    // 0xffffffff as the data size: the samples run to the end of the file.
    patch: (wav) => {
      const copy = Uint8Array.from(wav);
      const view = new DataView(copy.buffer);
      for (let at = 12; at < copy.length; at += 8 + view.getUint32(at + 4, true)) {
        if (strFromU8(copy.subarray(at, at + 4)) === "data") {
          view.setUint32(at + 4, 0xffffffff, true);
          break;
        }
      }
      return copy;
    },
  },
  { name: "32-bit PCM stays WAV", archived: false, options: { bitsPerSample: 32 } },
  { name: "32-bit float stays WAV", archived: false, options: { format: "float" } },
  { name: "noise FLAC can't shrink stays WAV", archived: false, options: { fill: () => Math.random() * 2 - 1 } },
];

const wavOf = (shape: (typeof shapes)[number]) => {
  const rate = shape.options.sampleRate ?? 24_000;
  const wav = makeWav({ fill: voice(rate), ...shape.options });
  return shape.patch ? shape.patch(wav) : wav;
};

async function archiveNow(t: Tenant, days = 0) {
  const res = await t.json("/maintenance/archive", { method: "POST", body: { older_than_days: days } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.type, "archive");
  return (await waitForJob(t, res.body.id, 120_000)).result;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function detail(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const bulkExport = (t: Tenant, ids: string[]) => bulkExportIn(t, ids, "wav");

async function bulkExportIn(t: Tenant, ids: string[], format: string) {
  const res = await t.json("/history/exports", { method: "POST", body: { ids, format } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = await waitForJob(t, res.body.id, 120_000);
  const entries: Record<string, Uint8Array> = {};
  for (const part of job.result.parts) Object.assign(entries, unzipSync((await fetchBytes(part.url)).bytes));
  return entries;
}

/** Every object the tenant's records own, and the bucket listing of the tenant's prefixes. */
async function ownedAndListed(t: Tenant) {
  const { recount: counted } = await assertStatsMatchRecount(t);
  const owned = new Set<string>();
  for (const item of [...counted.items, ...counted.trashed]) {
    owned.add(item.audio_path);
    for (const v of item.versions ?? []) owned.add(v.audio_path);
  }
  const listed = [...(await bucketKeys(objectKeys.tenantPrefix(t.id))), ...(await bucketKeys(objectKeys.uploadPrefix(t.id)))];
  return { owned, listed };
}

describe("archive then download, byte for byte", () => {
  test("every WAV shape through audio_url, export-audio, the ZIP exports and versions", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const made: { shape: (typeof shapes)[number]; wav: Uint8Array; id: string }[] = [];
    for (const shape of shapes) {
      const wav = wavOf(shape);
      const generation = await createCompleted(t, profileId, { wav, text: shape.name });
      made.push({ shape, wav, id: generation.id as string });
    }
    // A processed version (archived too) that is the default, on the first generation.
    const versionWav = wavOf({ ...shapes[1]!, options: { ...shapes[1]!.options, frames: 4_410 } });
    const versionId = await addVersion(t, made[0]!.id, "warm", [], versionWav);
    assert.equal((await t.json(`/history/${made[0]!.id}/versions/${versionId}/default`, { method: "PUT" })).status, 200);
    const before = await getStats(t);
    assert.equal(before.archived_bytes, 0);

    const result = await archiveNow(t);
    const expectedArchived = made.filter((m) => m.shape.archived).length + 1;
    assert.equal(result.archived, expectedArchived, JSON.stringify(result));
    assert.equal(result.kept_wav, made.length + 1 - expectedArchived);

    const listed = await bucketKeys(objectKeys.tenantPrefix(t.id));
    for (const { shape, wav, id } of made) {
      const item = await detail(t, id);
      const original = item.versions.find((v: { audio_path: string }) => v.audio_path === item.audio_path);
      assert.equal(original.archive.state, shape.archived ? "flac" : "kept_wav", shape.name);
      assert.equal(item.audio_path.endsWith(".flac"), shape.archived, shape.name);
      assert.ok(listed.includes(item.audio_path), `${shape.name}: the stored object is listed`);
      assert.equal(item.size_bytes, wav.length, `${shape.name}: size_bytes stays the WAV's`);
      if (shape.archived) {
        assert.equal(original.archive.sha256, sha256(wav));
        assert.ok(original.archive.stored_bytes < wav.length * 0.9, `${shape.name}: saves 10%`);
        const own = listed.filter((key) => key.includes(`/audio/${id}/`));
        assert.ok(own.length > 0 && own.every((key) => key.endsWith(".flac")), `${shape.name}: only FLAC left: ${own}`);
      } else {
        assert.ok(original.archive.reason, `${shape.name}: says why it stays WAV`);
      }
      if (id === made[0]!.id) continue; // its default is the version, checked below
      assert.equal(item.audio_archived, shape.archived, shape.name);
      sameBytes((await fetchBytes(item.audio_url)).bytes, wav, `${shape.name}: audio_url`);
      const link = await exportLink(t, id, "export-audio");
      assert.equal(link.size_bytes, wav.length);
      sameBytes((await fetchBytes(link.url)).bytes, wav, `${shape.name}: export-audio`);
      sameBytes((await exportZip(t, id)).entries["audio.wav"]!, wav, `${shape.name}: ZIP export`);
    }

    // The first generation: its default is the archived version; its ZIP holds both, as WAV.
    const first = await detail(t, made[0]!.id);
    assert.equal(first.audio_archived, true);
    sameBytes((await fetchBytes(first.audio_url)).bytes, versionWav, "version: audio_url");
    sameBytes((await fetchBytes((await exportLink(t, made[0]!.id, "export-audio")).url)).bytes, versionWav, "version: export-audio");
    const zip = await exportZip(t, made[0]!.id);
    sameBytes(zip.entries["audio.wav"]!, made[0]!.wav, "original in the ZIP");
    const versionEntry = Object.keys(zip.entries).find((name) => name.startsWith("versions/"))!;
    sameBytes(zip.entries[versionEntry]!, versionWav, "version in the ZIP");

    // Bulk export: every generation's audio.wav is its original bytes.
    const bulk = await bulkExport(t, made.map((m) => m.id));
    for (const { shape, wav, id } of made) {
      const name = Object.keys(bulk).find((entry) => entry.endsWith(`/${id}/audio.wav`));
      assert.ok(name, `${shape.name}: in the bulk export`);
      sameBytes(bulk[name]!, wav, `${shape.name}: bulk export`);
    }

    // Stats: what is stored, and what it saved; the recount agrees (bytes as stored).
    const { stats, recount: counted } = await assertStatsMatchRecount(t);
    let archivedBytes = 0;
    let saved = 0;
    for (const item of counted.items) {
      for (const v of item.versions) {
        if (v.archive?.state !== "flac") continue;
        archivedBytes += v.archive.stored_bytes;
        saved += v.size_bytes - v.archive.stored_bytes;
      }
    }
    assert.equal(stats.archived_bytes, archivedBytes);
    assert.equal(stats.bytes_saved, saved);
    assert.equal(stats.bytes_saved, result.bytes_saved);
    assert.equal(stats.total_bytes, before.total_bytes - saved, "bytes count what is stored");

    // A second run finds nothing left to do (kept WAVs are not tried again).
    const again = await archiveNow(t);
    assert.equal(again.archived, 0);
    assert.equal(again.kept_wav, 0);
  });

  test("a restored copy is made once and reused; batch-get does no restore work", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = wavOf(shapes[0]!);
    const { id } = await createCompleted(t, profileId, { wav });
    await archiveNow(t);
    const batch = await t.json("/history/batch-get", { method: "POST", body: { ids: [id] } });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.items[0].audio_url, null);
    assert.equal(batch.body.items[0].audio_archived, true);
    assert.deepEqual(await bucketKeys(objectKeys.restoredPrefix(t.id)), []);
    const first = await detail(t, id);
    const copies = await bucketKeys(objectKeys.restoredPrefix(t.id));
    assert.equal(copies.length, 1);
    const modified = (await fetchBytes(first.audio_url)).res.headers.get("last-modified");
    const second = await detail(t, id);
    assert.equal((await fetchBytes(second.audio_url)).res.headers.get("last-modified"), modified, "the copy is reused, not written again");
  });

  test("archived audio over the in-request size is restored by a job, then served the same way", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    // 30 s of 24 kHz mono: 1.44 MB, over the 1 MiB the test stack restores within a request.
    const wav = makeWav({ frames: 24_000 * 30, fill: voice(24_000) });
    const { id } = await createCompleted(t, profileId, { wav });
    assert.equal((await archiveNow(t)).archived, 1);
    const before = await detail(t, id);
    assert.equal(before.audio_url, null, "no restore work in the request");
    assert.equal(before.audio_archived, true);
    const answer = await t.json(`/history/${id}/export-audio`, { headers: { accept: "application/json" } });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.type, "audio.restore");
    assert.equal(answer.headers.get("location"), `/jobs/${answer.body.id}`);
    assert.equal((await waitForJob(t, answer.body.id, 60_000)).result.restored, true);
    sameBytes((await fetchBytes((await exportLink(t, id, "export-audio")).url)).bytes, wav, "export-audio after the job");
    sameBytes((await fetchBytes((await detail(t, id)).audio_url)).bytes, wav, "audio_url after the job");
    sameBytes((await exportZip(t, id)).entries["audio.wav"]!, wav, "the ZIP streams it at any size");
  });

  test("quotas count the FLAC once archived", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = wavOf(shapes[1]!);
    await createCompleted(t, profileId, { wav });
    await archiveNow(t);
    const stats = await getStats(t);
    assert.ok(stats.quota.used_bytes < wav.length * 0.9);
    // Room for one more WAV of this size only because the first is stored as FLAC.
    await putSettings(t, { quota_bytes: stats.quota.used_bytes + wav.length });
    await createCompleted(t, profileId, { wav });
    const over = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "one too many" } });
    assert.equal(over.status, 201);
    await assertStatsMatchRecount(t);
  });
});

describe("archived audio in other formats", () => {
  test("export-audio and bulk exports transcode from the archive: FLAC of it decodes to the original samples, MP3 plays", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = wavOf(shapes[0]!);
    const { id } = await createCompleted(t, profileId, { wav });
    assert.equal((await archiveNow(t)).archived, 1);
    const flac = await t.json(`/history/${id}/export-audio?format=flac`, { headers: { accept: "application/json" } });
    assert.equal(flac.status, 200, JSON.stringify(flac.body));
    const flacBytes = (await fetchBytes(flac.body.url)).bytes;
    sameBytes(decodeToPcm(flacBytes, 16), wavData(wav), "the FLAC transcode of an archive");
    assert.deepEqual(await bucketKeys(objectKeys.restoredPrefix(t.id)), [], "a transcode reads the archive, no restored copy is written");
    const entries = await bulkExportIn(t, [id], "mp3");
    const mp3 = Object.entries(entries).find(([name]) => name.endsWith(".mp3"));
    assert.ok(mp3, `an .mp3 entry among ${Object.keys(entries).join(", ")}`);
    assert.ok(mp3Frames(mp3[1]).length > 0);
  });
});

describe("when archiving runs", () => {
  test("the daily sweep archives per archive_after_days; null never archives", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const idle = await tenantWithProfile(api);
    const wav = wavOf(shapes[0]!);
    const { id } = await createCompleted(t, profileId, { wav });
    await createCompleted(idle.t, idle.profileId, { wav });
    assert.equal((await putSettings(t, { archive_after_days: 0 })).archive_after_days, 0);
    assert.equal((await t.json("/settings")).body.archive_after_days, 0);
    assert.equal((await idle.t.json("/settings")).body.archive_after_days, null);
    const ids = new Set([t.id, idle.t.id]);
    const swept = await runSweeps({ tenants: (tenantId) => ids.has(tenantId) });
    assert.equal(swept.archive_jobs, 1);
    assert.deepEqual((await jobsOf(idle.t.id)).filter((j) => j.type === "archive"), []);
    const [job] = (await jobsOf(t.id)).filter((j) => j.type === "archive");
    assert.ok(job, "the sweep queued an archive job");
    assert.deepEqual(job.params, { older_than_days: 0 });
    await waitForJob(t, job.id, 120_000);
    assert.ok((await detail(t, id)).audio_path.endsWith(".flac"));
    assert.deepEqual((await bucketKeys(objectKeys.tenantPrefix(idle.t.id))).filter((key) => key.endsWith(".flac")), []);
  });

  test("a run past its time budget stops with `more` and the rest is archived by the next", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const { id } = await createCompleted(t, profileId, { wav: wavOf(shapes[0]!) });
    const stopped = await archiveTenant(t.id, 0, { stopAt: Date.now() });
    assert.equal(stopped.more, true);
    assert.equal(stopped.archived, 0);
    assert.equal((await archiveNow(t)).more, false);
    assert.ok((await detail(t, id)).audio_path.endsWith(".flac"));
  });

  test("the change feed shows the archived generation (its new audio_path and archive), and a mirror of it serves the same", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const { id } = await createCompleted(t, profileId, { wav: wavOf(shapes[0]!) });
    const { cursor } = await drain(t);
    await archiveNow(t);
    const { changes } = await drain(t, cursor, 50);
    const upserts = changes.filter((c) => c.type === "generation.upserted" && c.id === id);
    assert.equal(upserts.length, 1, JSON.stringify(changes.map((c) => `${c.type} ${c.id}`)));
    const { audio_archived: _archived, audio_url: _url, audio_url_expires_at: _expires, profile_name: _name, ...now } = await detail(t, id);
    assert.deepEqual(upserts[0]!.data, now);
    assert.equal(upserts[0]!.data.versions[0].archive.state, "flac");
  });

  test("older_than_days spares younger audio", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const { id } = await createCompleted(t, profileId, { wav: wavOf(shapes[0]!) });
    const result = await archiveNow(t, 1);
    assert.equal(result.archived, 0);
    assert.ok((await detail(t, id)).audio_path.endsWith(".wav"));
  });

  test("bad requests: negative, fractional, wrong type, missing, extra fields; settings alike", async () => {
    const { t } = await tenantWithProfile(api);
    for (const body of [{ older_than_days: -1 }, { older_than_days: 1.5 }, { older_than_days: "3" }, { older_than_days: null }, {}, { older_than_days: 1, tenant: "x" }]) {
      const res = await t.json("/maintenance/archive", { method: "POST", body });
      assertError(res, 400, "request.invalid");
    }
    for (const archive_after_days of [-1, "7", 2.5]) {
      assertError(await t.json("/settings", { method: "PUT", body: { archive_after_days } }), 400, "request.invalid");
    }
    const anonymous = await fetch(`${api.baseUrl}/maintenance/archive`, { method: "POST", body: JSON.stringify({ older_than_days: 0 }), headers: { "content-type": "application/json" } });
    assert.equal(anonymous.status, 401);
  });

  test("another tenant's archive job touches only its own audio", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const other = await tenant(api);
    const { id } = await createCompleted(t, profileId, { wav: wavOf(shapes[0]!) });
    const result = await archiveNow(other);
    assert.equal(result.archived, 0);
    assert.ok((await detail(t, id)).audio_path.endsWith(".wav"));
    assert.equal((await other.json(`/history/${id}/export-audio`)).status, 404);
  });
});

describe("crash safety and clean-up", () => {
  async function reconcileNow(t: Tenant) {
    const job = await requestReconcile(t.id, { minAgeMs: 0 });
    return (await waitForJob(t, job.id, 60_000)).result;
  }

  for (const crashAt of ["flac_written", "recorded"] as const) {
    test(`a crash after ${crashAt.replace("_", " ")} leaves exactly one usable copy; reconcile removes the other`, async () => {
      const { t, profileId } = await tenantWithProfile(api);
      const wav = wavOf(shapes[0]!);
      const { id } = await createCompleted(t, profileId, { wav });
      const item = await getGeneration(t.id, id);
      await assert.rejects(archiveVersion(t.id, id, item.versions[0]!, crashAt), SimulatedCrash);

      const now = await detail(t, id);
      assert.equal(now.audio_path.endsWith(".flac"), crashAt === "recorded", "the record points at one copy");
      sameBytes((await fetchBytes(now.audio_url)).bytes, wav, "the copy the record names serves the original bytes");
      const { owned, listed } = await ownedAndListed(t);
      const stray = listed.filter((key) => !owned.has(key));
      assert.equal(stray.length, 1, `one unowned copy left: ${stray}`);

      const result = await reconcileNow(t);
      assert.equal(result.orphans_deleted, 1);
      assert.equal(result.missing_audio, 0);
      const after = await ownedAndListed(t);
      assert.deepEqual(after.listed.sort(), [...after.owned].filter((key) => after.listed.includes(key)).sort());
      assert.ok(after.listed.includes(now.audio_path));
      sameBytes((await fetchBytes((await exportLink(t, id, "export-audio")).url)).bytes, wav, "still downloads");
      // A rerun finishes the job: the crashed-before-record audio archives now.
      if (crashAt === "flac_written") assert.equal((await archiveNow(t)).archived, 1);
    });
  }

  test("retention and a profile's deletion leave no archived object or restored copy", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const old = await oldGeneration(t, profileId, 40, { audio: true });
    const other = (await t.json("/profiles", { method: "POST", body: { name: "Second voice" } })).body.id as string;
    const { id } = await createCompleted(t, other, { wav: wavOf(shapes[0]!) });
    assert.equal((await archiveNow(t)).archived, 2);
    for (const generation of [old.id, id]) await detail(t, generation);
    assert.equal((await bucketKeys(objectKeys.restoredPrefix(t.id))).length, 2);

    await putSettings(t, { retention_days: 30 });
    assert.equal((await waitForJob(t, (await requestRetention(t.id)).id, 60_000)).result.deleted, 1);
    const removal = await t.json(`/profiles/${other}`, { method: "DELETE" });
    assert.equal(removal.status, 202, JSON.stringify(removal.body));
    await waitForJob(t, removal.body.id, 60_000);

    assert.deepEqual(await bucketKeys(objectKeys.tenantPrefix(t.id)), []);
    assert.deepEqual(await bucketKeys(objectKeys.restoredPrefix(t.id)), []);
    assert.equal((await getStats(t)).archived_bytes, 0);
  });

  test("delete, trash, purge and version delete leave no archived object or restored copy", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = wavOf(shapes[0]!);
    const a = await createCompleted(t, profileId, { wav });
    const b = await createCompleted(t, profileId, { wav });
    const c = await createCompleted(t, profileId, { wav });
    const versionId = await addVersion(t, c.id, "warm", [], wav);
    await archiveNow(t);
    for (const id of [a.id, b.id, c.id]) await detail(t, id); // makes the restored copies
    assert.equal((await bucketKeys(objectKeys.restoredPrefix(t.id))).length, 3);

    assert.equal((await t.json(`/history/${c.id}/versions/${versionId}`, { method: "DELETE" })).status, 200);
    assert.equal((await t.json(`/history/${a.id}`, { method: "DELETE" })).status, 204);
    await putSettings(t, { trash_days: 7 });
    assert.equal((await t.json(`/history/${b.id}`, { method: "DELETE" })).status, 204);
    // In the trash the audio stays, archived, and counts.
    await assertStatsMatchRecount(t);
    assert.equal((await t.json(`/history/trash/${b.id}`, { method: "DELETE" })).status, 204);
    await putSettings(t, { trash_days: 0 });
    assert.equal((await t.json(`/history/${c.id}`, { method: "DELETE" })).status, 204);

    assert.deepEqual(await bucketKeys(objectKeys.tenantPrefix(t.id)), []);
    assert.deepEqual(await bucketKeys(objectKeys.restoredPrefix(t.id)), []);
    const stats = await getStats(t);
    assert.equal(stats.archived_bytes, 0);
    assert.equal(stats.bytes_saved, 0);
    assert.equal(stats.quota.used_bytes, 0);
  });

  test("reconcile deletes a restored copy whose archive is gone, and keeps the one in use", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = wavOf(shapes[0]!);
    const { id } = await createCompleted(t, profileId, { wav });
    await archiveNow(t);
    await detail(t, id);
    const [copy] = await bucketKeys(objectKeys.restoredPrefix(t.id));
    assert.ok(copy);
    const stray = copy.replace(/[0-9a-f-]{36}\.wav$/, `${(await import("@sonna/core/ids")).newId()}.wav`);
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const { s3 } = await import("@sonna/core/storage/client");
    const { bucketName } = await import("@sonna/core/resources");
    await s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: stray, Body: randomBytes(10) }));
    const result = await reconcileNow(t);
    assert.equal(result.orphans_deleted, 1);
    assert.deepEqual(await bucketKeys(objectKeys.restoredPrefix(t.id)), [copy]);
  });
});
