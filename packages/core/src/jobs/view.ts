import type { TranscodedAudio } from "../transfer/audio-export";
import type { ExportPart } from "../transfer/bulk-export";
import { onFirstUse } from "../lazy";
import { toJob, type Job, type JobItem } from "./model";
import { getJob } from "./store";

// Presigning loads the S3 SDK; only a finished export needs it, so polling other jobs stays light.
const bulkExportModule = onFirstUse(() => import("../transfer/bulk-export"));
const audioExportModule = onFirstUse(() => import("../transfer/audio-export"));

/**
 * A job as the API shows it. A finished export's or transcode's result carries download links made at read
 * time, so a client that looks later still gets a working 15-minute link (for a day).
 */
export async function jobView(tenant: string, id: string): Promise<Job> {
  const item: JobItem = await getJob(tenant, id);
  const job = toJob(item);
  if (item.status !== "succeeded" || !item.result) return job;
  if (item.type === "audio.transcode") {
    const { transcodedLink } = await audioExportModule();
    return { ...job, result: await transcodedLink(item.result as unknown as TranscodedAudio) };
  }
  if (item.type !== "history.export") return job;
  const { parts, ...rest } = item.result as { parts: ExportPart[] };
  const { partLinks } = await bulkExportModule();
  const links = await partLinks(parts);
  return { ...job, result: { ...rest, url: links[0]?.url ?? null, parts: links } };
}
