/**
 * Reads ZIP archives from untrusted uploads. yauzl does the format: the end record (ZIP64 too), the
 * central directory, each entry's local header, and the byte range of its data. Both of our sources
 * allow random access (an in-request upload is in memory, a large one is an S3 object read with
 * ranged GETs), so the central directory is read first and nothing relies on scanning for
 * signatures in the data. This module adds our policy: caps on entries, sizes and expansion, CRC-32
 * of every entry (`zlib.crc32`; yauzl checks none), the name rules, refusal of nested archives,
 * and local headers that must agree with the directory and must not overlap. Deflate is Node's
 * zlib, fed the raw data so that bytes left over after the deflate stream are seen.
 *
 * Every refusal is a `VisibleError(422, "archive.<problem>")`; an error of the source itself (a
 * failed or aborted GET) or of a sink is not the archive's fault and is rethrown as is.
 *
 * Bytes reach a sink before the entry's CRC is known (it can only be checked at the entry's end),
 * so nothing a sink wrote is final until `readZip` resolves: on rejection, discard it.
 */
import { Readable } from "node:stream";
import zlib from "node:zlib";
import yauzl from "yauzl";
import { VisibleError } from "../errors";
import { isDirectoryName, isNestedArchiveName, nameKey, showName, unsafeNameReason } from "./names";

export interface ReadZipLimits {
  /** Entries of any kind, directories included. */
  maxEntries: number;
  /** Decompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Decompressed bytes of all entries together. */
  maxTotalBytes: number;
  /** Output:input of one deflated entry, checked once it has produced more than 1 MiB. */
  maxRatio: number;
  /** Decompressed bytes of an entry accepted as JSON (it is buffered to be parsed). */
  maxJsonBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_READ_LIMITS: Readonly<ReadZipLimits> = Object.freeze({
  maxEntries: 64,
  maxEntryBytes: 2 * GiB,
  maxTotalBytes: 2 * GiB,
  maxRatio: 200,
  maxJsonBytes: 1 * MiB,
});

/** Small entries legitimately compress far better than audio does, so the ratio waits for this much. */
const RATIO_FLOOR_BYTES = 1 * MiB;

/** An archive's bytes behind random access: `read` streams bytes [start, end). */
export interface RangeSource {
  size: number;
  read(start: number, end: number): Readable;
}

/** An archive in memory, or behind ranged reads. */
export type ZipSource = Uint8Array | RangeSource;

export type EntrySink = (chunk: Uint8Array) => void | Promise<void>;

export type EntryDecision =
  /** Buffered (up to maxJsonBytes), parsed, and returned in `json`. */
  | { accept: "json" }
  /** Each decompressed chunk is awaited in order; see the module note on when bytes are final. */
  | { accept: "stream"; sink: EntrySink }
  /** Decompressed anyway, so caps and CRCs hold for every entry, then dropped. */
  | { accept: "skip" };

export interface ZipEntryInfo {
  name: string;
  method: "stored" | "deflate";
  /** Decompressed bytes, as counted. */
  size: number;
  compressedSize: number;
  crc32: number;
  accepted: EntryDecision["accept"];
}

export interface ReadZipHandlers {
  /**
   * Called for every file entry (not directories) in archive order, after the whole directory
   * passed the checks. `size` is the decompressed size the directory declares.
   */
  onEntry(name: string, size: number): EntryDecision | Promise<EntryDecision>;
  /** Called once the entry's bytes were all delivered and its size and CRC-32 matched. */
  onEntryEnd?(entry: ZipEntryInfo): void | Promise<void>;
}

export interface ReadZipResult {
  /** File entries in archive order. */
  entries: ZipEntryInfo[];
  /** Parsed values of the entries accepted as JSON, by name. */
  json: Map<string, unknown>;
  /** Explicit directory entries (they carry no data and are not passed to onEntry). */
  directories: string[];
}

/**
 * Reads a ZIP archive: memory stays bounded by the limits' JSON size, a 64 KiB block of metadata
 * and the inflater's buffers, whatever the archive declares.
 *
 * Supported: stored and deflated entries, data descriptors, ZIP64. Refused: see the `archive.*`
 * codes below.
 */
export async function readZip(source: ZipSource, handlers: ReadZipHandlers, limits: Partial<ReadZipLimits> = {}): Promise<ReadZipResult> {
  const resolved = resolveLimits(limits);
  const reader = new BlockReader(source instanceof Uint8Array ? inMemory(source) : source);
  const size = reader.size;
  if (size < 4) throw fail("not_zip", size === 0 ? "The upload is empty, not a ZIP archive." : `The upload is only ${size} bytes, not a ZIP archive.`);
  const head = await reader.bytes(0, Math.min(size, NESTED_PROBE_BYTES));
  const signature = head.readUInt32LE(0);
  if (signature !== SIG_LOCAL && signature !== SIG_END) throw notZip(head);
  const zip = await yauzl
    .fromRandomAccessReaderPromise(reader, size, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false })
    .catch((error: unknown) => Promise.reject(archiveFault(error)));
  try {
    return await new EntryReader(zip, handlers, resolved).readAll(await checkedDirectory(zip, resolved));
  } finally {
    zip.close();
  }
}

