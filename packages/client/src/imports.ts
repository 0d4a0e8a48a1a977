import { data } from "./api.js";
import { toBlob, type ByteSource, type Progress } from "./bytes.js";
import type { Context } from "./context.js";
import { putAudio, type Generation } from "./upload.js";

/**
 * The largest archive sent in the request itself: POST /history/import takes a body of up to
 * 4,706,304 bytes, less room for the multipart framing and the profile id.
 */
export const IN_REQUEST_IMPORT_MAX_BYTES = 4_706_304 - 8 * 1024;

export interface ImportOptions {
  /** Import into this profile; else the archive's own, one of the same name, or a new one. */
  profile_id?: string;
  onProgress?: Progress;
  /** Overrides IN_REQUEST_IMPORT_MAX_BYTES (a smaller gateway limit, or tests). */
  inRequestMaxBytes?: number;
}

/** Imports a ZIP (our export, Voicebox's, or seed-shaped): in the request when it fits, else by upload. */
export async function importArchive(context: Context, archive: ByteSource, options: ImportOptions = {}): Promise<Generation> {
  const { profile_id, onProgress, inRequestMaxBytes = IN_REQUEST_IMPORT_MAX_BYTES } = options;
  const blob = await toBlob(archive);
  if (blob.size <= inRequestMaxBytes) {
    const imported = await data(
      context.api.POST("/history/import", {
        body: { file: blob, ...(profile_id ? { profile_id } : {}) },
        bodySerializer: ({ file, profile_id: profile }) => {
          const form = new FormData();
          form.set("file", file as Blob, "archive.zip");
          if (profile) form.set("profile_id", profile);
          return form;
        },
      }),
    );
    onProgress?.(blob.size, blob.size);
    return imported;
  }
  const started = await data(context.api.POST("/history/imports", { body: profile_id ? { profile_id } : {} }));
  await putAudio(context, started.upload, blob, onProgress);
  // Retried while the archive's own notification is still importing it (409 import.in_progress).
  return data(context.api.POST("/history/imports/{import_id}/complete", { params: { path: { import_id: started.import_id } } }));
}
