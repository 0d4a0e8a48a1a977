import type { AudioWork, RestoreAnswer } from "@sonna/core/audio/invoke";
import { transcode, type TranscodeAnswer } from "@sonna/core/audio/transcode";
import { restoreCopy } from "@sonna/core/archival/restore";
import { VisibleError } from "@sonna/core/errors";

/**
 * The transcode function: the ffmpeg work the API and the jobs worker wait for (transcodes of
 * small files, restores of archived audio within a request). It alone of the functions the API
 * invokes carries the ffmpeg binary. A refusal travels back as data, so the caller answers it as
 * its own (packages/core/src/audio/invoke.ts).
 */
export async function handler(work: AudioWork): Promise<TranscodeAnswer | RestoreAnswer> {
  try {
    return "restore" in work ? { key: await restoreCopy(work.restore) } : await transcode(work);
  } catch (error) {
    if (error instanceof VisibleError) return { refused: { status: error.status, code: error.code, detail: error.detail } };
    throw error;
  }
}
