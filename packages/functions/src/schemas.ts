/**
 * Request and response shapes. Requests are validated with them (`validate` in ./openapi); the
 * OpenAPI document is generated from them. Components are named with `named`; `about` adds a
 * description or example to a field.
 *
 * Every exported schema is a `z.lazy`: it is built the first time a request (or the OpenAPI
 * document) uses it, not when the module loads. Building all of them took more CPU than the rest
 * of a cold start beyond the floor (docs/benchmarks.md); a request now builds only its own.
 */
import * as z from "zod/mini";
import { effectParams, isoInstant, languageCode, MAX_EFFECTS, nonBlankText, seed, token, wellFormedText } from "@sonna/core/fields";
import { limits } from "@sonna/core/limits";

export interface Meta {
  id?: string;
  description?: string;
  examples?: unknown[];
}

/**
 * What the OpenAPI document says of a schema beyond its shape: component names, descriptions,
 * examples. Kept here rather than in zod's global registry, which would pull zod's JSON Schema
 * generator into the cold start; ./openapi-document.ts hands it to zod when it writes the document.
 * Fields are described as their schemas are built, so the document builds every schema first.
 */
export const documentation = new Map<z.ZodMiniType, Meta>();

/** A named component of the OpenAPI document, built on first use. */
const named = <T extends z.ZodMiniType>(id: string, build: () => T, description?: string) => {
  const schema = z.lazy(build);
  documentation.set(schema, { id, ...(description ? { description } : {}) });
  return schema;
};

/** An unnamed schema (path, query and header parameters), built on first use. */
const lazily = <T extends z.ZodMiniType>(build: () => T) => {
  const schema = z.lazy(build);
  documentation.set(schema, {});
  return schema;
};

/** A field's description or example in the OpenAPI document; returns a copy, so shared rules stay bare. */
const about = <T extends z.ZodMiniType>(schema: T, meta: Omit<Meta, "id">): T => {
  const copy = schema.clone();
  documentation.set(copy, meta);
  return copy;
};

const shortString = z.string().check(z.maxLength(64));
const integer = z.int();
const nullableInt = z.nullable(z.int());

const idField = () => about(shortString, { examples: ["0199a5f4-6c1e-7d2a-9b1c-2f3e4d5c6b7a"] });

export const IdParam = lazily(() => z.object({ id: idField() }));

// Profiles
export const ProfileSchema = named(
  "Profile",
  () => z.object({
    id: z.string(),
    name: z.string(),
    description: z.nullable(z.string()),
    language: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
);

const profileFields = () => ({
  name: nonBlankText(limits.maxNameChars),
  description: z.optional(z.nullable(wellFormedText(limits.maxDescriptionChars))),
  language: z.optional(about(languageCode, { examples: ["en"] })),
});

export const ProfileCreate = named("ProfileCreate", () => z.strictObject(profileFields()));

export const ProfilePatch = named(
  "ProfilePatch",
  () => {
    const fields = profileFields();
    return z
      .strictObject({ ...fields, name: z.optional(fields.name) })
      .check(z.refine((patch) => Object.keys(patch).length > 0, "send at least one field to change"));
  },
);

export const ProfileList = named("ProfileList", () => z.object({ items: z.array(ProfileSchema) }));

// Versions
export const EffectSchema = named(
  "Effect",
  () => z.strictObject({ type: about(token, { examples: ["reverb"] }), params: z._default(effectParams, {}) }),
);

export const VersionSchema = named(
  "Version",
  () => z.object({
    id: z.string(),
    label: z.string(),
    effects_chain: z.array(EffectSchema),
    is_default: z.boolean(),
    status: z.enum(["pending", "completed"]),
    audio_path: z.string(),
    duration: z.nullable(z.number()),
    size_bytes: integer,
    created_at: z.string(),
  }),
);

export const VersionCreate = named(
  "VersionCreate",
  () => z.strictObject({
    label: nonBlankText(limits.maxNameChars),
    effects_chain: z._default(z.array(EffectSchema).check(z.maxLength(MAX_EFFECTS)), []),
  }),
);

export const VersionParams = lazily(() => z.object({ id: idField(), versionId: shortString }));

// Generations
const generationFields = () => ({
  id: z.string(),
  profile_id: z.string(),
  text: z.string(),
  language: z.string(),
  audio_path: about(z.string(), {
    description: "The audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed.",
  }),
  duration: about(z.nullable(z.number()), { description: "Seconds, read from the WAV itself." }),
  seed: nullableInt,
  instruct: z.nullable(z.string()),
  engine: z.string(),
  model_size: z.nullable(z.string()),
  status: z.enum(["pending", "completed", "failed"]),
  error: z.nullable(z.string()),
  is_favorited: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  size_bytes: integer,
  versions: z.array(VersionSchema),
  active_version_id: z.nullable(z.string()),
});

export const GenerationSchema = named("Generation", () => z.object(generationFields()));

const listedFields = () => ({ ...generationFields(), profile_name: z.nullable(z.string()) });

export const ListedGenerationSchema = named("ListedGeneration", () => z.object(listedFields()));

export const GenerationDetailSchema = named(
  "GenerationDetail",
  () => z.object({
    ...listedFields(),
    audio_url: about(z.nullable(z.string()), { description: "Presigned GET of the audio (15 minutes), when it exists." }),
    audio_url_expires_at: z.nullable(z.string()),
  }),
);

const engine = () => about(token, { examples: ["qwen"] });

export const GenerationCreate = named(
  "GenerationCreate",
  () => z.strictObject({
    profile_id: shortString,
    text: nonBlankText(limits.maxTextChars),
    language: z.optional(languageCode),
    seed: z.optional(z.nullable(seed)),
    instruct: z.optional(z.nullable(wellFormedText(limits.maxInstructChars))),
    engine: z.optional(engine()),
    model_size: z.optional(z.nullable(about(token, { examples: ["1.7B"] }))),
  }),
);

export const IdempotencyHeader = lazily(() =>
  z.object({
    "idempotency-key": z.optional(
      about(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, "1-255 printable ASCII characters")), {
        description: "Retrying with the same key returns the first result instead of creating twice.",
      }),
    ),
  }),
);

