import type { LambdaClient } from "@aws-sdk/client-lambda";
import { Resource } from "sst/resource";
import type { StoredAudio } from "../archival/original";
import { onFirstUse } from "../lazy";
import { queuesInProcess } from "../queues";
import { VisibleError } from "../errors";
import type { TranscodeAnswer, TranscodeRequest, TranscodeResult } from "./transcode";

const lambdaModule = onFirstUse(() => import("@aws-sdk/client-lambda"));
let lambda: LambdaClient | undefined;

/** What the transcode function is asked besides transcodes: restore archived audio to its WAV copy. */
export interface RestoreRequest {
  restore: StoredAudio;
}

export type AudioWork = TranscodeRequest | RestoreRequest;

/** The restored copy's key, or the refusal of audio that cannot be restored. */
export type RestoreAnswer = { key: string } | Extract<TranscodeAnswer, { refused: unknown }>;

/**
 * Deployed, the `Transcode` function does the work that runs ffmpeg (it alone of the functions the
 * API waits on carries the binary); a refusal comes back as data and is answered as our own.
 */
async function invokeAudioFunction<T extends object>(work: AudioWork, what: string): Promise<Exclude<T, { refused: unknown }>> {
  const { LambdaClient, InvokeCommand } = await lambdaModule();
  lambda ??= new LambdaClient({});
  const functionName = (Resource as unknown as { Transcode: { name: string } }).Transcode.name;
  const response = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(work) }));
  const payload = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()) || "null");
  if (response.FunctionError) throw new Error(`${what} failed: ${payload?.errorMessage ?? response.FunctionError}`);
  if ("refused" in payload) throw new VisibleError(payload.refused.status, payload.refused.code, payload.refused.detail);
  return payload;
}

/** Runs a transcode and waits for it; locally, where background work runs in process, here. */
export async function runTranscode(request: TranscodeRequest): Promise<TranscodeResult> {
  if (queuesInProcess()) return (await import("./transcode")).transcode(request);
  return invokeAudioFunction<TranscodeAnswer>(request, `transcode of ${request.source.audio_path}`);
}

/** Restores archived audio to its WAV copy and waits for it (the key); locally, here. */
export async function runRestore(audio: StoredAudio): Promise<string> {
  if (queuesInProcess()) return (await import("../archival/restore")).restoreCopy(audio);
  return (await invokeAudioFunction<RestoreAnswer>({ restore: audio }, `restore of ${audio.audio_path}`)).key;
}
