// Hostile archives through POST /history/import (and some through the large flow): each is refused
// with a 4xx whose `detail` names the problem and whose `code` says which, and nothing is left
// behind: no generation, no profile, no change in stats, no new object anywhere in the bucket
// (the large flow's own uploaded ZIP under imports/ included).
//   npx tsx tests/support/run.ts tests/transfer-hostile.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { Deflate, zipSync } from "fflate";
import { tenantFromSegment, tenantSegment } from "@sonna/core/table/keys";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, toJson, type Api, type JsonResponse, type Tenant } from "./support/server";
import { assertError, createCompleted, createProfile, objectExists } from "./support/fixtures";
import { completeLarge, importInRequest, startLarge } from "./support/transfer";

let api: Api;
let t: Tenant;
let profileId: string;

before(async () => {
  api = await startApi();
  t = await tenant(api);
  profileId = (await createProfile(t, "Hostile Narrator")).id;
  // Something to count, so "unchanged" means more than zero staying zero.
  await createCompleted(t, profileId, { text: "Already here", wav: makeWav({ frames: 4_000 }) });
});
after(() => api?.close());

// ---------------------------------------------------------------------------------------------
// Archive building

const WAV = makeWav({ frames: 2_400 });

interface RawEntry {
  name: string | Uint8Array;
  /** Uncompressed content (used for the CRC and sizes unless overridden). */
  data?: Uint8Array;
  method?: 0 | 8;
  /** The bytes written as the entry's data; default: `data` stored or raw-deflated. */
  compressed?: Uint8Array;
  crc?: number;
  /** Declared uncompressed size. */
  size?: number;
  /** General-purpose bit 3: CRC and sizes in a data descriptor after the data. */
  descriptor?: boolean;
}

/** A ZIP written field by field, so every field can lie. */
function rawZip(entries: RawEntry[]): Uint8Array {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === "string" ? Buffer.from(entry.name, "utf8") : Buffer.from(entry.name);
    const data = entry.data ?? new Uint8Array(0);
    const method = entry.method ?? 0;
    const compressed = entry.compressed ?? (method === 8 ? zlib.deflateRawSync(data) : data);
    const crc = entry.crc ?? zlib.crc32(data);
    const size = entry.size ?? data.length;
    const flags = (entry.descriptor ? 0x0008 : 0) | 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x6000, 10);
    local.writeUInt16LE(0x5a21, 12);
    local.writeUInt32LE(entry.descriptor ? 0 : crc, 14);
    local.writeUInt32LE(entry.descriptor ? 0 : compressed.length, 18);
    local.writeUInt32LE(entry.descriptor ? 0 : size, 22);
    local.writeUInt16LE(name.length, 26);
    out.push(local, name, Buffer.from(compressed));
    let length = local.length + name.length + compressed.length;
    if (entry.descriptor) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(compressed.length, 8);
      descriptor.writeUInt32LE(size, 12);
      out.push(descriptor);
      length += 16;
    }
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(flags, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt16LE(0x6000, 12);
    record.writeUInt16LE(0x5a21, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(compressed.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...out, directory, end]));
}

/** A valid generation.json (Sonna format) with `overrides` merged into its generation. */
function manifest(overrides: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  return {
    format: "sonna-history",
    format_version: 1,
    exported_at: "2025-05-01T10:00:00.000Z",
    generation: {
      text: "A hostile hello",
      language: "en",
      seed: 7,
      instruct: null,
      engine: "qwen",
      model_size: null,
      status: "completed",
      error: null,
      duration: 0.1,
      is_favorited: true,
      created_at: "2025-05-01T09:00:00.000Z",
      ...overrides,
    },
    profile: { name: "Hostile Import Profile", description: null, language: "en" },
    versions: [],
    audio: "audio.wav",
    ...top,
  };
}

const json = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

/** A well-formed archive: manifest + audio, deflated JSON, stored WAV. */
const goodEntries = (extra: RawEntry[] = [], manifestValue: unknown = manifest()): RawEntry[] => [
  { name: "generation.json", data: json(manifestValue), method: 8 },
  { name: "audio.wav", data: WAV },
  ...extra,
];

