const MiB = 1024 * 1024;

/**
 * A 16-bit mono 48 kHz WAV of `total` bytes (header included), produced 1 MiB at a time, so a
 * benchmark can upload a gibibyte without holding it. `sample(i)` is frame i's 16-bit value.
 */
export async function* wavStream(total: number, sample: (i: number) => number): AsyncGenerator<Uint8Array> {
  const header = new DataView(new ArrayBuffer(44));
  const dataBytes = total - 44;
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => header.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  header.setUint32(4, total - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, 1, true);
  header.setUint32(24, 48_000, true);
  header.setUint32(28, 96_000, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  ascii(36, "data");
  header.setUint32(40, dataBytes, true);
  yield new Uint8Array(header.buffer);
  let frame = 0;
  for (let left = dataBytes; left > 0; ) {
    const chunk = new Int16Array(Math.ceil(Math.min(MiB, left) / 2));
    for (let i = 0; i < chunk.length; i++) chunk[i] = Math.round(sample(frame++));
    const out = new Uint8Array(chunk.buffer, 0, Math.min(MiB, left));
    left -= out.length;
    yield out;
  }
}
