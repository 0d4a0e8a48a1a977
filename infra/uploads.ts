import { bucket, prefixes } from "./bucket";
import { table } from "./table";

/**
 * S3 ObjectCreated notifications: when a WAV lands under `uploads/`,
 * packages/functions/src/upload-events.ts completes the pending generation or version it was
 * uploaded for (inspect, copy the inspected bytes under `t/`, record), so a worker that dies after
 * its PUT (before its `complete` call) still ends with a completed generation. Completing twice is
 * harmless: whichever of the event and the `complete` call comes second finds the work done.
 */

/** Every upload key packages/core/src/storage/keys.ts builds ends in this. S3 filters are case-sensitive. */
export const AUDIO_SUFFIX = ".wav";

/**
 * Where Lambda puts upload events it gave up on, kept for the 14 days SQS allows. Each message is
 * Lambda's failure record: `requestPayload` is the original S3 event, so an event can be replayed
 * by invoking the function with it once the cause is fixed. Nothing consumes the queue on its own;
 * a message here means a generation stayed pending unless its client called `complete`.
 */
export const uploadEventsFailed = new sst.aws.Queue("UploadEventsFailed", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});

/**
 * S3 invokes the function asynchronously, so a thrown error (the handler only throws on
 * infrastructure failures; refused uploads are logged, not thrown) is retried by Lambda, not S3:
 * `retries: 2` (Lambda's maximum) retries after about 1 and then 2 more minutes, and throttled
 * events are kept for up to Lambda's default 6 hours. After that the event goes to
 * `uploadEventsFailed` instead of being dropped. SST only creates the FunctionEventInvokeConfig
 * when `retries` is set, so `retries` must stay set for the on-failure destination to exist; the
 * destination has no SST arg of its own, hence the transform. Lambda sends to it with the
 * function's role, hence `sqs:SendMessage` (linking the queue would grant `sqs:*`).
 */
export const uploadEventsFunction = {
  handler: "packages/functions/src/upload-events.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  // A HEAD, a ranged GET of a 64 KiB WAV header, a server-side copy (parts of 64 MiB, 8 at a time:
  // seconds for a gibibyte) and one DynamoDB transaction per record; the memory is mostly for CPU,
  // which shortens cold starts.
  memory: "512 MB",
  // Far above the work's seconds, so the SDK's own retries and backoff fit within one attempt.
  timeout: "60 seconds",
  // Grants the IAM permissions and passes the names that Resource.Table / Resource.Bucket read.
  link: [table, bucket],
  retries: 2,
  permissions: [{ actions: ["sqs:SendMessage"], resources: [uploadEventsFailed.arn] }],
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: uploadEventsFailed.arn } },
    },
  },
} satisfies sst.aws.FunctionArgs;

/**
 * Every subscriber of the bucket, in one place: SST allows a single `notify` call per bucket (a
 * second one throws, and would replace the first's configuration). A later subscriber, e.g. one for
 * `imports/`, is added to this list; S3 refuses configurations whose event types overlap unless
 * their prefix or suffix filters are disjoint (tests/infra.test.ts checks this).
 */
export const bucketNotifications = [
  {
    // Every WAV created under uploads/: PUTs through presigned URLs (and POSTs, copies and
    // completed multipart uploads, should anything write there that way). Audio the service
    // writes under t/ notifies nothing: it is already inspected.
    name: "UploadEvents",
    function: uploadEventsFunction,
    events: ["s3:ObjectCreated:*"],
    filterPrefix: prefixes.uploads,
    filterSuffix: AUDIO_SUFFIX,
  },
] satisfies sst.aws.BucketNotificationsArgs["notifications"];

export const bucketNotification = bucket.notify({ notifications: bucketNotifications });
