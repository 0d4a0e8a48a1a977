import { onUploadLanded } from "@sonna/core/uploads/landed";

/** The fields of an S3 event notification this handler reads (AWS and s3rver send the same shape). */
export interface S3EventNotification {
  Records?: { eventName?: string; s3?: { object?: { key?: string } } }[];
}

/** S3 notification keys are URL-encoded with `+` for spaces. */
const objectKey = (encoded: string) => decodeURIComponent(encoded.replace(/\+/g, " "));

/**
 * Subscribed to the bucket's ObjectCreated events: completes the pending generation or version an
 * upload belongs to, so a worker that dies after its PUT still ends with a completed generation.
 * Infrastructure errors throw so that Lambda retries the event.
 */
export async function handler(event: S3EventNotification): Promise<void> {
  for (const record of event.Records ?? []) {
    const key = record.s3?.object?.key;
    if (!key || !record.eventName?.startsWith("ObjectCreated")) continue;
    const { outcome, detail } = await onUploadLanded(objectKey(key));
    if (outcome !== "ignored") console.log(JSON.stringify({ level: "info", message: "upload landed", key: objectKey(key), outcome, detail }));
  }
}
