import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { VisibleError } from "../errors";
import { newId } from "../ids";
import type { GenerationItem, Version } from "../generations/model";
import { eachGeneration } from "../generations/query";
import { mutateGeneration } from "../generations/repo";
import { bucketName } from "../resources";
import type { AudioArchive } from "../shapes/generation";
import { s3 } from "../storage/client";
import { objectKeys } from "../storage/keys";
import { deleteObjectsOfGoneRecords, headObject, readObjectStart, type ObjectHead } from "../storage/objects";
import { streamUpload } from "../storage/stream-upload";
import { certainlyNotApplied } from "../table/transact";
import { frameCount, locateSamples, WAV_HEADER_PROBE_BYTES, type SampleLocation } from "../wav/inspect";
import { withTotalSamples } from "../audio/flac-header";
import { encodeFlac, keptAsWavBecause } from "./codec";
import { withForeignBytes, type ForeignBytes } from "./flac-blocks";
import { openOriginalWav } from "./original";

export const DAY_MS = 24 * 3600 * 1000;

/** An archive job stops starting new audio after this long (the worker times out at 15 minutes; one large file takes a few). */
export const ARCHIVE_JOB_BUDGET_MS = 8 * 60 * 1000;

/** A FLAC must save at least this share of the WAV, or the WAV stays (and is not tried again). */
export const MIN_SAVING = 0.1;

/**
 * Where a test stops an archiving run the way a crash would, without any clean-up: after the FLAC
 * is written (and checked), or after the record points at it (before the WAV is deleted).
 */
export type CrashPoint = "flac_written" | "recorded";

export class SimulatedCrash extends Error {
  override name = "SimulatedCrash";
}

export type ArchiveOutcome = { state: "archived"; wavBytes: number; flacBytes: number } | { state: "kept_wav"; reason: string } | { state: "skipped" };

const isOriginal = (item: GenerationItem, version: Version) => version.audio_path === item.audio_path;

/** Reads a byte range of exactly the object version `head` names. */
async function readRange(key: string, head: ObjectHead, start: number, end: number): Promise<Readable> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key, Range: `bytes=${start}-${end - 1}`, IfMatch: head.etag }));
  return Body as Readable;
}

const rangeBytes = async (key: string, head: ObjectHead, start: number, end: number): Promise<Uint8Array> =>
  end > start ? Buffer.concat(await (await readRange(key, head, start, end)).toArray()) : new Uint8Array(0);

