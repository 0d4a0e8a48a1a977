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

/** Where a generation's audio is, before any is read: its clean take and each version that can come in. */
export type Plan =
  | { kind: "plan"; original: string; versions: { version: VoiceboxVersion; effects: Effect[]; path: string | undefined }[]; skippedVersions: string[] }
  | { kind: "skip"; reason: string };

export type Packed =
  /** `sources`: the Voicebox file behind each audio entry of the archive, by entry name. */
  | { kind: "archive"; zip: Uint8Array; skippedVersions: string[]; sources: Record<string, string> }
  | { kind: "skip"; reason: string };

type Effect = { type: string; params: NonNullable<VoiceboxEffect["params"]> };

const AUDIO = "audio.wav";

/**
 * Finds the files (without reading them): a generation whose clean take is missing is skipped;
 * a version whose audio is missing, or whose effects chain does not parse, is left out. A run that
 * finds the generation imported already lists what was left out from this alone.
 */
export async function planGeneration(generation: VoiceboxGeneration, locator: AudioLocator): Promise<Plan> {
  const clean = cleanTake(generation.versions);
  const original = await locate(clean?.audio_path ?? generation.audio_path, locator);
  if (original.path === undefined) return { kind: "skip", reason: original.reason };
  const versions = [];
  const skippedVersions: string[] = [];
  for (const version of generation.versions) {
    const effects = version === clean ? [] : enabledEffects(version.effects_chain);
    const found = version === clean ? undefined : await locate(version.audio_path, locator);
    const problem = effects === undefined ? "its effects chain is not readable JSON" : found?.path === undefined ? found?.reason : undefined;
    if (problem) skippedVersions.push(`version "${version.label}" (${version.id}): ${problem}`);
    else versions.push({ version, effects: effects!, path: found?.path });
  }
  return { kind: "plan", original: original.path, versions, skippedVersions };
}

/**
 * Reads the planned files into the archive; a file that is not a WAV skips its generation or leaves
 * its version out. A generation without a language takes `profileLanguage` (its profile's here), as
 * a create without one would.
 */
export async function packGeneration(generation: VoiceboxGeneration, plan: Extract<Plan, { kind: "plan" }>, profileLanguage: string): Promise<Packed> {
  const original = await readWav(plan.original);
  if (typeof original === "string") return { kind: "skip", reason: original };
  const files: Zippable = { [AUDIO]: [original, { level: 0 }] };
  const sources: Record<string, string> = { [AUDIO]: plan.original };
  const versions = [];
  const skippedVersions = [...plan.skippedVersions];
  for (const { version, effects, path } of plan.versions) {
    let file = AUDIO;
    if (path !== undefined) {
      const audio = await readWav(path);
      if (typeof audio === "string") {
        skippedVersions.push(`version "${version.label}" (${version.id}): ${audio}`);
        continue;
      }
      file = `versions/${String(versions.length + 1).padStart(2, "0")}.wav`;
      files[file] = [audio, { level: 0 }];
      sources[file] = path;
    }
    versions.push({ label: version.label, effects_chain: effects, is_default: version.is_default, file });
  }
  const { text, seed, instruct, engine, model_size, is_favorited } = generation;
  const language = generation.language ?? profileLanguage;
  const created_at = voiceboxInstant(generation.created_at) ?? new Date().toISOString();
  const manifest = {
    format: "sonna-history",
    format_version: 1,
    exported_at: new Date().toISOString(),
    generation: { text, language, seed, instruct, engine, model_size, is_favorited, created_at, status: "completed", error: null, duration: null },
    profile: null,
    versions,
    audio: AUDIO,
  };
  files["generation.json"] = strToU8(JSON.stringify(manifest));
  return { kind: "archive", zip: zipSync(files), skippedVersions, sources };
}

/** The unprocessed take: `original` without effects, else the oldest version without effects. */
function cleanTake(versions: VoiceboxVersion[]): VoiceboxVersion | undefined {
  const plain = versions.filter((v) => enabledEffects(v.effects_chain)?.length === 0);
  return plain.find((v) => v.label === "original") ?? plain[0];
}

/** The effects Voicebox applies (disabled ones it skips), as our versions name them; undefined when unreadable. */
function enabledEffects(chain: VoiceboxEffect[] | null | undefined): Effect[] | undefined {
  if (chain === undefined) return undefined;
  return (chain ?? []).filter((e) => e.enabled !== false).map((e) => ({ type: e.type, params: e.params ?? {} }));
}

/** The file a stored path names here, or why there is none. */
async function locate(stored: string | null, locator: AudioLocator): Promise<{ path: string; reason?: never } | { path?: never; reason: string }> {
  if (!stored) return { reason: "it has no audio path" };
  const path = await locator.locate(stored);
  return path === undefined ? { reason: `its audio ${stored} is missing` } : { path };
}

/** The WAV's bytes, or why there are none. */
async function readWav(path: string): Promise<Uint8Array | string> {
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
  const offset = /^[+-]\d{4}$/.test(zone) ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const date = new Date(`${day}T${time}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
