/** Product limits, in one place so the API schemas, the docs and the checks agree. */
export const limits = {
  maxAudioBytes: Number(process.env.SONNA_MAX_AUDIO_BYTES ?? 1024 ** 3),
  maxTextChars: 50_000,
  maxNameChars: 200,
  maxDescriptionChars: 2_000,
  maxInstructChars: 2_000,
  maxErrorChars: 2_000,
  maxShortFieldChars: 64,
  maxSearchChars: 200,
  maxListLimit: 200,
  defaultListLimit: 50,
  presignSeconds: 15 * 60,
} as const;
