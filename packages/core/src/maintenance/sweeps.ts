import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { enqueueJob } from "../jobs/enqueue";
import { requestArchive } from "./jobs";
import { sendJobMessage } from "../jobs/queue";
import { MAX_JOB_ATTEMPTS } from "../jobs/run";
import { finishJob, findJob, openJobsOlderThan } from "../jobs/store";
import { countJob, log } from "../observability";
import { eachInParallel } from "../parallel";
import { tableName } from "../resources";
import { keys, tenantFromSegment } from "../table/keys";
import { compactionDue, getManifest, requestCompaction } from "../search/manifest";
import { requestDuePurge } from "../trash/purge";
import { anyDue } from "../trash/schedule";

/**
 * An unfinished job whose record has not moved for this long has lost its message (a worker
 * crashed before SQS got it, or SQS gave up on it): the sweep sends it again. Workers time out at
 * 15 minutes and every progress step touches `updated_at`, so a job that is really running is
 * never sent twice.
 */
export const RESEND_OPEN_JOBS_AFTER_MS = 15 * 60 * 1000;

/** Tenants handled at once: each costs a small Query and two or three small transactions and queue messages. */
const TENANT_CONCURRENCY = 8;

export interface RegisteredTenant {
  tenant: string;
  retention_days: number | null;
  archive_after_days: number | null;
}

/** The tenant registry (pk "TENANTS"), page by page: one Query, never a scan of the table. */
export async function* registeredTenants(): AsyncGenerator<RegisteredTenant[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.tenantRegistryPartition },
        ExclusiveStartKey,
      }),
    );
    const tenants: RegisteredTenant[] = [];
    for (const item of page.Items ?? []) {
      const tenant = typeof item.tenant === "string" ? item.tenant : tenantFromSegment(String(item.sk).replace(/^T#/, ""));
      if (tenant === undefined) continue;
      const days = item.retention_days;
      const archive = item.archive_after_days;
      tenants.push({
        tenant,
        retention_days: typeof days === "number" && days > 0 ? days : null,
        archive_after_days: typeof archive === "number" && archive >= 0 ? archive : null,
      });
    }
    if (tenants.length) yield tenants;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export interface SweepResult {
  tenants: number;
  retention_jobs: number;
  reconcile_jobs: number;
  /** Tenants with `archive_after_days` set, each given an archive job for audio older than that. */
  archive_jobs: number;
  /** Tenants with trashed generations past their `purge_at`, each given a purge job. */
  trash_jobs: number;
  /** Tenants whose search index had gone two days without a compaction, given one. */
  search_jobs: number;
  /** Open jobs whose message was sent again. */
  resent_jobs: number;
  /** Open jobs that had already used up their attempts: marked failed instead. */
  abandoned_jobs: number;
  /** Tenants or jobs an error kept from being handled; logged, retried by tomorrow's sweep. */
  errors: number;
}

export interface SweepOptions {
  /** Only these tenants (their registry entries and their open jobs); default every tenant. Tests and operators use it. */
  tenants?: (tenant: string) => boolean;
  now?: number;
}

/**
 * The daily sweep: a `retention` job for every registered tenant with `retention_days` set, a
 * `reconcile` job for every registered tenant, an `archive` job for every one with
 * `archive_after_days` set, a `trash.purge` job for every registered tenant
 * whose purge schedule has something due by `now` (one Query of at most one item each), a
 * `search.compact` job for every tenant whose search index went two days without one (one GetItem
 * each; the change log it folds in expires after 31), and a
 * second message for open jobs whose first one was lost. It only enqueues; the jobs do the work on
 * the queue's workers. An error for one tenant is logged and counted, never thrown, so the
 * scheduler's retry can't enqueue everyone twice; tomorrow's sweep picks the tenant up again.
 */
export async function runSweeps(options: SweepOptions = {}): Promise<SweepResult> {
  const included = options.tenants ?? (() => true);
  const now = options.now ?? Date.now();
  const dueBy = new Date(now).toISOString();
  const result: SweepResult = { tenants: 0, retention_jobs: 0, reconcile_jobs: 0, archive_jobs: 0, trash_jobs: 0, search_jobs: 0, resent_jobs: 0, abandoned_jobs: 0, errors: 0 };

  for await (const page of registeredTenants()) {
    const tenants = page.filter(({ tenant }) => included(tenant));
    await eachInParallel(tenants, TENANT_CONCURRENCY, async ({ tenant, retention_days, archive_after_days }) => {
      result.tenants++;
      try {
        if (retention_days !== null) {
          await enqueueJob(tenant, "retention", {});
          result.retention_jobs++;
        }
        await enqueueJob(tenant, "reconcile", {});
        result.reconcile_jobs++;
        if (archive_after_days !== null) {
          await requestArchive(tenant, archive_after_days);
          result.archive_jobs++;
        }
        if (await anyDue(tenant, dueBy)) {
          await requestDuePurge(tenant, dueBy);
          result.trash_jobs++;
        }
        if (compactionDue(await getManifest(tenant), now) && (await requestCompaction(tenant, now))) result.search_jobs++;
      } catch (error) {
        result.errors++;
        log.error("sweep could not enqueue for a tenant", { tenant, error });
      }
    });
  }

  const open = (await openJobsOlderThan(RESEND_OPEN_JOBS_AFTER_MS)).filter((message) => included(message.tenant));
  await eachInParallel(open, TENANT_CONCURRENCY, async (message) => {
    try {
      const job = await findJob(message.tenant, message.job_id);
      if (!job || (job.status !== "queued" && job.status !== "running")) return;
      if (now - Date.parse(job.updated_at) < RESEND_OPEN_JOBS_AFTER_MS) return;
      if (job.attempts >= MAX_JOB_ATTEMPTS) {
        // Every attempt died without an answer (a worker killed at its timeout, say): stop here.
        await finishJob(message.tenant, job, { status: "failed", error: "The job kept failing; it was stopped. Retry it later." });
        countJob(job.type, "Failed");
        result.abandoned_jobs++;
        return;
      }
      await sendJobMessage({ tenant: message.tenant, job_id: message.job_id });
      result.resent_jobs++;
    } catch (error) {
      result.errors++;
      log.error("sweep could not resend a job", { tenant: message.tenant, job_id: message.job_id, error });
    }
  });
  return result;
}
