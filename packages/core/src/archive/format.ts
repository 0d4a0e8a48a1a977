/**
 * The three archive formats a generation can be imported from, parsed into one shape:
 *
 * - Sonna's own (`generation.json` + `audio.wav` + version WAVs), written by `sonnaManifest`.
 * - The seed's shape: `generation.json` holding a Generation's own fields (any of `id`,
 *   `profile_id`, `text`, `language`, `audio_path`, `duration`, `seed`, `instruct`, `engine`,
 *   `model_size`, `status`, `error`, `is_favorited`, `created_at`; `text` required) with no
 *   `format` marker, plus `audio.wav`. What it leaves out takes the seed's defaults.
 * - Voicebox's generation export, as written by `export_generation_to_zip` in
 *   jamiepine/voicebox `backend/services/export_import.py` (earlier `backend/export_import.py`):
 *   `manifest.json` = `{ version: "1.0", generation: { id, text, language, duration, seed,
 *   instruct, created_at }, profile: { id, name, description, language }, versions: [{ id,
 *   label, is_default, effects_chain, filename }] }` with every version's WAV at
 *   `audio/<filename>`. Older exports have no `versions` and one `audio/*.wav`; Voicebox's own
 *   importer then takes the first `audio/*.wav` entry, and so do we.
 *
 * Manifests are untrusted: every field is bounded, and file references must name entries that
 * are present in the archive.
 */
import * as v from "valibot";
import { VisibleError } from "../errors";
import { limits } from "../limits";
import { effectParams, issueLines, languageCode, MAX_EFFECTS, nonBlankText, note, seed, shortId, summarize, tagList, token, wellFormedText } from "../shapes/fields";
import { creationFields, DEFAULT_ENGINE, DEFAULT_LANGUAGE, GenerationStatusSchema, type GenerationStatus } from "../shapes/generation";
import { isDirectoryName, unsafeNameReason } from "./names";

export const SONNA_MANIFEST_NAME = "generation.json";
export const SONNA_AUDIO_NAME = "audio.wav";
export const SONNA_FORMAT = "sonna-history";
export const SONNA_FORMAT_VERSION = 1;
export const VOICEBOX_MANIFEST_NAME = "manifest.json";

/** Matches the service's per-generation cap, so an export always re-imports. */
export const MAX_ARCHIVE_VERSIONS = 50;

export type ArchiveFormat = "sonna" | "voicebox" | "seed";
export type EffectParams = Record<string, string | number | boolean | null>;
export interface ArchiveEffect {
  type: string;
  params: EffectParams;
}

/** What any format says about a generation, normalised. File names are entry names. */
export interface ImportedArchive {
  format: ArchiveFormat;
  generation: {
    text: string;
    language: string;
    seed: number | null;
    instruct: string | null;
    engine: string;
    model_size: string | null;
    status: GenerationStatus;
    error: string | null;
    duration: number | null;
    is_favorited: boolean;
    tags: string[];
    note: string | null;
    /** ISO 8601 in UTC. */
    created_at: string;
  };
  /** Without a name (the seed's shape names only an id), an import files it as if there were no profile. */
  profile: { id?: string; name?: string; description: string | null; language: string } | null;
  versions: { label: string; effects_chain: ArchiveEffect[]; is_default: boolean; file: string }[];
  /** The entry holding the generation's own (default) audio. */
  audioFile: string;
}

/** Voicebox writes Python's naive `datetime.isoformat()` (UTC, no offset); we write with "Z". */
const timestamp = v.pipe(
  v.string(),
  v.maxLength(40, "must be at most 40 characters"),
  v.check((value) => toUtcIso(value) !== null, "must be an ISO 8601 date-time"),
  // Generation ids carry their creation time as a UUIDv7, which starts in 1970; a clip from the
  // future is a broken clock.
  v.check((value) => {
    const ms = Date.parse(toUtcIso(value) ?? "");
    return !(ms < 0 || ms > Date.now() + 24 * 3600 * 1000);
  }, "must lie between 1970-01-01 and today"),
);
const duration = v.pipe(v.number(), v.minValue(0), v.maxValue(7 * 24 * 3600));
const effect = v.object({ type: token, params: v.optional(effectParams, {}) });
const wavEntry = v.pipe(
  v.string(),
  v.check((name) => unsafeNameReason(name) === null && !isDirectoryName(name), "must be a safe entry name"),
  v.check((name) => name.toLowerCase().endsWith(".wav"), "must name a .wav entry"),
);
const versionsMessage = `at most ${MAX_ARCHIVE_VERSIONS} versions`;

