import { bucketEventFunction } from "./uploads";

/**
 * S3 ObjectCreated notifications for large imports: when an archive lands at
 * `imports/<seg>/<import id>.zip`, the same handler runs the import exactly as
 * `POST /history/imports/{id}/complete` would. A claim on the import record, renewed while the
 * import runs, lets only one of them run it; the other waits and answers the same result.
 */

/** Import archives end in this; the WAV entries an import stages under imports/ do not, so they notify nothing. */
export const ARCHIVE_SUFFIX = ".zip";

/**
 * Lambda's maximum. A 2 GiB archive streams out of S3, through the ZIP reader and back into S3 as
 * staged entries, then is copied into place: minutes, where the API's 29 s would cut it off.
 */
export const IMPORT_EVENTS_TIMEOUT = "15 minutes";

export const importEventsFunction = bucketEventFunction({
  timeout: IMPORT_EVENTS_TIMEOUT,
  // Lambda gives a full vCPU at 1,769 MB, and an import is one stream (inflate, CRC-32, WAV
  // checks): more memory buys no speed. Memory itself stays flat at the few 8 MiB upload parts in
  // flight, whatever the archive's size.
  memory: "1769 MB",
});
