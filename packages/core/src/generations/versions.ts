import { VisibleError } from "../errors";
import { isId, newId } from "../ids";
import { objectKeys } from "../storage/keys";
import { deleteObjectsOfGoneRecords } from "../storage/objects";
import { presignUpload, type PresignedRequest } from "../storage/presign";
import { audioObjects, completeFromUpload, quotasOf, roundDuration, showsRefusal } from "./lifecycle";
import { toGeneration, type Effect, type Generation, type GenerationItem, type Version } from "./model";
import { getGeneration, mutateGeneration } from "./repo";
import type { VersionInput } from "../shapes/generation";

/** Versions live inside the generation item, so this bounds the item well under 400 KB. */
export const MAX_VERSIONS = 50;

export type { VersionInput } from "../shapes/generation";

const versionNotFound = (id: string) =>
  new VisibleError(404, "version.not_found", `No version with id ${JSON.stringify(id)} on this generation.`);

export function findVersion(item: GenerationItem, versionId: string): Version {
  const version = isId(versionId) ? item.versions.find((v) => v.id === versionId) : undefined;
  if (!version) throw versionNotFound(versionId);
  return version;
}

/** The item's versions with `version` in place of the one with its id. */
const replaced = (item: GenerationItem, version: Version): Version[] => item.versions.map((v) => (v.id === version.id ? version : v));

const withVersions = (item: GenerationItem, versions: Version[]): GenerationItem => ({
  ...item,
  versions,
  active_version_id: versions.find((v) => v.is_default)?.id ?? null,
  updated_at: new Date().toISOString(),
});

/** Adds a pending processed version to a completed generation and hands out its upload URL. */
export async function createVersion(
  tenant: string,
  generationId: string,
  input: VersionInput,
): Promise<{ version: Version; upload: PresignedRequest }> {
  const version: Version = {
    id: newId(),
    label: input.label,
    effects_chain: input.effects_chain,
    is_default: false,
    status: "pending",
    audio_path: "",
    duration: null,
    size_bytes: 0,
    created_at: new Date().toISOString(),
    error: null,
    error_code: null,
    archive: null,
  };
  // Until completion a version's audio is its upload; completion points it at the inspected copy.
  version.audio_path = objectKeys.versionUpload(tenant, generationId, version.id);
  await mutateGeneration(tenant, generationId, (item) => {
    if (item.status !== "completed") {
      throw new VisibleError(409, "generation.not_completed", "Versions can be added once the generation is completed.");
    }
    if (item.versions.length >= MAX_VERSIONS) {
      throw new VisibleError(409, "version.limit", `A generation holds at most ${MAX_VERSIONS} versions; delete one first.`);
    }
    return { kind: "put", item: withVersions(item, [...item.versions, version]) };
  });
  return { version, upload: await presignUpload(objectKeys.versionUpload(tenant, generationId, version.id)) };
}

/** Completes a version from its uploaded WAV (the same sequence as a generation's); completing it again returns it unchanged. */
export async function completeVersion(tenant: string, generationId: string, versionId: string): Promise<Generation> {
  const current = await getGeneration(tenant, generationId);
  const pending = findVersion(current, versionId);
  if (pending.status === "completed") {
    await deleteObjectsOfGoneRecords([objectKeys.versionUpload(tenant, generationId, versionId)]);
    return toGeneration(current);
  }
  const audioPath = objectKeys.audio(tenant, generationId, newId());
  return completeFromUpload({
    tenant,
    generationId,
    upload: pending.audio_path,
    audioPath,
    recorded: (item) => findVersion(item, versionId).audio_path === audioPath,
    completedMeanwhile: async () => {
      const item = await getGeneration(tenant, generationId);
      return findVersion(item, versionId).status === "completed" ? item : undefined;
    },
    record: async (audio) => {
      const quotas = await quotasOf(tenant);
      const { after } = await mutateGeneration(tenant, generationId, (item) => {
        const version = findVersion(item, versionId);
        if (version.status === "completed") return { kind: "keep" };
        const completed: Version = {
          ...version,
          status: "completed",
          audio_path: audioPath,
          duration: roundDuration(audio.durationSeconds),
          size_bytes: audio.size,
          error: null,
          error_code: null,
        };
        return { kind: "put", item: withVersions(item, replaced(item, completed)), quotas };
      });
      return after!;
    },
    withRefusal: (item, refusal) => {
      const version = item.versions.find((v) => v.id === versionId);
      if (version?.status !== "pending" || showsRefusal(version, refusal)) return undefined;
      return withVersions(item, replaced(item, { ...version, error: refusal.detail, error_code: refusal.code }));
    },
  });
}

/** Makes a completed version the one played and downloaded by default. */
export async function setDefaultVersion(tenant: string, generationId: string, versionId: string): Promise<Generation> {
  const { after } = await mutateGeneration(tenant, generationId, (item) => {
    const version = findVersion(item, versionId);
    if (version.status !== "completed") {
      throw new VisibleError(409, "version.not_completed", "Only a completed version can be the default.");
    }
    if (version.is_default) return { kind: "keep" };
    return { kind: "put", item: withVersions(item, item.versions.map((v) => ({ ...v, is_default: v.id === versionId }))) };
  });
  return toGeneration(after!);
}

/** Deletes a processed version and its audio; the original stays. A deleted default hands over to the original. */
export async function deleteVersion(tenant: string, generationId: string, versionId: string): Promise<Generation> {
  const { before, after } = await mutateGeneration(tenant, generationId, (item) => {
    const version = findVersion(item, versionId);
    if (version.audio_path === item.audio_path) {
      throw new VisibleError(409, "version.original", "The original version can't be deleted; delete the generation instead.");
    }
    const rest = item.versions.filter((v) => v.id !== versionId);
    const versions = version.is_default
      ? rest.map((v) => ({ ...v, is_default: v.audio_path === item.audio_path }))
      : rest;
    return { kind: "put", item: withVersions(item, versions) };
  });
  await deleteObjectsOfGoneRecords(audioObjects(findVersion(before, versionId)));
  return toGeneration(after!);
}

/** The version a download should serve: the default one, else the original. */
export const defaultAudio = (item: GenerationItem): Version | undefined =>
  item.versions.find((v) => v.is_default && v.status === "completed") ??
  item.versions.find((v) => v.audio_path === item.audio_path);
