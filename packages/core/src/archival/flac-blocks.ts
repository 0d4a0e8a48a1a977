/**
 * The FLAC metadata our archives carry, and the two stream edits that put it in and read it out.
 *
 * An archived WAV is a plain FLAC stream with one extra APPLICATION block (id "SnWv") right after
 * STREAMINFO, holding the WAV's bytes around its samples: everything before the first sample (the
 * RIFF header, fmt and every chunk before data, the data chunk's header) and everything after the
 * last whole frame (a partial frame, the pad byte, chunks after data, trailing bytes). A restore
 * splices header + decoded samples + trailer, so it is byte-identical whatever the WAV held. Every
 * FLAC decoder skips an APPLICATION block it does not know, so the object stays a FLAC file.
 */

const MAGIC = "fLaC";
const STREAMINFO_BYTES = 4 + 4 + 34;
const APPLICATION = 2;
const LAST_BLOCK = 0x80;
/** Our APPLICATION id: unregistered, and unlike flac's "riff" it holds one blob, not a chunk per block. */
export const APPLICATION_ID = "SnWv";
/** A metadata block's length is 24 bits; the id and the header length take 8 of them. */
export const MAX_FOREIGN_BYTES = 0xffffff - 8;

/** The WAV's bytes around its samples. */
export interface ForeignBytes {
  header: Uint8Array;
  trailer: Uint8Array;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text4 = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

function applicationBlock({ header, trailer }: ForeignBytes, last: boolean): Uint8Array {
  const length = 4 + 4 + header.length + trailer.length;
  if (length - 8 > MAX_FOREIGN_BYTES) throw new RangeError(`${length - 8} bytes around the samples do not fit one FLAC metadata block`);
  const block = new Uint8Array(4 + length);
  const view = new DataView(block.buffer);
  view.setUint32(0, length, false);
  block[0] = APPLICATION | (last ? LAST_BLOCK : 0);
  block.set(ascii(APPLICATION_ID), 4);
  view.setUint32(8, header.length, false);
  block.set(header, 12);
  block.set(trailer, 12 + header.length);
  return block;
}

/** Accumulates chunks until `length` bytes are at hand; returns them all (possibly more) or null at the end. */
async function gather(chunks: AsyncIterator<Uint8Array>, held: Uint8Array, length: number): Promise<Uint8Array | null> {
  let buffer = held;
  while (buffer.length < length) {
    const next = await chunks.next();
    if (next.done) return null;
    buffer = Buffer.concat([buffer, next.value]);
  }
  return buffer;
}

/**
 * ffmpeg's FLAC stream with our block after STREAMINFO (which keeps its fields: the total sample
 * count is set before, by `withTotalSamples`).
 */
export async function* withForeignBytes(flac: AsyncIterable<Uint8Array>, foreign: ForeignBytes): AsyncGenerator<Uint8Array> {
  const chunks = flac[Symbol.asyncIterator]();
  const start = await gather(chunks, new Uint8Array(0), STREAMINFO_BYTES);
  if (!start || text4(start, 0) !== MAGIC || (start[4]! & 0x7f) !== 0) throw new Error("the encoder did not write a FLAC stream");
  const streaminfo = Uint8Array.from(start.subarray(0, STREAMINFO_BYTES));
  const wasLast = (streaminfo[4]! & LAST_BLOCK) !== 0;
  streaminfo[4] = streaminfo[4]! & ~LAST_BLOCK;
  yield streaminfo;
  yield applicationBlock(foreign, wasLast);
  if (start.length > STREAMINFO_BYTES) yield start.subarray(STREAMINFO_BYTES);
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
}

/**
 * Reads our block from the start of an archived stream. `rest` is the whole FLAC stream again
 * (the bytes read so far, then the remainder), ready for a decoder.
 */
export async function readForeignBytes(flac: AsyncIterable<Uint8Array>): Promise<{ foreign: ForeignBytes; rest: AsyncIterable<Uint8Array> }> {
  const chunks = flac[Symbol.asyncIterator]();
  const broken = (why: string) => new Error(`not an archive of ours: ${why}`);
  let held = await gather(chunks, new Uint8Array(0), 4);
  if (!held || text4(held, 0) !== MAGIC) throw broken("no fLaC marker");
  for (let at = 4; ; ) {
    held = await gather(chunks, held, at + 4);
    if (!held) throw broken("metadata ends early");
    const last = (held[at]! & LAST_BLOCK) !== 0;
    const type = held[at]! & 0x7f;
    const length = new DataView(held.buffer, held.byteOffset).getUint32(at, false) & 0xffffff;
    if (type === APPLICATION) {
      held = await gather(chunks, held, at + 4 + length);
      if (!held) throw broken("metadata ends early");
      if (text4(held, at + 4) === APPLICATION_ID) {
        const headerLength = new DataView(held.buffer, held.byteOffset).getUint32(at + 8, false);
        const blob = held.subarray(at + 12, at + 4 + length);
        const foreign = { header: Uint8Array.from(blob.subarray(0, headerLength)), trailer: Uint8Array.from(blob.subarray(headerLength)) };
        const read = held;
        return {
          foreign,
          rest: (async function* () {
            yield read;
            for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
          })(),
        };
      }
    }
    if (last) throw broken(`no ${APPLICATION_ID} block`);
    at += 4 + length;
  }
}