function resolveLimits(partial: Partial<ReadZipLimits>): ReadZipLimits {
  const limits = { ...DEFAULT_READ_LIMITS };
  for (const [key, value] of Object.entries(partial) as [keyof ReadZipLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(value > 0)) throw new RangeError(`readZip limit ${key} must be positive, got ${value}`);
    limits[key] = value;
  }
  return limits;
}

const SIG_LOCAL = 0x04034b50;
const SIG_END = 0x06054b50;
const U32_MAX = 0xffffffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const FLAG_MASKED_HEADER = 0x2000;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;
const EXTRA_AES = 0x9901;

/** Small reads (headers, the directory) are served from one block fetched at a time. */
const BLOCK_BYTES = 64 * 1024;
/** The in-memory source hands out data in slices of this size, as a network stream would. */
const SLICE_BYTES = 64 * 1024;

const fail = (problem: string, detail: string) => new VisibleError(422, `archive.${problem}`, detail);

function bytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  return `${n} bytes`;
}

/** Errors the source raised (a GET that failed or was aborted): not the archive's fault. */
const sourceFailures = new WeakSet<object>();

function inMemory(data: Uint8Array): RangeSource {
  return {
    size: data.length,
    read: (start, end) =>
      Readable.from(
        (function* () {
          for (let at = start; at < end; at += SLICE_BYTES) {
            yield Buffer.from(data.buffer, data.byteOffset + at, Math.min(SLICE_BYTES, end - at));
          }
        })(),
        { objectMode: false },
      ),
  };
}

/**
 * yauzl's window on a source. yauzl reads metadata a few dozen bytes at a time (the end record,
 * each directory record, each local header); those reads are served from one cached block, so a
 * ranged source answers a handful of GETs, not two per record. Entry data streams straight through.
 */
class BlockReader extends yauzl.RandomAccessReader {
  private block = { start: 0, data: Buffer.alloc(0) };

  constructor(private readonly source: RangeSource) {
    super();
  }

  get size(): number {
    return this.source.size;
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const stream = this.source.read(start, end);
    stream.on("error", (error) => sourceFailures.add(error));
    return stream;
  }

  /** Reports a short count past the end, which yauzl turns into its "unexpected EOF". */
  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null) => void): void {
    const done = callback as (error: Error | null, bytesRead?: number) => void;
    this.bytes(position, length).then(
      (data) => done(null, data.copy(buffer, offset)),
      (error: Error) => done(error),
    );
  }

  async bytes(position: number, length: number): Promise<Buffer> {
    const end = Math.min(position + length, this.source.size);
    if (end <= position) return Buffer.alloc(0);
    const { start, data } = this.block;
    if (position < start || end > start + data.length) {
      const chunks: Buffer[] = [];
      const blockEnd = Math.min(this.source.size, position + Math.max(length, BLOCK_BYTES));
      for await (const chunk of this._readStreamForRange(position, blockEnd)) chunks.push(chunk as Buffer);
      this.block = { start: position, data: Buffer.concat(chunks) };
    }
    return this.block.data.subarray(position - this.block.start, end - this.block.start);
  }
}

