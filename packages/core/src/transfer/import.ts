import { isManifestName, parseArchive, type ImportedArchive } from "../archive/format";
import { readZip, type ZipSource } from "../archive/read";
import { VisibleError, notFound } from "../errors";
import { isId, newId } from "../ids";
import { newGenerationItem, profileMustExist } from "../generations/create";
import { inspectUploadedAudio, quotasOf, roundDuration } from "../generations/lifecycle";
import { toGeneration, type Generation, type GenerationItem, type Version } from "../generations/model";
import { countChange } from "../generations/repo";
import { generationTransaction } from "../generations/writes";
import { MAX_VERSIONS } from "../generations/versions";
import { profileNameItem, type ProfileItem } from "../profiles/model";
import { findProfileByName, findProfileItem } from "../profiles/service";
import { tableName } from "../resources";
import { registerTenant } from "../settings/service";
import { objectKeys } from "../storage/keys";
import { deleteObjects } from "../storage/objects";
import { copyObject } from "../storage/copy";
import { streamUpload, type StreamUpload } from "../storage/stream-upload";
import { keys } from "../table/keys";
import { profileUpserted } from "../changes/entries";
import { transactWithChanges, type ChangeEntry } from "../changes/log";
import { certainlyNotApplied, ConditionFailed, type TransactItem } from "../table/transact";

export interface ImportOptions {
  /** The profile to file the generation under; otherwise it is chosen from the archive. */
  profileId?: string | undefined;
  /** Names the staging area; the large-import flow passes its import id. */
  importId?: string | undefined;
  /**
   * A write that must succeed in the same transaction as the generation, and the change it logs (the
   * large-import flow marks its import completed, on the condition that it still holds the claim,
   * and logs `import.finished`).
   */
  alongside?: ((generation: Generation) => { item: TransactItem; change: ChangeEntry }) | undefined;
}

/** The `alongside` write's condition failed: nothing was written and nothing is left behind. */
export class AlongsideRefused extends ConditionFailed {
  override name = "AlongsideRefused";
}

/** Stages every WAV entry in the bucket as it is read, keyed by entry name. */
async function stageEntries(tenant: string, importId: string, source: ZipSource) {
  const staged = new Map<string, string>();
  const open = new Map<string, StreamUpload>();
  try {
    const result = await readZip(source, {
      onEntry(name) {
        if (isManifestName(name)) return { accept: "json" };
        if (!name.toLowerCase().endsWith(".wav")) return { accept: "skip" };
        const key = objectKeys.importStaging(tenant, importId, staged.size);
        const upload = streamUpload(key);
        staged.set(name, key);
        open.set(name, upload);
        return { accept: "stream", sink: (chunk) => upload.write(chunk) };
      },
      async onEntryEnd(entry) {
        const upload = open.get(entry.name);
        open.delete(entry.name);
        await upload?.end();
      },
    });
    return { result, staged };
  } catch (error) {
    await Promise.all([...open.values()].map((upload) => upload.abort()));
    await deleteObjects([...staged.values()]).catch(() => {});
    throw error;
  }
}

/** The profile order the product promises: given, else the archive's id, else its name, else a new one. */
async function chooseProfile(
  tenant: string,
  archive: ImportedArchive,
  profileId: string | undefined,
): Promise<{ profile: ProfileItem; created: boolean }> {
  if (profileId !== undefined) {
    const given = await findProfileItem(tenant, profileId);
    if (!given) throw notFound("profile", profileId);
    return { profile: given, created: false };
  }
  if (archive.profile?.id && isId(archive.profile.id)) {
    const same = await findProfileItem(tenant, archive.profile.id);
    if (same) return { profile: same, created: false };
  }
  const name = archive.profile?.name ?? "Imported";
  const byName = await findProfileByName(tenant, name);
  if (byName) return { profile: (await findProfileItem(tenant, byName.id))!, created: false };
  const now = new Date().toISOString();
  const id = newId();
  return {
    created: true,
    profile: {
      ...keys.profile(tenant, id),
      entity: "profile",
      id,
      name: name.trim(),
      description: archive.profile?.description ?? null,
      language: archive.profile?.language ?? archive.generation.language,
      created_at: now,
      updated_at: now,
    },
  };
}

const entryInvalid = (name: string, error: unknown) =>
  error instanceof VisibleError && error.status === 422
    ? new VisibleError(422, "archive.audio_invalid", `${JSON.stringify(name)}: ${error.detail}`)
    : error;

/**
 * Imports one generation from a ZIP (our export format, Voicebox's or the seed's shape), in memory or
 * an S3 object: WAV entries stream to a staging area as they are read, the manifest is checked, every
 * WAV is inspected (duration and size come from the audio, never from the manifest), the audio is
 * copied into place, and the record, its counts and any new profile are written in one transaction. Whatever fails, nothing
 * is left behind: no record, no object, no change in stats.
 */
