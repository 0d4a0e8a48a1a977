import { data, type Api } from "./api";
import { counting, type Progress } from "./bytes";
import type { Context } from "./context";
import { SonnaApiError } from "./errors";
import { retrying } from "./retry";

/**
 * What to download: a generation's audio (its default version's WAV), a generation's ZIP export,
 * or any download link the API answered (an export job's parts, a `DownloadLink`).
 */
export type DownloadSource = { audio: string } | { archive: string } | { url: string; filename?: string };

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
  return "audio" in source ? wavLink(context.api, source.audio) : data(context.api.GET("/history/{id}/export", { params: { path: { id: source.archive } }, headers: json }));
}

/** The link to a generation's WAV. Only other formats may answer with a job, so a WAV always has its link at once. */
export async function wavLink(api: Api, id: string): Promise<{ url: string; filename: string }> {
  const answer = await data(api.GET("/history/{id}/export-audio", { params: { path: { id } }, headers: { accept: "application/json" } }));
  if (!("url" in answer)) throw new Error(`export-audio answered a job (${answer.id}) for a WAV`);
  return answer;
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
