// Reads what a FLAC, Ogg Opus or MP3 file says about itself from its own headers (no ffprobe),
// and decodes audio to PCM with the ffmpeg the service runs, to hold transcodes against their WAV.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ffmpegPath } from "@sonna/core/audio/ffmpeg";

const ascii = (b: Uint8Array, at: number, n: number) => Buffer.from(b.subarray(at, at + n)).toString("latin1");

/** FLAC's STREAMINFO: the first metadata block after `fLaC`. */
export function flacStreamInfo(b: Uint8Array) {
  assert.equal(ascii(b, 0, 4), "fLaC", "FLAC magic");
  assert.equal(b[4]! & 0x7f, 0, "the first metadata block is STREAMINFO");
  const s = Buffer.from(b.subarray(8, 8 + 34));
  const packed = s.readBigUInt64BE(10);
  return {
    sampleRate: Number(packed >> 44n),
    channels: Number((packed >> 41n) & 0x7n) + 1,
    bitsPerSample: Number((packed >> 36n) & 0x1fn) + 1,
    totalSamples: Number(packed & 0xfffffffffn),
  };
}

/** The OpusHead packet at the start of an Ogg Opus stream. */
export function opusHead(b: Uint8Array) {
  assert.equal(ascii(b, 0, 4), "OggS", "Ogg page magic");
  const at = Buffer.from(b).indexOf("OpusHead");
  assert.ok(at > 0 && at < 200, "OpusHead in the first page");
  const h = Buffer.from(b.subarray(at, at + 19));
  return { channels: h[9]!, inputSampleRate: h.readUInt32LE(12), mappingFamily: h[18]! };
}

const MP3_BITRATES = {
  1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MP3_RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] } as Record<number, number[]>;

/** Every MP3 frame header, walked from the first (after any ID3v2 tag) to the end. */
export function mp3Frames(b: Uint8Array) {
  let at = 0;
  if (ascii(b, 0, 3) === "ID3") at = 10 + ((b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!);
  const frames: { bitrate: number; sampleRate: number; channels: number }[] = [];
  while (at + 4 <= b.length) {
    assert.ok(b[at] === 0xff && (b[at + 1]! & 0xe0) === 0xe0, `frame sync at ${at}`);
    const version = (b[at + 1]! >> 3) & 3;
    assert.equal((b[at + 1]! >> 1) & 3, 1, "layer III");
    const bitrate = MP3_BITRATES[version === 3 ? 1 : 2][b[at + 2]! >> 4]!;
    const sampleRate = MP3_RATES[version]![(b[at + 2]! >> 2) & 3]!;
    const padding = (b[at + 2]! >> 1) & 1;
    const channels = b[at + 3]! >> 6 === 3 ? 1 : 2;
    frames.push({ bitrate, sampleRate, channels });
    at += Math.floor(((version === 3 ? 144 : 72) * bitrate * 1000) / sampleRate) + padding;
  }
  return frames;
}

/** The bytes of a WAV's data chunk. */
export function wavData(wav: Uint8Array): Uint8Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  for (let at = 12; at + 8 <= wav.length; ) {
    const size = view.getUint32(at + 4, true);
    if (ascii(wav, at, 4) === "data") return wav.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size & 1);
  }
  throw new Error("no data chunk");
}

/** Decodes `encoded` to raw little-endian PCM of `bits` (16 or 24) with the service's ffmpeg. */
export function decodeToPcm(encoded: Uint8Array, bits: 16 | 24): Uint8Array {
  const out = spawnSync(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-f", `s${bits}le`, "-c:a", `pcm_s${bits}le`, "pipe:1"], {
    input: encoded,
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(out.status, 0, `ffmpeg decode: ${out.stderr}`);
  return new Uint8Array(out.stdout);
}
