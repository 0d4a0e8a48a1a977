import { data } from "./api.js";
import { counting, type Progress } from "./bytes.js";
import type { Context } from "./context.js";
import { SonnaApiError } from "./errors.js";
import { waitForJob } from "./jobs.js";
import { retrying } from "./retry.js";
import type { paths } from "./schema.js";

/** Which audio and in what form: `format` (wav, flac, mp3, opus), `bitrate` (mp3, opus), `version_id`. */
export type AudioChoice = NonNullable<paths["/history/{id}/export-audio"]["get"]["parameters"]["query"]>;

/**
 * What to download: a generation's audio (its default version's WAV, or the choice given), a
 * generation's ZIP export, or any download link the API answered (an export job's parts, a `DownloadLink`).
 */
export type DownloadSource = ({ audio: string } & AudioChoice) | { archive: string } | { url: string; filename?: string };

/** Where the bytes go: (Node) a file path, a web WritableStream, or a Node Writable. */
export type DownloadTarget = string | WritableStream<Uint8Array> | NodeJS.WritableStream;

export interface Downloaded {
  filename: string | undefined;
  bytes: number;
}

export async function download(context: Context, source: DownloadSource, to: DownloadTarget, onProgress?: Progress): Promise<Downloaded> {
  const link = await linkOf(context, source);
  const response = await retrying(() => context.fetch(link.url), context.retry);
  if (!response.ok || !response.body) throw await SonnaApiError.from(response);
  const total = Number(response.headers.get("content-length") ?? NaN);
  const counter = counting(Number.isFinite(total) ? total : undefined, onProgress);
  await writeTo(response.body.pipeThrough(counter.stream), to);
  return { filename: link.filename, bytes: counter.sent() };
}

/** The presigned link behind a source: the export routes answer it as JSON when asked to. */
async function linkOf(context: Context, source: DownloadSource): Promise<{ url: string; filename?: string | undefined }> {
  if ("url" in source) return source;
  const json = { accept: "application/json" };
  if ("audio" in source) {
    const { audio, ...choice } = source;
    return audioLink(context, audio, choice);
  }
  return data(context.api.GET("/history/{id}/export", { params: { path: { id: source.archive } }, headers: json }));
}

/**
 * The link to a generation's audio, in the format chosen. Audio too large to restore (archived) or
 * transcode within a request answers with the job doing it first: the link is asked for again once
 * it has succeeded, and is then a presign of what the job made.
 */
export async function audioLink(context: Context, id: string, choice: AudioChoice = {}) {
  const ask = () => data(context.api.GET("/history/{id}/export-audio", { params: { path: { id }, query: choice }, headers: { accept: "application/json" } }));
  const first = await ask();
  if ("url" in first) return first;
  const job = await waitForJob(context, first.id);
  if (job.status === "failed") throw new Error(`Preparing the audio of ${id} (${job.type}) failed: ${job.error ?? "no reason given"}`);
  const link = await ask();
  if (!("url" in link)) throw new Error(`The audio of ${id} was prepared but is not ready yet; try again.`);
  return link;
}

async function writeTo(body: ReadableStream<Uint8Array>, to: DownloadTarget): Promise<void> {
  if (to instanceof WritableStream) return body.pipeTo(to);
  const [{ pipeline }, { Readable }] = await Promise.all([import("node:stream/promises"), import("node:stream")]);
  const readable = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  if (typeof to !== "string") return pipeline(readable, to);
  // Written beside the target and renamed, so a broken download never leaves a partial file under its name.
  const [{ createWriteStream }, { rename, rm }] = await Promise.all([import("node:fs"), import("node:fs/promises")]);
  const partial = `${to}.partial`;
  try {
    await pipeline(readable, createWriteStream(partial));
    await rename(partial, to);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
