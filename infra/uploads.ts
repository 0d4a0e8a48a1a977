import { nodejsBundle } from "./bundle";
import { bucket } from "./bucket";
import { table } from "./table";
import { webhookQueue } from "./webhooks";

/**
 * S3 ObjectCreated notifications for uploads: when a WAV lands under `uploads/`,
 * packages/functions/src/upload-events.ts completes the pending generation or version it was
 * uploaded for (inspect, copy the inspected bytes under `t/`, record), so a worker that dies after
 * its PUT (before its `complete` call) still ends with a completed generation. Completing twice is
 * harmless: whichever of the event and the `complete` call comes second finds the work done.
 */

/** Every upload key packages/core/src/storage/keys.ts builds ends in this. S3 filters are case-sensitive. */
export const AUDIO_SUFFIX = ".wav";

/**
 * Where Lambda puts bucket events it gave up on (uploads and imports), kept for the 14 days SQS
 * allows. Each message is Lambda's failure record: `requestPayload` is the original S3 event, so
 * an event can be replayed by invoking its function with it once the cause is fixed. Nothing
 * consumes the queue on its own; a message here means a generation, version or import stayed
 * pending unless its client called `complete`.
 */
export const uploadEventsFailed = new sst.aws.Queue("UploadEventsFailed", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});

/**
 * A function S3 invokes with bucket events. S3 invokes asynchronously, so a thrown error (the
 * handler only throws on infrastructure failures; refused uploads are logged, not thrown) is
 * retried by Lambda, not S3: `retries: 2` (Lambda's maximum) retries after about 1 and then 2 more
 * minutes, and throttled events are kept for up to Lambda's default 6 hours. After that the event
 * goes to `uploadEventsFailed` instead of being dropped. SST only creates the
 * FunctionEventInvokeConfig when `retries` is set, so `retries` must stay set for the on-failure
 * destination to exist; the destination has no SST arg of its own, hence the transform. Lambda
 * sends to it with the function's role, hence `sqs:SendMessage` (linking the queue would grant `sqs:*`).
 */
export const bucketEventFunction = (sizing: Pick<sst.aws.FunctionArgs, "memory" | "timeout">) =>
  ({
    handler: "packages/functions/src/upload-events.handler",
    nodejs: nodejsBundle,
    runtime: "nodejs22.x",
    architecture: "arm64",
    ...sizing,
    // Grants the IAM permissions and passes the names that Resource.Table / Resource.Bucket read;
    // completions and imports nudge webhook dispatchers (Resource.Webhooks.url).
    link: [table, bucket, webhookQueue],
    retries: 2,
    permissions: [{ actions: ["sqs:SendMessage"], resources: [uploadEventsFailed.arn] }],
    transform: {
      eventInvokeConfig: {
        destinationConfig: { onFailure: { destination: uploadEventsFailed.arn } },
      },
    },
  }) satisfies sst.aws.FunctionArgs;

export const uploadEventsFunction = bucketEventFunction({
  // A HEAD, a ranged GET of a 64 KiB WAV header, a server-side copy (parts of 64 MiB, 8 at a time:
  // seconds for a gibibyte) and one DynamoDB transaction per record; the memory is mostly for CPU,
  // which shortens cold starts.
  memory: "512 MB",
  // Far above the work's seconds, so the SDK's own retries and backoff fit within one attempt.
  timeout: "60 seconds",
});
