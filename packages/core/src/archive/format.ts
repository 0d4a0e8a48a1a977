/**
 * The two archive formats a generation can be imported from, parsed into one shape:
 *
 * - Sonna's own (`generation.json` + `audio.wav` + version WAVs), written by `sonnaManifest`.
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
import { z } from "zod";
import { VisibleError } from "../errors";
import { limits } from "../limits";
import { isDirectoryName, unsafeNameReason } from "./names";

export const SONNA_MANIFEST_NAME = "generation.json";
export const SONNA_AUDIO_NAME = "audio.wav";
export const SONNA_FORMAT = "sonna-history";
export const SONNA_FORMAT_VERSION = 1;
export const VOICEBOX_MANIFEST_NAME = "manifest.json";

/** Matches the service's per-generation cap, so an export always re-imports. */
export const MAX_ARCHIVE_VERSIONS = 50;
const MAX_EFFECTS = 32;

export type ArchiveFormat = "sonna" | "voicebox";
export type GenerationStatus = "pending" | "completed" | "failed";
export type EffectParams = Record<string, string | number | boolean | null>;
export interface ArchiveEffect {
  type: string;
  params: EffectParams;
}

/** What either format says about a generation, normalised. File names are entry names. */
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
    /** ISO 8601 in UTC. */
    created_at: string;
  };
  profile: { id?: string; name: string; description: string | null; language: string } | null;
  versions: { label: string; effects_chain: ArchiveEffect[]; is_default: boolean; file: string }[];
  /** The entry holding the generation's own (default) audio. */
  audioFile: string;
}

// Field rules mirror the API's (packages/functions/src/schemas.ts), so whatever imports can be
// stored and served like anything created through the API.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.isWellFormed(), "must be well-formed Unicode");
const nonBlank = (max: number) => text(max).refine((value) => value.trim().length > 0, "must not be blank");
const token = z
  .string()
  .max(limits.maxShortFieldChars)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only");
const languageCode = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "a language code such as en, zh or pt-BR");
const id = z.string().min(1).max(64);
/** Voicebox writes Python's naive `datetime.isoformat()` (UTC, no offset); we write with "Z". */
const timestamp = z
  .string()
  .max(40)
  .refine((value) => toUtcIso(value) !== null, "must be an ISO 8601 date-time")
  // Generation ids carry their creation time as a UUIDv7, which starts in 1970; a clip from the
  // future is a broken clock.
  .refine((value) => {
    const ms = Date.parse(toUtcIso(value) ?? "");
    return !(ms < 0 || ms > Date.now() + 24 * 3600 * 1000);
  }, "must lie between 1970-01-01 and today");
const duration = z.number().finite().min(0).max(7 * 24 * 3600);
const seed = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const paramValue = z.union([z.number().finite(), z.string().max(200), z.boolean(), z.null()]);
const params = z
  .record(z.string().max(64), paramValue)
  .refine((value) => Object.keys(value).length <= 64, "at most 64 parameters");
const effect = z.object({ type: token, params: params.default({}) });
const wavEntry = z
  .string()
  .refine((name) => unsafeNameReason(name) === null && !isDirectoryName(name), "must be a safe entry name")
  .refine((name) => name.toLowerCase().endsWith(".wav"), "must name a .wav entry");

const sonnaGeneration = z.object({
  id: id.optional(),
  profile_id: id.optional(),
  text: nonBlank(limits.maxTextChars),
  language: languageCode,
  seed: seed.nullable(),
  instruct: text(limits.maxInstructChars).nullable(),
  engine: token,
  model_size: token.nullable(),
  status: z.enum(["pending", "completed", "failed"]),
  error: text(limits.maxErrorChars).nullable(),
  duration: duration.nullable(),
  is_favorited: z.boolean(),
  created_at: timestamp,
  size_bytes: z.number().int().min(0).optional(),
});

const sonnaProfile = z.object({
  id: id.optional(),
  name: nonBlank(limits.maxNameChars),
  description: text(limits.maxDescriptionChars).nullable(),
  language: languageCode,
});

