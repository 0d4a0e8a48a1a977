/**
 * Streams a ZIP built from JSON values and S3 objects straight into another S3 object.
 *
 * Memory stays flat whatever the size: the archive is an async generator that reads the next
 * chunk of the source object only when lib-storage's `Upload` pulls for more, so a full upload
 * queue stops the GetObject stream (TCP backpressure) instead of buffering it. What is held at
 * once is about (queueSize + 1) parts plus the Readable's high-water mark: bench/zip-memory.ts
 * measured 60-75 MiB of peak RSS growth for both a 200 MB and a 1 GB WAV, as for a plain
 * streamed copy of the same object.
 *
 * Size cap: fflate writes no ZIP64 records (sizes and offsets are 32-bit and would silently wrap
 * past 4 GiB), so an archive must stay under 4 GiB; the product cap is 2 GiB, the same as the
 * reader's default, so whatever is exported can be imported again. Both are checked from the
 * sources' sizes before anything is uploaded.
 *
 * On failure lib-storage aborts the multipart upload (`leavePartsOnError: false`); nothing else is
 * deleted, and an object already at `key` is left as it was, since an upload only replaces it
 * when it completes.
 */
import { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from "fflate";
import { s3 } from "../storage/client";
import { VisibleError } from "../errors";
import { bucketName } from "../resources";
import { isDirectoryName, nameKey, showName, unsafeNameReason } from "./names";
import { DEFAULT_READ_LIMITS } from "./read";

const MiB = 1024 ** 2;

/** The product cap on an export (and, by default, on an import). */
export const ARCHIVE_MAX_BYTES = 2 * 1024 ** 3;
/** Without ZIP64, no size or offset in an archive may exceed this. */
export const ZIP32_MAX_BYTES = 0xffffffff;
/** Parts of 8 MiB keep a 2 GiB archive at 256 parts, well inside S3's 10,000. */
export const UPLOAD_PART_BYTES = 8 * MiB;
const UPLOAD_QUEUE_SIZE = 2;
const READ_AHEAD_BYTES = 1 * MiB;

export type ZipEntryInput =
  /** Serialized with 2-space indent and deflated. `mtime` defaults to the time of the export. */
  | { name: string; kind: "json"; data: unknown; mtime?: Date }
  /** Streamed from the bucket and stored as is (audio barely compresses). `mtime` defaults to its LastModified. */
  | { name: string; kind: "object"; key: string; mtime?: Date }
  /** Stored as is from a stream that gives exactly `size` bytes (archived audio, restored as it is read). */
  | { name: string; kind: "stream"; size: number; open: () => Promise<Readable>; mtime?: Date };

export interface WriteZipOptions {
  /** Destination key in the bucket. */
  key: string;
  /** In archive order. */
  entries: readonly ZipEntryInput[];
  /** Default "application/zip". */
  contentType?: string;
  /** Default ARCHIVE_MAX_BYTES; never above ZIP32_MAX_BYTES. */
  maxBytes?: number;
  /**
   * Default: what a single-generation import accepts, so every export can be imported again.
   * Bulk exports, which are not meant for re-import, raise them.
   */
  maxEntries?: number;
  maxJsonBytes?: number;
}

type Planned =
  | { name: string; kind: "json"; bytes: Uint8Array; mtime: Date }
  | { name: string; kind: "object"; key: string; etag: string; size: number; mtime: Date }
  | { name: string; kind: "stream"; size: number; open: () => Promise<Readable>; mtime: Date };

/**
 * Writes the entries as a ZIP to `key`.
 *
 * @returns the archive's size in bytes
 * @throws VisibleError 413 `archive.too_large` before uploading anything if the archive would
 *   exceed `maxBytes`; 404 `archive.source_missing` if an object entry's key does not exist (or
 *   stops existing); 409 `archive.source_changed` if an object is overwritten during the export
 */
export async function writeZipToS3(options: WriteZipOptions): Promise<{ size: number }> {
  const maxBytes = Math.min(options.maxBytes ?? ARCHIVE_MAX_BYTES, ZIP32_MAX_BYTES);
  const plan = await planEntries(options.entries, new Date(), {
    maxEntries: options.maxEntries ?? DEFAULT_READ_LIMITS.maxEntries,
    maxJsonBytes: options.maxJsonBytes ?? DEFAULT_READ_LIMITS.maxJsonBytes,
  });
  const bound = sizeBound(plan);
  if (bound > maxBytes) {
    throw new VisibleError(
      413,
      "archive.too_large",
      `The export would be about ${Math.ceil(bound / MiB)} MiB; archives are capped at ${Math.floor(maxBytes / MiB)} MiB.`,
    );
  }

  const run: Run = { size: 0 };
  const body = Readable.from(guard(zipStream(plan, run, maxBytes), run), {
    objectMode: false,
    highWaterMark: READ_AHEAD_BYTES,
  });
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucketName(), Key: options.key, Body: body, ContentType: options.contentType ?? "application/zip" },
    partSize: UPLOAD_PART_BYTES,
    queueSize: UPLOAD_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  await finishUpload(upload, body, run);
  return { size: run.size };
}

