// Archive building blocks: the bounded reader, the manifest formats, and (with the
// runner's local stack, SONNA_TEST_STACK=1) the streaming writer against s3rver.
//   node --import tsx --test tests/archive.test.ts          pure tests only
//   npx tsx tests/support/run.ts tests/archive.test.ts      pure and S3-backed
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import zlib from "node:zlib";
import fc from "fast-check";
import { Zip, ZipDeflate, ZipPassThrough, deflateSync, strToU8, unzipSync, zipSync } from "fflate";
import { VisibleError } from "../packages/core/src/errors";
import {
  detectFormat,
  parseArchive,
  safeFilename,
  sonnaManifest,
  versionEntryName,
  type SonnaGenerationFields,
} from "../packages/core/src/archive/format";
import { readZip, type RangeSource, type ReadZipLimits, type ReadZipResult } from "../packages/core/src/archive/read";
import { makeWav } from "../packages/core/src/wav/make";

// ---------------------------------------------------------------------------------------------
// Helpers

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** The archive behind ranged reads that hand out `size`-byte chunks, as a network source does. */
const ranges = (bytes: Uint8Array, size = 64 * 1024): RangeSource => ({
  size: bytes.length,
  read: (start, end) => Readable.from(chunked(bytes.subarray(start, end), size), { objectMode: false }),
});

interface Collected extends ReadZipResult {
  files: Map<string, Uint8Array>;
}

/** Reads everything: *.json as JSON, the rest streamed into memory. */
async function read(bytes: Uint8Array, limits: Partial<ReadZipLimits> = {}, chunkSize?: number): Promise<Collected> {
  const parts = new Map<string, Uint8Array[]>();
  const result = await readZip(
    ranges(bytes, chunkSize),
    {
      onEntry: (name) => {
        if (name.endsWith(".json")) return { accept: "json" };
        const list: Uint8Array[] = [];
        parts.set(name, list);
        return { accept: "stream", sink: (chunk) => void list.push(Uint8Array.from(chunk)) };
      },
    },
    limits,
  );
  const files = new Map([...parts].map(([name, list]) => [name, new Uint8Array(Buffer.concat(list))]));
  return { ...result, files };
}

async function refused(bytes: Uint8Array, code: string, detail?: RegExp, limits: Partial<ReadZipLimits> = {}, chunkSize?: number) {
  await assert.rejects(read(bytes, limits, chunkSize), (error: unknown) => {
    assert.ok(error instanceof VisibleError, `expected VisibleError, got ${String(error)}`);
    assert.equal(error.status, 422);
    assert.equal(error.code, `archive.${code}`, error.detail);
    if (detail) assert.match(error.detail, detail);
    return true;
  });
}

/** fflate's streaming Zip: every entry has a data descriptor (bit 3), as our exports do. */
function streamingZip(files: { name: string; data: Uint8Array; deflate?: boolean }[]): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    out.push(chunk);
  });
  for (const { name, data, deflate } of files) {
    const file = deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    zip.add(file);
    file.push(data, true);
  }
  zip.end();
  return new Uint8Array(Buffer.concat(out));
}

const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: number) => [...u32(v % 2 ** 32), ...u32(Math.floor(v / 2 ** 32))];

interface CraftEntry {
  name: string | Uint8Array;
  data?: Uint8Array;
  /** 0 stored (default), 8 deflate, anything else is written as is. */
  method?: number;
  flags?: number;
  /** How sizes and CRC are given: in the local header (default) or in a descriptor after the data. */
  descriptor?: "none" | "sig" | "nosig" | "zip64";
  /** Overrides of what the local header (or descriptor) declares. */
  crc?: number;
  size?: number;
  /** Replaces the data bytes (after compression). */
  raw?: Uint8Array;
  extra?: number[];
  central?: { name?: string; crc?: number; offset?: number; size?: number };
}

/** A test-only ZIP writer that lets every field lie. */
function craft(
  entries: CraftEntry[],
  options: { count?: number; skipCentral?: boolean; extraCentral?: CraftEntry; trailing?: Uint8Array; cdOffset?: number } = {},
): Uint8Array {
  const out: Uint8Array[] = [];
  let length = 0;
  const put = (...parts: (number[] | Uint8Array)[]) => {
    for (const part of parts) {
      const bytes = part instanceof Uint8Array ? part : Uint8Array.from(part);
      out.push(bytes);
      length += bytes.length;
    }
  };
  const central: number[] = [];
  let count = 0;
  const centralRecord = (e: CraftEntry, name: Uint8Array, crc: number, csize: number, size: number, offset: number, flags: number, method: number) => {
    const cname = e.central?.name !== undefined ? strToU8(e.central.name) : name;
    central.push(...u32(0x02014b50), 20, 3, ...u16(20), ...u16(flags), ...u16(method), 0, 0, 0x21, 0);
    central.push(...u32(e.central?.crc ?? crc), ...u32(csize), ...u32(e.central?.size ?? size));
    central.push(...u16(cname.length), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...u32(e.central?.offset ?? offset), ...cname);
    count++;
  };
  for (const e of entries) {
    const name = typeof e.name === "string" ? strToU8(e.name) : e.name;
    const data = e.data ?? new Uint8Array(0);
    const method = e.method ?? 0;
    const packed = e.raw ?? (method === 8 ? deflateSync(data) : data);
    const crc = e.crc ?? zlib.crc32(data);
    const size = e.size ?? data.length;
    const mode = e.descriptor ?? "none";
    const flags = (e.flags ?? 0) | (mode === "none" ? 0 : 8) | 0x800;
    const offset = length;
    const extra = e.extra ?? (mode === "zip64" ? [...u16(1), ...u16(16), ...u64(size), ...u64(packed.length)] : []);
    put([...u32(0x04034b50), ...u16(20), ...u16(flags), ...u16(method), 0, 0, 0x21, 0]);
    if (mode === "none") put([...u32(crc), ...u32(packed.length), ...u32(size)]);
    else if (mode === "zip64") put([...u32(0), ...u32(0xffffffff), ...u32(0xffffffff)]);
    else put([...u32(0), ...u32(0), ...u32(0)]);
    put([...u16(name.length), ...u16(extra.length)], name, extra, packed);
    if (mode === "sig") put([...u32(0x08074b50), ...u32(crc), ...u32(packed.length), ...u32(size)]);
    if (mode === "nosig") put([...u32(crc), ...u32(packed.length), ...u32(size)]);
    if (mode === "zip64") put([...u32(0x08074b50), ...u32(crc), ...u64(packed.length), ...u64(size)]);
    centralRecord(e, name, crc, packed.length, size, offset, flags, method);
  }
  if (options.extraCentral) {
    const e = options.extraCentral;
    centralRecord(e, strToU8(String(e.name)), 0, 0, 0, 0, 0, 0);
  }
  const cdStart = length;
  if (!options.skipCentral) put(central);
  const n = options.count ?? count;
  put([...u32(0x06054b50), 0, 0, 0, 0, ...u16(n), ...u16(n), ...u32(length - cdStart), ...u32(options.cdOffset ?? cdStart), 0, 0]);
  if (options.trailing) put(options.trailing);
  return new Uint8Array(Buffer.concat(out));
}

