import { runSweeps, type SweepResult } from "@sonna/core/maintenance/sweeps";

/**
 * The daily scheduled sweep (infra/jobs.ts): queues a retention job for every tenant with
 * `retention_days`, a reconcile job for every tenant, and sends lost job messages again. It only
 * enqueues, so it finishes in seconds; the work runs on the jobs queue's worker. Locally nothing
 * schedules it: `npm start` has no cron, and the tests call it directly.
 */
export async function handler(): Promise<SweepResult> {
  const result = await runSweeps();
  console.log(JSON.stringify({ level: "info", message: "sweep done", ...result }));
  return result;
}
