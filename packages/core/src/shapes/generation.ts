import * as v from "valibot";
import { limits } from "../limits";
import { effectParams, languageCode, MAX_EFFECTS, nonBlankText, note, seed, shortId, tagList, token, wellFormedText } from "./fields";
import { about, count, example, instant, integer, named, seconds } from "./named";

export const generationStatuses = ["pending", "completed", "failed"] as const;
export const GenerationStatusSchema = v.picklist(generationStatuses);
export type GenerationStatus = v.InferOutput<typeof GenerationStatusSchema>;

export const EffectSchema = named(
  "Effect",
  v.strictObject({ type: example(token, "reverb"), params: v.optional(effectParams, {}) }),
);
export type Effect = v.InferOutput<typeof EffectSchema>;

export const AudioArchiveSchema = named(
  "AudioArchive",
  v.object({
    state: about(v.picklist(["flac", "kept_wav"]), "`flac`: stored compressed, served as the original WAV bytes; `kept_wav`: archival was tried and the WAV stays."),
    stored_bytes: about(count, "Bytes the stored object takes: the FLAC's once archived, the WAV's when it was kept."),
    sha256: about(v.nullable(v.string()), "SHA-256 (hex) of the original WAV bytes, which every restore is checked against; null when kept as WAV."),
    reason: about(v.nullable(v.string()), "Why the audio stays WAV (float samples, 32-bit, saves under 10%, ...); null once archived."),
    at: instant,
  }),
);
export type AudioArchive = v.InferOutput<typeof AudioArchiveSchema>;

export const VersionSchema = named(
  "Version",
  v.object({
    id: v.string(),
    label: v.string(),
    effects_chain: v.array(EffectSchema),
    is_default: v.boolean(),
    status: v.picklist(["pending", "completed"]),
    audio_path: v.string(),
    duration: v.nullable(seconds),
    size_bytes: count,
    created_at: instant,
    error: about(v.nullable(v.string()), "Why the last upload for this pending version was refused (cleared when an upload completes it)."),
    error_code: about(v.nullable(v.string()), "The code of `error` (for example `audio.invalid`); null otherwise."),
    archive: about(
      v.nullable(AudioArchiveSchema),
      "Archival compression of this audio (`archive_after_days`, `POST /maintenance/archive`); null until it is tried. `size_bytes` stays the WAV's size, what every download gives back.",
    ),
  }),
);
export type Version = v.InferOutput<typeof VersionSchema>;

const generationFields = {
  id: v.string(),
  profile_id: v.string(),
  text: v.string(),
  language: v.string(),
  audio_path: about(
    v.string(),
    "The original audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed. `duration` and `size_bytes` describe this original too; a default version's audio is described in `versions`.",
  ),
  duration: about(v.nullable(seconds), "Seconds of the original audio, read from the WAV itself."),
  seed: v.nullable(integer),
  instruct: v.nullable(v.string()),
  engine: v.string(),
  model_size: v.nullable(v.string()),
  status: GenerationStatusSchema,
  error: about(
    v.nullable(v.string()),
    "Why the generation failed, or why its last upload was refused while it is still pending (cleared when an upload completes it).",
  ),
  error_code: about(v.nullable(v.string()), "The code of `error` when it is a refused upload's (for example `audio.invalid`); null otherwise."),
  is_favorited: v.boolean(),
  tags: about(v.array(v.string()), `Lower-cased, without duplicates, at most ${limits.maxTags}.`),
  note: about(v.nullable(v.string()), "A free-text note; null when there is none."),
  created_at: instant,
  updated_at: instant,
  size_bytes: about(count, "Bytes of the original audio."),
  versions: v.array(VersionSchema),
  active_version_id: about(v.nullable(v.string()), "The default version's id (the original's when it is the default)."),
  default_version_id: about(
    v.nullable(v.string()),
    "The version whose audio `audio_url` serves when it is not the original; null when the original is served.",
  ),
};

/** A generation as stored and served (snake_case, so the stored item and the API share field names). */
export const GenerationSchema = named("Generation", v.object(generationFields));
export type Generation = v.InferOutput<typeof GenerationSchema>;

export const listedFields = { ...generationFields, profile_name: about(v.nullable(v.string()), "The profile's current name; null if it is gone.") };

export const ListedGenerationSchema = named("ListedGeneration", v.object(listedFields));
export type ListedGeneration = v.InferOutput<typeof ListedGenerationSchema>;

export const GenerationDetailSchema = named(
  "GenerationDetail",
  v.object({
    ...listedFields,
    audio_url: about(
      v.nullable(v.string()),
      "Presigned GET of the default audio (15 minutes), once it exists. Archived audio is served as a restored copy of the original WAV bytes (kept a day); it is null when no copy is ready and this answer was not allowed to make one (batch-get, or audio over 100 MB: `GET /history/{id}/export-audio` restores it, as a job when large).",
    ),
    audio_archived: about(v.boolean(), "Whether the default audio is stored compressed (FLAC); downloads still give the original WAV bytes."),
    audio_url_expires_at: v.nullable(instant),
  }),
);
export type GenerationDetail = v.InferOutput<typeof GenerationDetailSchema>;