/**
 * Raw deflate of `mebibytes` MiB of zeros, without allocating them: zlib's output for each
 * sync-flushed MiB of zeros is the same after the first, so it is repeated, then closed with an
 * empty final stored block.
 */
async function deflatedZeros(mebibytes: number): Promise<Uint8Array> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const zero = Buffer.alloc(1024 * 1024);
  const flushMiB = () =>
    new Promise<Buffer>((done) => {
      const parts: Buffer[] = [];
      const collect = (chunk: Buffer) => parts.push(chunk);
      deflate.on("data", collect);
      deflate.write(zero);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        deflate.off("data", collect);
        done(Buffer.concat(parts));
      });
    });
  const first = await flushMiB();
  const steady = await flushMiB();
  assert.deepEqual(await flushMiB(), steady);
  deflate.destroy();
  return new Uint8Array(Buffer.concat([first, ...Array<Buffer>(mebibytes - 1).fill(steady), Buffer.from([1, 0, 0, 0xff, 0xff])]));
}

const json = (value: unknown) => strToU8(JSON.stringify(value));
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

// ---------------------------------------------------------------------------------------------
// Reader: what it accepts

describe("readZip accepts", () => {
  const wav = makeWav({ frames: 20_000 });
  // Four-byte runs that fool fflate's own streaming Unzip into ending an entry early.
  const tricky = new Uint8Array(4_000).fill(7);
  tricky.set([0x50, 0x4b, 0x07, 0x08], 1_000);
  tricky.set([0x50, 0x4b, 0x01, 0x02], 2_000);
  tricky.set([0x50, 0x4b, 0x03, 0x04], 3_000);

  it("fflate's streaming Zip (data descriptors), stored data containing ZIP signatures, at any chunk size", async () => {
    const archive = streamingZip([
      { name: "generation.json", data: json({ a: 1 }), deflate: true },
      { name: "audio.wav", data: wav },
      { name: "versions/01-tricky.wav", data: tricky },
      { name: "versions/02-tricky.bin", data: tricky, deflate: true },
    ]);
    const small = streamingZip([{ name: "a.wav", data: tricky }, { name: "b.bin", data: tricky, deflate: true }]);
    const bytewise = await read(small, {}, 1);
    assert.deepEqual([...bytewise.files.values()], [tricky, tricky]);
    for (const size of [5, 29, 4096, 1 << 20]) {
      const got = await read(archive, {}, size);
      assert.deepEqual(got.json.get("generation.json"), { a: 1 });
      assert.equal(sha(got.files.get("audio.wav")!), sha(wav));
      assert.deepEqual(got.files.get("versions/01-tricky.wav"), tricky);
      assert.deepEqual(got.files.get("versions/02-tricky.bin"), tricky);
      assert.deepEqual(
        got.entries.map((e) => [e.name, e.method, e.size, e.accepted]),
        [
          ["generation.json", "deflate", 7, "json"],
          ["audio.wav", "stored", wav.length, "stream"],
          ["versions/01-tricky.wav", "stored", 4000, "stream"],
          ["versions/02-tricky.bin", "deflate", 4000, "stream"],
        ],
      );
    }
  });

  it("zipSync archives (sizes in the local header), directory entries and UTF-8 names", async () => {
    const archive = zipSync({
      "manifest.json": json({ version: "1.0" }),
      "audio/": new Uint8Array(0),
      "audio/généré.wav": [wav, { level: 0 }],
      "notes.txt": strToU8("hello ".repeat(1000)),
    });
    const got = await read(archive);
    assert.deepEqual(got.directories, ["audio/"]);
    assert.deepEqual([...got.files.keys()], ["audio/généré.wav", "notes.txt"]);
    assert.equal(sha(got.files.get("audio/généré.wav")!), sha(wav));
    assert.equal(new TextDecoder().decode(got.files.get("notes.txt")), "hello ".repeat(1000));
  });

  it("descriptors without signature and ZIP64 descriptors, stored and deflated", async () => {
    for (const descriptor of ["sig", "nosig", "zip64"] as const) {
      for (const method of [0, 8]) {
        const archive = craft([
          { name: "a.bin", data: tricky, method, descriptor },
          { name: "b.json", data: json([1, 2]), method, descriptor },
        ]);
        const got = await read(archive, {}, 7);
        assert.deepEqual(got.files.get("a.bin"), tricky, `${descriptor} ${method}`);
        assert.deepEqual(got.json.get("b.json"), [1, 2]);
      }
    }
  });

  it("an empty archive, and empty entries", async () => {
    assert.deepEqual((await read(zipSync({}))).entries, []);
    const got = await read(streamingZip([{ name: "empty.wav", data: new Uint8Array(0) }, { name: "e.bin", data: new Uint8Array(0), deflate: true }]));
    assert.deepEqual(got.entries.map((e) => e.size), [0, 0]);
  });

  it("passes sizes it knows to onEntry, lets entries be skipped, and awaits sinks in order", async () => {
    const archive = zipSync({ "a.bin": [randomBytes(300_000), { level: 0 }], "b.bin": strToU8("b"), "c.bin": strToU8("c") });
    const seen: [string, number | undefined][] = [];
    const log: string[] = [];
    const result = await readZip(ranges(archive, 10_000), {
      onEntry: (name, size) => {
        seen.push([name, size]);
        if (name === "b.bin") return { accept: "skip" };
        return {
          accept: "stream",
          sink: async (chunk) => {
            log.push(`${name}+`);
            await new Promise((wake) => setTimeout(wake, 1));
            log.push(`${name}:${chunk.length}`);
          },
        };
      },
      onEntryEnd: (entry) => void log.push(`end ${entry.name}`),
    });
    assert.deepEqual(seen, [["a.bin", 300_000], ["b.bin", 1], ["c.bin", 1]]);
    assert.equal(result.entries[1]?.accepted, "skip");
    // Each write finishes before the next starts, and every entry ends after its last write.
    for (let i = 0; i < log.length; i += 1) {
      if (log[i]!.endsWith("+")) assert.match(log[i + 1]!, /:\d+$/);
    }
    assert.equal(log.filter((l) => l.startsWith("end")).length, 3);
    assert.equal(log.at(-1), "end c.bin");
  });

  it("lets the source's own error through unchanged, whether it fails the directory's read or an entry's", async () => {
    const archive = zipSync({ "a.wav": wav });
    const lost = new Error("connection reset");
    for (const failAt of [1, 2]) {
      let reads = 0;
      const source: RangeSource = {
        size: archive.length,
        read: (start, end) => (++reads < failAt ? ranges(archive).read(start, end) : new Readable({ read() { this.destroy(lost); } })),
      };
      await assert.rejects(readZip(source, { onEntry: () => ({ accept: "skip" }) }), (error) => error === lost);
      assert.equal(reads, failAt);
    }
  });

  it("lets a sink's own error through unchanged", async () => {
    const boom = new Error("disk full");
    await assert.rejects(
      readZip(zipSync({ "a.wav": wav }), { onEntry: () => ({ accept: "stream", sink: () => Promise.reject(boom) }) }),
      (error) => error === boom,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Reader: what it refuses

describe("readZip refuses", () => {
  const valid = streamingZip([
    { name: "generation.json", data: json({ hello: "world" }), deflate: true },
    { name: "audio.wav", data: makeWav({ frames: 2_000 }) },
  ]);

  it("input that is not a ZIP, saying what it looks like", async () => {
    await refused(new Uint8Array(0), "not_zip", /empty/);
    await refused(Uint8Array.of(0x50, 0x4b, 3), "not_zip", /only 3 bytes/);
    await refused(makeWav(), "not_zip", /WAV/);
    await refused(json({ a: 1 }), "not_zip", /JSON/);
    await refused(zlib.gzipSync(Buffer.from("x")), "not_zip", /gzip/);
    await refused(randomBytes(1000), "not_zip");
  });

  it("archives cut short anywhere: in a header, in data, in a descriptor, in the directory, before the end record", async () => {
    const audioData = valid.length - 22 - 2 * 46 - "generation.json".length - "audio.wav".length - 200;
    for (const cut of [4, 20, 40, 60, audioData, valid.length - 120, valid.length - 60, valid.length - 10, valid.length - 1]) {
      await refused(valid.subarray(0, cut), "truncated", undefined, {}, 13);
    }
    await refused(craft([{ name: "a.wav", data: strToU8("abc") }], { skipCentral: true }).subarray(0, 36), "truncated", /end-of-central-directory/);
  });

  it("names that could escape, hide or collide", async () => {
    const cases: [string, RegExp][] = [
      ["../evil.wav", /'\.\.'/],
      ["audio/../../evil.wav", /'\.\.'/],
      ["/etc/passwd", /absolute/],
      ["audio\\evil.wav", /backslash/],
      ["C:evil.wav", /drive letter/],
      ["c:/windows/evil.wav", /drive letter/],
      ["audio.wav:stream", /colon/],
      ["a\u0000b.wav", /control/],
      ["a\nb.wav", /control/],
      ["evil\u202evaw.exe", /control/],
      ["audio//a.wav", /empty segment/],
      ["./audio.wav", /'\.' segment/],
      ["audio.wav.", /dot or a space/],
      ["", /empty/],
      ["a".repeat(300), /longer/],
    ];
    for (const [name, reason] of cases) {
      await refused(craft([{ name, data: strToU8("x") }]), "unsafe_name", reason);
    }
  });

  it("duplicate names, compared case-insensitively and after normalisation, and file/directory clashes", async () => {
    await refused(craft([{ name: "audio.wav" }, { name: "AUDIO.WAV" }]), "duplicate_entry", /"AUDIO.WAV"/);
    await refused(craft([{ name: "caf\u00e9.wav" }, { name: "cafe\u0301.wav" }]), "duplicate_entry");
    await refused(craft([{ name: "audio" }, { name: "audio/a.wav" }]), "duplicate_entry");
    await refused(craft([{ name: "audio/a.wav" }, { name: "audio" }]), "duplicate_entry");
    await refused(craft([{ name: "audio/" }, { name: "audio/" }]), "duplicate_entry");
    await refused(craft([{ name: "audio/", data: strToU8("data in a directory") }]), "unsafe_name", /carries data/);
  });

  it("more entries than the cap", async () => {
    const many = Array.from({ length: 65 }, (_, i) => ({ name: `f${i}.txt` }));
    await refused(craft(many), "too_many_entries", /64/);
    await refused(craft(many.slice(0, 4)), "too_many_entries", /3/, { maxEntries: 3 });
    assert.equal((await read(craft(many.slice(0, 64)))).entries.length, 64);
  });

  it("entries over the per-entry and total caps, declared or discovered while streaming", async () => {
    const data = randomBytes(5_000);
    await refused(craft([{ name: "a.bin", data }]), "too_large", /per-entry cap/, { maxEntryBytes: 4_000 });
    await refused(craft([{ name: "a.bin", data, descriptor: "sig" }]), "too_large", /per-entry cap/, { maxEntryBytes: 4_000 });
    // A header that understates the size is caught by the count, not trusted.
    await refused(craft([{ name: "a.bin", data, method: 8, size: 10 }]), "too_large", /per-entry cap/, { maxEntryBytes: 4_000 });
    await refused(craft([{ name: "a.bin", data }, { name: "b.bin", data }]), "too_large", /in total/, { maxTotalBytes: 8_000 });
    await refused(
      craft([{ name: "a.bin", data, descriptor: "sig" }, { name: "b.bin", data, method: 8, descriptor: "nosig" }]),
      "too_large",
      /in total/,
      { maxTotalBytes: 8_000 },
    );
  });

  it("a zip bomb (a deflated entry of 100 MB of zeros) by ratio, or by the caps when the ratio is lifted", async () => {
    const raw = await deflatedZeros(100);
    const crc = zlib.crc32(new Uint8Array(100 * 1024 * 1024));
    const declared = craft([{ name: "bomb.wav", method: 8, raw, size: 100 * 1024 * 1024, crc }]);
    const streamed = craft([{ name: "bomb.wav", method: 8, raw, descriptor: "sig" }]);
    assert.ok(raw.length < 200_000, `bomb is ${raw.length} bytes`);
    // Declared sizes within the caps are not trusted either: the ratio is measured.
    await refused(declared, "ratio", /bomb\.wav.*200:1/);
    await refused(streamed, "ratio", /bomb\.wav.*200:1/);
    await refused(declared, "too_large", /per-entry cap/, { maxEntryBytes: 10 * 1024 * 1024 });
    await refused(streamed, "too_large", /per-entry cap/, { maxRatio: 10_000, maxEntryBytes: 10 * 1024 * 1024 });
    await refused(streamed, "too_large", /in total/, { maxRatio: 10_000, maxTotalBytes: 10 * 1024 * 1024 });
  });

  it("a 1 GiB zip bomb without inflating it: little reaches the sink and RSS barely moves", async () => {
    const bomb = craft([{ name: "bomb.wav", method: 8, raw: await deflatedZeros(1024), descriptor: "sig" }]);
    assert.ok(bomb.length < 1.2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const before = process.memoryUsage().rss;
    for (const [limits, code] of [
      [{}, "archive.ratio"],
      [{ maxRatio: 10_000, maxTotalBytes: 64 * 1024 * 1024 }, "archive.too_large"],
    ] as const) {
      let delivered = 0;
      await assert.rejects(
        readZip(bomb, { onEntry: () => ({ accept: "stream", sink: (chunk) => void (delivered += chunk.length) }) }, limits),
        (error: unknown) => error instanceof VisibleError && error.code === code,
      );
      assert.ok(delivered <= 64 * 1024 * 1024, `${delivered} bytes reached the sink`);
    }
    const growth = process.memoryUsage().rss - before;
    // A sanity bound only (garbage collection is not forced): inflating it would take 1 GiB.
    assert.ok(growth < 128 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1024 / 1024)} MiB`);
  });

  it("damaged data: a flipped byte fails the CRC-32 from the local header, the descriptor or the directory", async () => {
    const data = randomBytes(2_000);
    const stored = craft([{ name: "a.wav", data }]);
    const flipped = stored.slice();
    flipped[30 + 5 + 1_000]! ^= 0x01;
    await refused(flipped, "crc_mismatch", /"a\.wav".*CRC-32/);

    const streamed = streamingZip([{ name: "a.wav", data }]);
    const flipped2 = streamed.slice();
    flipped2[30 + "a.wav".length + 500]! ^= 0x80; // local header, name, then the data

    await refused(flipped2, "crc_mismatch");

    await refused(craft([{ name: "a.wav", data, method: 8, descriptor: "sig", crc: 1234 }]), "crc_mismatch");
    await refused(craft([{ name: "a.wav", data, central: { crc: 42 } }]), "crc_mismatch", /central directory/);
  });

  it("sizes that disagree with the data", async () => {
    await refused(craft([{ name: "a.bin", data: randomBytes(100), method: 8, size: 99 }]), "size_mismatch", /declares 99/);
  });

  it("nested archives, by name or by content", async () => {
    for (const name of ["inner.zip", "a/b.ZIP", "x.tar", "x.gz", "x.7z", "x.rar", "x.tgz"]) {
      await refused(craft([{ name, data: strToU8("x") }]), "nested", /nested/);
    }
    const inner = zipSync({ "a.txt": strToU8("a") });
    await refused(craft([{ name: "audio.wav", data: inner }]), "nested", /ZIP archive/);
    await refused(streamingZip([{ name: "audio.wav", data: inner, deflate: true }]), "nested", /ZIP/, {}, 1);
    await refused(craft([{ name: "data.bin", data: zlib.gzipSync(Buffer.from("hello")) }]), "nested", /gzip/);
  });

  it("encrypted entries and unknown compression methods", async () => {
    await refused(craft([{ name: "a.wav", data: strToU8("x"), flags: 1 }]), "encrypted", /"a\.wav"/);
    await refused(craft([{ name: "a.wav", data: strToU8("x"), method: 99 }]), "encrypted");
    await refused(craft([{ name: "a.wav", data: strToU8("x"), method: 12 }]), "unsupported_method", /method 12/);
    await refused(craft([{ name: "a.wav", data: strToU8("x"), method: 14 }]), "unsupported_method", /method 14/);
  });

  it("JSON that is too large or not JSON", async () => {
    const big = json({ pad: "x".repeat(2_000) });
    await refused(craft([{ name: "m.json", data: big }]), "json_too_large", /"m\.json"/, { maxJsonBytes: 1_000 });
    await refused(craft([{ name: "m.json", data: big, method: 8, descriptor: "sig" }]), "json_too_large", undefined, { maxJsonBytes: 1_000 });
    await refused(craft([{ name: "m.json", data: strToU8("{nope") }]), "json_invalid", /not valid JSON/);
    await refused(craft([{ name: "m.json", data: Uint8Array.of(0x7b, 0xff, 0x7d) }]), "json_invalid", /UTF-8/);
  });

  it("a central directory that contradicts the entries", async () => {
    const data = strToU8("hello");
    await refused(craft([{ name: "a.wav", data, central: { name: "b.wav" } }]), "inconsistent");
    await refused(craft([{ name: "a.wav", data, central: { offset: 7 } }]), "inconsistent");
    await refused(craft([{ name: "a.wav", data, central: { size: 6 } }]), "inconsistent");
    await refused(craft([{ name: "a.wav", data }], { extraCentral: { name: "hidden.wav" } }), "inconsistent", /hidden/);
    await refused(craft([{ name: "a.wav", data }], { count: 2 }), "inconsistent");
    await refused(craft([{ name: "a.wav", data }], { cdOffset: 0 }), "inconsistent");
    await refused(craft([{ name: "a.wav", data }], { skipCentral: true }), "inconsistent");
    // b.wav's header and data sit inside a.wav's data: a directory reader would read those bytes twice.
    const inner = craft([{ name: "b.wav", data }]).subarray(0, 30 + 5 + data.length);
    await refused(craft([{ name: "a.wav", data: inner }], { extraCentral: { name: "b.wav", central: { offset: 35 } } }), "inconsistent", /"a\.wav" and "b\.wav" overlap/);
  });

  it("data after the end record", async () => {
    await refused(craft([{ name: "a.wav", data: strToU8("x") }], { trailing: strToU8("junk") }), "trailing_data");
  });

  it("deflate data that is corrupt, or junk after the end of a deflate stream", async () => {
    await refused(craft([{ name: "a.bin", method: 8, raw: Uint8Array.of(0xff, 0xff, 0xff, 0xff), size: 3 }]), "corrupt", /deflate/);
    const junk = new Uint8Array(1.5 * 1024 * 1024).fill(0x55);
    const raw = new Uint8Array([...deflateSync(strToU8("hi")), ...junk]);
    await refused(craft([{ name: "a.bin", method: 8, raw, data: strToU8("hi") }]), "corrupt", /decodes to nothing/);
  });

  it("never anything but a 422 VisibleError, and never hangs, for mutated or cut archives", async () => {
    const base = streamingZip([
      { name: "generation.json", data: json({ text: "hello", n: [1, 2, 3] }), deflate: true },
      { name: "audio.wav", data: makeWav({ frames: 300 }) },
      { name: "versions/01-x.wav", data: makeWav({ frames: 200 }), deflate: true },
    ]);
    const known = zipSync({ "manifest.json": json({ version: "1.0" }), "audio/a.wav": makeWav({ frames: 300 }) });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 4096 }),
        async (useKnown, mutations, chunkSize) => {
          let bytes: Uint8Array = (useKnown ? known : base).slice();
          for (const m of mutations) {
            const at = m.at % (bytes.length + 1);
            if (m.kind === "flip") bytes[Math.min(at, bytes.length - 1)] = m.value;
            else if (m.kind === "cut") bytes = bytes.subarray(0, at);
            else if (m.kind === "insert") bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
            else bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.length)]);
          }
          let timer: NodeJS.Timeout | undefined;
          const hang = new Promise<never>((_, fail) => {
            timer = setTimeout(() => fail(new Error("readZip did not settle within 5 s")), 5_000);
          });
          try {
            await Promise.race([read(bytes, {}, chunkSize), hang]);
          } catch (error) {
            if (!(error instanceof VisibleError) || error.status !== 422 || !error.code.startsWith("archive.")) throw error;
          } finally {
            clearTimeout(timer);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Manifest formats

const generation: SonnaGenerationFields = {
  id: "0199a5f4-6c1e-7d2a-9b1c-2f3e4d5c6b7a",
  profile_id: "0199a5f4-0000-7d2a-9b1c-2f3e4d5c6b7a",
  text: "Hello there, this is a test.",
  language: "en",
  seed: 42,
  instruct: null,
  engine: "qwen",
  model_size: "1.7B",
  status: "completed",
  error: null,
  duration: 2.5,
  is_favorited: true,
  tags: ["intro", "calm voice"],
  note: "Read slowly.\nTwice if needed.",
  created_at: "2026-01-02T03:04:05.678Z",
  size_bytes: 120_044,
};
const profile = { id: generation.profile_id, name: "Narrator", description: null, language: "en" };

/** Voicebox's export as backend/services/export_import.py writes it. */
const voiceboxManifest = {
  version: "1.0",
  generation: {
    id: "6f1c0d1e-1111-4c1e-9a6e-000000000001",
    text: "Bonjour à tous",
    language: "fr",
    duration: 1.25,
    seed: null,
    instruct: "warm",
    created_at: "2025-11-03T14:05:06.123456",
  },
  profile: { id: "p-1", name: "Claire", description: "French voice", language: "fr" },
  versions: [
    { id: "v1", label: "original", is_default: false, effects_chain: null, filename: "6f1c.wav" },
    {
      id: "v2",
      label: "version-2",
      is_default: true,
      effects_chain: [
        { type: "reverb", enabled: true, params: { room_size: 0.5 } },
        { type: "chorus", enabled: false, params: { depth: 0.5 } },
      ],
      filename: "6f1c_processed.wav",
    },
  ],
};

async function manifestError(run: () => unknown, code: string, detail: RegExp) {
  await assert.rejects(async () => run(), (error: unknown) => {
    assert.ok(error instanceof VisibleError);
    assert.equal(error.status, 422);
    assert.equal(error.code, code);
    assert.match(error.detail, detail);
    return true;
  });
}

describe("archive formats", () => {
  it("a Sonna manifest built by sonnaManifest parses back, through a real archive", async () => {
    const versions = [
      { label: "original", effects_chain: [], is_default: true, file: versionEntryName(0, "original") },
      { label: "Radio voice!", effects_chain: [{ type: "lowpass", params: { cutoff: 3500 } }], is_default: false, file: versionEntryName(1, "Radio voice!") },
    ];
    assert.equal(versions[1]!.file, "versions/02-radio-voice.wav");
    const manifest = sonnaManifest(generation, profile, versions, new Date("2026-02-01T00:00:00Z"));
    assert.equal(manifest.format, "sonna-history");
    const wav = makeWav({ frames: 100 });
    const archive = streamingZip([
      { name: "generation.json", data: strToU8(JSON.stringify(manifest, null, 2)), deflate: true },
      { name: "audio.wav", data: wav },
      ...versions.map((v) => ({ name: v.file, data: wav })),
    ]);
    const parsed = parseArchive(await read(archive));
    assert.equal(parsed.format, "sonna");
    assert.equal(parsed.audioFile, "audio.wav");
    assert.deepEqual(parsed.profile, profile);
    assert.deepEqual(parsed.versions, versions);
    const { id, profile_id, size_bytes, ...fields } = generation;
    assert.deepEqual(parsed.generation, fields);
  });

  it("sonnaManifest copies only the fields it documents", () => {
    const stored = { ...generation, pk: "TENANT#x", rev: 3, text_lc: "hello", versions: [] };
    const manifest = sonnaManifest(stored, null, []);
    assert.deepEqual(Object.keys(manifest.generation).sort(), Object.keys(generation).sort());
    assert.equal(manifest.profile, null);
  });

  it("a Sonna manifest from before tags and notes parses with none; its tags are normalised and checked like the API's", async () => {
    const manifest = sonnaManifest(generation, profile, []);
    const entries = [{ name: "generation.json" }, { name: "audio.wav" }];
    const parse = (g: Record<string, unknown>) => parseArchive({ json: new Map([["generation.json", { ...manifest, generation: g }]]), entries });
    const { tags: _tags, note: _note, ...older } = manifest.generation;
    assert.deepEqual([parse(older).generation.tags, parse(older).generation.note], [[], null]);
    assert.deepEqual(parse({ ...older, tags: [" Intro", "INTRO", "b"], note: null }).generation.tags, ["intro", "b"]);
    for (const [tags, problem] of [
      [Array.from({ length: 21 }, (_, i) => `t${i}`), /generation\.tags: at most 20 tags/],
      [["x".repeat(41)], /generation\.tags\[0\]: must be at most 40 characters/],
      [["  "], /generation\.tags\[0\]: must not be blank/],
      [["a\u0007b"], /generation\.tags\[0\]: must not contain control characters/],
      [[7], /generation\.tags\[0\]: /],
      ["intro", /generation\.tags: /],
    ] as const) {
      await manifestError(() => parse({ ...older, tags }), "archive.manifest_invalid", problem);
    }
    await manifestError(() => parse({ ...older, note: "n".repeat(2_001) }), "archive.manifest_invalid", /generation\.note: must be at most 2000 characters/);
  });

  it("Voicebox's export: default version's file, disabled effects dropped, naive UTC time", () => {
    const parsed = parseArchive({
      json: new Map([["manifest.json", voiceboxManifest]]),
      entries: [{ name: "manifest.json" }, { name: "audio/6f1c.wav" }, { name: "audio/6f1c_processed.wav" }],
    });
    assert.equal(parsed.format, "voicebox");
    assert.equal(parsed.audioFile, "audio/6f1c_processed.wav");
    assert.deepEqual(parsed.versions, [
      { label: "original", effects_chain: [], is_default: false, file: "audio/6f1c.wav" },
      { label: "version-2", effects_chain: [{ type: "reverb", params: { room_size: 0.5 } }], is_default: true, file: "audio/6f1c_processed.wav" },
    ]);
    assert.deepEqual(parsed.generation, {
      text: "Bonjour à tous",
      language: "fr",
      seed: null,
      instruct: "warm",
      engine: "unknown",
      model_size: null,
      status: "completed",
      error: null,
      duration: 1.25,
      is_favorited: false,
      tags: [],
      note: null,
      created_at: "2025-11-03T14:05:06.123Z",
    });
    assert.deepEqual(parsed.profile, { id: "p-1", name: "Claire", description: "French voice", language: "fr" });
  });

  it("an older Voicebox export (no versions) takes the first audio/*.wav, as Voicebox's importer does", () => {
    const { versions, profile: _p, ...older } = voiceboxManifest;
    const parsed = parseArchive(
      { json: new Map([["manifest.json", older]]), entries: [{ name: "manifest.json" }, { name: "audio/x.wav" }, { name: "audio/y.wav" }] },
      new Date("2026-01-01T00:00:00Z"),
    );
    assert.equal(parsed.audioFile, "audio/x.wav");
    assert.deepEqual(parsed.versions, []);
    assert.equal(parsed.profile, null);
  });

  it("field-level messages for invalid manifests", async () => {
    const { text: _t, ...noText } = voiceboxManifest.generation;
    await manifestError(
      () => parseArchive({ json: new Map([["manifest.json", { ...voiceboxManifest, generation: { ...noText, duration: "long" } }]]), entries: [{ name: "manifest.json" }] }),
      "archive.manifest_invalid",
      /generation\.text: Required.*generation\.duration: /,
    );
    const bad = sonnaManifest(generation, profile, []) as Record<string, unknown>;
    await manifestError(
      () => parseArchive({ json: new Map([["generation.json", { ...bad, audio: "../audio.wav" }]]), entries: [{ name: "generation.json" }] }),
      "archive.manifest_invalid",
      /audio: must be a safe entry name/,
    );
    await manifestError(
      () => parseArchive({ json: new Map([["generation.json", bad]]), entries: [{ name: "generation.json" }] }),
      "archive.manifest_invalid",
      /audio: "audio\.wav" is not in the archive/,
    );
    await manifestError(
      () =>
        parseArchive({
          json: new Map([["manifest.json", voiceboxManifest]]),
          entries: [{ name: "manifest.json" }, { name: "audio/6f1c.wav" }],
        }),
      "archive.manifest_invalid",
      /versions\[1\]\.filename: "audio\/6f1c_processed\.wav" is not in the archive/,
    );
    await manifestError(() => parseArchive({ json: new Map(), entries: [{ name: "audio.wav" }] }), "archive.manifest_missing", /generation\.json/);
  });

  it("the seed's shape: generation.json with no format marker, missing fields taking the seed's defaults", () => {
    const now = new Date("2026-01-02T03:04:05.000Z");
    const entries = [{ name: "generation.json" }, { name: "audio.wav" }];
    const minimal = parseArchive({ json: new Map([["generation.json", { text: "Just the text" }]]), entries }, now);
    assert.deepEqual(minimal, {
      format: "seed",
      generation: {
        text: "Just the text",
        language: "en",
        seed: null,
        instruct: null,
        engine: "qwen",
        model_size: null,
        status: "completed",
        error: null,
        duration: null,
        is_favorited: false,
      tags: [],
      note: null,
        created_at: now.toISOString(),
      },
      profile: null,
      versions: [],
      audioFile: "audio.wav",
    });
    const full = {
      id: "5b0c4a7e-2d3f-4e1a-9b8c-7d6e5f4a3b2c",
      profile_id: "0b6f1f5e-1c2d-4e3f-8a9b-0c1d2e3f4a5b",
      text: "Every field",
      language: "de",
      audio_path: "/home/someone/voicebox/data/generations/5b0c.wav",
      duration: 2.5,
      seed: 99,
      instruct: "slowly",
      engine: "kokoro",
      model_size: "82M",
      status: "completed",
      error: null,
      is_favorited: true,
      created_at: "2025-05-06T07:08:09.5",
      some_later_column: { ignored: true },
    };
    const parsed = parseArchive({ json: new Map([["generation.json", full]]), entries }, now);
    assert.equal(parsed.format, "seed");
    const { id: _i, profile_id: _p, audio_path: _a, some_later_column: _s, ...kept } = full;
    assert.deepEqual(parsed.generation, { ...kept, tags: [], note: null, created_at: "2025-05-06T07:08:09.500Z" });
    assert.deepEqual(parsed.profile, { id: full.profile_id, description: null, language: "de" });
    // Nulls are left-out fields.
    const nulls = parseArchive({ json: new Map([["generation.json", { text: "n", language: null, engine: null, is_favorited: null, created_at: null }]]), entries }, now);
    assert.deepEqual([nulls.generation.language, nulls.generation.engine, nulls.generation.is_favorited, nulls.generation.created_at], ["en", "qwen", false, now.toISOString()]);
  });

  it("the seed's shape refuses wrong types, hostile values and a missing audio.wav with 422", async () => {
    const entries = [{ name: "generation.json" }, { name: "audio.wav" }];
    const cases: [unknown, RegExp][] = [
      [{}, /text: Required/],
      [{ text: 42 }, /text: /],
      [{ text: "   " }, /text: must not be blank/],
      [{ text: "x".repeat(20_001) }, /text: must be at most/],
      [{ text: "lone \uD800" }, /text: /],
      [{ text: "ok", language: "english!" }, /language: /],
      [{ text: "ok", seed: 1.5 }, /seed: /],
      [{ text: "ok", seed: "7" }, /seed: /],
      [{ text: "ok", engine: "my engine" }, /engine: /],
      [{ text: "ok", model_size: "1.7 B" }, /model_size: /],
      [{ text: "ok", status: "done" }, /status: /],
      [{ text: "ok", is_favorited: "yes" }, /is_favorited: /],
      [{ text: "ok", duration: -1 }, /duration: /],
      [{ text: "ok", created_at: "yesterday" }, /created_at: /],
      [{ text: "ok", created_at: "2999-01-01T00:00:00Z" }, /created_at: /],
      [{ text: "ok", id: "x".repeat(65) }, /id: /],
      [{ text: "ok", profile_id: 7 }, /profile_id: /],
      [{ text: "ok", audio_path: "p".repeat(1_025) }, /audio_path: /],
      [{ text: "ok", error: 3 }, /error: /],
    ];
    for (const [json, detail] of cases) {
      await manifestError(() => parseArchive({ json: new Map([["generation.json", json]]), entries }), "archive.manifest_invalid", detail);
    }
    await manifestError(
      () => parseArchive({ json: new Map([["generation.json", { text: "no audio" }]]), entries: [{ name: "generation.json" }, { name: "other.wav" }] }),
      "archive.manifest_invalid",
      /audio\.wav/,
    );
    // Not an object, or a format marker that isn't ours: our own format's rules apply, and refuse it.
    for (const json of [[{ text: "in a list" }], "text", null, { format: "other", text: "marked" }]) {
      await manifestError(() => parseArchive({ json: new Map([["generation.json", json]]), entries }), "archive.manifest_invalid", /generation\.json/);
    }
  });

  it("detects the format from entry names", () => {
    assert.equal(detectFormat(["audio.wav", "generation.json"]), "sonna");
    assert.equal(detectFormat(["manifest.json", "audio/a.wav"]), "voicebox");
    assert.equal(detectFormat(["a.wav"]), null);
  });

  it("safeFilename: ASCII words, no path characters, bounded, with a fallback", () => {
    assert.equal(safeFilename("Hello, World! This is a TEST of names"), "generation-hello-world-this-is-a-test.sonna.zip");
    assert.equal(safeFilename("Café déjà vu"), "generation-cafe-deja-vu.sonna.zip");
    assert.equal(safeFilename("../../etc/passwd"), "generation-etc-passwd.sonna.zip");
    assert.equal(safeFilename("日本語のテキスト"), "generation.sonna.zip");
    assert.equal(safeFilename(""), "generation.sonna.zip");
    assert.equal(safeFilename("hi", ".wav"), "generation-hi.wav");
    const long = safeFilename("supercalifragilisticexpialidocious ".repeat(10));
    assert.ok(long.length <= 80, long);
    assert.match(long, /^generation(-[a-z0-9]+)*\.sonna\.zip$/);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const name = safeFilename(text);
        assert.ok(name.length <= 80);
        assert.match(name, /^generation(-[a-z0-9]+){0,6}\.sonna\.zip$/);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Writer, against the runner's s3rver

describe("writeZipToS3 (local S3)", { skip: process.env.SONNA_TEST_STACK !== "1" && "needs the local stack (npm test)" }, () => {
  const prefix = `archive-test/${Date.now()}-${randomBytes(4).toString("hex")}`;
  const hashes = new Map<string, ReturnType<typeof createHash>>();

  async function load() {
    const [{ s3 }, { bucketName }, s3sdk, write] = await Promise.all([
      import("../packages/core/src/storage/client"),
      import("../packages/core/src/resources"),
      import("@aws-sdk/client-s3"),
      import("../packages/core/src/archive/write"),
    ]);
    const put = (key: string, body: Uint8Array) =>
      s3.send(new s3sdk.PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body, ContentType: "audio/wav" }));
    const get = async (key: string) => s3.send(new s3sdk.GetObjectCommand({ Bucket: bucketName(), Key: key }));
    const exists = async (key: string) =>
      s3.send(new s3sdk.HeadObjectCommand({ Bucket: bucketName(), Key: key })).then(
        () => true,
        (error: { $metadata?: { httpStatusCode?: number } }) => {
          if (error.$metadata?.httpStatusCode === 404) return false;
          throw error;
        },
      );
    return { s3, s3sdk, write, put, get, exists };
  }

  it("round-trips a manifest, a 5 MB WAV and a 9 MB version (multipart) through readZip over ranged GetObjects", async () => {
    const { write, put, get } = await load();
    const audio = makeWav({ frames: 2_500_000 }); // 5 MB
    const version = makeWav({ frames: 4_500_000, fill: (i) => Math.sin(i / 7) * 0.3 }); // 9 MB
    await put(`${prefix}/audio.wav`, audio);
    await put(`${prefix}/version.wav`, version);
    const manifest = sonnaManifest(generation, profile, [
      { label: "original", effects_chain: [], is_default: true, file: "versions/01-original.wav" },
    ]);
    const mtime = new Date("2026-03-04T05:06:08Z");
    const { size } = await write.writeZipToS3({
      key: `${prefix}/export.zip`,
      entries: [
        { name: "generation.json", kind: "json", data: manifest, mtime },
        { name: "audio.wav", kind: "object", key: `${prefix}/audio.wav` },
        { name: "versions/01-original.wav", kind: "object", key: `${prefix}/version.wav` },
      ],
    });
    const object = await get(`${prefix}/export.zip`);
    assert.equal(object.ContentLength, size);
    assert.equal(object.ContentType, "application/zip");
    (object.Body as Readable).destroy();

    const { headObject, objectRanges } = await import("../packages/core/src/storage/objects");
    const head = await headObject(`${prefix}/export.zip`);
    const result = await readZip(objectRanges(`${prefix}/export.zip`, head!), {
      onEntry: (name) => {
        if (name === "generation.json") return { accept: "json" };
        const hash = createHash("sha256");
        hashes.set(name, hash);
        return { accept: "stream", sink: (chunk) => void hash.update(chunk) };
      },
    });
    assert.deepEqual(parseArchive(result).versions[0]?.file, "versions/01-original.wav");
    assert.deepEqual(result.json.get("generation.json"), manifest);
    assert.equal(hashes.get("audio.wav")?.digest("hex"), sha(audio));
    assert.equal(hashes.get("versions/01-original.wav")?.digest("hex"), sha(version));
    assert.deepEqual(result.entries.map((e) => e.method), ["deflate", "stored", "stored"]);

    // An independent reader agrees, and the JSON is indented.
    const whole = await (await get(`${prefix}/export.zip`)).Body!.transformToByteArray();
    const files = unzipSync(whole);
    assert.equal(new TextDecoder().decode(files["generation.json"]), JSON.stringify(manifest, null, 2));
    assert.equal(sha(files["audio.wav"]!), sha(audio));
    // The first local header carries the extended timestamp (0x5455) with the given mtime.
    const view = new DataView(whole.buffer, whole.byteOffset);
    const extraAt = 30 + view.getUint16(26, true);
    assert.equal(view.getUint16(extraAt, true), 0x5455);
    assert.equal(view.getUint32(extraAt + 5, true), mtime.getTime() / 1000);
  });

  it("refuses before uploading when the archive would pass the cap, and when a source is gone", async () => {
    const { write, put, exists } = await load();
    await put(`${prefix}/small.wav`, makeWav({ frames: 10_000 }));
    await assert.rejects(
      write.writeZipToS3({ key: `${prefix}/big.zip`, entries: [{ name: "a.wav", kind: "object", key: `${prefix}/small.wav` }], maxBytes: 1_000 }),
      (error: unknown) => error instanceof VisibleError && error.status === 413 && error.code === "archive.too_large",
    );
    await assert.rejects(
      write.writeZipToS3({ key: `${prefix}/gone.zip`, entries: [{ name: "a.wav", kind: "object", key: `${prefix}/nope.wav` }] }),
      (error: unknown) => error instanceof VisibleError && error.status === 404 && error.code === "archive.source_missing",
    );
    assert.equal(await exists(`${prefix}/big.zip`), false);
    assert.equal(await exists(`${prefix}/gone.zip`), false);
    assert.equal(write.ZIP32_MAX_BYTES, 2 ** 32 - 1);
  });

  it("aborts the multipart upload, and writes nothing, when a source fails mid-stream", async () => {
    const { s3, s3sdk, write, put, exists } = await load();
    await put(`${prefix}/first.wav`, makeWav({ frames: 5_000_000 })); // 10 MB: the upload goes multipart
    await put(`${prefix}/second.wav`, makeWav({ frames: 1_000_000 }));
    const sent: string[] = [];
    const original = s3.send.bind(s3);
    const failure = new Error("connection reset while reading the second object");
    // Wraps the shared client for this test only: the second GetObject's body fails after 64 KiB.
    (s3 as { send: unknown }).send = async (command: { constructor: { name: string }; input: { Key?: string } }, ...rest: unknown[]) => {
      sent.push(command.constructor.name);
      const response = await (original as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      if (command instanceof s3sdk.GetObjectCommand && command.input.Key === `${prefix}/second.wav`) {
        const body = (response as { Body: Readable }).Body;
        async function* failing() {
          let n = 0;
          for await (const chunk of body) {
            n += (chunk as Uint8Array).length;
            if (n > 64 * 1024) {
              body.destroy();
              throw failure;
            }
            yield chunk;
          }
        }
        return { ...(response as object), Body: Readable.from(failing()) };
      }
      return response;
    };
    try {
      await assert.rejects(
        write.writeZipToS3({
          key: `${prefix}/failed.zip`,
          entries: [
            { name: "a.wav", kind: "object", key: `${prefix}/first.wav` },
            { name: "b.wav", kind: "object", key: `${prefix}/second.wav` },
          ],
        }),
        (error) => error === failure,
      );
    } finally {
      (s3 as { send: unknown }).send = original;
    }
    assert.ok(sent.includes("CreateMultipartUploadCommand"), sent.join(" "));
    assert.ok(sent.includes("AbortMultipartUploadCommand"), sent.join(" "));
    assert.ok(!sent.includes("CompleteMultipartUploadCommand"));
    assert.equal(await exists(`${prefix}/failed.zip`), false);
  });

  it("refuses with 409 when a source is overwritten between sizing and reading it", async () => {
    const { s3, s3sdk, write, put, exists } = await load();
    const key = `${prefix}/changing.wav`;
    await put(key, makeWav({ frames: 1_000 }));
    const original = s3.send.bind(s3);
    (s3 as { send: unknown }).send = async (command: unknown, ...rest: unknown[]) => {
      if (command instanceof s3sdk.GetObjectCommand && command.input.Key === key) await original(new s3sdk.PutObjectCommand({ Bucket: command.input.Bucket, Key: key, Body: makeWav({ frames: 2_000 }) }));
      return (original as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    };
    try {
      await assert.rejects(
        write.writeZipToS3({ key: `${prefix}/changed.zip`, entries: [{ name: "a.wav", kind: "object", key }] }),
        (error: unknown) => error instanceof VisibleError && error.status === 409 && error.code === "archive.source_changed",
      );
    } finally {
      (s3 as { send: unknown }).send = original;
    }
    assert.equal(await exists(`${prefix}/changed.zip`), false);
  });

  it("copyObjectStream copies byte for byte", async () => {
    const { write, put, get } = await load();
    const wav = makeWav({ frames: 4_600_000 }); // 9.2 MB, two parts
    await put(`${prefix}/copy-src.wav`, wav);
    const { size } = await write.copyObjectStream(`${prefix}/copy-src.wav`, `${prefix}/copy-dst.wav`);
    assert.equal(size, wav.length);
    const copy = await (await get(`${prefix}/copy-dst.wav`)).Body!.transformToByteArray();
    assert.equal(sha(copy), sha(wav));
  });
});
