import { runSweeps, type SweepResult } from "@sonna/core/maintenance/sweeps";
import { log, withObservability } from "@sonna/core/observability";

/**
 * The daily scheduled sweep (infra/jobs.ts): queues a retention job for every tenant with
 * `retention_days`, a reconcile job for every tenant, a trash purge for every tenant with trash past
 * its `purge_at`, and sends lost job messages again. It only
 * enqueues, so it finishes in seconds; the work runs on the jobs queue's worker. Locally nothing
 * schedules it: `npm start` has no cron, and the tests call it directly.
 */
export const handler = withObservability(async (): Promise<SweepResult> => {
  const result = await runSweeps();
  log.info("sweep done", { ...result });
  return result;
});
