import { createApi, type Api, type ClientOptions } from "./api.js";
import type { ByteSource, Progress } from "./bytes.js";
import { changePages, changes, type ChangesOptions } from "./changes.js";
import type { Context } from "./context.js";
import { audioLink, download, type AudioChoice, type DownloadSource, type DownloadTarget } from "./download.js";
import { importArchive, type ImportOptions } from "./imports.js";
import { connectionErrors } from "./errors.js";
import { waitForJob, type WaitOptions } from "./jobs.js";
import { deliveries, generations, trash } from "./pages.js";
import { upload, type UploadOptions } from "./upload.js";

/** The typed endpoints (`api`) and the helpers every integration would otherwise write. */
export function createSonnaClient(options: ClientOptions) {
  const fetch = connectionErrors(options.fetch ?? globalThis.fetch);
  const context: Context = { api: createApi({ ...options, fetch }), fetch, retry: options.retry ?? {} };
  return {
    api: context.api as Api,
    upload: (input: UploadOptions) => upload(context, input),
    /** Every generation matching the list filters, fetched page by page. */
    generations: (query?: Parameters<typeof generations>[1]) => generations(context, query),
    trash: (query?: Parameters<typeof trash>[1]) => trash(context, query),
    deliveries: (webhookId: string, query?: Parameters<typeof deliveries>[2]) => deliveries(context, webhookId, query),
    waitForJob: (id: string, wait?: WaitOptions) => waitForJob(context, id, wait),
    download: (source: DownloadSource, to: DownloadTarget, onProgress?: Progress) => download(context, source, to, onProgress),
    /** The presigned link to a generation's audio (waiting for a restore job when archived audio needs one). */
    audioLink: (id: string, choice?: AudioChoice) => audioLink(context, id, choice),
    importArchive: (archive: ByteSource, imports?: ImportOptions) => importArchive(context, archive, imports),
    changes: (feed?: ChangesOptions) => changes(context, feed),
    /** The change feed a page at a time (`changes` takes them one by one). */
    changePages: (feed?: ChangesOptions) => changePages(context, feed),
  };
}

export type SonnaClient = ReturnType<typeof createSonnaClient>;
