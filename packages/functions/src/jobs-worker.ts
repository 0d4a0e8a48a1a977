import { runJob } from "@sonna/core/jobs/run";
import type { JobMessage } from "@sonna/core/jobs/model";

/** The fields of an SQS event this handler reads. */
export interface SqsEvent {
  Records: { messageId: string; body: string }[];
}

/**
 * Subscribed to the jobs queue. Each message runs to its end; a message whose run throws is
 * reported back alone (partial batch response), so SQS redelivers only that one and, after the
 * queue's receive limit, moves it to the dead-letter queue.
 */
export async function handler(event: SqsEvent): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let message: JobMessage;
    try {
      message = JSON.parse(record.body) as JobMessage;
      if (typeof message.tenant !== "string" || typeof message.job_id !== "string") throw new Error("not a job message");
    } catch (error) {
      // A malformed message can never succeed; retrying it would only delay the dead-letter queue.
      console.error(JSON.stringify({ level: "error", message: "malformed job message", body: record.body.slice(0, 500), error: String(error) }));
      continue;
    }
    try {
      await runJob(message);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", message: "job attempt failed", job: message.job_id, error: String(error) }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
