import { createHash } from "node:crypto";
import { sonnaManifest, safeFilename, SONNA_AUDIO_NAME, SONNA_FORMAT_VERSION, SONNA_MANIFEST_NAME, versionEntryName } from "../archive/format";
import { writeZipToS3, type ZipEntryInput } from "../archive/write";
import type { GenerationItem } from "../generations/model";
import { getGeneration } from "../generations/repo";
import type { ProfileItem } from "../profiles/model";
import { findProfileItem } from "../profiles/service";
import { objectKeys } from "../storage/keys";
import { freshObjectSize, notCompleted } from "./audio-export";
import { presignDownload } from "../storage/presign";
import type { DownloadLink } from "../shapes/transfer";

export type { DownloadLink } from "../shapes/transfer";


/** The archive entries of one generation: its manifest, its audio and every completed version's audio. */
export function generationEntries(item: GenerationItem, profile: ProfileItem | undefined, folder = ""): ZipEntryInput[] {
  const versions = item.versions.filter((v) => v.status === "completed");
  const processed = versions.filter((v) => v.audio_path !== item.audio_path);
  const fileOf = new Map(processed.map((v, i) => [v.id, `${folder}${versionEntryName(i, v.label)}`]));
  const manifest = sonnaManifest(
    item,
    profile ? { id: profile.id, name: profile.name, description: profile.description, language: profile.language } : null,
    versions.map((v) => ({
      id: v.id,
      label: v.label,
      effects_chain: v.effects_chain,
      is_default: v.is_default,
      file: fileOf.get(v.id)?.slice(folder.length) ?? SONNA_AUDIO_NAME,
    })),
  );
  return [
    { name: `${folder}${SONNA_MANIFEST_NAME}`, kind: "json", data: manifest },
    { name: `${folder}${SONNA_AUDIO_NAME}`, kind: "object", key: item.audio_path },
    ...processed.map((v) => ({ name: fileOf.get(v.id)!, kind: "object" as const, key: v.audio_path })),
  ];
}

/**
 * A ZIP of one generation (`generation.json`, `audio.wav`, `versions/*.wav`), streamed from its
 * objects into the bucket, and a link to it. The archive's key names the generation's revision and
 * the profile's, so an unchanged generation reuses its last export.
 */
export async function exportGeneration(tenant: string, id: string): Promise<DownloadLink> {
  const item = await getGeneration(tenant, id);
  if (item.status !== "completed") throw notCompleted(item.id, item.status);
  const profile = await findProfileItem(tenant, item.profile_id);
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([SONNA_FORMAT_VERSION, item.rev, item.updated_at, profile?.updated_at ?? null]))
    .digest("base64url")
    .slice(0, 16);
  const key = objectKeys.exportArchive(tenant, `${item.id}-${fingerprint}`);
  const size = (await freshObjectSize(key)) ?? (await writeZipToS3({ key, entries: generationEntries(item, profile) })).size;
  const filename = safeFilename(item.text);
  return { ...(await presignDownload(key, { filename, contentType: "application/zip" })), filename, size_bytes: size };
}
