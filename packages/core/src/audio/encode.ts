import { VisibleError } from "../errors";
import type { WavInfo } from "../wav/inspect";
import type { AudioOptions } from "./formats";

/** Rates LAME encodes (MPEG-1, 2 and 2.5 layer III), with the highest bitrate LAME gives each (it silently lowers one above). */
const MP3_RATES = [
  { rate: 8000, maxKbps: 64 },
  { rate: 11025, maxKbps: 64 },
  { rate: 12000, maxKbps: 64 },
  { rate: 16000, maxKbps: 160 },
  { rate: 22050, maxKbps: 160 },
  { rate: 24000, maxKbps: 160 },
  { rate: 32000, maxKbps: 320 },
  { rate: 44100, maxKbps: 320 },
  { rate: 48000, maxKbps: 320 },
];
/** FLAC's STREAMINFO holds up to 8 channels; ffmpeg's encoder takes rates up to 655,350 Hz. */
const FLAC_MAX_CHANNELS = 8;
const FLAC_MAX_RATE = 655_350;
/** ffmpeg knows speaker layouts, and so a downmix matrix, for up to 8 channels. */
const MAX_DOWNMIX_CHANNELS = 8;

const unsupported = (detail: string) => new VisibleError(422, "audio.format_unsupported", `${detail} Download it as wav instead.`);

/**
 * The lowest MP3 rate at or above `rate` that carries `kbps`, or 48 kHz for anything higher: no
 * band is lost that MP3 could carry, and the frames have the bitrate asked for (8 kHz speech at
 * 128 kbps is encoded at 16 kHz, since LAME caps 8 kHz at 64 kbps).
 */
export const mp3Rate = (rate: number, kbps: number): number => MP3_RATES.find((r) => r.rate >= rate && r.maxKbps >= kbps)?.rate ?? 48_000;

/**
 * ffmpeg arguments that read a WAV on stdin and write `options.format` to stdout. FLAC keeps every
 * sample exactly, so it refuses what it cannot hold losslessly (32-bit integer or float samples,
 * more than 8 channels); MP3 and Opus resample and downmix as their formats require.
 */
export function encoderArgs(info: WavInfo, options: AudioOptions): string[] {
  const input = ["-f", "wav", "-i", "pipe:0", "-map_metadata", "-1"];
  const bitrate = ["-b:a", `${options.bitrate}k`];
  switch (options.format) {
    case "wav":
      throw new Error("wav is served as stored, never transcoded");
    case "flac": {
      if (info.format === "float" || info.bitsPerSample > 24) {
        throw unsupported(`FLAC holds integer samples of up to 24 bits; this audio is ${info.bitsPerSample}-bit ${info.format === "float" ? "float" : "integer"}.`);
      }
      if (info.channels > FLAC_MAX_CHANNELS) throw unsupported(`FLAC holds up to ${FLAC_MAX_CHANNELS} channels; this audio has ${info.channels}.`);
      if (info.sampleRate > FLAC_MAX_RATE) throw unsupported(`FLAC is encoded up to ${FLAC_MAX_RATE} Hz; this audio is ${info.sampleRate} Hz.`);
      // 24-bit samples travel as s32 with 24 significant bits; left to itself ffmpeg would pick s16 and drop 8 bits.
      return [...input, "-c:a", "flac", "-sample_fmt", info.bitsPerSample > 16 ? "s32" : "s16", "-f", "flac", "pipe:1"];
    }
    case "mp3":
      // LAME encodes mono or stereo: more channels are downmixed to stereo, by ffmpeg's matrix for
      // the layout it assumes for 3-8 channels; beyond 8 it has no layout to downmix from.
      if (info.channels > MAX_DOWNMIX_CHANNELS) throw unsupported(`MP3 is made from up to ${MAX_DOWNMIX_CHANNELS} channels; this audio has ${info.channels}. Opus and WAV keep them all.`);
      return [...input, "-ac", String(Math.min(info.channels, 2)), "-ar", String(mp3Rate(info.sampleRate, options.bitrate!)), "-c:a", "libmp3lame", ...bitrate, "-f", "mp3", "pipe:1"];
    case "opus":
      // Opus always decodes at 48 kHz. libopus maps 1-2 channels with family 0 and 3-8 with family 1
      // (Vorbis order); beyond 8, family 255 carries each channel on its own, unassigned to speakers.
      return [...input, "-ar", "48000", "-c:a", "libopus", ...(info.channels > 8 ? ["-mapping_family", "255"] : []), ...bitrate, "-f", "ogg", "pipe:1"];
  }
}
