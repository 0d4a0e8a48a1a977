export type JobStatus = "queued" | "running" | "succeeded" | "failed";

export type JobType = "profile.delete" | "history.delete" | "history.export" | "reconcile" | "retention";

export interface JobProgress {
  done: number;
  total: number | null;
}

export interface Job {
  id: string;
  type: JobType;
  status: JobStatus;
  progress: JobProgress;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

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
