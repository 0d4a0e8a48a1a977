import { nodejsBundle } from "./bundle";
import { table } from "./table";

/**
 * Webhook deliveries. A write whose changes name an event nudges its tenant's dispatcher through the
 * `Webhooks` queue (packages/core/src/webhooks/queue.ts reads `Resource.Webhooks.url`); the worker
 * (packages/functions/src/webhooks-worker.ts) follows the change log from the dispatcher's
 * position, records a delivery per subscribed endpoint and queues its tries on the same queue,
 * delayed by the retry schedule (SQS holds a message at most 15 minutes, so a later try hops until
 * it is due). Every function that writes changes links the queue. A sweep every minute nudges
 * dispatchers that lag the log and resends overdue tries, so a lost message delays an event by a
 * minute and loses nothing.
 *
 * No function is given SONNA_WEBHOOKS_ALLOW_LOOPBACK: deployed, webhooks go to public https
 * addresses only (tests/infra.test.ts).
 */

/** A try waits at most 10 s for its answer; a batch runs its tries side by side, with room for the reads and writes around them. */
export const WEBHOOK_WORKER_TIMEOUT = "1 minute";

/** At least the worker's timeout, as Lambda requires; six times it, as AWS advises, so a throttled receive is not counted as a failure. */
export const WEBHOOK_VISIBILITY_TIMEOUT = "6 minutes";

/** Receives before a message goes to the dead-letter queue (only infrastructure errors throw: a failed try is recorded, not thrown). */
export const WEBHOOK_RECEIVE_LIMIT = 5;

/** Workers at once: deliveries are waits on other servers, and the API shares the account's concurrency. */
export const WEBHOOK_WORKER_MAX_CONCURRENCY = 10;

/**
 * Messages that failed WEBHOOK_RECEIVE_LIMIT times, kept 14 days for a look. Nothing needs to send
 * them back: the sweep resends the tries they were for, and nudges their dispatchers.
 */
export const webhookDeadLetters = new sst.aws.Queue("WebhookDeadLetters", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});

export const webhookQueue = new sst.aws.Queue("Webhooks", {
  visibilityTimeout: WEBHOOK_VISIBILITY_TIMEOUT,
  dlq: { queue: webhookDeadLetters.arn, retry: WEBHOOK_RECEIVE_LIMIT },
});

export const webhookWorkerFunction = {
  handler: "packages/functions/src/webhooks-worker.handler",
  nodejs: nodejsBundle,
  runtime: "nodejs22.x",
  architecture: "arm64",
  timeout: WEBHOOK_WORKER_TIMEOUT,
  memory: "512 MB",
  // The table for endpoints, the log and deliveries; the queue for the next tries and nudges.
  link: [table, webhookQueue],
} satisfies sst.aws.FunctionArgs;

/** Up to 10 messages per invocation, run in parallel; partial batch responses retry a failed one alone. */
export const webhookSubscriber = webhookQueue.subscribe(webhookWorkerFunction, {
  batch: { size: 10, partialResponses: true },
  transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: WEBHOOK_WORKER_MAX_CONCURRENCY } } },
});

/** Every minute: lagging dispatchers and overdue tries (packages/functions/src/webhooks-sweep.ts). */
export const webhookSweep = new sst.aws.CronV2("WebhookSweep", {
  schedule: "rate(1 minute)",
  function: {
    handler: "packages/functions/src/webhooks-sweep.handler",
    nodejs: nodejsBundle,
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "1 minute",
    memory: "512 MB",
    link: [table, webhookQueue],
  },
});
