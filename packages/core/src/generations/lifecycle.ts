import { VisibleError } from "../errors";
import { limits } from "../limits";
import { copyObject } from "../storage/copy";
import { objectKeys, restoredCopyOf } from "../storage/keys";
import { deleteObjects, deleteObjectsOfGoneRecords, headObject, readObjectStart, SourceChanged } from "../storage/objects";
import { InvalidWav, inspectWav, WAV_HEADER_PROBE_BYTES, type WavInfo } from "../wav/inspect";
import { newId } from "../ids";
import { certainlyNotApplied } from "../table/transact";
import { getSettings } from "../settings/service";
import { disposalChange, disposalFor } from "./disposal";
import type { Quotas } from "../stats/aggregates";
import { isArchived, ORIGINAL_LABEL, toGeneration, touched, type Generation, type GenerationItem, type Version } from "./model";
import { getGeneration, mutateGeneration } from "./repo";

const missingAudio = () => new VisibleError(422, "audio.missing", "No audio has been uploaded for this generation yet.");

/** What inspection found in an object, and the ETag of exactly the bytes it read. */
export type InspectedAudio = WavInfo & { size: number; etag: string };

/** Audio the service won't take, and the ETag of the upload it was (see `noteRefusal`). */
export class AudioRefused extends VisibleError {
  constructor(
    readonly etag: string,
    status: 413 | 422,
    code: string,
    detail: string,
  ) {
    super(status, code, detail);
  }
}

/** Reads the uploaded object's header and size; refuses missing, oversized or non-WAV audio. */
export async function inspectUploadedAudio(key: string): Promise<InspectedAudio> {
  const head = await headObject(key);
  if (!head) throw missingAudio();
  if (head.size > limits.maxAudioBytes) {
    await deleteObjects([key]);
    throw new AudioRefused(
      head.etag,
      413,
      "audio.too_large",
      `The uploaded audio is ${head.size} bytes; the limit is ${limits.maxAudioBytes}. It was deleted; upload a smaller file.`,
    );
  }
  if (head.size === 0) {
    throw new AudioRefused(head.etag, 422, "audio.invalid", "The uploaded audio is empty (0 bytes); upload the WAV file again.");
  }
  const start = await readObjectStart(key, head.etag, Math.min(WAV_HEADER_PROBE_BYTES, head.size)).catch((error: unknown) => {
    if ((error as { name?: string }).name === "NoSuchKey") throw missingAudio();
    throw error;
  });
  try {
    return { ...inspectWav(start, head.size), size: head.size, etag: head.etag };
  } catch (error) {
    if (error instanceof InvalidWav) {
      throw new AudioRefused(head.etag, 422, "audio.invalid", `The uploaded audio is not a usable WAV file: ${error.reason}.`);
    }
    throw error;
  }
}

/** The byte and count quotas a growing generation (or a new one) is held to. */
export async function quotasOf(tenant: string): Promise<Quotas> {
  const settings = await getSettings(tenant);
  return {
    tenant: settings.quota_bytes,
    profile: settings.profile_quota_bytes,
    tenantGenerations: settings.quota_generations,
    profileGenerations: settings.profile_quota_generations,
  };
}

/** Durations are kept to the millisecond (see countedFacts). */
export const roundDuration = (seconds: number): number => Math.round(seconds * 1000) / 1000;

function originalVersion(item: GenerationItem, audio: InspectedAudio, audioPath: string): Version {
  return {
    id: newId(),
    label: ORIGINAL_LABEL,
    effects_chain: [],
    is_default: !item.versions.some((v) => v.is_default),
    status: "completed",
    audio_path: audioPath,
    duration: roundDuration(audio.durationSeconds),
    size_bytes: audio.size,
    created_at: new Date().toISOString(),
    error: null,
    error_code: null,
    archive: null,
  };
}

const notPending = (item: GenerationItem, action: string) =>
  new VisibleError(409, "generation.not_pending", `Generation ${item.id} is ${item.status}; only a pending generation can be ${action}.`);

