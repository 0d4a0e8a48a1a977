import { GRACE_MS } from "../changes/walk";
import { runAttempt } from "./attempt";
import { webhookSettings } from "./config";
import { dispatch } from "./dispatch";
import type { WebhookMessage } from "./model";
import { sendWebhookMessage } from "./queue";

/** A try that arrives this early is sent on again instead of made (SQS's longest delay is 15 minutes). */
const EARLY_MS = 1_000;

/**
 * What a webhook message does, on the SQS worker and the local runner alike. A dispatcher that
 * stopped before a number still being written comes back once the writer had its grace; one that
 * read its fill comes back at once.
 */
export async function handleWebhookMessage(message: WebhookMessage): Promise<void> {
  if (message.kind === "dispatch") {
    const end = await dispatch(message.tenant);
    if (end === "capped") await sendWebhookMessage(message);
    if (end === "blocked") await sendWebhookMessage(message, GRACE_MS);
    return;
  }
  const wait = message.due - webhookSettings.now();
  if (wait > EARLY_MS) return sendWebhookMessage(message, wait);
  await runAttempt(message);
}