/**
 * Copies an object to another key by streaming it through this process, the way writeZipToS3
 * does but without the ZIP: the baseline its speed and memory are compared with.
 */
export async function copyObjectStream(sourceKey: string, destKey: string): Promise<{ size: number }> {
  const run: Run = { size: 0 };
  const response = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: sourceKey }));
  const source = response.Body as Readable;
  run.source = source;
  const body = Readable.from(guard(source, run), { objectMode: false, highWaterMark: READ_AHEAD_BYTES });
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucketName(), Key: destKey, Body: body, ContentType: response.ContentType },
    partSize: UPLOAD_PART_BYTES,
    queueSize: UPLOAD_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  await finishUpload(upload, body, run);
  return { size: run.size };
}

/** One transfer's state, shared by the generator that produces the body and the code awaiting the upload. */
interface Run {
  /** The GetObject stream being read, to close if the upload fails. */
  source?: Readable;
  /** The first error raised while producing the body. */
  failure?: Error;
  /** Bytes handed to the upload. */
  size: number;
}

async function finishUpload(upload: Upload, body: Readable, run: Run) {
  try {
    await upload.done();
  } catch (error) {
    // An upload that failed on its own leaves the generator suspended and the source open.
    body.destroy();
    run.source?.destroy();
    // lib-storage reports the abort's own failure instead when AbortMultipartUpload fails (s3rver
    // refuses it), which would hide why the export failed.
    const failure = run.failure ?? error;
    if (failure instanceof Error && failure !== error && failure.cause === undefined) failure.cause = error;
    throw failure;
  }
}

/** Counts what reaches the upload and remembers the first error raised while producing it. */
async function* guard(chunks: AsyncIterable<Uint8Array>, run: Run): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of chunks) {
      run.size += chunk.length;
      yield chunk;
    }
  } catch (error) {
    run.failure ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  }
}

/** HeadObject calls in flight while planning; a bulk export has thousands of entries. */
const PLAN_CONCURRENCY = 16;

async function planEntries(
  entries: readonly ZipEntryInput[],
  now: Date,
  caps: { maxEntries: number; maxJsonBytes: number },
): Promise<Planned[]> {
  if (entries.length > caps.maxEntries) {
    throw new RangeError(`An archive holds at most ${caps.maxEntries} entries; got ${entries.length}.`);
  }
  const keys = new Set<string>();
  for (const entry of entries) {
    const reason = unsafeNameReason(entry.name) ?? (isDirectoryName(entry.name) ? "it names a directory" : null);
    if (reason) throw new RangeError(`Entry name ${showName(entry.name)} would be refused on import: ${reason}.`);
    const key = nameKey(entry.name);
    if (keys.has(key)) throw new RangeError(`Entry name ${showName(entry.name)} is used twice.`);
    keys.add(key);
  }
  for (const key of keys) {
    const parts = key.split("/");
    for (let i = 1; i < parts.length; i++) {
      if (keys.has(parts.slice(0, i).join("/"))) throw new RangeError(`Entry ${showName(key)} lies inside another entry.`);
    }
  }
  const planned: Planned[] = [];
  for (let i = 0; i < entries.length; i += PLAN_CONCURRENCY) {
    planned.push(...(await Promise.all(entries.slice(i, i + PLAN_CONCURRENCY).map((entry) => planEntry(entry, now, caps)))));
  }
  return planned;
}

async function planEntry(entry: ZipEntryInput, now: Date, caps: { maxJsonBytes: number }): Promise<Planned> {
  if (entry.kind === "json") {
    const text = JSON.stringify(entry.data, null, 2);
    if (text === undefined) throw new TypeError(`Entry ${showName(entry.name)} has no JSON representation.`);
    const bytes = strToU8(text);
    if (bytes.length > caps.maxJsonBytes) {
      throw new RangeError(`Entry ${showName(entry.name)} is ${bytes.length} bytes of JSON; the cap is ${caps.maxJsonBytes}.`);
    }
    return { name: entry.name, kind: "json", bytes, mtime: entry.mtime ?? now };
  }
  if (entry.kind === "stream") return { ...entry, mtime: entry.mtime ?? now };
  const head = await headOrMissing(entry.key, entry.name);
  return { name: entry.name, kind: "object", key: entry.key, ...head, mtime: entry.mtime ?? head.lastModified ?? now };
}

