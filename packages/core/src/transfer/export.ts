import { createHash } from "node:crypto";
import { sonnaManifest, safeFilename, SONNA_AUDIO_NAME, SONNA_FORMAT_VERSION, SONNA_MANIFEST_NAME, versionEntryName } from "../archive/format";
import { writeZipToS3, type ZipEntryInput } from "../archive/write";
import { VisibleError } from "../errors";
import { isArchived, originalOf, type GenerationItem } from "../generations/model";
import { openOriginalWav, type StoredAudio } from "../archival/original";
import { servedWavKey } from "../archival/restore";
import { enqueueJob } from "../jobs/enqueue";
import type { Job } from "../jobs/model";
import { getGeneration } from "../generations/repo";
import { defaultAudio } from "../generations/versions";
import type { ProfileItem } from "../profiles/model";
import { findProfileItem } from "../profiles/service";
import { objectKeys } from "../storage/keys";
import { headObject } from "../storage/objects";
import { presignDownload } from "../storage/presign";
import type { DownloadLink } from "../shapes/transfer";

export type { DownloadLink } from "../shapes/transfer";

/** Exports expire from the bucket after a day; a cached one is reused only while a link to it outlives its URL. */
const REUSE_EXPORT_FOR_MS = 23 * 3600 * 1000;

const notCompleted = (item: GenerationItem) =>
  new VisibleError(409, "generation.not_completed", `Generation ${item.id} is ${item.status}; only a completed generation has audio.`);

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
  const original = originalOf(item) ?? { audio_path: item.audio_path, size_bytes: item.size_bytes, archive: null };
  return [
    { name: `${folder}${SONNA_MANIFEST_NAME}`, kind: "json", data: manifest },
    audioEntry(`${folder}${SONNA_AUDIO_NAME}`, original),
    ...processed.map((v) => audioEntry(fileOf.get(v.id)!, v)),
  ];
}

/** A WAV object is copied in as it is (pinned to its ETag); archived audio is restored to its WAV bytes as the ZIP is written. */
const audioEntry = (name: string, audio: StoredAudio): ZipEntryInput =>
  isArchived(audio) ? { name, kind: "stream", size: audio.size_bytes, open: () => openOriginalWav(audio) } : { name, kind: "object", key: audio.audio_path };

/**
 * A ZIP of one generation (`generation.json`, `audio.wav`, `versions/*.wav`), streamed from its
 * objects into the bucket, and a link to it. The archive's key names the generation's revision and
 * the profile's, so an unchanged generation reuses its last export.
 */
export async function exportGeneration(tenant: string, id: string): Promise<DownloadLink> {
  const item = await getGeneration(tenant, id);
  if (item.status !== "completed") throw notCompleted(item);
  const profile = await findProfileItem(tenant, item.profile_id);
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([SONNA_FORMAT_VERSION, item.rev, item.updated_at, profile?.updated_at ?? null]))
    .digest("base64url")
    .slice(0, 16);
  const key = objectKeys.exportArchive(tenant, `${item.id}-${fingerprint}`);
  const cached = await headObject(key);
  const size =
    cached && cached.lastModified.getTime() > Date.now() - REUSE_EXPORT_FOR_MS
      ? cached.size
      : (await writeZipToS3({ key, entries: generationEntries(item, profile) })).size;
  const filename = safeFilename(item.text);
  return { ...(await presignDownload(key, { filename, contentType: "application/zip" })), filename, size_bytes: size };
}

/**
 * A link to the generation's default audio as its original WAV bytes, named after its text.
 * Archived audio is restored first (within the request up to 100 MB); larger archived audio
 * answers with an `audio.restore` job, after which the same call gives the link.
 */
export async function exportAudio(tenant: string, id: string): Promise<DownloadLink | Job> {
  const item = await getGeneration(tenant, id);
  const audio = item.status === "completed" ? defaultAudio(item) : undefined;
  if (!audio) throw notCompleted(item);
  if (!isArchived(audio) && !(await headObject(audio.audio_path))) {
    throw new VisibleError(404, "audio.not_found", `The audio of generation ${item.id} is missing.`);
  }
  const key = await servedWavKey(audio, true);
  if (!key) return enqueueJob(tenant, "audio.restore", { generation_id: item.id, version_id: audio.id });
  const filename = safeFilename(item.text, ".wav");
  return { ...(await presignDownload(key, { filename, contentType: "audio/wav" })), filename, size_bytes: audio.size_bytes };
}
