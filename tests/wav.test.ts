import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseBuffer } from "music-metadata";
import { inspectWav, InvalidWav, WAV_HEADER_PROBE_BYTES, type WavInfo } from "../packages/core/src/wav/inspect";
import { makeWav, type MakeWavOptions } from "../packages/core/src/wav/make";

/** What the service does: a ranged GET of the first 64 KiB plus HeadObject's size. */
const probe = (file: Uint8Array) => inspectWav(file.subarray(0, WAV_HEADER_PROBE_BYTES), file.length);

function rejects(file: Uint8Array, reason: RegExp) {
  assert.throws(
    () => probe(file),
    (e: unknown) => e instanceof InvalidWav && reason.test(e.reason),
  );
}

/** Offset of the chunk header with this id (walking chunks, so audio bytes can't fool it). */
function chunkAt(file: Uint8Array, id: string): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let pos = 12; pos + 8 <= file.length; ) {
    if (String.fromCharCode(...file.subarray(pos, pos + 4)) === id) return pos;
    const size = view.getUint32(pos + 4, true);
    pos += 8 + size + (size & 1);
  }
  throw new Error(`no ${id} chunk`);
}

function patch(file: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = file.slice();
  edit(new DataView(copy.buffer));
  return copy;
}
const fmtField = (file: Uint8Array, offset: number, value: number, width: 2 | 4 = 2) =>
  patch(file, (v) => {
    const at = chunkAt(file, "fmt ") + 8 + offset;
    if (width === 2) v.setUint16(at, value, true);
    else v.setUint32(at, value, true);
  });
const setDataSize = (file: Uint8Array, size: number) =>
  patch(file, (v) => v.setUint32(chunkAt(file, "data") + 4, size, true));
const setRiffSize = (file: Uint8Array, size: number) => patch(file, (v) => v.setUint32(4, size, true));