/** A yauzl or zlib error as the refusal it means; the source's own errors pass through. */
function archiveFault(error: unknown, shown?: string): unknown {
  if (!(error instanceof Error) || error instanceof VisibleError || sourceFailures.has(error)) return error;
  const message = error.message;
  const code = (error as { code?: string }).code;
  if (code === "Z_BUF_ERROR") return fail("corrupt", `Entry ${shown} ends before its deflate stream does.`);
  if (code?.startsWith("Z_")) return fail("corrupt", `Entry ${shown} is not valid deflate data (${message}).`);
  if (message.startsWith("End of central directory record signature not found")) {
    return fail("truncated", "The archive ends without an end-of-central-directory record: it was cut short.");
  }
  if (message.startsWith("Invalid comment length")) return fail("trailing_data", "The archive has data after its end-of-central-directory record.");
  if (message.startsWith("multi-disk")) return fail("corrupt", "Multi-volume (split) archives are not supported.");
  if (/^(invalid (central directory|local) file header signature|unexpected EOF|file data overflows|invalid zip64)/.test(message)) {
    return inconsistent(`${shown ? `at entry ${shown}, ` : ""}${message}`);
  }
  return fail("corrupt", `The archive is damaged${shown ? ` at entry ${shown}` : ""} (${message}).`);
}

interface DirectoryEntry {
  raw: yauzl.Entry;
  name: string;
  shown: string;
  directory: boolean;
  /** Where the entry's data must end: the next entry's local header, or the directory. */
  boundary: number;
}

/**
 * Reads the whole central directory and checks it before any data is read: the entry count,
 * encryption, methods, names, duplicates, declared sizes, and that no two entries' local headers
 * and data can overlap.
 */
async function checkedDirectory(zip: yauzl.ZipFile, limits: ReadZipLimits): Promise<DirectoryEntry[]> {
  if (zip.entryCount > limits.maxEntries) {
    throw fail("too_many_entries", `The archive has ${zip.entryCount} entries, more than ${limits.maxEntries} (the cap).`);
  }
  // Before the first record is read, yauzl's cursor is where the directory starts (@types calls it a boolean).
  const directoryStart = zip.readEntryCursor as unknown as number;
  const names = new NameClaims();
  const entries: DirectoryEntry[] = [];
  let total = 0;
  let totalCompressed = 0;
  try {
    for await (const raw of zip.eachEntry()) {
      const name = decodeName(raw.fileNameRaw, raw.generalPurposeBitFlag);
      const shown = showName(name);
      const flags = raw.generalPurposeBitFlag;
      const aes = raw.compressionMethod === METHOD_AES || raw.extraFields.some((field) => field.id === EXTRA_AES);
      if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADER) || aes) {
        throw fail("encrypted", `Entry ${shown} is encrypted; export it again without a password.`);
      }
      if (raw.compressionMethod !== METHOD_STORED && raw.compressionMethod !== METHOD_DEFLATE) {
        throw fail("unsupported_method", `Entry ${shown} uses compression method ${raw.compressionMethod}; only stored (0) and deflate (8) are supported.`);
      }
      const unsafe = unsafeNameReason(name);
      if (unsafe) throw fail("unsafe_name", `Entry ${shown} is refused: ${unsafe}.`);
      const directory = isDirectoryName(name);
      if (!directory && isNestedArchiveName(name)) {
        throw fail("nested", `Entry ${shown} is an archive inside the archive; nested archives are not accepted.`);
      }
      names.claim(name, directory);
      if (directory && raw.uncompressedSize > 0) throw fail("unsafe_name", `Directory entry ${shown} carries data.`);
      const size = raw.uncompressedSize;
      total += size;
      totalCompressed += raw.compressedSize;
      if (size > limits.maxEntryBytes || raw.compressedSize > compressedCap(limits.maxEntryBytes)) throw entryTooLarge(shown, limits.maxEntryBytes);
      if (total > limits.maxTotalBytes || totalCompressed > compressedCap(limits.maxTotalBytes)) throw totalTooLarge(shown, limits.maxTotalBytes);
      entries.push({ raw, name, shown, directory, boundary: directoryStart });
    }
  } catch (error) {
    throw archiveFault(error);
  }
  // Each entry's header and data must end before the next entry (in file order) begins.
  const byOffset = [...entries].sort((a, b) => a.raw.relativeOffsetOfLocalHeader - b.raw.relativeOffsetOfLocalHeader);
  for (const [i, entry] of byOffset.entries()) {
    const next = byOffset[i + 1];
    if (!next) break;
    entry.boundary = next.raw.relativeOffsetOfLocalHeader;
    if (entry.raw.relativeOffsetOfLocalHeader + 30 + entry.raw.fileNameLength + entry.raw.compressedSize > entry.boundary) {
      throw inconsistent(`entries ${entry.shown} and ${next.shown} overlap`);
    }
  }
  return entries;
}

