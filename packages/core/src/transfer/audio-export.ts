import { safeFilename } from "../archive/format";
import { encoderArgs } from "../audio/encode";
import { audioOptions, FORMATS, optionsTag, type AudioOptions } from "../audio/formats";
import { runTranscode } from "../audio/invoke";
import { openStoredWav, peekWav } from "../audio/source";
import { servedWavKey } from "../archival/restore";
import { VisibleError } from "../errors";
import { isArchived, type GenerationItem, type Version } from "../generations/model";
import { getGeneration } from "../generations/repo";
import { defaultAudio, findVersion } from "../generations/versions";
import { enqueueJob } from "../jobs/enqueue";
import type { Job } from "../jobs/model";
import { limits } from "../limits";
import { objectKeys } from "../storage/keys";
import { freshObjectSize, headObject } from "../storage/objects";
import { presignDownload } from "../storage/presign";
import type { DownloadLink } from "../shapes/transfer";

export const notCompleted = (id: string, status: string) =>
  new VisibleError(409, "generation.not_completed", `Generation ${id} is ${status}; only completed audio can be downloaded.`);

const audioMissing = (item: GenerationItem) => new VisibleError(404, "audio.not_found", `The audio of generation ${item.id} is missing.`);

/** The audio a download serves: the version named, else the default one; only completed audio. */
function chosenAudio(item: GenerationItem, versionId: string | undefined): Version {
  if (item.status !== "completed") throw notCompleted(item.id, item.status);
  const audio = versionId === undefined ? defaultAudio(item) : findVersion(item, versionId);
  if (!audio) throw notCompleted(item.id, item.status);
  if (audio.status !== "completed") throw new VisibleError(409, "version.not_completed", `Version ${audio.id} is ${audio.status}; only completed audio can be downloaded.`);
  return audio;
}

/** Where the audio in `options` lives (the stored object itself for wav), and what to call the download. */
function rendition(tenant: string, item: GenerationItem, audio: Version, options: AudioOptions) {
  const { extension, contentType } = FORMATS[options.format];
  const key = options.format === "wav" ? audio.audio_path : objectKeys.transcoded(tenant, audio.audio_path, optionsTag(options), extension);
  return { key, filename: safeFilename(item.text, extension), contentType };
}

const linkTo = async (r: { key: string; filename: string; contentType: string }, size: number): Promise<DownloadLink> => ({
  ...(await presignDownload(r.key, { filename: r.filename, contentType: r.contentType })),
  filename: r.filename,
  size_bytes: size,
});

export interface AudioExportRequest extends AudioOptions {
  version_id?: string | undefined;
}

/**
 * A link to a generation's audio (its default version, or `version_id`) in a format. WAV is the
 * stored object itself. Other formats are transcoded once per (audio object, format, options) and
 * kept with the exports for a day, so asking again is only a presign. Audio up to
 * `limits.transcodeInRequestMaxChannelSeconds` is transcoded within the request; longer audio
 * gets a job whose result holds the link.
 */
export async function exportAudio(tenant: string, id: string, request: AudioExportRequest): Promise<DownloadLink | Job> {
  const item = await getGeneration(tenant, id);
  const audio = chosenAudio(item, request.version_id);
  const options = audioOptions(request.format, request.bitrate);
  const target = rendition(tenant, item, audio, options);
  if (options.format === "wav") {
    if (!isArchived(audio) && !(await headObject(audio.audio_path))) throw audioMissing(item);
    // Archived audio is served from its restored copy, restored now up to 100 MB, else by a job.
    const key = await servedWavKey(audio, true);
    if (!key) return enqueueJob(tenant, "audio.restore", { generation_id: item.id, version_id: audio.id });
    return linkTo({ ...target, key }, audio.size_bytes);
  }
  const cached = await freshObjectSize(target.key);
  if (cached !== undefined) return linkTo(target, cached);
  // Refusals (FLAC of float audio) are answered now, not from a job: the header says it all.
  const { info, body } = await peekWav(await openStoredWav(audio));
  body.destroy();
  encoderArgs(info, options);
  if (info.durationSeconds * info.channels > limits.transcodeInRequestMaxChannelSeconds) {
    return enqueueJob(tenant, "audio.transcode", { generation_id: item.id, version_id: audio.id, ...options });
  }
  const { size_bytes } = await runTranscode({ source: audio, target: target.key, options });
  return linkTo(target, size_bytes);
}

/** What an `audio.transcode` job keeps: where its result is, not a link (links are made when the job is read). */
export interface TranscodedAudio {
  key: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  format: string;
}

/** The `audio.transcode` job: the transcode a request found too large to wait for. Running it again reuses a finished result. */
export async function transcodeForJob(tenant: string, params: { generation_id: string; version_id: string } & AudioOptions): Promise<TranscodedAudio> {
  const item = await getGeneration(tenant, params.generation_id);
  const audio = chosenAudio(item, params.version_id);
  const options = audioOptions(params.format, params.bitrate);
  const target = rendition(tenant, item, audio, options);
  const size = (await freshObjectSize(target.key)) ?? (await runTranscode({ source: audio, target: target.key, options })).size_bytes;
  return { key: target.key, filename: target.filename, content_type: target.contentType, size_bytes: size, format: optionsTag(options) };
}

/** A finished `audio.transcode` job's result as the API shows it: with a fresh link. */
export async function transcodedLink(result: TranscodedAudio): Promise<Record<string, unknown>> {
  const { key: _key, content_type: _type, ...shown } = result;
  return { ...shown, ...(await presignDownload(result.key, { filename: result.filename, contentType: result.content_type })) };
}
