import { pipeline, type Readable } from "node:stream";
import { createGunzip, gzipSync } from "node:zlib";
import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { newId } from "../ids";
import { bucketName } from "../resources";
import { s3 } from "../storage/client";
import { objectKeys } from "../storage/keys";
import { streamUpload } from "../storage/stream-upload";
import { decodeLine, encodeLine, type IndexLine } from "./entry";

/** A segment as the manifest lists it: its object and how many lines (entries and tombstones) it holds. */
export interface SegmentRef {
  id: string;
  count: number;
}

/** Lines are gzipped in batches of this many, each batch one gzip member (a concatenation is one gzip stream). */
const LINES_PER_MEMBER = 2_000;

/**
 * Writes `lines` (ascending by id, one per id) as a new immutable segment object, streamed so a
 * merge of large segments holds one batch at a time. The object is only found through a manifest
 * that names it, so a crash before the manifest is written leaves an orphan and nothing else.
 */
export async function writeSegment(tenant: string, lines: AsyncIterable<IndexLine> | Iterable<IndexLine>): Promise<SegmentRef> {
  const id = newId();
  const upload = streamUpload(objectKeys.searchSegment(tenant, id), "application/gzip");
  let count = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length) await upload.write(gzipSync(batch.join("")));
    batch = [];
  };
  try {
    for await (const line of lines) {
      batch.push(`${encodeLine(line)}\n`);
      count++;
      if (batch.length === LINES_PER_MEMBER) await flush();
    }
    await flush();
    // An empty object is not a gzip stream: a segment always holds at least one member.
    if (count === 0) await upload.write(gzipSync(""));
    await upload.end();
  } catch (error) {
    await upload.abort();
    throw error;
  }
  return { id, count };
}

/** The GET of a segment, started at once so several download while the first is read. */
export const openSegment = (tenant: string, ref: SegmentRef): Promise<GetObjectCommandOutput> =>
  s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: objectKeys.searchSegment(tenant, ref.id) }));

/**
 * A segment's lines in its order (ascending id) as stored (JSON), decompressed as they stream in.
 * Split by hand rather than by readline, which costs more than the decompression itself.
 */
export async function* rawSegmentLines(response: Promise<GetObjectCommandOutput>): AsyncGenerator<string> {
  const body = (await response).Body as Readable;
  // pipeline, not pipe: a broken download fails the read instead of ending it early.
  const text = pipeline(body, createGunzip(), () => {}).setEncoding("utf8");
  let rest = "";
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const json of lines) if (json) yield json;
    }
    if (rest) yield rest;
  } finally {
    text.destroy();
    body.destroy();
  }
}

/** A segment's lines, parsed. */
export async function* readSegment(tenant: string, ref: SegmentRef): AsyncGenerator<IndexLine> {
  for await (const json of rawSegmentLines(openSegment(tenant, ref))) yield decodeLine(json);
}

/** Whether an S3 error says the object is gone (a compaction retired the segment meanwhile). */
export const segmentGone = (error: unknown): boolean => (error as { name?: string }).name === "NoSuchKey";
