/**
 * Where a backup keeps each thing: a folder per profile (`<name>-<profile id>`, with profile.json),
 * and per generation `<text>-<id>.json` (every field), `<text>-<id>.wav` (the original audio) and
 * `<text>-<id>.<label>-<version id>.wav` for each processed version. Names are ASCII letters,
 * digits and dashes from the text or name, so they are safe on every file system; the ids keep
 * them unique.
 */
import type { components } from "../../schema.js";

export type Generation = components["schemas"]["Generation"];
export type Profile = components["schemas"]["Profile"];

export const STATE_FILE = ".sonna-backup.json";
export const PROFILE_FILE = "profile.json";

/** Up to six words of `text`, accents folded, other scripts dropped; `fallback` when none is left. */
export function slug(text: string, fallback: string): string {
  const words = text.slice(0, 2_000).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.slice(0, 6).join("-").slice(0, 40).replace(/-+$/, "") || fallback;
}

export const profileFolder = (profile: Pick<Profile, "id" | "name">) => `${slug(profile.name, "profile")}-${profile.id}`;

/** A folder for generations whose profile is gone. */
export const orphanFolder = (profileId: string) => `profile-${profileId}`;

export const baseName = (g: Pick<Generation, "id" | "text">) => `${slug(g.text, "generation")}-${g.id}`;

/** The generation's files, beside its sidecar: the original audio and each processed version's, by version id. */
export function audioFiles(g: Generation): { original: string | undefined; versions: Map<string, string> } {
  if (g.status !== "completed") return { original: undefined, versions: new Map() };
  const base = baseName(g);
  const processed = g.versions.filter((v) => v.status === "completed" && v.audio_path !== g.audio_path);
  return {
    original: `${base}.wav`,
    versions: new Map(processed.map((v) => [v.id, `${base}.${slug(v.label, "version")}-${v.id}.wav`])),
  };
}

export const sidecarName = (g: Pick<Generation, "id" | "text">) => `${baseName(g)}.json`;

/**
 * What decides whether the audio must be fetched again: the objects and versions, not the
 * favourite flag, tags or note (for those only the sidecar is rewritten).
 */
export const audioSignature = (g: Generation) =>
  JSON.stringify([g.status, g.audio_path, g.text, g.versions.map((v) => [v.id, v.status, v.audio_path, v.label])]);

/** The stored fields only: a listed generation also carries its profile's current name, which is not its own. */
export function generationFields(g: Generation & { profile_name?: unknown; audio_url?: unknown; audio_url_expires_at?: unknown }): Generation {
  const { profile_name: _name, audio_url: _url, audio_url_expires_at: _expires, ...fields } = g;
  return fields;
}
