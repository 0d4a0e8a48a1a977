import { data } from "./api.js";
import type { Context } from "./context.js";
import { sleep } from "./retry.js";
import type { components } from "./schema.js";

export type Job = components["schemas"]["Job"];

export interface WaitOptions {
  /** Longest pause between polls, in milliseconds (default 2000; polling starts at a tenth of it). */
  intervalMs?: number;
  /** Gives up (throws) after this many milliseconds; unlimited by default. */
  timeoutMs?: number;
  /** Called with the job after every poll. */
  onProgress?: (job: Job) => void;
  signal?: AbortSignal;
}

/** Polls GET /jobs/{id} until the job has `succeeded` or `failed`, and answers it as it finished. */
export async function waitForJob(context: Context, id: string, options: WaitOptions = {}): Promise<Job> {
  const { intervalMs = 2000, timeoutMs, onProgress, signal } = options;
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  let pause = Math.max(1, Math.floor(intervalMs / 10));
  for (;;) {
    signal?.throwIfAborted();
    const job = await data(context.api.GET("/jobs/{id}", { params: { path: { id } }, ...(signal ? { signal } : {}) }));
    onProgress?.(job);
    if (job.status === "succeeded" || job.status === "failed") return job;
    if (Date.now() + pause > deadline) throw new Error(`Job ${id} is still ${job.status} after ${timeoutMs} ms.`);
    await sleep(pause);
    pause = Math.min(intervalMs, pause * 2);
  }
}
