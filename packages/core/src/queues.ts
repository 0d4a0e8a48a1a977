import type { SQSClient } from "@aws-sdk/client-sqs";
import { onFirstUse } from "./lazy";

/**
 * Deployed, background work travels on SQS queues (jobs, webhook deliveries). Locally
 * (SONNA_LOCAL_JOBS=1, set by the embedded stack and the tests) in-process runners take the same
 * messages instead.
 */
export const queuesInProcess = (): boolean => process.env.SONNA_LOCAL_JOBS === "1";

let sqs: SQSClient | undefined;
// Loaded with the first message sent, not at cold start: most requests never send one.
const sqsModule = onFirstUse(() => import("@aws-sdk/client-sqs"));

/** SQS delays a message by at most this long. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** Sends `body` as JSON to the queue at `url`, hidden for `delaySeconds` (at most SQS's 15 minutes). */
export async function sendToQueue(url: string, body: unknown, delaySeconds = 0): Promise<void> {
  const { SQSClient, SendMessageCommand } = await sqsModule();
  sqs ??= new SQSClient({});
  const delay = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(body), ...(delay > 0 ? { DelaySeconds: delay } : {}) }));
}
