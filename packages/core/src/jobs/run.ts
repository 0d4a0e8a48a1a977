import { VisibleError } from "../errors";
import { appendKeys, countJob, log, removeKeys } from "../observability";
import { jobHandlers, type JobContext } from "./handlers";
import type { JobMessage } from "./model";
import { claimJob, finishJob, recordProgress } from "./store";

/** After this many attempts a job that keeps failing for non-client reasons is marked failed. */
export const MAX_JOB_ATTEMPTS = 5;

export interface RunOptions {
  /** Called after each recorded progress step; tests use it to kill a worker mid-way. */
  afterProgress?: (done: number) => void | Promise<void>;
}

/**
 * Runs one job message to its end, with its tenant and id on every line logged meanwhile. Handlers
 * are idempotent and resumable: each step re-reads what is left to do, so a retry after a crash
 * finishes the job without double counting. Errors that are the request's fault fail the job;
 * others are logged and rethrown so the queue retries, until the attempts run out.
 */
export async function runJob(message: JobMessage, options: RunOptions = {}): Promise<void> {
  appendKeys({ tenant: message.tenant, job_id: message.job_id });
  try {
    await attempt(message, options);
  } catch (error) {
    log.warn("job attempt failed", { error });
    throw error;
  } finally {
    removeKeys(["tenant", "job_id"]);
  }
}

async function attempt(message: JobMessage, options: RunOptions): Promise<void> {
  const job = await claimJob(message.tenant, message.job_id);
  if (!job) return;
  const context: JobContext = {
    tenant: message.tenant,
    job,
    async progress(done, total = null) {
      await recordProgress(message.tenant, job.id, { done, total });
      // Kept on the claimed item too, so its job.finished event shows what GET /jobs/{id} does.
      job.progress = { done, total };
      await options.afterProgress?.(done);
    },
  };
  try {
    const result = await jobHandlers[job.type](context);
    await finishJob(message.tenant, job, { status: "succeeded", result });
    countJob(job.type, "Succeeded");
  } catch (error) {
    if (error instanceof VisibleError) {
      await finishJob(message.tenant, job, { status: "failed", error: error.detail });
      countJob(job.type, "Failed");
      return;
    }
    if (job.attempts >= MAX_JOB_ATTEMPTS) {
      log.error("job failed for good", { job_type: job.type, error });
      await finishJob(message.tenant, job, { status: "failed", error: "The job kept failing; it was stopped. Retry it later." });
      countJob(job.type, "Failed");
      return;
    }
    throw error;
  }
}
