import { setTimeout as sleep } from "node:timers/promises";
import type { JobMessage } from "./model";
import { MAX_JOB_ATTEMPTS, runJob } from "./run";
import { openJobsOlderThan } from "./store";

/**
 * The local stand-in for SQS and its subscriber: messages run one at a time in this process, and a
 * message whose run throws is redelivered with backoff, as SQS would after its visibility timeout.
 */
class LocalJobRunner {
  private queue: { message: JobMessage; delivery: number }[] = [];
  private running: Promise<void> | undefined;

  send(message: JobMessage): void {
    this.queue.push({ message, delivery: 1 });
    this.running ??= this.work().finally(() => (this.running = undefined));
  }

  /** Resolves once every queued message has run (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async work(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await runJob(next.message);
      } catch {
        // runJob has logged it.
        if (next.delivery < MAX_JOB_ATTEMPTS) {
          await sleep(100 * 2 ** next.delivery);
          this.queue.push({ message: next.message, delivery: next.delivery + 1 });
        }
      }
    }
  }
}

let runner: LocalJobRunner | undefined;

/** On a restart of the local stack, jobs a killed process left unfinished are run again. */
export async function resumeOpenJobs(): Promise<number> {
  const open = await openJobsOlderThan(0);
  for (const message of open) localJobRunner().send(message);
  return open.length;
}

export const localJobRunner = (): LocalJobRunner => (runner ??= new LocalJobRunner());