/** Refuses duplicates, case-insensitively, and a name used both as a file and as a directory. */
class NameClaims {
  private readonly fileKeys = new Set<string>();
  private readonly dirKeys = new Set<string>();
  private readonly explicitDirKeys = new Set<string>();

  claim(name: string, directory: boolean) {
    const key = nameKey(directory ? name.slice(0, -1) : name);
    const shown = showName(name);
    if (this.fileKeys.has(key) || this.explicitDirKeys.has(key) || (!directory && this.dirKeys.has(key))) {
      throw fail("duplicate_entry", `Entry ${shown} appears more than once (names are compared case-insensitively), or is both a file and a directory.`);
    }
    const parts = key.split("/");
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      if (this.fileKeys.has(prefix)) {
        throw fail("duplicate_entry", `Entry ${shown} lies inside ${showName(prefix)}, which is a file.`);
      }
      this.dirKeys.add(prefix);
    }
    if (directory) {
      this.explicitDirKeys.add(key);
      this.dirKeys.add(key);
    } else {
      this.fileKeys.add(key);
    }
  }
}

function checkRatio(shown: string, output: number, compressed: number, maxRatio: number) {
  if (output > RATIO_FLOOR_BYTES && output > compressed * maxRatio) {
    throw fail("ratio", `Entry ${shown} expands more than ${maxRatio}:1 (${output} bytes from ${compressed}); this looks like a zip bomb.`);
  }
}

const NESTED_PROBE_BYTES = 8;

/** One entry's progress through its data. */
interface Progress {
  entry: DirectoryEntry;
  decision: EntryDecision;
  output: number;
  crc: number;
  /** The first bytes, held until there are enough to tell whether this is an archive itself. */
  head: Buffer[] | null;
  headBytes: number;
  json: Buffer[] | null;
}

class EntryReader {
  private total = 0;
  private readonly result: ReadZipResult = { entries: [], json: new Map(), directories: [] };

  constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly handlers: ReadZipHandlers,
    private readonly limits: ReadZipLimits,
  ) {}

  async readAll(entries: DirectoryEntry[]): Promise<ReadZipResult> {
    for (const [index, entry] of entries.entries()) await this.readEntry(entry, index);
    return this.result;
  }

  private async readEntry(entry: DirectoryEntry, index: number) {
    const { raw, shown } = entry;
    const local = await this.zip.readLocalFileHeaderPromise(raw).catch((error: unknown) => Promise.reject(archiveFault(error, shown)));
    checkLocalHeader(entry, local, index);
    if (raw.compressionMethod === METHOD_STORED && raw.compressedSize !== raw.uncompressedSize) {
      throw fail("corrupt", `Stored entry ${shown} declares ${raw.compressedSize} stored bytes but a size of ${raw.uncompressedSize}.`);
    }
    const decision: EntryDecision = entry.directory ? { accept: "skip" } : await this.handlers.onEntry(entry.name, raw.uncompressedSize);
    if (decision.accept === "json" && raw.uncompressedSize > this.limits.maxJsonBytes) throw jsonTooLarge(shown, this.limits.maxJsonBytes);
    if (raw.compressionMethod === METHOD_DEFLATE) checkRatio(shown, raw.uncompressedSize, raw.compressedSize, this.limits.maxRatio);
    const progress: Progress = { entry, decision, output: 0, crc: 0, head: [], headBytes: 0, json: decision.accept === "json" ? [] : null };

    const data = await this.zip
      .openReadStreamPromise(raw, { decodeFileData: false })
      .catch((error: unknown) => Promise.reject(archiveFault(error, shown)));
    const inflater = raw.compressionMethod === METHOD_DEFLATE ? zlib.createInflateRaw() : null;
    const output: Readable = inflater ? data.pipe(inflater) : data;
    if (inflater) data.on("error", (error) => inflater.destroy(error));
    try {
      const chunks = output[Symbol.asyncIterator]();
      for (;;) {
        const next = await chunks.next().catch((error: unknown) => Promise.reject(archiveFault(error, shown)));
        if (next.done) break;
        await this.take(progress, next.value as Buffer, inflater?.bytesWritten ?? raw.compressedSize);
      }
    } finally {
      data.destroy();
      inflater?.destroy();
    }
    // zlib stops at the end of the deflate stream and drops what follows it.
    if (inflater && inflater.bytesWritten < raw.compressedSize) {
      const left = raw.compressedSize - inflater.bytesWritten;
      throw fail("corrupt", `Entry ${shown} has ${left} bytes after the end of its deflate stream, data that decodes to nothing.`);
    }
    await this.endEntry(progress);
  }

  /** Checks caps and ratio before a chunk is passed on, so nothing past a cap reaches a sink. */
  private async take(progress: Progress, chunk: Buffer, compressedSoFar: number) {
    const { entry } = progress;
    const limits = this.limits;
    progress.output += chunk.length;
    this.total += chunk.length;
    if (progress.output > limits.maxEntryBytes) throw entryTooLarge(entry.shown, limits.maxEntryBytes);
    if (this.total > limits.maxTotalBytes) throw totalTooLarge(entry.shown, limits.maxTotalBytes);
    if (progress.json && progress.output > limits.maxJsonBytes) throw jsonTooLarge(entry.shown, limits.maxJsonBytes);
    if (entry.raw.compressionMethod === METHOD_DEFLATE) checkRatio(entry.shown, progress.output, compressedSoFar, limits.maxRatio);
    progress.crc = zlib.crc32(chunk, progress.crc);
    if (!progress.head) return this.emit(progress, chunk);
    progress.head.push(chunk);
    progress.headBytes += chunk.length;
    if (progress.headBytes >= NESTED_PROBE_BYTES) await this.releaseHead(progress);
  }

  /** Checks the first bytes for another archive's magic, then passes them on. */
  private async releaseHead(progress: Progress) {
    const held = progress.head ?? [];
    progress.head = null;
    const kind = archiveMagic(Buffer.concat(held, Math.min(progress.headBytes, NESTED_PROBE_BYTES)));
    if (kind) throw fail("nested", `Entry ${progress.entry.shown} holds a ${kind} archive; nested archives are not accepted.`);
    for (const chunk of held) await this.emit(progress, chunk);
  }

  private async emit(progress: Progress, chunk: Buffer) {
    const decision = progress.decision;
    if (decision.accept === "stream") await decision.sink(chunk);
    else if (progress.json) progress.json.push(chunk);
  }

  private async endEntry(progress: Progress) {
    const { entry } = progress;
    const { raw, shown } = entry;
    if (progress.head) await this.releaseHead(progress);
    if (progress.output !== raw.uncompressedSize) {
      throw fail("size_mismatch", `Entry ${shown} declares ${raw.uncompressedSize} bytes but holds ${progress.output}.`);
    }
    if (progress.crc !== raw.crc32) {
      throw fail("crc_mismatch", `Entry ${shown} is damaged: its CRC-32 is ${hex(progress.crc)} but the central directory records ${hex(raw.crc32)}.`);
    }
    if (entry.directory) {
      this.result.directories.push(entry.name);
      return;
    }
    if (progress.json) this.result.json.set(entry.name, parseJson(shown, progress.json));
    const info: ZipEntryInfo = {
      name: entry.name,
      method: raw.compressionMethod === METHOD_DEFLATE ? "deflate" : "stored",
      size: progress.output,
      compressedSize: raw.compressedSize,
      crc32: progress.crc,
      accepted: progress.decision.accept,
    };
    this.result.entries.push(info);
    await this.handlers.onEntryEnd?.(info);
  }
}

