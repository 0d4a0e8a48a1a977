import { log, withObservability } from "@sonna/core/observability";
import { onUploadLanded } from "@sonna/core/uploads/landed";

/** The fields of an S3 event notification this handler reads (AWS and s3rver send the same shape). */
export interface S3EventNotification {
  Records?: { eventName?: string; s3?: { object?: { key?: string } } }[];
}

/** Kept back from the function's time to hand a waited-for import back and log before Lambda stops us. */
const ANSWER_MARGIN_MS = 10_000;
/** Outside Lambda nothing stops us: wait as long as the import function's timeout would allow. */
const LOCAL_WAIT_MS = 15 * 60 * 1000;

/** S3 notification keys are URL-encoded with `+` for spaces. */
const objectKey = (encoded: string) => decodeURIComponent(encoded.replace(/\+/g, " "));

/**
 * Subscribed to the bucket's ObjectCreated events for uploads and import archives (two functions
 * on AWS, with the import one's long timeout; one listener locally): completes the pending
 * generation, version or import the object was uploaded for, so a client that dies after its PUT
 * still ends with its generation. An import someone else is running is waited for, and taken over
 * if its holder dies. Infrastructure errors throw so that Lambda retries the event.
 */
export const handler = withObservability(async (event: S3EventNotification, context): Promise<void> => {
  for (const record of event.Records ?? []) {
    const key = record.s3?.object?.key;
    if (!key || !record.eventName?.startsWith("ObjectCreated")) continue;
    const waitMs = context ? context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : LOCAL_WAIT_MS;
    const { outcome, detail } = await onUploadLanded(objectKey(key), { waitMs });
    if (outcome !== "ignored") log.info("upload landed", { key: objectKey(key), outcome, detail });
  }
});