/** Raw deflate of `total` zero bytes, fed to fflate's Deflate 1 MiB at a time (nothing big is allocated). */
function deflatedZeros(total: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const deflate = new Deflate({ level: 9 }, (chunk) => void parts.push(chunk));
  const zeros = new Uint8Array(1024 * 1024);
  for (let left = total; left > 0; left -= zeros.length) deflate.push(zeros.subarray(0, Math.min(zeros.length, left)), false);
  deflate.push(new Uint8Array(0), true);
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Raw deflate of `mib` MiB of zeros without compressing them all: one sync-flushed (byte-aligned,
 * non-final, self-contained) block of 1 MiB repeated, then an empty final block.
 */
function repeatedZeroBlocks(mib: number): Uint8Array {
  const unit = zlib.deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return new Uint8Array(Buffer.concat([...Array.from({ length: mib }, () => unit), zlib.deflateRawSync(Buffer.alloc(0))]));
}

/** CRC-32 of `mib` MiB of zeros, computed a MiB at a time. */
function zerosCrc(mib: number): number {
  const zeros = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = zlib.crc32(zeros, crc);
  return crc;
}

// ---------------------------------------------------------------------------------------------
// Sending and checking

/** The large flow; returns the completion's answer and the key the ZIP was uploaded to. */
async function importLarge(zip: Uint8Array): Promise<{ res: JsonResponse; uploadKey: string; importId: string }> {
  const { import_id, upload } = await startLarge(t, zip);
  const uploadKey = decodeURIComponent(new URL(upload.url).pathname).split("/").slice(2).join("/");
  assert.ok(await objectExists(uploadKey), `the upload landed at ${uploadKey}`);
  return { res: await completeLarge(t, import_id), uploadKey, importId: import_id };
}

async function bucketKeys(): Promise<Set<string>> {
  const { s3 } = await import("@sonna/core/storage/client");
  const { bucketName } = await import("@sonna/core/resources");
  const keys = new Set<string>();
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), ContinuationToken }));
    for (const object of page.Contents ?? []) keys.add(object.Key!);
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
}

/**
 * Other test files share the bucket and run alongside: a new key is theirs when it sits under
 * another tenant's (canonical) segment or under archive.test.ts's own prefix. Anything else new,
 * ours or unattributable, is something this import left behind.
 */
function leftBehind(key: string): boolean {
  if (key.startsWith("archive-test/")) return false;
  const match = /^(t|exports|imports|uploads|search|restored)\/([A-Za-z0-9_-]+)\//.exec(key);
  if (!match) return true;
  const segment = match[2]!;
  return segment === tenantSegment(t.id) || tenantFromSegment(segment) === undefined;
}

interface Snapshot {
  total: number;
  profiles: string[];
  stats: unknown;
  keys: Set<string>;
}

async function snapshot(): Promise<Snapshot> {
  const [list, profiles, stats, keys] = await Promise.all([t.json("/history?limit=200"), t.json("/profiles"), t.json("/history/stats"), bucketKeys()]);
  assert.equal(list.status, 200);
  assert.equal(profiles.status, 200);
  assert.equal(stats.status, 200);
  return { total: list.body.total, profiles: profiles.body.items.map((p: { id: string }) => p.id).sort(), stats: stats.body, keys };
}

/**
 * The state the last passing check found. Every refusal must leave the tenant exactly as it was,
 * so that state is the next check's "before" (half the whole-bucket listings); anything that
 * changes the tenant on purpose (settings, a successful import) clears it.
 */
let settled: Snapshot | undefined;

const baseline = async (): Promise<Snapshot> => settled ?? (await snapshot());

async function assertNothingLeft(before: Snapshot, gone: string[] = []) {
  settled = undefined;
  const now = await snapshot();
  assert.equal(now.total, before.total, "no new generation");
  assert.deepEqual(now.profiles, before.profiles, "no new profile");
  assert.deepEqual(now.stats, before.stats, "stats unchanged");
  const added = [...now.keys].filter((key) => !before.keys.has(key) && leftBehind(key));
  assert.deepEqual(added, [], "no new object in the bucket");
  for (const key of gone) assert.equal(now.keys.has(key), false, `${key} was deleted`);
  settled = now;
}

