import { z } from "@hono/zod-openapi";
import { limits } from "@sonna/core/limits";

/** Text that survives storage unchanged: no unpaired surrogates (they would not round-trip UTF-8). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.isWellFormed(), "must be well-formed Unicode (no unpaired surrogates)");

const token = (example: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
    .max(limits.maxShortFieldChars)
    .openapi({ example });

export const languageCode = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "a language code such as en, zh or pt-BR")
  .max(35)
  .openapi({ example: "en" });

export const IdParam = z.object({
  id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, example: "0199a5f4-6c1e-7d2a-9b1c-2f3e4d5c6b7a" }),
});

// Profiles
export const ProfileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    language: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Profile");

const profileName = text(limits.maxNameChars).refine((v) => v.trim().length > 0, "must not be blank");

export const ProfileCreate = z
  .object({
    name: profileName,
    description: text(limits.maxDescriptionChars).nullable().optional(),
    language: languageCode.optional(),
  })
  .strict()
  .openapi("ProfileCreate");

export const ProfilePatch = ProfileCreate.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "send at least one field to change")
  .openapi("ProfilePatch");

export const ProfileList = z.object({ items: z.array(ProfileSchema) }).openapi("ProfileList");

// Versions
export const EffectSchema = z
  .object({
    type: token("reverb"),
    params: z.record(z.string().max(64), z.union([z.number(), z.string().max(200), z.boolean(), z.null()])).default({}),
  })
  .strict()
  .openapi("Effect");

export const VersionSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    effects_chain: z.array(EffectSchema),
    is_default: z.boolean(),
    status: z.enum(["pending", "completed"]),
    audio_path: z.string(),
    duration: z.number().nullable(),
    size_bytes: z.number().int(),
    created_at: z.string(),
  })
  .openapi("Version");

export const VersionCreate = z
  .object({
    label: text(limits.maxNameChars).refine((v) => v.trim().length > 0, "must not be blank"),
    effects_chain: z.array(EffectSchema).max(32).default([]),
  })
  .strict()
  .openapi("VersionCreate");

export const VersionParams = z.object({
  id: IdParam.shape.id,
  versionId: z.string().max(64).openapi({ param: { name: "versionId", in: "path" } }),
});

// Generations
export const GenerationSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    text: z.string(),
    language: z.string(),
    audio_path: z.string().openapi({
      description: "The audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed.",
    }),
    duration: z.number().nullable().openapi({ description: "Seconds, read from the WAV itself." }),
    seed: z.number().int().nullable(),
    instruct: z.string().nullable(),
    engine: z.string(),
    model_size: z.string().nullable(),
    status: z.enum(["pending", "completed", "failed"]),
    error: z.string().nullable(),
    is_favorited: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    size_bytes: z.number().int(),
    versions: z.array(VersionSchema),
    active_version_id: z.string().nullable(),
  })
  .openapi("Generation");

export const ListedGenerationSchema = GenerationSchema.extend({ profile_name: z.string().nullable() }).openapi(
  "ListedGeneration",
);

export const GenerationDetailSchema = ListedGenerationSchema.extend({
  audio_url: z.string().nullable().openapi({ description: "Presigned GET of the audio (15 minutes), when it exists." }),
  audio_url_expires_at: z.string().nullable(),
}).openapi("GenerationDetail");

export const GenerationCreate = z
  .object({
    profile_id: z.string().max(64),
    text: text(limits.maxTextChars).refine((v) => v.trim().length > 0, "must not be blank"),
    language: languageCode.optional(),
    seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    instruct: text(limits.maxInstructChars).nullable().optional(),
    engine: token("qwen").optional(),
    model_size: token("1.7B").nullable().optional(),
  })
  .strict()
  .openapi("GenerationCreate");

export const UploadSchema = z
  .object({
    url: z.string(),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()),
    expires_at: z.string(),
  })
  .openapi("Upload");

export const VersionCreated = z.object({ version: VersionSchema, upload: UploadSchema }).openapi("VersionCreated");

export const GenerationCreated = z
  .object({ generation: GenerationSchema, upload: UploadSchema })
  .openapi("GenerationCreated");

export const FailBody = z
  .object({ error: text(limits.maxErrorChars).refine((v) => v.trim().length > 0, "must not be blank") })
  .strict()
  .openapi("GenerationFail");

export const FavoriteSchema = z.object({ is_favorited: z.boolean() }).openapi("Favorite");
export const DeletedCount = z.object({ deleted: z.number().int() }).openapi("DeletedCount");

/** Query numbers: plain decimal digits only (no "1e1", "0x10" or spaces). */
const decimal = z
  .string()
  .regex(/^\d{1,9}$/, "must be a whole number")
  .transform(Number);

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const boundsInOrder = (q: { created_after?: string | undefined; created_before?: string | undefined }) =>
  !q.created_after || !q.created_before || Date.parse(q.created_after) < Date.parse(q.created_before);

