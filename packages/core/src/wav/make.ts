/** Builds real WAV files for tests, benchmarks and the local demo. */

export type MakeWavOptions = {
  /** Default 24000. */
  sampleRate?: number;
  /** Default 1. */
  channels?: number;
  /** Default 16 for PCM, 32 for float. */
  bitsPerSample?: number;
  /** Default "pcm". */
  format?: "pcm" | "float";
  /** Default one second's worth. */
  frames?: number;
  /** Write a WAVE_FORMAT_EXTENSIBLE fmt chunk instead of the plain one. */
  extensible?: boolean;
  /** Placed between fmt and data, padded to even length as RIFF requires. */
  extraChunks?: { id: string; data: Uint8Array }[];
  /** Placed after data (as some editors write LIST or id3 chunks), padded alike. */
  chunksAfterData?: { id: string; data: Uint8Array }[];
  /** Bytes appended after the last chunk, outside the RIFF size (a trailing partial frame or junk). */
  trailingBytes?: Uint8Array;
  /** Sample value in [-1, 1] for frame i, written to every channel. Default: 440 Hz sine at half scale. */
  fill?: (i: number) => number;
};

export function makeWav(options: MakeWavOptions = {}): Uint8Array {
  const format = options.format ?? "pcm";
  const sampleRate = options.sampleRate ?? 24_000;
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? (format === "pcm" ? 16 : 32);
  const frames = options.frames ?? sampleRate;
  const fill = options.fill ?? ((i: number) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  const extensible = options.extensible ?? false;
  const tag = format === "pcm" ? 1 : 3;
  if (!(format === "pcm" ? [8, 16, 24, 32] : [32, 64]).includes(bits)) {
    throw new RangeError(`cannot write ${bits}-bit ${format} samples`);
  }

  const blockAlign = (channels * bits) / 8;
  const fmt = new DataView(new ArrayBuffer(extensible ? 40 : tag === 1 ? 16 : 18));
  fmt.setUint16(0, extensible ? 0xfffe : tag, true);
  fmt.setUint16(2, channels, true);
  fmt.setUint32(4, sampleRate, true);
  fmt.setUint32(8, sampleRate * blockAlign, true);
  fmt.setUint16(12, blockAlign, true);
  fmt.setUint16(14, bits, true);
  if (extensible) {
    fmt.setUint16(16, 22, true);
    fmt.setUint16(18, bits, true);
    fmt.setUint32(20, 0, true);
    // KSDATAFORMAT_SUBTYPE_{PCM,IEEE_FLOAT}: {0000000t-0000-0010-8000-00aa00389b71}
    new Uint8Array(fmt.buffer).set([tag, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 24);
  } else if (tag !== 1) {
    fmt.setUint16(16, 0, true);
  }

  const data = new DataView(new ArrayBuffer(frames * blockAlign));
  for (let i = 0; i < frames; i++) {
    const v = Math.max(-1, Math.min(1, fill(i) || 0));
    for (let c = 0; c < channels; c++) writeSample(data, (i * channels + c) * (bits / 8), v, format, bits);
  }

  const chunks: { id: string; data: Uint8Array }[] = [{ id: "fmt ", data: bytes(fmt) }];
  // The spec requires a fact chunk for every non-PCM format tag.
  if (tag !== 1 || extensible) {
    const fact = new DataView(new ArrayBuffer(4));
    fact.setUint32(0, frames, true);
    chunks.push({ id: "fact", data: bytes(fact) });
  }
  chunks.push(...(options.extraChunks ?? []), { id: "data", data: bytes(data) }, ...(options.chunksAfterData ?? []));

  const size = 12 + chunks.reduce((n, c) => n + 8 + c.data.length + (c.data.length & 1), 0);
  if (size - 8 > 0xffffffff) throw new RangeError("too large for a RIFF file");
  const trailing = options.trailingBytes ?? new Uint8Array(0);
  const out = new Uint8Array(size + trailing.length);
  out.set(trailing, size);
  const view = new DataView(out.buffer);
  let pos = 0;
  const put4cc = (id: string) => {
    if (id.length !== 4) throw new RangeError(`chunk id ${JSON.stringify(id)} is not 4 characters`);
    for (let k = 0; k < 4; k++) out[pos++] = id.charCodeAt(k) & 0xff;
  };
  put4cc("RIFF");
  view.setUint32(pos, size - 8, true);
  pos += 4;
  put4cc("WAVE");
  for (const chunk of chunks) {
    put4cc(chunk.id);
    view.setUint32(pos, chunk.data.length, true);
    out.set(chunk.data, pos + 4);
    pos += 4 + chunk.data.length + (chunk.data.length & 1);
  }
  return out;
}

function writeSample(d: DataView, at: number, v: number, format: "pcm" | "float", bits: number) {
  if (format === "float") {
    if (bits === 64) d.setFloat64(at, v, true);
    else d.setFloat32(at, v, true);
    return;
  }
  const max = 2 ** (bits - 1) - 1;
  const s = Math.round(v * max);
  switch (bits) {
    case 8:
      return d.setUint8(at, s + 128); // 8-bit WAV is unsigned
    case 16:
      return d.setInt16(at, s, true);
    case 24:
      d.setUint16(at, s & 0xffff, true);
      return d.setInt8(at + 2, s >> 16);
    default:
      return d.setInt32(at, s, true);
  }
}

const bytes = (v: DataView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
