import { profileNames } from "../profiles/names";
import type { GenerationDetail } from "../shapes/generation";
import { presignDownload } from "../storage/presign";
import { toGeneration, type GenerationItem } from "./model";
import { getGeneration } from "./repo";
import { defaultAudio } from "./versions";

/**
 * A generation as `GET /history/{id}` shows it: with its profile's current name (from `names`, as
 * `profileNames` answers) and, once it has audio, a download URL of its default version. Presigning
 * is local signing, no request.
 */
export async function toDetail(item: GenerationItem, names: Map<string, string>): Promise<GenerationDetail> {
  const download = item.status === "completed" ? await presignDownload(defaultAudio(item)?.audio_path ?? item.audio_path, { contentType: "audio/wav" }) : undefined;
  return {
    ...toGeneration(item),
    profile_name: names.get(item.profile_id) ?? null,
    audio_url: download?.url ?? null,
    audio_url_expires_at: download?.expires_at ?? null,
  };
}

/** A stored generation, as `toDetail` shows it. */
export async function detailOf(tenant: string, item: GenerationItem): Promise<GenerationDetail> {
  return toDetail(item, await profileNames(tenant, [item.profile_id]));
}

/** One generation, as `toDetail` shows it. */
export async function generationDetail(tenant: string, id: string): Promise<GenerationDetail> {
  return detailOf(tenant, await getGeneration(tenant, id));
}
