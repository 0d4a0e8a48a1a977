import { log } from "../observability";
import { handleWebhookMessage } from "./handle";
import { runWebhookSweep } from "./sweep";
import type { WebhookMessage } from "./model";

/** A message whose handling throws is tried again this many times, with backoff, as SQS would. */
const MAX_RECEIVES = 5;

/**
 * The local stand-in for the webhook queue and its worker: timers for delays, one dispatcher per
 * tenant at a time (a nudge meanwhile makes it run once more), tries in parallel. Timers do not
 * keep the process alive; after a restart, the sweep finds what was pending.
 */
class LocalWebhookRunner {
  private dispatching = new Map<string, Promise<void>>();
  private again = new Set<string>();

  send(message: WebhookMessage, delayMs = 0): void {
    if (delayMs > 0) {
      setTimeout(() => this.send(message), delayMs).unref();
      return;
    }
    if (message.kind === "dispatch") this.dispatch(message);
    else void this.run(message, 1);
  }

  private dispatch(message: WebhookMessage & { kind: "dispatch" }): void {
    const { tenant } = message;
    if (this.dispatching.has(tenant)) {
      this.again.add(tenant);
      return;
    }
    const running = (async () => {
      do {
        this.again.delete(tenant);
        await this.run(message, 1);
      } while (this.again.has(tenant));
    })().finally(() => this.dispatching.delete(tenant));
    this.dispatching.set(tenant, running);
  }

  private async run(message: WebhookMessage, receive: number): Promise<void> {
    try {
      await handleWebhookMessage(message);
    } catch (error) {
      log.warn("webhook message failed", { error, kind: message.kind });
      if (receive < MAX_RECEIVES) setTimeout(() => void this.run(message, receive + 1), 100 * 2 ** receive).unref();
    }
  }
}

let runner: LocalWebhookRunner | undefined;

export const localWebhookRunner = (): LocalWebhookRunner => (runner ??= new LocalWebhookRunner());

/** `npm start`'s stand-in for the minute cron: sweeps now (picking up what a restart left pending) and every minute. */
export function sweepWebhooksEveryMinute(): void {
  const sweep = () => void runWebhookSweep().catch((error: unknown) => log.warn("webhook sweep failed", { error }));
  sweep();
  setInterval(sweep, 60_000).unref();
}
