/**
 * A bounded, streaming ZIP reader for untrusted uploads.
 *
 * Why not fflate's streaming `Unzip`: it finds the end of an entry that has a data descriptor
 * (general-purpose bit 3, which every entry written by fflate's own streaming `Zip` has) by
 * stopping at the first "PK\x07\x08", "PK\x01\x02" or "PK\x03\x04" in the data. A stored WAV that
 * happens to contain one of those four-byte runs is silently cut there (measured with fflate 0.8.3:
 * a 1,000-byte entry came back as 500 bytes). So the framing is parsed here — local headers, data
 * descriptors (accepted only where the descriptor's compressed size equals the bytes actually
 * seen), the central directory and the end record — while fflate's `UnzipInflate` and
 * `UnzipPassThrough` do the decoding. fflate also checks no CRCs; every entry's CRC-32 is checked
 * here with `zlib.crc32` against the local header (or the data descriptor when bit 3 is set), and
 * the central directory must then agree with what the local headers and data said.
 *
 * Every refusal is a `VisibleError(422, "archive.<problem>")`; anything else that escapes (a sink's
 * own error, say) is not the archive's fault and is rethrown as is.
 *
 * Bytes reach a sink before the entry's CRC is known (the CRC of a streamed entry can only be
 * checked at its end, and the central directory only at the end of the archive), so nothing a sink
 * wrote is final until `readZip` resolves: on rejection, discard it.
 */
import zlib from "node:zlib";
import { UnzipInflate, UnzipPassThrough, type UnzipDecoder } from "fflate";
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

/**
 * Compressed bytes handed to the inflater at a time. One push can expand about 1032-fold, so this
 * bounds a single output buffer to about 8 MiB whatever the archive holds.
 */
const INFLATE_SLICE_BYTES = 8 * 1024;

/**
 * fflate's inflater ignores, but keeps buffering, whatever follows the end of a deflate stream; real
 * deflate data never goes this long without output, so more of it means junk and is refused.
 */
const STALL_BYTES = 1 * MiB;

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
   * Called for every file entry (not directories) in archive order, after its name passed the
   * checks. `size` is the declared decompressed size, or undefined when the entry only declares it
   * after its data.
   */
  onEntry(name: string, size: number | undefined): EntryDecision | Promise<EntryDecision>;
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
 * Reads a ZIP archive from a stream of bytes, consuming it as it goes: memory stays bounded by the
 * limits' JSON size plus the inflater's working buffers (tens of MiB at worst), whatever the archive declares.
 *
 * Supported: stored and deflated entries, data descriptors (with or without signature, 32- or
 * 64-bit), ZIP64 extra fields on entries under the caps. Refused: see the `archive.*` codes below.
 */
export async function readZip(
  source: AsyncIterable<Uint8Array>,
  handlers: ReadZipHandlers,
  limits: Partial<ReadZipLimits> = {},
): Promise<ReadZipResult> {
  if (typeof zlib.crc32 !== "function") {
    throw new Error(`zlib.crc32 is missing: Node ${process.versions.node} is too old (need 20.15 or newer).`);
  }
  const reader = new ZipReader(handlers, resolveLimits(limits));
  for await (const chunk of source) await reader.push(chunk);
  return reader.finish();
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
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const FLAG_MASKED_HEADER = 0x2000;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;

const EMPTY = new Uint8Array(0);
const PK = Buffer.from("PK", "latin1");

/** Longest data descriptor (signature, CRC, two 64-bit sizes) plus the next record's signature. */
const DESCRIPTOR_LOOKAHEAD = 24 + 4;

const fail = (problem: string, detail: string) => new VisibleError(422, `archive.${problem}`, detail);

function bytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  return `${n} bytes`;
}

interface DescriptorCandidate {
  at: number;
  crc: number;
  size: number;
  length: number;
  followed: boolean;
}

interface LocalHeader {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  hasDescriptor: boolean;
  zip64: boolean;
  offset: number;
  directory: boolean;
}

