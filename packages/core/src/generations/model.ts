import { createHash } from "node:crypto";
import type { CountedFacts } from "../stats/aggregates";

import type { Generation, Version } from "../shapes/generation";

export type { Effect, Generation, GenerationStatus, Version } from "../shapes/generation";

/**
 * The original is a version too (label "original", no effects, the generation's own audio), so
 * every rendition is listed, exported and chosen alike.
 */
export const ORIGINAL_LABEL = "original";

/**
 * Attributes that exist only for the table: keys, search helpers, the optimistic-lock revision.
 * A trashed generation is the same item moved to a trash key, with when it went and when it goes
 * for good. Items written before tags, note and error_code existed lack them (read as empty).
 */
export interface GenerationItem extends Omit<Generation, "default_version_id"> {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  entity: "generation" | "trashed";
  rev: number;
  deleted_at?: string;
  purge_at?: string;
}

/** Whether the item is in the trash (counted only by the bytes it holds). */
export const isTrashed = (item: GenerationItem): boolean => item.entity === "trashed";

/** The version `audio_url` serves when it is not the original. */
const defaultVersionId = (item: GenerationItem): string | null => {
  const chosen = (item.versions ?? []).find((v) => v.is_default);
  return chosen && chosen.audio_path !== item.audio_path ? chosen.id : null;
};

/** Every setting a generation is made with, none left out. */
export type CreationSettings = Pick<Generation, "profile_id" | "text" | "language" | "seed" | "instruct" | "engine" | "model_size">;

/**
 * The settings a generation was made with, as one digest: two requests with the same digest ask
 * for the same audio (idempotent retries, and lookups of what was already generated).
 */
export const creationDigest = (item: CreationSettings): string =>
  createHash("sha256")
    .update(JSON.stringify([item.profile_id, item.text, item.language, item.seed, item.instruct, item.engine, item.model_size]))
    .digest("hex");

/** Versions stored before refusals (or archival) were recorded on them lack `error`, `error_code` (and `archive`). */
const toVersion = (version: Version): Version => ({
  ...version,
  error: version.error ?? null,
  error_code: version.error_code ?? null,
  archive: version.archive ?? null,
});

export const toGeneration = (item: GenerationItem): Generation => ({
  id: item.id,
  profile_id: item.profile_id,
  text: item.text,
  language: item.language,
  audio_path: item.audio_path,
  duration: item.duration ?? null,
  seed: item.seed ?? null,
  instruct: item.instruct ?? null,
  engine: item.engine,
  model_size: item.model_size ?? null,
  status: item.status,
  error: item.error ?? null,
  error_code: item.error_code ?? null,
  is_favorited: item.is_favorited,
  tags: item.tags ?? [],
  note: item.note ?? null,
  created_at: item.created_at,
  updated_at: item.updated_at,
  size_bytes: item.size_bytes,
  versions: (item.versions ?? []).map(toVersion),
  active_version_id: item.active_version_id ?? null,
  default_version_id: defaultVersionId(item),
});

/** The original's version (the generation's own audio), once it is completed. */
export const originalOf = (item: GenerationItem): Version | undefined => (item.versions ?? []).find((v) => v.audio_path === item.audio_path);

/** Whether the audio is stored as FLAC (archival compression). */
export const isArchived = (audio: Pick<Version, "archive">): boolean => audio.archive?.state === "flac";

/**
 * What a generation's audio takes in the bucket: the original (the generation's `size_bytes`, or
 * its FLAC's size once archived) and every other version's audio on top; archived audio also
 * counts in `archivedBytes`, and what its FLAC saves over the WAV in `savedBytes`.
 */
function storedBytes(item: GenerationItem): Pick<CountedFacts, "bytes" | "archivedBytes" | "savedBytes"> {
  const original = { size_bytes: item.size_bytes, archive: originalOf(item)?.archive ?? null };
  const audio = [original, ...(item.versions ?? []).filter((v) => v.audio_path !== item.audio_path)];
  const facts = { bytes: 0, archivedBytes: 0, savedBytes: 0 };
  for (const a of audio) {
    if (a.archive?.state === "flac") {
      facts.bytes += a.archive.stored_bytes;
      facts.archivedBytes += a.archive.stored_bytes;
      facts.savedBytes += a.size_bytes - a.archive.stored_bytes;
    } else facts.bytes += a.size_bytes;
  }
  return facts;
}

/** Durations are kept to the millisecond so that sums of them are exact. */
export const durationMs = (seconds: number | null): number => (seconds === null ? 0 : Math.round(seconds * 1000));

export const countedFacts = (item: GenerationItem): CountedFacts => ({
  trashed: isTrashed(item),
  tags: item.tags ?? [],
  profileId: item.profile_id,
  status: item.status,
  durationMs: durationMs(item.duration),
  ...storedBytes(item),
  favorited: item.is_favorited,
  engine: item.engine,
  language: item.language,
  day: item.created_at.slice(0, 10),
});

/** The item with `fields` changed and `updated_at` now. */
export const touched = (item: GenerationItem, fields: Partial<GenerationItem>): GenerationItem => ({
  ...item,
  ...fields,
  updated_at: new Date().toISOString(),
});
