/**
 * Where a Voicebox row's audio is on this machine. Voicebox stores paths relative to its data
 * directory; older rows hold absolute paths or relative ones prefixed `data/`. An absolute path
 * that does not exist here (the history was copied from another machine, maybe another OS) is
 * re-anchored under the data directory: first at the part after its last `data` folder (as
 * Voicebox itself resolves it), then by file name anywhere under the data directory.
 */
import { access, readdir } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

export interface AudioLocator {
  /** The file a stored path names here, or undefined when there is none. */
  locate(stored: string | null): Promise<string | undefined>;
}

export async function audioLocator(dataDir: string): Promise<AudioLocator> {
  let byName: Map<string, string> | undefined;
  const exists = (path: string) => access(path).then(() => true, () => false);
  return {
    async locate(stored) {
      if (!stored) return undefined;
      const parts = stored.split(/[\\/]+/).filter((part) => part !== "");
      const absolute = isAbsolute(stored) || /^[A-Za-z]:[\\/]/.test(stored) || stored.startsWith("\\\\");
      if (!absolute) {
        const relative = parts[0] === "data" ? parts.slice(1) : parts;
        const path = join(dataDir, ...relative);
        return (await exists(path)) ? path : undefined;
      }
      if (isAbsolute(stored) && (await exists(stored))) return stored;
      const afterData = parts.lastIndexOf("data");
      if (afterData >= 0 && afterData < parts.length - 1) {
        const path = join(dataDir, ...parts.slice(afterData + 1));
        if (await exists(path)) return path;
      }
      byName ??= await filesByName(dataDir);
      return byName.get(parts.at(-1) ?? "");
    },
  };
}

/** Every file under `dir` by its name (the first found wins), read once. */
async function filesByName(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !found.has(entry.name)) found.set(entry.name, join(entry.parentPath, entry.name));
  }
  return found;
}
