import type { VisibleError } from "../errors";
import { streamUpload } from "../storage/stream-upload";
import { encoderArgs } from "./encode";
import { withTotalSamples } from "./flac-header";
import { runFfmpeg } from "./ffmpeg";
import { FORMATS, type AudioOptions } from "./formats";
import { openStoredWav, peekWav } from "./source";

/** What the transcode function is asked: encode the audio object `source` as `options` into `target`. */
export interface TranscodeRequest {
  source: string;
  target: string;
  options: AudioOptions;
}

export interface TranscodeResult {
  size_bytes: number;
}

/** What the transcode function answers: the result, or the refusal of audio the format cannot hold. */
export type TranscodeAnswer = TranscodeResult | { refused: Pick<VisibleError, "status" | "code" | "detail"> };

/** The audio object is gone (deleted since its record was read). */
export class SourceMissing extends Error {
  override name = "SourceMissing";
}

/**
 * Streams the stored WAV through ffmpeg into a multipart upload of `target`: memory stays at the
 * upload's parts and the pipes' buffers whatever the audio's length. A failure aborts the upload,
 * so `target` exists only complete.
 */
export async function transcode(request: TranscodeRequest): Promise<TranscodeResult> {
  const stored = await openStoredWav(request.source);
  if (!stored) throw new SourceMissing(`${request.source} is gone`);
  const { info, body } = await peekWav(stored);
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
    const frames = info.dataBytes / ((info.channels * info.bitsPerSample) / 8);
    for await (const chunk of request.options.format === "flac" ? withTotalSamples(encoded, frames) : encoded) {
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
