import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { getLogItem } from "../changes/walk";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { webhookSettings } from "./config";
import { claimAttempt, endDelivery, recordAttempt } from "./deliveries";
import { findWebhookItem } from "./endpoints";
import type { AttemptMessage, AttemptRecord, WebhookItem } from "./model";
import { sendWebhookMessage } from "./queue";
import { post, sign } from "./send";

const USER_AGENT = "Sonna-History-Webhooks/1";

/** The secrets a delivery is signed with: the current one, and the one before it for a day after a rotation. */
function signingSecrets(endpoint: WebhookItem, now: number): string[] {
  const previous = endpoint.previous_secret && (endpoint.previous_secret_until ?? 0) > now ? [endpoint.previous_secret] : [];
  return [endpoint.secret, ...previous];
}

/**
 * An endpoint's failure streak: it starts with a failure after a success (or none) and ends with a
 * success. An endpoint whose streak has lasted `disableAfterMs` is disabled, and says so in GET.
 */
async function noteOutcome(tenant: string, endpoint: WebhookItem, delivered: boolean, now: number): Promise<void> {
  const update = (expression: string, condition: string, values: Record<string, unknown>) =>
    dynamo
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.webhook(tenant, endpoint.id),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: values,
        }),
      )
      .catch((error: { name?: string }) => {
        // The endpoint was deleted or changed meanwhile: its new state stands.
        if (error.name !== "ConditionalCheckFailedException") throw error;
      });
  if (delivered) {
    if (endpoint.failing_since !== undefined) await update("REMOVE failing_since", "#status = :enabled", { ":enabled": "enabled" });
    return;
  }
  if (endpoint.failing_since === undefined) {
    await update("SET failing_since = if_not_exists(failing_since, :now)", "#status = :enabled", { ":now": now, ":enabled": "enabled" });
    return;
  }
  if (now - endpoint.failing_since < webhookSettings.disableAfterMs) return;
  const days = Math.round(webhookSettings.disableAfterMs / 86_400_000);
  const at = new Date(now).toISOString();
  await update("SET #status = :disabled, disabled_reason = :reason, disabled_at = :at, updated_at = :at", "#status = :enabled AND failing_since = :since", {
    ":disabled": "disabled",
    ":enabled": "enabled",
    ":reason": `Every delivery failed for ${days} days, since ${new Date(endpoint.failing_since).toISOString()}. PATCH {"enabled": true} to enable it again.`,
    ":at": at,
    ":since": endpoint.failing_since,
  });
}

/**
 * One try of one delivery: claim it, read the event from the log, sign, POST, record what
 * happened, and queue the next try when it failed and tries are left. A try is recorded before its
 * successor is queued; if the process dies in between, the sweep finds the delivery overdue.
 */
export async function runAttempt(message: AttemptMessage): Promise<void> {
  const { tenant } = message;
  const endpoint = await findWebhookItem(tenant, message.webhook_id);
  if (!endpoint) return endDelivery(tenant, message, "The endpoint was deleted.");
  if (endpoint.status !== "enabled") return endDelivery(tenant, message, "The endpoint is disabled.");
  const delivery = await claimAttempt(tenant, message);
  // Made already, or another worker holds it.
  if (!delivery) return;
  const logged = await getLogItem(tenant, delivery.seq);
  if (!logged) return endDelivery(tenant, message, "The event is no longer kept.");

  const now = webhookSettings.now();
  const timestamp = Math.floor(now / 1000);
  const body = JSON.stringify({ type: delivery.event, timestamp: logged.changed_at, data: logged.data ?? { id: logged.id } });
  const result = await post(new URL(endpoint.url), {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": delivery.event_id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signingSecrets(endpoint, now).map((secret) => sign(secret, delivery.event_id, timestamp, body)).join(" "),
  }, body);

  const number = delivery.attempts.length + 1;
  const delay = result.error === null ? undefined : webhookSettings.retryDelaysMs[number - 1];
  const next = delay === undefined ? null : webhookSettings.now() + delay;
  const record: AttemptRecord = {
    attempt: number,
    attempted_at: new Date(now).toISOString(),
    response_status: result.status,
    duration_ms: result.duration_ms,
    error: result.error,
    next_retry_at: next === null ? null : new Date(next).toISOString(),
  };
  // Our claim lapsed and another worker took the try over: its record stands.
  if (!(await recordAttempt(tenant, delivery, record, next))) return;
  if (next !== null) await sendWebhookMessage({ ...message, attempt: number + 1, due: next }, delay);
  await noteOutcome(tenant, endpoint, result.error === null, now);
}
