import type { StoredAudio } from "../archival/original";
import type { VisibleError } from "../errors";
import { streamUpload } from "../storage/stream-upload";
import { encoderArgs } from "./encode";
import { withTotalSamples } from "./flac-header";
import { frameCount } from "../wav/inspect";
import { runFfmpeg } from "./ffmpeg";
import { FORMATS, type AudioOptions } from "./formats";
import { openStoredWav, peekWav } from "./source";

/** What the transcode function is asked: encode the stored audio `source` (archived or not) as `options` into `target`. */
export interface TranscodeRequest {
  source: StoredAudio;
  target: string;
  options: AudioOptions;
}

export interface TranscodeResult {
  size_bytes: number;
}

/** What the transcode function answers: the result, or the refusal of audio the format cannot hold. */
export type TranscodeAnswer = TranscodeResult | { refused: Pick<VisibleError, "status" | "code" | "detail"> };

/**
 * Streams the stored WAV through ffmpeg into a multipart upload of `target`: memory stays at the
 * upload's parts and the pipes' buffers whatever the audio's length. A failure aborts the upload,
 * so `target` exists only complete.
 */
export async function transcode(request: TranscodeRequest): Promise<TranscodeResult> {
  const { info, body } = await peekWav(await openStoredWav(request.source));
  let args: string[];
  try {
    args = encoderArgs(info, request.options);
  } catch (error) {
    body.destroy();
    throw error;
  }
  const run = runFfmpeg(args, body);
  const upload = streamUpload(request.target, FORMATS[request.options.format].contentType);
  let size = 0;
  try {
    const encoded = run.output as AsyncIterable<Buffer>;
    for await (const chunk of request.options.format === "flac" ? withTotalSamples(encoded, frameCount(info)) : encoded) {
      size += chunk.length;
      await upload.write(chunk);
    }
    await run.finished;
    await upload.end();
  } catch (error) {
    run.output.destroy();
    body.destroy();
    await upload.abort();
    throw error;
  }
  return { size_bytes: size };
}
