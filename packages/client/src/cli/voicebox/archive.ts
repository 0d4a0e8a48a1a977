/**
 * One Voicebox generation as an archive `POST /history/import` takes (our own export format), so
 * the service keeps what a plain create cannot: created_at, the favourite flag and every version
 * with its label, effects chain and default.
 *
 * In Voicebox a generation's `audio_path` follows its default version, and the clean take is the
 * version labelled `original` with no effects chain (generations made before versions existed have
 * one labelled `clean`, or none): that take becomes our generation's own audio, the other versions
 * our processed versions.
 */
import { readFile } from "node:fs/promises";
import { strToU8, zipSync, type Zippable } from "fflate";
import type { VoiceboxEffect, VoiceboxGeneration, VoiceboxVersion } from "./database.js";
import type { AudioLocator } from "./paths.js";

export type Packed =
  | { kind: "archive"; zip: Uint8Array; created_at: string; skippedVersions: string[] }
  | { kind: "skip"; reason: string };

const AUDIO = "audio.wav";

/** The archive for a completed generation, or why it cannot be imported (its clean audio is missing or unreadable). */
export async function packGeneration(generation: VoiceboxGeneration, locator: AudioLocator): Promise<Packed> {
  const clean = cleanTake(generation.versions);
  const original = await readWav(clean?.audio_path ?? generation.audio_path, locator);
  if (typeof original === "string") return { kind: "skip", reason: original };
  const files: Zippable = { [AUDIO]: [original, { level: 0 }] };
  const versions = [];
  const skippedVersions: string[] = [];
  for (const version of generation.versions) {
    const effects = version === clean ? [] : enabledEffects(version.effects_chain);
    if (effects === undefined) {
      skippedVersions.push(`version "${version.label}" (${version.id}): its effects chain is not readable JSON`);
      continue;
    }
    let file = AUDIO;
    if (version !== clean) {
      const audio = await readWav(version.audio_path, locator);
      if (typeof audio === "string") {
        skippedVersions.push(`version "${version.label}" (${version.id}): ${audio}`);
        continue;
      }
      file = `versions/${String(versions.length + 1).padStart(2, "0")}.wav`;
      files[file] = [audio, { level: 0 }];
    }
    versions.push({ label: version.label, effects_chain: effects, is_default: version.is_default, file });
  }
  const created_at = voiceboxInstant(generation.created_at) ?? new Date().toISOString();
  const manifest = {
    format: "sonna-history",
    format_version: 1,
    exported_at: new Date().toISOString(),
    generation: {
      text: generation.text,
      language: generation.language,
      seed: generation.seed,
      instruct: generation.instruct,
      engine: generation.engine,
      model_size: generation.model_size,
      status: "completed",
      error: null,
      duration: null,
      is_favorited: generation.is_favorited,
      created_at,
    },
    profile: null,
    versions,
    audio: AUDIO,
  };
  files["generation.json"] = strToU8(JSON.stringify(manifest));
  return { kind: "archive", zip: zipSync(files), created_at, skippedVersions };
}

/** The unprocessed take: `original` without effects, else the oldest version without effects. */
function cleanTake(versions: VoiceboxVersion[]): VoiceboxVersion | undefined {
  const plain = versions.filter((v) => enabledEffects(v.effects_chain)?.length === 0);
  return plain.find((v) => v.label === "original") ?? plain[0];
}

/** The effects Voicebox applies (disabled ones it skips), as our versions name them; undefined when unreadable. */
function enabledEffects(chain: VoiceboxEffect[] | null | undefined) {
  if (chain === undefined) return undefined;
  return (chain ?? []).filter((e) => e.enabled !== false).map((e) => ({ type: e.type, params: e.params ?? {} }));
}

/** The WAV's bytes, or why there are none. */
async function readWav(stored: string | null, locator: AudioLocator): Promise<Uint8Array | string> {
  if (!stored) return "it has no audio path";
  const path = await locator.locate(stored);
  if (path === undefined) return `its audio ${stored} is missing`;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return `its audio ${path} is unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const ascii = (from: number) => String.fromCharCode(...bytes.subarray(from, from + 4));
  return ascii(0) === "RIFF" && ascii(8) === "WAVE" ? bytes : `its audio ${path} is not a WAV file`;
}

/**
 * Voicebox stores Python's naive `datetime.utcnow()` (UTC, microseconds, a space or a `T`); the
 * service keeps milliseconds, so the same cut is made here and a second run recognises the first's.
 */
export function voiceboxInstant(value: string | null): string | null {
  const match = value && /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!match) return null;
  const [, day, time, fraction = "", zone = "Z"] = match;
  const date = new Date(`${day}T${time}${fraction.slice(0, 4)}${zone}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