export interface Placement {
  tenant: string;
  generationId: string;
  /** The key the client uploaded to. */
  upload: string;
  /** A fresh key under t/ for the inspected bytes; nothing else ever writes it. */
  audioPath: string;
  /** Records the completion (one transaction); resolves with the item as it now is. */
  record: (audio: InspectedAudio) => Promise<GenerationItem>;
  /** Whether the item points at `audioPath`, i.e. this completion is the one recorded. */
  recorded: (item: GenerationItem) => boolean;
  /** The item as it is now, if another completion has recorded it meanwhile. */
  completedMeanwhile: () => Promise<GenerationItem | undefined>;
  /** The item with `refusal` on the pending record; undefined when that is no longer pending or already says so. */
  withRefusal: (item: GenerationItem, refusal: VisibleError) => GenerationItem | undefined;
}

/** Whether a pending generation's or version's `error` and `error_code` already say `refusal`. */
export const showsRefusal = (record: { error?: string | null; error_code?: string | null }, refusal: VisibleError): boolean =>
  record.error === refusal.detail && record.error_code === refusal.code;

/** Whether the upload an ETag named is still the one at `key` (or was deleted, as an oversized one is). */
async function stillUploaded(key: string, etag: string): Promise<boolean> {
  const head = await headObject(key);
  return !head || head.etag === etag;
}

/**
 * Records why an upload was refused (not a WAV, too large, over quota) on its pending record, so
 * that it says why it is still pending until an upload completes it. Rev-guarded like every
 * change, and only while the refused upload is still the one at its key: a completion that
 * inspected an older upload never overwrites what a newer one led to. When the record is gone or
 * busy meanwhile, the refusal is still the answer.
 */
async function noteRefusal(placement: Placement, refusal: VisibleError, etag: string): Promise<void> {
  try {
    await mutateGeneration(placement.tenant, placement.generationId, async (item) => {
      const refused = placement.withRefusal(item, refusal);
      if (!refused || !(await stillUploaded(placement.upload, etag))) return { kind: "keep" };
      return { kind: "put", item: refused };
    });
  } catch (error) {
    if (!(error instanceof VisibleError)) throw error;
  }
}

/**
 * The completion sequence of a generation or a version: inspect the upload, copy exactly the
 * inspected bytes (CopySourceIfMatch on its ETag) to a key of their own, record, then drop the
 * upload. A client still holding the upload URL can only ever write the upload key, which is
 * inspected again before anything is taken from it, so served audio is always inspected audio.
 *
 * Every completion copies to its own key, so racing ones (the upload event and the `complete`
 * call) never overwrite each other: the rev-guarded transaction picks one, and the others delete
 * their copy. A transaction that certainly applied nothing (refused: quota, a record gone or
 * changed; cancelled by contention; throttled) deletes the copy and keeps the upload, so the client
 * can retry; any other failure (a 5xx, a timeout) may hide a committed transaction, so the copy is
 * left for reconcile, which deletes it after a day if no record points at it. A refusal of the
 * upload itself is recorded on the pending record (`noteRefusal`).
 */
export async function completeFromUpload(placement: Placement): Promise<Generation> {
  const { upload, audioPath } = placement;
  let audio: InspectedAudio;
  try {
    audio = await inspectUploadedAudio(upload);
    await copyObject(upload, audioPath, { ifMatch: audio.etag, size: audio.size }).catch(async (error: unknown) => {
      // A failed copy can still leave an object (s3rver when the source vanishes mid-copy; S3
      // when a 200 carries an error). The key is this attempt's alone, so nothing else can lose by this.
      await deleteObjectsOfGoneRecords([audioPath]);
      throw error;
    });
  } catch (error) {
    if (error instanceof AudioRefused) await noteRefusal(placement, error, error.etag);
    const gone = error instanceof VisibleError && error.code === "audio.missing";
    if (!(gone || error instanceof SourceChanged)) throw error;
    // A racing completion deletes the upload once it has recorded: answer what it recorded.
    const completed = await placement.completedMeanwhile();
    if (completed) return toGeneration(completed);
    if (gone) throw error;
    // Retrying here could double the copy time past the API's 30 s; the new upload's own event
    // completes it anyway, and the client's next `complete` answers with that.
    throw new VisibleError(409, "upload.changed", "The audio was uploaded again while it was being completed; complete again to use the new upload.", {
      "Retry-After": "1",
    });
  }
  let after: GenerationItem;
  try {
    after = await placement.record(audio);
  } catch (error) {
    if (certainlyNotApplied(error)) await deleteObjectsOfGoneRecords([audioPath]);
    if (error instanceof VisibleError && error.code === "quota.exceeded") await noteRefusal(placement, error, audio.etag);
    throw error;
  }
  await deleteObjectsOfGoneRecords(placement.recorded(after) ? [upload] : [audioPath, upload]);
  return toGeneration(after);
}