/** What a generation is made with when its request (and, for the language, its profile) names nothing: the seed's defaults. */
export const DEFAULT_LANGUAGE = "en";
export const DEFAULT_ENGINE = "qwen";

const engine = example(token, DEFAULT_ENGINE);

const tagsRule = `Up to ${limits.maxTags} tags of 1-${limits.maxTagChars} characters each once trimmed, without control characters; stored lower-cased, duplicates collapse.`;
const noteRule = `Free text, up to ${limits.maxNoteChars} characters, or null.`;

/** The settings a generation is made with: given on create, kept as given. */
export const creationFields = {
  text: nonBlankText(limits.maxTextChars),
  language: languageCode,
  seed: v.nullable(seed),
  instruct: v.nullable(wellFormedText(limits.maxInstructChars)),
  engine,
  model_size: v.nullable(example(token, "1.7B")),
};

/** What a request names a generation's settings with; left-out settings take their defaults (generations/defaults.ts). */
const creationRequest = {
  profile_id: shortId,
  text: creationFields.text,
  language: v.optional(about(creationFields.language, "Defaults to the profile's language (`en` if it has none).")),
  seed: v.optional(creationFields.seed),
  instruct: v.optional(creationFields.instruct),
  engine: v.optional(creationFields.engine),
  model_size: v.optional(creationFields.model_size),
};

export const GenerationCreate = named(
  "GenerationCreate",
  v.strictObject({ ...creationRequest, tags: v.optional(about(tagList, tagsRule)), note: v.optional(about(note, noteRule)) }),
);
export type GenerationInput = v.InferOutput<typeof GenerationCreate>;

export const GenerationLookup = named("GenerationLookup", v.strictObject(creationRequest));
/** A generation's creation settings as a request names them (create's body is a superset). */
export type CreationInput = v.InferOutput<typeof GenerationLookup>;

const patchObject = v.strictObject({ tags: v.optional(about(tagList, `Replaces the set. ${tagsRule}`)), note: v.optional(about(note, noteRule)) });

/** What `PATCH /history/{id}` changes: the tags, the note, or both. */
export const GenerationPatch = named(
  "GenerationPatch",
  v.pipe(
    patchObject,
    v.check((patch: v.InferOutput<typeof patchObject>) => patch.tags !== undefined || patch.note !== undefined, "send tags, note or both"),
  ),
);
export type GenerationChanges = v.InferOutput<typeof GenerationPatch>;

export const TagCountsSchema = named(
  "TagCounts",
  v.object({
    tags: about(
      v.array(v.object({ tag: v.string(), count: count })),
      "Every tag a generation outside the trash carries, with how many carry it; most used first, then by tag.",
    ),
  }),
);
export type TagCounts = v.InferOutput<typeof TagCountsSchema>;

export const IdempotencyHeader = v.object({
  "idempotency-key": v.optional(
    about(
      v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,255}$/, "1-255 printable ASCII characters")),
      "Retrying with the same key returns the first result instead of creating twice.",
    ),
  ),
});

export const UploadSchema = named(
  "Upload",
  v.object({
    url: about(v.string(), "Presigned PUT for the WAV bytes, 15 minutes."),
    method: v.literal("PUT"),
    headers: v.record(v.string(), v.string()),
    expires_at: instant,
  }),
);
export type Upload = v.InferOutput<typeof UploadSchema>;

export const GenerationCreated = named("GenerationCreated", v.object({ generation: GenerationSchema, upload: UploadSchema }));

export const FailBody = named("GenerationFail", v.strictObject({ error: nonBlankText(limits.maxErrorChars) }));

export const FavoriteSchema = named("Favorite", v.object({ is_favorited: v.boolean() }));

export const DeletedCount = named("DeletedCount", v.object({ deleted: count }));

export const VersionCreate = named(
  "VersionCreate",
  v.strictObject({
    label: nonBlankText(limits.maxNameChars),
    effects_chain: v.optional(v.pipe(v.array(EffectSchema), v.maxLength(MAX_EFFECTS, `at most ${MAX_EFFECTS} effects`)), []),
  }),
);
export type VersionInput = v.InferOutput<typeof VersionCreate>;

export const VersionCreated = named("VersionCreated", v.object({ version: VersionSchema, upload: UploadSchema }));

export const IdParam = v.object({ id: example(shortId, "0199a5f4-6c1e-7d2a-9b1c-2f3e4d5c6b7a") });
export const VersionParams = v.object({ id: shortId, versionId: shortId });
