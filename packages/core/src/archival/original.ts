import { GetObjectCommand } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { VisibleError } from "../errors";
import { bucketName } from "../resources";
import type { Version } from "../shapes/generation";
import { s3 } from "../storage/client";
import { isStatus } from "../storage/objects";
import { locateSamples } from "../wav/inspect";
import { decodeFlac } from "./codec";
import { readForeignBytes } from "./flac-blocks";

/** What a stored audio object is: a version (the original is one too) or anything shaped like it. */
export type StoredAudio = Pick<Version, "audio_path" | "size_bytes" | "archive">;

const missing = (key: string) => new VisibleError(404, "audio.not_found", `The audio object ${key.split("/").pop()} is missing.`);

async function getObject(key: string, signal?: AbortSignal): Promise<Readable> {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }), { abortSignal: signal });
    return Body as Readable;
  } catch (error) {
    if (isStatus(error, "NoSuchKey", 404)) throw missing(key);
    throw error;
  }
}

/**
 * THE reader of stored audio: the original WAV bytes of a generation's or version's audio,
 * streamed, whether it is stored as WAV or archived as FLAC. `size_bytes` of the audio is exactly
 * how many bytes come out. For an archive, the WAV's own header and trailing bytes (kept in the
 * FLAC's metadata) are spliced around the decoded samples; a decode that gives another number of
 * sample bytes fails the stream instead of serving something else. Memory stays flat.
 */
export async function openOriginalWav(audio: StoredAudio, signal?: AbortSignal): Promise<Readable> {
  const source = await getObject(audio.audio_path, signal);
  if (audio.archive?.state !== "flac") return source;
  return Readable.from(restoredBytes(source, audio.size_bytes, audio.audio_path), { objectMode: false });
}

/** The original WAV bytes of an archive (`key` names it in errors): its header, its decoded samples, its trailer. */
export async function* restoredBytes(flac: Readable, wavBytes: number, key: string): AsyncGenerator<Uint8Array> {
  // A reader that stops early (one that wanted only the header) still releases the object's stream.
  try {
    const { foreign, rest } = await readForeignBytes(flac);
    const { info, dataOffset } = locateSamples(foreign.header, wavBytes);
    if (dataOffset !== foreign.header.length || dataOffset + info.dataBytes + foreign.trailer.length !== wavBytes) {
      throw new Error(`archive ${key} does not describe a WAV of ${wavBytes} bytes`);
    }
    yield foreign.header;
    const decoder = decodeFlac(Readable.from(rest, { objectMode: false }), info);
    let samples = 0;
    try {
      for await (const chunk of decoder.output as AsyncIterable<Uint8Array>) {
        samples += chunk.length;
        if (samples > info.dataBytes) throw new Error(`archive ${key} decodes to more than ${info.dataBytes} sample bytes`);
        yield chunk;
      }
      await decoder.finished;
    } finally {
      decoder.output.destroy();
    }
    if (samples !== info.dataBytes) throw new Error(`archive ${key} decoded to ${samples} sample bytes, not ${info.dataBytes}`);
    yield foreign.trailer;
  } finally {
    flac.destroy();
  }
}