/** What the central directory is checked against. */
interface Seen {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

class Entry {
  compressed = 0;
  /** Compressed bytes consumed when output last appeared. */
  compressedAtOutput = 0;
  output = 0;
  crc = 0;
  /** Output waiting to be delivered after the current synchronous decoder push. */
  out: Uint8Array[] = [];
  /** The first bytes, held until there are enough to tell whether this is an archive itself. */
  head: Uint8Array[] | null = [];
  headBytes = 0;
  json: Uint8Array[] | null;
  decoderDone = false;
  failure: VisibleError | null = null;
  constructor(
    readonly local: LocalHeader,
    readonly decision: EntryDecision,
    readonly decoder: UnzipDecoder,
  ) {
    this.json = decision.accept === "json" ? [] : null;
  }
}

type State =
  | { kind: "record" }
  | { kind: "data"; entry: Entry; remaining: number }
  | { kind: "descriptor"; entry: Entry }
  | { kind: "done" };

class ZipReader {
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  /** Absolute offset of buf[0] in the archive. */
  private base = 0;
  private state: State = { kind: "record" };
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private need = 0;
  private total = 0;
  private totalCompressed = 0;
  private readonly seen: Seen[] = [];
  private readonly fileKeys = new Set<string>();
  private readonly dirKeys = new Set<string>();
  private readonly explicitDirKeys = new Set<string>();
  private readonly result: ReadZipResult = { entries: [], json: new Map(), directories: [] };
  private central: { start: number; count: number } | null = null;
  private zip64End: { count: number; size: number; offset: number } | null = null;

  constructor(
    private readonly handlers: ReadZipHandlers,
    private readonly limits: ReadZipLimits,
  ) {}

  async push(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    if (this.state.kind === "done") {
      throw fail("trailing_data", "The archive has data after its end-of-central-directory record.");
    }
    // Small chunks are only joined once the record being waited for is complete, so a header
    // arriving a byte at a time costs one copy, not one per byte.
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.available + this.pendingBytes < this.need) return;
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length === 0 && this.pending.length === 1 ? chunk : Buffer.concat([rest, ...this.pending]);
    this.base += this.pos;
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.need = 0;
    while (await this.step()) {
      // each step consumes bytes or changes state
    }
    // Only a partial record (or a descriptor lookahead) is left; copying it lets the chunk go.
    if (this.pos < this.buf.length && this.pos > 0) {
      this.base += this.pos;
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
    }
  }

  /** Records how many bytes from `pos` the current step needs before it can go on. */
  private wait(bytes: number): false {
    this.need = bytes;
    return false;
  }

  finish(): ReadZipResult {
    const state = this.state;
    if (state.kind === "done") return this.result;
    const received = this.base + this.buf.length + this.pendingBytes;
    if (this.seen.length === 0 && this.central === null && received < 4) {
      throw fail("not_zip", received === 0 ? "The upload is empty, not a ZIP archive." : `The upload is only ${received} bytes, not a ZIP archive.`);
    }
    if (state.kind === "data" || state.kind === "descriptor") {
      throw fail("truncated", `The archive ends inside entry ${showName(state.entry.local.name)} (after ${received} bytes).`);
    }
    throw fail("truncated", `The archive ends after ${received} bytes without an end-of-central-directory record.`);
  }

  private get available(): number {
    return this.buf.length - this.pos;
  }

  private u16(at: number): number {
    const b = this.buf;
    return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
  }

  private u32(at: number): number {
    const b = this.buf;
    return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
  }

  /** Values above 2^53 are reported as Infinity, which every cap then refuses. */
  private u64(at: number): number {
    const value = this.u32(at) + this.u32(at + 4) * 2 ** 32;
    return Number.isSafeInteger(value) ? value : Infinity;
  }

  private async step(): Promise<boolean> {
    const state = this.state;
    switch (state.kind) {
      case "record":
        return this.record();
      case "data":
        return this.knownSizeData(state.entry, state.remaining);
      case "descriptor":
        return this.descriptorData(state.entry);
      case "done":
        if (this.available > 0) {
          throw fail("trailing_data", "The archive has data after its end-of-central-directory record.");
        }
        return false;
    }
  }

