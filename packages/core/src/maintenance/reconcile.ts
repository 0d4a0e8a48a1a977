import { VisibleError } from "../errors";
import { completeGeneration, failGeneration, ownedObjects } from "../generations/lifecycle";
import { isTrashed, type GenerationItem, type Version } from "../generations/model";
import { eachGeneration } from "../generations/query";
import { getGeneration, mutateRecord } from "../generations/repo";
import { completeVersion } from "../generations/versions";
import { deleteObjects, headObject } from "../storage/objects";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";
import { eachTrashed, getTrashed } from "../trash/model";
import { listTenantAudio, type ListedObject } from "./objects";

/**
 * How old a pending upload or an unclaimed object must be before reconcile acts on it. Upload URLs
 * live 15 minutes and clients retry for a while; a day later an upload is abandoned, never slow.
 */
export const RECONCILE_MIN_AGE_MS = 24 * 3600 * 1000;

export const AUDIO_MISSING = "audio missing";
export const UPLOAD_NEVER_COMPLETED = "upload never completed";

export interface ReconcileResult {
  /** Completed generations whose audio was gone, now failed with "audio missing". */
  missing_audio: number;
  /** Completed processed versions whose audio was gone, removed from their generation. */
  missing_versions: number;
  /** Audio and uploads no record claims, older than the minimum age, deleted. */
  orphans_deleted: number;
  /** Pending generations older than the minimum age, now failed with "upload never completed". */
  stale_pending: number;
  /** Pending versions older than the minimum age, removed from their generation. */
  stale_pending_versions: number;
  /** Old pending generations or versions whose upload had landed (its notification lost), completed instead. */
  recovered_uploads: number;
  examined_generations: number;
  examined_objects: number;
  /** Keys under the tenant's prefixes that are not audio or upload keys of ours; never touched. */
  unrecognized_objects: number;
}

export interface ReconcileOptions {
  /** Default RECONCILE_MIN_AGE_MS; tests pass 0 through the job params. */
  minAgeMs?: number;
  now?: number;
  progress?: (examined: number) => void | Promise<void>;
}

/** `min_age_ms` from job params: absent means a day; anything but a finite number ≥ 0 is refused. */
export function minAgeFromParams(params: Record<string, unknown>): number {
  const value = params.min_age_ms;
  if (value === undefined || value === null) return RECONCILE_MIN_AGE_MS;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new VisibleError(400, "request.invalid", `min_age_ms must be a number of milliseconds ≥ 0, got ${JSON.stringify(value)}.`);
  }
  return value;
}

const isOriginal = (item: GenerationItem, version: Version) => version.audio_path === item.audio_path;

/** Someone else changed the record (or its upload: a new one landed, whose own completion follows) meanwhile. */
const RACES = ["generation.not_pending", "generation.busy", "upload.changed"];

/** A refusal that ends this attempt for good (bad or oversized audio, quota) as opposed to a race or an outage. */
const isRefusal = (error: unknown) =>
  error instanceof VisibleError && error.status < 500 && error.status !== 404 && !RACES.includes(error.code);

const isGone = (error: unknown) => error instanceof VisibleError && (error.status === 404 || RACES.includes(error.code));

/** The versions left after dropping `drop` (and the original, when `dropOriginal`), with a default re-chosen if it went. */
function remainingVersions(item: GenerationItem, drop: Set<string>, dropOriginal: boolean): Version[] {
  const left = item.versions.filter((v) => !drop.has(v.id) && !(dropOriginal && isOriginal(item, v)));
  if (left.some((v) => v.is_default)) return left;
  // As deleteVersion does: a removed default hands over to the original, if it is still there.
  return left.map((v) => ({ ...v, is_default: isOriginal(item, v) && v.status === "completed" }));
}

class TenantReconciler {
  readonly result: ReconcileResult = {
    missing_audio: 0,
    missing_versions: 0,
    orphans_deleted: 0,
    stale_pending: 0,
    stale_pending_versions: 0,
    recovered_uploads: 0,
    examined_generations: 0,
    examined_objects: 0,
    unrecognized_objects: 0,
  };

  constructor(
    private readonly tenant: string,
    /** Objects nothing has claimed yet; claimed keys are taken out as records are read. */
    private readonly unclaimed: Map<string, ListedObject>,
    /** Keys the listing saw: existence without a HEAD. */
    private readonly listed: Set<string>,
    private readonly cutoffMs: number,
  ) {}

