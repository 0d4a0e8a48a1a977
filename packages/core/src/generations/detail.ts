import { profileNames } from "../profiles/names";
import { presignDownload } from "../storage/presign";
import { toGeneration, type GenerationItem } from "./model";
import { getGeneration } from "./repo";
import { defaultAudio } from "./versions";

/** One generation with its profile's current name and, once it has audio, a download URL of its default version. */
export async function generationDetail(tenant: string, id: string) {
  return detailOf(tenant, await getGeneration(tenant, id));
}

/** A stored generation as `GET /history/{id}` shows it. */
export async function detailOf(tenant: string, item: GenerationItem) {
  const [names, download] = await Promise.all([
    profileNames(tenant, [item.profile_id]),
    item.status === "completed" ? presignDownload(defaultAudio(item)?.audio_path ?? item.audio_path, { contentType: "audio/wav" }) : undefined,
  ]);
  return {
    ...toGeneration(item),
    profile_name: names.get(item.profile_id) ?? null,
    audio_url: download?.url ?? null,
    audio_url_expires_at: download?.expires_at ?? null,
  };
}
