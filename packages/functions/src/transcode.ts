import { transcode, type TranscodeRequest, type TranscodeAnswer } from "@sonna/core/audio/transcode";
import { VisibleError } from "@sonna/core/errors";

/**
 * The transcode function: invoked synchronously by the API (small files) and by the jobs worker
 * (large files, bulk exports in a format). It alone carries the ffmpeg binary. A refusal travels
 * back as data, so the caller answers it as its own (packages/core/src/audio/invoke.ts).
 */
export async function handler(request: TranscodeRequest): Promise<TranscodeAnswer> {
  try {
    return await transcode(request);
  } catch (error) {
    if (error instanceof VisibleError) return { refused: { status: error.status, code: error.code, detail: error.detail } };
    throw error;
  }
}
