import { profileNames } from "../profiles/names";
import type { GenerationDetail } from "../shapes/generation";
import { presignDownload } from "../storage/presign";
import { isArchived, toGeneration, type GenerationItem } from "./model";
import { getGeneration } from "./repo";
import { defaultAudio } from "./versions";

/**
 * A generation as `GET /history/{id}` shows it: with its profile's current name (from `names`, as
 * `profileNames` answers) and, once it has audio, a download URL of its default version. Presigning
 * is local signing, no request. Archived audio is served from a restored copy of its WAV bytes:
 * with `restore` that copy is found or made (up to 100 MB, within the request); without it (answers
 * about many generations) nothing is read and archived audio has no URL.
 */
export async function toDetail(item: GenerationItem, names: Map<string, string>, restore = false): Promise<GenerationDetail> {
  const audio = item.status === "completed" ? (defaultAudio(item) ?? { audio_path: item.audio_path, size_bytes: item.size_bytes, archive: null }) : undefined;
  const archived = audio !== undefined && isArchived(audio);
  let key = archived ? undefined : audio?.audio_path;
  if (archived && restore) {
    const { servedWavKey } = await import("../archival/restore");
    key = await servedWavKey(audio, true);
  }
  const download = key ? await presignDownload(key, { contentType: "audio/wav" }) : undefined;
  return {
    ...toGeneration(item),
    profile_name: names.get(item.profile_id) ?? null,
    audio_url: download?.url ?? null,
    audio_url_expires_at: download?.expires_at ?? null,
    audio_archived: archived,
  };
}

/** A stored generation, as `toDetail` shows it (restoring archived audio when `restore`). */
export async function detailOf(tenant: string, item: GenerationItem, restore = false): Promise<GenerationDetail> {
  return toDetail(item, await profileNames(tenant, [item.profile_id]), restore);
}

/** One generation, as `toDetail` shows it, archived audio restored for its URL. */
export async function generationDetail(tenant: string, id: string): Promise<GenerationDetail> {
  return detailOf(tenant, await getGeneration(tenant, id), true);
}
