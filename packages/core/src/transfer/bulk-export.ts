import { unsafeNameReason, nameKey } from "../archive/names";
import { writeZipToS3, ARCHIVE_MAX_BYTES, type ZipEntryInput } from "../archive/write";
import type { GenerationItem } from "../generations/model";
import { eachGeneration, type GenerationFilter } from "../generations/query";
import { findGeneration } from "../generations/repo";
import type { ProfileItem } from "../profiles/model";
import { findProfileItem } from "../profiles/service";
import { objectKeys } from "../storage/keys";
import { presignDownload } from "../storage/presign";
import { audioOptions } from "../audio/formats";
import { generationEntries } from "./export";
import { formattedEntries } from "./formatted-entries";

import type { BulkExportRequest } from "../shapes/transfer";
import type { Selection } from "../shapes/list";

export type { Selection } from "../shapes/list";

export interface ExportPart {
  key: string;
  filename: string;
  size_bytes: number;
  generations: number;
}

/** ZIP parts stay under this, well inside what a ZIP without ZIP64 can address. */
const PART_BUDGET_BYTES = Math.floor(ARCHIVE_MAX_BYTES * 0.95);
const PART_MAX_ENTRIES = 20_000;

const audioBytes = (item: GenerationItem) =>
  item.size_bytes + item.versions.filter((v) => v.audio_path !== item.audio_path && v.status === "completed").reduce((sum, v) => sum + v.size_bytes, 0);

/** A folder name from a profile name that every unzip tool accepts; distinct profiles get distinct folders. */
function folderNamer() {
  const used = new Map<string, string>();
  const taken = new Set<string>();
  return (profileId: string, name: string | undefined): string => {
    const known = used.get(profileId);
    if (known) return known;
    const base =
      (name ?? "Deleted profile")
        .normalize("NFC")
        .replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/g, "_")
        .replace(/[. ]+$/, "")
        .replace(/^\.+/, "")
        .slice(0, 80) || "profile";
    let folder = base;
    for (let n = 2; taken.has(nameKey(folder)) || unsafeNameReason(folder) !== null; n++) folder = `${base.slice(0, 72)}-${n}`;
    taken.add(nameKey(folder));
    used.set(profileId, folder);
    return folder;
  };
}

/** The selection's generations; ids this tenant has no generation for are added to `notFound`. */
async function* selected(tenant: string, selection: Selection, notFound: string[]): AsyncGenerator<GenerationItem> {
  if ("ids" in selection) {
    // An id given twice is exported once: its second set of entries would repeat names in the ZIP.
    for (const id of new Set(selection.ids)) {
      const item = await findGeneration(tenant, id);
      if (item) yield item;
      else notFound.push(id);
    }
    return;
  }
  for await (const page of eachGeneration(tenant, selection.filter, true, 200)) yield* page;
}

/**
 * Streams every completed generation of the selection into ZIP parts: a folder per profile name,
 * a folder per generation inside it (its generation.json, audio.wav and versions), and an
 * index.json per part. Parts split at about 2 GiB, so any history size works. Running it again
 * rebuilds the same parts (keys are per job), so a retried job leaves no stray archives.
 * `skipped` counts the generations left out: not completed, or (by id) not found, which
 * `not_found` names. Audio files are in the request's `format` (default WAV).
 */
export async function bulkExport(
  tenant: string,
  jobId: string,
  request: BulkExportRequest,
  onProgress: (done: number) => Promise<void>,
): Promise<{ parts: ExportPart[]; exported: number; skipped: number; not_found: string[] }> {
  const { format, bitrate, ...selection } = request;
  const options = audioOptions(format, bitrate);
  const profiles = new Map<string, ProfileItem | undefined>();
  const folderOf = folderNamer();
  const parts: ExportPart[] = [];
  let entries: ZipEntryInput[] = [];
  let index: Record<string, unknown>[] = [];
  let bytes = 0;
  let exported = 0;
  let skipped = 0;
  const notFound: string[] = [];

  const flush = async () => {
    if (index.length === 0) return;
    const key = objectKeys.exportArchive(tenant, `bulk-${jobId}-part-${parts.length + 1}`);
    const manifest = {
      format: "sonna-history-bulk",
      format_version: 1,
      exported_at: new Date().toISOString(),
      audio_format: options.format,
      ...(options.bitrate ? { audio_bitrate_kbps: options.bitrate } : {}),
      part: parts.length + 1,
      generations: index,
    };
    const { size } = await writeZipToS3({
      key,
      entries: [{ name: "index.json", kind: "json", data: manifest }, ...entries],
      maxEntries: PART_MAX_ENTRIES + 1,
      maxJsonBytes: 64 * 1024 * 1024,
    });
    parts.push({ key, filename: `sonna-history-export-part-${parts.length + 1}.zip`, size_bytes: size, generations: index.length });
    entries = [];
    index = [];
    bytes = 0;
    await onProgress(exported);
  };

  for await (const item of selected(tenant, selection, notFound)) {
    if (item.status !== "completed") {
      skipped++;
      continue;
    }
    if (!profiles.has(item.profile_id)) profiles.set(item.profile_id, await findProfileItem(tenant, item.profile_id));
    const profile = profiles.get(item.profile_id);
    const folder = `${folderOf(item.profile_id, profile?.name)}/${item.id}/`;
    const own = await formattedEntries(tenant, generationEntries(item, profile, folder), folder, options);
    const size = audioBytes(item);
    if (index.length > 0 && (bytes + size > PART_BUDGET_BYTES || entries.length + own.length > PART_MAX_ENTRIES)) await flush();
    entries.push(...own);
    index.push({ id: item.id, folder, profile: profile?.name ?? null, text: item.text.slice(0, 200), created_at: item.created_at, duration: item.duration });
    bytes += size;
    exported++;
  }
  await flush();
  return { parts, exported, skipped: skipped + notFound.length, not_found: notFound };
}

/** Fresh download links for a finished export's parts (links are short-lived; the parts last a day). */
export async function partLinks(parts: ExportPart[]) {
  return Promise.all(
    parts.map(async (part) => ({
      filename: part.filename,
      size_bytes: part.size_bytes,
      generations: part.generations,
      ...(await presignDownload(part.key, { filename: part.filename, contentType: "application/zip" })),
    })),
  );
}
