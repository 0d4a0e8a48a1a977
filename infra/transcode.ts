import { FFMPEG_PACKAGE, nodejsBundle } from "./bundle";
import { bucket } from "./bucket";

/**
 * Transcodes stored WAVs to FLAC, MP3 and Opus (packages/core/src/audio/transcode.ts), invoked
 * synchronously by the API for audio up to `limits.transcodeInRequestMaxChannelSeconds` and by the jobs
 * worker for larger audio and bulk exports. A function of its own so that only it carries the
 * ffmpeg binary: the API's package and cold start stay as they were (docs/decisions.md).
 */
export const transcodeFunction = new sst.aws.Function("Transcode", {
  handler: "packages/functions/src/transcode.handler",
  nodejs: { ...nodejsBundle, install: [FFMPEG_PACKAGE] },
  runtime: "nodejs22.x",
  architecture: "arm64",
  // ffmpeg runs beside Node: 1,769 MB is one full vCPU, which a single-threaded encoder uses.
  memory: "1769 MB",
  // A job's transcode of a 1 GiB WAV; the API waits for small ones within its own 29 s.
  timeout: "15 minutes",
  // Reads audio and writes the transcoded copy. It writes no records and sends no events.
  link: [bucket],
});
