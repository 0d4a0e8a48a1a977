import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RangeSource } from "../archive/read";
import { s3 } from "./client";
import { log } from "../observability";
import { bucketName } from "../resources";

export interface ObjectHead {
  size: number;
  etag: string;
  lastModified: Date;
}

export async function headObject(key: string): Promise<ObjectHead | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }));
    return { size: head.ContentLength ?? 0, etag: head.ETag ?? "", lastModified: head.LastModified ?? new Date(0) };
  } catch (error) {
    if (isStatus(error, "NotFound", 404)) return undefined;
    throw error;
  }
}

/**
 * Exports, transcodes and restored copies expire from the bucket a day after they are written; one
 * is reused only while a link to it outlives its URL.
 */
const REUSE_DAY_OBJECT_FOR_MS = 23 * 3600 * 1000;

/** The size of `key`, one of those day-long objects, if it was written recently enough to hand out again. */
export async function freshObjectSize(key: string): Promise<number | undefined> {
  const head = await headObject(key);
  return head && head.lastModified.getTime() > Date.now() - REUSE_DAY_OBJECT_FOR_MS ? head.size : undefined;
}

/** The first `length` bytes of exactly the object version `etag` names. */
export async function readObjectStart(key: string, etag: string, length: number): Promise<Uint8Array> {
  try {
    const response = await s3.send(
      new GetObjectCommand({ Bucket: bucketName(), Key: key, Range: `bytes=0-${length - 1}`, IfMatch: etag }),
    );
    return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
  } catch (error) {
    throw changedOr(key, error);
  }
}

/**
 * Exactly the object version `etag` names, read by ranged GETs (an archive's reader jumps to its
 * directory, then to each entry). Aborting `signal` fails the GET or the body in flight.
 */
export function objectRanges(key: string, head: ObjectHead, signal?: AbortSignal): RangeSource {
  return {
    size: head.size,
    read(start, end) {
      const out = new PassThrough();
      s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key, Range: `bytes=${start}-${end - 1}`, IfMatch: head.etag }), { abortSignal: signal })
        .then(({ Body }) => pipeline(Body as Readable, out, { signal }))
        .catch((error: unknown) => out.destroy(changedOr(key, error) as Error));
      return out;
    },
  };
}

// S3 answers 412 when the object was written again since `etag` was seen (s3rver ignores If-Match).
const changedOr = (key: string, error: unknown) =>
  isStatus(error, "PreconditionFailed", 412) ? new SourceChanged(`${key} changed while it was being read`) : error;

/** The object is no longer the version an ETag named: someone wrote it again, or deleted it, meanwhile. */
export class SourceChanged extends Error {
  override name = "SourceChanged";
}

export const isStatus = (error: unknown, name: string, status: number) =>
  (error as { name?: string }).name === name || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === status;

/**
 * Deletes objects no record will use again: the audio of records that are already gone, spent or
 * late uploads, a completion's losing copy. The request has done its job by then, so a storage
 * failure here is logged, not answered: what is left is an orphan, which the reconcile sweep (and,
 * for uploads, the bucket's expiry) removes.
 */
export async function deleteObjectsOfGoneRecords(objectKeys: string[]): Promise<void> {
  try {
    await deleteObjects(objectKeys);
  } catch (error) {
    log.warn("objects left for reconcile", { keys: objectKeys.slice(0, 20), error });
  }
}

/** Deletes up to any number of keys, 1,000 per request; keys that are already gone are fine. */
export async function deleteObjects(objectKeys: string[]): Promise<void> {
  for (let i = 0; i < objectKeys.length; i += 1000) {
    const batch = objectKeys.slice(i, i + 1000);
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucketName(),
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    if (result.Errors?.length) {
      const first = result.Errors[0];
      throw new Error(`S3 refused to delete ${result.Errors.length} objects, first ${first?.Key}: ${first?.Code}`);
    }
  }
}
