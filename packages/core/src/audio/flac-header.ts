/** `fLaC`, the STREAMINFO block's 4-byte header, then the 18 bytes up to and including the total-samples field. */
const STREAMINFO_END = 4 + 4 + 18;

/**
 * ffmpeg fills in FLAC's STREAMINFO (total samples, MD5) by seeking back once it has encoded
 * everything, which it cannot do on a pipe: the header would say the length is unknown, and
 * players could not show a duration or seek. The WAV's header gives the sample count up front,
 * so it is written into the stream as it passes. The MD5 stays zero, which FLAC defines as "not
 * computed".
 */
export async function* withTotalSamples(chunks: AsyncIterable<Buffer>, totalSamples: number): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let patched = false;
  for await (const chunk of chunks) {
    if (patched) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < STREAMINFO_END) continue;
    if (head.toString("latin1", 0, 4) !== "fLaC" || (head[4]! & 0x7f) !== 0) throw new Error("ffmpeg's FLAC does not start with STREAMINFO");
    // The field is the low 36 bits of the 8 bytes that end at STREAMINFO_END (above them: rate, channels, bits).
    const at = STREAMINFO_END - 8;
    const packed = head.readBigUInt64BE(at);
    head.writeBigUInt64BE((packed & ~0xfffffffffn) | BigInt(totalSamples), at);
    patched = true;
    yield head;
  }
  if (!patched && head.length > 0) yield head;
}