interface Expect {
  status?: number;
  code: string;
  detail?: string | string[];
}

/** Sends the archive in the request and checks the refusal and that nothing was left behind; returns the answer. */
async function refusal(zip: Uint8Array, expected: Expect): Promise<JsonResponse> {
  const before = await baseline();
  const res = await importInRequest(t, zip);
  assertError(res, expected.status ?? 422, expected.code, expected.detail);
  await assertNothingLeft(before);
  return res;
}

async function refusedInRequest(zip: Uint8Array, expected: Expect): Promise<void> {
  await refusal(zip, expected);
}

/** The same through the large flow, plus: the uploaded ZIP is deleted and the import stays failed. */
async function refusedLarge(zip: Uint8Array, expected: Expect): Promise<void> {
  const before = await baseline();
  const { res, uploadKey, importId } = await importLarge(zip);
  assertError(res, expected.status ?? 422, expected.code, expected.detail);
  await assertNothingLeft(before, [uploadKey]);
  // Completing again (or the upload's event having run it first) answers the very same refusal.
  const again = await t.json(`/history/imports/${importId}/complete`, { method: "POST" });
  assertError(again, res.status, res.body.code);
  assert.equal(again.body.detail, res.body.detail);
  await assertNothingLeft(before, [uploadKey]);
}

// ---------------------------------------------------------------------------------------------

describe("not an archive", () => {
  test("not a ZIP (text)", () => refusedInRequest(json("hello, this is not a zip at all"), { code: "archive.not_zip", detail: "not a ZIP" }));
  test("not a ZIP (a bare WAV is called out)", () => refusedInRequest(WAV, { code: "archive.not_zip", detail: "WAV" }));
  test("empty file", () => refusedInRequest(new Uint8Array(0), { code: "archive.not_zip", detail: "empty" }));
  test("truncated ZIP (cut in the middle of the audio entry)", () => {
    const zip = rawZip(goodEntries());
    return refusedInRequest(zip.subarray(0, Math.floor(zip.length / 2)), { code: "archive.truncated", detail: "cut short" });
  });
  test("truncated ZIP (end record missing)", () => {
    const zip = rawZip(goodEntries());
    return refusedInRequest(zip.subarray(0, zip.length - 22), { code: "archive.truncated", detail: "end-of-central-directory" });
  });
  test("truncated ZIP through the large flow", () => {
    const zip = rawZip(goodEntries());
    return refusedLarge(zip.subarray(0, zip.length - 40), { code: "archive.truncated" });
  });
});

