/**
 * Decides from the start of an uploaded object (plus its size) whether it is a WAV we can
 * serve, and how long it is. Pure logic: the caller does the ranged GET and HeadObject.
 */

/** How many leading bytes the caller should fetch; every header we accept fits in this. */
export const WAV_HEADER_PROBE_BYTES = 64 * 1024;

export type WavInfo = {
  format: "pcm" | "float";
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Whole frames only: a trailing partial frame is not counted. */
  dataBytes: number;
  durationSeconds: number;
};

/** How many frames (one sample per channel) the data holds. */
export const frameCount = (info: Pick<WavInfo, "dataBytes" | "channels" | "bitsPerSample">): number =>
  info.dataBytes / ((info.channels * info.bitsPerSample) / 8);

/** A file we refuse; `reason` is written to be shown to the user who uploaded it. */
export class InvalidWav extends Error {
  constructor(readonly reason: string) {
    super(`Invalid WAV: ${reason}`);
    this.name = "InvalidWav";
  }
}

const PCM = 0x0001;
const FLOAT = 0x0003;
const EXTENSIBLE = 0xfffe;
const PCM_BITS = [8, 16, 24, 32];
const FLOAT_BITS = [32, 64];
/** Streaming writers can't seek back to patch sizes, so they leave one of these. */
const isPlaceholder = (size: number) => size === 0 || size === 0xffffffff;

type Fmt = Omit<WavInfo, "dataBytes" | "durationSeconds"> & { blockAlign: number };

/**
 * @param head the object's first bytes (up to {@link WAV_HEADER_PROBE_BYTES}, or all of it)
 * @param totalSize the object's full size, from HeadObject
 * @throws InvalidWav for anything we won't accept; RangeError if the arguments contradict each other
 */
export function inspectWav(head: Uint8Array, totalSize: number): WavInfo {
  return locateSamples(head, totalSize).info;
}

/** What inspectWav finds, and where the data chunk's samples start in the file. */
export interface SampleLocation {
  info: WavInfo;
  /** The offset of the first sample byte; the samples are `info.dataBytes` long from there. */
  dataOffset: number;
}

/** inspectWav, also saying where the samples are (archival keeps the bytes around them apart). */
export function locateSamples(head: Uint8Array, totalSize: number): SampleLocation {
  if (!Number.isSafeInteger(totalSize) || totalSize < head.length) {
    throw new RangeError(`totalSize ${totalSize} is not consistent with ${head.length} bytes read`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 12) throw new InvalidWav(`file too short to be a WAV (${totalSize} bytes)`);
  const magic = fourCC(head, 0);
  if (magic === "RF64") throw new InvalidWav("RF64 (64-bit WAV) files are not supported");
  // The RIFF size itself is ignored: streaming writers leave placeholders in it, and the
  // data chunk's bounds are checked against the real object size below.
  if (magic !== "RIFF" || fourCC(head, 8) !== "WAVE") throw new InvalidWav("not a RIFF/WAVE file");

  let fmt: Fmt | undefined;
  // Each step advances by at least 8 and sizes are at most 2^32, so this ends and never
  // leaves the range where doubles are exact integers.
  for (let pos = 12; pos + 8 <= head.length; ) {
    const id = fourCC(head, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === "data") {
      if (!fmt) throw new InvalidWav("no fmt chunk before the data chunk");
      return { info: measure(fmt, size, totalSize - body), dataOffset: body };
    }
    if (body + size > totalSize) {
      throw new InvalidWav(`${show(id)} chunk declares ${size} bytes but the file ends first`);
    }
    if (id === "fmt ") {
      if (fmt) throw new InvalidWav("more than one fmt chunk");
      if (body + size > head.length) throw new InvalidWav(`fmt chunk is not within ${firstBytes(head)}`);
      fmt = parseFmt(new DataView(head.buffer, head.byteOffset + body, size));
    }
    pos = body + size + (size & 1);
  }
  const where = head.length < totalSize ? `within ${firstBytes(head)}` : "in the file";
  throw new InvalidWav(`no ${fmt ? "" : "fmt chunk or "}data chunk ${where}`);
}

function parseFmt(fmt: DataView): Fmt {
  if (fmt.byteLength < 16) throw new InvalidWav(`fmt chunk too short (${fmt.byteLength} bytes)`);
  let tag = fmt.getUint16(0, true);
  const channels = fmt.getUint16(2, true);
  const sampleRate = fmt.getUint32(4, true);
  const byteRate = fmt.getUint32(8, true);
  const blockAlign = fmt.getUint16(12, true);
  const bitsPerSample = fmt.getUint16(14, true);

  if (tag === EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4), then the SubFormat GUID whose first two bytes
    // are the plain format tag.
    if (fmt.byteLength < 40) throw new InvalidWav("extensible fmt chunk too short");
    tag = fmt.getUint16(24, true);
  }
  if (tag !== PCM && tag !== FLOAT) {
    throw new InvalidWav(`unsupported format tag ${hex4(tag)} (only PCM and IEEE float)`);
  }
  const format = tag === PCM ? "pcm" : "float";
  if (sampleRate < 1_000 || sampleRate > 768_000) {
    throw new InvalidWav(`sample rate ${sampleRate} Hz is outside 1000–768000 Hz`);
  }
  if (channels < 1 || channels > 32) throw new InvalidWav(`channel count ${channels} is outside 1–32`);
  const allowed = format === "pcm" ? PCM_BITS : FLOAT_BITS;
  if (!allowed.includes(bitsPerSample)) {
    throw new InvalidWav(
      `${bitsPerSample} bits per sample is not supported for ${format === "pcm" ? "PCM" : "float"} (${allowed.join("/")})`,
    );
  }
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw new InvalidWav(
      `block align ${blockAlign} does not match channels × bits (${channels} × ${bitsPerSample}/8)`,
    );
  }
  if (byteRate !== sampleRate * blockAlign) {
    throw new InvalidWav(`byte rate ${byteRate} does not match sample rate × block align`);
  }
  return { format, sampleRate, channels, bitsPerSample, blockAlign };
}

function measure(fmt: Fmt, declared: number, available: number): WavInfo {
  if (!isPlaceholder(declared) && declared > available) {
    throw new InvalidWav(
      `data chunk declares ${declared} bytes but the file holds only ${available} after the header (truncated upload?)`,
    );
  }
  // A declared 0 is read as a placeholder too; a genuinely empty chunk then has nothing
  // after it and is rejected below either way.
  const frames = Math.floor((isPlaceholder(declared) ? available : declared) / fmt.blockAlign);
  if (frames === 0) throw new InvalidWav("no audio frames");
  const { blockAlign, ...info } = fmt;
  return { ...info, dataBytes: frames * blockAlign, durationSeconds: frames / fmt.sampleRate };
}

const fourCC = (b: Uint8Array, at: number) =>
  String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0);

/** Chunk ids come from untrusted bytes; keep control characters out of user-facing text. */
const show = (id: string) => JSON.stringify(id.replace(/[^\x20-\x7e]/g, "?"));

const hex4 = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, "0")}`;

const firstBytes = (head: Uint8Array) =>
  head.length % 1024 === 0 ? `the first ${head.length / 1024} KiB` : `the first ${head.length} bytes`;