  private async record(): Promise<boolean> {
    if (this.available < 4) return this.wait(4);
    const at = this.pos;
    const offset = this.base + at;
    const signature = this.u32(at);
    if (offset === 0 && signature !== SIG_LOCAL && signature !== SIG_END) throw notZip(this.buf.subarray(0, 16));
    switch (signature) {
      case SIG_LOCAL:
        if (this.central) throw fail("corrupt", `A local file header follows the central directory (at byte ${offset}).`);
        return this.localHeader(at, offset);
      case SIG_CENTRAL:
        return this.centralHeader(at, offset);
      case SIG_ZIP64_END:
        return this.zip64EndRecord(at);
      case SIG_ZIP64_LOCATOR:
        if (this.available < 20) return this.wait(20);
        this.pos += 20;
        return true;
      case SIG_END:
        return this.endRecord(at, offset);
      default:
        throw fail("corrupt", `Unexpected bytes at offset ${offset} where a ZIP record should start.`);
    }
  }

  private async localHeader(at: number, offset: number): Promise<boolean> {
    if (this.available < 30) return this.wait(30);
    const nameLength = this.u16(at + 26);
    const extraLength = this.u16(at + 28);
    if (this.available < 30 + nameLength + extraLength) return this.wait(30 + nameLength + extraLength);

    if (this.seen.length >= this.limits.maxEntries) {
      throw fail("too_many_entries", `The archive has more than ${this.limits.maxEntries} entries (the cap).`);
    }
    const flags = this.u16(at + 6);
    const method = this.u16(at + 8);
    const name = decodeName(this.buf.subarray(at + 30, at + 30 + nameLength), flags);
    const extra = this.buf.subarray(at + 30 + nameLength, at + 30 + nameLength + extraLength);
    const shown = showName(name);

    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADER) || method === METHOD_AES) {
      throw fail("encrypted", `Entry ${shown} is encrypted; export it again without a password.`);
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      throw fail("unsupported_method", `Entry ${shown} uses compression method ${method}; only stored (0) and deflate (8) are supported.`);
    }
    const unsafe = unsafeNameReason(name);
    if (unsafe) throw fail("unsafe_name", `Entry ${shown} is refused: ${unsafe}.`);
    const directory = isDirectoryName(name);
    if (!directory && isNestedArchiveName(name)) {
      throw fail("nested", `Entry ${shown} is an archive inside the archive; nested archives are not accepted.`);
    }
    this.claimName(name, directory);

    let size = this.u32(at + 22);
    let compressedSize = this.u32(at + 18);
    const zip64 = readZip64Extra(extra, shown, [size === U32_MAX, compressedSize === U32_MAX]);
    if (zip64.values[0] !== undefined) size = zip64.values[0];
    if (zip64.values[1] !== undefined) compressedSize = zip64.values[1];
    const hasDescriptor = (flags & FLAG_DESCRIPTOR) !== 0;
    const local: LocalHeader = {
      name,
      flags,
      method,
      crc: this.u32(at + 14),
      compressedSize,
      size,
      hasDescriptor,
      zip64: zip64.present,
      offset,
      directory,
    };
    this.pos = at + 30 + nameLength + extraLength;

    if (!hasDescriptor) {
      this.checkDeclaredSize(local);
      if (method === METHOD_STORED && compressedSize !== size) {
        throw fail("corrupt", `Stored entry ${shown} declares ${compressedSize} stored bytes but a size of ${size}.`);
      }
    }
    const decision: EntryDecision = directory
      ? { accept: "skip" }
      : await this.handlers.onEntry(name, hasDescriptor ? undefined : size);
    if (decision.accept === "json" && !hasDescriptor && size > this.limits.maxJsonBytes) {
      throw jsonTooLarge(shown, this.limits.maxJsonBytes);
    }
    const decoder: UnzipDecoder = method === METHOD_DEFLATE ? new UnzipInflate() : new UnzipPassThrough();
    const entry = new Entry(local, decision, decoder);
    decoder.ondata = (error, data, final) => this.onOutput(entry, error, data, final);
    this.state = hasDescriptor ? { kind: "descriptor", entry } : { kind: "data", entry, remaining: compressedSize };
    return true;
  }

  /** Refuses duplicates, case-insensitively, and a name used both as a file and as a directory. */
  private claimName(name: string, directory: boolean) {
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

  /** Refuses declared sizes over a cap before decompressing anything. */
  private checkDeclaredSize(local: LocalHeader) {
    const shown = showName(local.name);
    if (local.size > this.limits.maxEntryBytes) throw entryTooLarge(shown, this.limits.maxEntryBytes);
    if (this.total + local.size > this.limits.maxTotalBytes) throw totalTooLarge(shown, this.limits.maxTotalBytes);
    if (local.compressedSize > compressedCap(this.limits.maxEntryBytes)) throw entryTooLarge(shown, this.limits.maxEntryBytes);
  }

  /** Called synchronously from inside a decoder push: only records, never throws. */
  private onOutput(entry: Entry, error: Error | null, data: Uint8Array | null, final: boolean) {
    if (entry.failure) return;
    if (error) {
      entry.failure = fail("corrupt", `Entry ${showName(entry.local.name)} is not valid deflate data (${error.message}).`);
      return;
    }
    if (data && data.length > 0) {
      entry.compressedAtOutput = entry.compressed;
      entry.output += data.length;
      this.total += data.length;
      entry.failure = this.capExceeded(entry);
      if (entry.failure) return;
      entry.crc = zlib.crc32(data, entry.crc);
      entry.out.push(data);
    }
    if (final) entry.decoderDone = true;
  }

  private capExceeded(entry: Entry): VisibleError | null {
    const shown = () => showName(entry.local.name);
    const limits = this.limits;
    if (entry.output > limits.maxEntryBytes) return entryTooLarge(shown(), limits.maxEntryBytes);
    if (this.total > limits.maxTotalBytes) return totalTooLarge(shown(), limits.maxTotalBytes);
    if (entry.json && entry.output > limits.maxJsonBytes) return jsonTooLarge(shown(), limits.maxJsonBytes);
    if (
      entry.local.method === METHOD_DEFLATE &&
      entry.output > RATIO_FLOOR_BYTES &&
      entry.output > entry.compressed * limits.maxRatio
    ) {
      return fail(
        "ratio",
        `Entry ${shown()} expands more than ${limits.maxRatio}:1 (${entry.output} bytes from ${entry.compressed}); this looks like a zip bomb.`,
      );
    }
    return null;
  }

  /** Feeds compressed bytes to the entry's decoder and delivers what comes out. */
  private async feed(entry: Entry, data: Uint8Array) {
    const slice = entry.local.method === METHOD_DEFLATE ? INFLATE_SLICE_BYTES : Math.max(data.length, 1);
    for (let i = 0; i < data.length; i += slice) {
      const part = data.subarray(i, i + slice);
      entry.compressed += part.length;
      this.totalCompressed += part.length;
      if (entry.compressed > compressedCap(this.limits.maxEntryBytes)) {
        throw entryTooLarge(showName(entry.local.name), this.limits.maxEntryBytes);
      }
      if (this.totalCompressed > compressedCap(this.limits.maxTotalBytes)) {
        throw totalTooLarge(showName(entry.local.name), this.limits.maxTotalBytes);
      }
      entry.decoder.push(part, false);
      await this.deliver(entry);
      if (entry.compressed - entry.compressedAtOutput > STALL_BYTES) {
        throw fail("corrupt", `Entry ${showName(entry.local.name)} has more than ${bytes(STALL_BYTES)} of compressed data that decodes to nothing.`);
      }
    }
  }

  private async deliver(entry: Entry) {
    if (entry.failure) {
      entry.decoder.terminate?.();
      throw entry.failure;
    }
    const chunks = entry.out;
    if (chunks.length === 0) return;
    entry.out = [];
    for (const chunk of chunks) {
      if (entry.head) {
        entry.head.push(chunk);
        entry.headBytes += chunk.length;
        if (entry.headBytes < NESTED_PROBE_BYTES) continue;
        await this.releaseHead(entry);
      } else {
        await this.emit(entry, chunk);
      }
    }
  }

  /** Checks the first bytes for another archive's magic, then passes them on. */
  private async releaseHead(entry: Entry) {
    const held = entry.head ?? [];
    entry.head = null;
    const first = Buffer.concat(held, Math.min(entry.headBytes, NESTED_PROBE_BYTES));
    const kind = archiveMagic(first);
    if (kind) {
      throw fail("nested", `Entry ${showName(entry.local.name)} holds a ${kind} archive; nested archives are not accepted.`);
    }
    for (const chunk of held) await this.emit(entry, chunk);
  }

  private async emit(entry: Entry, chunk: Uint8Array) {
    const decision = entry.decision;
    if (decision.accept === "stream") await decision.sink(chunk);
    else if (entry.json) entry.json.push(chunk);
  }

  private async knownSizeData(entry: Entry, remaining: number): Promise<boolean> {
    if (remaining > 0) {
      const take = Math.min(remaining, this.available);
      if (take === 0) return this.wait(1);
      const data = this.buf.subarray(this.pos, this.pos + take);
      this.pos += take;
      this.state = { kind: "data", entry, remaining: remaining - take };
      await this.feed(entry, data);
      if (remaining - take > 0) return true;
    }
    const local = entry.local;
    await this.endEntry(entry, { crc: local.crc, size: local.size, compressedSize: local.compressedSize });
    return true;
  }

  /**
   * Bit 3 entries: the sizes and CRC follow the data, so the end of the data is the first place
   * where a data descriptor whose compressed size equals the bytes seen so far sits. The descriptor
   * has the "PK\x07\x08" signature or (older writers) none, in which case the next record's
   * signature must follow it; both make a false match a 1-in-2^64 event.
   */
  private async descriptorData(entry: Entry): Promise<boolean> {
    const buf = this.buf;
    const start = this.pos;
    const end = buf.length;
    // Every candidate before safeEnd can be judged from the bytes at hand.
    const safeEnd = Math.max(start, end - DESCRIPTOR_LOOKAHEAD);
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    let found: DescriptorCandidate | null = null;
    for (let s = view.indexOf(PK, start); s >= 0 && s + 4 <= end; s = view.indexOf(PK, s + 1)) {
      for (const candidate of this.descriptorCandidates(entry, s, start, safeEnd)) {
        if (!found || candidate.at < found.at || (candidate.at === found.at && candidate.followed && !found.followed)) {
          found = candidate;
        }
      }
      // Candidates of later signatures start at s - 20 at the earliest.
      if (found && found.at <= s - 20) break;
    }
    if (!found) {
      if (safeEnd === start) return this.wait(DESCRIPTOR_LOOKAHEAD + 1);
      this.pos = safeEnd;
      await this.feed(entry, buf.subarray(start, safeEnd));
      return true;
    }
    this.pos = found.at + found.length;
    await this.feed(entry, buf.subarray(start, found.at));
    await this.endEntry(entry, { crc: found.crc, size: found.size, compressedSize: entry.compressed });
    return true;
  }

  /**
   * Descriptors that could end the entry's data, given a "PK" at `s`. A ZIP64 entry's descriptor
   * may have 32- or 64-bit sizes, and both can match at one place; the one followed by a record
   * signature wins.
   */
  private descriptorCandidates(entry: Entry, s: number, start: number, safeEnd: number): DescriptorCandidate[] {
    const out: DescriptorCandidate[] = [];
    const dataSoFar = (at: number) => entry.compressed + (at - start);
    const inRange = (at: number) => at >= start && at < safeEnd;
    const isRecord = (at: number) => this.u32(at) === SIG_LOCAL || this.u32(at) === SIG_CENTRAL;
    const signature = this.u32(s);
    if (signature === SIG_DESCRIPTOR && inRange(s)) {
      if (this.u32(s + 8) === dataSoFar(s)) {
        out.push({ at: s, crc: this.u32(s + 4), size: this.u32(s + 12), length: 16, followed: isRecord(s + 16) });
      }
      if (entry.local.zip64 && this.u64(s + 8) === dataSoFar(s)) {
        out.push({ at: s, crc: this.u32(s + 4), size: this.u64(s + 16), length: 24, followed: isRecord(s + 24) });
      }
    }
    if (signature === SIG_LOCAL || signature === SIG_CENTRAL) {
      const short = s - 12;
      if (inRange(short) && this.u32(short + 4) === dataSoFar(short)) {
        out.push({ at: short, crc: this.u32(short), size: this.u32(short + 8), length: 12, followed: true });
      }
      const long = s - 20;
      if (entry.local.zip64 && inRange(long) && this.u64(long + 4) === dataSoFar(long)) {
        out.push({ at: long, crc: this.u32(long), size: this.u64(long + 12), length: 20, followed: true });
      }
    }
    return out;
  }

  private async endEntry(entry: Entry, declared: { crc: number; size: number; compressedSize: number }) {
    entry.decoder.push(EMPTY, true);
    await this.deliver(entry);
    const local = entry.local;
    const shown = showName(local.name);
    if (!entry.decoderDone) throw fail("corrupt", `Entry ${shown} ends before its deflate stream does.`);
    if (entry.head) await this.releaseHead(entry);
    if (entry.output !== declared.size) {
      throw fail("size_mismatch", `Entry ${shown} declares ${declared.size} bytes but holds ${entry.output}.`);
    }
    if (entry.crc !== declared.crc) {
      throw fail(
        "crc_mismatch",
        `Entry ${shown} is damaged: its CRC-32 is ${hex(entry.crc)} but the archive records ${hex(declared.crc)}.`,
      );
    }
    this.seen.push({
      name: local.name,
      flags: local.flags,
      method: local.method,
      crc: declared.crc,
      compressedSize: declared.compressedSize,
      size: declared.size,
      offset: local.offset,
    });
    this.state = { kind: "record" };
    if (local.directory) {
      if (entry.output > 0) throw fail("unsafe_name", `Directory entry ${shown} carries data.`);
      this.result.directories.push(local.name);
      return;
    }
    if (entry.json) this.result.json.set(local.name, parseJson(shown, entry.json));
    const info: ZipEntryInfo = {
      name: local.name,
      method: local.method === METHOD_DEFLATE ? "deflate" : "stored",
      size: entry.output,
      compressedSize: declared.compressedSize,
      crc32: entry.crc,
      accepted: entry.decision.accept,
    };
    this.result.entries.push(info);
    await this.handlers.onEntryEnd?.(info);
  }

  /** Each central record must describe, in order, the entry the local headers and data showed. */
  private centralHeader(at: number, offset: number): boolean {
    if (this.available < 46) return this.wait(46);
    const nameLength = this.u16(at + 28);
    const extraLength = this.u16(at + 30);
    const commentLength = this.u16(at + 32);
    const length = 46 + nameLength + extraLength + commentLength;
    if (this.available < length) return this.wait(length);
    this.central ??= { start: offset, count: 0 };
    const index = this.central.count++;
    const seen = this.seen[index];
    const flags = this.u16(at + 8);
    const name = decodeName(this.buf.subarray(at + 46, at + 46 + nameLength), flags);
    if (!seen) {
      if (index >= this.limits.maxEntries) {
        throw fail("too_many_entries", `The archive has more than ${this.limits.maxEntries} entries (the cap).`);
      }
      throw inconsistent(`its central directory lists ${showName(name)}, which has no local entry`);
    }
    const extra = this.buf.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    let size = this.u32(at + 24);
    let compressedSize = this.u32(at + 20);
    let localOffset = this.u32(at + 42);
    const zip64 = readZip64Extra(extra, showName(name), [size === U32_MAX, compressedSize === U32_MAX, localOffset === U32_MAX]);
    size = zip64.values[0] ?? size;
    compressedSize = zip64.values[1] ?? compressedSize;
    localOffset = zip64.values[2] ?? localOffset;
    const shown = showName(seen.name);
    if (name !== seen.name) throw inconsistent(`its central directory names entry ${index + 1} ${showName(name)}, its local header ${shown}`);
    if (this.u16(at + 10) !== seen.method) throw inconsistent(`the central directory and the local header of ${shown} name different compression methods`);
    if ((flags ^ seen.flags) & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw inconsistent(`the central directory and the local header of ${shown} disagree on encryption`);
    if (this.u32(at + 16) !== seen.crc) {
      throw fail("crc_mismatch", `The central directory records CRC-32 ${hex(this.u32(at + 16))} for ${shown}, whose data has ${hex(seen.crc)}.`);
    }
    if (size !== seen.size || compressedSize !== seen.compressedSize) throw inconsistent(`the central directory records other sizes for ${shown}`);
    if (localOffset !== seen.offset) throw inconsistent(`the central directory places ${shown} at byte ${localOffset}, not ${seen.offset}`);
    if (this.u16(at + 34) !== 0 && this.u16(at + 34) !== 0xffff) throw fail("corrupt", "Multi-volume (split) archives are not supported.");
    this.pos = at + length;
    return true;
  }

  private zip64EndRecord(at: number): boolean {
    if (this.available < 56) return this.wait(56);
    const recordSize = this.u64(at + 4);
    if (recordSize < 44 || recordSize > 64 * 1024) throw fail("corrupt", `The ZIP64 end record declares an implausible size (${recordSize}).`);
    const length = 12 + recordSize;
    if (this.available < length) return this.wait(length);
    this.zip64End = { count: this.u64(at + 32), size: this.u64(at + 40), offset: this.u64(at + 48) };
    this.pos = at + length;
    return true;
  }

  private endRecord(at: number, offset: number): boolean {
    if (this.available < 22) return this.wait(22);
    const commentLength = this.u16(at + 20);
    if (this.available < 22 + commentLength) return this.wait(22 + commentLength);
    const z64 = this.zip64End;
    const count = this.u16(at + 10) === 0xffff && z64 ? z64.count : this.u16(at + 10);
    const size = this.u32(at + 12) === U32_MAX && z64 ? z64.size : this.u32(at + 12);
    const cdOffset = this.u32(at + 16) === U32_MAX && z64 ? z64.offset : this.u32(at + 16);
    if (this.u16(at + 4) !== 0 && this.u16(at + 4) !== 0xffff) throw fail("corrupt", "Multi-volume (split) archives are not supported.");
    const central = this.central ?? { start: offset, count: 0 };
    if (central.count !== this.seen.length) {
      throw inconsistent(`it has ${this.seen.length} entries but its central directory lists ${central.count}`);
    }
    if (count !== central.count) throw inconsistent(`its end record counts ${count} entries, its central directory ${central.count}`);
    if (cdOffset !== central.start) throw inconsistent(`its end record places the central directory at byte ${cdOffset}, not ${central.start}`);
    // The ZIP64 end record and locator, when present, sit between the directory and this record.
    const cdEnd = central.start + size;
    if (cdEnd > offset || (cdEnd !== offset && !z64)) throw inconsistent(`its end record gives the central directory ${size} bytes`);
    this.pos = at + 22 + commentLength;
    this.state = { kind: "done" };
    return true;
  }
}

const NESTED_PROBE_BYTES = 8;

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

/**
 * The ZIP64 extended-information field holds 64-bit values for exactly the header fields that
 * are 0xFFFFFFFF, in a fixed order; `wanted` says which those are.
 */
function readZip64Extra(extra: Uint8Array, shown: string, wanted: boolean[]): { present: boolean; values: (number | undefined)[] } {
  const view = Buffer.from(extra.buffer, extra.byteOffset, extra.byteLength);
  const values: (number | undefined)[] = [];
  let present = false;
  for (let i = 0; i + 4 <= view.length; ) {
    const id = view.readUInt16LE(i);
    const length = view.readUInt16LE(i + 2);
    if (i + 4 + length > view.length) throw fail("corrupt", `Entry ${shown} has a malformed extra field.`);
    if (id === 0x0001) {
      present = true;
      let at = i + 4;
      for (const [index, want] of wanted.entries()) {
        if (!want) continue;
        if (at + 8 > i + 4 + length) throw fail("corrupt", `Entry ${shown} has a short ZIP64 extra field.`);
        const value = view.readUInt32LE(at) + view.readUInt32LE(at + 4) * 2 ** 32;
        values[index] = Number.isSafeInteger(value) ? value : Infinity;
        at += 8;
      }
    } else if (id === 0x9901) {
      throw fail("encrypted", `Entry ${shown} is AES-encrypted; export it again without a password.`);
    }
    i += 4 + length;
  }
  return { present, values };
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
