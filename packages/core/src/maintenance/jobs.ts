import { enqueueJob } from "../jobs/enqueue";
import type { Job } from "../jobs/model";
import { minAgeFromParams } from "./reconcile";

/**
 * Queues a reconcile job for one tenant. `minAgeMs` is for tests and operators only (the API never
 * passes it): the default of a day is what keeps reconcile away from uploads still in flight.
 */
export async function requestReconcile(tenant: string, options: { minAgeMs?: number } = {}): Promise<Job> {
  const params = options.minAgeMs === undefined ? {} : { min_age_ms: options.minAgeMs };
  minAgeFromParams(params);
  return enqueueJob(tenant, "reconcile", params);
}

/** Queues a retention job for one tenant (the daily sweep does this for every tenant with retention_days). */
export const requestRetention = (tenant: string): Promise<Job> => enqueueJob(tenant, "retention", {});

/** Queues an archive job: audio older than `olderThanDays` stored as FLAC (archival/archive.ts). */
export const requestArchive = (tenant: string, olderThanDays: number): Promise<Job> => enqueueJob(tenant, "archive", { older_than_days: olderThanDays });
