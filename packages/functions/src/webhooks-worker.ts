import type { SQSEvent, SQSRecord } from "aws-lambda";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { handleWebhookMessage } from "@sonna/core/webhooks/handle";
import type { WebhookMessage } from "@sonna/core/webhooks/model";
import { log, withObservability } from "@sonna/core/observability";

const processor = new BatchProcessor(EventType.SQS);

const isMessage = (value: unknown): value is WebhookMessage => {
  const m = value as Partial<Record<string, unknown>> | null;
  if (typeof m?.tenant !== "string") return false;
  if (m.kind === "dispatch") return true;
  return m.kind === "attempt" && typeof m.webhook_id === "string" && typeof m.event_id === "string" && Number.isInteger(m.attempt) && typeof m.due === "number";
};

/** Handles one record; a throw marks it failed, for SQS to redeliver after the visibility timeout. */
async function handleRecord(record: SQSRecord): Promise<void> {
  let message: unknown;
  try {
    message = JSON.parse(record.body);
  } catch {
    message = undefined;
  }
  if (!isMessage(message)) {
    // A malformed message can never succeed; retrying it would only delay the dead-letter queue.
    log.error("malformed webhook message", { body: record.body.slice(0, 500) });
    return;
  }
  await handleWebhookMessage(message);
}

/**
 * Subscribed to the webhook queue (infra/webhooks.ts): dispatcher nudges and delivery tries, each
 * independent, so a batch runs in parallel; a record whose handling throws (an infrastructure
 * error: a failed try is recorded, not thrown) is reported back alone (partial batch response,
 * `batchItemFailures`) and, after the receive limit, moved to the dead-letter queue. The minute
 * sweep resends whatever that leaves pending.
 */
export const handler = withObservability((event: SQSEvent, context) =>
  processPartialResponse(event, handleRecord, processor, { context, processInParallel: true, throwOnFullBatchFailure: false }),
);