export const UploadSchema = named(
  "Upload",
  () => z.object({
    url: z.string(),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()),
    expires_at: z.string(),
  }),
);

export const VersionCreated = named("VersionCreated", () => z.object({ version: VersionSchema, upload: UploadSchema }));

export const GenerationCreated = named("GenerationCreated", () => z.object({ generation: GenerationSchema, upload: UploadSchema }));

export const FailBody = named("GenerationFail", () => z.strictObject({ error: nonBlankText(limits.maxErrorChars) }));

export const FavoriteSchema = named("Favorite", () => z.object({ is_favorited: z.boolean() }));
export const DeletedCount = named("DeletedCount", () => z.object({ deleted: integer }));

/** Query numbers: plain decimal digits only (no "1e1", "0x10" or spaces), within bounds. */
const decimal = (min: number, max: number, fallback: number) =>
  z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,9}$/, "must be a whole number")),
      z.pipe(
        z.transform((value: string) => Number(value)),
        z.int().check(z.minimum(min), z.maximum(max)),
      ),
    ),
    fallback,
  );


type TimeBounds = { created_after?: string | undefined; created_before?: string | undefined };

const boundsInOrder = (q: TimeBounds) =>
  !q.created_after || !q.created_before || Date.parse(q.created_after) < Date.parse(q.created_before);

const orderedBounds = () =>
  z.refine<TimeBounds>(boundsInOrder, { message: "created_after must be before created_before", path: ["created_before"] });

const instantForm = "an ISO 8601 date, or a date-time with Z or an offset.";

const filterFields = () => ({
  profile_id: z.optional(shortString),
  search: z.optional(wellFormedText(limits.maxSearchChars)),
  status: z.optional(z.enum(["pending", "completed", "failed"])),
  engine: z.optional(engine()),
  language: z.optional(languageCode),
  created_after: about(z.optional(isoInstant()), { description: `Inclusive lower bound on created_at: ${instantForm}`, examples: ["2026-11-01"] }),
  created_before: about(z.optional(isoInstant()), { description: `Exclusive upper bound on created_at: ${instantForm}`, examples: ["2026-11-29T08:00:00Z"] }),
});

export const ListQuery = lazily(() =>
  z
    .object({
      ...filterFields(),
    limit: about(decimal(1, limits.maxListLimit, limits.defaultListLimit), {
      description: `Page size, 1 to ${limits.maxListLimit}; ${limits.defaultListLimit} when left out.`,
    }),
    offset: about(decimal(0, 1_000_000, 0), { description: "Items to skip (each one is read); 0 when left out." }),
    cursor: about(z.optional(z.string().check(z.maxLength(512))), { description: "`next_cursor` of the previous page." }),
    favorites: about(
      z.optional(z.pipe(z.enum(["true", "false"]), z.transform((value) => value === "true"))),
      { description: "true: only favorites; false: only the others." },
    ),
    sort: z._default(z.enum(["asc", "desc"]), "desc"),
    })
    .check(orderedBounds()),
);

