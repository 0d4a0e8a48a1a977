// Export and import round trips over real HTTP: the ZIP export (302 or JSON link), the WAV export,
// the in-request import (POST /history/import) and the large flow (POST /history/imports, PUT,
// complete), Voicebox archives, and the order in which an import chooses its profile.
//   npx tsx tests/support/run.ts tests/transfer.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { tableName } from "@sonna/core/resources";
import { keys } from "@sonna/core/table/keys";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import { addVersion, exportLink, exportZip, fetchBytes, importInRequest, importLarge, sameBytes, startLarge } from "./support/transfer";
import {
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  objectExists,
  randomId,
  uploadAudio,
  type GenerationBody,
  type Upload,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const PRESIGN_SECONDS = 15 * 60;

// ---------------------------------------------------------------------------------------------
// Helpers

/** A distinct, valid WAV per `n`: its length, rate, channels and samples all depend on `n`. */
function wavNo(n: number): Uint8Array {
  return makeWav({
    frames: 3_000 + n * 517,
    sampleRate: [24_000, 22_050, 16_000, 48_000][n % 4]!,
    channels: 1 + (n % 2),
    fill: (i) => 0.4 * Math.sin((i * (n + 3)) / 29) + 0.05 * Math.cos(i / (n + 7)),
  });
}

async function detail(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, `GET /history/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as GenerationBody & { versions: any[]; active_version_id: string | null; audio_url: string | null };
}

async function listTotal(t: Tenant): Promise<number> {
  const res = await t.json("/history?limit=200");
  assert.equal(res.status, 200);
  return res.body.total;
}

async function profiles(t: Tenant): Promise<any[]> {
  const res = await t.json("/profiles");
  assert.equal(res.status, 200);
  return Array.isArray(res.body) ? res.body : res.body.items ?? res.body.profiles;
}

/** The key a presigned URL points at (path-style: /bucket/key). */
const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname).split("/").slice(2).join("/");

/**
 * A ZIP as Python's zipfile writes it with ZIP_DEFLATED to a seekable file (what Voicebox's
 * export does): raw deflate at level 6, sizes and CRC in the local headers (no data
 * descriptors), made by Unix (0x0314), no extra fields.
 */
function pythonZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const time = (10 << 11) | (30 << 5) | (12 >> 1);
  const date = ((2025 - 1980) << 9) | (3 << 5) | 4;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const data = zlib.deflateRawSync(file.data, { level: 6 });
    const crc = zlib.crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(0x0314, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0, 8);
    record.writeUInt16LE(8, 10);
    record.writeUInt16LE(time, 12);
    record.writeUInt16LE(date, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(data.length, 20);
    record.writeUInt32LE(file.data.length, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE((0o100600 << 16) >>> 0, 38);
    record.writeUInt32LE(offset, 42);
    out.push(local, name, data);
    central.push(record, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...out, directory, end]));
}

const FIELDS = ["text", "language", "seed", "instruct", "engine", "model_size", "is_favorited", "tags", "note", "created_at", "duration", "size_bytes", "status", "error"] as const;

/** The version facts an import must keep (ids are new). */
const versionFacts = (g: { versions: any[]; active_version_id: string | null }) =>
  g.versions
    .map((v) => ({ label: v.label, effects_chain: v.effects_chain, is_default: v.is_default, status: v.status, duration: v.duration, size_bytes: v.size_bytes, active: v.id === g.active_version_id }))
    .sort((a, b) => a.label.localeCompare(b.label));

// ---------------------------------------------------------------------------------------------
// One richly populated generation, exported once and reused by the round trips.

const TEXT = "Bonjour le monde, ça va? Très bien! Encore une phrase.";
const FILENAME = "generation-bonjour-le-monde-ca-va-tres.sonna.zip";
const ORIGINAL = wavNo(1);
const REVERB = wavNo(2);
const PITCH = wavNo(3);
const REVERB_EFFECTS = [{ type: "reverb", params: { room_size: 0.5, wet: true, preset: "hall", tail: null } }];
const PITCH_EFFECTS = [
  { type: "pitch_shift", params: { semitones: -2 } },
  { type: "gain", params: { db: 3.5 } },
];

interface Source {
  t: Tenant;
  profile: Awaited<ReturnType<typeof createProfile>>;
  generation: Awaited<ReturnType<typeof detail>>;
  audioByLabel: Map<string, Uint8Array>;
}

let sourcePromise: Promise<Source> | undefined;

/** Tenant A: profile "Alpha …", a favorited, tagged French generation with a note, two processed versions (the second the default) and one left pending. */
function source(): Promise<Source> {
  sourcePromise ??= (async () => {
    const t = await tenant(api);
    const profile = await createProfile(t, `Alpha ${Math.random().toString(36).slice(2, 8)}`, { description: "Warm narrator", language: "fr" });
    const created = await createCompleted(t, profile.id, {
      wav: ORIGINAL,
      text: TEXT,
      language: "fr",
      seed: 424242,
      instruct: "softly, with a smile",
      engine: "qwen3-tts",
      model_size: "1.7B",
      tags: ["Chapitre 1", "narration"],
      note: "Première prise.\nGarder le souffle.",
    });
    assert.equal((await t.json(`/history/${created.id}/favorite`, { method: "PUT" })).status, 200);
    await addVersion(t, created.id, "reverb", REVERB_EFFECTS, REVERB);
    const pitch = await addVersion(t, created.id, "pitch down", PITCH_EFFECTS, PITCH);
    assert.equal((await t.json(`/history/${created.id}/versions/${pitch}/default`, { method: "PUT" })).status, 200);
    const pending = await t.json(`/history/${created.id}/versions`, { method: "POST", body: { label: "never uploaded", effects_chain: [] } });
    assert.equal(pending.status, 201);
    const generation = await detail(t, created.id);
    assert.equal(generation.is_favorited, true);
    assert.deepEqual(generation.tags, ["chapitre 1", "narration"]);
    assert.equal(generation.versions.length, 4);
    return { t, profile, generation, audioByLabel: new Map([["original", ORIGINAL], ["reverb", REVERB], ["pitch down", PITCH]]) };
  })();
  return sourcePromise;
}

/** What an imported generation must reproduce of the source, profile aside. */
function assertSameFields(imported: Record<string, any>, original: Record<string, any>) {
  for (const field of FIELDS) assert.deepEqual(imported[field], original[field], `field ${field}`);
  const completedOnly = { active_version_id: original.active_version_id as string | null, versions: original.versions.filter((v: any) => v.status === "completed") };
  assert.deepEqual(versionFacts(imported as any), versionFacts(completedOnly), "versions (labels, effects, default, audio facts)");
  assert.notEqual(imported.id, original.id);
  assert.ok(imported.versions.every((v: any) => !original.versions.some((o: any) => o.id === v.id)), "versions get new ids");
}

/** Every rendition of `id` matches the source audio, via audio_url, export-audio and the ZIP's entries. */
async function assertSameAudio(t: Tenant, id: string, audioByLabel: Map<string, Uint8Array>, defaultLabel: string) {
  const got = await detail(t, id);
  sameBytes((await fetchBytes(got.audio_url!)).bytes, audioByLabel.get(defaultLabel)!, "audio_url serves the default version");
  const wav = await exportLink(t, id, "export-audio");
  sameBytes((await fetchBytes(wav.url)).bytes, audioByLabel.get(defaultLabel)!, "export-audio serves the default version");
  assert.equal(wav.size_bytes, audioByLabel.get(defaultLabel)!.length);

  const { entries, manifest } = await exportZip(t, id);
  sameBytes(entries[manifest.audio]!, audioByLabel.get("original")!, "the ZIP's audio.wav is the original");
  const labels = new Set<string>();
  for (const v of manifest.versions) {
    labels.add(v.label);
    const bytes = entries[v.file];
    assert.ok(bytes, `the ZIP holds ${v.file} for version ${v.label}`);
    sameBytes(bytes, audioByLabel.get(v.label)!, `version ${v.label} (${v.file})`);
  }
  assert.deepEqual([...labels].sort(), [...audioByLabel.keys()].sort(), "every version is in the archive");

  // The original through audio_url too, once it is the default again.
  const original = got.versions.find((v: any) => v.audio_path === got.audio_path);
  assert.equal((await t.json(`/history/${id}/versions/${original.id}/default`, { method: "PUT" })).status, 200);
  sameBytes((await fetchBytes((await detail(t, id)).audio_url!)).bytes, audioByLabel.get("original")!, "audio_url serves the original once it is the default");
  const back = got.versions.find((v: any) => v.label === defaultLabel);
  assert.equal((await t.json(`/history/${id}/versions/${back.id}/default`, { method: "PUT" })).status, 200);
}

// ---------------------------------------------------------------------------------------------

describe("export", () => {
  test("302 to the presigned ZIP: attachment with the safe filename, no checksum parameters, at most 15 minutes", async () => {
    const { t, generation } = await source();
    const res = await t.request(`/history/${generation.id}/export`, { redirect: "manual" });
    assert.equal(res.status, 302, await res.text());
    const location = new URL(res.headers.get("location")!);
    const disposition = location.searchParams.get("response-content-disposition") ?? "";
    assert.match(disposition, /^attachment;/, disposition);
    assert.ok(disposition.includes(`filename="${FILENAME}"`), disposition);
    const checksums = [...location.searchParams.keys()].filter((k) => k.toLowerCase().startsWith("x-amz-checksum") || k.toLowerCase() === "x-amz-sdk-checksum-algorithm");
    assert.deepEqual(checksums, []);
    const expires = Number(location.searchParams.get("X-Amz-Expires"));
    assert.ok(Number.isInteger(expires) && expires > 0 && expires <= PRESIGN_SECONDS, `X-Amz-Expires=${expires}`);
    assert.ok(keyOf(location.href).startsWith("exports/"), keyOf(location.href));

    // Following it: the ZIP, served as an attachment under that name.
    const download = await fetch(location);
    assert.equal(download.status, 200);
    assert.match(download.headers.get("content-disposition") ?? "", new RegExp(`^attachment; filename="${FILENAME.replace(/\./g, "\\.")}"`));
    const bytes = new Uint8Array(await download.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  });

  test("JSON link with Accept: application/json; the ZIP holds the manifest, the original and each completed version, byte for byte", async () => {
    const { t, generation, profile, audioByLabel } = await source();
    const sentAt = Date.now();
    const { link, entries, manifest } = await exportZip(t, generation.id);
    assert.deepEqual(Object.keys(link).sort(), ["expires_at", "filename", "size_bytes", "url"]);
    assert.equal(link.filename, FILENAME);
    assert.ok(Date.parse(link.expires_at) > Date.now() && Date.parse(link.expires_at) <= sentAt + PRESIGN_SECONDS * 1000 + 5_000, link.expires_at);
    assert.deepEqual(Object.keys(entries).sort(), ["audio.wav", "generation.json", "versions/01-reverb.wav", "versions/02-pitch-down.wav"]);
    sameBytes(entries["audio.wav"]!, ORIGINAL, "audio.wav");
    sameBytes(entries["versions/01-reverb.wav"]!, REVERB, "versions/01-reverb.wav");
    sameBytes(entries["versions/02-pitch-down.wav"]!, PITCH, "versions/02-pitch-down.wav");

    assert.equal(manifest.format, "sonna-history");
    assert.equal(manifest.audio, "audio.wav");
    for (const field of FIELDS) assert.deepEqual(manifest.generation[field], generation[field], `generation.${field}`);
    assert.equal(manifest.generation.id, generation.id);
    assert.deepEqual(manifest.profile, { id: profile.id, name: profile.name, description: "Warm narrator", language: "fr" });
    assert.deepEqual(
      manifest.versions.map((v: any) => [v.label, v.file, v.is_default, v.effects_chain]),
      [
        ["original", "audio.wav", false, []],
        ["reverb", "versions/01-reverb.wav", false, REVERB_EFFECTS],
        ["pitch down", "versions/02-pitch-down.wav", true, PITCH_EFFECTS],
      ],
    );
    assert.equal(audioByLabel.size, 3);
  });

  test("an unchanged generation's second export reuses its archive; a changed one (favorite toggled) gets a new key", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const g = await createCompleted(t, profile.id, { wav: wavNo(9), text: "Reuse me" });
    const first = keyOf((await exportLink(t, g.id)).url);
    const second = keyOf((await exportLink(t, g.id)).url);
    assert.equal(second, first, "unchanged: same object key");
    assert.equal((await t.json(`/history/${g.id}/favorite`, { method: "POST" })).status, 200);
    const third = keyOf((await exportLink(t, g.id)).url);
    assert.notEqual(third, first, "favorite toggled: a new object key");
    const { manifest } = await exportZip(t, g.id);
    assert.equal(manifest.generation.is_favorited, true, "the new archive has the new state");
    const tagged = await t.json(`/history/${g.id}`, { method: "PATCH", body: { tags: ["retake"], note: "louder" } });
    assert.equal(tagged.status, 200);
    const retagged = await exportZip(t, g.id);
    assert.notEqual(keyOf(retagged.link.url), third, "tags and note changed: a new object key");
    assert.deepEqual([retagged.manifest.generation.tags, retagged.manifest.generation.note], [["retake"], "louder"]);
    assert.equal(keyOf((await exportLink(t, g.id)).url), keyOf(retagged.link.url), "and that one is reused in turn");
    // A renamed profile changes the archive too.
    assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { name: `${profile.name} renamed` } })).status, 200);
    const renamed = await exportZip(t, g.id);
    assert.notEqual(keyOf(renamed.link.url), keyOf(retagged.link.url));
    assert.equal(renamed.manifest.profile.name, `${profile.name} renamed`);
  });

  test("export-audio: a 302 or link to the default version's WAV, named after the text", async () => {
    const { t, generation } = await source();
    const res = await t.request(`/history/${generation.id}/export-audio`, { redirect: "manual" });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get("location")!);
    assert.ok((location.searchParams.get("response-content-disposition") ?? "").includes('filename="generation-bonjour-le-monde-ca-va-tres.wav"'));
    const link = await exportLink(t, generation.id, "export-audio");
    assert.equal(link.filename, "generation-bonjour-le-monde-ca-va-tres.wav");
    sameBytes((await fetchBytes(link.url)).bytes, PITCH, "export-audio is the default version");
  });

  test("a pending or failed generation can't be exported (409); another tenant's or an unknown id is 404", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const { generation: pending } = await createPending(t, profile.id);
    const { generation: failing } = await createPending(t, profile.id);
    await failGeneration(t, failing.id);
    for (const what of ["export", "export-audio"]) {
      assertError(await t.json(`/history/${pending.id}/${what}`), 409, "generation.not_completed", "pending");
      assertError(await t.json(`/history/${failing.id}/${what}`), 409, "generation.not_completed", "failed");
      const redirect = await t.request(`/history/${pending.id}/${what}`, { redirect: "manual" });
      assert.equal(redirect.status, 409, "no redirect for a pending generation");
    }
    const { generation: foreign } = await source();
    const other = await tenant(api);
    for (const what of ["export", "export-audio"]) {
      assertError(await other.json(`/history/${foreign.id}/${what}`), 404, "generation.not_found");
      assertError(await other.json(`/history/${await randomId()}/${what}`), 404, "generation.not_found");
      const redirect = await other.request(`/history/${foreign.id}/${what}`, { redirect: "manual" });
      assert.equal(redirect.status, 404);
      assert.equal(redirect.headers.get("location"), null);
    }
  });
});

describe("round trip", () => {
  test("in-request import into the same tenant reproduces every field, the profile, the versions and the audio", async () => {
    const { t, generation, profile, audioByLabel } = await source();
    const { bytes } = await exportZip(t, generation.id);
    const before = await listTotal(t);
    const res = await importInRequest(t, bytes);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assertSameFields(res.body, generation);
    assert.equal(res.body.profile_id, profile.id, "the archive's profile (same tenant) is reused");
    assert.equal((await profiles(t)).length, 1, "no new profile");
    const got = await detail(t, res.body.id);
    assertSameFields(got, generation);
    assert.equal(got.versions.find((v: any) => v.id === got.active_version_id)?.label, "pitch down");
    assert.ok(got.versions.every((v: any) => v.audio_path.startsWith(`t/`) && v.audio_path.includes(res.body.id)), "audio under the new generation");
    assert.equal(await listTotal(t), before + 1);
    await assertSameAudio(t, res.body.id, audioByLabel, "pitch down");
    await assertStatsMatchRecount(t);
  });

  test("the large flow (POST /history/imports, PUT, complete) reproduces the same; completing again returns the same generation", async () => {
    const { t, generation, profile, audioByLabel } = await source();
    const { bytes } = await exportZip(t, generation.id);
    const before = await listTotal(t);
    const { import_id, upload } = await startLarge(t, bytes);
    const uploaded = keyOf(upload.url);
    assert.ok(uploaded.startsWith("imports/"), uploaded);
    const res = await t.json(`/history/imports/${import_id}/complete`, { method: "POST" });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assertSameFields(res.body, generation);
    assert.equal(res.body.profile_id, profile.id);
    assert.equal(await objectExists(uploaded), false, "the uploaded ZIP is deleted once imported");

    const again = await t.json(`/history/imports/${import_id}/complete`, { method: "POST" });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.id, res.body.id, "completing again returns the same generation");
    assert.equal(await listTotal(t), before + 1, "one generation, not two");
    await assertSameAudio(t, res.body.id, audioByLabel, "pitch down");
    await assertStatsMatchRecount(t);

    // Another tenant can't complete (or learn about) this import.
    const other = await tenant(api);
    assertError(await other.json(`/history/imports/${import_id}/complete`, { method: "POST" }), 404, "import.not_found");
  });

  test("large flow: complete before the upload is 422 and can be retried; concurrent completes import once", async () => {
    const { t, generation } = await source();
    const { bytes } = await exportZip(t, generation.id);
    const start = await t.json("/history/imports", { method: "POST", body: {} });
    assert.equal(start.status, 201);
    const { import_id, upload } = start.body;
    assertError(await t.json(`/history/imports/${import_id}/complete`, { method: "POST" }), 422, "import.missing_upload");
    await uploadAudio(upload, bytes);
    const before = await listTotal(t);
    const results = await Promise.all([1, 2, 3].map(() => t.json(`/history/imports/${import_id}/complete`, { method: "POST" })));
    const ok = results.filter((r) => r.status === 201);
    assert.ok(ok.length >= 1, JSON.stringify(results.map((r) => [r.status, r.body?.code])));
    for (const r of results) if (r.status !== 201) assertError(r, 409, "import.in_progress");
    assert.equal(new Set(ok.map((r) => r.body.id)).size, 1);
    const final = await t.json(`/history/imports/${import_id}/complete`, { method: "POST" });
    assert.equal(final.status, 201);
    assert.equal(final.body.id, ok[0]!.body.id);
    assert.equal(await listTotal(t), before + 1);
    await assertStatsMatchRecount(t);
  });

  test("import into another tenant: a new profile from the archive's data, never the foreign profile id", async () => {
    const { t: owner, generation, profile, audioByLabel } = await source();
    const { bytes } = await exportZip(owner, generation.id);
    const t = await tenant(api);
    const res = await importInRequest(t, bytes);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assertSameFields(res.body, generation);
    assert.notEqual(res.body.profile_id, profile.id, "another tenant's profile id is not used");
    const mine = await profiles(t);
    assert.equal(mine.length, 1);
    assert.deepEqual(
      { id: mine[0].id, name: mine[0].name, description: mine[0].description, language: mine[0].language },
      { id: res.body.profile_id, name: profile.name, description: "Warm narrator", language: "fr" },
    );
    assertError(await t.json(`/profiles/${profile.id}`), 404, "profile.not_found");
    assert.equal((await owner.json(`/profiles/${profile.id}`)).body.name, profile.name, "the owner's profile is untouched");
    await assertSameAudio(t, res.body.id, audioByLabel, "pitch down");
    await assertStatsMatchRecount(t);
    await assertStatsMatchRecount(owner);
  });

  test("a generation without processed versions round-trips through both flows", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const wav = wavNo(6);
    const g = await createCompleted(t, profile.id, { wav, text: "Plain one", seed: 0, language: "de" });
    const original = await detail(t, g.id);
    const { bytes, entries } = await exportZip(t, g.id);
    assert.deepEqual(Object.keys(entries).sort(), ["audio.wav", "generation.json"]);
    for (const flow of [importInRequest, importLarge]) {
      const res = await flow(t, bytes);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assertSameFields(res.body, original);
      assert.equal(res.body.profile_id, profile.id);
      sameBytes((await fetchBytes((await detail(t, res.body.id)).audio_url!)).bytes, wav, "audio");
    }
    await assertStatsMatchRecount(t);
  });
});

describe("Voicebox archives", () => {
  test("a Voicebox export (manifest.json + audio/<file>.wav, deflated like Python's zipfile) imports with its fields", async () => {
    const t = await tenant(api);
    const original = wavNo(4);
    const processed = wavNo(5);
    const manifest = {
      version: "1.0",
      generation: {
        id: "6d1f3c2e-5a4b-4c3d-9e8f-7a6b5c4d3e2f",
        text: "Voicebox says hello",
        language: "ja",
        duration: 99.5, // wrong on purpose: the audio decides
        seed: 1234,
        instruct: "calm",
        created_at: "2025-03-04T05:06:07.123456",
      },
      profile: { id: "0b6f1f5e-1c2d-4e3f-8a9b-0c1d2e3f4a5b", name: "VB Narrator", description: "made in Voicebox", language: "ja" },
      versions: [
        { id: "v-1", label: "original", is_default: false, effects_chain: null, filename: "6d1f3c2e_original.wav" },
        {
          id: "v-2",
          label: "Studio",
          is_default: true,
          effects_chain: [
            { type: "reverb", enabled: true, params: { room_size: 0.7, damping: 0.2 } },
            { type: "chorus", enabled: false, params: { depth: 1 } },
            { type: "limiter" },
          ],
          filename: "6d1f3c2e_studio.wav",
        },
      ],
    };
    const zip = pythonZip([
      { name: "manifest.json", data: Buffer.from(JSON.stringify(manifest, null, 2)) },
      { name: "audio/6d1f3c2e_original.wav", data: original },
      { name: "audio/6d1f3c2e_studio.wav", data: processed },
    ]);
    const res = await importInRequest(t, zip);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const g = await detail(t, res.body.id);
    assert.equal(g.text, "Voicebox says hello");
    assert.equal(g.language, "ja");
    assert.equal(g.seed, 1234);
    assert.equal(g.instruct, "calm");
    assert.equal(g.engine, "unknown");
    assert.equal(g.model_size, null);
    assert.equal(g.is_favorited, false);
    assert.deepEqual(g.tags, []);
    assert.equal(g.note, null);
    assert.equal(g.status, "completed");
    assert.equal(g.created_at, "2025-03-04T05:06:07.123Z");
    // Voicebox keeps the generation's audio on its default version's file.
    assert.equal(g.size_bytes, processed.length);
    const frames = (processed.length - 44) / ((1 + (5 % 2)) * 2);
    assert.equal(g.duration, Math.round((frames / 22_050) * 1000) / 1000);
    assert.deepEqual(
      g.versions.map((v: any) => ({ label: v.label, effects_chain: v.effects_chain, is_default: v.is_default, size: v.size_bytes })).sort((a: any, b: any) => (a.label < b.label ? -1 : 1)),
      [
        { label: "Studio", effects_chain: [{ type: "reverb", params: { room_size: 0.7, damping: 0.2 } }, { type: "limiter", params: {} }], is_default: true, size: processed.length },
        { label: "original", effects_chain: [], is_default: false, size: original.length },
      ],
    );
    assert.equal(g.versions.find((v: any) => v.id === g.active_version_id)?.label, "Studio");
    sameBytes((await fetchBytes(g.audio_url!)).bytes, processed, "audio_url serves the default version");
    const { entries, manifest: exported } = await exportZip(t, g.id);
    for (const v of exported.versions) sameBytes(entries[v.file]!, v.label === "Studio" ? processed : original, `version ${v.label}`);

    const [profile] = await profiles(t);
    assert.deepEqual(
      { id: profile.id, name: profile.name, description: profile.description, language: profile.language },
      { id: g.profile_id, name: "VB Narrator", description: "made in Voicebox", language: "ja" },
    );
    assert.notEqual(profile.id, manifest.profile.id, "ids are ours, not the archive's");
    await assertStatsMatchRecount(t);
  });

  test("an older Voicebox export (no versions, one audio/*.wav, no profile) imports through the large flow", async () => {
    const t = await tenant(api);
    const wav = wavNo(7);
    const manifest = { version: "1.0", generation: { text: "Old export", language: "en", duration: 1.0 }, profile: null };
    const before = Date.now();
    const res = await importLarge(t, pythonZip([{ name: "manifest.json", data: Buffer.from(JSON.stringify(manifest)) }, { name: "audio/old.wav", data: wav }]));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.text, "Old export");
    assert.equal(res.body.seed, null);
    assert.equal(res.body.instruct, null);
    assert.equal(res.body.engine, "unknown");
    assert.equal(res.body.size_bytes, wav.length);
    assert.ok(Math.abs(Date.parse(res.body.created_at) - before) < 60_000, "created now when the manifest has no time");
    assert.deepEqual(res.body.versions.map((v: any) => [v.label, v.is_default]), [["original", true]]);
    const [profile] = await profiles(t);
    assert.equal(profile.id, res.body.profile_id);
    assert.equal(profile.name, "Imported");
    sameBytes((await fetchBytes((await detail(t, res.body.id)).audio_url!)).bytes, wav, "audio");
    await assertStatsMatchRecount(t);
  });
});

describe("seed-shaped archives (generation.json with the seed's fields, no format marker, + audio.wav)", () => {
  const seedZip = (generation: unknown, wav: Uint8Array) =>
    pythonZip([
      { name: "generation.json", data: Buffer.from(JSON.stringify(generation)) },
      { name: "audio.wav", data: wav },
    ]);

  test("just {text}: the seed's defaults, a profile named Imported, the audio as sent", async () => {
    const t = await tenant(api);
    const wav = wavNo(9);
    const before = Date.now();
    const res = await importInRequest(t, seedZip({ text: "Only text here" }, wav));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const g = await detail(t, res.body.id);
    assert.deepEqual(
      { text: g.text, language: g.language, engine: g.engine, seed: g.seed, instruct: g.instruct, model_size: g.model_size, status: g.status, error: g.error, is_favorited: g.is_favorited },
      { text: "Only text here", language: "en", engine: "qwen", seed: null, instruct: null, model_size: null, status: "completed", error: null, is_favorited: false },
    );
    assert.ok(Math.abs(Date.parse(g.created_at) - before) < 60_000, "created now");
    assert.equal(g.size_bytes, wav.length);
    assert.deepEqual(g.versions.map((v: any) => [v.label, v.is_default]), [["original", true]]);
    sameBytes((await fetchBytes(g.audio_url!)).bytes, wav, "audio_url serves audio.wav");
    const [profile] = await profiles(t);
    assert.deepEqual([profile.id, profile.name, profile.language], [g.profile_id, "Imported", "en"]);
    await assertStatsMatchRecount(t);
  });

  test("every seed field, through the large flow: filed under the profile it names when this tenant has it", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t, "Seed voice", { language: "it" });
    const wav = wavNo(10);
    const generation = {
      id: "c4b1a2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
      profile_id: profile.id,
      text: "Ciao a tutti",
      language: "it",
      audio_path: "/Users/someone/Library/voicebox/generations/c4b1.wav",
      duration: 123.4, // the audio decides
      seed: 31337,
      instruct: "bright",
      engine: "qwen3-tts",
      model_size: "0.6B",
      status: "completed",
      error: null,
      is_favorited: true,
      created_at: "2025-02-03T04:05:06",
    };
    const res = await importLarge(t, seedZip(generation, wav));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const g = await detail(t, res.body.id);
    assert.equal(g.profile_id, profile.id);
    assert.notEqual(g.id, generation.id, "ids are ours");
    for (const field of ["text", "language", "seed", "instruct", "engine", "model_size", "status", "error", "is_favorited"] as const) {
      assert.deepEqual(g[field], generation[field], field);
    }
    assert.equal(g.created_at, "2025-02-03T04:05:06.000Z");
    assert.equal(g.size_bytes, wav.length);
    assert.notEqual(g.duration, generation.duration);
    assert.ok(g.audio_path.startsWith("t/"), "the archive's audio_path is not used");
    sameBytes((await fetchBytes(g.audio_url!)).bytes, wav, "audio");
    assert.equal((await profiles(t)).length, 1, "no new profile");
    await assertStatsMatchRecount(t);
  });

  test("wrong types and hostile values are 422 archive.manifest_invalid naming the field, and import nothing", async () => {
    const t = await tenant(api);
    const wav = wavNo(11);
    for (const [generation, field] of [
      [{ text: 42 }, "text"],
      [{ language: "en" }, "text"],
      [{ text: "ok", seed: "7" }, "seed"],
      [{ text: "ok", is_favorited: "yes" }, "is_favorited"],
      [{ text: "ok", created_at: "not a date" }, "created_at"],
      [{ text: "ok", engine: "../../etc" }, "engine"],
      [{ text: "x".repeat(20_001) }, "text"],
    ] as const) {
      assertError(await importInRequest(t, seedZip(generation, wav)), 422, "archive.manifest_invalid", field);
    }
    assertError(await importLarge(t, seedZip({ text: "ok", seed: 1.5 }, wav)), 422, "archive.manifest_invalid", "seed");
    const noAudio = pythonZip([{ name: "generation.json", data: Buffer.from(JSON.stringify({ text: "no audio" })) }]);
    assertError(await importInRequest(t, noAudio), 422, "archive.manifest_invalid", "audio.wav");
    assert.equal(await listTotal(t), 0);
    assert.equal((await profiles(t)).length, 0);
  });
});

describe("created_at from an archive", () => {
  /** A minimal Sonna archive dated `created_at`. */
  const dated = (created_at: string, text: string) =>
    pythonZip([
      {
        name: "generation.json",
        data: Buffer.from(
          JSON.stringify({
            format: "sonna-history",
            format_version: 1,
            exported_at: "2025-01-01T00:00:00.000Z",
            generation: { text, language: "en", seed: null, instruct: null, engine: "qwen", model_size: null, status: "completed", error: null, duration: null, is_favorited: false, created_at },
            profile: null,
            versions: [],
            audio: "audio.wav",
          }),
        ),
      },
      { name: "audio.wav", data: wavNo(10) },
    ]);

  test("an old but valid date keeps its place in the time order (list sort, created_after/created_before)", async () => {
    const t = await tenant(api);
    const res = await importInRequest(t, dated("2001-09-09T01:46:40.000Z", "From 2001"));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.created_at, "2001-09-09T01:46:40.000Z");
    const profile = (await profiles(t))[0];
    await createCompleted(t, profile.id, { wav: wavNo(11), text: "From now" });
    const asc = await t.json("/history?sort=asc");
    assert.deepEqual(asc.body.items.map((i: any) => i.text), ["From 2001", "From now"]);
    assert.deepEqual((await t.json("/history?created_before=2002-01-01")).body.items.map((i: any) => i.text), ["From 2001"]);
    assert.deepEqual((await t.json("/history?created_after=2002-01-01")).body.items.map((i: any) => i.text), ["From now"]);
    await assertStatsMatchRecount(t);
  });

  test(
    "a date before 1970 is refused, or at least listed in time order",
    async () => {
      const t = await tenant(api);
      const outcomes: string[] = [];
      for (const [created_at, text] of [["1969-07-20T20:17:40.000Z", "Moon landing"], ["0001-01-01T00:00:00.000Z", "Year one"]] as const) {
        const res = await importInRequest(t, dated(created_at, text));
        if (res.status === 201) outcomes.push(text);
        else assertError(res, 422, "archive.manifest_invalid", "generation.created_at");
      }
      if (outcomes.length === 0) return;
      const profile = (await profiles(t))[0];
      await createCompleted(t, profile.id, { wav: wavNo(11), text: "From now" });
      const order = ["Year one", "Moon landing", "From now"].filter((text) => text === "From now" || outcomes.includes(text));
      assert.deepEqual((await t.json("/history?sort=asc")).body.items.map((i: any) => i.text), order, "ascending list follows created_at");
      assert.deepEqual(
        (await t.json("/history?created_after=2020-01-01")).body.items.map((i: any) => i.text),
        ["From now"],
        "created_after=2020 holds only the new one",
      );
      assert.deepEqual(
        (await t.json("/history?created_before=1970-01-01&sort=asc")).body.items.map((i: any) => i.text),
        order.filter((text) => text !== "From now"),
        "created_before=1970 holds the old ones",
      );
    },
  );
});

describe("profile choice: profile_id > the archive's profile id (this tenant's) > same name > a new profile", () => {
  /** Tenant with profile P ("Beta …"), a generation under it, and its export. */
  async function exported() {
    const t = await tenant(api);
    const p = await createProfile(t, `Beta ${Math.random().toString(36).slice(2, 8)}`, { description: "the archive's", language: "es" });
    const g = await createCompleted(t, p.id, { wav: wavNo(8), text: "Choose wisely", language: "es" });
    const { bytes } = await exportZip(t, g.id);
    return { t, p, g, bytes };
  }

  test("1. profile_id given wins, even over the archive's own profile (both flows)", async () => {
    const { t, p, bytes } = await exported();
    const chosen = await createProfile(t, "Chosen one");
    const inRequest = await importInRequest(t, bytes, chosen.id);
    assert.equal(inRequest.status, 201, JSON.stringify(inRequest.body));
    assert.equal(inRequest.body.profile_id, chosen.id);
    const large = await importLarge(t, bytes, chosen.id);
    assert.equal(large.status, 201, JSON.stringify(large.body));
    assert.equal(large.body.profile_id, chosen.id);
    assert.equal((await profiles(t)).length, 2);
    assert.ok(p.id);
    await assertStatsMatchRecount(t);
  });

  test("2. the archive's profile id, when this tenant has it, wins over a profile with the archive's name", async () => {
    const { t, p, bytes } = await exported();
    assert.equal((await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: `${p.name} (renamed)` } })).status, 200);
    const sameName = await createProfile(t, p.name);
    const res = await importInRequest(t, bytes);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.profile_id, p.id, "by id, not by name");
    assert.notEqual(res.body.profile_id, sameName.id);
    assert.equal((await profiles(t)).length, 2);
  });

  test("3. otherwise a profile with the same name (names compare case-insensitively)", async () => {
    const { p, bytes } = await exported();
    const t = await tenant(api);
    const sameName = await createProfile(t, p.name.toUpperCase());
    const res = await importInRequest(t, bytes);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.profile_id, sameName.id);
    assert.notEqual(res.body.profile_id, p.id, "another tenant's profile id is not used");
    assert.equal((await profiles(t)).length, 1, "no new profile");
    await assertStatsMatchRecount(t);
  });

  test("4. otherwise a new profile from the archive's data; another tenant's profile id in the archive is not used", async () => {
    const { t: owner, p, bytes } = await exported();
    const t = await tenant(api);
    const unrelated = await createProfile(t, "Someone else");
    const res = await importLarge(t, bytes);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.notEqual(res.body.profile_id, p.id);
    assert.notEqual(res.body.profile_id, unrelated.id);
    const created = (await profiles(t)).find((x) => x.id === res.body.profile_id);
    assert.deepEqual({ name: created.name, description: created.description, language: created.language }, { name: p.name, description: "the archive's", language: "es" });
    // Its name lock carries the display name, like one written by POST /profiles, for the list's names Query.
    const { Item: lock } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.profileName(t.id, p.name), ConsistentRead: true }));
    assert.deepEqual({ profile_id: lock?.profile_id, name: lock?.name }, { profile_id: created.id, name: p.name });
    assertError(await t.json(`/profiles/${p.id}`), 404, "profile.not_found");
    // Importing the same archive again now finds that profile by name.
    const again = await importInRequest(t, bytes);
    assert.equal(again.body.profile_id, res.body.profile_id);
    assert.equal((await profiles(t)).length, 2);
    await assertStatsMatchRecount(t);
    await assertStatsMatchRecount(owner);
  });

  test("a given profile_id that is another tenant's (or unknown) is 404 and imports nothing (both flows)", async () => {
    const { p, bytes } = await exported();
    const t = await tenant(api);
    for (const id of [p.id, await randomId()]) {
      assertError(await importInRequest(t, bytes, id), 404, "profile.not_found");
      assertError(await t.json("/history/imports", { method: "POST", body: { profile_id: id } }), 404, "profile.not_found");
    }
    assert.equal(await listTotal(t), 0);
    assert.equal((await profiles(t)).length, 0);
  });
});