  /** The listing is a snapshot taken before the records were read; anything it lacks is asked for with a HEAD. */
  private async exists(key: string): Promise<boolean> {
    return this.listed.has(key) || (await headObject(key)) !== undefined;
  }

  private isOld(iso: string): boolean {
    return Date.parse(iso) <= this.cutoffMs;
  }

  /**
   * A trashed record owns its audio like a live one, and audio it lost is repaired the same way
   * (so the trash's bytes stay true); what is pending in it waits for a restore.
   */
  async generation(item: GenerationItem): Promise<void> {
    for (const key of ownedObjects(item)) this.unclaimed.delete(key);
    const frozen = isTrashed(item);
    if (item.status === "pending") {
      if (!frozen && this.isOld(item.created_at)) await this.stalePending(item);
      return;
    }
    const missingOriginal = item.status === "completed" && !(await this.exists(item.audio_path));
    const missing = new Set<string>();
    const stale: Version[] = [];
    for (const version of item.versions ?? []) {
      if (isOriginal(item, version)) continue;
      if (version.status === "completed" && !(await this.exists(version.audio_path))) missing.add(version.id);
      if (version.status === "pending" && !frozen && this.isOld(version.created_at)) stale.push(version);
    }
    const abandoned = new Set<string>();
    for (const version of stale) {
      const outcome = await this.recoverVersion(item, version);
      if (outcome === "completed") this.result.recovered_uploads++;
      if (outcome === "abandon") abandoned.add(version.id);
    }
    if (missingOriginal || missing.size > 0 || abandoned.size > 0) await this.repair(item, missingOriginal, missing, abandoned);
  }

