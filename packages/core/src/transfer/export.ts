import { createHash } from "node:crypto";
import { sonnaManifest, safeFilename, SONNA_AUDIO_NAME, SONNA_FORMAT_VERSION, SONNA_MANIFEST_NAME, versionEntryName } from "../archive/format";
import { writeZipToS3, type ZipEntryInput } from "../archive/write";
import { isArchived, originalOf, type GenerationItem } from "../generations/model";
import { openOriginalWav, type StoredAudio } from "../archival/original";
import { getGeneration } from "../generations/repo";
import type { ProfileItem } from "../profiles/model";
import { findProfileItem } from "../profiles/service";
import { objectKeys } from "../storage/keys";
import { freshObjectSize } from "../storage/objects";
import { notCompleted } from "./audio-export";
import { presignDownload } from "../storage/presign";
import type { DownloadLink } from "../shapes/transfer";

export type { DownloadLink } from "../shapes/transfer";

/** An archive entry, naming the stored audio it holds when it holds audio (a transcode reads that instead). */
export type GenerationEntry = ZipEntryInput & { audio?: StoredAudio };

/** The archive entries of one generation: its manifest, its audio and every completed version's audio. */
export function generationEntries(item: GenerationItem, profile: ProfileItem | undefined, folder = ""): GenerationEntry[] {
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
  const original = originalOf(item) ?? { audio_path: item.audio_path, size_bytes: item.size_bytes, archive: null };
  return [
    { name: `${folder}${SONNA_MANIFEST_NAME}`, kind: "json", data: manifest },
    audioEntry(`${folder}${SONNA_AUDIO_NAME}`, original),
    ...processed.map((v) => audioEntry(fileOf.get(v.id)!, v)),
  ];
}

/** A WAV object is copied in as it is (pinned to its ETag); archived audio is restored to its WAV bytes as the ZIP is written. */
const audioEntry = (name: string, audio: StoredAudio): GenerationEntry =>
  isArchived(audio)
    ? { name, kind: "stream", size: audio.size_bytes, open: () => openOriginalWav(audio), audio }
    : { name, kind: "object", key: audio.audio_path, audio };

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