function chunk(id: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  out.set(Array.from(id, (c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}
function riff(...chunks: Uint8Array[]): Uint8Array {
  const body = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(12 + body);
  out.set([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]);
  new DataView(out.buffer).setUint32(4, 4 + body, true);
  let pos = 12;
  for (const c of chunks) out.set(c, (pos += c.length) - c.length);
  return out;
}

function expected(o: Required<Pick<MakeWavOptions, "sampleRate" | "channels" | "bitsPerSample" | "format" | "frames">>): WavInfo {
  return {
    format: o.format,
    sampleRate: o.sampleRate,
    channels: o.channels,
    bitsPerSample: o.bitsPerSample,
    dataBytes: (o.frames * o.channels * o.bitsPerSample) / 8,
    durationSeconds: o.frames / o.sampleRate,
  };
}

describe("inspectWav: valid files", () => {
  it("reads makeWav's default: 24 kHz mono 16-bit, 1 s", () => {
    assert.equal(WAV_HEADER_PROBE_BYTES, 65536);
    assert.deepEqual(probe(makeWav()), {
      format: "pcm",
      sampleRate: 24_000,
      channels: 1,
      bitsPerSample: 16,
      dataBytes: 48_000,
      durationSeconds: 1,
    });
  });

  for (const format of ["pcm", "float"] as const) {
    for (const bitsPerSample of format === "pcm" ? [8, 16, 24, 32] : [32, 64]) {
      for (const channels of [1, 2]) {
        for (const extensible of [false, true]) {
          it(`${format} ${bitsPerSample}-bit ${channels === 1 ? "mono" : "stereo"}${extensible ? " extensible" : ""}`, () => {
            const o = { sampleRate: 44_100, channels, bitsPerSample, format, frames: 11_025 };
            assert.deepEqual(probe(makeWav({ ...o, extensible })), expected(o));
          });
        }
      }
    }
  }

  it("walks odd-sized chunks before data, honouring the pad byte", () => {
    const o = { sampleRate: 8_000, channels: 1, bitsPerSample: 8, format: "pcm", frames: 333 } as const;
    const file = makeWav({
      ...o,
      extraChunks: [
        { id: "LIST", data: new TextEncoder().encode("INFOISFT\x05\x00\x00\x00demo\x00") }, // 17 bytes
        { id: "JUNK", data: new Uint8Array(3) },
      ],
    });
    assert.equal(chunkAt(file, "JUNK"), chunkAt(file, "LIST") + 8 + 18);
    assert.deepEqual(probe(file), expected(o));
  });

  it("only needs the first 64 KiB of a large file", () => {
    const o = { sampleRate: 48_000, channels: 2, bitsPerSample: 24, format: "pcm", frames: 48_000 * 10 } as const;
    const file = makeWav(o);
    assert.ok(file.length > 2_000_000);
    assert.deepEqual(inspectWav(file.subarray(0, WAV_HEADER_PROBE_BYTES), file.length), expected(o));
  });

  it("takes the rest of the file as data when streaming writers left placeholder sizes", () => {
    const o = { sampleRate: 16_000, channels: 2, bitsPerSample: 16, format: "pcm", frames: 1_600 } as const;
    const file = makeWav(o);
    for (const data of [0, 0xffffffff]) {
      for (const whole of [0, 0xffffffff, file.length - 8]) {
        assert.deepEqual(probe(setRiffSize(setDataSize(file, data), whole)), expected(o));
      }
    }
    // ...in whole frames: a writer killed mid-frame leaves a partial one behind.
    const ragged = setDataSize(new Uint8Array([...file, 1, 2, 3]), 0xffffffff);
    assert.deepEqual(probe(ragged), expected(o));
  });

  it("ignores a trailing partial frame in a declared size", () => {
    const o = { sampleRate: 22_050, channels: 2, bitsPerSample: 24, format: "pcm", frames: 100 } as const;
    const file = setDataSize(new Uint8Array([...makeWav(o), 9, 9, 9, 9, 9]), 600 + 5);
    assert.deepEqual(probe(file), expected(o));
  });

  it("accepts a RIFF size that disagrees with the file, since only the data chunk's bounds matter", () => {
    const o = { sampleRate: 32_000, channels: 1, bitsPerSample: 16, format: "pcm", frames: 32 } as const;
    assert.deepEqual(probe(setRiffSize(makeWav(o), 1_000_000)), expected(o));
  });
});

describe("inspectWav: invalid files", () => {
  const good = makeWav({ sampleRate: 44_100, channels: 2, bitsPerSample: 16, frames: 1_000 });

  it("rejects empty input, short input and garbage", () => {
    rejects(new Uint8Array(0), /too short/);
    rejects(good.subarray(0, 11), /too short/);
    rejects(new TextEncoder().encode("<html><body>Not Found</body></html>"), /^not a RIFF\/WAVE file$/);
    rejects(patch(good, (v) => v.setUint32(8, 0x41564920)), /^not a RIFF\/WAVE file$/); // RIFF/AVI
    rejects(patch(good, (v) => v.setUint32(0, 0x52494658)), /^not a RIFF\/WAVE file$/); // RIFX
  });

  it("rejects RF64 clearly", () => {
    rejects(patch(good, (v) => v.setUint32(0, 0x52463634)), /RF64/);
  });

  it("rejects a data chunk that declares more than the file holds (truncated upload)", () => {
    const cut = good.subarray(0, 44 + 1_000);
    rejects(cut, /^data chunk declares 4000 bytes but the file holds only 1000 after the header \(truncated upload\?\)$/);
    rejects(good.subarray(0, good.length - 1), /truncated/);
  });

  it("rejects zero-length data", () => {
    rejects(makeWav({ frames: 0 }), /^no audio frames$/);
    rejects(new Uint8Array([...makeWav({ frames: 0, channels: 2 }), 1, 2, 3]), /^no audio frames$/);
  });

  it("rejects a fmt chunk that comes after the data chunk", () => {
    const fmt = good.subarray(12, 12 + 8 + 16);
    const data = good.subarray(chunkAt(good, "data"));
    rejects(riff(data, fmt), /^no fmt chunk before the data chunk$/);
  });

  it("rejects files with no data chunk, or none within the probe", () => {
    rejects(riff(good.subarray(12, 36)), /^no data chunk in the file$/);
    rejects(riff(chunk("JUNK", new Uint8Array(5))), /^no fmt chunk or data chunk in the file$/);
    const buried = makeWav({ extraChunks: [{ id: "JUNK", data: new Uint8Array(70_000) }] });
    rejects(buried, /^no data chunk within the first 64 KiB$/);
  });

  it("rejects chunks that run past the end of the file", () => {
    const file = makeWav({ frames: 10, extraChunks: [{ id: "LIST", data: new Uint8Array(4) }] });
    rejects(patch(file, (v) => v.setUint32(chunkAt(file, "LIST") + 4, 0xfffffff0, true)), /"LIST" chunk declares/);
  });

  it("rejects unsupported encodings", () => {
    rejects(fmtField(good, 0, 0x55), /^unsupported format tag 0x0055 \(only PCM and IEEE float\)$/);
    rejects(fmtField(good, 0, 2), /0x0002/);
    const ext = makeWav({ extensible: true });
    rejects(patch(ext, (v) => v.setUint16(chunkAt(ext, "fmt ") + 8 + 24, 0x55, true)), /0x0055/);
    rejects(fmtField(good, 14, 12), /12 bits per sample is not supported for PCM/);
    rejects(fmtField(makeWav({ format: "float" }), 14, 16), /16 bits per sample is not supported for float/);
  });

  it("rejects out-of-range rates and channel counts", () => {
    rejects(fmtField(good, 4, 0, 4), /^sample rate 0 Hz/);
    rejects(makeWav({ sampleRate: 999 }), /sample rate 999 Hz/);
    rejects(makeWav({ sampleRate: 768_001, frames: 10 }), /sample rate 768001 Hz/);
    rejects(fmtField(good, 2, 0), /^channel count 0/);
    rejects(makeWav({ channels: 33, frames: 10 }), /channel count 33/);
    assert.equal(probe(makeWav({ sampleRate: 1_000, channels: 32, frames: 10 })).channels, 32);
    assert.equal(probe(makeWav({ sampleRate: 768_000, frames: 10 })).sampleRate, 768_000);
  });

  it("rejects inconsistent block align and byte rate", () => {
    rejects(fmtField(good, 12, 2), /^block align 2 does not match channels × bits/);
    rejects(fmtField(good, 8, 44_100 * 2, 4), /^byte rate 88200 does not match/);
  });

  it("rejects malformed fmt chunks", () => {
    rejects(riff(chunk("fmt ", good.subarray(20, 34)), good.subarray(36)), /fmt chunk too short/);
    rejects(riff(good.subarray(12, 36), good.subarray(12, 36), good.subarray(36)), /more than one fmt chunk/);
    const ext = makeWav({ extensible: true });
    rejects(riff(chunk("fmt ", ext.subarray(20, 20 + 24)), good.subarray(36)), /extensible fmt chunk too short/);
  });

  it("treats a size that contradicts the bytes read as a caller bug, not a bad file", () => {
    assert.throws(() => inspectWav(good, good.length - 1), RangeError);
    assert.throws(() => inspectWav(good, Number.NaN), RangeError);
  });
});

const validOptions = fc
  .record({
    format: fc.constantFrom("pcm" as const, "float" as const),
    bitsIndex: fc.nat({ max: 3 }),
    channels: fc.integer({ min: 1, max: 32 }),
    sampleRate: fc.integer({ min: 1_000, max: 768_000 }),
    frames: fc.integer({ min: 1, max: 600 }),
    extensible: fc.boolean(),
    extraChunks: fc.array(
      fc.record({
        id: fc.stringMatching(/^[A-Za-z0-9 ]{4}$/).filter((id) => id !== "data" && id !== "fmt "),
        data: fc.uint8Array({ maxLength: 301 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ bitsIndex, ...o }) => {
    const choices = o.format === "pcm" ? [8, 16, 24, 32] : [32, 64];
    return { ...o, bitsPerSample: choices[bitsIndex % choices.length] ?? 16 };
  });

/** Every result must be something the bytes actually say, whatever was done to them. */
function assertConsistent(file: Uint8Array, head: Uint8Array, info: WavInfo) {
  const blockAlign = (info.channels * info.bitsPerSample) / 8;
  assert.ok(info.sampleRate >= 1_000 && info.sampleRate <= 768_000);
  assert.ok(info.channels >= 1 && info.channels <= 32);
  assert.ok((info.format === "pcm" ? [8, 16, 24, 32] : [32, 64]).includes(info.bitsPerSample));
  assert.ok(info.dataBytes > 0 && info.dataBytes % blockAlign === 0);
  assert.ok(info.dataBytes <= file.length - 44);
  assert.equal(info.durationSeconds, info.dataBytes / blockAlign / info.sampleRate);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const fmtHere = (p: number) =>
    String.fromCharCode(...head.subarray(p, p + 4)) === "fmt " &&
    view.getUint16(p + 10, true) === info.channels &&
    view.getUint32(p + 12, true) === info.sampleRate &&
    view.getUint16(p + 22, true) === info.bitsPerSample;
  assert.ok(Array.from({ length: Math.max(0, head.length - 24) }, (_, p) => p).some(fmtHere), "reported fmt is in the bytes");
}

describe("inspectWav: properties", () => {
  it("reads back exactly what makeWav wrote", () => {
    fc.assert(
      fc.property(validOptions, (o) => {
        assert.deepEqual(probe(makeWav({ ...o, fill: () => 0 })), expected(o));
      }),
      { numRuns: 2000 },
    );
  });

  it("on mutated or truncated files, answers consistently or throws InvalidWav, never anything else", { timeout: 120_000 }, () => {
    const interesting = fc.constantFrom(0, 1, 2, 8, 16, 0x7fffffff, 0xfffffffe, 0xffffffff);
    const edit = fc.oneof(
      fc.record({ at: fc.nat({ max: 80 }), byte: fc.nat({ max: 255 }) }),
      fc.record({ at: fc.nat({ max: 100_000 }), byte: fc.nat({ max: 255 }) }),
      fc.record({ at: fc.nat({ max: 80 }), u32: interesting }),
    );
    fc.assert(
      fc.property(
        validOptions,
        fc.array(edit, { maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.option(fc.nat(), { nil: undefined }),
        (o, edits, cut, headCut) => {
          const original = makeWav(o);
          const dataAt = chunkAt(original, "data") + 8;
          const dataEnd = dataAt + expected(o).dataBytes;
          const length = cut === undefined ? original.length : cut % (original.length + 1);
          const file = original.slice(0, length);
          const view = new DataView(file.buffer);
          let headerTouched = false;
          for (const e of edits) {
            const at = e.at % Math.max(1, length);
            if ("u32" in e) {
              if (at + 4 > length) continue;
              view.setUint32(at, e.u32, true);
              headerTouched ||= at < dataAt;
            } else if (at < length) {
              file[at] = e.byte;
              headerTouched ||= at < dataAt;
            }
          }
          const head = file.subarray(0, headCut === undefined ? WAV_HEADER_PROBE_BYTES : headCut % (length + 1));
          let info: WavInfo;
          try {
            info = inspectWav(head, length);
          } catch (e) {
            assert.ok(e instanceof InvalidWav, `threw ${String(e)}`);
            assert.ok(e.reason.length > 0);
            // An untouched header over a complete payload must never be refused for lack of bytes.
            if (!headerTouched && length >= dataEnd && head.length >= dataAt) throw new Error(`refused: ${e.reason}`);
            return;
          }
          assertConsistent(file, head, info);
          if (!headerTouched) {
            assert.ok(length >= dataEnd, "accepted a truncated file");
            assert.deepEqual(info, expected(o), "payload bytes changed the answer");
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a shorter probe never changes the answer, it can only fail to find the header", () => {
    fc.assert(
      fc.property(validOptions, fc.nat(), (o, n) => {
        const file = makeWav(o);
        const head = file.subarray(0, n % (file.length + 1));
        try {
          assert.deepEqual(inspectWav(head, file.length), inspectWav(file, file.length));
        } catch (e) {
          assert.ok(e instanceof InvalidWav, `threw ${String(e)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("inspectWav agrees with music-metadata", () => {
  it("on sample rate, channels, bits and duration", async () => {
    await fc.assert(
      fc.asyncProperty(
        validOptions.map((o) => ({ ...o, extraChunks: [] })),
        fc.integer({ min: 1, max: 20_000 }),
        async (o, frames) => {
          const file = makeWav({ ...o, frames: Math.min(frames, Math.floor(400_000 / (o.channels * o.bitsPerSample))) });
          const ours = probe(file);
          const { format } = await parseBuffer(file, { mimeType: "audio/wav", size: file.length });
          assert.equal(format.sampleRate, ours.sampleRate);
          assert.equal(format.numberOfChannels, ours.channels);
          assert.equal(format.bitsPerSample, ours.bitsPerSample);
          assert.ok(Math.abs((format.duration ?? Number.NaN) - ours.durationSeconds) <= 1e-6);
        },
      ),
      { numRuns: 100 },
    );
  });
});
