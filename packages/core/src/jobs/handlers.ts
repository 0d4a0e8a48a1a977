import type { GenerationFilter } from "../generations/query";
import { findGeneration } from "../generations/repo";
import type { Disposal } from "../generations/disposal";
import type { GenerationItem } from "../generations/model";
import type { PurgeScope } from "../trash/purge";
import type { BulkExportRequest } from "../shapes/transfer";
import type { JobItem, JobType } from "./model";

export interface JobContext {
  tenant: string;
  job: JobItem;
  progress(done: number, total?: number | null): Promise<void>;
}

export type JobHandler = (context: JobContext) => Promise<Record<string, unknown>>;

async function deleteByIds(context: JobContext, selected: string[], disposal: Disposal): Promise<number> {
  const { deleteGenerationItems } = await import("../generations/bulk-delete");
  // One transaction may not touch an item twice.
  const ids = [...new Set(selected)];
  let deleted = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const found = await Promise.all(ids.slice(i, i + 100).map((id) => findGeneration(context.tenant, id)));
    deleted += await deleteGenerationItems(context.tenant, found.filter((item): item is GenerationItem => item !== undefined), { disposal });
    await context.progress(Math.min(i + 100, ids.length), ids.length);
  }
  return deleted;
}

/**
 * One handler per job type. Each re-reads what is left to do, so running it again after a crash
 * finishes the work without doing any of it twice. Each loads its own modules (S3, fflate, the
 * multipart upload) on first use, so a worker's cold start carries only the job it runs.
 */
export const jobHandlers: Record<JobType, JobHandler> = {
  "profile.delete": async (context) => {
    const profileId = context.job.params.profile_id as string;
    const { deleteProfileGenerations } = await import("../profiles/delete");
    const deleted = await deleteProfileGenerations(context.tenant, profileId, (n) => context.progress(n));
    return { profile_id: profileId, deleted_generations: deleted };
  },
  "history.delete": async (context) => {
    const { ids, filter } = context.job.params as { ids?: string[]; filter?: GenerationFilter };
    const [{ deleteMatching }, { disposalFor }] = await Promise.all([import("../generations/bulk-delete"), import("../generations/disposal")]);
    const disposal = await disposalFor(context.tenant);
    const deleted = ids
      ? await deleteByIds(context, ids, disposal)
      : await deleteMatching(context.tenant, filter ?? {}, (n) => context.progress(n), disposal);
    return { deleted };
  },
  "history.export": async (context) => {
    const request = context.job.params as unknown as BulkExportRequest;
    const { bulkExport } = await import("../transfer/bulk-export");
    return { ...(await bulkExport(context.tenant, context.job.id, request, (n) => context.progress(n))) };
  },
  "audio.transcode": async (context) => {
    const { transcodeForJob } = await import("../transfer/audio-export");
    return { ...(await transcodeForJob(context.tenant, context.job.params as unknown as Parameters<typeof transcodeForJob>[1])) };
  },
  reconcile: async (context) => {
    const { reconcileTenant, minAgeFromParams } = await import("../maintenance/reconcile");
    const minAgeMs = minAgeFromParams(context.job.params);
    return { ...(await reconcileTenant(context.tenant, { minAgeMs, progress: (n) => context.progress(n) })) };
  },
  "trash.purge": async (context) => {
    const { purgeTrash } = await import("../trash/purge");
    return { purged: await purgeTrash(context.tenant, context.job.params as PurgeScope, (n) => context.progress(n)) };
  },
  archive: async (context) => {
    const [{ archiveTenant, ARCHIVE_JOB_BUDGET_MS }, { requestArchive }] = await Promise.all([import("../archival/archive"), import("../maintenance/jobs")]);
    const days = context.job.params.older_than_days as number;
    const result = await archiveTenant(context.tenant, days, { stopAt: Date.now() + ARCHIVE_JOB_BUDGET_MS, progress: (n) => context.progress(n) });
    // What is left goes to a job of its own: the worker's 15 minutes cap one run.
    const next = result.more ? (await requestArchive(context.tenant, days)).id : null;
    return { ...result, next_job_id: next };
  },
  "audio.restore": async (context) => {
    const { generation_id, version_id } = context.job.params as { generation_id: string; version_id: string };
    const { restoreVersion } = await import("../archival/restore");
    return { generation_id, version_id, ...(await restoreVersion(context.tenant, generation_id, version_id)) };
  },
  "search.compact": async (context) => {
    const { compactTenant } = await import("../search/compact");
    return { ...(await compactTenant(context.tenant)) };
  },
  retention: async (context) => {
    const { applyRetention } = await import("../maintenance/retention");
    return { ...(await applyRetention(context.tenant, { progress: (n) => context.progress(n) })) };
  },
};
