import type { SonnaManifest } from "../archive/format";
import type { ZipEntryInput } from "../archive/write";
import { FORMATS, optionsTag, type AudioOptions } from "../audio/formats";
import { runTranscode } from "../audio/invoke";
import type { StoredAudio } from "../archival/original";
import { VisibleError } from "../errors";
import { objectKeys } from "../storage/keys";
import { freshObjectSize } from "../storage/objects";
import type { GenerationEntry } from "./export";

/**
 * One generation's archive entries (`folder` + generation.json, audio, versions) with its audio in
 * `options`' format: each WAV is transcoded into the cache `export-audio` uses (one object per
 * audio object, format and options), its entry renamed, and generation.json names the renamed
 * files. Audio the format cannot hold (FLAC of 32-bit or float samples) stays WAV rather than
 * failing the whole export.
 */
export async function formattedEntries(tenant: string, entries: GenerationEntry[], folder: string, options: AudioOptions): Promise<ZipEntryInput[]> {
  if (options.format === "wav") return entries;
  const { extension } = FORMATS[options.format];
  const renamed = new Map<string, string>();
  const out: ZipEntryInput[] = [];
  for (const entry of entries) {
    const target = entry.audio && objectKeys.transcoded(tenant, entry.audio.audio_path, optionsTag(options), extension);
    if (!entry.audio || !target || !(await transcodedInto(entry.audio, target, options))) {
      out.push(entry);
      continue;
    }
    const name = entry.name.replace(/\.wav$/, extension);
    renamed.set(entry.name.slice(folder.length), name.slice(folder.length));
    out.push({ name, kind: "object", key: target });
  }
  const rename = (file: string) => renamed.get(file) ?? file;
  return out.map((entry) => {
    if (entry.kind !== "json") return entry;
    const manifest = entry.data as SonnaManifest;
    return { ...entry, data: { ...manifest, audio: rename(manifest.audio), versions: manifest.versions.map((v) => ({ ...v, file: rename(v.file) })) } };
  });
}

/** Whether `target` holds `source` in `options` (made now unless cached); false when the format cannot hold it. */
async function transcodedInto(source: StoredAudio, target: string, options: AudioOptions): Promise<boolean> {
  if ((await freshObjectSize(target)) !== undefined) return true;
  try {
    await runTranscode({ source, target, options });
    return true;
  } catch (error) {
    if (error instanceof VisibleError && error.code === "audio.format_unsupported") return false;
    throw error;
  }
}
