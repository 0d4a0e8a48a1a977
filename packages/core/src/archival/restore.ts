import { createHash } from "node:crypto";
import { getGeneration } from "../generations/repo";
import { limits } from "../limits";
import { restoredCopyOf } from "../storage/keys";
import { deleteObjectsOfGoneRecords, freshObjectSize } from "../storage/objects";
import { streamUpload } from "../storage/stream-upload";
import { openOriginalWav, type StoredAudio } from "./original";

/** The restored copy of archived audio, if one was written recently enough to hand out (one HEAD). */
async function freshRestoredCopy(audio: StoredAudio): Promise<string | undefined> {
  const key = restoredCopyOf(audio.audio_path);
  return (await freshObjectSize(key)) === audio.size_bytes ? key : undefined;
}

/**
 * Writes the original WAV bytes of archived audio to its restored-copy key (multipart, streamed)
 * and checks them against the SHA-256 recorded when it was archived; a copy that differs is
 * deleted, never served.
 */
export async function restoreCopy(audio: StoredAudio): Promise<string> {
  const key = restoredCopyOf(audio.audio_path);
  const upload = streamUpload(key);
  const hash = createHash("sha256");
  try {
    for await (const chunk of (await openOriginalWav(audio)) as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await upload.write(chunk);
    }
    await upload.end();
  } catch (error) {
    await upload.abort();
    throw error;
  }
  if (hash.digest("hex") !== audio.archive?.sha256) {
    await deleteObjectsOfGoneRecords([key]);
    throw new Error(`the restore of ${audio.audio_path} differs from the archived WAV's SHA-256`);
  }
  return key;
}

/**
 * The WAV object a download of `audio` presigns: the audio itself when it is stored as WAV, else
 * its restored copy, restored now when `restore` allows it and it is at most 100 MB. Undefined when
 * a job has to restore it first (or the caller chose not to restore).
 */
export async function servedWavKey(audio: StoredAudio, restore: boolean): Promise<string | undefined> {
  if (audio.archive?.state !== "flac") return audio.audio_path;
  const fresh = await freshRestoredCopy(audio);
  if (fresh) return fresh;
  if (!restore || audio.size_bytes > limits.restoreInRequestBytes) return undefined;
  // ffmpeg runs in the transcode function, not in the API's.
  const { runRestore } = await import("../audio/invoke");
  return runRestore(audio);
}

/**
 * The `audio.restore` job: restores a version's archived audio (the original is one) for downloads
 * too large to restore within a request. Nothing to do when it is not archived (any more) or a
 * fresh copy exists.
 */
export async function restoreVersion(tenant: string, generationId: string, versionId: string): Promise<{ restored: boolean }> {
  const audio = (await getGeneration(tenant, generationId)).versions.find((v) => v.id === versionId);
  if (audio?.archive?.state !== "flac" || (await freshRestoredCopy(audio))) return { restored: false };
  await restoreCopy(audio);
  return { restored: true };
}
