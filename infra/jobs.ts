import { FFMPEG_PACKAGE, nodejsBundle } from "./bundle";
import { bucket } from "./bucket";
import { table } from "./table";
import { transcodeFunction } from "./transcode";
import { webhookQueue } from "./webhooks";

/**
 * Background jobs (profile deletes, bulk deletes, exports, retention, reconcile): the API records a
 * job and sends `{tenant, job_id}` to the `Jobs` queue (packages/core/src/jobs/queue.ts reads
 * `Resource.Jobs.url`); packages/functions/src/jobs-worker.ts runs it. Jobs are idempotent and
 * resumable, so a redelivery after a crash finishes the work without doing any of it twice.
 */

/** Lambda's maximum: a 50,000-generation profile delete or a big reconcile fits in one attempt. */
export const WORKER_TIMEOUT = "15 minutes";

/**
 * How long a received message stays hidden. It must be at least the worker's timeout (Lambda
 * refuses the subscription otherwise, and a shorter one would hand a running job to a second
 * worker); AWS advises six times the timeout, so a message Lambda received but could not invoke
 * (throttling) is not counted as a failed attempt. The cost: a job whose attempt failed is retried
 * after this long, and the daily sweep re-sends any job whose message got lost.
 */
export const QUEUE_VISIBILITY_TIMEOUT = "90 minutes";

/** Receives before a message goes to the dead-letter queue; jobs also stop after 5 attempts (MAX_JOB_ATTEMPTS). */
export const JOB_RECEIVE_LIMIT = 5;

/**
 * Workers running at once. The sweep queues two jobs per tenant every day; without a cap they
 * would scale out to the account's concurrency and throttle the API function, which shares it.
 */
export const WORKER_MAX_CONCURRENCY = 20;

/**
 * Messages that failed JOB_RECEIVE_LIMIT times, kept for the 14 days SQS allows. Each is a
 * `{tenant, job_id}`: GET the job's record to see why, fix the cause, and send the message to `Jobs`
 * again (jobs resume where they stopped). Nothing consumes this queue on its own.
 */
export const jobsDeadLetters = new sst.aws.Queue("JobsDeadLetters", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});

export const jobsQueue = new sst.aws.Queue("Jobs", {
  visibilityTimeout: QUEUE_VISIBILITY_TIMEOUT,
  dlq: { queue: jobsDeadLetters.arn, retry: JOB_RECEIVE_LIMIT },
});

export const jobsWorkerFunction = {
  handler: "packages/functions/src/jobs-worker.handler",
  // Archive jobs encode FLAC, restore jobs and exports of archived audio decode it: ffmpeg runs here too.
  nodejs: { ...nodejsBundle, install: [FFMPEG_PACKAGE] },
  runtime: "nodejs22.x",
  architecture: "arm64",
  timeout: WORKER_TIMEOUT,
  // Reconcile holds a tenant's object listing in memory (about 200 bytes per object).
  memory: "1024 MB",
  // The table and bucket for the work; the queue because jobs may queue follow-up jobs; the webhook
  // queue for the events of their changes and of their own end (job.finished).
  // The transcode function for large downloads in other formats and bulk exports in a format.
  link: [table, bucket, jobsQueue, webhookQueue, transcodeFunction],
} satisfies sst.aws.FunctionArgs;

/**
 * One message per invocation, so a slow job never holds others back; partial batch responses
 * (the worker returns `batchItemFailures`) so a failed message is retried alone.
 */
export const jobsSubscriber = jobsQueue.subscribe(jobsWorkerFunction, {
  batch: { size: 1, partialResponses: true },
  transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: WORKER_MAX_CONCURRENCY } } },
});

/**
 * The daily sweep: queues a retention job per tenant with `retention_days` and a reconcile job per
 * tenant, and re-sends jobs whose message was lost (packages/functions/src/sweeps.ts). CronV2
 * (EventBridge Scheduler) rather than Cron, which SST v4 deprecates; `function` rather than the
 * deprecated `job`. It only enqueues, so it needs the table and the queue, not the bucket, and the
 * webhook queue for the job.finished of a job it gives up on.
 */
export const sweeps = new sst.aws.CronV2("Sweeps", {
  schedule: "rate(1 day)",
  function: {
    handler: "packages/functions/src/sweeps.handler",
    nodejs: nodejsBundle,
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "15 minutes",
    memory: "512 MB",
    link: [table, jobsQueue, webhookQueue],
  },
});
