import type { CountedFacts } from "../stats/aggregates";

import type { Generation } from "../shapes/generation";

export type { Effect, Generation, GenerationStatus, Version } from "../shapes/generation";

/**
 * The original is a version too (label "original", no effects, the generation's own audio), so
 * every rendition is listed, exported and chosen alike.
 */
export const ORIGINAL_LABEL = "original";

/** Attributes that exist only for the table: keys, search helpers, the optimistic-lock revision. */
export interface GenerationItem extends Generation {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  entity: "generation";
  text_lc: string;
  rev: number;
}

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
  is_favorited: item.is_favorited,
  created_at: item.created_at,
  updated_at: item.updated_at,
  size_bytes: item.size_bytes,
  versions: item.versions ?? [],
  active_version_id: item.active_version_id ?? null,
});

/** Durations are kept to the millisecond so that sums of them are exact. */
export const durationMs = (seconds: number | null): number => (seconds === null ? 0 : Math.round(seconds * 1000));

export const countedFacts = (item: Generation): CountedFacts => ({
  profileId: item.profile_id,
  status: item.status,
  durationMs: durationMs(item.duration),
  // The original's bytes are size_bytes; every other version's audio counts on top.
  bytes: item.size_bytes + (item.versions ?? []).filter((v) => v.audio_path !== item.audio_path).reduce((sum, v) => sum + v.size_bytes, 0),
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