/**
 * The local header must describe the entry the directory lists at its offset: the same name,
 * method and encryption, and (when it gives them rather than a data descriptor) the same CRC and
 * sizes; its data must end before the next entry starts.
 */
function checkLocalHeader(entry: DirectoryEntry, local: yauzl.LocalFileHeader, index: number) {
  const { raw, shown } = entry;
  const localName = decodeName(local.fileName, local.generalPurposeBitFlag);
  if (localName !== entry.name) throw inconsistent(`its central directory names entry ${index + 1} ${shown}, its local header ${showName(localName)}`);
  if (local.compressionMethod !== raw.compressionMethod) throw inconsistent(`the central directory and the local header of ${shown} name different compression methods`);
  if ((local.generalPurposeBitFlag ^ raw.generalPurposeBitFlag) & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
    throw inconsistent(`the central directory and the local header of ${shown} disagree on encryption`);
  }
  if (!(local.generalPurposeBitFlag & FLAG_DESCRIPTOR)) {
    if (local.crc32 !== raw.crc32) {
      throw fail("crc_mismatch", `The local header of ${shown} records CRC-32 ${hex(local.crc32)}, the central directory ${hex(raw.crc32)}.`);
    }
    // 0xFFFFFFFF defers to a ZIP64 field; the directory's own ZIP64 values are the ones used.
    const differs = (declared: number, listed: number) => declared !== U32_MAX && declared !== listed;
    if (differs(local.uncompressedSize, raw.uncompressedSize) || differs(local.compressedSize, raw.compressedSize)) {
      throw inconsistent(`the central directory records other sizes for ${shown}`);
    }
  }
  if (local.fileDataStart + raw.compressedSize > entry.boundary) throw inconsistent(`the data of ${shown} runs into the next record`);
}

/** Magic numbers of the archive formats an entry must not be. */
function archiveMagic(b: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06) || starts(0x50, 0x4b, 0x07, 0x08)) return "ZIP";
  if (starts(0x1f, 0x8b, 0x08)) return "gzip";
  if (starts(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return "7-Zip";
  if (starts(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07)) return "RAR";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "Zstandard";
  if (starts(0x42, 0x5a, 0x68)) return "bzip2";
  return null;
}

/** Says what the upload looks like instead, when it is something common. */
function notZip(first: Uint8Array): VisibleError {
  const kind = archiveMagic(first);
  const text = String.fromCharCode(...first.subarray(0, 4));
  const what =
    text === "RIFF"
      ? "it looks like a WAV file"
      : kind
        ? `it looks like a ${kind} file`
        : first[0] === 0x7b || first[0] === 0x5b
          ? "it looks like JSON"
          : "it does not start with a ZIP local file header";
  return fail("not_zip", `The upload is not a ZIP archive: ${what}.`);
}

function decodeName(raw: Uint8Array, flags: number): string {
  // Many writers store UTF-8 without setting bit 11; what is valid UTF-8 is taken as such.
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    if (flags & FLAG_UTF8) return new TextDecoder("utf-8").decode(raw);
    return Buffer.from(raw).toString("latin1");
  }
}

function parseJson(shown: string, chunks: Uint8Array[]): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Buffer.concat(chunks));
  } catch {
    throw fail("json_invalid", `Entry ${shown} is not valid UTF-8 text.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 200) : "unparseable";
    throw fail("json_invalid", `Entry ${shown} is not valid JSON (${message}).`);
  }
}

/** Deflate can inflate its input a little (stored blocks); this allows for that and no more. */
const compressedCap = (outputCap: number) => outputCap + Math.ceil(outputCap / 1024) + 64 * 1024;

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

const inconsistent = (what: string) =>
  fail("inconsistent", `The archive contradicts itself: ${what}. It may have been tampered with or damaged.`);

const entryTooLarge = (shown: string, cap: number) =>
  fail("too_large", `Entry ${shown} is larger than ${bytes(cap)} (the per-entry cap).`);

const totalTooLarge = (shown: string, cap: number) =>
  fail("too_large", `The archive holds more than ${bytes(cap)} in total (the cap), reached at entry ${shown}.`);

const jsonTooLarge = (shown: string, cap: number) =>
  fail("json_too_large", `Entry ${shown} is larger than ${bytes(cap)} (the cap for JSON entries).`);