describe("manifest problems", () => {
  test("missing generation.json / manifest.json", () =>
    refusedInRequest(rawZip([{ name: "audio.wav", data: WAV }]), { code: "archive.manifest_missing", detail: ["generation.json", "manifest.json"] }));
  test("malformed JSON", () =>
    refusedInRequest(rawZip([{ name: "generation.json", data: json('{"format": "sonna-history", oops'), method: 8 }, { name: "audio.wav", data: WAV }]), {
      code: "archive.json_invalid",
      detail: ["generation.json", "not valid JSON"],
    }));
  test("generation.json that is not UTF-8", () =>
    refusedInRequest(rawZip([{ name: "generation.json", data: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, { name: "audio.wav", data: WAV }]), {
      code: "archive.json_invalid",
      detail: "UTF-8",
    }));
  test("schema-invalid generation.json names each bad field", async () => {
    const bad = manifest({ text: "   ", language: "english!!", seed: 1.5, engine: "two words", created_at: "yesterday", is_favorited: "yes" });
    const res = await refusal(rawZip(goodEntries([], bad)), {
      code: "archive.manifest_invalid",
      detail: ["generation.json", "generation.text", "generation.language", "generation.seed", "generation.engine", "generation.created_at", "generation.is_favorited"],
    });
    assert.ok(!/stack|at Object\.|zod/i.test(res.body.detail), res.body.detail);
  });
  test("schema-invalid: a required field missing and a wrong format", () => {
    const { text: _text, ...generation } = manifest().generation;
    return refusedInRequest(rawZip(goodEntries([], { ...manifest(), generation, format: "something-else" })), {
      code: "archive.manifest_invalid",
      detail: ["generation.text: Required", "format"],
    });
  });
  test("the manifest's audio names an entry that is not there", () =>
    refusedInRequest(rawZip(goodEntries([], manifest({}, { audio: "missing.wav" }))), { code: "archive.manifest_invalid", detail: ['audio: "missing.wav" is not in the archive'] }));
  test("a version names a WAV that is not there", () =>
    refusedInRequest(
      rawZip(goodEntries([], manifest({}, { versions: [{ label: "gone", effects_chain: [], is_default: false, file: "versions/01-gone.wav" }] }))),
      { code: "archive.manifest_invalid", detail: ["versions[0].file", "versions/01-gone.wav"] },
    ));
  test("a Voicebox manifest with no audio/*.wav at all", () =>
    refusedInRequest(rawZip([{ name: "manifest.json", data: json({ version: "1.0", generation: { text: "Hi", language: "en", duration: 1 } }), method: 8 }]), {
      code: "archive.manifest_invalid",
      detail: ["manifest.json", "audio/*.wav"],
    }));
  test("a manifest entry over the JSON cap (1 MiB)", () =>
    refusedInRequest(rawZip(goodEntries().map((e) => (e.name === "generation.json" ? { ...e, data: json({ ...manifest(), pad: "x".repeat(1024 * 1024) }) } : e))), {
      code: "archive.json_too_large",
      detail: "generation.json",
    }));
});

describe("bad audio", () => {
  test("garbage bytes named audio.wav", () =>
    refusedInRequest(rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, data: Buffer.from("definitely not RIFF data ".repeat(40)) } : e))), {
      code: "archive.audio_invalid",
      detail: ['"audio.wav"', "RIFF/WAVE"],
    }));
  test("a truncated WAV (the data chunk declares more than is there)", () =>
    refusedInRequest(rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, data: WAV.subarray(0, WAV.length - 1000) } : e))), {
      code: "archive.audio_invalid",
      detail: ['"audio.wav"', "truncated"],
    }));
  test("a bad version WAV after a good original: the staged and placed audio is removed too", () =>
    refusedInRequest(
      rawZip(goodEntries([{ name: "versions/01-x.wav", data: Buffer.from("RIFF\0\0\0\0WAVEjunkjunkjunk") }], manifest({}, { versions: [{ label: "x", effects_chain: [], is_default: true, file: "versions/01-x.wav" }] }))),
      { code: "archive.audio_invalid", detail: "versions/01-x.wav" },
    ));
  test("garbage WAV through the large flow", () =>
    refusedLarge(rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, data: new Uint8Array(5000).fill(0x41) } : e))), {
      code: "archive.audio_invalid",
      detail: "audio.wav",
    }));
});

describe("unsafe entry names", () => {
  test("'..' segment", () => refusedInRequest(rawZip(goodEntries([{ name: "../evil.wav", data: WAV }])), { code: "archive.unsafe_name", detail: ["../evil.wav", ".."] }));
  test("absolute path", () => refusedInRequest(rawZip(goodEntries([{ name: "/etc/evil.wav", data: WAV }])), { code: "archive.unsafe_name", detail: ["/etc/evil.wav", "absolute"] }));
  test("backslash", () => refusedInRequest(rawZip(goodEntries([{ name: "versions\\..\\evil.wav", data: WAV }])), { code: "archive.unsafe_name", detail: "backslash" }));
  test("NUL byte", () => refusedInRequest(rawZip(goodEntries([{ name: "evil\u0000.wav", data: WAV }])), { code: "archive.unsafe_name", detail: ["NUL", "evil\\u0000.wav"] }));
  test("drive letter", () => refusedInRequest(rawZip(goodEntries([{ name: "C:/evil.wav", data: WAV }])), { code: "archive.unsafe_name", detail: "drive letter" }));
  test("'..' through the large flow", () => refusedLarge(rawZip(goodEntries([{ name: "a/../../evil.wav", data: WAV }])), { code: "archive.unsafe_name", detail: ".." }));
});