export const ListResponse = named(
  "GenerationList",
  () => z.object({ items: z.array(ListedGenerationSchema), total: integer, next_cursor: z.nullable(z.string()) }),
);

export const StatsSchema = named("Stats", () => {
  const breakdown = z.object({ generations: integer, duration_seconds: z.number() });
  const usage = z.object({ generations: integer, duration_seconds: z.number(), bytes: integer });
  return z.object({
    total_generations: integer,
    total_duration_seconds: z.number(),
    total_bytes: integer,
    favorites: integer,
    generations_by_status: z.object({ pending: integer, completed: integer, failed: integer }),
    generations_by_profile: z.record(z.string(), integer),
    profiles: z.record(z.string(), usage),
    by_engine: z.record(z.string(), breakdown),
    by_language: z.record(z.string(), breakdown),
    quota: z.object({ quota_bytes: nullableInt, profile_quota_bytes: nullableInt, used_bytes: integer }),
    generations_per_day: about(z.array(z.object({ day: z.string(), generations: integer, duration_seconds: z.number() })), {
      description: "The last 30 UTC days, oldest first.",
    }),
  });
});

// Jobs
export const JobSchema = named(
  "Job",
  () => z.object({
    id: z.string(),
    type: z.enum(["profile.delete", "history.delete", "history.export", "reconcile", "retention"]),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    progress: z.object({ done: integer, total: nullableInt }),
    result: about(z.nullable(z.record(z.string(), z.unknown())), { description: "What the job produced, e.g. a download URL." }),
    error: z.nullable(z.string()),
    attempts: integer,
    created_at: z.string(),
    updated_at: z.string(),
  }),
);

/** The list filters as a JSON object, for bulk operations. */
export const FilterSchema = named(
  "GenerationFilter",
  () => z.strictObject({ ...filterFields(), favorites: z.optional(z.boolean()) }).check(orderedBounds()),
);

export const BulkSelection = named(
  "BulkSelection",
  () => z.union([
    z.strictObject({ ids: z.array(shortString).check(z.minLength(1), z.maxLength(1000)) }),
    z.strictObject({ filter: FilterSchema }),
  ]),
  "Either up to 1,000 ids or a filter (the list filters).",
);

// Settings
const byteQuota = (description: string) => about(z.nullable(z.int().check(z.minimum(0), z.maximum(2 ** 50))), { description });

const settingsFields = () => ({
  retention_days: about(z.nullable(z.int().check(z.minimum(1), z.maximum(36_500))), {
    description: "Delete generations older than this; null keeps them forever.",
  }),
  keep_favorites: about(z.boolean(), { description: "Whether retention spares favorites." }),
  quota_bytes: byteQuota("Audio bytes the tenant may store; null is unlimited."),
  profile_quota_bytes: byteQuota("Audio bytes each profile may store; null is unlimited."),
});

export const SettingsSchema = named("Settings", () => z.object(settingsFields()));

export const SettingsPut = named(
  "SettingsPut",
  () => {
    const fields = settingsFields();
    return z.strictObject({
      retention_days: z.optional(fields.retention_days),
      keep_favorites: z.optional(fields.keep_favorites),
      quota_bytes: z.optional(fields.quota_bytes),
      profile_quota_bytes: z.optional(fields.profile_quota_bytes),
    });
  },
  "Replaces the settings; a field left out takes its default (null, or true for keep_favorites).",
);

// Export and import
export const DownloadLinkSchema = named(
  "DownloadLink",
  () => z.object({
    url: about(z.string(), { description: "Presigned GET, 15 minutes." }),
    expires_at: z.string(),
    filename: z.string(),
    size_bytes: integer,
  }),
);

export const ImportForm = named(
  "ImportForm",
  () => z.object({ file: z.file("send the archive as a file field"), profile_id: z.optional(shortString) }),
);

export const ImportStart = named("ImportStart", () => z.strictObject({ profile_id: z.optional(shortString) }));

export const ImportStarted = named("ImportStarted", () => z.object({ import_id: z.string(), upload: UploadSchema }));

export const ImportParam = lazily(() => z.object({ import_id: shortString }));

/** No options: how old an unclaimed object must be before it is deleted is not the caller's choice. */
export const ReconcileRequest = named("ReconcileRequest", () => z.strictObject({}));

export const ErrorSchema = named(
  "Error",
  () => z.object({
    detail: about(z.string(), { examples: ['No generation with id "0199...".'] }),
    code: about(z.string(), { examples: ["generation.not_found"] }),
  }),
);
