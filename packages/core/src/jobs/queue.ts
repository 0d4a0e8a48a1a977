import { Resource } from "sst/resource";
import { queuesInProcess, sendToQueue } from "../queues";
import type { JobMessage } from "./model";

/**
 * Deployed, job messages go to the SQS queue linked as `Jobs`, whose subscriber runs them.
 * Locally an in-process runner takes them instead and calls the same `runJob` with the same
 * message shape.
 */
export async function sendJobMessage(message: JobMessage): Promise<void> {
  if (queuesInProcess()) {
    const { localJobRunner } = await import("./local-runner");
    localJobRunner().send(message);
    return;
  }
  await sendToQueue((Resource as unknown as { Jobs: { url: string } }).Jobs.url, message);
}