describe("structure", () => {
  test("duplicate entries", () => refusedInRequest(rawZip(goodEntries([{ name: "audio.wav", data: WAV }])), { code: "archive.duplicate_entry", detail: "audio.wav" }));
  test("duplicate entries differing only in case", () =>
    refusedInRequest(rawZip(goodEntries([{ name: "AUDIO.WAV", data: WAV }])), { code: "archive.duplicate_entry", detail: ["AUDIO.WAV", "case-insensitively"] }));
  test("too many entries (65)", () =>
    refusedInRequest(rawZip(goodEntries(Array.from({ length: 63 }, (_, i) => ({ name: `pad/${i}.txt`, data: json(`pad ${i}`) })))), {
      code: "archive.too_many_entries",
      detail: "64",
    }));
  test("CRC mismatch (local header and central directory agree, the data does not)", () =>
    refusedInRequest(rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, crc: (zlib.crc32(WAV) ^ 1) >>> 0 } : e))), {
      code: "archive.crc_mismatch",
      detail: ["audio.wav", "CRC-32"],
    }));
  test("CRC mismatch in a data descriptor", () =>
    refusedInRequest(rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, descriptor: true, crc: 0xdeadbeef } : e))), {
      code: "archive.crc_mismatch",
      detail: "audio.wav",
    }));
  test("nested archive (by name: a .zip inside)", () =>
    refusedInRequest(rawZip(goodEntries([{ name: "inner.zip", data: zipSync({ "a.txt": json("a") }) }])), { code: "archive.nested", detail: "inner.zip" }));
  test("nested archive (by content: a ZIP named audio.wav)", () =>
    refusedInRequest(rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, data: zipSync({ "audio.wav": WAV }) } : e))), {
      code: "archive.nested",
      detail: ["audio.wav", "ZIP"],
    }));
  test("nested archive through the large flow", () =>
    refusedLarge(rawZip(goodEntries([{ name: "more.zip", data: zipSync({ "generation.json": json(manifest()), "audio.wav": WAV }) }])), { code: "archive.nested" }));
});

describe("expansion past the caps", () => {
  const MiB = 1024 * 1024;
  let bomb: Uint8Array | undefined;
  /** 16 MiB of zeros deflated to about 16 KB, built once. */
  const zeroBomb = () => (bomb ??= deflatedZeros(16 * MiB));

  test("deflated bomb without declared sizes (data descriptor): stopped by the expansion ratio", () => {
    assert.ok(zeroBomb().length < 32 * 1024, `bomb is ${zeroBomb().length} bytes`);
    return refusedInRequest(rawZip(goodEntries([{ name: "bomb.wav", method: 8, compressed: zeroBomb(), descriptor: true, size: 16 * MiB, crc: zerosCrc(16) }])), {
      code: "archive.ratio",
      detail: ["bomb.wav", "zip bomb"],
    });
  });
  test("deflated bomb that declares a small size: stopped by the ratio, not trusted", () =>
    refusedInRequest(rawZip(goodEntries([{ name: "small.bin", method: 8, compressed: zeroBomb(), size: 1000, crc: 0 }])), {
      code: "archive.ratio",
      detail: "small.bin",
    }));
  // Refused from the declared size, before a byte is inflated: the CRC is never reached (left 0).
  test("one entry of 2 GiB + 1 MiB of zeros (about 2 MB deflated): past the per-entry cap", () =>
    refusedInRequest(rawZip(goodEntries([{ name: "huge.wav", method: 8, compressed: repeatedZeroBlocks(2049), size: 2049 * MiB, crc: 0 }])), {
      code: "archive.too_large",
      detail: ["huge.wav", "per-entry cap"],
    }));
  test("entries adding up past the total cap (2 GiB)", () =>
    refusedInRequest(rawZip(goodEntries([{ name: "zeros.bin", method: 8, compressed: repeatedZeroBlocks(2048), size: 2048 * MiB, crc: 0 }])), {
      code: "archive.too_large",
      detail: ["zeros.bin", "in total"],
    }));
  test("deflated bomb through the large flow", () =>
    refusedLarge(rawZip(goodEntries([{ name: "bomb.wav", method: 8, compressed: zeroBomb(), descriptor: true, size: 16 * MiB, crc: zerosCrc(16) }])), {
      code: "archive.ratio",
    }));
});

