import { allowedOrigins } from "./auth";

/** Top-level key prefixes the lifecycle rules act on; packages/core/src/storage/keys.ts builds the keys. */
export const prefixes = {
  /** Export archives: fetched once through a presigned URL, then garbage. */
  exports: "exports/",
  /** Import uploads: unpacked into tenant keys right after upload, then garbage. */
  imports: "imports/",
  /** Audio uploads through presigned URLs, waiting to be inspected and copied under `t/`. */
  uploads: "uploads/",
  /** Everything of a tenant, mostly generated audio. */
  tenants: "t/",
  /** WAV copies restored from archived (FLAC) audio for presigned downloads: reused for a day, then garbage. */
  restored: "restored/",
  /**
   * Search index segments (packages/core/src/search): read whole by every text search, so kept
   * out of `t/` and its archive class; compaction deletes the ones no manifest lists.
   */
  search: "search/",
} as const;

/**
 * Uploads older than this are expired. Completion deletes an upload once its bytes are copied, so
 * what lingers is abandoned: a generation whose client vanished, or a second PUT nobody completes.
 * It must outlive reconcile's chance to complete a pending generation whose upload event was lost
 * (it acts on pending records older than a day, and the sweep runs daily: within two days), so
 * the upload is still there to be inspected; S3 expires at the midnight (UTC) after the age, so an
 * upload lives 3 to 4 days. An upload URL lives 15 minutes, but a client may call `complete` much
 * later, as long as reconcile has not failed the generation.
 */
export const UPLOAD_EXPIRY_DAYS = 3;

/**
 * Tenant objects older than this move to `AUDIO_ARCHIVE_STORAGE_CLASS`. Generations are mostly
 * replayed in their first weeks; after that, storage dominates the bill.
 */
export const AUDIO_ARCHIVE_AFTER_DAYS = 90;

/**
 * Glacier Instant Retrieval keeps millisecond GETs, so presigned downloads and ZIP exports keep
 * working unchanged, at roughly a sixth of STANDARD's storage price. The costs: a per-GB retrieval
 * fee, a 90-day minimum storage charge and a 128 KB minimum billable size (S3 does not transition
 * smaller objects at all by default). STANDARD_IA is the alternative if old audio turns out to be
 * read often. Never GLACIER or DEEP_ARCHIVE: their objects need a restore before any GET.
 */
export const AUDIO_ARCHIVE_STORAGE_CLASS = "GLACIER_IR";

/**
 * SST's `lifecycle` arg only expresses expirations, so the rules it cannot express are appended to
 * the `aws.s3.BucketLifecycleConfiguration` it creates (the bucket can only have one).
 */
const extraLifecycleRules = [
  {
    // Parts of abandoned multipart uploads are billed but invisible to ListObjects.
    id: "abort-incomplete-multipart-uploads",
    status: "Enabled",
    filter: {},
    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
  },
  {
    id: "archive-tenant-objects",
    status: "Enabled",
    filter: { prefix: prefixes.tenants },
    transitions: [{ days: AUDIO_ARCHIVE_AFTER_DAYS, storageClass: AUDIO_ARCHIVE_STORAGE_CLASS }],
  },
];

/** Private: no `access`, so SST blocks public ACLs and policies and denies non-HTTPS requests. */
export const bucket = new sst.aws.Bucket("Bucket", {
  // Browsers upload and download directly with presigned URLs; the ETag of each part is needed to
  // complete a multipart upload.
  cors: {
    allowOrigins: allowedOrigins,
    allowMethods: ["GET", "PUT", "HEAD"],
    allowHeaders: ["*"],
    exposeHeaders: ["ETag"],
    maxAge: "1 day",
  },
  lifecycle: [
    { id: "expire-exports", prefix: prefixes.exports, expiresIn: "1 day" },
    { id: "expire-imports", prefix: prefixes.imports, expiresIn: "1 day" },
    { id: "expire-uploads", prefix: prefixes.uploads, expiresIn: `${UPLOAD_EXPIRY_DAYS} days` },
    { id: "expire-restored", prefix: prefixes.restored, expiresIn: "1 day" },
  ],
  transform: {
    // SST only creates the lifecycle resource when `lifecycle` is non-empty, which it is above.
    lifecycle: (args) => {
      args.rules = $output(args.rules).apply((rules) => [...(rules ?? []), ...extraLifecycleRules]);
    },
  },
});
