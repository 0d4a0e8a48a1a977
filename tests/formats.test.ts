// Downloads in a format: GET /history/{id}/export-audio?format=&bitrate=&version_id= and
// POST /history/exports with `format`. Each transcode is checked from the file's own headers
// (fLaC STREAMINFO, OpusHead, MP3 frame headers), FLAC decoded back to the WAV's exact samples,
// for every WAV shape the service accepts; the cache, the job path for large audio and the refusals.
//   npx tsx tests/support/run.ts tests/formats.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { strFromU8, unzipSync } from "fflate";
import { mp3Rate } from "@sonna/core/audio/encode";
import { limits } from "@sonna/core/limits";
import { objectKeys } from "@sonna/core/storage/keys";
import { makeWav, type MakeWavOptions } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import { decodeToPcm, flacStreamInfo, mp3Frames, opusHead, wavData } from "./support/audio-headers";
import { addVersion, fetchBytes, sameBytes } from "./support/transfer";
import { assertError, bucketKeys, createCompleted, createPending, putObjectBytes, randomId, tenantWithProfile, waitForJob } from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname).split("/").slice(2).join("/");

/** Speech-like: a few harmonics under a slow envelope, so encoders have something to do. */
const voice = (rate: number) => (i: number) =>
  (0.3 * Math.sin((2 * Math.PI * 180 * i) / rate) + 0.15 * Math.sin((2 * Math.PI * 540 * i) / rate)) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / rate));

/** A WAV of `shape`, 0.05 s long: under the test stack's 1 channel-second, so transcoded within the request. */
const wavOf = (shape: MakeWavOptions) => makeWav({ frames: Math.round((shape.sampleRate ?? 24_000) / 20), fill: voice(shape.sampleRate ?? 24_000), ...shape });

async function exported(t: Tenant, id: string, query: string) {
  const res = await t.json(`/history/${id}/export-audio?${query}`);
  assert.equal(res.status, 200, `export-audio?${query}: ${res.status} ${JSON.stringify(res.body)}`);
  const { res: download, bytes } = await fetchBytes(res.body.url);
  assert.equal(bytes.length, res.body.size_bytes, "size_bytes is the file's size");
  return { link: res.body, bytes, contentType: download.headers.get("content-type") };
}

/** Every WAV shape the service accepts that these tests cover: channels 1-8, 8-192 kHz, 16/24/32-bit PCM, 32-bit float. */
const SHAPES: (MakeWavOptions & { name: string })[] = [
  { name: "mono 8 kHz 16-bit", sampleRate: 8_000, channels: 1, bitsPerSample: 16 },
  { name: "mono 24 kHz 16-bit", sampleRate: 24_000, channels: 1, bitsPerSample: 16 },
  { name: "stereo 44.1 kHz 24-bit", sampleRate: 44_100, channels: 2, bitsPerSample: 24 },
  { name: "6 channels 48 kHz 16-bit extensible", sampleRate: 48_000, channels: 6, bitsPerSample: 16, extensible: true },
  { name: "8 channels 96 kHz 24-bit", sampleRate: 96_000, channels: 8, bitsPerSample: 24 },
  { name: "mono 192 kHz 24-bit", sampleRate: 192_000, channels: 1, bitsPerSample: 24 },
  { name: "stereo 48 kHz 32-bit PCM", sampleRate: 48_000, channels: 2, bitsPerSample: 32 },
  { name: "mono 22.05 kHz 32-bit float", sampleRate: 22_050, channels: 1, format: "float" },
  { name: "8 channels 16 kHz 32-bit float", sampleRate: 16_000, channels: 8, format: "float" },
  // More than the issue asks for, but the service accepts up to 32 channels.
  { name: "12 channels 48 kHz 16-bit", sampleRate: 48_000, channels: 12, bitsPerSample: 16 },
];

