import { GetObjectCommand } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { s3 } from "../storage/client";
import { isStatus } from "../storage/objects";
import { bucketName } from "../resources";
import { inspectWav, WAV_HEADER_PROBE_BYTES, type WavInfo } from "../wav/inspect";

export interface StoredWav {
  /** The WAV's size in bytes. */
  size: number;
  /** The WAV's bytes from the first, exactly as uploaded. */
  body: Readable;
}

/**
 * The one place transcoding reads stored audio from: the original WAV bytes of an audio object,
 * as a stream. Undefined when the object is gone. Audio stored in another form (e.g. archived as
 * FLAC) is read by pointing this at the reader that gives back the original bytes.
 */
export async function openStoredWav(key: string): Promise<StoredWav | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }));
    return { size: response.ContentLength ?? 0, body: response.Body as Readable };
  } catch (error) {
    if (isStatus(error, "NoSuchKey", 404)) return undefined;
    throw error;
  }
}

/**
 * Reads the WAV's header off the front of its stream and hands back what it says with a stream
 * of all the bytes, the header included, so the header is read once and the audio is not held.
 */
export async function peekWav(wav: StoredWav): Promise<{ info: WavInfo; body: Readable }> {
  const iterator: AsyncIterator<Buffer> = wav.body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  while (length < WAV_HEADER_PROBE_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    length += next.value.length;
  }
  let info: WavInfo;
  try {
    info = inspectWav(Buffer.concat(head).subarray(0, WAV_HEADER_PROBE_BYTES), wav.size);
  } catch (error) {
    wav.body.destroy();
    throw error;
  }
  async function* all() {
    yield* head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { info, body: Readable.from(all(), { objectMode: false }) };
}