async function headOrMissing(key: string, name: string) {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }));
    return { size: head.ContentLength ?? 0, etag: head.ETag ?? "", lastModified: head.LastModified };
  } catch (error) {
    if (error instanceof NotFound || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) {
      throw new VisibleError(404, "archive.source_missing", `The audio for entry ${showName(name)} no longer exists.`);
    }
    throw error;
  }
}

/** An upper bound of the archive's size: data, headers, our one extra field, descriptors, directory. */
function sizeBound(plan: readonly Planned[]): number {
  let total = 22;
  for (const entry of plan) {
    const name = strToU8(entry.name).length;
    const data = entry.kind === "json" ? entry.bytes.length + Math.ceil(entry.bytes.length / 1000) + 64 : entry.size;
    total += 30 + name + TIMESTAMP_FIELD_BYTES + data + 16 + 46 + name + TIMESTAMP_FIELD_BYTES;
  }
  return total;
}

const EMPTY = new Uint8Array(0);

async function* zipStream(
  plan: readonly Planned[],
  run: Run,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let ready: Uint8Array[] = [];
  let zipError: Error | null = null;
  let written = 0;
  // fflate calls back synchronously from push(); entries are added one after the other, so
  // nothing it emits waits behind another entry.
  const zip = new Zip((error, chunk) => {
    if (error) zipError ??= error;
    else if (chunk.length > 0) ready.push(chunk);
  });
  function* drain(): Generator<Uint8Array> {
    if (zipError) throw zipError;
    const chunks = ready;
    ready = [];
    for (const chunk of chunks) {
      written += chunk.length;
      // Sources are pinned by ETag, so this only trips on a bug in the size bound.
      if (written > maxBytes) throw new Error(`ZIP output passed ${maxBytes} bytes despite the size check.`);
      yield chunk;
    }
  }

  for (const entry of plan) {
    if (entry.kind === "json") {
      const file = new ZipDeflate(entry.name, { level: 6 });
      setAttributes(file, entry.mtime);
      zip.add(file);
      file.push(entry.bytes, true);
      yield* drain();
      continue;
    }
    const file = new ZipPassThrough(entry.name);
    setAttributes(file, entry.mtime);
    zip.add(file);
    const source = entry.kind === "object" ? await openPinned(entry) : await entry.open();
    run.source = source;
    let read = 0;
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      read += chunk.length;
      if (read > entry.size) break;
      file.push(chunk);
      yield* drain();
    }
    // Real S3 honours IfMatch; s3rver ignores it, and then only the size can show a change.
    if (read !== entry.size) {
      source.destroy();
      throw sourceChanged(entry.name);
    }
    file.push(EMPTY, true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}

/** IfMatch pins the version HeadObject sized, so the size check made before uploading stays true. */
async function openPinned(entry: { name: string; key: string; etag: string }): Promise<Readable> {
  try {
    const response = await s3.send(
      new GetObjectCommand({ Bucket: bucketName(), Key: entry.key, ...(entry.etag ? { IfMatch: entry.etag } : {}) }),
    );
    return response.Body as Readable;
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404 || error instanceof NoSuchKey) {
      throw new VisibleError(404, "archive.source_missing", `The audio for entry ${showName(entry.name)} no longer exists.`);
    }
    if (status === 412) throw sourceChanged(entry.name);
    throw error;
  }
}

const sourceChanged = (name: string) =>
  new VisibleError(409, "archive.source_changed", `The audio for entry ${showName(name)} changed during the export; try again.`);

const TIMESTAMP_FIELD_BYTES = 4 + 5;
/** fflate refuses DOS dates outside 1980–2099 (it computes them in local time). */
const DOS_MIN = new Date(1980, 0, 1, 0, 0, 2);
const DOS_MAX = new Date(2099, 11, 31, 23, 59, 58);

/**
 * DOS timestamps are local time with 2-second steps, so the entry also gets the extended-timestamp
 * field (0x5455), which unzip, 7-Zip and Python read as exact UTC seconds.
 */
function setAttributes(file: ZipPassThrough | ZipDeflate, mtime: Date) {
  const time = Math.min(Math.max(mtime.getTime(), DOS_MIN.getTime()), DOS_MAX.getTime());
  file.mtime = new Date(time);
  const field = new Uint8Array(5);
  field[0] = 1; // flags: modification time present
  new DataView(field.buffer).setUint32(1, Math.min(Math.floor(time / 1000), 0x7fffffff), true);
  file.extra = { 0x5455: field };
  file.os = 3; // Unix, so the attributes below mean a regular rw-r--r-- file to unzip
  file.attrs = (0o100644 << 16) >>> 0;
}
