import * as v from "valibot";
import { about, named } from "./named";

const byteQuota = (description: string) => about(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 50))), description);
const countQuota = (description: string) => about(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000_000))), description);

const settingsFields = {
  retention_days: about(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(36_500))),
    "Generations older than this many days are deleted by the daily sweep; null keeps them forever.",
  ),
  keep_favorites: about(v.boolean(), "Whether retention spares favorites."),
  quota_bytes: byteQuota("Audio bytes the tenant may store; null is unlimited."),
  profile_quota_bytes: byteQuota("Audio bytes each profile may store; null is unlimited."),
  quota_generations: countQuota("Generations the tenant may hold, trash not counted; null is unlimited."),
  profile_quota_generations: countQuota("Generations each profile may hold, trash not counted; null is unlimited."),
  trash_days: about(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90)),
    "Days a deleted generation waits in the trash (GET /history/trash) before it is purged with its audio; 0 deletes at once. Trashed audio still counts against quota_bytes, not against profile_quota_bytes.",
  ),
  archive_after_days: about(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36_500))),
    "Audio older than this many days is stored compressed (FLAC) by the daily sweep; downloads still give the original WAV bytes. Null (the default) never archives.",
  ),
};

export const SettingsSchema = named("Settings", v.object(settingsFields));
export type Settings = v.InferOutput<typeof SettingsSchema>;

export const SettingsPut = named(
  "SettingsPut",
  v.strictObject({
    retention_days: v.optional(settingsFields.retention_days),
    keep_favorites: v.optional(settingsFields.keep_favorites),
    quota_bytes: v.optional(settingsFields.quota_bytes),
    profile_quota_bytes: v.optional(settingsFields.profile_quota_bytes),
    quota_generations: v.optional(settingsFields.quota_generations),
    profile_quota_generations: v.optional(settingsFields.profile_quota_generations),
    trash_days: v.optional(settingsFields.trash_days),
    archive_after_days: v.optional(settingsFields.archive_after_days),
  }),
  "Replaces the settings; a field left out takes its default (null, true for keep_favorites, 0 for trash_days, null for archive_after_days).",
);