/** The SHA-256 (hex) and length of a stream. */
async function digest(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/**
 * Encodes the WAV's samples (a ranged GET of just them) to FLAC with the WAV's other bytes in a
 * metadata block, into `flacKey` by multipart upload. Returns the FLAC's size and the SHA-256 of
 * the WAV as header + samples + trailer (every range pinned to one ETag, so one version of it).
 */
async function writeFlac(wavKey: string, head: ObjectHead, where: SampleLocation, foreign: ForeignBytes, flacKey: string) {
  const { info, dataOffset } = where;
  const hash = createHash("sha256").update(foreign.header);
  const samples = await readRange(wavKey, head, dataOffset, dataOffset + info.dataBytes);
  const hashed = Readable.from(
    (async function* () {
      for await (const chunk of samples as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  const encoder = encodeFlac(hashed, info);
  const upload = streamUpload(flacKey, "audio/flac");
  let flacBytes = 0;
  try {
    for await (const chunk of withForeignBytes(withTotalSamples(encoder.output as AsyncIterable<Buffer>, frameCount(info)), foreign)) {
      flacBytes += chunk.length;
      await upload.write(chunk);
    }
    await encoder.finished;
    await upload.end();
  } catch (error) {
    encoder.output.destroy();
    await upload.abort();
    throw error;
  }
  return { flacBytes, sha256: hash.update(foreign.trailer).digest("hex") };
}

/** Why a written FLAC won't do (it saves too little, or does not restore to the WAV's bytes), or null. */
async function flacUnusable(flacKey: string, wavBytes: number, archive: AudioArchive): Promise<string | null> {
  if (archive.stored_bytes > wavBytes * (1 - MIN_SAVING)) {
    return `FLAC saves ${(((wavBytes - archive.stored_bytes) / wavBytes) * 100).toFixed(1)}%, under ${MIN_SAVING * 100}%`;
  }
  const check = await digest(await openOriginalWav({ audio_path: flacKey, size_bytes: wavBytes, archive }));
  return check.sha256 === archive.sha256 && check.bytes === wavBytes ? null : "the FLAC did not restore to the same bytes";
}

/** Records `archive` on the version (and moves it, and the generation when it is the original, to `audioPath`), only while it still holds `wavKey`. */
async function record(tenant: string, generationId: string, versionId: string, wavKey: string, archive: AudioArchive, audioPath = wavKey): Promise<boolean> {
  const change = mutateGeneration(tenant, generationId, (item) => {
    const version = item.versions.find((v) => v.id === versionId);
    if (!version || version.audio_path !== wavKey || version.archive) return { kind: "keep" };
    const moved = { ...version, audio_path: audioPath, archive };
    return {
      kind: "put",
      // Not touched: archival changes how the audio is stored, not what the generation is.
      item: { ...item, ...(isOriginal(item, version) ? { audio_path: audioPath } : {}), versions: item.versions.map((v) => (v.id === versionId ? moved : v)) },
    };
  });
  // A generation deleted (or trashed) meanwhile is no longer ours to change.
  const outcome = await change.catch((error: unknown) => {
    if (error instanceof VisibleError && error.status === 404) return undefined;
    throw error;
  });
  return outcome !== undefined && outcome.before !== outcome.after;
}

/**
 * Archives one completed version's audio (the original is one): WAV → FLAC with its other bytes,
 * checked by restoring it and comparing SHA-256 with the WAV's, recorded on the generation, then
 * the WAV deleted. Crash safety: until the record points at the FLAC the WAV is the audio and the
 * FLAC an orphan (reconcile deletes it); once it does, the WAV is the orphan. Exactly one usable
 * copy is owned at every step. Audio FLAC can't hold losslessly, or saves under 10% of, is
 * recorded `kept_wav` and never tried again.
 */
export async function archiveVersion(tenant: string, generationId: string, version: Version, crashAt?: CrashPoint): Promise<ArchiveOutcome> {
  const wavKey = version.audio_path;
  if (version.status !== "completed" || version.archive) return { state: "skipped" };
  const head = await headObject(wavKey);
  if (!head) return { state: "skipped" };
  const where = locateSamples(await readObjectStart(wavKey, head.etag, Math.min(WAV_HEADER_PROBE_BYTES, head.size)), head.size);
  const pcmEnd = where.dataOffset + where.info.dataBytes;
  const kept = async (reason: string): Promise<ArchiveOutcome> => {
    const recorded = await record(tenant, generationId, version.id, wavKey, { state: "kept_wav", stored_bytes: head.size, sha256: null, reason, at: new Date().toISOString() });
    return recorded ? { state: "kept_wav", reason } : { state: "skipped" };
  };
  const unfit = keptAsWavBecause(where.info, head.size - where.info.dataBytes);
  if (unfit) return kept(unfit);

  const foreign = { header: await rangeBytes(wavKey, head, 0, where.dataOffset), trailer: await rangeBytes(wavKey, head, pcmEnd, head.size) };
  const flacKey = objectKeys.archivedAudio(tenant, generationId, newId());
  const { flacBytes, sha256 } = await writeFlac(wavKey, head, where, foreign, flacKey);
  const archive: AudioArchive = { state: "flac", stored_bytes: flacBytes, sha256, reason: null, at: new Date().toISOString() };
  // Any failure from here to the record leaves the FLAC to nobody: it goes, and a rerun tries again.
  const unusable = await flacUnusable(flacKey, head.size, archive).catch(async (error: unknown) => {
    await deleteObjectsOfGoneRecords([flacKey]);
    throw error;
  });
  if (unusable) {
    await deleteObjectsOfGoneRecords([flacKey]);
    return kept(unusable);
  }
  if (crashAt === "flac_written") throw new SimulatedCrash(crashAt);
  let recorded: boolean;
  try {
    recorded = await record(tenant, generationId, version.id, wavKey, archive, flacKey);
  } catch (error) {
    // Otherwise the transaction may have applied: reconcile decides from the record, after a day.
    if (certainlyNotApplied(error)) await deleteObjectsOfGoneRecords([flacKey]);
    throw error;
  }
  if (!recorded) {
    // The version changed (deleted, archived by a racing run) meanwhile: this FLAC is nobody's.
    await deleteObjectsOfGoneRecords([flacKey]);
    return { state: "skipped" };
  }
  if (crashAt === "recorded") throw new SimulatedCrash(crashAt);
  await deleteObjectsOfGoneRecords([wavKey]);
  return { state: "archived", wavBytes: head.size, flacBytes };
}

export interface ArchiveResult {
  older_than_days: number;
  /** Generations created before this instant were looked at. */
  cutoff: string;
  examined_generations: number;
  /** Audio objects now stored as FLAC. */
  archived: number;
  /** Audio tried and kept as WAV (float, 32-bit, saving under 10%): not tried again. */
  kept_wav: number;
  /** WAV bytes minus FLAC bytes of what this run archived. */
  bytes_saved: number;
  /** The run stopped at its time budget with audio left: another job carries on. */
  more: boolean;
}

/** The versions of `item` whose audio is due: completed, not tried yet, created (the original: the generation) before the cutoff. */
const dueVersions = (item: GenerationItem, cutoffMs: number): Version[] =>
  item.status !== "completed"
    ? []
    : item.versions.filter(
        (v) => v.status === "completed" && !v.archive && Date.parse(isOriginal(item, v) ? item.created_at : v.created_at) < cutoffMs,
      );

/**
 * Archives every completed generation's and version's audio older than `olderThanDays` (a job: the
 * daily sweep's per `archive_after_days`, or `POST /maintenance/archive`). Generations are read by
 * created_at (a key range, oldest first); what is archived or kept is recorded, so a rerun after a
 * crash does only what is left. Trashed generations are left as they are. Past `stopAt` it stops
 * before the next audio with `more` set, for the caller to queue the rest (a worker's time is capped).
 */
export async function archiveTenant(
  tenant: string,
  olderThanDays: number,
  options: { now?: number; stopAt?: number; progress?: (examined: number) => void | Promise<void> } = {},
): Promise<ArchiveResult> {
  const cutoffMs = (options.now ?? Date.now()) - olderThanDays * DAY_MS;
  const cutoff = new Date(cutoffMs).toISOString();
  const result: ArchiveResult = { older_than_days: olderThanDays, cutoff, examined_generations: 0, archived: 0, kept_wav: 0, bytes_saved: 0, more: false };
  // The key range bounds by the id's millisecond, which a version's own created_at never precedes.
  for await (const page of eachGeneration(tenant, { created_before: new Date(cutoffMs + 1).toISOString() }, true, 50)) {
    for (const item of page) {
      for (const version of dueVersions(item, cutoffMs)) {
        if (Date.now() >= (options.stopAt ?? Infinity)) {
          result.more = true;
          return result;
        }
        const outcome = await archiveVersion(tenant, item.id, version);
        if (outcome.state === "archived") {
          result.archived++;
          result.bytes_saved += outcome.wavBytes - outcome.flacBytes;
        } else if (outcome.state === "kept_wav") result.kept_wav++;
      }
    }
    result.examined_generations += page.length;
    await options.progress?.(result.examined_generations);
  }
  return result;
}