export async function importArchive(tenant: string, source: ZipSource, options: ImportOptions = {}): Promise<Generation> {
  if (options.profileId !== undefined && !(await findProfileItem(tenant, options.profileId))) {
    throw notFound("profile", options.profileId);
  }
  const importId = options.importId ?? newId();
  const { result, staged } = await stageEntries(tenant, importId, source);
  const placed: string[] = [];
  let transactionSent = false;
  try {
    const archive = parseArchive(result);
    const audioOf = async (file: string) => {
      try {
        return await inspectUploadedAudio(staged.get(file)!);
      } catch (error) {
        throw entryInvalid(file, error);
      }
    };
    const original = await audioOf(archive.audioFile);
    const { profile, created } = await chooseProfile(tenant, archive, options.profileId);
    const g = archive.generation;
    // The archive's creation settings, tags and note, filed under the chosen profile.
    const pending = newGenerationItem(tenant, { ...g, profile_id: profile.id }, Date.parse(g.created_at));
    const base = { ...pending, audio_path: objectKeys.audio(tenant, pending.id, newId()) };
    const now = new Date().toISOString();
    const versions: Version[] = [];
    // Where each object goes, which staged entry it comes from and what inspection found there.
    const placements = [{ dest: base.audio_path, from: staged.get(archive.audioFile)!, audio: original }];
    for (const v of archive.versions) {
      const isOriginal = v.file === archive.audioFile;
      const audio = isOriginal ? original : await audioOf(v.file);
      const versionId = newId();
      const audioPath = isOriginal ? base.audio_path : objectKeys.audio(tenant, base.id, versionId);
      if (!isOriginal) placements.push({ dest: audioPath, from: staged.get(v.file)!, audio });
      versions.push({
        id: versionId,
        label: v.label,
        effects_chain: v.effects_chain,
        is_default: v.is_default,
        status: "completed",
        audio_path: audioPath,
        duration: roundDuration(audio.durationSeconds),
        size_bytes: audio.size,
        created_at: now,
        error: null,
        error_code: null,
        archive: null,
      });
    }
    if (!versions.some((v) => v.audio_path === base.audio_path)) {
      versions.unshift({
        id: newId(),
        label: "original",
        effects_chain: [],
        is_default: false,
        status: "completed",
        audio_path: base.audio_path,
        duration: roundDuration(original.durationSeconds),
        size_bytes: original.size,
        created_at: now,
        error: null,
        error_code: null,
        archive: null,
      });
    }
    if (versions.length > MAX_VERSIONS) {
      throw new VisibleError(
        422,
        "archive.too_many_versions",
        `The archive holds ${versions.length} versions with the original; a generation holds at most ${MAX_VERSIONS}.`,
      );
    }
    if (!versions.some((v) => v.is_default)) versions.find((v) => v.audio_path === base.audio_path)!.is_default = true;
    const item: GenerationItem = {
      ...base,
      status: "completed",
      is_favorited: g.is_favorited,
      duration: roundDuration(original.durationSeconds),
      size_bytes: original.size,
      versions,
      active_version_id: versions.find((v) => v.is_default)!.id,
    };

    for (const { dest, from, audio } of placements) {
      placed.push(dest);
      await copyObject(from, dest, { ifMatch: audio.etag, size: audio.size });
    }

    const profileWrites: TransactItem[] = created
      ? [
          { Put: { TableName: tableName(), Item: profile, ConditionExpression: "attribute_not_exists(pk)" } },
          {
            Put: {
              TableName: tableName(),
              Item: profileNameItem(tenant, profile),
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          registerTenant(tenant),
        ]
      : [profileMustExist(tenant, profile.id)];
    const { items, changes, refusal } = generationTransaction(tenant, [{ before: null, after: item }], await quotasOf(tenant));
    const alongside = options.alongside?.(toGeneration(item));
    transactionSent = true;
    try {
      await transactWithChanges(
        tenant,
        [...profileWrites, ...items, ...(alongside ? [alongside.item] : [])],
        [...(created ? [profileUpserted(profile)] : []), ...changes, ...(alongside ? [alongside.change] : [])],
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const ours = error.index - profileWrites.length;
      if (ours >= items.length) throw new AlongsideRefused(error.index);
      if (ours >= 0) throw (await refusal(ours)) ?? error;
      throw new VisibleError(409, "import.profile_changed", "The profile changed while importing; retry the import.");
    }
    countChange(null, item);
    return toGeneration(item);
  } catch (error) {
    // A transaction that may have committed (a 5xx, a timeout) left a record that may point at the
    // placed audio: reconcile deletes it after a day if none does, never sooner.
    if (!transactionSent || certainlyNotApplied(error)) await deleteObjects(placed).catch(() => {});
    throw error;
  } finally {
    await deleteObjects([...staged.values()]).catch(() => {});
  }
}
