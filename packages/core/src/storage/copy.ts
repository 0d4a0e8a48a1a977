import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { s3 } from "./client";
import { isStatus, SourceChanged } from "./objects";
import { eachInParallel } from "../parallel";
import { bucketName } from "../resources";

/**
 * Objects up to this size are copied with one CopyObject, larger ones in parts of this size. One
 * CopyObject of a gibibyte takes tens of seconds on S3, past what an API request may last (30 s);
 * 16 parts of 64 MiB, 8 at a time, take a few seconds.
 */
export const COPY_PART_BYTES = 64 * 1024 * 1024;
const COPY_CONCURRENCY = 8;
/** S3's smallest part (the last one aside). */
const MIN_PART_BYTES = 5 * 1024 * 1024;

export interface CopyOptions {
  /**
   * The ETag the source must still have. S3 checks it atomically on CopyObject and on every
   * UploadPartCopy, so the copy holds exactly those bytes or fails with SourceChanged.
   * s3rver 3.7.1 ignores x-amz-copy-source-if-match: locally a racing PUT is not caught here.
   */
  ifMatch?: string;
  /** The source's size; without it the copy is one CopyObject. */
  size?: number;
  /** Tests pass a small part size to exercise the multipart path. */
  partBytes?: number;
}

const copySource = (key: string) => `${bucketName()}/${key.split("/").map(encodeURIComponent).join("/")}`;

/** A server-side copy: the bytes never pass through this process. */
export async function copyObject(sourceKey: string, destKey: string, options: CopyOptions = {}): Promise<void> {
  const partBytes = Math.max(options.partBytes ?? COPY_PART_BYTES, MIN_PART_BYTES);
  try {
    if (options.size !== undefined && options.size > partBytes) {
      await copyInParts(sourceKey, destKey, options.size, partBytes, options.ifMatch);
    } else {
      await copyWhole(sourceKey, destKey, options.ifMatch);
    }
  } catch (error) {
    if (isStatus(error, "PreconditionFailed", 412) || (error as { name?: string }).name === "NoSuchKey") {
      throw new SourceChanged(`${sourceKey} changed while it was being copied`);
    }
    throw error;
  }
}

const copyWhole = async (sourceKey: string, destKey: string, ifMatch: string | undefined) => {
  await s3.send(new CopyObjectCommand({ Bucket: bucketName(), Key: destKey, CopySource: copySource(sourceKey), CopySourceIfMatch: ifMatch }));
};

async function copyInParts(sourceKey: string, destKey: string, size: number, partBytes: number, ifMatch: string | undefined) {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucketName(), Key: destKey }));
  const ranges = Array.from({ length: Math.ceil(size / partBytes) }, (_, i) => `bytes=${i * partBytes}-${Math.min(size, (i + 1) * partBytes) - 1}`);
  const etags: string[] = [];
  try {
    await eachInParallel(ranges, COPY_CONCURRENCY, async (range, i) => {
      const { CopyPartResult } = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucketName(),
          Key: destKey,
          UploadId,
          PartNumber: i + 1,
          CopySource: copySource(sourceKey),
          CopySourceRange: range,
          CopySourceIfMatch: ifMatch,
        }),
      );
      etags[i] = CopyPartResult?.ETag ?? "";
    });
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucketName(),
        Key: destKey,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (error) {
    // s3rver answers AbortMultipartUpload with MethodNotAllowed; on S3 a failed abort leaves
    // parts that the bucket's lifecycle aborts after a day.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucketName(), Key: destKey, UploadId })).catch(() => {});
    // s3rver 3.7.1 has no UploadPartCopy (NotImplemented); S3 always has. One CopyObject, a
    // file copy there, keeps `npm start` working for big files.
    if (isStatus(error, "NotImplemented", 501)) return copyWhole(sourceKey, destKey, ifMatch);
    throw error;
  }
}
