// Archival compression: bytes saved and speed of archiving (WAV samples → FLAC with the WAV's other
// bytes) and of restoring (FLAC → the original WAV bytes), in process through the ffmpeg build npm
// installs, without S3 (the object transfers are those of any streamed copy).
//   npx tsx bench/archival.ts
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { encodeFlac } from "../packages/core/src/archival/codec";
import { withForeignBytes } from "../packages/core/src/archival/flac-blocks";
import { restoredBytes } from "../packages/core/src/archival/original";
import { frameCount, locateSamples } from "../packages/core/src/wav/inspect";
import { withTotalSamples } from "../packages/core/src/audio/flac-header";
import { makeWav, type MakeWavOptions } from "../packages/core/src/wav/make";
import { emit, fixed, isMain, log, machine, table, verdict, type Section } from "./lib/report";

/** Deterministic noise, so every run archives the same bytes. */
function noise(seed: number) {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}

/** Speech-like: a voiced tone with a wandering pitch and formant-like harmonics, syllable envelopes, breath noise and pauses. */
function speech(rate: number) {
  const rand = noise(7);
  let phase = 0;
  return (i: number) => {
    const t = i / rate;
    const pitch = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t) + 10 * Math.sin(2 * Math.PI * 3.1 * t);
    phase += (2 * Math.PI * pitch) / rate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) * (Math.sin(2 * Math.PI * 0.25 * t) > -0.6 ? 1 : 0);
    const voiced = 0.5 * Math.sin(phase) + 0.25 * Math.sin(3 * phase) + 0.12 * Math.sin(7 * phase);
    return 0.6 * syllable * voiced + 0.01 * rand();
  };
}

/** Music-like: a few detuned partials, with noise. */
function music(rate: number) {
  const rand = noise(11);
  return (i: number) => {
    const t = i / rate;
    return 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 331 * t) + 0.15 * Math.sin(2 * Math.PI * 442.5 * t) + 0.03 * rand();
  };
}

const chunks = (bytes: Uint8Array, size = 1024 * 1024) => Readable.from((function* () {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
})());

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

async function measure(name: string, options: MakeWavOptions, seconds: number) {
  const rate = options.sampleRate!;
  log(`${name}: building ${seconds} s`);
  const wav = makeWav({ ...options, frames: rate * seconds });
  const { info, dataOffset } = locateSamples(wav.subarray(0, 64 * 1024), wav.length);
  const foreign = { header: wav.subarray(0, dataOffset), trailer: wav.subarray(dataOffset + info.dataBytes) };
  const started = performance.now();
  const encoder = encodeFlac(chunks(wav.subarray(dataOffset, dataOffset + info.dataBytes)), info);
  const flac = await collect(withForeignBytes(withTotalSamples(encoder.output as AsyncIterable<Buffer>, frameCount(info)), foreign));
  await encoder.finished;
  const archiveSeconds = (performance.now() - started) / 1000;
  const restoreStart = performance.now();
  const restored = await collect(restoredBytes(chunks(flac), wav.length, name));
  const restoreSeconds = (performance.now() - restoreStart) / 1000;
  const identical = createHash("sha256").update(restored).digest("hex") === createHash("sha256").update(wav).digest("hex");
  return { name, seconds, wav: wav.length, flac: flac.length, archiveSeconds, restoreSeconds, identical };
}

export async function archival(): Promise<Section> {
  const rows = [
    await measure("speech-like, 24 kHz mono 16-bit", { sampleRate: 24_000, fill: speech(24_000) }, 600),
    await measure("music-like, 44.1 kHz stereo 24-bit", { sampleRate: 44_100, channels: 2, bitsPerSample: 24, fill: music(44_100) }, 120),
  ];
  const speechRow = rows[0]!;
  const saved = 1 - speechRow.flac / speechRow.wav;
  const targets = [
    { name: "speech-like clip: bytes saved", measured: `${fixed(saved * 100)}%`, target: "≥ 10% (else the WAV stays)", pass: saved >= 0.1 },
    { name: "restores are byte-identical", measured: rows.every((r) => r.identical) ? "yes" : "no", target: "yes", pass: rows.every((r) => r.identical) },
  ];
  const markdown = [
    "## Archival compression",
    "",
    "WAV samples → FLAC (ffmpeg 2018 static build from `@ffmpeg-installer`, compression level 5) with the WAV's other bytes in an",
    "APPLICATION block, and back to the original bytes (`archival/`), in process, without S3. Speed is seconds of audio per second of wall time",
    "(ffmpeg runs in a child process).",
    "",
    table(
      ["clip", "WAV", "FLAC", "saved", "archive (audio s / s)", "restore (audio s / s)", "byte-identical"],
      rows.map((r) => [
        `${r.name}, ${r.seconds} s`,
        `${fixed(r.wav / 1e6)} MB`,
        `${fixed(r.flac / 1e6)} MB`,
        `${fixed((1 - r.flac / r.wav) * 100)}%`,
        fixed(r.seconds / r.archiveSeconds, 0),
        fixed(r.seconds / r.restoreSeconds, 0),
        r.identical ? "yes" : "**no**",
      ]),
    ),
    "",
    table(["target", "measured", "wanted", ""], targets.map((t) => [t.name, t.measured, t.target, verdict(t.pass)])),
    "",
    ...machine().lines,
    "",
    "Reproduce: `npx tsx bench/archival.ts`",
  ].join("\n");
  return { title: "Archival compression", markdown, targets };
}

if (isMain(import.meta.url)) emit(await archival());