/** A generation as our export writes it: the settings it was made with (the API's own rules) and what became of it. */
const sonnaGeneration = v.object({
  id: v.optional(shortId),
  profile_id: v.optional(shortId),
  ...creationFields,
  status: GenerationStatusSchema,
  error: v.nullable(wellFormedText(limits.maxErrorChars)),
  duration: v.nullable(duration),
  is_favorited: v.boolean(),
  // Archives written before tags and notes existed have neither.
  tags: v.optional(tagList, []),
  note: v.optional(note, null),
  created_at: timestamp,
  size_bytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const sonnaProfile = v.object({
  id: v.optional(shortId),
  name: nonBlankText(limits.maxNameChars),
  description: v.nullable(wellFormedText(limits.maxDescriptionChars)),
  language: languageCode,
});

const sonnaVersion = v.object({
  id: v.optional(shortId),
  label: nonBlankText(limits.maxNameChars),
  effects_chain: v.pipe(v.array(effect), v.maxLength(MAX_EFFECTS, `at most ${MAX_EFFECTS} effects`)),
  is_default: v.boolean(),
  file: wavEntry,
});

export const SonnaManifestSchema = v.object({
  format: v.literal(SONNA_FORMAT),
  format_version: v.literal(SONNA_FORMAT_VERSION),
  exported_at: timestamp,
  generation: sonnaGeneration,
  profile: v.nullable(sonnaProfile),
  versions: v.pipe(
    v.array(sonnaVersion),
    v.maxLength(MAX_ARCHIVE_VERSIONS, versionsMessage),
    v.check((versions) => versions.filter((version) => version.is_default).length <= 1, "at most one version may be the default"),
  ),
  audio: wavEntry,
});
export type SonnaManifest = v.InferOutput<typeof SonnaManifestSchema>;

const voiceboxEffect = v.object({
  type: token,
  enabled: v.optional(v.boolean()),
  params: v.optional(effectParams),
});

const voiceboxId = v.pipe(v.string(), v.maxLength(64, "must be at most 64 characters"));

export const VoiceboxManifestSchema = v.object({
  version: v.pipe(v.string(), v.maxLength(16, "must be at most 16 characters")),
  generation: v.object({
    id: v.optional(voiceboxId),
    text: creationFields.text,
    language: creationFields.language,
    // Voicebox's importer requires the key; the column is nullable.
    duration: v.nullable(duration),
    seed: v.nullish(seed),
    instruct: v.nullish(creationFields.instruct),
    created_at: v.nullish(timestamp),
    // Not in Voicebox's export; accepted in case a later one adds them.
    engine: v.optional(creationFields.engine),
    model_size: v.nullish(token),
    is_favorited: v.optional(v.boolean()),
  }),
  profile: v.nullish(
    v.object({
      id: v.nullish(voiceboxId),
      name: v.nullish(wellFormedText(limits.maxNameChars)),
      description: v.nullish(wellFormedText(limits.maxDescriptionChars)),
      language: v.nullish(languageCode),
    }),
  ),
  versions: v.nullish(
    v.pipe(
      v.array(
        v.object({
          id: v.nullish(voiceboxId),
          label: nonBlankText(limits.maxNameChars),
          is_default: v.optional(v.boolean()),
          effects_chain: v.nullish(v.pipe(v.array(voiceboxEffect), v.maxLength(MAX_EFFECTS, `at most ${MAX_EFFECTS} effects`))),
          filename: v.pipe(
            v.string(),
            v.maxLength(200, "must be at most 200 characters"),
            v.check((name) => !name.includes("/") && unsafeNameReason(`audio/${name}`) === null, "must be a plain file name"),
            v.check((name) => name.toLowerCase().endsWith(".wav"), "must name a .wav file"),
          ),
        }),
      ),
      v.maxLength(MAX_ARCHIVE_VERSIONS, versionsMessage),
    ),
  ),
});
export type VoiceboxManifest = v.InferOutput<typeof VoiceboxManifestSchema>;

/**
 * Which format an archive is, from its entry names; null if neither manifest is there. A
 * `generation.json` is "sonna" here; `parseArchive` tells the seed's shape from it by its content.
 */
export function detectFormat(entryNames: Iterable<string>): ArchiveFormat | null {
  let format: ArchiveFormat | null = null;
  for (const name of entryNames) {
    if (name === SONNA_MANIFEST_NAME) return "sonna";
    if (name === VOICEBOX_MANIFEST_NAME) format = "voicebox";
  }
  return format;
}

/** The entries a reader should accept as JSON: the manifests of both formats. */
export const isManifestName = (name: string): boolean => name === SONNA_MANIFEST_NAME || name === VOICEBOX_MANIFEST_NAME;

/**
 * Parses the manifest of an archive that `readZip` has read, with the manifest entries accepted
 * as JSON.
 *
 * @param archive `json` and `entries` from `readZip`'s result
 * @param now stands in for a creation time the manifest does not give (older Voicebox exports)
 * @throws VisibleError 422 `archive.manifest_missing` or `archive.manifest_invalid`
 */
export function parseArchive(
  archive: { json: ReadonlyMap<string, unknown>; entries: readonly { name: string }[] },
  now: Date = new Date(),
): ImportedArchive {
  const names = archive.entries.map((entry) => entry.name);
  const format = detectFormat(names);
  if (format === null) {
    throw new VisibleError(
      422,
      "archive.manifest_missing",
      `The archive has neither ${SONNA_MANIFEST_NAME} (Sonna export) nor ${VOICEBOX_MANIFEST_NAME} (Voicebox export).`,
    );
  }
  const manifestName = format === "sonna" ? SONNA_MANIFEST_NAME : VOICEBOX_MANIFEST_NAME;
  if (!archive.json.has(manifestName)) {
    throw new VisibleError(422, "archive.manifest_missing", `${manifestName} was not read as JSON.`);
  }
  const manifest = archive.json.get(manifestName);
  if (format === "voicebox") return parseVoiceboxManifest(manifest, names, now);
  return isSeedShaped(manifest) ? parseSeedManifest(manifest, names, now) : parseSonnaManifest(manifest, names);
}

/** Our manifest always says its `format`; the seed's Generation has no such field. */
const isSeedShaped = (json: unknown): boolean => typeof json === "object" && json !== null && !Array.isArray(json) && !("format" in json);

/**
 * The seed's Generation, as a dump of its record would carry it: every field may be left out or
 * null but `text`. `audio_path` was a path on the machine that made it; the audio is `audio.wav`.
 */
export const SeedGenerationSchema = v.object({
  id: v.nullish(voiceboxId),
  profile_id: v.nullish(voiceboxId),
  text: creationFields.text,
  language: v.nullish(creationFields.language),
  audio_path: v.nullish(v.pipe(v.string(), v.maxLength(1024, "must be at most 1024 characters"))),
  duration: v.nullish(duration),
  seed: v.nullish(seed),
  instruct: v.nullish(creationFields.instruct),
  engine: v.nullish(creationFields.engine),
  model_size: v.nullish(token),
  status: v.nullish(GenerationStatusSchema),
  error: v.nullish(wellFormedText(limits.maxErrorChars)),
  is_favorited: v.nullish(v.boolean()),
  created_at: v.nullish(timestamp),
});

/**
 * The seed's defaults for what is left out: language "en", engine "qwen", not favourited, created
 * now; status "completed", since the archive carries its audio. A `profile_id` is kept for the
 * import to find that profile; there is no name to match or create one by.
 */
export function parseSeedManifest(json: unknown, entryNames: readonly string[], now: Date = new Date()): ImportedArchive {
  const g = validate(SeedGenerationSchema, json, SONNA_MANIFEST_NAME);
  if (!entryNames.includes(SONNA_AUDIO_NAME)) throw invalid(SONNA_MANIFEST_NAME, [`audio: the archive has no ${SONNA_AUDIO_NAME} entry`]);
  const language = g.language ?? DEFAULT_LANGUAGE;
  return {
    format: "seed",
    generation: {
      text: g.text,
      language,
      seed: g.seed ?? null,
      instruct: g.instruct ?? null,
      engine: g.engine ?? DEFAULT_ENGINE,
      model_size: g.model_size ?? null,
      status: g.status ?? "completed",
      error: g.error ?? null,
      duration: g.duration ?? null,
      is_favorited: g.is_favorited ?? false,
      tags: [],
      note: null,
      created_at: createdAt(g.created_at, now),
    },
    profile: g.profile_id ? { id: g.profile_id, description: null, language } : null,
    versions: [],
    audioFile: SONNA_AUDIO_NAME,
  };
}

export function parseSonnaManifest(json: unknown, entryNames: readonly string[]): ImportedArchive {
  const m = validate(SonnaManifestSchema, json, SONNA_MANIFEST_NAME);
  const present = new Set(entryNames);
  const missing = [
    ...(present.has(m.audio) ? [] : [`audio: ${JSON.stringify(m.audio)} is not in the archive`]),
    ...m.versions.flatMap((v, i) =>
      present.has(v.file) ? [] : [`versions[${i}].file: ${JSON.stringify(v.file)} is not in the archive`],
    ),
  ];
  if (missing.length > 0) throw invalid(SONNA_MANIFEST_NAME, missing);
  const g = m.generation;
  return {
    format: "sonna",
    generation: {
      text: g.text,
      language: g.language,
      seed: g.seed,
      instruct: g.instruct,
      engine: g.engine,
      model_size: g.model_size,
      status: g.status,
      error: g.error,
      duration: g.duration,
      is_favorited: g.is_favorited,
      tags: g.tags,
      note: g.note,
      created_at: toUtcIso(g.created_at) ?? g.created_at,
    },
    profile: m.profile && {
      ...(m.profile.id === undefined ? {} : { id: m.profile.id }),
      name: m.profile.name,
      description: m.profile.description,
      language: m.profile.language,
    },
    versions: m.versions.map((v) => ({ label: v.label, effects_chain: v.effects_chain, is_default: v.is_default, file: v.file })),
    audioFile: m.audio,
  };
}

/**
 * Voicebox exports carry no engine, model size, status or favourite flag: engine becomes
 * "unknown" (Voicebox's column default "qwen" would be a guess), status "completed" (only
 * finished generations have audio to export), is_favorited false, no tags and no note. Disabled
 * effects are dropped, since Voicebox does not apply them either.
 */
export function parseVoiceboxManifest(json: unknown, entryNames: readonly string[], now: Date = new Date()): ImportedArchive {
  const m = validate(VoiceboxManifestSchema, json, VOICEBOX_MANIFEST_NAME);
  const present = new Set(entryNames);
  const versions = (m.versions ?? []).map((v) => ({
    label: v.label,
    effects_chain: (v.effects_chain ?? [])
      .filter((e) => e.enabled !== false)
      .map((e) => ({ type: e.type, params: e.params ?? {} })),
    is_default: v.is_default ?? false,
    file: `audio/${v.filename}`,
  }));
  const missing = versions.flatMap((v, i) =>
    present.has(v.file) ? [] : [`versions[${i}].filename: ${JSON.stringify(v.file)} is not in the archive`],
  );
  if (missing.length > 0) throw invalid(VOICEBOX_MANIFEST_NAME, missing);
  if (versions.filter((v) => v.is_default).length > 1) {
    throw invalid(VOICEBOX_MANIFEST_NAME, ["versions: at most one version may be the default"]);
  }
  // Voicebox keeps the generation's audio_path on its default version's file.
  const audioFile =
    versions.find((v) => v.is_default)?.file ??
    versions[0]?.file ??
    entryNames.find((name) => name.startsWith("audio/") && name.toLowerCase().endsWith(".wav") && !name.slice(6).includes("/"));
  if (audioFile === undefined) throw invalid(VOICEBOX_MANIFEST_NAME, ["audio: the archive has no audio/*.wav entry"]);
  const g = m.generation;
  const profileName = m.profile?.name?.trim() ? m.profile.name : null;
  return {
    format: "voicebox",
    generation: {
      text: g.text,
      language: g.language,
      seed: g.seed ?? null,
      instruct: g.instruct ?? null,
      engine: g.engine ?? "unknown",
      model_size: g.model_size ?? null,
      status: "completed",
      error: null,
      duration: g.duration,
      is_favorited: g.is_favorited ?? false,
      tags: [],
      note: null,
      created_at: createdAt(g.created_at, now),
    },
    profile:
      m.profile && profileName !== null
        ? {
            ...(m.profile.id ? { id: m.profile.id } : {}),
            name: profileName,
            description: m.profile.description ?? null,
            language: m.profile.language ?? g.language,
          }
        : null,
    versions,
    audioFile,
  };
}

/** The generation fields a Sonna export records (a stored generation has all of them). */
export interface SonnaGenerationFields {
  id: string;
  profile_id: string;
  text: string;
  language: string;
  seed: number | null;
  instruct: string | null;
  engine: string;
  model_size: string | null;
  status: GenerationStatus;
  error: string | null;
  duration: number | null;
  is_favorited: boolean;
  tags: string[];
  note: string | null;
  created_at: string;
  size_bytes: number;
}

export interface SonnaProfileFields {
  id: string;
  name: string;
  description: string | null;
  language: string;
}

export interface SonnaVersionFields {
  id?: string;
  label: string;
  effects_chain: ArchiveEffect[];
  is_default: boolean;
  /** The entry name the version's WAV is written under; see `versionEntryName`. */
  file: string;
}

/**
 * Builds `generation.json`. Only the listed fields are copied, so internal attributes of a
 * stored item never leak into an export. Throws (a bug, not user input) if the result would not
 * parse back.
 */
export function sonnaManifest(
  generation: SonnaGenerationFields,
  profile: SonnaProfileFields | null,
  versions: readonly SonnaVersionFields[],
  exportedAt: Date = new Date(),
): SonnaManifest {
  const manifest: SonnaManifest = {
    format: SONNA_FORMAT,
    format_version: SONNA_FORMAT_VERSION,
    exported_at: exportedAt.toISOString(),
    generation: {
      id: generation.id,
      profile_id: generation.profile_id,
      text: generation.text,
      language: generation.language,
      seed: generation.seed,
      instruct: generation.instruct,
      engine: generation.engine,
      model_size: generation.model_size,
      status: generation.status,
      error: generation.error,
      duration: generation.duration,
      is_favorited: generation.is_favorited,
      // Generations stored before tags and notes existed have neither.
      tags: generation.tags ?? [],
      note: generation.note ?? null,
      created_at: generation.created_at,
      size_bytes: generation.size_bytes,
    },
    profile: profile && {
      id: profile.id,
      name: profile.name,
      description: profile.description,
      language: profile.language,
    },
    versions: versions.map((v) => ({
      ...(v.id === undefined ? {} : { id: v.id }),
      label: v.label,
      effects_chain: v.effects_chain.map((e) => ({ type: e.type, params: { ...e.params } })),
      is_default: v.is_default,
      file: v.file,
    })),
    audio: SONNA_AUDIO_NAME,
  };
  const check = v.safeParse(SonnaManifestSchema, manifest);
  if (!check.success) throw new Error(`sonnaManifest built an invalid manifest: ${summarize(issueLines(check.issues))}`);
  return manifest;
}

/** Where version `index` (0-based) of an export goes: `versions/01-<label>.wav`. */
export function versionEntryName(index: number, label: string): string {
  const slug = asciiWords(label).slice(0, 6).join("-").slice(0, 40).replace(/-+$/, "");
  return `versions/${String(index + 1).padStart(2, "0")}${slug ? `-${slug}` : ""}.wav`;
}

/**
 * A download name from the generation's text: `generation-<up to 6 words><suffix>`, ASCII
 * letters and digits only (accents are folded, other scripts dropped), at most 80 characters;
 * `generation<suffix>` when no word survives.
 */
export function safeFilename(text: string, suffix = ".sonna.zip"): string {
  const cleanSuffix = suffix.replace(/[^A-Za-z0-9.-]/g, "").slice(0, 20);
  const base = "generation";
  const room = 80 - base.length - cleanSuffix.length;
  let name = base;
  for (const word of asciiWords(text).slice(0, 6)) {
    const next = `${name}-${word}`;
    if (next.length - base.length > room) break;
    name = next;
  }
  return `${name}${cleanSuffix}`;
}

function asciiWords(text: string): string[] {
  return (
    text
      .slice(0, 2_000)
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  ).map((word) => word.slice(0, 24));
}

/** A manifest's creation time in UTC, or `now` when it gives none. */
const createdAt = (value: string | null | undefined, now: Date): string => (value ? toUtcIso(value) : null) ?? now.toISOString();

/** Python's naive isoformat is UTC here; anything with an offset is converted. */
function toUtcIso(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = "00", frac = "", zone] = match;
  const ms = frac ? frac.slice(1, 4).padEnd(3, "0") : "000";
  const offset = !zone || zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  if (Number.isNaN(date.getTime())) return null;
  // Date rolls 2025-02-30 over to March; a real timestamp survives the round trip.
  if (offset === "Z" && date.toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`) return null;
  return date.toISOString();
}

function validate<T extends v.GenericSchema>(schema: T, json: unknown, file: string): v.InferOutput<T> {
  const result = v.safeParse(schema, json);
  if (!result.success) throw invalid(file, issueLines(result.issues));
  return result.output;
}

function invalid(file: string, problems: string[]): VisibleError {
  return new VisibleError(422, "archive.manifest_invalid", `${file} is not valid: ${summarize(problems)}`);
}
