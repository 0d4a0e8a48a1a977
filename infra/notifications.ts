import { bucket, prefixes } from "./bucket";
import { ARCHIVE_SUFFIX, importEventsFunction } from "./imports";
import { AUDIO_SUFFIX, uploadEventsFunction } from "./uploads";

/**
 * Every subscriber of the bucket, in one place: SST allows a single `notify` call per bucket (a
 * second one throws, and would replace the first's configuration). S3 refuses configurations
 * whose event types overlap unless their prefix or suffix filters are disjoint
 * (tests/infra.test.ts checks this). Audio the service writes under `t/` notifies nothing: it is
 * already inspected.
 */
export const bucketNotifications = [
  {
    // Every WAV created under uploads/: PUTs through presigned URLs (and POSTs, copies and
    // completed multipart uploads, should anything write there that way).
    name: "UploadEvents",
    function: uploadEventsFunction,
    events: ["s3:ObjectCreated:*"],
    filterPrefix: prefixes.uploads,
    filterSuffix: AUDIO_SUFFIX,
  },
  {
    // Import archives only: the suffix keeps out the entries an import stages next to its archive.
    name: "ImportEvents",
    function: importEventsFunction,
    events: ["s3:ObjectCreated:*"],
    filterPrefix: prefixes.imports,
    filterSuffix: ARCHIVE_SUFFIX,
  },
] satisfies sst.aws.BucketNotificationsArgs["notifications"];

export const bucketNotification = bucket.notify({ notifications: bucketNotifications });
