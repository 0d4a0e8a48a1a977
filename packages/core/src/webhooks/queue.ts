import { Resource } from "sst/resource";
import { queuesInProcess, sendToQueue } from "../queues";
import { webhookSettings } from "./config";
import type { WebhookMessage } from "./model";

/**
 * Deployed, webhook messages (dispatcher nudges and delivery tries) go to the SQS queue linked as
 * `Webhooks`, whose subscriber (functions/webhooks-worker.ts) handles them; SQS holds a message back
 * at most 15 minutes, so a later try hops until it is due (handle.ts). Locally an in-process runner
 * takes them, with timers for the waits.
 */
export async function sendWebhookMessage(message: WebhookMessage, delayMs = 0): Promise<void> {
  if (webhookSettings.lose(message)) return;
  if (queuesInProcess()) {
    const { localWebhookRunner } = await import("./local-runner");
    localWebhookRunner().send(message, delayMs);
    return;
  }
  await sendToQueue((Resource as unknown as { Webhooks: { url: string } }).Webhooks.url, message, delayMs / 1000);
}

/** Tells the tenant's dispatcher that the log has new events. */
export const nudgeDispatcher = (tenant: string): Promise<void> => sendWebhookMessage({ kind: "dispatch", tenant });
