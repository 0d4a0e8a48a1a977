/**
 * A backup folder as it is on disk, and the writes that change it. Every file is written whole
 * (temp + rename) and a generation's sidecar last, so a sidecar always describes audio that is
 * there: a run cut short leaves at worst a generation with no sidecar, which the next run writes
 * again. The folder itself is the index (read at start); only the feed's cursor is kept apart.
 */
import { mkdir, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { PARTIAL, writeFileAtomic } from "../files.js";
import { audioFiles, audioSignature, orphanFolder, PROFILE_FILE, profileFolder, sidecarName, STATE_FILE, type Generation, type Profile } from "./layout.js";

export interface Mirror {
  dir: string;
  profiles: Map<string, { folder: string; profile: Profile }>;
  generations: Map<string, { folder: string; generation: Generation }>;
}

/** The original's audio and each processed version's, by version id, as an export holds them. */
export interface AudioSet {
  original: Uint8Array;
  versions: Map<string, Uint8Array>;
}

/** Reads the folder (creating it when new) and removes what an interrupted run left half-written. */
export async function scanMirror(dir: string): Promise<Mirror> {
  await mkdir(dir, { recursive: true });
  const mirror: Mirror = { dir, profiles: new Map(), generations: new Map() };
  for (const folder of await readdir(dir, { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name.startsWith(".")) continue;
    for (const file of await readdir(join(dir, folder.name))) {
      const path = join(dir, folder.name, file);
      if (file.endsWith(PARTIAL)) await rm(path, { force: true });
      else if (file === PROFILE_FILE) {
        const profile = JSON.parse(await readFile(path, "utf8")) as Profile;
        mirror.profiles.set(profile.id, { folder: folder.name, profile });
      } else if (file.endsWith(".json")) {
        const generation = JSON.parse(await readFile(path, "utf8")) as Generation;
        mirror.generations.set(generation.id, { folder: folder.name, generation });
      }
    }
  }
  return mirror;
}

export async function loadCursor(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, STATE_FILE), "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as { cursor?: string }).cursor;
}

/** Saved only once everything the cursor covers is on disk. */
export const saveCursor = (dir: string, cursor: string) => writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify({ cursor }, null, 2)}\n`);

const folderOf = (mirror: Mirror, profileId: string) => mirror.profiles.get(profileId)?.folder ?? orphanFolder(profileId);

/** Writes profile.json, renaming the folder when the name changed (or its generations came before it). */
export async function putProfile(mirror: Mirror, profile: Profile): Promise<void> {
  const folder = profileFolder(profile);
  const before = mirror.profiles.get(profile.id)?.folder ?? orphanFolder(profile.id);
  if (before !== folder) {
    await rename(join(mirror.dir, before), join(mirror.dir, folder)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    for (const entry of mirror.generations.values()) if (entry.folder === before) entry.folder = folder;
  }
  await mkdir(join(mirror.dir, folder), { recursive: true });
  await writeFileAtomic(join(mirror.dir, folder, PROFILE_FILE), `${JSON.stringify(profile, null, 2)}\n`);
  mirror.profiles.set(profile.id, { folder, profile });
}

/** Forgets a deleted profile; its folder goes once its generations have (see `pruneFolders`). */
export async function removeProfile(mirror: Mirror, id: string): Promise<void> {
  const entry = mirror.profiles.get(id);
  if (!entry) return;
  await rm(join(mirror.dir, entry.folder, PROFILE_FILE), { force: true });
  mirror.profiles.delete(id);
}

/** What writing `generation` takes: nothing, only its sidecar, or its audio too. */
export function neededWrite(mirror: Mirror, generation: Generation): "none" | "sidecar" | "audio" {
  const before = mirror.generations.get(generation.id);
  const samePlace = before?.folder === folderOf(mirror, generation.profile_id);
  if (samePlace && JSON.stringify(before.generation) === JSON.stringify(generation)) return "none";
  if (audioFiles(generation).original === undefined) return "sidecar";
  return samePlace && audioSignature(before.generation) === audioSignature(generation) ? "sidecar" : "audio";
}

/** Writes the generation's audio (when given), removes files it no longer has, then writes its sidecar. */
export async function putGeneration(mirror: Mirror, generation: Generation, audio: AudioSet | undefined): Promise<void> {
  const folder = folderOf(mirror, generation.profile_id);
  await mkdir(join(mirror.dir, folder), { recursive: true });
  const files = audioFiles(generation);
  const kept = new Set([sidecarName(generation), ...(files.original ? [files.original] : []), ...files.versions.values()].map((f) => join(mirror.dir, folder, f)));
  if (audio) {
    await writeFileAtomic(join(mirror.dir, folder, files.original!), audio.original);
    for (const [id, file] of files.versions) {
      const bytes = audio.versions.get(id);
      if (bytes) await writeFileAtomic(join(mirror.dir, folder, file), bytes);
    }
  }
  for (const path of pathsOf(mirror, generation.id)) if (!kept.has(path)) await rm(path, { force: true });
  await writeFileAtomic(join(mirror.dir, folder, sidecarName(generation)), `${JSON.stringify(generation, null, 2)}\n`);
  mirror.generations.set(generation.id, { folder, generation });
}

/** Removes a generation's audio, then its sidecar. */
export async function removeGeneration(mirror: Mirror, id: string): Promise<boolean> {
  const paths = pathsOf(mirror, id);
  if (paths.length === 0) return false;
  // The sidecar is last in the list: while it is there, a later run still knows to remove the rest.
  for (const path of paths) await rm(path, { force: true });
  mirror.generations.delete(id);
  return true;
}

/** The files a generation has on disk now, its sidecar last. */
function pathsOf(mirror: Mirror, id: string): string[] {
  const entry = mirror.generations.get(id);
  if (!entry) return [];
  const files = audioFiles(entry.generation);
  return [...(files.original ? [files.original] : []), ...files.versions.values(), sidecarName(entry.generation)].map((f) => join(mirror.dir, entry.folder, f));
}

/** Removes folders left empty by deleted profiles. */
export async function pruneFolders(mirror: Mirror): Promise<void> {
  const used = new Set([...mirror.profiles.values()].map((p) => p.folder));
  for (const folder of await readdir(mirror.dir, { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name.startsWith(".") || used.has(folder.name)) continue;
    await rmdir(join(mirror.dir, folder.name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  }
}
