/** Product limits, in one place so the API schemas, the docs and the checks agree. */
export const limits = {
  maxAudioBytes: Number(process.env.SONNA_MAX_AUDIO_BYTES ?? 1024 ** 3),
  // Text is stored twice (as given and lower-cased for search): 2 x 20,000 chars x 4 bytes stays far under 400 KB.
  maxTextChars: 20_000,
  maxNameChars: 200,
  maxDescriptionChars: 2_000,
  maxInstructChars: 2_000,
  maxErrorChars: 2_000,
  maxNoteChars: 2_000,
  maxTags: 20,
  maxTagChars: 40,
  maxShortFieldChars: 64,
  maxSearchChars: 200,
  maxListLimit: 200,
  defaultListLimit: 50,
  presignSeconds: 15 * 60,
  /** Archived audio up to this many bytes is restored within the request that downloads it; larger takes a job. */
  restoreInRequestBytes: Number(process.env.SONNA_RESTORE_IN_REQUEST_BYTES ?? 100_000_000),
  /**
   * How long a large import's claim lasts unless its holder renews it (transfer/imports.ts): a call
   * arriving meanwhile waits or is told the import is under way. SONNA_IMPORT_LEASE_MS shortens it
   * in tests.
   */
  /**
   * Audio up to this many seconds times channels is transcoded within the request; longer audio
   * gets an `audio.transcode` job. Encoding time follows duration and channels, not bytes (Opus
   * always encodes at 48 kHz): 10 channel-minutes take the slowest encoder about 10 CPU-seconds,
   * well inside the API's 29 s (docs/decisions.md). SONNA_TRANSCODE_IN_REQUEST_MAX_CHANNEL_SECONDS
   * lowers it in tests.
   */
  transcodeInRequestMaxChannelSeconds: Number(process.env.SONNA_TRANSCODE_IN_REQUEST_MAX_CHANNEL_SECONDS ?? 600),
  importLeaseMs: Number(process.env.SONNA_IMPORT_LEASE_MS ?? 60_000),
} as const;
