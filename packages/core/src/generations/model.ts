import type { CountedFacts } from "../stats/aggregates";

export type GenerationStatus = "pending" | "completed" | "failed";

export interface Effect {
  type: string;
  params: Record<string, string | number | boolean | null>;
}

/**
 * One rendition of a generation's audio. The original is a version too (label "original", no
 * effects, the generation's own audio), so every rendition is listed, exported and chosen alike.
 */
export interface Version {
  id: string;
  label: string;
  effects_chain: Effect[];
  is_default: boolean;
  status: "pending" | "completed";
  audio_path: string;
  duration: number | null;
  size_bytes: number;
  created_at: string;
}

export const ORIGINAL_LABEL = "original";

/** A generation as stored (snake_case, so the stored item and the API share field names). */
export interface Generation {
  id: string;
  profile_id: string;
  text: string;
  language: string;
  audio_path: string;
  duration: number | null;
  seed: number | null;
  instruct: string | null;
  engine: string;
  model_size: string | null;
  status: GenerationStatus;
  error: string | null;
  is_favorited: boolean;
  created_at: string;
  updated_at: string;
  size_bytes: number;
  versions: Version[];
  active_version_id: string | null;
}

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
