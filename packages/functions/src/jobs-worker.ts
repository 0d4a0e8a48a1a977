import type { SQSEvent, SQSRecord } from "aws-lambda";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { runJob } from "@sonna/core/jobs/run";
import type { JobMessage } from "@sonna/core/jobs/model";
import { log, withObservability } from "@sonna/core/observability";

const processor = new BatchProcessor(EventType.SQS);

/** Runs one record's job; a throw marks the record failed. */
async function runRecord(record: SQSRecord): Promise<void> {
  let message: JobMessage;
  try {
    message = JSON.parse(record.body) as JobMessage;
    if (typeof message.tenant !== "string" || typeof message.job_id !== "string") throw new Error("not a job message");
  } catch (error) {
    // A malformed message can never succeed; retrying it would only delay the dead-letter queue.
    log.error("malformed job message", { body: record.body.slice(0, 500), error });
    return;
  }
  await runJob(message);
}

/**
 * Subscribed to the jobs queue. Each message runs to its end, one after another; a message whose
 * run throws is reported back alone (partial batch response, `batchItemFailures`, through
 * Powertools' batch processor), so SQS redelivers only that one and, after the queue's receive
 * limit, moves it to the dead-letter queue. A batch whose every message failed is reported the
 * same way rather than thrown, so SQS still sees each one.
 */
export const handler = withObservability((event: SQSEvent, context) =>
  processPartialResponse(event, runRecord, processor, { context, processInParallel: false, throwOnFullBatchFailure: false }),
);