describe("the request itself", () => {
  test("a form without the file field is 400 naming it", async () => {
    const before = await baseline();
    const form = new FormData();
    form.set("profile_id", profileId);
    assertError(await toJson(await t.request("/history/import", { method: "POST", body: form, headers: { accept: "application/json" } })), 400, "request.invalid", "file");
    await assertNothingLeft(before);
  });

  test("a file field that is a plain string is 400", async () => {
    const before = await baseline();
    const form = new FormData();
    form.set("file", "PK not really a file");
    assertError(await toJson(await t.request("/history/import", { method: "POST", body: form })), 400, "request.invalid", "file");
    await assertNothingLeft(before);
  });

  test("a body that is not multipart/form-data is 400 or 415", async () => {
    const before = await baseline();
    for (const [contentType, body] of [
      ["application/json", JSON.stringify({ file: "UEsDBA==" })],
      ["application/zip", rawZip(goodEntries())],
      ["text/plain", "hello"],
    ] as const) {
      const res = await toJson(await t.request("/history/import", { method: "POST", body, headers: { "content-type": contentType, accept: "application/json" } }));
      assert.ok(res.status === 400 || res.status === 415, `${contentType}: ${res.status} ${JSON.stringify(res.body)}`);
      assertError(res, res.status, res.status === 415 ? "request.unsupported_media_type" : "request.invalid");
    }
    await assertNothingLeft(before);
  });

  test("a body over 6 MB is 413 with a hint to use /history/imports", async () => {
    const before = await baseline();
    const big = makeWav({ frames: 3_300_000 }); // 6.6 MB
    const zip = rawZip(goodEntries().map((e) => (e.name === "audio.wav" ? { ...e, data: big } : e)));
    assert.ok(zip.length > 6_000_000);
    assertError(await importInRequest(t, zip), 413, "request.too_large", "/history/imports");
    await assertNothingLeft(before);
  });

  test("quota exceeded on import is 409 and leaves nothing behind (both flows)", async () => {
    const stats = (await t.json("/history/stats")).body;
    const put = await t.json("/settings", { method: "PUT", body: { quota_bytes: stats.total_bytes + 100 } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    settled = undefined; // the stats report the quota
    try {
      await refusedInRequest(rawZip(goodEntries()), { status: 409, code: "quota.exceeded", detail: "quota" });
      await refusedLarge(rawZip(goodEntries()), { status: 409, code: "quota.exceeded", detail: "quota" });
    } finally {
      assert.equal((await t.json("/settings", { method: "PUT", body: {} })).status, 200);
      settled = undefined;
    }
    // The same archive imports once the quota allows it: the refusals were about the quota only.
    const before = await snapshot();
    const ok = await importInRequest(t, rawZip(goodEntries()));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    // And the leftover check does notice what a successful import leaves.
    await assert.rejects(assertNothingLeft(before), /no new generation/);
    assert.equal((await t.json(`/history/${ok.body.id}`, { method: "DELETE" })).status < 300, true);
  });
});

describe("versions", () => {
  test("an archive with 50 processed versions besides the original is refused (a generation holds at most 50)", async () => {
    const versions = Array.from({ length: 50 }, (_, i) => ({ label: `v${i}`, effects_chain: [], is_default: false, file: "versions/shared.wav" }));
    const before = await snapshot();
    const res = await importInRequest(t, rawZip(goodEntries([{ name: "versions/shared.wav", data: WAV }], manifest({}, { versions }))));
    if (res.status === 201) {
      settled = undefined;
      const stored = res.body.versions.length;
      // Leave the tenant as it was for the other tests before failing.
      await t.json(`/history/${res.body.id}`, { method: "DELETE" });
      assert.fail(`imported with ${stored} versions (cap 50)`);
    }
    assert.ok(res.status === 422 || res.status === 409, `${res.status} ${JSON.stringify(res.body)}`);
    await assertNothingLeft(before);
  });
});
