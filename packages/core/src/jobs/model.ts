import type { Job } from "../shapes/job";
import type { ExportPart } from "../transfer/bulk-export";

export type { Job, JobProgress, JobStatus, JobType } from "../shapes/job";

export interface JobItem extends Job {
  pk: string;
  sk: string;
  entity: "job";
  tenant: string;
  params: Record<string, unknown>;
  expires_at_epoch: number;
}

/** What travels on the queue: only references, so a message can never carry stale state. */
export interface JobMessage {
  tenant: string;
  job_id: string;
}

export const toJob = (item: JobItem): Job => ({
  id: item.id,
  type: item.type,
  status: item.status,
  progress: item.progress,
  result: item.result ?? null,
  error: item.error ?? null,
  attempts: item.attempts,
  created_at: item.created_at,
  updated_at: item.updated_at,
});

/**
 * A job as GET /jobs/{id} shows it, without download links: a finished export's parts name their
 * files but not where they are (links are made at read time and last 15 minutes; GET the job for them).
 */
export function jobWithoutLinks(item: JobItem): Job {
  const job = toJob(item);
  if (!item.result) return job;
  if (item.type === "audio.transcode") {
    const { key: _key, ...shown } = item.result as { key: string };
    return { ...job, result: shown };
  }
  if (item.type !== "history.export") return job;
  const { parts, ...rest } = item.result as { parts: ExportPart[] };
  return { ...job, result: { ...rest, parts: parts.map(({ key: _key, ...part }) => part) } };
}
