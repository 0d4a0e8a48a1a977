import { data } from "./api.js";
import { putBlob, toBlob, type ByteSource, type Progress } from "./bytes.js";
import type { Context } from "./context.js";
import { SonnaApiError } from "./errors.js";
import { retrying } from "./retry.js";
import type { components } from "./schema.js";

export type Generation = components["schemas"]["Generation"];

export type UploadOptions = components["schemas"]["GenerationCreate"] & {
  /** The WAV: bytes, a Blob or File, a stream, or (Node) a file path. */
  audio: ByteSource;
  onProgress?: Progress;
  /**
   * Makes the whole upload safe to call again (after a crash, say): the same key answers the
   * generation it created, and one already completed is answered as it is. A fresh one by default,
   * which still covers every retry inside this call.
   */
  idempotencyKey?: string;
};

/** Creates a generation, PUTs its audio and completes it: one call for the API's three steps. */
export async function upload(context: Context, options: UploadOptions): Promise<Generation> {
  const { audio, onProgress, idempotencyKey = crypto.randomUUID(), ...settings } = options;
  const blob = await toBlob(audio);
  const created = await data(
    context.api.POST("/history", { body: settings, params: { header: { "idempotency-key": idempotencyKey } } }),
  );
  if (created.generation.status !== "pending") return created.generation;
  await putAudio(context, created.upload, blob, onProgress);
  return data(context.api.POST("/history/{id}/complete", { params: { path: { id: created.generation.id } } }));
}

/** PUTs `blob` to a presigned upload, retrying a busy bucket; throws what it refused. */
export async function putAudio(context: Context, target: components["schemas"]["Upload"], blob: Blob, onProgress?: Progress): Promise<void> {
  const response = await retrying(() => putBlob(context.fetch, target.url, target.headers, blob, onProgress), context.retry);
  if (!response.ok) throw await SonnaApiError.from(response);
  await response.body?.cancel();
}