const ListFields = z.object({
    profile_id: z.string().max(64).optional(),
    search: text(limits.maxSearchChars).optional(),
    limit: decimal.pipe(z.number().int().min(1).max(limits.maxListLimit)).default(limits.defaultListLimit),
    offset: decimal.pipe(z.number().int().min(0).max(1_000_000)).default(0),
    cursor: z.string().max(512).optional().openapi({ description: "`next_cursor` of the previous page." }),
    status: z.enum(["pending", "completed", "failed"]).optional(),
    favorites: z
      .enum(["true", "false"])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === "true"))
      .openapi({ description: "true: only favorites; false: only the others." }),
    engine: token("qwen").optional(),
    language: languageCode.optional(),
    created_after: isoInstant.optional().openapi({ description: "Inclusive lower bound on created_at." }),
    created_before: isoInstant.optional().openapi({ description: "Exclusive upper bound on created_at." }),
    sort: z.enum(["asc", "desc"]).default("desc"),
  });

const orderedBounds = { message: "created_after must be before created_before", path: ["created_before"] };

export const ListQuery = ListFields.refine(boundsInOrder, orderedBounds);

export const ListResponse = z
  .object({ items: z.array(ListedGenerationSchema), total: z.number().int(), next_cursor: z.string().nullable() })
  .openapi("GenerationList");

const breakdown = z.object({ generations: z.number().int(), duration_seconds: z.number() });
const usage = z.object({ generations: z.number().int(), duration_seconds: z.number(), bytes: z.number().int() });

export const StatsSchema = z
  .object({
    total_generations: z.number().int(),
    total_duration_seconds: z.number(),
    total_bytes: z.number().int(),
    favorites: z.number().int(),
    generations_by_status: z.object({ pending: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
    generations_by_profile: z.record(z.string(), z.number().int()),
    profiles: z.record(z.string(), usage),
    by_engine: z.record(z.string(), breakdown),
    by_language: z.record(z.string(), breakdown),
    quota: z.object({
      quota_bytes: z.number().int().nullable(),
      profile_quota_bytes: z.number().int().nullable(),
      used_bytes: z.number().int(),
    }),
    generations_per_day: z
      .array(z.object({ day: z.string(), generations: z.number().int(), duration_seconds: z.number() }))
      .openapi({ description: "The last 30 UTC days, oldest first." }),
  })
  .openapi("Stats");

// Jobs
export const JobSchema = z
  .object({
    id: z.string(),
    type: z.enum(["profile.delete", "history.delete", "history.export", "reconcile", "retention"]),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    progress: z.object({ done: z.number().int(), total: z.number().int().nullable() }),
    result: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What the job produced, e.g. a download URL." }),
    error: z.string().nullable(),
    attempts: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Job");

/** The list filters as a JSON object, for bulk operations. */
export const FilterSchema = ListFields.pick({
  profile_id: true,
  search: true,
  status: true,
  engine: true,
  language: true,
  created_after: true,
  created_before: true,
})
  .extend({ favorites: z.boolean().optional() })
  .strict()
  .refine(boundsInOrder, orderedBounds)
  .openapi("GenerationFilter");

export const BulkSelection = z
  .union([
    z.object({ ids: z.array(z.string().max(64)).min(1).max(1000) }).strict(),
    z.object({ filter: FilterSchema }).strict(),
  ])
  .openapi("BulkSelection", { description: "Either up to 1,000 ids or a filter (the list filters)." });

// Settings
const byteQuota = z.number().int().min(0).max(2 ** 50).nullable();

export const SettingsSchema = z
  .object({
    retention_days: z.number().int().min(1).max(36_500).nullable().openapi({ description: "Delete generations older than this; null keeps them forever." }),
    keep_favorites: z.boolean().openapi({ description: "Whether retention spares favorites." }),
    quota_bytes: byteQuota.openapi({ description: "Audio bytes the tenant may store; null is unlimited." }),
    profile_quota_bytes: byteQuota.openapi({ description: "Audio bytes each profile may store; null is unlimited." }),
  })
  .openapi("Settings");

export const SettingsPut = SettingsSchema.partial().strict().openapi("SettingsPut", {
  description: "Replaces the settings; a field left out takes its default (null, or true for keep_favorites).",
});

// Export and import
export const DownloadLinkSchema = z
  .object({
    url: z.string().openapi({ description: "Presigned GET, 15 minutes." }),
    expires_at: z.string(),
    filename: z.string(),
    size_bytes: z.number().int(),
  })
  .openapi("DownloadLink");

export const ImportForm = z
  .object({
    file: z.instanceof(File, { message: "send the archive as a file field" }).openapi({ type: "string", format: "binary" }),
    profile_id: z.string().max(64).optional(),
  })
  .openapi("ImportForm");

export const ImportStart = z.object({ profile_id: z.string().max(64).optional() }).strict().openapi("ImportStart");

export const ImportStarted = z.object({ import_id: z.string(), upload: UploadSchema }).openapi("ImportStarted");

export const ImportParam = z.object({
  import_id: z.string().max(64).openapi({ param: { name: "import_id", in: "path" } }),
});
