import { Readable } from "node:stream";
import { runFfmpeg, type FfmpegRun } from "../audio/ffmpeg";
import type { WavInfo } from "../wav/inspect";
import { MAX_FOREIGN_BYTES } from "./flac-blocks";

/**
 * FLAC through the ffmpeg the audio module runs. The samples go in and come out as raw PCM (never
 * as a WAV ffmpeg would parse or write), so what is around them in the file is ours to keep.
 */

/** FLAC's own limits, and what ffmpeg's encoder takes. */
const FLAC_MAX_CHANNELS = 8;
const FLAC_MAX_RATE = 655_350;

type Layout = Pick<WavInfo, "format" | "bitsPerSample" | "channels" | "sampleRate">;

/**
 * Why audio of this layout stays WAV, or null when FLAC holds it losslessly and smaller. The ffmpeg
 * build encodes 16 or 24 bits per sample (it would round 32-bit PCM to 24 and widen 8-bit to 16);
 * FLAC has no float samples.
 */
export function keptAsWavBecause(layout: Layout, foreignBytes: number): string | null {
  if (layout.format === "float") return "float samples (FLAC holds integer PCM only)";
  if (layout.bitsPerSample === 8) return "8-bit PCM (the encoder widens it to 16-bit FLAC, larger than the WAV)";
  if (layout.bitsPerSample > 24) return `${layout.bitsPerSample}-bit PCM (the encoder holds at most 24 bits losslessly)`;
  if (layout.channels > FLAC_MAX_CHANNELS) return `${layout.channels} channels (FLAC holds at most ${FLAC_MAX_CHANNELS})`;
  if (layout.sampleRate > FLAC_MAX_RATE) return `${layout.sampleRate} Hz (FLAC holds at most ${FLAC_MAX_RATE} Hz)`;
  if (foreignBytes > MAX_FOREIGN_BYTES) return `${foreignBytes} bytes outside the samples (more than one FLAC metadata block holds)`;
  return null;
}

/** ffmpeg's name for the WAV's raw sample layout (signed little-endian; 8-bit WAV, unsigned, never gets here). */
const rawFormat = (layout: Layout): string => `s${layout.bitsPerSample}le`;

const rawArgs = (layout: Layout) => ["-f", rawFormat(layout), "-ar", String(layout.sampleRate), "-ac", String(layout.channels)];

/** Raw PCM in the WAV's layout to a FLAC stream (compression level 5, flac's default). */
export const encodeFlac = (pcm: Readable, layout: Layout): FfmpegRun =>
  runFfmpeg([...rawArgs(layout), "-i", "pipe:0", "-c:a", "flac", "-compression_level", "5", "-f", "flac", "pipe:1"], pcm);

/** A FLAC stream back to raw PCM in the WAV's layout. */
export const decodeFlac = (flac: Readable, layout: Layout): FfmpegRun =>
  runFfmpeg(["-f", "flac", "-i", "pipe:0", "-f", rawFormat(layout), "-ac", String(layout.channels), "pipe:1"], flac);
