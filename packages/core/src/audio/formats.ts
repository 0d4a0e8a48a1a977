/**
 * The formats audio downloads come in, and what each accepts. Pure data and checks: the API's
 * shapes, the transcoder and the docs all read them from here.
 */

export const AUDIO_FORMATS = ["wav", "flac", "mp3", "opus"] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

interface FormatFacts {
  extension: string;
  contentType: string;
  /** Lossy formats take a bitrate in kbps; lossless ones none. */
  bitrate?: { min: number; max: number; default: number };
}

export const FORMATS: Record<AudioFormat, FormatFacts> = {
  wav: { extension: ".wav", contentType: "audio/wav" },
  flac: { extension: ".flac", contentType: "audio/flac" },
  // CBR: every frame header names the same bitrate, so players seek without an index.
  mp3: { extension: ".mp3", contentType: "audio/mpeg", bitrate: { min: 64, max: 320, default: 128 } },
  // Opus in Ogg. 16 kbps is the floor for intelligible wideband speech in one channel; libopus
  // stops gaining above 256 kbps even for 8 channels.
  opus: { extension: ".opus", contentType: "audio/ogg; codecs=opus", bitrate: { min: 16, max: 256, default: 64 } },
};

/** What a download asks for; `bitrate` (kbps) is set exactly when the format is lossy. */
export interface AudioOptions {
  format: AudioFormat;
  bitrate?: number;
}

/** Why `bitrate` does not fit `format`, or undefined when it does. */
export function bitrateIssue(format: AudioFormat, bitrate: number | undefined): string | undefined {
  if (bitrate === undefined) return undefined;
  const range = FORMATS[format].bitrate;
  if (!range) return `bitrate applies to mp3 and opus only; ${format} is lossless`;
  if (bitrate < range.min || bitrate > range.max) return `bitrate for ${format} must be ${range.min} to ${range.max} (kbps)`;
  return undefined;
}

/** The options as the transcoder and the cache see them: the format's default bitrate filled in. */
export function audioOptions(format: AudioFormat = "wav", bitrate?: number): AudioOptions {
  const range = FORMATS[format].bitrate;
  return range ? { format, bitrate: bitrate ?? range.default } : { format };
}

/** `mp3-128k`, `flac`: names the options in cache keys and job results. */
export const optionsTag = (options: AudioOptions): string => (options.bitrate ? `${options.format}-${options.bitrate}k` : options.format);
