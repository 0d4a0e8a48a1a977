import type { LambdaClient } from "@aws-sdk/client-lambda";
import { Resource } from "sst/resource";
import { onFirstUse } from "../lazy";
import { queuesInProcess } from "../queues";
import { VisibleError } from "../errors";
import type { TranscodeAnswer, TranscodeRequest, TranscodeResult } from "./transcode";

const lambdaModule = onFirstUse(() => import("@aws-sdk/client-lambda"));
let lambda: LambdaClient | undefined;

/**
 * Runs a transcode and waits for it. Deployed, the `Transcode` function does it (it alone carries
 * the ffmpeg binary); locally, where background work runs in process, the same `transcode` runs
 * here.
 */
export async function runTranscode(request: TranscodeRequest): Promise<TranscodeResult> {
  if (queuesInProcess()) {
    const { transcode } = await import("./transcode");
    return transcode(request);
  }
  const { LambdaClient, InvokeCommand } = await lambdaModule();
  lambda ??= new LambdaClient({});
  const functionName = (Resource as unknown as { Transcode: { name: string } }).Transcode.name;
  const response = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(request) }));
  const payload = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()) || "null");
  if (response.FunctionError) throw new Error(`transcode of ${request.source} failed: ${payload?.errorMessage ?? response.FunctionError}`);
  const answer = payload as TranscodeAnswer;
  if ("refused" in answer) throw new VisibleError(answer.refused.status, answer.refused.code, answer.refused.detail);
  return answer;
}