describe("export-audio in a format", () => {
  test("each format: a link named with its extension, served with its Content-Type; 302 too; wav stays the stored file", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = wavOf({ sampleRate: 44_100, channels: 2 });
    const g = await createCompleted(t, profileId, { wav, text: "Hello formats" });
    const expected = { wav: "audio/wav", flac: "audio/flac", mp3: "audio/mpeg", opus: "audio/ogg; codecs=opus" } as const;
    for (const [format, contentType] of Object.entries(expected)) {
      const { link, bytes, contentType: served } = await exported(t, g.id, `format=${format}`);
      assert.equal(link.filename, `generation-hello-formats.${format}`);
      assert.equal(served, contentType, format);
      const redirect = await t.request(`/history/${g.id}/export-audio?format=${format}`, { redirect: "manual" });
      assert.equal(redirect.status, 302);
      const location = new URL(redirect.headers.get("location")!);
      assert.match(location.searchParams.get("response-content-disposition") ?? "", new RegExp(`filename="generation-hello-formats\\.${format}"`));
      if (format === "wav") sameBytes(bytes, wav, "wav is the stored file, as before");
    }
    // No format is wav, exactly as before the parameter existed.
    sameBytes((await exported(t, g.id, "")).bytes, wav, "the default is the stored WAV");
    const { bytes: mp3 } = await exported(t, g.id, "format=mp3");
    const frames = mp3Frames(mp3);
    assert.ok(frames.length > 1);
    assert.deepEqual(new Set(frames.map((f) => f.bitrate)), new Set([128]), "128 kbps CBR by default");
    assert.deepEqual(new Set(frames.map((f) => [f.sampleRate, f.channels].join())), new Set(["44100,2"]));
    const { bytes: opus } = await exported(t, g.id, "format=opus");
    // Opus is encoded at 48 kHz (the only rate its decoders must play); the header says what was encoded.
    assert.deepEqual(opusHead(opus), { channels: 2, inputSampleRate: 48_000, mappingFamily: 0 });
  });

  test("bitrate: MP3 frames carry the bitrate asked for (64-320); Opus takes 16-256", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 48_000, channels: 1 }) });
    for (const kbps of [64, 192, 320]) {
      const frames = mp3Frames((await exported(t, g.id, `format=mp3&bitrate=${kbps}`)).bytes);
      assert.deepEqual(new Set(frames.map((f) => f.bitrate)), new Set([kbps]));
    }
    // LAME caps low rates (8 kHz at 64 kbps, 16-24 kHz at 160): the audio is resampled up so the frames carry the bitrate asked for.
    const speech = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 8_000, channels: 1 }) });
    for (const [kbps, rate] of [[64, 8_000], [128, 16_000], [192, 32_000]] as const) {
      const frames = mp3Frames((await exported(t, speech.id, `format=mp3&bitrate=${kbps}`)).bytes);
      assert.deepEqual(new Set(frames.map((f) => [f.bitrate, f.sampleRate].join())), new Set([[kbps, rate].join()]));
    }
    const small = (await exported(t, g.id, "format=opus&bitrate=16")).bytes;
    const large = (await exported(t, g.id, "format=opus&bitrate=256")).bytes;
    assert.ok(large.length > small.length, "a higher Opus bitrate makes a larger file");
  });

  for (const shape of SHAPES) {
    test(`${shape.name}: FLAC keeps the exact samples (or is refused), MP3 and Opus carry what their formats can`, async () => {
      const { t, profileId } = await tenantWithProfile(api);
      const wav = wavOf(shape);
      const g = await createCompleted(t, profileId, { wav });
      const [rate, channels, bits] = [shape.sampleRate!, shape.channels!, shape.bitsPerSample ?? 32];
      const frames = wavData(wav).length / (channels * (bits / 8));

      if (shape.format === "float" || bits > 24) {
        assertError(await t.json(`/history/${g.id}/export-audio?format=flac`), 422, "audio.format_unsupported", [`${bits}-bit`, "wav"]);
      } else if (channels > 8) {
        assertError(await t.json(`/history/${g.id}/export-audio?format=flac`), 422, "audio.format_unsupported", "8 channels");
      } else {
        const flac = (await exported(t, g.id, "format=flac")).bytes;
        assert.deepEqual(flacStreamInfo(flac), { sampleRate: rate, channels, bitsPerSample: bits, totalSamples: frames });
        sameBytes(decodeToPcm(flac, bits as 16 | 24), wavData(wav), "FLAC decodes to the WAV's data chunk");
      }

      if (channels > 8) {
        assertError(await t.json(`/history/${g.id}/export-audio?format=mp3`), 422, "audio.format_unsupported", "8 channels");
      } else {
        const mp3 = mp3Frames((await exported(t, g.id, "format=mp3")).bytes);
        assert.deepEqual(new Set(mp3.map((f) => [f.sampleRate, f.channels, f.bitrate].join())), new Set([[mp3Rate(rate, 128), Math.min(channels, 2), 128].join()]));
      }

      const head = opusHead((await exported(t, g.id, "format=opus")).bytes);
      assert.deepEqual(head, { channels, inputSampleRate: 48_000, mappingFamily: channels > 8 ? 255 : channels > 2 ? 1 : 0 });
    });
  }

  test("version_id: the version named, in the format asked; an unknown version is 404", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 24_000, channels: 1 }) });
    const versionId = await addVersion(t, g.id, "wide", [], wavOf({ sampleRate: 48_000, channels: 2, bitsPerSample: 24 }));
    const original = g.versions.find((v: { label: string }) => v.label === "original").id;
    assert.deepEqual(flacStreamInfo((await exported(t, g.id, `format=flac&version_id=${versionId}`)).bytes).channels, 2);
    assert.deepEqual(flacStreamInfo((await exported(t, g.id, `format=flac&version_id=${original}`)).bytes).channels, 1);
    // Without version_id, the default version (the one just added is not made default).
    assert.deepEqual(flacStreamInfo((await exported(t, g.id, "format=flac")).bytes).channels, 1);
    assertError(await t.json(`/history/${g.id}/export-audio?format=flac&version_id=${await randomId()}`), 404, "version.not_found");
  });

  test("cached per (audio object, format, options): asking again is only a presign of the same object", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 24_000, channels: 1 }) });
    const first = await exported(t, g.id, "format=opus");
    const key = keyOf(first.link.url);
    assert.ok(key.startsWith(`exports/`), "the cache lives under exports/, which the bucket expires after a day");
    assert.equal(key, objectKeys.transcoded(t.id, keyOf((await exported(t, g.id, "")).link.url), "opus-64k", ".opus"));
    // Mark the cached object: a second request that transcoded again would overwrite the mark.
    const mark = new TextEncoder().encode("cached copy");
    await putObjectBytes(key, mark);
    const second = await exported(t, g.id, "format=opus&bitrate=64");
    assert.equal(keyOf(second.link.url), key, "the default bitrate and the same one given explicitly share a cache entry");
    sameBytes(second.bytes, mark, "the second answer is the cached object");
    const other = await exported(t, g.id, "format=opus&bitrate=96");
    assert.notEqual(keyOf(other.link.url), key, "other options, another object");
    assert.equal((await bucketKeys(key.slice(0, key.lastIndexOf("/") + 1))).length, 2);
  });

  test("audio over limits.transcodeInRequestMaxChannelSeconds goes through an audio.transcode job whose result is the link", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const wav = makeWav({ sampleRate: 44_100, channels: 2, frames: 44_100 * 2, fill: voice(44_100) });
    assert.ok(2 * 2 > limits.transcodeInRequestMaxChannelSeconds, "the test stack lowers the threshold below these 2 s of stereo");
    const g = await createCompleted(t, profileId, { wav });
    const started = await t.json(`/history/${g.id}/export-audio?format=flac`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.headers.get("location"), `/jobs/${started.body.id}`);
    assert.equal(started.body.type, "audio.transcode");
    const job = await waitForJob(t, started.body.id);
    assert.equal(job.result.filename, "generation-hello-there.flac");
    assert.equal(job.result.key, undefined, "the job shows a link, not where the object is");
    const { bytes } = await fetchBytes(job.result.url);
    assert.equal(bytes.length, job.result.size_bytes);
    sameBytes(decodeToPcm(bytes, 16), wavData(wav), "the job's FLAC decodes to the WAV's samples");
    // Once made, the transcode is cached: the same request is answered with the link at once.
    const again = await t.json(`/history/${g.id}/export-audio?format=flac`);
    assert.equal(again.status, 200);
    assert.equal(keyOf(again.body.url), keyOf(job.result.url));
  });

  test("refusals: an unknown format names the choices; a bitrate out of range or for a lossless format is 400", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId);
    const cases: [string, string[]][] = [
      ["format=aac", ["wav, flac, mp3, opus"]],
      ["format=MP3", ["wav, flac, mp3, opus"]],
      ["format=mp3&bitrate=32", ["64 to 320"]],
      ["format=mp3&bitrate=321", ["320"]],
      ["format=opus&bitrate=8", ["16"]],
      ["format=opus&bitrate=300", ["16 to 256"]],
      ["format=wav&bitrate=128", ["lossless"]],
      ["bitrate=128", ["lossless"]],
      ["format=flac&bitrate=128", ["lossless"]],
      ["format=mp3&bitrate=128k", ["whole number"]],
      ["format=mp3&bitrate=", ["whole number"]],
    ];
    for (const [query, names] of cases) assertError(await t.json(`/history/${g.id}/export-audio?${query}`), 400, "request.invalid", names);
  });

  test("another tenant's generation is 404, a pending one 409, in every format", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const mine = await createCompleted(t, profileId);
    const { generation: pending } = await createPending(t, profileId);
    const other = await tenant(api);
    for (const format of ["wav", "flac", "mp3", "opus"]) {
      assertError(await other.json(`/history/${mine.id}/export-audio?format=${format}`), 404, "generation.not_found");
      assertError(await t.json(`/history/${pending.id}/export-audio?format=${format}`), 409, "generation.not_completed", "pending");
    }
    assert.deepEqual(await bucketKeys(`exports/${objectKeys.tenantPrefix(other.id).slice(2)}`), [], "nothing was transcoded for the other tenant");
  });
});

