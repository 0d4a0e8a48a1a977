import { VisibleError } from "../errors";
import { limits } from "../limits";
import { deleteObjects, deleteObjectsOfGoneRecords, headObject, readObjectStart } from "../storage/objects";
import { InvalidWav, inspectWav, WAV_HEADER_PROBE_BYTES, type WavInfo } from "../wav/inspect";
import { newId } from "../ids";
import { getSettings } from "../settings/service";
import type { Quotas } from "../stats/aggregates";
import { ORIGINAL_LABEL, toGeneration, type Generation, type GenerationItem, type Version } from "./model";
import { getGeneration, mutateGeneration } from "./repo";

const touched = (item: GenerationItem, fields: Partial<GenerationItem>): GenerationItem => ({
  ...item,
  ...fields,
  updated_at: new Date().toISOString(),
});

/** Reads the uploaded object's header and size; refuses missing, oversized or non-WAV audio. */
const audioMissing = () => new VisibleError(422, "audio.missing", "No audio has been uploaded for this generation yet.");

export async function inspectUploadedAudio(key: string): Promise<WavInfo & { size: number }> {
  const head = await headObject(key);
  if (!head) throw audioMissing();
  if (head.size > limits.maxAudioBytes) {
    await deleteObjects([key]);
    throw new VisibleError(
      413,
      "audio.too_large",
      `The uploaded audio is ${head.size} bytes; the limit is ${limits.maxAudioBytes}. It was deleted; upload a smaller file.`,
    );
  }
  if (head.size === 0) {
    throw new VisibleError(422, "audio.invalid", "The uploaded audio is empty (0 bytes); upload the WAV file again.");
  }
  const start = await readObjectStart(key, head.etag, Math.min(WAV_HEADER_PROBE_BYTES, head.size));
  if (!start) throw audioMissing();
  try {
    return { ...inspectWav(start, head.size), size: head.size };
  } catch (error) {
    if (error instanceof InvalidWav) {
      throw new VisibleError(422, "audio.invalid", `The uploaded audio is not a usable WAV file: ${error.reason}.`);
    }
    throw error;
  }
}

/** The byte quotas a growing generation is held to. */
export async function quotasOf(tenant: string): Promise<Quotas> {
  const settings = await getSettings(tenant);
  return { tenant: settings.quota_bytes, profile: settings.profile_quota_bytes };
}

/** Durations are kept to the millisecond (see countedFacts). */
export const roundDuration = (seconds: number): number => Math.round(seconds * 1000) / 1000;

function originalVersion(item: GenerationItem, audio: WavInfo & { size: number }): Version {
  return {
    id: newId(),
    label: ORIGINAL_LABEL,
    effects_chain: [],
    is_default: !item.versions.some((v) => v.is_default),
    status: "completed",
    audio_path: item.audio_path,
    duration: roundDuration(audio.durationSeconds),
    size_bytes: audio.size,
    created_at: new Date().toISOString(),
  };
}

const notPending = (item: GenerationItem, action: string) =>
  new VisibleError(409, "generation.not_pending", `Generation ${item.id} is ${item.status}; only a pending generation can be ${action}.`);

/** Completes a pending generation from its uploaded audio. Completing a completed one returns it unchanged. */
export async function completeGeneration(tenant: string, id: string): Promise<Generation> {
  const current = await getGeneration(tenant, id);
  if (current.status === "completed") return toGeneration(current);
  if (current.status !== "pending") throw notPending(current, "completed");
  const audio = await inspectUploadedAudio(current.audio_path).catch(async (error: unknown) => {
    // A delete landing after the record was read takes the audio too: say the generation is gone.
    if (error instanceof VisibleError && error.code === "audio.missing") await getGeneration(tenant, id);
    throw error;
  });
  const quotas = await quotasOf(tenant);
  const { after } = await mutateGeneration(tenant, id, (item) => {
    if (item.status === "completed") return { kind: "keep" };
    if (item.status !== "pending") throw notPending(item, "completed");
    const original = originalVersion(item, audio);
    return {
      kind: "put",
      item: touched(item, {
        status: "completed",
        error: null,
        duration: original.duration,
        size_bytes: original.size_bytes,
        versions: [original, ...item.versions.filter((v) => v.audio_path !== item.audio_path)],
        active_version_id: item.versions.find((v) => v.is_default)?.id ?? original.id,
      }),
      quotas,
    };
  });
  return toGeneration(after!);
}

/** Marks a pending generation failed and removes whatever audio was uploaded for it. */
export async function failGeneration(tenant: string, id: string, error: string): Promise<Generation> {
  const { after } = await mutateGeneration(tenant, id, (item) => {
    if (item.status === "failed") return { kind: "keep" };
    if (item.status !== "pending") throw notPending(item, "marked failed");
    return { kind: "put", item: touched(item, { status: "failed", error }) };
  });
  await deleteObjectsOfGoneRecords([after!.audio_path]);
  return toGeneration(after!);
}

/** Sets the favorite flag; `undefined` flips it. */
export async function setFavorite(tenant: string, id: string, value?: boolean): Promise<boolean> {
  const { after } = await mutateGeneration(tenant, id, (item) => {
    const next = value ?? !item.is_favorited;
    return next === item.is_favorited ? { kind: "keep" } : { kind: "put", item: touched(item, { is_favorited: next }) };
  });
  return after!.is_favorited;
}

/** Every object a generation owns: its audio and every version's. */
export const ownedObjects = (item: GenerationItem): string[] => [
  ...new Set([item.audio_path, ...(item.versions ?? []).map((v) => v.audio_path)]),
];

/**
 * Deletes the record (and its counts) first, then its audio: a failure in between leaves an
 * orphaned object for the reconcile sweep, never a record pointing at missing audio.
 */
export async function deleteGeneration(tenant: string, id: string): Promise<void> {
  const { before } = await mutateGeneration(tenant, id, () => ({ kind: "delete" }));
  await deleteObjectsOfGoneRecords(ownedObjects(before));
}
