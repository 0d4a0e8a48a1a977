import type { SQSClient } from "@aws-sdk/client-sqs";
import { Resource } from "sst/resource";
import { onFirstUse } from "../lazy";
import type { JobMessage } from "./model";

/**
 * Deployed, job messages go to the SQS queue linked as `Jobs`, whose subscriber runs them.
 * Locally (SONNA_LOCAL_JOBS=1, set by the embedded stack and the tests) an in-process runner takes
 * them instead and calls the same `runJob` with the same message shape.
 */
let sqs: SQSClient | undefined;
// Loaded on the first job, not at cold start: most requests never queue one.
const sqsModule = onFirstUse(() => import("@aws-sdk/client-sqs"));

export async function sendJobMessage(message: JobMessage): Promise<void> {
  if (process.env.SONNA_LOCAL_JOBS === "1") {
    const { localJobRunner } = await import("./local-runner");
    localJobRunner().send(message);
    return;
  }
  const { SQSClient, SendMessageCommand } = await sqsModule();
  sqs ??= new SQSClient({});
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: (Resource as unknown as { Jobs: { url: string } }).Jobs.url,
      MessageBody: JSON.stringify(message),
    }),
  );
}
