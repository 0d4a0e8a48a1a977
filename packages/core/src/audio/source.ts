import { Readable } from "node:stream";
import { openOriginalWav, type StoredAudio } from "../archival/original";
import { InvalidWav, locateSamples, WAV_HEADER_PROBE_BYTES, type WavInfo } from "../wav/inspect";

export interface StoredWav {
  /** The WAV's size in bytes. */
  size: number;
  /** The WAV's bytes from the first, exactly as uploaded. */
  body: Readable;
}

/** The original WAV bytes of stored audio (archived or not) for transcoding; a 404 when the object is gone. */
export const openStoredWav = async (audio: StoredAudio): Promise<StoredWav> => ({ size: audio.size_bytes, body: await openOriginalWav(audio) });

/**
 * Reads the WAV's header off the front of its stream and hands back what it says with a stream
 * of all the bytes, the header included, so the header is read once and the audio is not held.
 */
export async function peekWav(wav: StoredWav): Promise<{ info: WavInfo; body: Readable }> {
  const iterator: AsyncIterator<Uint8Array> = wav.body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let length = 0;
  let info: WavInfo;
  try {
    // Only until the header is whole: archived audio then has decoded nothing yet.
    for (;;) {
      const next = await iterator.next();
      if (!next.done) {
        head.push(next.value);
        length += next.value.length;
      }
      try {
        info = locateSamples(Buffer.concat(head).subarray(0, WAV_HEADER_PROBE_BYTES), wav.size).info;
        break;
      } catch (error) {
        if (!(error instanceof InvalidWav) || next.done || length >= WAV_HEADER_PROBE_BYTES) throw error;
      }
    }
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