/** Completes a pending generation from its uploaded audio. Completing a completed one returns it unchanged. */
export async function completeGeneration(tenant: string, id: string): Promise<Generation> {
  const current = await getGeneration(tenant, id);
  if (current.status !== "pending") {
    // Whatever was uploaded after completion (or failure) is never used.
    await deleteObjectsOfGoneRecords([objectKeys.generationUpload(tenant, id)]);
    if (current.status === "completed") return toGeneration(current);
    throw notPending(current, "completed");
  }
  const audioPath = objectKeys.audio(tenant, id, newId());
  return completeFromUpload({
    tenant,
    generationId: id,
    upload: current.audio_path,
    audioPath,
    recorded: (item) => item.audio_path === audioPath,
    completedMeanwhile: async () => {
      const item = await getGeneration(tenant, id);
      return item.status === "completed" ? item : undefined;
    },
    record: async (audio) => {
      const quotas = await quotasOf(tenant);
      const { after } = await mutateGeneration(tenant, id, (item) => {
        if (item.status === "completed") return { kind: "keep" };
        if (item.status !== "pending") throw notPending(item, "completed");
        const original = originalVersion(item, audio, audioPath);
        return {
          kind: "put",
          item: touched(item, {
            status: "completed",
            error: null,
            error_code: null,
            audio_path: audioPath,
            duration: original.duration,
            size_bytes: original.size_bytes,
            versions: [original, ...item.versions.filter((v) => v.audio_path !== item.audio_path)],
            active_version_id: item.versions.find((v) => v.is_default)?.id ?? original.id,
          }),
          quotas,
        };
      });
      return after!;
    },
    withRefusal: (item, refusal) =>
      item.status === "pending" && !showsRefusal(item, refusal) ? touched(item, { error: refusal.detail, error_code: refusal.code }) : undefined,
  }).catch(async (error: unknown) => {
    // A delete landing after the record was read takes the upload too: say the generation is gone.
    if (error instanceof VisibleError && error.code === "audio.missing") await getGeneration(tenant, id);
    throw error;
  });
}

/** Marks a pending generation failed and removes whatever audio was uploaded for it. */
export async function failGeneration(tenant: string, id: string, error: string): Promise<Generation> {
  const { after } = await mutateGeneration(tenant, id, (item) => {
    if (item.status === "failed") return { kind: "keep" };
    if (item.status !== "pending") throw notPending(item, "marked failed");
    return { kind: "put", item: touched(item, { status: "failed", error, error_code: null }) };
  });
  await deleteObjectsOfGoneRecords([after!.audio_path]);
  return toGeneration(after!);
}

/** The objects one audio owns: itself and, once archived, the restored WAV copy its downloads are served from. */
export const audioObjects = (audio: Pick<Version, "audio_path" | "archive">): string[] =>
  isArchived(audio) ? [audio.audio_path, restoredCopyOf(audio.audio_path)] : [audio.audio_path];

/** Every object a generation owns: its audio and every version's (with restored copies of archived ones). */
export const ownedObjects = (item: GenerationItem): string[] => [
  ...new Set([item.audio_path, ...(item.versions ?? []).flatMap(audioObjects)]),
];

/**
 * Moves the generation to the trash when the tenant keeps one (its audio stays), or deletes the
 * record (and its counts) first, then its audio: a failure in between leaves an orphaned object
 * for the reconcile sweep, never a record pointing at missing audio.
 */
export async function deleteGeneration(tenant: string, id: string): Promise<void> {
  const disposal = await disposalFor(tenant);
  const { before, after } = await mutateGeneration(tenant, id, (item) => disposalChange(disposal, item));
  if (!after) await deleteObjectsOfGoneRecords(ownedObjects(before));
}