const sonnaVersion = z.object({
  id: id.optional(),
  label: nonBlank(limits.maxNameChars),
  effects_chain: z.array(effect).max(MAX_EFFECTS),
  is_default: z.boolean(),
  file: wavEntry,
});

export const SonnaManifestSchema = z.object({
  format: z.literal(SONNA_FORMAT),
  format_version: z.literal(SONNA_FORMAT_VERSION),
  exported_at: timestamp,
  generation: sonnaGeneration,
  profile: sonnaProfile.nullable(),
  versions: z
    .array(sonnaVersion)
    .max(MAX_ARCHIVE_VERSIONS)
    .refine((versions) => versions.filter((v) => v.is_default).length <= 1, "at most one version may be the default"),
  audio: wavEntry,
});
export type SonnaManifest = z.infer<typeof SonnaManifestSchema>;

const voiceboxEffect = z.object({
  type: token,
  enabled: z.boolean().optional(),
  params: params.optional(),
});

export const VoiceboxManifestSchema = z.object({
  version: z.string().max(16),
  generation: z.object({
    id: z.string().max(64).optional(),
    text: nonBlank(limits.maxTextChars),
    language: languageCode,
    // Voicebox's importer requires the key; the column is nullable.
    duration: duration.nullable(),
    seed: seed.nullish(),
    instruct: text(limits.maxInstructChars).nullish(),
    created_at: timestamp.nullish(),
    // Not in Voicebox's export; accepted in case a later one adds them.
    engine: token.optional(),
    model_size: token.nullish(),
    is_favorited: z.boolean().optional(),
  }),
  profile: z
    .object({
      id: z.string().max(64).nullish(),
      name: text(limits.maxNameChars).nullish(),
      description: text(limits.maxDescriptionChars).nullish(),
      language: languageCode.nullish(),
    })
    .nullish(),
  versions: z
    .array(
      z.object({
        id: z.string().max(64).nullish(),
        label: nonBlank(limits.maxNameChars),
        is_default: z.boolean().optional(),
        effects_chain: z.array(voiceboxEffect).max(MAX_EFFECTS).nullish(),
        filename: z
          .string()
          .max(200)
          .refine((name) => !name.includes("/") && unsafeNameReason(`audio/${name}`) === null, "must be a plain file name")
          .refine((name) => name.toLowerCase().endsWith(".wav"), "must name a .wav file"),
      }),
    )
    .max(MAX_ARCHIVE_VERSIONS)
    .nullish(),
});
export type VoiceboxManifest = z.infer<typeof VoiceboxManifestSchema>;

/** Which format an archive is, from its entry names; null if neither manifest is there. */
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
  return format === "sonna" ? parseSonnaManifest(manifest, names) : parseVoiceboxManifest(manifest, names, now);
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
 * finished generations have audio to export), is_favorited false. Disabled effects are dropped,
 * since Voicebox does not apply them either.
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
      created_at: (g.created_at ? toUtcIso(g.created_at) : null) ?? now.toISOString(),
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
  const check = SonnaManifestSchema.safeParse(manifest, { reportInput: true });
  if (!check.success) throw new Error(`sonnaManifest built an invalid manifest: ${describeIssues(check.error.issues).join("; ")}`);
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

function validate<T extends z.ZodType>(schema: T, json: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(json, { reportInput: true });
  if (!result.success) throw invalid(file, describeIssues(result.error.issues));
  return result.data;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path
      .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
      .join("");
    const missing = issue.code === "invalid_type" && !("input" in issue && issue.input !== undefined);
    return `${path || "(root)"}: ${missing ? "Required" : issue.message}`;
  });
}

function invalid(file: string, messages: string[]): VisibleError {
  const shown = messages.slice(0, 10).join("; ") + (messages.length > 10 ? `; and ${messages.length - 10} more` : "");
  return new VisibleError(422, "archive.manifest_invalid", `${file} is not valid: ${shown}`);
}
