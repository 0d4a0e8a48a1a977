import { runWebhookSweep, type WebhookSweepResult } from "@sonna/core/webhooks/sweep";
import { log, withObservability } from "@sonna/core/observability";

/**
 * The minute sweep (infra/webhooks.ts): nudges dispatchers that lag the change log and resends
 * overdue delivery tries, so a lost message costs a minute, never an event. Locally `npm start`
 * runs the same sweep on a timer; the tests call it directly.
 */
export const handler = withObservability(async (): Promise<WebhookSweepResult> => {
  const result = await runWebhookSweep();
  if (result.nudged || result.resent || result.errors) log.info("webhook sweep done", { ...result });
  return result;
});