describe("the transcode function", () => {
  test("answers a refusal as data, so the API and the worker answer it as their own; a transcode as its size", async () => {
    const { handler } = await import("@sonna/functions/transcode");
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 24_000, channels: 1, format: "float" }) });
    const key = keyOf((await exported(t, g.id, "")).link.url);
    const source = { audio_path: key, size_bytes: g.size_bytes!, archive: null };
    const target = objectKeys.transcoded(t.id, key, "flac", ".flac");
    const refused = await handler({ source, target, options: { format: "flac" } });
    assert.ok("refused" in refused);
    assert.equal(refused.refused.status, 422);
    assert.equal(refused.refused.code, "audio.format_unsupported");
    assert.deepEqual(await bucketKeys(target), [], "nothing is written for a refusal");
    const done = await handler({ source, target: objectKeys.transcoded(t.id, key, "opus-64k", ".opus"), options: { format: "opus", bitrate: 64 } });
    assert.ok("size_bytes" in done && done.size_bytes > 0);
  });
});

describe("POST /history/exports with a format", () => {
  test("audio files carry the format's extension and generation.json names them; audio FLAC can't hold stays WAV", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const plain = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 24_000, channels: 1, bitsPerSample: 24 }) });
    await addVersion(t, plain.id, "bright", [], wavOf({ sampleRate: 48_000, channels: 2 }));
    const float = await createCompleted(t, profileId, { wav: wavOf({ sampleRate: 16_000, channels: 1, format: "float" }) });
    const started = await t.json("/history/exports", { method: "POST", body: { ids: [plain.id, float.id], format: "flac" } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitForJob(t, started.body.id);
    const entries = unzipSync((await fetchBytes(job.result.url)).bytes);
    const names = Object.keys(entries);
    const index = JSON.parse(strFromU8(entries["index.json"]!));
    assert.equal(index.audio_format, "flac");
    const folderOf = (id: string) => index.generations.find((g: { id: string }) => g.id === id).folder;
    const plainManifest = JSON.parse(strFromU8(entries[`${folderOf(plain.id)}generation.json`]!));
    assert.equal(plainManifest.audio, "audio.flac");
    for (const version of plainManifest.versions) assert.ok(names.includes(`${folderOf(plain.id)}${version.file}`), `${version.file} is in the archive`);
    assert.ok(plainManifest.versions.some((v: { file: string }) => v.file.startsWith("versions/") && v.file.endsWith(".flac")));
    assert.equal(flacStreamInfo(entries[`${folderOf(plain.id)}audio.flac`]!).bitsPerSample, 24);
    assert.ok(names.includes(`${folderOf(float.id)}audio.wav`), "float audio stays WAV in a FLAC export");
    assert.ok(!names.some((n) => n.endsWith(".wav") && n.startsWith(folderOf(plain.id))));
  });

  test("mp3 at a bitrate; an unknown format or a bitrate for a lossless format is 400", async () => {
    const { t, profileId } = await tenantWithProfile(api);
    const g = await createCompleted(t, profileId);
    const started = await t.json("/history/exports", { method: "POST", body: { filter: {}, format: "mp3", bitrate: 96 } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const entries = unzipSync((await fetchBytes((await waitForJob(t, started.body.id)).result.url)).bytes);
    const audio = Object.keys(entries).find((n) => n.endsWith(`${g.id}/audio.mp3`));
    assert.ok(audio, Object.keys(entries).join(", "));
    assert.deepEqual(new Set(mp3Frames(entries[audio]!).map((f) => f.bitrate)), new Set([96]));
    assertError(await t.json("/history/exports", { method: "POST", body: { ids: [g.id], format: "aac" } }), 400, "request.invalid", "wav, flac, mp3, opus");
    assertError(await t.json("/history/exports", { method: "POST", body: { ids: [g.id], format: "flac", bitrate: 128 } }), 400, "request.invalid", "lossless");
    assertError(await t.json("/history/exports", { method: "POST", body: { ids: [g.id], format: "mp3", bitrate: 32 } }), 400, "request.invalid", "64");
  });
});