  /** A pending generation past the upload window: completed if its upload landed and is good, else failed. */
  private async stalePending(item: GenerationItem): Promise<void> {
    if (await this.exists(item.audio_path)) {
      try {
        await completeGeneration(this.tenant, item.id);
        this.result.recovered_uploads++;
        return;
      } catch (error) {
        if (isGone(error)) return;
        if (!isRefusal(error)) throw error;
      }
    }
    try {
      // Marks it failed (stats follow, in the same transaction) and deletes whatever was uploaded.
      await failGeneration(this.tenant, item.id, UPLOAD_NEVER_COMPLETED);
      this.result.stale_pending++;
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }

  /**
   * Completes an old pending version whose upload landed and is good. "abandon" when there is no
   * usable upload (the version is then removed), "skip" when the version changed meanwhile.
   */
  private async recoverVersion(item: GenerationItem, version: Version): Promise<"completed" | "abandon" | "skip"> {
    if (!(await this.exists(version.audio_path))) return "abandon";
    try {
      await completeVersion(this.tenant, item.id, version.id);
      return "completed";
    } catch (error) {
      if (isGone(error) || (error instanceof VisibleError && error.code === "version.not_found")) return "skip";
      if (isRefusal(error)) return "abandon";
      throw error;
    }
  }

  /**
   * One change through mutateRecord, so the counters move in the same transaction: a completed
   * generation whose audio is gone becomes failed ("audio missing", no bytes, no duration, without
   * its original version); processed versions whose audio is gone and abandoned pending versions
   * leave the item. Decided again on the fresh item: only what is still as it was seen is changed.
   */
  private async repair(item: GenerationItem, missingOriginal: boolean, missing: Set<string>, abandoned: Set<string>): Promise<void> {
    let applied = { failed: false, missing: 0, abandoned: [] as string[] };
    try {
      const reload = isTrashed(item) ? getTrashed : getGeneration;
      await mutateRecord(this.tenant, () => reload(this.tenant, item.id), (current) => {
        applied = { failed: false, missing: 0, abandoned: [] };
        const drop = new Set<string>();
        for (const v of current.versions ?? []) {
          if (isOriginal(current, v)) continue;
          if (missing.has(v.id) && v.status === "completed") {
            drop.add(v.id);
            applied.missing++;
          } else if (abandoned.has(v.id) && v.status === "pending") {
            drop.add(v.id);
            applied.abandoned.push(v.audio_path);
          }
        }
        applied.failed = missingOriginal && current.status === "completed" && current.audio_path === item.audio_path;
        if (!applied.failed && drop.size === 0) return { kind: "keep" };
        const versions = remainingVersions(current, drop, applied.failed);
        return {
          kind: "put",
          item: {
            ...current,
            ...(applied.failed ? { status: "failed" as const, error: AUDIO_MISSING, duration: null, size_bytes: 0 } : {}),
            versions,
            active_version_id: versions.find((v) => v.is_default)?.id ?? null,
            updated_at: new Date().toISOString(),
          },
        };
      });
    } catch (error) {
      if (isGone(error)) return;
      throw error;
    }
    if (applied.failed) this.result.missing_audio++;
    this.result.missing_versions += applied.missing;
    this.result.stale_pending_versions += applied.abandoned.length;
    // Whatever an abandoned version got uploaded goes after the record, as every delete does.
    await deleteObjects(applied.abandoned);
  }

  /**
   * Objects no record claimed while the records were read. Old enough ones are checked once more
   * against the records themselves (consistent reads: a generation or version created since the
   * pass claims its object) and deleted. Objects of a pending generation or version are always
   * claimed by it, so an upload whose window may be open is never touched here.
   */
  async orphans(): Promise<void> {
    const old = [...this.unclaimed].filter(([, object]) => object.modifiedMs <= this.cutoffMs);
    for (let i = 0; i < old.length; i += 100) {
      const batch = old.slice(i, i + 100);
      const records = await this.readGenerations([...new Set(batch.map(([, o]) => o.generationId))]);
      const orphans = batch
        .filter(([key, object]) => {
          const record = records.get(object.generationId);
          return !record || !ownedObjects(record).includes(key);
        })
        .map(([key]) => key);
      await deleteObjects(orphans);
      this.result.orphans_deleted += orphans.length;
    }
  }

  /**
   * The records of `ids`, live or trashed (a generation is one or the other). A batch read is not
   * isolated from a transaction, so a record moving to or from the trash meanwhile can be missed
   * at both keys: ids found at neither are read once more.
   */
  private async readGenerations(ids: string[]): Promise<Map<string, GenerationItem>> {
    const found = await this.readEither(ids);
    const again = ids.filter((id) => !found.has(id));
    if (again.length) for (const [id, item] of await this.readEither(again)) found.set(id, item);
    return found;
  }

  private async readEither(ids: string[]): Promise<Map<string, GenerationItem>> {
    const items = await batchGetItems<GenerationItem>(
      ids.flatMap((id) => [keys.generation(this.tenant, id), keys.trashedGeneration(this.tenant, id)]),
      { ConsistentRead: true },
    );
    return new Map(items.map((item) => [item.id, item]));
  }
}

/**
 * Brings a tenant's records and objects back in line: (a) completed generations whose audio is
 * gone are failed ("audio missing") and processed versions whose audio is gone are removed, both
 * through mutateRecord so the stats follow, in the trash too; (b) audio objects and uploads no
 * record (live or trashed) claims, older than the minimum age, are deleted (a pending record claims
 * its upload; the bucket also expires uploads, but not locally); (c) live pending generations older
 * than the minimum age are failed ("upload never completed") and their upload, if any, deleted,
 * unless it landed and is good, in which case they are completed as the lost upload notification
 * would have (pending versions alike).
 *
 * Costs: one ListObjectsV2 per 1,000 objects, one Query page per 100 records (live, then trashed),
 * a HeadObject only for an object the listing lacks, two consistent BatchGets per 100 orphan
 * candidates (each at its live and its trash key; those found at neither once more). Every action is
 * idempotent, so a run after a crash simply starts over; the counts are those of the last run.
 */
export async function reconcileTenant(tenant: string, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const minAgeMs = options.minAgeMs ?? RECONCILE_MIN_AGE_MS;
  const { audio, unrecognized } = await listTenantAudio(tenant);
  const cutoffMs = (options.now ?? Date.now()) - minAgeMs;
  const reconciler = new TenantReconciler(tenant, audio, new Set(audio.keys()), cutoffMs);
  reconciler.result.examined_objects = audio.size;
  reconciler.result.unrecognized_objects = unrecognized;
  for (const pages of [eachGeneration(tenant, {}, true, 100), eachTrashed(tenant, 100)]) {
    for await (const page of pages) {
      for (const item of page) await reconciler.generation(item);
      reconciler.result.examined_generations += page.length;
      await options.progress?.(reconciler.result.examined_generations);
    }
  }
  await reconciler.orphans();
  return reconciler.result;
}
